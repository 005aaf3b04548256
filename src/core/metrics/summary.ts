/**
 * Dataset-level figures from instance-level values: what the index keeps per metric key so a
 * table of datasets (and the analysis) needs no pass over the stores.
 */

export interface ValueSummary {
  mean: number | null;
  sd: number | null;
  median: number | null;
  p10: number | null;
  p90: number | null;
  /** Values present, and instances recorded without one. */
  n: number;
  missing: number;
}

/** Mean, sample sd, median and the 10th/90th percentiles (linear interpolation) of the present values. */
export function summarize(values: Iterable<number | null>): ValueSummary {
  const xs: number[] = [];
  let missing = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) missing++;
    else xs.push(v);
  }
  const n = xs.length;
  if (!n) return { mean: null, sd: null, median: null, p10: null, p90: null, n: 0, missing };
  xs.sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, sd, median: quantile(xs, 0.5), p10: quantile(xs, 0.1), p90: quantile(xs, 0.9), n, missing };
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (pos - lo);
}
