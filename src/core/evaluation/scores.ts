import type { BenchmarkName } from '../config/types';
import { Rng } from '../util/rng';
import type { AnswerGrade } from './answerTask';
import { BENCHMARK_INFO, type BenchmarkItem } from './benchmarks';
import { passAtK } from './graders/passAtK';
import { alpacaWinRate, outputLength, type AlpacaJudgement } from './judging/alpacaEval';
import { arenaScore, type ArenaGame, type ArenaVerdict } from './judging/arenaHard';
import type { VerdictRecord } from './judgeTask';
import type { RecordedPromptFormat } from './prompting';

/** One model's score on one benchmark, with what it was measured with. */
export interface EvalScore {
  model: string;
  role?: string;
  benchmark: BenchmarkName;
  /** The judge's model (AlpacaEval, Arena-Hard). */
  judge?: string;
  /** What `score` is: accuracy (GSM8K, MATH), pass@1 (code), LC win rate (AlpacaEval 2.0), score vs baseline (Arena-Hard). */
  metric: string;
  /** In percent. */
  score: number;
  /** 95 % interval of `score`, in percent, when one is defined. */
  ci95?: [number, number];
  /** Items scored (those with an answer, and for judged benchmarks a verdict). */
  n: number;
  /** Items of the slice without an answer or a verdict: left out of `score`; a score with missing items is partial. */
  missing: number;
  /** Other figures: pass@k, raw win rate and its standard error, per-subject accuracy… */
  detail: Record<string, unknown>;
  promptFormat: RecordedPromptFormat;
}

/** A graded answer or a verdict as the stores hold it. */
export interface StoredResult {
  slot: number;
  status: 'valid' | 'failed';
  response: string;
  meta: Record<string, unknown>;
}

/** Wilson score interval of a proportion (in percent); behaves at 0 % and 100 % unlike the normal one. */
export function wilson(successes: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 100];
  const p = successes / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [100 * Math.max(0, centre - half), 100 * Math.min(1, centre + half)];
}

/** Percentile bootstrap (seeded) of a mean over items, in percent. */
function bootstrapMean(values: number[], seed: number, rounds = 1000): [number, number] {
  if (!values.length) return [0, 100];
  const rng = new Rng(seed);
  const means: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[rng.int(values.length)] ?? 0;
    means.push(sum / values.length);
  }
  means.sort((a, b) => a - b);
  return [100 * (means[Math.floor(0.025 * rounds)] ?? 0), 100 * (means[Math.floor(0.975 * rounds)] ?? 0)];
}

/** Accuracy (GSM8K, MATH) or pass@k (HumanEval, MBPP) from graded answers. */
export function answerScore(benchmark: BenchmarkName, items: BenchmarkItem[], samples: number, answers: StoredResult[]): Omit<EvalScore, 'model' | 'role' | 'promptFormat'> {
  const byItem = new Map<string, { n: number; c: number }>();
  for (const a of answers) {
    if (a.status !== 'valid') continue;
    const g = a.meta as Partial<AnswerGrade>;
    if (!g.itemId) continue;
    const e = byItem.get(g.itemId) ?? { n: 0, c: 0 };
    e.n++;
    if (g.correct) e.c++;
    byItem.set(g.itemId, e);
  }
  // like the judged benchmarks, the score is over the items that have an answer; `missing` counts the rest
  const scored = items.filter((i) => byItem.has(i.id));
  const missing = items.length - scored.length;
  if (BENCHMARK_INFO[benchmark].kind === 'code') {
    // an item with fewer answers than samples (some never arrived) is scored on what it has; none = 0
    const per = (k: number) => scored.map((i) => {
      const e = byItem.get(i.id);
      return e && e.n >= k ? passAtK(e.n, e.c, k) : 0;
    });
    const detail: Record<string, number> = {};
    for (const k of [1, 5, 10, 100]) if (k <= samples) detail[`pass@${k}`] = (100 * per(k).reduce((a, b) => a + b, 0)) / Math.max(1, scored.length);
    const p1 = per(1);
    const score = (100 * p1.reduce((a, b) => a + b, 0)) / Math.max(1, scored.length);
    const ci95 = samples === 1 ? wilson(p1.filter((x) => x === 1).length, scored.length) : bootstrapMean(p1, 20261129);
    return { benchmark, metric: 'pass@1', score, ci95, n: scored.length, missing, detail };
  }
  const correct = scored.filter((i) => (byItem.get(i.id)?.c ?? 0) > 0).length;
  const bySubject: Record<string, { n: number; correct: number }> = {};
  for (const i of scored) {
    const subject = typeof i.meta?.subject === 'string' ? i.meta.subject : undefined;
    if (!subject) continue;
    const s = (bySubject[subject] ??= { n: 0, correct: 0 });
    s.n++;
    if ((byItem.get(i.id)?.c ?? 0) > 0) s.correct++;
  }
  return { benchmark, metric: 'accuracy', score: (100 * correct) / Math.max(1, scored.length), ci95: wilson(correct, scored.length), n: scored.length, missing, detail: { correct, ...(Object.keys(bySubject).length ? { bySubject } : {}) } };
}

/** AlpacaEval 2.0 (LC win rate) or Arena-Hard (score vs the baseline) from verdicts. */
export function judgedScore(benchmark: 'alpaca-eval' | 'arena-hard', items: BenchmarkItem[], answers: Map<string, string>, verdicts: StoredResult[]): Omit<EvalScore, 'model' | 'role' | 'promptFormat' | 'judge'> {
  const byId = new Map(items.map((i) => [i.id, i]));
  const valid = verdicts.filter((v) => v.status === 'valid').map((v) => v.meta as unknown as VerdictRecord);
  if (benchmark === 'alpaca-eval') {
    const judgements: AlpacaJudgement[] = [];
    for (const v of valid) {
      const item = byId.get(v.itemId);
      const answer = answers.get(v.itemId);
      if (!item || answer === undefined || v.preference === undefined) continue;
      judgements.push({ instructionId: v.itemId, preference: v.preference, modelLength: outputLength(answer), referenceLength: outputLength(item.reference) });
    }
    const r = alpacaWinRate(judgements);
    const se = r.standardError;
    return {
      benchmark,
      metric: 'LC win rate',
      score: r.lcWinRate,
      n: judgements.length,
      missing: items.length - judgements.length,
      detail: { ...r, winRateCi95: [r.winRate - 1.96 * se, r.winRate + 1.96 * se] },
    };
  }
  const games = new Map<string, ArenaGame>();
  for (const v of valid) {
    if (!v.verdict) continue;
    const g = games.get(v.itemId) ?? { id: v.itemId };
    if (v.modelFirst) g.modelFirst = v.verdict as ArenaVerdict;
    else g.baselineFirst = v.verdict as ArenaVerdict;
    games.set(v.itemId, g);
  }
  const list = [...games.values()];
  const r = arenaScore(list, { seed: 20261129 });
  return { benchmark, metric: 'score vs gpt-4-0314', score: r.score, ci95: r.ci95, n: r.n, missing: items.length - list.length, detail: { games: list.length } };
}
