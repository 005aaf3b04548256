import type { AnalysisReport, Correlation, RegressionResult } from './types';
import { csvLine, csvNumber } from '../util/csvRecords';

/**
 * The report as plain text for a terminal or a log: aligned tables with 3 significant digits and
 * p-values as `p=0.012` / `p<0.001`, in the order the paper reads them (data, PCA, correlations,
 * regression on components, problem solving), then warnings and how it was computed.
 */
export function analysisText(report: AnalysisReport): string {
  const out: string[] = [];
  const used = report.features.length === report.requestedFeatures.length ? '' : ` (of ${report.requestedFeatures.length} requested)`;
  out.push(`Analysis of ${report.target} on ${report.table.rows.length} rows from ${report.source}`, `features${used}: ${report.features.join(', ') || 'none'}`);
  for (const d of report.dropped.columns) out.push(`  dropped ${d.column}: ${d.reason}`);

  const labels = labelColumns(report, true);
  out.push('', 'Metric table', grid([...labels.map((l) => l.name), ...report.table.columns], report.table.rows.map((r) => [...labels.map((l) => l.get(r)), ...report.table.columns.map((c) => num(r.values[c] ?? null))]), labels.length));
  out.push('', 'Columns (sd: sample, n − 1)', grid(['column', 'n', 'missing', 'mean', 'sd', 'min', 'max'], report.table.summary.map((s) => [s.column, String(s.n), String(s.missing), num(s.mean), num(s.sd), num(s.min), num(s.max)])));

  const pca = report.pca;
  if (pca) {
    out.push('', `PCA of ${pca.features.length} standardised features over ${pca.rows.length} complete rows`);
    out.push(grid(['component', 'eigenvalue', 'variance', 'cumulative'], pca.components.map((c, j) => [c, num(pca.eigenvalues[j] ?? null), percent(pca.explainedVarianceRatio[j]), percent(pca.cumulativeVarianceRatio[j])])));
    out.push('', 'Loadings (unit eigenvectors; each component signed so its largest |loading| is positive)');
    out.push(grid(['feature', ...pca.components], pca.features.map((f, i) => [f, ...(pca.loadings[i] ?? []).map((v) => num(v))])));
    out.push('(component scores per row are in the CSV and JSON outputs)');
  }

  if (report.correlations.length) {
    out.push('', `Correlations with ${report.target} (two-sided p; pairwise n)`);
    out.push(grid(['variable', 'n', 'Pearson r', 'p', 'Spearman rho', 'p'], report.correlations.map((c) => [c.variable, String(c.n), ...corr(c.pearson), ...corr(c.spearman)])));
  }
  if (report.regression) out.push('', `Regression of ${report.target} on ${report.regression.predictors.join(', ')} (OLS with intercept)`, ...regressionText(report.regression));

  const ps = report.problemSolving;
  if (ps) {
    out.push('', `Problem solving (${ps.column}) vs ${report.target}`);
    out.push(`  per generator: ${ps.coarse ? fitLine(ps.coarse) : 'not computed (see warnings)'}`);
    out.push(`  per dataset:   ${ps.fine ? fitLine(ps.fine) : 'not computed (see warnings)'}`);
    if (ps.generators.length) out.push(grid(['generator', ps.column, `mean ${report.target}`, 'rows'], ps.generators.map((g) => [g.generator, num(g.problemSolving), num(g.meanTarget), String(g.rows)])));
  }

  if (report.warnings.length) out.push('', 'Warnings:', ...report.warnings.map((w) => `  ! ${w}`));
  out.push('', 'Methods:', ...report.methods.map((m) => `  - ${m}`));
  return out.join('\n');
}

/**
 * The metric table with each row's component scores appended (empty where the row was left out of
 * the PCA), full precision, for a spreadsheet or a plot. It reads back with `readTableCsv`.
 */
export function analysisCsv(report: AnalysisReport): string {
  const labels = labelColumns(report, false);
  const components = report.pca?.components ?? [];
  const scores = new Map((report.pca?.scores ?? []).map((s) => [s.id, s.values]));
  const header = [...labels.map((l) => l.name), ...report.table.columns, ...components];
  const lines = report.table.rows.map((r) => [
    ...labels.map((l) => l.get(r)),
    ...report.table.columns.map((c) => csvNumber(r.values[c] ?? null)),
    ...components.map((_, j) => csvNumber(scores.get(r.id)?.[j] ?? null)),
  ]);
  return [header, ...lines].map(csvLine).join('\n') + '\n';
}

/** 3 significant digits; integers from 1000 up in full; tiny values in exponent form; null as —. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  const s = a >= 1000 ? x.toFixed(0) : a < 0.001 ? x.toExponential(2) : x.toPrecision(3);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** `p=0.012`, `p<0.001`, or — when undefined. */
export function pValue(p: number | null): string {
  if (p === null) return '—';
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

function percent(r: number | undefined): string {
  return r === undefined ? '—' : `${num(r * 100)}%`;
}

function corr(c: Correlation): [string, string] {
  return [num(c.r), pValue(c.p)];
}

function fitLine(r: RegressionResult): string {
  const slope = r.coefficients[1];
  return `n = ${r.n}, R² = ${num(r.rSquared)}, ${pValue(r.fP)}${slope ? `, slope ${num(slope.estimate)}` : ''}`;
}

function regressionText(r: RegressionResult): string[] {
  const rows = r.coefficients.map((c) => [c.term, num(c.estimate), num(c.se), c.t === null ? '∞' : num(c.t), pValue(c.p)]);
  const f = r.f === null ? '∞' : num(r.f);
  return [grid(['term', 'estimate', 'se', 't', 'p'], rows), `n = ${r.n}, R² = ${num(r.rSquared)}, adjusted R² = ${num(r.adjustedRSquared)}, F(${r.dfModel}, ${r.dfResidual}) = ${f}, ${pValue(r.fP)}`];
}

type Row = AnalysisReport['table']['rows'][number];

/** id, plus generator and setting when any row has them; `compact` (text) leaves out a generator that is the id itself. */
function labelColumns(report: AnalysisReport, compact: boolean): { name: string; get: (r: Row) => string }[] {
  const rows = report.table.rows;
  const cols: { name: string; get: (r: Row) => string }[] = [{ name: 'id', get: (r) => r.id }];
  if (rows.some((r) => r.generator !== undefined && !(compact && r.generator === r.id))) cols.push({ name: 'generator', get: (r) => r.generator ?? '' });
  if (rows.some((r) => r.setting !== undefined)) cols.push({ name: 'setting', get: (r) => r.setting ?? '' });
  return cols;
}

/** Aligned columns: the first `left` (names) left-aligned, the others (numbers) right-aligned. */
function grid(header: string[], rows: string[][], left = 1): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat((widths[i] ?? 0) - [...s].length);
    return i < left ? s + fill : fill + s;
  };
  return all.map((r) => `  ${header.map((_, i) => pad(r[i] ?? '', i)).join('  ')}`.trimEnd()).join('\n');
}

