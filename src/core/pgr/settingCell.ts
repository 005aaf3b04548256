import type { BenchmarkName } from '../config/types';
import { DataError } from '../errors';
import { BENCHMARK_INFO } from '../evaluation/benchmarks';
import { parseSettingKey, type Domain, type SettingKey } from '../types';
import { rngFor } from '../util/rng';
import { inDomain, settingBenchmarks } from './columns';
import { pgr } from './formula';
import { rowSource, type ScoreIndex } from './inputs';
import { combineKinds, meanRounds, percentileInterval, pgrRounds } from './rounds';
import { drawScores } from './sampling';
import type { IntervalKind, PgrCell, ScoreInput } from './types';

/** A cell together with its per-round values, kept so method averages reuse the very same rounds. */
export interface CellWithRounds {
  cell: PgrCell;
  /** Per-round PGR of the cell (NaN = skipped round); null when the cell has no interval. */
  rounds: Float64Array | null;
}

/** What evaluating cells needs besides the scores. */
export interface CellContext {
  index: ScoreIndex;
  rounds: number;
  seed: number;
  warn: (message: string) => void;
}

/** Share of skipped rounds above which a statistic gets a warning. */
const MAX_SKIPPED_SHARE = 0.05;

/** The ordinary "nothing here" cell. */
export function emptyCell(generator: string, column: string, note: string): CellWithRounds {
  return { cell: { generator, column, pgr: null, ci95: null, perBenchmark: [], interval: 'none', notes: [note] }, rounds: null };
}

/** Warns (and notes) when too many rounds of a statistic were skipped for a zero drawn gap. */
export function reportSkipped(ctx: CellContext, what: string, skipped: number, notes: string[]): void {
  if (!skipped) return;
  const text = `${what}: ${skipped} of ${ctx.rounds} bootstrap rounds had a zero reference − base gap and were skipped`;
  notes.push(text);
  if (skipped > MAX_SKIPPED_SHARE * ctx.rounds) ctx.warn(text);
}

/**
 * One generator's PGR on one setting: the mean of the PGRs of its domain's benchmarks (the paper's
 * definition), each with a bootstrap interval, and the setting's interval from the same rounds.
 */
export function settingCell(ctx: CellContext, generator: string, setting: SettingKey, rows: Map<BenchmarkName, ScoreInput>): CellWithRounds {
  const { domain } = parseSettingKey(setting) as { domain: Domain };
  const notes: string[] = [];
  const inside = new Set<BenchmarkName>();
  for (const [b, row] of rows) {
    if (inDomain(b, domain)) inside.add(b);
    else ctx.warn(`${rowSource(row)}: ${generator} / ${setting} has a score on ${b} (${BENCHMARK_INFO[b].domain}), outside its domain: not used`);
  }
  const { used, missing } = settingBenchmarks(domain, inside);
  if (used.includes('math') && inside.has('math-full')) notes.push('math-full not used: math (MATH-500) is present');
  if (!used.length) return emptyCell(generator, setting, `no score on ${missing.join(' or ')}`);
  if (missing.length) {
    notes.push(`partial: no score on ${missing.join(', ')}; the PGR averages ${used.join(', ')} only`);
    ctx.warn(`${generator} / ${setting}: no score on ${missing.join(', ')}; its PGR averages ${used.join(', ')} only`);
  }

  const perBenchmark: PgrCell['perBenchmark'] = [];
  const points: number[] = [];
  const series: (Float64Array | null)[] = [];
  const kinds: IntervalKind[] = [];
  for (const b of used) {
    const student = rows.get(b) as ScoreInput;
    const base = ctx.index.base.get(b);
    const reference = ctx.index.reference.get(b);
    if (!base || !reference) {
      const lacking = [!base && 'base', !reference && 'reference'].filter(Boolean).join(' and ');
      throw new DataError(`no ${lacking} score for benchmark ${b}, which this student row needs`, rowSource(student));
    }
    const point = pgr(student.score, base.score, reference.score);
    if (point === null) {
      notes.push(`${b}: reference and base scores are equal (${base.score}): PGR undefined, left out`);
      perBenchmark.push({ benchmark: b, pgr: null, ci95: null });
      continue;
    }
    const drawn = drawScores([student, base, reference], ['student', 'base', 'reference'], ctx.rounds, rngFor(ctx.seed, 'pgr', generator, setting, b));
    notes.push(...drawn.notes.map((n) => `${b}: ${n}`));
    let ci95: [number, number] | null = null;
    let roundValues: Float64Array | null = null;
    if (drawn.kind !== 'none') {
      const [s, bs, rf] = drawn.draws as [Float64Array, Float64Array, Float64Array];
      roundValues = pgrRounds(s, bs, rf);
      const interval = percentileInterval(roundValues);
      ci95 = interval.ci95;
      reportSkipped(ctx, `${generator} / ${setting} / ${b}`, interval.skipped, notes);
    }
    perBenchmark.push({ benchmark: b, pgr: point, ci95 });
    points.push(point);
    series.push(roundValues);
    kinds.push(drawn.kind);
  }

  const cost = datasetCost(ctx, generator, setting, rows);
  const cell: PgrCell = { generator, column: setting, pgr: null, ci95: null, perBenchmark, interval: 'none', notes, ...(cost !== undefined && { costUsd: cost }) };
  if (!points.length) {
    notes.push('no benchmark with a defined PGR');
    return { cell, rounds: null };
  }
  cell.pgr = points.reduce((s, v) => s + v, 0) / points.length;
  cell.interval = combineKinds(kinds);
  let rounds: Float64Array | null = null;
  if (series.every((x): x is Float64Array => x !== null)) {
    rounds = series.length === 1 ? (series[0] as Float64Array) : meanRounds(series);
    const interval = percentileInterval(rounds);
    cell.ci95 = interval.ci95;
    if (series.length > 1) reportSkipped(ctx, `${generator} / ${setting}`, interval.skipped, notes);
  }
  if (cell.interval === 'mixed') notes.push('interval mixes an item bootstrap and a normal approximation across benchmarks');
  return { cell, rounds };
}

/** The dataset's generation cost: the students' rows should all carry the same figure. */
function datasetCost(ctx: CellContext, generator: string, setting: string, rows: Map<BenchmarkName, ScoreInput>): number | undefined {
  const costs = [...rows.values()].map((r) => r.costUsd).filter((c): c is number => c !== undefined);
  const first = costs[0];
  if (first !== undefined && costs.some((c) => c !== first)) {
    ctx.warn(`${generator} / ${setting}: its rows give different dataset costs (${costs.join(', ')}); using ${first}`);
  }
  return first;
}
