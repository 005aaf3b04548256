/** Length distributions: long-tailed, so the median and the 90th percentile say more than the mean. */
import { mean, percentile } from '../../util/stats';

/** Mean, median and 90th percentile (numpy's linear interpolation); null when there are no values. */
export interface LengthStats {
  mean: number | null;
  median: number | null;
  p90: number | null;
}

export function lengthStats(values: readonly number[]): LengthStats {
  if (!values.length) return { mean: null, median: null, p90: null };
  return { mean: mean(values), median: percentile(values, 50), p90: percentile(values, 90) };
}
