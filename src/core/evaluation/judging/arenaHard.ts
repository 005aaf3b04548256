/**
 * Arena-Hard v0.1: the pairwise judge prompt, the five-level verdict, and the score against the
 * baseline (gpt-4-0314's answers in v0.1) with a bootstrap interval.
 *
 * Every question is judged twice, once with the model as assistant A and once with the baseline as
 * A, to cancel position bias. v0.1's judge ran at temperature 0 with max_tokens 4096; when an answer
 * had no verdict label it was asked once more to finish (`ARENA_FOLLOW_UP`).
 */
import { rngFor } from '../../util/rng';
import type { JudgeMessages } from './alpacaEval';
import { bootstrap, bradleyTerryTwoPlayers, percentile } from '../../util/stats';

export type { JudgeMessages } from './alpacaEval';

/** v0.1's judge request options. */
export const ARENA_JUDGE_OPTIONS = { maxTokens: 4096, temperature: 0 } as const;

/** A second user turn for a judgement that ended without a verdict label (v0.1 allowed two attempts). */
export const ARENA_FOLLOW_UP = 'Please complete your evaluation and end it with your final verdict label.';

const SYSTEM = `You are a fair and impartial judge. Below is a user prompt followed by the answers of two AI assistants, A and B. Decide which of the two answers is better.

First write your own answer to the prompt, before you look at the assistants' answers in detail.

Then compare each assistant's answer with yours. Point out and correct any mistakes or inaccurate information.

Next, judge whether each answer is helpful, relevant and concise. Helpful: it responds correctly to the prompt or follows its instructions; when the prompt is ambiguous or open to several readings, asking the user for clarification is more helpful than an answer built on assumptions. Relevant: every part of the answer relates to what was asked. Concise: clear, without verbosity or padding.

Where it matters, also weigh the creativity and novelty of the answers. Finally, note any important information that an answer leaves out and that would help the user.

After your explanation, give your final verdict as exactly one of these labels:

1. Assistant A is much better: [[A>>B]]
2. Assistant A is slightly better: [[A>B]]
3. Tie, about the same: [[A=B]]
4. Assistant B is slightly better: [[B>A]]
5. Assistant B is much better: [[B>>A]]

For example: "My final verdict is a tie: [[A=B]]".`;

/** The judge prompt; the user turn uses the benchmark's delimiters around the question and both answers. */
export function arenaJudgeMessages(question: string, answerA: string, answerB: string): JudgeMessages {
  const user =
    `<|User Prompt|>\n${question}\n\n` +
    `<|The Start of Assistant A's Answer|>\n${answerA}\n<|The End of Assistant A's Answer|>\n\n` +
    `<|The Start of Assistant B's Answer|>\n${answerB}\n<|The End of Assistant B's Answer|>`;
  return { system: SYSTEM, user };
}

export type ArenaVerdict = 'A>>B' | 'A>B' | 'A=B' | 'B>A' | 'B>>A';

const MENU: readonly ArenaVerdict[] = ['A>>B', 'A>B', 'A=B', 'B>A', 'B>>A'];
// `[A]` `op` `[B]` with optional spaces; `<` forms (A<B = B>A) and B=A are normalised.
const LABEL = String.raw`([AB])\s*(>>|<<|>|<|=)\s*([AB])`;
const DOUBLE = new RegExp(String.raw`\[\[\s*${LABEL}\s*\]\]`, 'gi');
const SINGLE = new RegExp(String.raw`(?<!\[)\[\s*${LABEL}\s*\](?!\])`, 'gi');
// Bare labels are matched in capitals only, so code such as `if a > b:` is not read as a verdict.
const BARE = new RegExp(String.raw`(?<![\w\[<>=])${LABEL}(?![\w\]<>=])`, 'g');

/**
 * The judge's verdict: its last `[[...]]` label (as arena-hard-auto reads it; v0.1 also refused
 * texts with two different labels, which a judge quoting a label in its reasoning would lose).
 * Then, like the benchmark's fallback pattern, the last single-bracketed `[A>B]`. Bare labels
 * ("My verdict: A>B") only when every bare label in the text says the same. A text that ends with
 * the five labels in menu order echoed the instructions and is not a verdict.
 */
