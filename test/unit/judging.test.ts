/**
 * Pairwise judging for AlpacaEval 2.0 and Arena-Hard v0.1: prompts, verdict parsing, win rates
 * (raw, length-controlled, Bradley–Terry with bootstrap), and the fake judge behind both SDKs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Anthropic } from '@anthropic-ai/sdk';
import { OpenAI } from 'openai';
import { DataError } from '../../src/core/errors';
import {
  alpacaJudgeMessages,
  alpacaSwapOrder,
  alpacaUnswap,
  alpacaWinRate,
  outputLength,
  parseAlpacaPreference,
  type AlpacaJudgement,
} from '../../src/core/evaluation/judging/alpacaEval';
import { arenaJudgeMessages, arenaScore, parseArenaVerdict, type ArenaGame, type ArenaVerdict } from '../../src/core/evaluation/judging/arenaHard';
import { fromOpenAICompletion } from '../../src/core/providers/openai';
import { bradleyTerryTwoPlayers, fitLogistic, percentile, sem, sigmoid } from '../../src/core/util/stats';
import { rngFor, type Rng } from '../../src/core/util/rng';
import { startFakeServer, type FakeServer } from '../fake-server';
import { SHARED_DATA } from './helpers/fixtures';

const close = (actual: number, expected: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected} ± ${tol}, got ${actual}`);

/** Judgements with the given lengths and preferences; ids are the index. */
function judgements(prefs: number[], modelLengths: number[], referenceLengths: number[]): AlpacaJudgement[] {
  return prefs.map((preference, i) => ({ instructionId: String(i), preference, modelLength: modelLengths[i] ?? 0, referenceLength: referenceLengths[i] ?? 0 }));
}

