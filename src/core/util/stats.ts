/**
 * The little statistics the pairwise benchmarks need: a weighted logistic regression with soft
 * labels (AlpacaEval's length-controlled GLM), the two-player Bradley–Terry fit (Arena-Hard), the
 * bootstrap and numpy-style percentiles. Hand-written because the models have 1–3 parameters:
 * Newton's method on a 3×3 system is a few lines, no library in the project fits a logistic GLM.
 */
import type { Rng } from './rng';

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function mean(values: readonly number[]): number {
  if (!values.length) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n − 1 in the denominator, as pandas' `std`); NaN below 2 values. */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return Math.sqrt(s / (values.length - 1));
}

/** Standard error of the mean (pandas' `sem`); NaN below 2 values. */
export function sem(values: readonly number[]): number {
  return sampleStd(values) / Math.sqrt(values.length);
}

/** The q-th percentile (0–100) with linear interpolation between order statistics (numpy's default). */
export function percentile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a === b ? a : a + (h - lo) * (b - a);
}

export interface LogisticFit {
  coef: number[];
  /** Robust (sandwich) covariance of `coef`: right for soft labels, where the Bernoulli variance overstates the noise. */
  covariance: number[][];
  converged: boolean;
  iterations: number;
}

export interface LogisticOptions {
  /** Row weights (default 1). */
  weights?: readonly number[];
  /**
   * L2 penalty ½·λ·‖β‖² on the summed log-likelihood (default 1e-4). It matches the weakest penalty on
   * AlpacaEval's cross-validation grid (C = 1e4) in size, is negligible otherwise, and keeps perfectly
   * separated data (a model that wins every game) finite.
   */
  ridge?: number;
  maxIterations?: number;
}

/**
 * Maximum-likelihood logistic regression without intercept (put a column of ones in X for one):
 *   maximise Σ w_i [y_i log σ(x_i·β) + (1 − y_i) log(1 − σ(x_i·β))] − ½λ‖β‖²,  y_i ∈ [0, 1].
 * Soft labels y are what AlpacaEval fits (it duplicates each row as a 1 and a 0 weighted by y and
 * 1 − y, which is the same objective). Newton's method with step halving.
 */
export function fitLogistic(X: readonly (readonly number[])[], y: readonly number[], opts: LogisticOptions = {}): LogisticFit {
  const k = X[0]?.length ?? 0;
  const lambda = opts.ridge ?? 1e-4;
  const maxIterations = opts.maxIterations ?? 100;
  const weight = (i: number): number => opts.weights?.[i] ?? 1;
  const row = (i: number): readonly number[] => X[i] as readonly number[];
  const dot = (x: readonly number[], b: readonly number[]): number => x.reduce((s, v, j) => s + v * (b[j] as number), 0);

  const objective = (b: readonly number[]): number => {
    let ll = 0;
    for (let i = 0; i < y.length; i++) {
      const z = dot(row(i), b);
      const yi = y[i] as number;
      ll -= weight(i) * (yi * softplus(-z) + (1 - yi) * softplus(z));
    }
    return ll - 0.5 * lambda * b.reduce((s, v) => s + v * v, 0);
  };

  let beta = new Array<number>(k).fill(0);
  let current = objective(beta);
  let converged = false;
  let iterations = 0;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const grad = beta.map((b) => -lambda * b);
    const hess = identity(k, lambda);
    for (let i = 0; i < y.length; i++) {
      const x = row(i);
      const p = sigmoid(dot(x, beta));
      const w = weight(i);
      const r = w * ((y[i] as number) - p);
      const c = w * p * (1 - p);
      for (let a = 0; a < k; a++) {
        grad[a] = (grad[a] as number) + r * (x[a] as number);
        const ha = hess[a] as number[];
        for (let b = 0; b < k; b++) ha[b] = (ha[b] as number) + c * (x[a] as number) * (x[b] as number);
      }
    }
    const step = solve(hess, grad);
    if (!step) break;
    // Newton can overshoot far from the optimum; halve the step until the objective does not drop.
    let scale = 1;
    let next = beta.map((b, j) => b + (step[j] as number));
    let value = objective(next);
    while (value < current - 1e-12 * Math.abs(current) && scale > 1e-6) {
      scale /= 2;
      next = beta.map((b, j) => b + scale * (step[j] as number));
      value = objective(next);
    }
    const moved = Math.max(0, ...step.map((s) => Math.abs(s * scale)));
    beta = next;
    current = value;
    converged = moved < 1e-9;
  }
  return { coef: beta, covariance: sandwich(X, y, beta, weight, lambda), converged, iterations };
}

