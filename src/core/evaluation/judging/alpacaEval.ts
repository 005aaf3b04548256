/**
 * AlpacaEval 2.0: the judge prompt of its default annotator (weighted_alpaca_eval_gpt4_turbo), the
 * preference read from the judge's one-token answer or its first-token logprobs, and the win rates
 * (raw with its standard error, and length-controlled).
 *
 * The annotator shows the reference output and the model's output under the identifiers "m" and
 * "M" and asks for the identifier of the better one, in one token. Its request options:
 * max_tokens 1, temperature 1, logprobs true, top_logprobs 5. The order of the two outputs is drawn
 * per instruction (`alpacaSwapOrder`) so position bias cancels out over the set.
 */
import { DataError } from '../../errors';
import { rngFor } from '../../util/rng';
import { fitLogistic, mean, sampleStd, sem, sigmoid } from '../../util/stats';

/** A judge request: the system prompt and the one user turn. */
export interface JudgeMessages {
  system: string;
  user: string;
}

/** The AlpacaEval annotator's request options (the judge answers in one token; the logprobs carry the preference). */
export const ALPACA_JUDGE_OPTIONS = { maxTokens: 1, temperature: 1, topLogprobs: 5 } as const;

const SYSTEM =
  'You are an expert evaluator of answers written by large language models (LLMs). You decide which of ' +
  'several responses to an instruction is best, and your decisions are used to build a leaderboard that ' +
  'should reflect which answers people find most accurate and most useful.';

/**
 * The judge prompt. Output A gets the identifier "m", output B "M" (1 = A better, 2 = B better). The
 * layout (a JSON-like block with triple-quoted texts) is the annotator's; the wording is ours.
 */
export function alpacaJudgeMessages(instruction: string, outputA: string, outputB: string): JudgeMessages {
  const user = `I am building a leaderboard of large language models. Below you find an instruction that was given to two models, and what each of them answered. Decide which answer a person would consider the better one.

## Instruction

{
    "instruction": """${instruction}""",
}

## Model Outputs

The outputs are listed in no particular order. Each one comes with the identifier of the model that wrote it.

{
    {
        "model_identifier": "m",
        "output": """${outputA}"""
    },
    {
        "model_identifier": "M",
        "output": """${outputB}"""
    }
}

## Task

Compare the outputs for quality and for relevance to the instruction, and choose the model whose output is best. Reply with that model's identifier only. Your reply is read verbatim as the identifier, so it must be exactly m or M: no quotes, no spaces, no punctuation, no line breaks.

## Best Model Identifier`;
  return { system: SYSTEM, user };
}

/**
 * Preference in [1, 2] (1 = output A better, 2 = output B better).
 *
 * With first-token top logprobs, as the weighted annotator computes it:
 * preference = 2 − P(m) / (P(m) + P(M)), a token missing from the list counting as probability 0.
 * Tokens are compared after trimming whitespace (" M" and "M" are both the identifier M) and the
 * probabilities of tokens meaning the same identifier are added. If neither identifier is among
 * the alternatives (AlpacaEval then has no value), the answer text decides.
 * Without logprobs: the answer token, 1 for "m", 2 for "M"; quotes, backticks, bold markers and a
 * final period around it are forgiven.
 */
export function parseAlpacaPreference(text: string, topLogprobs?: { token: string; logprob: number }[]): { preference?: number; reason: string } {
  if (topLogprobs?.length) {
    let pm = 0;
    let pM = 0;
    for (const t of topLogprobs) {
      const token = t.token.trim();
      if (token === 'm') pm += Math.exp(t.logprob);
      else if (token === 'M') pM += Math.exp(t.logprob);
    }
    if (pm + pM > 0) {
      return { preference: 2 - pm / (pm + pM), reason: `logprob-weighted: P(m)=${pm.toPrecision(4)}, P(M)=${pM.toPrecision(4)}` };
    }
    const fromText = parseToken(text);
    return { ...fromText, reason: `neither m nor M among the ${topLogprobs.length} top logprobs; ${fromText.reason}` };
  }
  return parseToken(text);
}

