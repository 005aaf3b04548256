import { present, resolveOptions, summarize, unusable } from './columns';
import { pca } from './pca';
import { problemSolvingAnalysis } from './problemSolving';
import { ols } from './regression';
import { isConstant, pearson, spearman } from './stats';
import type { AnalysisReport, AnalysisRow, AnalysisTable, AnalyzeOptions, CorrelationRow, DroppedColumn, DroppedRow, PcaResult, RegressionResult } from './types';

/** The paper regresses PGR on the top components; three unless the data allow fewer. */
const DEFAULT_COMPONENTS = 3;

/** How the numbers were computed, in words: every report carries them so a reader need not guess. */
export const ANALYSIS_METHODS: readonly string[] = [
  'Missing values: each correlation uses the rows where both values are present (pairwise deletion); PCA uses the rows complete in every feature, and the regression those of them that also have the target (listwise deletion).',
  'PCA: features standardised to z-scores with their mean and sample sd (n − 1) over the PCA rows, then the correlation matrix eigen-decomposed; loadings are unit-length eigenvectors, each component signed so its largest |loading| is positive; scores = z-scores × loadings.',
  'Correlations: p-values are two-sided, from t = r·√((n−2)/(1−r²)) with n − 2 degrees of freedom; Spearman\'s rho is Pearson\'s r of ranks (ties get their average rank) and uses the same t approximation, not an exact permutation test.',
  'Regression: ordinary least squares with an intercept; coefficients t-tested with n − k − 1 df; the F-test compares the model with the intercept alone.',
];

/**
 * Explains a target (the paper: PGR) by the intrinsic metrics of each dataset, as the paper does:
 * column summaries, PCA of the standardised metrics, Pearson/Spearman correlations of every metric
 * and component with the target, OLS of the target on the top-k components, and optionally the
 * problem-solving vs data-generation regressions. Pure: depends only on the table, so a CSV, the
 * paper's numbers or a run's metrics all go through it. Bad names are DataErrors; what the data
 * do not allow (too few rows, constant columns) becomes a warning and a null section instead.
 */
export function analyze(table: AnalysisTable, opts: AnalyzeOptions): AnalysisReport {
  const o = resolveOptions(table, opts);
  const warnings: string[] = [];
  const { rows } = table;
  if (o.features.includes(o.target)) warnings.push(`the target ${o.target} is also a feature: its correlation with itself is 1 by construction, and it dominates the components the target is regressed on`);

  const droppedColumns: DroppedColumn[] = [];
  const features = o.features.filter((f) => {
    const why = unusable(rows, f);
    if (why) droppedColumns.push(why);
    return !why;
  });
  for (const d of droppedColumns) warnings.push(`feature ${d.column} dropped: ${d.reason}`);
  const targetProblem = unusable(rows, o.target);
  if (targetProblem) warnings.push(`no correlation or regression with the target ${o.target}: ${targetProblem.reason}`);

  const droppedRows: DroppedRow[] = [];
  const pcaResult = runPca(rows, features, droppedRows, droppedColumns, warnings);
  const scores = new Map((pcaResult?.scores ?? []).map((s) => [s.id, s.values]));
  const componentRows = rows.filter((r) => scores.has(r.id));
  const correlations = [
    ...features.map((f) => correlate(rows, f, o.target, 'feature', (r) => r.values[f] ?? null)),
    ...(pcaResult?.components ?? []).map((c, j) => correlate(componentRows, c, o.target, 'component', (r) => scores.get(r.id)?.[j] ?? null)),
  ];
  const regression = pcaResult && !targetProblem ? regress(componentRows, scores, pcaResult.components, o.target, o.components, droppedRows, warnings) : null;

  const shown = [...new Set([o.target, ...o.features, ...(o.problemSolving ? [o.problemSolving] : [])])];
  return {
    source: table.source,
    target: o.target,
    requestedFeatures: o.features,
    features,
    table: {
      columns: shown,
      rows: rows.map((r) => ({ ...r, values: Object.fromEntries(shown.map((c) => [c, r.values[c] ?? null])) })),
      summary: shown.map((c) => summarize(rows, c)),
    },
    dropped: { columns: droppedColumns, rows: droppedRows },
    pca: pcaResult,
    correlations,
    regression,
    problemSolving: o.problemSolving ? problemSolvingAnalysis(rows, o.target, o.problemSolving, warnings) : null,
    warnings,
    methods: [...ANALYSIS_METHODS],
  };
}

