import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { mean, sampleSd } from './stats';
import type { PcaResult } from './types';

/** Two entries closer than this in |value| count as tied when fixing a component's sign. */
const SIGN_TIE = 1e-9;

/**
 * PCA on z-scores (sample sd), i.e. the eigen-decomposition of the correlation matrix, as the
 * paper does so that metrics on different scales (perplexity vs 1–5 judge scores) weigh alike.
 * `data[i][f]` is row i's value of feature f; rows must be complete and no feature constant (the
 * caller drops those). Keeps min(features, rows − 1) components: beyond that the eigenvalues are 0
 * and the directions arbitrary. Each component's sign is fixed so its largest-|loading| entry (the
 * first of tied ones) is positive, which makes results reproducible across libraries and runs.
 */
export function pca(features: readonly string[], ids: readonly string[], data: readonly (readonly number[])[]): PcaResult {
  const p = features.length;
  const n = data.length;
  const columns = features.map((_, f) => data.map((row) => row[f] as number));
  const means = columns.map(mean);
  const sds = columns.map(sampleSd);
  const Z = new Matrix(data.map((row) => row.map((x, f) => (x - (means[f] as number)) / (sds[f] as number))));
  const corr = Z.transpose().mmul(Z).div(n - 1);
  const evd = new EigenvalueDecomposition(corr, { assumeSymmetric: true });
  const vectors = evd.eigenvectorMatrix;
  // eigenvalues of a correlation matrix are ≥ 0; tiny negatives are rounding
  const order = evd.realEigenvalues
    .map((value, j) => ({ value: Math.max(0, value), j }))
    .sort((a, b) => b.value - a.value || a.j - b.j);
  const total = order.reduce((s, e) => s + e.value, 0);
  const kept = order.slice(0, Math.max(1, Math.min(p, n - 1)));

  const loadingColumns = kept.map(({ j }) => orient(vectors.getColumn(j)));
  const loadings = features.map((_, f) => loadingColumns.map((col) => col[f] as number));
  const scores = ids.map((id, i) => ({
    id,
    values: loadingColumns.map((col) => col.reduce((s, v, f) => s + v * Z.get(i, f), 0)),
  }));
  const eigenvalues = kept.map((e) => e.value);
  const explainedVarianceRatio = eigenvalues.map((v) => v / total);
  let running = 0;
  return {
    features: [...features],
    components: kept.map((_, c) => `PC${c + 1}`),
    rows: [...ids],
    means,
    sds,
    eigenvalues,
    explainedVarianceRatio,
    cumulativeVarianceRatio: explainedVarianceRatio.map((r) => (running += r)),
    loadings,
    scores,
  };
}

/** The eigenvector with its largest-|entry| (first among ties) made positive. */
function orient(v: number[]): number[] {
  const max = Math.max(...v.map(Math.abs));
  const lead = v.find((x) => Math.abs(x) >= max - SIGN_TIE) ?? 0;
  return lead < 0 ? v.map((x) => -x) : v;
}