function parseToken(text: string): { preference?: number; reason: string } {
  const trimmed = text.trim();
  if (!trimmed) return { reason: 'the judge answered nothing' };
  const core = trimmed
    .replace(/^(\*\*|["'`])+/, '')
    .replace(/(\*\*|["'`])*\.?$/, '')
    .replace(/(\*\*|["'`])+$/, '')
    .trim();
  if (core === 'm') return { preference: 1, reason: 'answer token m' };
  if (core === 'M') return { preference: 2, reason: 'answer token M' };
  const shown = trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed;
  return { reason: `the answer is not a model identifier (m or M): ${JSON.stringify(shown)}` };
}

/**
 * Whether to show the model's output first (as "m") for this instruction. AlpacaEval puts the
 * reference first and the model second, then swaps the two for a seeded half of the instructions;
 * undo the swap on the parsed preference with `alpacaUnswap`.
 */
export function alpacaSwapOrder(instruction: string, seed = 0): boolean {
  return rngFor('alpaca-eval-order', seed, instruction).next() < 0.5;
}

/** The preference for the second-listed output had the two not been swapped: 3 − p when swapped. */
export function alpacaUnswap(preference: number, swapped: boolean): number {
  return swapped ? 3 - preference : preference;
}

/** Output length as AlpacaEval measures it: Python's `len`, i.e. Unicode code points. */
export function outputLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** One judged instruction: the model's output against the reference. */
export interface AlpacaJudgement {
  instructionId: string;
  /** In [1, 2]; 2 = the model's output is better than the reference. */
  preference: number;
  /** `outputLength` of the model's output and of the reference output. */
  modelLength: number;
  referenceLength: number;
}

export interface AlpacaWinRateOptions {
  /**
   * Per-instruction difficulty, keyed by `instructionId`, for the GLM's difficulty term. AlpacaEval
   * ships values fitted on its leaderboard (a separate download); without them the term is left out.
   */
  instructionDifficulty?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
}

export interface AlpacaWinRate {
  /** Mean of (preference − 1) × 100. */
  winRate: number;
  /** Standard error of that mean × 100 (sample standard deviation / √n). */
  standardError: number;
  /** The GLM's prediction with the length difference set to 0, averaged over instructions, × 100. */
  lcWinRate: number;
  /** Delta-method standard error of lcWinRate from the fit's robust covariance, × 100: an uncertainty. */
  lcStandardError: number;
  /**
   * AlpacaEval's `lc_standard_error`: the standard error of the mean of the per-instruction
   * predictions × 100. It measures their spread over instructions, not the estimate's uncertainty,
   * and is 0 without a difficulty term (every prediction is the same).
   */
  lcPredictionSem: number;
  /** Judgements used, and those dropped because the preference was not a number in [1, 2]. */
  n: number;
  dropped: number;
  /** Counts with preference − 1 above, below and exactly at ½. */
  nWins: number;
  nLosses: number;
  nDraws: number;
  /** Win rate with every preference rounded to a win or a loss (1.5 a draw counted half), × 100. */
  discreteWinRate: number;
  lcFit: AlpacaGlmFit;
}

/** What the length-controlled fit found; the coefficients use AlpacaEval's signs, so they compare with its weight files. */
export interface AlpacaGlmFit {
  /** θ_model (AlpacaEval's `not_gamed_baseline` column). */
  modelCoef: number;
  /** θ_length, on tanh((referenceLength − modelLength) / lengthScale); 0 when the term is left out. */
  lengthCoef: number;
  /** θ_difficulty; undefined when no difficulty was given (or it was constant). */
  difficultyCoef?: number;
  /** Sample standard deviation of referenceLength − modelLength. */
  lengthScale: number;
  /** false when every length difference was the same (nothing to separate from the model term). */
  usedLength: boolean;
  usedDifficulty: boolean;
  converged: boolean;
  iterations: number;
}

/**
 * Raw and length-controlled win rates against the reference.
 *
 * Length-controlled (AlpacaEval 2.0's GLM), with y_i = preference_i − 1 ∈ [0, 1] fitted as a soft
 * label:
 *   logit P(model better on i) = θ_model + θ_length · tanh(Δ_i / sd(Δ)) [+ θ_difficulty · d_i],
 *   Δ_i = referenceLength_i − modelLength_i,   no intercept besides θ_model,
 * then LC = mean_i σ(θ_model [+ θ_difficulty · d_i]) × 100: the prediction for an output as long as
 * the reference.
 *
 * Instruction difficulty (decision): AlpacaEval's d_i are fitted on its whole leaderboard and are
 * not part of the benchmark data we have offline, so the term is optional. Without it this is
 * AlpacaEval's own `length_controlled_minimal` GLM: every prediction is σ(θ_model). Measured on the
 * 805 real length pairs with preferences drawn from a GLM that has a difficulty term (Llama-3.1-8B's
 * published weights, d ~ N(0, 1)): when difficulty is unrelated to the length difference, leaving
 * it out moves the LC win rate by < 0.1 point (θ_length shrinks ~10 %); when it correlates with
 * the length difference (ρ = ±0.5) the length term absorbs it and LC moves by 0.6–0.8 point.
 * The leaderboard's fit also adds, at weight 0.1, judgements of deliberately concise and verbose
 * versions of the reference (to regularise the length term toward what pure length does) and picks
 * an L1 penalty by 5-fold cross-validation; neither is reproducible offline, so the fit here is
 * plain maximum likelihood with a negligible ridge (see `fitLogistic`).
 */
export function alpacaWinRate(judgements: AlpacaJudgement[], opts: AlpacaWinRateOptions = {}): AlpacaWinRate {
  const used = judgements.filter((j) => Number.isFinite(j.preference) && j.preference >= 1 && j.preference <= 2);
  const y = used.map((j) => j.preference - 1);
  const n = used.length;
  const nWins = y.filter((v) => v > 0.5).length;
  const nLosses = y.filter((v) => v < 0.5).length;
  const nDraws = n - nWins - nLosses;
  const discrete = n ? ((nWins + nDraws / 2) / n) * 100 : NaN;

  const difficulty = difficultyOf(used, opts.instructionDifficulty);
  const lc = lengthControlled(used, y, difficulty);
  return {
    winRate: mean(y) * 100,
    standardError: sem(y) * 100,
    lcWinRate: lc.winRate,
    lcStandardError: lc.standardError,
    lcPredictionSem: lc.predictionSem,
    n,
    dropped: judgements.length - n,
    nWins,
    nLosses,
    nDraws,
    discreteWinRate: discrete,
    lcFit: lc.fit,
  };
}

function difficultyOf(used: AlpacaJudgement[], given: AlpacaWinRateOptions['instructionDifficulty']): number[] | undefined {
  if (!given) return undefined;
  const lookup = (id: string): number | undefined => (given instanceof Map ? given.get(id) : (given as Readonly<Record<string, number>>)[id]);
  const missing: string[] = [];
  const values = used.map((j) => {
    const d = lookup(j.instructionId);
    if (d === undefined || !Number.isFinite(d)) missing.push(j.instructionId);
    return d ?? NaN;
  });
  if (missing.length) {
    throw new DataError(`no difficulty for ${missing.length} instruction(s), e.g. ${missing.slice(0, 3).join(', ')}`, 'instructionDifficulty');
  }
  return values;
}

function lengthControlled(
  used: AlpacaJudgement[],
  y: number[],
  difficulty: number[] | undefined,
): { winRate: number; standardError: number; predictionSem: number; fit: AlpacaGlmFit } {
  const delta = used.map((j) => j.referenceLength - j.modelLength);
  const scale = sampleStd(delta);
  const usedLength = varies(delta, scale);
  // a constant difficulty is the model term again: leave it out rather than fit a singular system
  const usedDifficulty = difficulty !== undefined && varies(difficulty, sampleStd(difficulty));
  const noFit: AlpacaGlmFit = { modelCoef: NaN, lengthCoef: 0, lengthScale: scale, usedLength, usedDifficulty, converged: false, iterations: 0 };
  if (!used.length) return { winRate: NaN, standardError: NaN, predictionSem: NaN, fit: noFit };

  const X = used.map((_, i) => {
    const row = [1];
    if (usedLength) row.push(Math.tanh((delta[i] as number) / scale));
    if (usedDifficulty) row.push(difficulty[i] as number);
    return row;
  });
  const fit = fitLogistic(X, y);
  const [modelCoef = NaN] = fit.coef;
  const lengthCoef = usedLength ? (fit.coef[1] as number) : 0;
  const difficultyCoef = usedDifficulty ? (fit.coef[usedLength ? 2 : 1] as number) : undefined;

  // Predict with the length feature at tanh(0) = 0; the gradient of the mean prediction gives the delta-method SE.
  const predictions: number[] = [];
  const gradient = new Array<number>(fit.coef.length).fill(0);
  for (let i = 0; i < used.length; i++) {
    const d = usedDifficulty ? (difficulty[i] as number) : 0;
    const p = sigmoid(modelCoef + (difficultyCoef ?? 0) * d);
    predictions.push(p);
    const slope = (p * (1 - p)) / used.length;
    gradient[0] = (gradient[0] as number) + slope;
    if (usedDifficulty) gradient[usedLength ? 2 : 1] = (gradient[usedLength ? 2 : 1] as number) + slope * d;
  }
  let variance = 0;
  for (let a = 0; a < gradient.length; a++) {
    for (let b = 0; b < gradient.length; b++) variance += (gradient[a] as number) * ((fit.covariance[a] as number[])[b] as number) * (gradient[b] as number);
  }
  return {
    winRate: mean(predictions) * 100,
    standardError: Math.sqrt(Math.max(0, variance)) * 100,
    // without a difficulty term every prediction is the same: exactly 0 rather than rounding noise
    predictionSem: usedDifficulty ? sem(predictions) * 100 : used.length > 1 ? 0 : NaN,
    fit: {
      modelCoef,
      lengthCoef,
      ...(difficultyCoef !== undefined ? { difficultyCoef } : {}),
      lengthScale: scale,
      usedLength,
      usedDifficulty,
      converged: fit.converged,
      iterations: fit.iterations,
    },
  };
}

/** A spread above rounding noise (summing n equal floats can leave a standard deviation of ~1e-17). */
function varies(values: number[], std: number): boolean {
  return Number.isFinite(std) && std > 1e-9 * Math.max(1, Math.abs(mean(values)));
}