/** PCA over the rows complete in every usable feature (listwise deletion); null with a warning when too few. */
function runPca(rows: readonly AnalysisRow[], usable: readonly string[], droppedRows: DroppedRow[], droppedColumns: DroppedColumn[], warnings: string[]): PcaResult | null {
  const complete = rows.filter((r) => {
    const missing = usable.filter((f) => typeof r.values[f] !== 'number');
    if (missing.length) droppedRows.push({ id: r.id, step: 'pca', missing });
    return !missing.length;
  });
  if (droppedRows.length) warnings.push(`${droppedRows.length} row(s) left out of the PCA and regression for missing feature values: ${idList(droppedRows.map((d) => `${d.id} (${d.missing.join(', ')})`), '; ')}`);
  // a feature can vary over all rows yet be constant over the complete ones
  const features = usable.filter((f) => {
    const constant = complete.length >= 2 && isConstant(present(complete, f));
    if (constant) {
      droppedColumns.push({ column: f, reason: 'constant over the rows complete in every feature: left out of the PCA only' });
      warnings.push(`feature ${f} is constant over the ${complete.length} complete rows: left out of the PCA (still correlated)`);
    }
    return !constant;
  });
  if (!features.length) {
    warnings.push('no PCA: no usable feature');
    return null;
  }
  if (complete.length < 3) {
    warnings.push(`no PCA: it needs at least 3 rows complete in every feature, there are ${complete.length}`);
    return null;
  }
  if (complete.length - 1 < features.length) {
    warnings.push(`only ${complete.length} complete rows for ${features.length} features: ${complete.length - 1} component(s) kept, the rest have eigenvalue 0`);
  }
  return pca(features, complete.map((r) => r.id), complete.map((r) => features.map((f) => r.values[f] as number)));
}

/** Pearson and Spearman of one variable with the target over the rows having both (pairwise deletion). */
function correlate(rows: readonly AnalysisRow[], variable: string, target: string, kind: CorrelationRow['kind'], value: (r: AnalysisRow) => number | null): CorrelationRow {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const r of rows) {
    const x = value(r);
    const y = r.values[target];
    if (typeof x === 'number' && typeof y === 'number') {
      xs.push(x);
      ys.push(y);
    }
  }
  return { variable, kind, n: xs.length, pearson: pearson(xs, ys), spearman: spearman(xs, ys) };
}

/** Target on the top-k component scores, over the PCA rows that have the target. */
function regress(rows: readonly AnalysisRow[], scores: ReadonlyMap<string, number[]>, components: readonly string[], target: string, asked: number | undefined, droppedRows: DroppedRow[], warnings: string[]): RegressionResult | null {
  const used = rows.filter((r) => {
    const has = typeof r.values[target] === 'number';
    if (!has) droppedRows.push({ id: r.id, step: 'regression', missing: [target] });
    return has;
  });
  if (used.length < rows.length) warnings.push(`${rows.length - used.length} row(s) left out of the regression for a missing ${target}: ${idList(rows.filter((r) => typeof r.values[target] !== 'number').map((r) => r.id))}`);
  const wanted = asked ?? DEFAULT_COMPONENTS;
  const available = components.length;
  const k = Math.min(wanted, available, used.length - 2);
  if (asked !== undefined && asked > available) warnings.push(`${asked} components asked for the regression, but the PCA has only ${available}`);
  if (k < 1) {
    warnings.push(`no regression on components: it needs at least 3 rows with the target and every feature, there are ${used.length}`);
    return null;
  }
  if (k < Math.min(wanted, available)) warnings.push(`regression on ${k} component(s) instead of ${Math.min(wanted, available)}: ${used.length} rows allow at most ${used.length - 2} predictor(s) with an intercept`);
  const x = used.map((r) => scores.get(r.id) ?? []);
  const fit = ols(target, used.map((r) => r.values[target] as number), components.slice(0, k).map((name, j) => ({ name, values: x.map((s) => s[j] as number) })));
  if (!fit.ok) warnings.push(`no regression on components: ${fit.reason}`);
  return fit.ok ? fit.result : null;
}

/** The first few ids of a list for a warning; the report's `dropped` has them all. */
function idList(ids: readonly string[], sep = ', '): string {
  const MAX = 10;
  return ids.length > MAX ? `${ids.slice(0, MAX).join(sep)}${sep}… (${ids.length - MAX} more)` : ids.join(sep);
}
