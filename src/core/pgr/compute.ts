import { BENCHMARKS } from '../config/types';
import { AgoraError } from '../errors';
import { DOMAINS, METHODS, type Method, type SettingKey } from '../types';
import { rngFor } from '../util/rng';
import { PGR_COLUMNS } from './columns';
import { indexScores, type ScoreIndex } from './inputs';
import { combineKinds, meanRounds, percentileInterval } from './rounds';
import { drawScores } from './sampling';
import { emptyCell, reportSkipped, settingCell, type CellContext, type CellWithRounds } from './settingCell';
import type { PgrBaseline, PgrCell, PgrOptions, PgrReport, ScoreInput } from './types';

/** Defaults of `computePgr`: 1000 rounds, seed 0, gaps under 2 points flagged. */
export const PGR_DEFAULTS = { rounds: 1000, seed: 0, minGap: 2 } as const;

/** Rounds and seed with their defaults, checked (a CLI flag may hand over NaN). */
export function bootstrapOptions(opts: { rounds?: number; seed?: number }): { rounds: number; seed: number } {
  const rounds = opts.rounds ?? PGR_DEFAULTS.rounds;
  const seed = opts.seed ?? PGR_DEFAULTS.seed;
  if (!Number.isInteger(rounds) || rounds < 1) throw new AgoraError(`rounds must be a positive integer, got ${rounds}`, 'pgr-options');
  if (!Number.isInteger(seed)) throw new AgoraError(`seed must be an integer, got ${seed}`, 'pgr-options');
  return { rounds, seed };
}

/**
 * The Table-2 grid from benchmark scores: per generator, the PGR of each of the nine settings
 * (mean over the domain's benchmarks) and each method's average over its three domains, with
 * seeded 95 % bootstrap intervals, ranks per column, PGR per dollar, and warnings about weak
 * baselines. Throws DataError for duplicate rows or a student benchmark without base/reference.
 */
export function computePgr(inputs: readonly ScoreInput[], opts: PgrOptions = {}): PgrReport {
  const { rounds, seed } = bootstrapOptions(opts);
  const minGap = opts.minGap ?? PGR_DEFAULTS.minGap;
  if (!(Number.isFinite(minGap) && minGap >= 0)) throw new AgoraError(`minGap must be a number ≥ 0, got ${minGap}`, 'pgr-options');
  const index = indexScores(inputs);
  const warnings: string[] = [];
  const warn = (w: string): void => {
    if (!warnings.includes(w)) warnings.push(w);
  };
  const baselines = baselineRows(index, rounds, seed, minGap, warn);
  const ctx: CellContext = { index, rounds, seed, warn };

  const cells: PgrCell[] = [];
  for (const generator of index.generators) {
    const settings = index.students.get(generator);
    for (const method of METHODS) {
      const parts = DOMAINS.map((domain) => {
        const setting: SettingKey = `${method}.${domain}`;
        const rows = settings?.get(setting);
        return rows ? settingCell(ctx, generator, setting, rows) : emptyCell(generator, setting, 'no student for this setting');
      });
      cells.push(...parts.map((p) => p.cell), averageCell(ctx, generator, method, parts).cell);
    }
  }
  for (const c of cells) {
    if (c.pgr !== null && c.costUsd !== undefined && c.costUsd > 0) c.pgrPerDollar = c.pgr / c.costUsd;
  }
  assignRanks(cells);
  return { generators: [...index.generators], columns: [...PGR_COLUMNS], cells, baselines, warnings, rounds, seed };
}

/**
 * A method's average: the mean of its three domain PGRs, only when all three exist (as Table 2's
 * avg columns); its interval averages the settings' per-round values, so it uses the same rounds.
 */
