/**
 * The unbiased pass@k estimator of Chen et al. (2021): with n samples of which c pass, the
 * chance that k drawn without replacement include a passing one, 1 - C(n-c, k) / C(n, k).
 * Computed as 1 - Π_{i=n-c+1..n} (1 - k/i), which never forms the huge binomials.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (![n, c, k].every(Number.isInteger)) throw new RangeError(`passAtK needs integers, got n=${n} c=${c} k=${k}`);
  if (n < 1 || c < 0 || c > n || k < 1 || k > n) throw new RangeError(`passAtK needs 0 <= c <= n and 1 <= k <= n, got n=${n} c=${c} k=${k}`);
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}