function sampleStd(v: number[]): number {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

describe('AlpacaEval 2.0 judge prompt', () => {
  it('holds the instruction and both outputs, A as "m" before B as "M", and asks for one identifier', () => {
    const { system, user } = alpacaJudgeMessages('Name three primes.', 'OUTPUT-ONE 2, 3, 5', 'OUTPUT-TWO 7, 11, 13');
    assert.ok(system.length > 50);
    assert.ok(user.includes('"""Name three primes."""'));
    const m = user.indexOf('"model_identifier": "m"');
    const M = user.indexOf('"model_identifier": "M"');
    const a = user.indexOf('OUTPUT-ONE');
    const b = user.indexOf('OUTPUT-TWO');
    assert.ok(m > 0 && m < a && a < M && M < b, 'm, A, M, B in that order');
    assert.ok(user.indexOf('Name three primes.') < m, 'the instruction comes first');
    assert.match(user, /exactly m or M/);
    assert.match(user, /## Best Model Identifier$/);
  });

  it('draws the output order per instruction (about half swapped) and undoes it', () => {
    const swapped = Array.from({ length: 400 }, (_, i) => alpacaSwapOrder(`instruction ${i}`)).filter(Boolean).length;
    assert.ok(swapped > 160 && swapped < 240, `${swapped} of 400 swapped`);
    assert.equal(alpacaSwapOrder('same'), alpacaSwapOrder('same'));
    assert.equal(alpacaUnswap(1.2, true), 1.8);
    assert.equal(alpacaUnswap(1.2, false), 1.2);
  });

  it('measures length in code points, as Python does', () => {
    assert.equal(outputLength('héllo'), 5);
    assert.equal(outputLength('a😀b'), 3);
  });
});

describe('parseAlpacaPreference', () => {
  const cases: Array<[string, number | undefined]> = [
    ['m', 1],
    ['M', 2],
    [' M\n', 2],
    ['"m"', 1],
    ['`M`', 2],
    ['**M**', 2],
    ['M.', 2],
    ['', undefined],
    ['   ', undefined],
    ['Model M', undefined],
    ['mM', undefined],
    ['The best model is m', undefined],
    ['n', undefined],
    ['Both', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected ?? 'undefined'}`, () => {
      const got = parseAlpacaPreference(text);
      assert.equal(got.preference, expected);
      assert.ok(got.reason.length > 0);
    });
  }

  it('weights by first-token probabilities: 2 − P(m)/(P(m)+P(M))', () => {
    close(parseAlpacaPreference('M', [{ token: 'M', logprob: Math.log(0.75) }, { token: 'm', logprob: Math.log(0.25) }]).preference ?? NaN, 1.75, 1e-12);
    // the example completion quoted in AlpacaEval's parser
    const top = [
      { token: 'M', logprob: -0.017597131 },
      { token: 'm', logprob: -4.048847 },
      { token: 'Both', logprob: -14.908222 },
      { token: 'The', logprob: -15.705097 },
      { token: 'Based', logprob: -15.955097 },
    ];
    const pm = Math.exp(-4.048847);
    const pM = Math.exp(-0.017597131);
    close(parseAlpacaPreference('M', top).preference ?? NaN, 2 - pm / (pm + pM), 1e-12);
    // the sampled token does not matter when logprobs are given
    close(parseAlpacaPreference('m', top).preference ?? NaN, 2 - pm / (pm + pM), 1e-12);
  });

  it('counts a missing identifier as probability 0 and adds tokens that mean the same identifier', () => {
    assert.equal(parseAlpacaPreference('M', [{ token: 'M', logprob: -0.01 }, { token: 'The', logprob: -5 }]).preference, 2);
    assert.equal(parseAlpacaPreference('m', [{ token: 'm', logprob: -0.01 }]).preference, 1);
    const got = parseAlpacaPreference('M', [
      { token: ' m', logprob: Math.log(0.2) },
      { token: 'm', logprob: Math.log(0.2) },
      { token: 'M', logprob: Math.log(0.6) },
    ]);
    close(got.preference ?? NaN, 1.6, 1e-12);
  });

  it('falls back to the answer token when neither identifier is among the logprobs', () => {
    const got = parseAlpacaPreference('M', [{ token: 'The', logprob: -0.1 }, { token: 'Based', logprob: -2 }]);
    assert.equal(got.preference, 2);
    assert.match(got.reason, /neither m nor M/);
    const bad = parseAlpacaPreference('The', [{ token: 'The', logprob: -0.1 }]);
    assert.equal(bad.preference, undefined);
    assert.match(bad.reason, /not a model identifier/);
  });
});

describe('alpacaWinRate: raw win rate and standard error', () => {
  it('matches hand-computed values', () => {
    // y = [1, 0, 1, 0.5]: mean 0.625; deviations² sum 0.6875 → sd √(0.6875/3) → sem sd/2
    const r = alpacaWinRate(judgements([2, 1, 2, 1.5], [10, 10, 10, 10], [10, 10, 10, 10]));
    close(r.winRate, 62.5, 1e-12);
    close(r.standardError, (Math.sqrt(0.6875 / 3) / 2) * 100, 1e-9);
    assert.deepEqual([r.n, r.nWins, r.nLosses, r.nDraws], [4, 2, 1, 1]);
    close(r.discreteWinRate, 62.5, 1e-12);

    const soft = alpacaWinRate(judgements([1.25, 1.75], [5, 5], [5, 5]));
    close(soft.winRate, 50, 1e-12);
    close(soft.standardError, 25, 1e-9); // sd = 0.25·√2, /√2
    close(soft.discreteWinRate, 50, 1e-12);

    const discrete = alpacaWinRate(judgements([1.9, 1.8, 1.2], [1, 1, 1], [1, 1, 1]));
    close(discrete.winRate, 190 / 3, 1e-9); // mean of 0.9, 0.8, 0.2
    close(discrete.discreteWinRate, 200 / 3, 1e-9); // two wins, one loss
  });

  it('drops preferences outside [1, 2] and reports NaN for nothing', () => {
    const r = alpacaWinRate(judgements([2, NaN, 0.5, 2.5, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]));
    assert.equal(r.n, 2);
    assert.equal(r.dropped, 3);
    close(r.winRate, 50, 1e-12);
    const none = alpacaWinRate([]);
    assert.equal(none.n, 0);
    assert.ok(Number.isNaN(none.winRate) && Number.isNaN(none.lcWinRate));
  });
});

describe('alpacaWinRate: length-controlled', () => {
  /** Lengths around 1,000 characters; the model longer on `longerShare` of the items. */
  function lengths(rng: Rng, n: number, longerShare: number): { model: number[]; reference: number[] } {
    const reference = Array.from({ length: n }, () => 600 + rng.int(800));
    const model = reference.map((r) => (rng.next() < longerShare ? r + 100 + rng.int(900) : r - rng.int(400)));
    return { model, reference };
  }

  it('equals the raw win rate when every length difference is the same', () => {
    const rng = rngFor('lc-equal');
    const prefs = Array.from({ length: 120 }, () => 1 + rng.next());
    const len = prefs.map(() => 500 + rng.int(500));
    const r = alpacaWinRate(judgements(prefs, len, len));
    assert.equal(r.lcFit.usedLength, false);
    close(r.lcWinRate, r.winRate, 1e-3, 'LC');
    // intercept-only: the delta-method SE is the raw SE (n vs n − 1 in the variance)
    close(r.lcStandardError, r.standardError * Math.sqrt(119 / 120), 1e-3, 'LC SE');
  });

  it('stays close to the raw win rate when preferences do not depend on length', () => {
    const rng = rngFor('lc-independent');
    const { model, reference } = lengths(rng, 400, 0.5);
    const prefs = model.map(() => (rng.next() < 0.6 ? 2 : 1));
    const r = alpacaWinRate(judgements(prefs, model, reference));
    assert.equal(r.lcFit.usedLength, true);
    assert.ok(Math.abs(r.lcWinRate - r.winRate) < 2, `raw ${r.winRate}, LC ${r.lcWinRate}`);
  });

  it('is lower than raw when the model wins only by being longer, and recovers the GLM it came from', () => {
    const rng = rngFor('lc-longer');
    const { model, reference } = lengths(rng, 500, 0.8);
    const delta = model.map((m, i) => (reference[i] as number) - m);
    const sd = sampleStd(delta);
    // true model: θ_model = 0 (as good as the reference at equal length), θ_length = −2 (longer wins)
    const prefs = delta.map((d) => 1 + sigmoid(-2 * Math.tanh(d / sd)));
    const r = alpacaWinRate(judgements(prefs, model, reference));
    assert.ok(r.winRate > 60, `raw ${r.winRate}`);
    close(r.lcWinRate, 50, 0.01, 'LC');
    close(r.lcFit.modelCoef, 0, 1e-3, 'θ_model');
    close(r.lcFit.lengthCoef, -2, 1e-3, 'θ_length');
    close(r.lcFit.lengthScale, sd, 1e-9, 'sd(Δ)');
    assert.ok(r.lcFit.converged);

    // and the same data with binary draws: still far below raw, near 50
    const drawn = alpacaWinRate(judgements(prefs.map((p) => (rng.next() < p - 1 ? 2 : 1)), model, reference));
    assert.ok(drawn.lcWinRate < drawn.winRate - 10, `raw ${drawn.winRate}, LC ${drawn.lcWinRate}`);
    assert.ok(Math.abs(drawn.lcWinRate - 50) < 3 * drawn.lcStandardError + 1, `LC ${drawn.lcWinRate} ± ${drawn.lcStandardError}`);
  });

  it('is symmetric: swapping model and reference gives 100 − LC', () => {
    const rng = rngFor('lc-symmetric');
    const { model, reference } = lengths(rng, 200, 0.6);
    const prefs = model.map((m, i) => 1 + sigmoid(0.4 + 0.002 * (m - (reference[i] as number)) + (rng.next() - 0.5)));
    const r = alpacaWinRate(judgements(prefs, model, reference));
    const s = alpacaWinRate(judgements(prefs.map((p) => 3 - p), reference, model));
    close(s.winRate, 100 - r.winRate, 1e-9);
    close(s.lcWinRate, 100 - r.lcWinRate, 1e-6);
    close(s.lcFit.lengthCoef, r.lcFit.lengthCoef, 1e-6);
  });

  it('moves the right way: better preferences raise LC, bounds hold at the extremes', () => {
    const rng = rngFor('lc-monotone');
    const { model, reference } = lengths(rng, 150, 0.5);
    const base = model.map(() => 1 + rng.next());
    let previous = -Infinity;
    for (const shift of [-0.3, -0.1, 0, 0.1, 0.3]) {
      const lc = alpacaWinRate(judgements(base.map((p) => Math.min(2, Math.max(1, p + shift))), model, reference)).lcWinRate;
      assert.ok(lc > previous, `shift ${shift}: ${lc} after ${previous}`);
      assert.ok(lc > 0 && lc < 100);
      previous = lc;
    }
    const one = base.slice();
    one[0] = 1;
    const up = base.slice();
    up[0] = 2;
    assert.ok(alpacaWinRate(judgements(up, model, reference)).lcWinRate > alpacaWinRate(judgements(one, model, reference)).lcWinRate);
    assert.ok(alpacaWinRate(judgements(model.map(() => 2), model, reference)).lcWinRate > 99.9);
    assert.ok(alpacaWinRate(judgements(model.map(() => 1), model, reference)).lcWinRate < 0.1);
  });

  it('fits an instruction difficulty term when given one', () => {
    const rng = rngFor('lc-difficulty');
    const { model, reference } = lengths(rng, 300, 0.5);
    const delta = model.map((m, i) => (reference[i] as number) - m);
    const sd = sampleStd(delta);
    const difficulty = model.map(() => rng.next() * 4 - 2);
    const prefs = delta.map((d, i) => 1 + sigmoid(-0.5 - 1 * Math.tanh(d / sd) + 0.8 * (difficulty[i] as number)));
    const map = new Map(difficulty.map((d, i) => [String(i), d]));
    const r = alpacaWinRate(judgements(prefs, model, reference), { instructionDifficulty: map });
    assert.equal(r.lcFit.usedDifficulty, true);
    close(r.lcFit.modelCoef, -0.5, 1e-3);
    close(r.lcFit.lengthCoef, -1, 1e-3);
    close(r.lcFit.difficultyCoef ?? NaN, 0.8, 1e-3);
    const expected = (difficulty.reduce((s, d) => s + sigmoid(-0.5 + 0.8 * d), 0) / difficulty.length) * 100;
    close(r.lcWinRate, expected, 0.01);
    assert.ok(r.lcPredictionSem > 0, 'per-instruction predictions now differ');
    // a plain record works too; a constant difficulty is the model term again and is left out
    const record = Object.fromEntries(difficulty.map((d, i) => [String(i), d]));
    close(alpacaWinRate(judgements(prefs, model, reference), { instructionDifficulty: record }).lcWinRate, r.lcWinRate, 1e-9);
    const flat = alpacaWinRate(judgements(prefs, model, reference), { instructionDifficulty: new Map(difficulty.map((_, i) => [String(i), 0.3])) });
    assert.equal(flat.lcFit.usedDifficulty, false);
    close(flat.lcWinRate, alpacaWinRate(judgements(prefs, model, reference)).lcWinRate, 1e-9);
    // a missing instruction is the caller's mistake, said plainly
    map.delete('7');
    assert.throws(() => alpacaWinRate(judgements(prefs, model, reference), { instructionDifficulty: map }), (err: unknown) => err instanceof DataError && /instructionDifficulty/.test(err.message));
  });

  it('behaves at full size on the real AlpacaEval lengths (805 instructions)', function () {
    this.timeout(5000);
    const read = (file: string): { instruction: string; output: string }[] => JSON.parse(fs.readFileSync(path.join(SHARED_DATA, file), 'utf8')) as { instruction: string; output: string }[];
    const reference = read('benchmarks/alpaca-eval/reference-gpt4_1106_preview.json');
    const llama = read('real-outputs/alpaca-eval-Meta-Llama-3.1-8B-Instruct-Turbo.json');
    assert.equal(reference.length, 805);
    assert.equal(llama.length, 805);
    assert.ok(reference.every((r, i) => r.instruction === llama[i]?.instruction), 'same instructions in the same order');
    const started = Date.now();
    const refLen = reference.map((r) => outputLength(r.output));
    const modelLen = llama.map((m) => outputLength(m.output));
    // AlpacaEval's leaderboard lists average lengths of 2049 (reference) and 2181 (Llama-3.1-8B)
    close(refLen.reduce((a, b) => a + b, 0) / 805, 2049, 1);
    close(modelLen.reduce((a, b) => a + b, 0) / 805, 2181, 1);

    // Synthetic preferences from the GLM with Llama-3.1-8B's published coefficients (no difficulty term)
    const delta = refLen.map((r, i) => r - (modelLen[i] as number));
    const sd = sampleStd(delta);
    const truth = { model: -1.6486315436074048, length: -1.2423693493207115 };
    const p = delta.map((d) => sigmoid(truth.model + truth.length * Math.tanh(d / sd)));
    const soft = alpacaWinRate(judgements(p.map((v) => 1 + v), modelLen, refLen));
    close(soft.lcWinRate, 100 * sigmoid(truth.model), 0.01, 'soft LC');
    close(soft.lcFit.lengthCoef, truth.length, 1e-3, 'soft θ_length');
    assert.ok(soft.winRate > soft.lcWinRate + 1, `raw ${soft.winRate} > LC ${soft.lcWinRate}: Llama's answers are longer`);

    const rng = rngFor('alpaca-full-size');
    const drawn = alpacaWinRate(judgements(p.map((v) => (rng.next() < v ? 2 : 1)), modelLen, refLen));
    assert.equal(drawn.n, 805);
    assert.ok(drawn.lcFit.converged);
    assert.ok(Math.abs(drawn.lcWinRate - 100 * sigmoid(truth.model)) < 3 * drawn.lcStandardError, `LC ${drawn.lcWinRate} ± ${drawn.lcStandardError}`);
    assert.ok(drawn.lcStandardError > 0.8 && drawn.lcStandardError < 2.5, `LC SE ${drawn.lcStandardError}`);
    assert.ok(Math.abs(drawn.lcFit.lengthCoef - truth.length) < 0.5, `θ_length ${drawn.lcFit.lengthCoef}`);
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  });
});

describe('Arena-Hard judge prompt', () => {
  it('holds the question, A before B, and the five-level scale', () => {
    const { system, user } = arenaJudgeMessages('Q-TEXT', 'ANSWER-A', 'ANSWER-B');
    for (const label of ['[[A>>B]]', '[[A>B]]', '[[A=B]]', '[[B>A]]', '[[B>>A]]']) assert.ok(system.includes(label), label);
    const q = user.indexOf('Q-TEXT');
    const a = user.indexOf('ANSWER-A');
    const b = user.indexOf('ANSWER-B');
    assert.ok(q >= 0 && q < a && a < b);
    assert.ok(user.indexOf("<|The Start of Assistant A's Answer|>") < a && a < user.indexOf("<|The End of Assistant A's Answer|>"));
    assert.ok(user.indexOf("<|The Start of Assistant B's Answer|>") < b && b < user.indexOf("<|The End of Assistant B's Answer|>"));
  });
});

describe('parseArenaVerdict', () => {
  const cases: Array<[string, string, ArenaVerdict | undefined]> = [
    ['tie', 'Both answers are correct and similarly concise.\n\nMy final verdict is tie: [[A=B]]', 'A=B'],
    ['strong B', "Assistant A misreads the question.\n\nMy final verdict is: Assistant B is significantly better: [[B>>A]]", 'B>>A'],
    ['bold', '**Final Verdict:** [[A>>B]]', 'A>>B'],
    ['spaces', 'My final verdict: [[ A > B ]]', 'A>B'],
    ['lower case', 'final verdict: [[b>a]]', 'B>A'],
    ['less-than form', '[[A<B]]', 'B>A'],
    ['strong less-than', '[[A<<B]]', 'B>>A'],
    ['B=A', '[[B=A]]', 'A=B'],
    ['B<A', '[[B<A]]', 'A>B'],
    ['last of several', 'At first glance [[A>B]] seems right, but B handles the edge case.\n\nMy final verdict is [[B>A]].', 'B>A'],
    ['menu quoted, then verdict', 'The options are [[A>>B]], [[A>B]], [[A=B]], [[B>A]], [[B>>A]].\n\nMy final verdict is [[A>B]]', 'A>B'],
    ['single brackets', 'My final verdict is [B>A]', 'B>A'],
    ['bare', 'My final verdict is A>B.', 'A>B'],
    ['bare repeated', 'A>>B overall; again, A>>B', 'A>>B'],
    ['own answer with code, then label', "My answer:\n```python\nif a > b:\n    print(a[i] >= b)\n```\nAssistant B is correct.\n\n[[B>A]]", 'B>A'],
    ['empty', '', undefined],
    ['no label', 'Assistant A is better because it is more detailed.', undefined],
    ['bare disagreeing', 'A>B in style, B>A in accuracy.', undefined],
    ['menu echoed at the end', 'Choices:\n1. [[A>>B]]\n2. [[A>B]]\n3. [[A=B]]\n4. [[B>A]]\n5. [[B>>A]]', undefined],
    ['a side against itself', 'My final verdict is [[A>A]]', undefined],
    ['other letters', 'My final verdict is [[C>D]]', undefined],
    ['code only', 'if a > b:\n    return a', undefined],
  ];
  for (const [what, text, expected] of cases) {
    it(`${what} → ${expected ?? 'undefined'}`, () => {
      const got = parseArenaVerdict(text);
      assert.equal(got.verdict, expected, got.reason);
      assert.ok(got.reason.length > 0);
    });
  }

  it('says when earlier labels differ', () => {
    assert.match(parseArenaVerdict('[[A>B]] ... [[B>A]]').reason, /differ/);
  });
});

describe('arenaScore', () => {
  it('matches hand-computed cases (strong ×3, tie ½)', () => {
    // model wins ×3 (A>>B, model as A) + a tie → (3 + 0.5) / 4
    close(arenaScore([{ id: 'q1', modelFirst: 'A>>B', baselineFirst: 'A=B' }]).score, 87.5, 1e-9);
    // one win each way → 50
    close(arenaScore([{ id: 'q1', modelFirst: 'A>B', baselineFirst: 'A>B' }]).score, 50, 1e-9);
    // lost everything, strongly
    const lost = arenaScore([{ id: 'q1', modelFirst: 'B>>A', baselineFirst: 'A>>B' }]);
    assert.equal(lost.score, 0);
    assert.deepEqual(lost.ci95, [0, 0]);
    // q1: won both (1 + 1 of 2); q2: two ties (1 of 2); q3: strong loss in one order only (0 of 3); q4: no verdict
    const games: ArenaGame[] = [
      { id: 'q1', modelFirst: 'A>B', baselineFirst: 'B>A' },
      { id: 'q2', modelFirst: 'A=B', baselineFirst: 'A=B' },
      { id: 'q3', modelFirst: 'B>>A' },
      { id: 'q4' },
    ];
    const r = arenaScore(games);
    close(r.score, (100 * 3) / 7, 1e-9);
    assert.deepEqual([r.n, r.judgements, r.missing], [3, 5, 3]);
  });

  it('is the Bradley–Terry maximum-likelihood fit of the battles', () => {
    // the expanded battles of the last case above, fitted numerically without a penalty
    const outcomes = [1, 1, 0.5, 0.5, 0, 0, 0];
    const fit = fitLogistic(outcomes.map(() => [1]), outcomes, { ridge: 0 });
    close(100 * sigmoid(fit.coef[0] ?? NaN), (100 * 3) / 7, 1e-9);
    const bt = bradleyTerryTwoPlayers([{ outcome: 1, weight: 2 }, { outcome: 0.5, weight: 2 }, { outcome: 0, weight: 3 }]);
    close(bt.theta, fit.coef[0] ?? NaN, 1e-9);
    assert.equal(bradleyTerryTwoPlayers([{ outcome: 1, weight: 1 }]).theta, Infinity);
  });

  const verdicts: ArenaVerdict[] = ['A>>B', 'A>B', 'A=B', 'B>A', 'B>>A'];
  /** Games where the model is somewhat better than the baseline. */
  function games(n: number, seed: string): ArenaGame[] {
    const rng = rngFor(seed);
    const draw = (modelIsA: boolean): ArenaVerdict | undefined => {
      if (rng.next() < 0.03) return undefined;
      const v = verdicts[Math.min(4, Math.floor(rng.next() * 4.6))] as ArenaVerdict; // leans to the first-listed...
      return modelIsA ? v : (({ 'A>>B': 'B>>A', 'A>B': 'B>A', 'A=B': 'A=B', 'B>A': 'A>B', 'B>>A': 'A>>B' }) as const)[v]; // ...which is the model
    };
    return Array.from({ length: n }, (_, i) => ({ id: `q${i}`, modelFirst: draw(true), baselineFirst: draw(false) }));
  }

  it('is symmetric: swapping model and baseline gives 100 − score and the mirrored interval', () => {
    const g = games(200, 'arena-symmetry');
    const swapped = g.map((x) => ({ id: x.id, modelFirst: x.baselineFirst, baselineFirst: x.modelFirst }));
    const r = arenaScore(g, { seed: 7 });
    const s = arenaScore(swapped, { seed: 7 });
    close(s.score, 100 - r.score, 1e-9);
    close(s.ci95[0], 100 - r.ci95[1], 1e-9);
    close(s.ci95[1], 100 - r.ci95[0], 1e-9);
  });

  it('has an interval around the estimate that narrows with more games, and is reproducible', () => {
    const small = arenaScore(games(60, 'arena-small'));
    const large = arenaScore(games(960, 'arena-large'));
    for (const r of [small, large]) assert.ok(r.ci95[0] <= r.score && r.score <= r.ci95[1], `${r.score} in ${r.ci95.join('–')}`);
    const width = (r: { ci95: [number, number] }): number => r.ci95[1] - r.ci95[0];
    assert.ok(width(large) < width(small) / 2, `widths ${width(small)} → ${width(large)}`);
    assert.ok(large.score > 55, `the model is better: ${large.score}`);
    const g = games(100, 'arena-repro');
    assert.deepEqual(arenaScore(g, { seed: 3 }).ci95, arenaScore(g, { seed: 3 }).ci95);
    assert.notDeepEqual(arenaScore(g, { seed: 3 }).ci95, arenaScore(g, { seed: 4 }).ci95);
    assert.deepEqual(arenaScore(g, { bootstrap: 0 }).ci95, [NaN, NaN]);
    const none = arenaScore([{ id: 'x' }]);
    assert.ok(Number.isNaN(none.score));
    assert.equal(none.n, 0);
  });
});

describe('stats helpers', () => {
  it('percentile interpolates like numpy, sem is pandas-style', () => {
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
    close(percentile([10, 0, 20, 30, 40], 2.5), 1, 1e-12); // h = 4 · 0.025 = 0.1
    close(percentile([0, 10, 20, 30, 40], 97.5), 39, 1e-12);
    close(sem([1, 2, 3, 4]), Math.sqrt(5 / 3) / 2, 1e-12);
    assert.ok(Number.isNaN(sem([1])));
  });
});

describe('the fake judge behind the SDKs', () => {
  let server: FakeServer;
  let openai: OpenAI;
  before(async () => {
    server = await startFakeServer({});
    openai = new OpenAI({ apiKey: 'test-key', baseURL: server.openaiBaseURL, maxRetries: 0 });
  });
  after(async () => server.close());

  const instruction = 'Explain why the sky is blue.';
  const shortAnswer = 'Because of scattering.';
  const longAnswer =
    'Sunlight contains every colour. Air molecules are much smaller than the wavelength of visible light, so they scatter it by Rayleigh scattering, ' +
    'whose strength grows as the inverse fourth power of the wavelength: blue light is scattered several times more than red. That scattered blue ' +
    'light reaches our eyes from every direction of the sky, which therefore looks blue; at sunset the light crosses more air and the blue is scattered away.';

  async function alpaca(a: string, b: string, logprobs: boolean): Promise<OpenAI.Chat.ChatCompletion> {
    const m = alpacaJudgeMessages(instruction, a, b);
    return openai.chat.completions.create({
      model: 'judge',
      messages: [
        { role: 'system', content: m.system },
        { role: 'user', content: m.user },
      ],
      max_tokens: 1,
      temperature: 1,
      ...(logprobs ? { logprobs: true, top_logprobs: 5 } : {}),
    });
  }

  it('answers the AlpacaEval prompt with one identifier token and first-token top logprobs', async () => {
    const res = await alpaca(shortAnswer, longAnswer, true);
    const choice = res.choices[0];
    assert.ok(choice);
    assert.match(choice.message.content ?? '', /^[mM]$/);
    const first = choice.logprobs?.content?.[0];
    assert.ok(first, 'logprobs.content[0]');
    assert.equal(first.token, choice.message.content);
    assert.equal(first.top_logprobs.length, 5);
    assert.deepEqual(first.top_logprobs.slice(0, 2).map((t) => t.token), ['M', 'm'], 'the longer answer (M) is the likelier');
    const sorted = first.top_logprobs.map((t) => t.logprob);
    assert.deepEqual(sorted, [...sorted].sort((x, y) => y - x));
    const parsed = parseAlpacaPreference(choice.message.content ?? '', first.top_logprobs);
    assert.ok(parsed.preference !== undefined && parsed.preference > 1.5 && parsed.preference < 2, parsed.reason);
    // read the way the product's OpenAI client reads it
    const viaClient = fromOpenAICompletion(res);
    assert.equal(parseAlpacaPreference(viaClient.text, viaClient.topLogprobs).preference, parsed.preference);
    // same request, same answer
    const again = await alpaca(shortAnswer, longAnswer, true);
    assert.deepEqual(again.choices[0]?.logprobs, choice.logprobs);
    assert.equal(again.choices[0]?.message.content, choice.message.content);
  });

  it('keeps logprobs null when not asked, and rejects top_logprobs without logprobs', async () => {
    const res = await alpaca(longAnswer, shortAnswer, false);
    assert.equal(res.choices[0]?.logprobs, null);
    assert.match(res.choices[0]?.message.content ?? '', /^[mM]$/);
    await assert.rejects(
      openai.chat.completions.create({ model: 'judge', messages: [{ role: 'user', content: 'hi' }], top_logprobs: 2 }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && /logprobs/.test(err.message),
    );
  });

  it('prefers the longer output in aggregate, without being constant', async () => {
    const rng = rngFor('fake-judge-pairs');
    let longerWins = 0;
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const short = `Answer ${i}: ${'brief. '.repeat(1 + rng.int(5))}`;
      const long = `Answer ${i}: ${'a much more detailed sentence. '.repeat(20 + rng.int(20))}`;
      const longFirst = i % 2 === 0;
      const res = await alpaca(longFirst ? long : short, longFirst ? short : long, false);
      const token = res.choices[0]?.message.content ?? '';
      seen.add(token);
      if ((token === 'm') === longFirst) longerWins++;
    }
    assert.ok(longerWins >= 24, `${longerWins} of 30`);
    assert.equal(seen.size, 2, 'both identifiers occur');
  });

  it('answers the Arena-Hard prompt with reasoning and a final [[X]] verdict (OpenAI and Anthropic)', async () => {
    const m = arenaJudgeMessages(instruction, longAnswer, shortAnswer);
    const viaOpenAI = await openai.chat.completions.create({
      model: 'judge',
      temperature: 0,
      max_tokens: 4096,
      messages: [
        { role: 'system', content: m.system },
        { role: 'user', content: m.user },
      ],
    });
    const text = viaOpenAI.choices[0]?.message.content ?? '';
    assert.ok(text.split('\n').length > 3, 'some reasoning first');
    assert.match(text, /\[\[(A>>B|A>B|A=B|B>A|B>>A)\]\]$/);
    const verdict = parseArenaVerdict(text).verdict;
    assert.ok(verdict === 'A>>B' || verdict === 'A>B', `the much longer A wins: ${text}`);

    const anthropic = new Anthropic({ apiKey: 'test-key', baseURL: server.anthropicBaseURL, maxRetries: 0 });
    const viaAnthropic = await anthropic.messages.create({ model: 'judge', max_tokens: 4096, system: m.system, messages: [{ role: 'user', content: m.user }] });
    const block = viaAnthropic.content[0];
    assert.ok(block?.type === 'text');
    assert.ok(parseArenaVerdict(block.text).verdict !== undefined, block.text);

    // the mirrored order gives the mirrored verdict here (the length lean is far from a threshold)
    const swapped = arenaJudgeMessages(instruction, shortAnswer, longAnswer);
    const back = await openai.chat.completions.create({
      model: 'judge',
      messages: [
        { role: 'system', content: swapped.system },
        { role: 'user', content: swapped.user },
      ],
    });
    const mirrored = parseArenaVerdict(back.choices[0]?.message.content ?? '').verdict;
    assert.equal(mirrored, verdict === 'A>>B' ? 'B>>A' : 'B>A');
  });
});