/** H⁻¹ B H⁻¹ with H the penalised information and B the sum of outer products of the score contributions. */
function sandwich(X: readonly (readonly number[])[], y: readonly number[], beta: number[], weight: (i: number) => number, lambda: number): number[][] {
  const k = beta.length;
  const hess = identity(k, lambda);
  const meat = identity(k, 0);
  for (let i = 0; i < y.length; i++) {
    const x = X[i] as readonly number[];
    const p = sigmoid(x.reduce((s, v, j) => s + v * (beta[j] as number), 0));
    const w = weight(i);
    const r = w * ((y[i] as number) - p);
    for (let a = 0; a < k; a++) {
      const ha = hess[a] as number[];
      const ma = meat[a] as number[];
      for (let b = 0; b < k; b++) {
        ha[b] = (ha[b] as number) + w * p * (1 - p) * (x[a] as number) * (x[b] as number);
        ma[b] = (ma[b] as number) + r * r * (x[a] as number) * (x[b] as number);
      }
    }
  }
  const inv = invert(hess);
  if (!inv) return identity(k, NaN);
  return multiply(multiply(inv, meat), inv);
}

/**
 * Bradley–Terry with two players, from battles scored for player 1 (1 win, ½ tie, 0 loss), each
 * with a weight. The likelihood Π σ(θ)^(w·o) (1 − σ(θ))^(w·(1 − o)) is maximal where
 * σ(θ) = Σw·o / Σw, so the fitted win probability is the weighted win rate with ties as halves
 * (Arena-Hard v0.1 duplicates every battle and counts a tie once as a win for each side: the
 * same). θ is ±Infinity when one side won everything, where a numerical fit would just drift.
 */
export function bradleyTerryTwoPlayers(battles: readonly { outcome: number; weight: number }[]): { theta: number; winProbability: number } {
  let wins = 0;
  let total = 0;
  for (const b of battles) {
    wins += b.weight * b.outcome;
    total += b.weight;
  }
  if (total <= 0) return { theta: NaN, winProbability: NaN };
  const p = wins / total;
  return { theta: Math.log(p) - Math.log1p(-p), winProbability: p };
}

/**
 * Nonparametric bootstrap: `rounds` resamples of n item indices drawn with replacement from `rng`,
 * the statistic of each. Seeded, so the interval is the same on every machine.
 */
export function bootstrap(n: number, rounds: number, rng: Rng, statistic: (indices: number[]) => number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const indices = Array.from({ length: n }, () => rng.int(n));
    out.push(statistic(indices));
  }
  return out;
}

function identity(k: number, diagonal: number): number[][] {
  return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? diagonal : 0)));
}

function multiply(a: number[][], b: number[][]): number[][] {
  return a.map((row) => (b[0] ?? []).map((_, j) => row.reduce((s, v, m) => s + v * ((b[m] as number[])[j] as number), 0)));
}

/** Gauss–Jordan with partial pivoting; undefined for a singular matrix. */
function invert(m: number[][]): number[][] | undefined {
  const k = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: k }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs((a[r] as number[])[c] as number) > Math.abs((a[pivot] as number[])[c] as number)) pivot = r;
    const pr = a[pivot] as number[];
    const pv = pr[c] as number;
    if (!Number.isFinite(pv) || Math.abs(pv) < 1e-300) return undefined;
    [a[c], a[pivot]] = [pr, a[c] as number[]];
    for (let j = 0; j < 2 * k; j++) pr[j] = (pr[j] as number) / pv;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const row = a[r] as number[];
      const f = row[c] as number;
      if (f !== 0) for (let j = 0; j < 2 * k; j++) row[j] = (row[j] as number) - f * (pr[j] as number);
    }
  }
  return a.map((row) => row.slice(k));
}

function solve(m: number[][], v: number[]): number[] | undefined {
  const inv = invert(m);
  return inv?.map((row) => row.reduce((s, x, j) => s + x * (v[j] as number), 0));
}
