import fCdf from '@stdlib/stats-base-dists-f-cdf';
import { Matrix, SingularValueDecomposition, inverse } from 'ml-matrix';
import { isConstant, mean, twoSidedTP } from './stats';
import type { Coefficient, RegressionResult } from './types';

/** A named predictor column, as long as the response. */
export interface Predictor {
  name: string;
  values: readonly number[];
}

/** The fit, or in words why there is none (too few rows, collinear predictors, constant response). */
export type OlsOutcome = { ok: true; result: RegressionResult } | { ok: false; reason: string };

/**
 * Ordinary least squares of `y` on the predictors plus an intercept: coefficients with standard
 * errors and t-tests, R², adjusted R² and the overall F-test. The solve goes through an SVD so
 * that collinear predictors are detected (rank) instead of producing huge, meaningless estimates.
 */
export function ols(response: string, y: readonly number[], predictors: readonly Predictor[]): OlsOutcome {
  const n = y.length;
  const k = predictors.length;
  if (n < k + 2) return { ok: false, reason: `${k} predictor(s) and an intercept need at least ${k + 2} rows with values, there are ${n}` };
  if (isConstant(y)) return { ok: false, reason: `${response} is constant over the ${n} rows` };
  const X = new Matrix(y.map((_, i) => [1, ...predictors.map((p) => p.values[i] as number)]));
  const svd = new SingularValueDecomposition(X, { autoTranspose: true });
  if (svd.rank < k + 1) return { ok: false, reason: `the predictors ${predictors.map((p) => p.name).join(', ')} are collinear or constant over the ${n} rows` };

  const Y = Matrix.columnVector([...y]);
  const beta = svd.solve(Y).getColumn(0);
  const fitted = X.mmul(Matrix.columnVector(beta)).getColumn(0);
  const my = mean(y);
  let sse = 0;
  let sst = 0;
  y.forEach((v, i) => {
    sse += (v - (fitted[i] as number)) ** 2;
    sst += (v - my) ** 2;
  });
  const dfResidual = n - k - 1;
  // a residual sum that is only rounding noise is a perfect fit: infinite t and F, p = 0
  const perfect = sse <= sst * 1e-24;
  const rSquared = perfect ? 1 : 1 - sse / sst;
  const sigma2 = perfect ? 0 : sse / dfResidual;
  const xtxInv = inverse(X.transpose().mmul(X));
  const terms = ['intercept', ...predictors.map((p) => p.name)];
  const coefficients: Coefficient[] = terms.map((term, j) => {
    const estimate = beta[j] as number;
    const se = Math.sqrt(sigma2 * xtxInv.get(j, j));
    if (perfect) return { term, estimate, se: 0, t: null, p: 0 };
    const t = estimate / se;
    return { term, estimate, se, t, p: twoSidedTP(t, dfResidual) };
  });
  const f = perfect ? null : ((sst - sse) / k) / (sse / dfResidual);
  return {
    ok: true,
    result: {
      response,
      predictors: predictors.map((p) => p.name),
      n,
      coefficients,
      rSquared,
      adjustedRSquared: 1 - ((1 - rSquared) * (n - 1)) / dfResidual,
      f,
      dfModel: k,
      dfResidual,
      fP: f === null ? 0 : Math.min(1, Math.max(0, 1 - fCdf(f, k, dfResidual))),
    },
  };
}