export function parseArenaVerdict(text: string): { verdict?: ArenaVerdict; reason: string } {
  if (!text.trim()) return { reason: 'the judgement is empty' };
  for (const [re, kind] of [
    [DOUBLE, '[[...]]'],
    [SINGLE, '[...]'],
  ] as const) {
    const found = labels(text, re);
    if (!found.length) continue;
    const last = found[found.length - 1];
    if (!last) continue;
    if (found.length >= MENU.length && MENU.every((v, i) => found[found.length - MENU.length + i] === v)) {
      return { reason: `the judgement ends with the list of ${kind} labels (the instructions echoed), not a verdict` };
    }
    if (last === 'invalid') return { reason: `the last ${kind} label compares a side with itself` };
    const others = new Set(found.filter((v) => v !== last)).size;
    return { verdict: last, reason: found.length === 1 ? `${kind} label` : `last of ${found.length} ${kind} labels${others ? ' (earlier ones differ)' : ''}` };
  }
  const bare = labels(text, BARE);
  const distinct = [...new Set(bare)];
  if (distinct.length === 1 && distinct[0] !== 'invalid' && distinct[0] !== undefined) {
    return { verdict: distinct[0], reason: `label without brackets${bare.length > 1 ? ` (${bare.length} times)` : ''}` };
  }
  if (distinct.length > 1) return { reason: `no [[...]] label, and the unbracketed labels disagree: ${distinct.join(', ')}` };
  return { reason: 'no verdict label such as [[A>B]] in the judgement' };
}

function labels(text: string, re: RegExp): (ArenaVerdict | 'invalid')[] {
  return [...text.matchAll(re)].map((m) => normalise(m[1] ?? '', m[2] ?? '', m[3] ?? ''));
}

function normalise(left: string, op: string, right: string): ArenaVerdict | 'invalid' {
  const l = left.toUpperCase();
  const r = right.toUpperCase();
  if (l === r) return 'invalid';
  if (op === '=') return 'A=B';
  const winner = op.startsWith('>') ? l : r;
  const strong = op.length === 2;
  if (winner === 'A') return strong ? 'A>>B' : 'A>B';
  return strong ? 'B>>A' : 'B>A';
}

/** One question: the verdict with the model as A, and with the baseline as A (undefined = no verdict). */
export interface ArenaGame {
  id: string;
  /** Model as A, baseline as B. */
  modelFirst?: ArenaVerdict;
  /** Baseline as A, model as B. */
  baselineFirst?: ArenaVerdict;
}

export interface ArenaScore {
  /** The model's win rate against the baseline in %, from the Bradley–Terry fit (the baseline scores 50). */
  score: number;
  /** 2.5th and 97.5th percentiles of the score over bootstrap resamples of the questions. */
  ci95: [number, number];
  /** Questions with at least one verdict. */
  n: number;
  /** Verdicts used, and verdicts missing (a question judged in one order only counts one missing). */
  judgements: number;
  missing: number;
}

/** A strong verdict (A>>B, B>>A) counts as this many battles (v0.1's default weight). */
export const ARENA_STRONG_WEIGHT = 3;

/** The model's result in the battle a verdict stands for: 1 win, ½ tie, 0 loss, with its weight. */
function battle(verdict: ArenaVerdict, modelIsA: boolean): { outcome: number; weight: number } {
  const weight = verdict.includes('>>') ? ARENA_STRONG_WEIGHT : 1;
  if (verdict === 'A=B') return { outcome: 0.5, weight };
  const aWins = verdict.startsWith('A');
  return { outcome: aWins === modelIsA ? 1 : 0, weight };
}

/**
 * The Arena-Hard score: each verdict is a battle between model and baseline, a strong one counting
 * three times and a tie half a win; the Bradley–Terry fit of two players is then the weighted win
 * rate (see `bradleyTerryTwoPlayers`), score = 100 · Σ weight·outcome / Σ weight.
 *
 * The interval resamples questions with replacement (both orders and a strong verdict's three
 * copies stay together) and refits, `bootstrap` times (default 100, seed default 42). arena-hard-auto
 * v0.1 resampled the expanded battle rows instead, treating the copies as independent; resampling
 * whole questions gives a slightly wider, more honest interval.
 */
export function arenaScore(games: ArenaGame[], opts: { bootstrap?: number; seed?: number } = {}): ArenaScore {
  const perGame = games
    .map((g) => [
      ...(g.modelFirst ? [battle(g.modelFirst, true)] : []),
      ...(g.baselineFirst ? [battle(g.baselineFirst, false)] : []),
    ])
    .filter((b) => b.length > 0);
  const judgements = perGame.reduce((s, b) => s + b.length, 0);
  const fitOf = (indices: number[]): number => 100 * bradleyTerryTwoPlayers(indices.flatMap((i) => perGame[i] ?? [])).winProbability;
  const score = fitOf(perGame.map((_, i) => i));
  const rounds = opts.bootstrap ?? 100;
  const samples = perGame.length && rounds > 0 ? bootstrap(perGame.length, rounds, rngFor('arena-hard-bootstrap', opts.seed ?? 42), fitOf) : [];
  // Percentiles of the win rate rather than of the BT rating: the same order, and finite when a resample is all wins.
  const ci95: [number, number] = samples.length ? [percentile(samples, 2.5), percentile(samples, 97.5)] : [NaN, NaN];
  return { score, ci95, n: perGame.length, judgements, missing: 2 * games.length - judgements };
}
