import tCdf from '@stdlib/stats-base-dists-t-cdf';
import type { Correlation } from './types';

/** Arithmetic mean; NaN for no values (callers check n first). */
export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (divisor n − 1), the one z-scores and the paper's PCA use. */
export function sampleSd(xs: readonly number[]): number {
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/**
 * Whether the values have no spread worth analysing: equal up to rounding noise relative to their
 * size, so a column like [0.1+0.2, 0.3] counts as constant and is not standardised into noise.
 */
export function isConstant(xs: readonly number[]): boolean {
  if (xs.length < 2) return true;
  const scale = Math.max(...xs.map(Math.abs), 1e-300);
  return sampleSd(xs) <= scale * 1e-12;
}

/** 1-based ranks, ties sharing the average of the ranks they span (as Spearman's rho needs). */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x);
  const ranks = new Array<number>(xs.length).fill(0);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.x === order[start]?.x) end++;
    const rank = (start + end) / 2 + 1;
    for (let j = start; j <= end; j++) ranks[(order[j] as { i: number }).i] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson's r of two equally long samples; null when either is constant or n < 2. */
export function pearsonR(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length < 2 || isConstant(xs) || isConstant(ys)) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    const dx = x - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  });
  // rounding can push |r| a hair past 1 for perfectly collinear data
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Two-sided p-value of a correlation under H0: ρ = 0, from t = r·√((n−2)/(1−r²)) with n − 2
 * degrees of freedom (exact for Pearson with normal data; the usual approximation for Spearman).
 */
export function correlationP(r: number | null, n: number): number | null {
  if (r === null || n < 3) return null;
  if (Math.abs(r) >= 1) return 0;
  const t = Math.abs(r) * Math.sqrt((n - 2) / (1 - r * r));
  return twoSidedTP(t, n - 2);
}

/** Two-sided p of a t statistic; the lower tail keeps precision for large |t|. */
export function twoSidedTP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** Pearson r with its p-value. */
export function pearson(xs: readonly number[], ys: readonly number[]): Correlation {
  const r = pearsonR(xs, ys);
  return { r, p: correlationP(r, xs.length) };
}

/** Spearman's rho: Pearson r of average ranks; p from the same t approximation. */
export function spearman(xs: readonly number[], ys: readonly number[]): Correlation {
  const r = pearsonR(averageRanks(xs), averageRanks(ys));
  return { r, p: correlationP(r, xs.length) };
}
