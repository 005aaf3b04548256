import { percentile } from '../util/stats';
import type { IntervalKind } from './types';

/**
 * Per-round PGRs from per-round scores; NaN marks a round whose drawn reference − base gap is 0
 * (an undefined ratio), which every statistic built on it then skips.
 */
export function pgrRounds(student: Float64Array, base: Float64Array, reference: Float64Array): Float64Array {
  return student.map((s, r) => {
    const b = base[r] as number;
    const gap = (reference[r] as number) - b;
    return gap === 0 ? NaN : (100 * (s - b)) / gap;
  });
}

/** Per-round mean of several per-round statistics (NaN when any is NaN): how settings and averages share rounds. */
export function meanRounds(series: readonly Float64Array[]): Float64Array {
  const first = series[0];
  if (!first) return new Float64Array(0);
  return first.map((_, r) => series.reduce((s, x) => s + (x[r] as number), 0) / series.length);
}

/** The 2.5th–97.5th percentile interval of the defined rounds, and how many rounds were skipped. */
export function percentileInterval(rounds: Float64Array): { ci95: [number, number] | null; skipped: number } {
  const ok = Array.from(rounds).filter((v) => !Number.isNaN(v));
  const skipped = rounds.length - ok.length;
  if (!ok.length) return { ci95: null, skipped };
  return { ci95: [percentile(ok, 2.5), percentile(ok, 97.5)], skipped };
}

/** The interval kind of a statistic built from parts: 'none' if any part has none, 'mixed' if they differ. */
export function combineKinds(kinds: readonly IntervalKind[]): IntervalKind {
  if (!kinds.length || kinds.includes('none')) return 'none';
  const first = kinds[0] as IntervalKind;
  return kinds.every((k) => k === first) ? first : 'mixed';
}
