import { sem } from '../util/stats';
import type { Rng } from '../util/rng';
import type { ScoreInput } from './types';

/** Bootstrap draws of several scores of one benchmark, all from the same rounds. */
export interface ScoreDraws {
  /** 'items': a joint resample of shared item ids; 'normal': independent normal draws; 'none': no uncertainty known. */
  kind: 'items' | 'normal' | 'none';
  /** Per row (in the order given), per round: the drawn score in percent. Empty when kind is 'none'. */
  draws: Float64Array[];
  notes: string[];
}

/**
 * Draws `rounds` bootstrap replicates of the scores of `rows` (student(s), base, reference of one
 * benchmark). When every row has per-item results, each round resamples the item ids they all
 * share with ONE draw of indices for all rows — a paired bootstrap, so the per-item correlation
 * between models is kept. Otherwise each score is drawn independently from a normal with its
 * standard error (stderr, ci95 width / 3.92, binomial from n, or the items' standard error).
 * `labels` name the rows in notes.
 */
export function drawScores(rows: readonly ScoreInput[], labels: readonly string[], rounds: number, rng: Rng): ScoreDraws {
  const notes: string[] = [];
  if (rows.every((r) => r.items && Object.keys(r.items).length > 0)) {
    const paired = itemDraws(rows, labels, rounds, rng, notes);
    if (paired) return { kind: 'items', draws: paired, notes };
  }
  return normalDraws(rows, labels, rounds, rng, notes);
}

function itemDraws(rows: readonly ScoreInput[], labels: readonly string[], rounds: number, rng: Rng, notes: string[]): Float64Array[] | undefined {
  const maps = rows.map((r) => r.items as Record<string, number>);
  const union = new Set<string>();
  for (const m of maps) for (const id of Object.keys(m)) union.add(id);
  const common = [...union].filter((id) => maps.every((m) => id in m)).sort();
  if (!common.length) {
    notes.push(`no item id is shared by ${labels.join(', ')}: normal approximation instead`);
    return undefined;
  }
  if (common.length < union.size) {
    notes.push(`${union.size - common.length} item(s) not present in all of ${labels.join(', ')} dropped from the bootstrap (${common.length} used)`);
  }
  rows.forEach((r, k) => {
    const all = Object.values(maps[k] as Record<string, number>);
    const itemMean = (100 * all.reduce((s, v) => s + v, 0)) / all.length;
    if (Math.abs(itemMean - r.score) > 0.5) notes.push(`${labels[k]}: score ${r.score.toFixed(2)} differs from its items' mean ${itemMean.toFixed(2)}`);
  });
  const m = common.length;
  const values = maps.map((map) => Float64Array.from(common, (id) => map[id] as number));
  const draws = rows.map(() => new Float64Array(rounds));
  const sums = new Float64Array(rows.length);
  for (let round = 0; round < rounds; round++) {
    sums.fill(0);
    for (let j = 0; j < m; j++) {
      const idx = Math.floor(rng.next() * m);
      for (let k = 0; k < values.length; k++) sums[k] = (sums[k] as number) + ((values[k] as Float64Array)[idx] as number);
    }
    for (let k = 0; k < rows.length; k++) (draws[k] as Float64Array)[round] = (100 * (sums[k] as number)) / m;
  }
  return draws;
}

function normalDraws(rows: readonly ScoreInput[], labels: readonly string[], rounds: number, rng: Rng, notes: string[]): ScoreDraws {
  const sds = rows.map(scoreStandardError);
  const lacking = labels.filter((_, k) => !sds[k]);
  if (lacking.length) {
    notes.push(`no interval: ${lacking.join(', ')} has no items, n, stderr or ci95`);
    return { kind: 'none', draws: [], notes };
  }
  notes.push(`normal approximation from n/stderr: ${labels.map((l, k) => `${l} ${sds[k]?.from}`).join(', ')}`);
  const draws = rows.map((r, k) => {
    const sd = (sds[k] as { sd: number }).sd;
    return Float64Array.from({ length: rounds }, () => r.score + sd * standardNormal(rng));
  });
  return { kind: 'normal', draws, notes };
}

/**
 * A score's standard error in points: stderr if given, else from the ci95 width (/ 3.92), else
 * binomial from n, else the standard error of its items' mean; undefined when none is known.
 */
export function scoreStandardError(row: ScoreInput): { sd: number; from: string } | undefined {
  if (row.stderr !== undefined) return { sd: row.stderr, from: 'stderr' };
  if (row.ci95) return { sd: (row.ci95[1] - row.ci95[0]) / 3.92, from: 'ci95' };
  if (row.n !== undefined) {
    const p = Math.min(1, Math.max(0, row.score / 100));
    return { sd: 100 * Math.sqrt((p * (1 - p)) / row.n), from: 'n' };
  }
  const items = row.items ? Object.values(row.items) : [];
  if (items.length >= 2) return { sd: 100 * sem(items), from: 'items' };
  return undefined;
}

/** Box–Muller from the seeded generator (1 − u keeps the logarithm finite). */
function standardNormal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