function averageCell(ctx: CellContext, generator: string, method: Method, parts: readonly CellWithRounds[]): CellWithRounds {
  const column = `${method}.avg`;
  const absent = parts.filter((p) => p.cell.pgr === null).map((p) => p.cell.column);
  if (absent.length) return emptyCell(generator, column, `needs all three domains; no PGR for ${absent.join(', ')}`);
  const cell: PgrCell = {
    generator,
    column,
    pgr: parts.reduce((s, p) => s + (p.cell.pgr as number), 0) / parts.length,
    ci95: null,
    perBenchmark: parts.flatMap((p) => p.cell.perBenchmark),
    interval: combineKinds(parts.map((p) => p.cell.interval)),
    notes: [],
  };
  const costs = parts.map((p) => p.cell.costUsd);
  if (costs.every((c): c is number => c !== undefined)) cell.costUsd = costs.reduce((s, c) => s + c, 0);
  let rounds: Float64Array | null = null;
  const series = parts.map((p) => p.rounds);
  if (series.every((x): x is Float64Array => x !== null)) {
    rounds = meanRounds(series);
    const interval = percentileInterval(rounds);
    cell.ci95 = interval.ci95;
    reportSkipped(ctx, `${generator} / ${column}`, interval.skipped, cell.notes);
  } else {
    cell.notes.push(`no interval: ${parts.filter((p) => !p.rounds).map((p) => p.cell.column).join(', ')} has none`);
  }
  return { cell, rounds };
}

/** Base, reference and gap per benchmark, with the gap's interval and the warnings a weak gap deserves. */
function baselineRows(index: ScoreIndex, rounds: number, seed: number, minGap: number, warn: (w: string) => void): PgrBaseline[] {
  const out: PgrBaseline[] = [];
  for (const benchmark of BENCHMARKS) {
    const base = index.base.get(benchmark);
    const reference = index.reference.get(benchmark);
    if (!base || !reference) continue;
    const gap = reference.score - base.score;
    const drawn = drawScores([base, reference], ['base', 'reference'], rounds, rngFor(seed, 'gap', benchmark));
    let gapCi95: [number, number] | null = null;
    if (drawn.kind !== 'none') {
      const [b, r] = drawn.draws as [Float64Array, Float64Array];
      gapCi95 = percentileInterval(r.map((v, i) => v - (b[i] as number))).ci95;
    }
    out.push({ benchmark, base: base.score, reference: reference.score, gap, gapCi95 });
    const scores = `base ${base.score.toFixed(2)}, reference ${reference.score.toFixed(2)}`;
    const ciText = gapCi95 ? `, 95% CI [${gapCi95[0].toFixed(2)}, ${gapCi95[1].toFixed(2)}]` : '';
    if (gap === 0) warn(`reference gap too small on ${benchmark}: ${scores} (gap 0: PGR undefined there)`);
    else if (Math.abs(gap) < minGap || (gapCi95 && gapCi95[0] <= 0 && gapCi95[1] >= 0)) {
      warn(`reference gap too small on ${benchmark}: ${scores} (gap ${gap.toFixed(2)}${ciText}); PGRs on it are unstable`);
    }
    if (gap < 0) warn(`reference below base on ${benchmark}: ${scores}; a positive PGR there means the student scored below the base`);
  }
  return out;
}

/**
 * Best and second best per column among generators; equal values share a rank (dense ranking).
 * Only cells computed on the column's fullest benchmark set compete: a PGR averaged over GSM8K
 * alone is not comparable with one over GSM8K and MATH.
 */
function assignRanks(cells: PgrCell[]): void {
  const byColumn = new Map<string, PgrCell[]>();
  for (const c of cells) if (c.pgr !== null) byColumn.set(c.column, [...(byColumn.get(c.column) ?? []), c]);
  for (const group of byColumn.values()) {
    const keyOf = (c: PgrCell): string => benchmarksOf(c).join(', ');
    const counts = new Map<string, number>();
    for (const c of group) counts.set(keyOf(c), (counts.get(keyOf(c)) ?? 0) + 1);
    const fullest = [...counts].sort((a, b) => b[0].split(', ').length - a[0].split(', ').length || b[1] - a[1])[0]?.[0];
    const ranked = group.filter((c) => keyOf(c) === fullest);
    for (const c of group) if (keyOf(c) !== fullest) c.notes.push(`not ranked: computed on ${keyOf(c)}, other generators on ${fullest}`);
    const distinct = [...new Set(ranked.map((c) => c.pgr as number))].sort((a, b) => b - a);
    for (const c of ranked) {
      if (c.pgr === distinct[0]) c.rank = 1;
      else if (c.pgr === distinct[1]) c.rank = 2;
    }
  }
}

/** The benchmarks a cell's PGR was actually averaged over. */
function benchmarksOf(c: PgrCell): string[] {
  return c.perBenchmark.filter((b) => b.pgr !== null).map((b) => b.benchmark).sort();
}
