import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analysisCsv, analysisText, analyze, readTableCsv, type AnalysisReport, type AnalysisTable, type CorrelationRow } from '../../src/core/analysis';
import { ols } from '../../src/core/analysis/regression';
import { averageRanks } from '../../src/core/analysis/stats';
import { DataError } from '../../src/core/errors';
import { PAPER_TABLE2 } from '../../src/core/pgr';
import { analyzeTableCommand } from '../../src/cli/analyzeCommand';
import type { Io } from '../../src/cli/commands';
import { tempDir } from './helpers/fixtures';

/** |actual − expected| ≤ tol. */
function near(actual: number | null | undefined, expected: number, tol = 1e-6, what = ''): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tol, `${what} expected ${expected} ± ${tol}, got ${actual}`);
}

/**
 * Two-sided p of Student's t with 3 df, from its closed-form CDF (not the library the code uses):
 * F(t) = 1/2 + (1/π)(u/(1+u²) + atan u) with u = t/√3, so p = 1 − (2/π)(atan u + u/(1+u²)).
 */
function tP3(t: number): number {
  const u = Math.abs(t) / Math.sqrt(3);
  return 1 - (2 / Math.PI) * (Math.atan(u) + u / (1 + u * u));
}

/** Two-sided p of t with 2 df, closed form: p = 1 − |t|/√(t² + 2). */
function tP2(t: number): number {
  return 1 - Math.abs(t) / Math.sqrt(t * t + 2);
}

function table(columns: string[], rows: Record<string, number | null>[], ids?: string[]): AnalysisTable {
  return { columns, source: 'test', rows: rows.map((values, i) => ({ id: ids?.[i] ?? `r${i + 1}`, values })) };
}

function cell(report: AnalysisReport, variable: string): CorrelationRow {
  const c = report.correlations.find((x) => x.variable === variable);
  assert.ok(c, `no correlation row for ${variable}`);
  return c;
}

// x = 1..5, y = 2,4,5,4,5 (used by several tests below)
//   x̄ = 3, ȳ = 4; dx = −2,−1,0,1,2; dy = −2,0,1,0,1
//   Sxy = 4+0+0+0+2 = 6, Sxx = 10, Syy = 4+0+1+0+1 = 6
//   r = 6/√60 = 0.7745967;  t² = r²(n−2)/(1−r²) = 0.6·3/0.4 = 4.5, t = 2.1213203, df = 3
//   p = 1 − (2/π)(atan(√1.5) + √1.5/2.5) = 1 − 0.63662·(0.8860771 + 0.4898979) = 0.1240271
//   (SciPy 1.17 pearsonr gives r = 0.7745966692, p = 0.1240270627)
const X5 = [1, 2, 3, 4, 5];
const Y5 = [2, 4, 5, 4, 5];
const SMALL = table(['x', 'y'], X5.map((x, i) => ({ x, y: Y5[i] as number })));

describe('analysis: correlations', () => {
  it('Pearson r and its t-test p on a hand-computed example', () => {
    const r = analyze(SMALL, { target: 'y', features: ['x'] });
    const c = cell(r, 'x');
    assert.equal(c.n, 5);
    near(c.pearson.r, 6 / Math.sqrt(60), 1e-12, 'r');
    near(c.pearson.r, 0.7745967, 1e-7, 'r');
    near(c.pearson.p, tP3(Math.sqrt(4.5)), 1e-9, 'p');
    near(c.pearson.p, 0.1240271, 1e-7, 'p');
  });

  it('Spearman with ties: average ranks, then Pearson of ranks and the same t approximation', () => {
    // x = 10,20,20,30,40 → ranks 1, 2.5, 2.5, 4, 5 (the two 20s share ranks 2 and 3)
    // y = 1,3,2,2,5      → ranks 1, 4, 2.5, 2.5, 5
    // both rank means 3; d = −2,−0.5,−0.5,1,2 and −2,1,−0.5,−0.5,2
    // S = 4 − 0.5 + 0.25 − 0.5 + 4 = 7.25; Sxx = Syy = 4+0.25+0.25+1+4 = 9.5; rho = 7.25/9.5 = 29/38
    // t² = rho²·3/(1−rho²) = 3·841/603 = 4.1840796  (SciPy spearmanr: 0.7631578947, p = 0.1333391195)
    assert.deepEqual(averageRanks([10, 20, 20, 30, 40]), [1, 2.5, 2.5, 4, 5]);
    assert.deepEqual(averageRanks([1, 3, 2, 2, 5]), [1, 4, 2.5, 2.5, 5]);
    const t = table(['x', 'y'], [10, 20, 20, 30, 40].map((x, i) => ({ x, y: [1, 3, 2, 2, 5][i] as number })));
    const c = cell(analyze(t, { target: 'y' }), 'x');
    near(c.spearman.r, 29 / 38, 1e-12, 'rho');
    near(c.spearman.p, tP3(Math.sqrt((3 * 841) / 603)), 1e-9, 'p');
    near(c.spearman.p, 0.1333391, 1e-7, 'p');
  });

  it('uses pairwise deletion for correlations and says which rows PCA and regression left out', () => {
    const t = table(['a', 'b', 'y'], [
      { a: 1, b: 2, y: 1 },
      { a: 2, b: null, y: 3 },
      { a: 3, b: 1, y: 2 },
      { a: 4, b: 5, y: null },
      { a: 5, b: 4, y: 6 },
      { a: 6, b: 3, y: 5 },
    ]);
    const r = analyze(t, { target: 'y' });
    assert.equal(cell(r, 'a').n, 5, 'a and y both present in 5 rows');
    assert.equal(cell(r, 'b').n, 4, 'b and y both present in 4 rows');
    assert.deepEqual(r.dropped.rows, [
      { id: 'r2', step: 'pca', missing: ['b'] },
      { id: 'r4', step: 'regression', missing: ['y'] },
    ]);
    assert.deepEqual(r.pca?.rows, ['r1', 'r3', 'r4', 'r5', 'r6']);
    assert.equal(r.regression?.n, 4);
    assert.equal(r.table.summary.find((s) => s.column === 'b')?.missing, 1);
    assert.ok(r.warnings.some((w) => /r2 \(b\)/.test(w)), r.warnings.join('\n'));
    assert.ok(r.warnings.some((w) => /regression for a missing y: r4/.test(w)), r.warnings.join('\n'));
  });
});

describe('analysis: PCA', () => {
  it('2-D: correlation-matrix eigenvalues 1 ± r, loadings (1,±1)/√2, scores from z-scores with the sample sd', () => {
    // standardised, the covariance of (x, y) is the correlation matrix [[1, r], [r, 1]], r = 0.7745967:
    //   det([[1−λ, r], [r, 1−λ]]) = (1−λ)² − r² = 0 → λ = 1 ± r = 1.7745967, 0.2254033
    //   eigenvectors (1, 1)/√2 and (1, −1)/√2; explained variance (1 ± r)/2 = 0.8872983, 0.1127017
    // z-scores with the sample sd: sd_x = √(10/4) = 1.5811388, sd_y = √(6/4) = 1.2247449
    //   row 1: z = (−2/1.5811388, −2/1.2247449) = (−1.2649111, −1.6329932)
    //   PC1 = (−1.2649111 − 1.6329932)/√2 = −2.8979043/1.4142136 = −2.0491277
    //   PC2 = (−1.2649111 + 1.6329932)/√2 = 0.3680821/1.4142136 = 0.2602733
    const r = 6 / Math.sqrt(60);
    const pca = analyze(SMALL, { target: 'y', features: ['x', 'y'] }).pca;
    assert.ok(pca);
    near(pca.eigenvalues[0], 1 + r, 1e-12);
    near(pca.eigenvalues[1], 1 - r, 1e-12);
    near(pca.explainedVarianceRatio[0], 0.8872983, 1e-7);
    near(pca.explainedVarianceRatio[1], 0.1127017, 1e-7);
    near(pca.cumulativeVarianceRatio[1], 1, 1e-12);
    near(pca.sds[0], Math.sqrt(2.5), 1e-12, 'sample sd of x');
    near(pca.sds[1], Math.sqrt(1.5), 1e-12, 'sample sd of y');
    // sign convention: largest |loading| positive, the first of tied ones for PC2
    const h = Math.SQRT1_2;
    assert.deepEqual(pca.loadings.map((row) => row.map((v) => Math.round(v * 1e9) / 1e9)), [
      [Math.round(h * 1e9) / 1e9, Math.round(h * 1e9) / 1e9],
      [Math.round(h * 1e9) / 1e9, -Math.round(h * 1e9) / 1e9],
    ]);
    near(pca.scores[0]?.values[0], -2.0491277, 1e-7, 'PC1 score of row 1');
    near(pca.scores[0]?.values[1], 0.2602733, 1e-7, 'PC2 score of row 1');
  });

  it("USArrests: matches the published PCA of James et al. (ISLR, 2nd ed., §12.5.1; R's prcomp)", () => {
    // Published: proportion of variance explained 0.6201 0.2474 0.0891 0.0434; component sd
    // 1.5749 0.9949 0.5971 0.4164 (eigenvalue = sd²); rotation (loadings), up to sign:
    const published = [
      [-0.5358995, 0.4181809, -0.3412327, 0.6492278],
      [-0.5831836, 0.1879856, -0.2681484, -0.7434075],
      [-0.2781909, -0.8728062, -0.3780158, 0.1338777],
      [-0.5434321, -0.1673186, 0.8177779, 0.0890243],
    ];
    const r = analyze(readTableCsv(US_ARRESTS, 'USArrests.csv'), { target: 'UrbanPop', features: ['Murder', 'Assault', 'UrbanPop', 'Rape'] });
    const pca = r.pca;
    assert.ok(pca);
    assert.equal(pca.rows.length, 50);
    [0.6201, 0.2474, 0.0891, 0.0434].forEach((v, j) => near(pca.explainedVarianceRatio[j], v, 5e-5, `PVE ${j + 1}`));
    [1.5749, 0.9949, 0.5971, 0.4164].forEach((sd, j) => near(Math.sqrt(pca.eigenvalues[j] as number), sd, 5e-5, `sd ${j + 1}`));
    for (let c = 0; c < 4; c++) {
      const sign = Math.sign(pca.loadings[0]?.[c] as number) === Math.sign(published[0]?.[c] as number) ? 1 : -1;
      for (let f = 0; f < 4; f++) near(pca.loadings[f]?.[c], sign * (published[f]?.[c] as number), 1e-6, `loading ${f},${c}`);
      // the convention: each component's largest |loading| is positive
      const col = pca.loadings.map((row) => row[c] as number);
      const lead = col.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
      assert.ok(lead > 0, `PC${c + 1} leads with ${lead}`);
    }
    // each component's scores have variance = its eigenvalue (sample variance, n − 1)
    const pc1 = pca.scores.map((s) => s.values[0] as number);
    near(pc1.reduce((s, v) => s + v * v, 0) / 49, pca.eigenvalues[0] as number, 1e-9);
  });

  it('drops constant columns with a warning and keeps at most n − 1 components', () => {
    const t = table(['a', 'b', 'c', 'k', 'y'], [
      { a: 1, b: 5, c: 2, k: 7, y: 1 },
      { a: 2, b: 3, c: 9, k: 7, y: 2 },
      { a: 4, b: 1, c: 4, k: 7, y: 2 },
    ]);
    const r = analyze(t, { target: 'y', components: 3 });
    assert.deepEqual(r.features, ['a', 'b', 'c']);
    assert.deepEqual(r.dropped.columns, [{ column: 'k', reason: 'constant (every value is 7)' }]);
    assert.ok(r.warnings.some((w) => /feature k dropped: constant/.test(w)));
    assert.deepEqual(r.pca?.components, ['PC1', 'PC2'], '3 rows span 2 dimensions');
    assert.ok(r.warnings.some((w) => /only 3 complete rows for 3 features: 2 component/.test(w)));
    // 3 rows leave room for 1 predictor besides the intercept
    assert.deepEqual(r.regression?.predictors, ['PC1']);
    assert.ok(r.warnings.some((w) => /3 components asked for the regression, but the PCA has only 2/.test(w)));
    assert.ok(r.warnings.some((w) => /regression on 1 component\(s\) instead of 2/.test(w)));
  });
});

describe('analysis: regression', () => {
  it('OLS with two predictors: coefficients, R², adjusted R², F p on a hand-computed example', () => {
    // x1 = −2,−1,0,1,2; x2 = 2,−1,−2,−1,2; y = 1,3,2,5,4 (n = 5, k = 2)
    // Σx1 = Σx2 = Σx1x2 = 0 (orthogonal, centred), so each slope is Σxy/Σx²:
    //   Σx1y = −2−3+0+5+8 = 8, Σx1² = 10 → b1 = 0.8;  Σx2y = 2−3−4−5+8 = −2, Σx2² = 14 → b2 = −1/7
    //   intercept = ȳ = 3
    // SST = 4+0+1+4+1 = 10; SSR = 0.64·10 + (1/49)·14 = 6.4 + 2/7 = 234/35; SSE = 116/35
    // R² = 117/175 = 0.6685714; adjusted = 1 − (58/175)(4/2) = 59/175 = 0.3371429
    // F = (SSR/2)/(SSE/2) = 234/116 = 2.0172414 on (2, 2) df; F(2,2) has P(F > f) = 1/(1+f) → p = 116/350
    // se(b1) = √((SSE/2)/Σx1²) = √(1.6571429/10) = 0.4070802, t = 0.8/0.4070802 = 1.9652147,
    // p(t, 2 df) = 1 − t/√(t²+2) = 1 − 1.9652147/2.4211710 = 0.1883206  (SciPy: 0.1883205501)
    const fit = ols('y', [1, 3, 2, 5, 4], [
      { name: 'x1', values: [-2, -1, 0, 1, 2] },
      { name: 'x2', values: [2, -1, -2, -1, 2] },
    ]);
    assert.ok(fit.ok);
    const r = fit.result;
    assert.deepEqual(r.coefficients.map((c) => c.term), ['intercept', 'x1', 'x2']);
    near(r.coefficients[0]?.estimate, 3, 1e-12);
    near(r.coefficients[1]?.estimate, 0.8, 1e-12);
    near(r.coefficients[2]?.estimate, -1 / 7, 1e-12);
    near(r.rSquared, 117 / 175, 1e-12);
    near(r.adjustedRSquared, 59 / 175, 1e-12);
    near(r.f, 234 / 116, 1e-12);
    assert.deepEqual([r.dfModel, r.dfResidual, r.n], [2, 2, 5]);
    near(r.fP, 116 / 350, 1e-9);
    near(r.coefficients[1]?.se, Math.sqrt(116 / 35 / 2 / 10), 1e-12);
    near(r.coefficients[1]?.p, tP2(0.8 / Math.sqrt(116 / 35 / 2 / 10)), 1e-9);
    near(r.coefficients[1]?.p, 0.1883206, 1e-7);
  });

  it('the regression on all components of two features has the R² of the features themselves', () => {
    // x1 and x2 are uncorrelated, so PCA may rotate them anyhow; PC1 and PC2 still span them
    const t = table(['x1', 'x2', 'y'], [-2, -1, 0, 1, 2].map((x1, i) => ({ x1, x2: [2, -1, -2, -1, 2][i] as number, y: [1, 3, 2, 5, 4][i] as number })));
    const r = analyze(t, { target: 'y', components: 2 });
    near(r.regression?.rSquared, 117 / 175, 1e-9);
    near(r.regression?.fP, 116 / 350, 1e-9);
  });

  it('simple regression through analyze: 5 points, R² = 0.6, F = 4.5 on (1, 3) df', () => {
    // slope Sxy/Sxx = 0.6, intercept 4 − 0.6·3 = 2.2; SSR = 0.36·10 = 3.6, SSE = 6 − 3.6 = 2.4
    // R² = 3.6/6 = 0.6; adjusted = 1 − 0.4·4/3 = 0.4666667; F = 3.6/(2.4/3) = 4.5 = t², same p as r
    const r = analyze({ ...SMALL, rows: SMALL.rows.map((row) => ({ ...row, generator: row.id, values: { ...row.values, ps: row.values.x ?? null } })), columns: ['x', 'y', 'ps'] }, { target: 'y', features: ['x'], problemSolving: 'ps' });
    assert.ok(r.regression);
    near(r.regression.rSquared, 0.6, 1e-12);
    near(r.regression.adjustedRSquared, 1 - (0.4 * 4) / 3, 1e-12);
    near(r.regression.f, 4.5, 1e-9);
    near(r.regression.fP, tP3(Math.sqrt(4.5)), 1e-9);
    // problem solving (ps = x): one row per generator, so coarse and fine are this same fit
    const ps = r.problemSolving;
    assert.ok(ps?.fine && ps.coarse);
    near(ps.fine.coefficients[1]?.estimate, 0.6, 1e-12);
    near(ps.fine.coefficients[0]?.estimate, 2.2, 1e-12);
    near(ps.coarse.rSquared, 0.6, 1e-12);
    near(ps.coarse.fP, 0.1240271, 1e-7);
  });

  it('coarse problem solving averages the target per generator; fine uses every dataset', () => {
    // generators A (ps 1), B (ps 2), C (ps 3), two settings each; target means 2, 3, 7
    const rows = [
      ['A', 1, 1], ['A', 1, 3], ['B', 2, 2], ['B', 2, 4], ['C', 3, 6], ['C', 3, 8],
    ] as const;
    const t: AnalysisTable = {
      source: 'test', columns: ['ps', 'pgr', 'm'],
      rows: rows.map(([g, ps, pgr], i) => ({ id: `${g}__s${i % 2}`, generator: g, setting: `s${i % 2}`, values: { ps, pgr, m: i } })),
    };
    const r = analyze(t, { target: 'pgr', features: ['m'], problemSolving: 'ps' });
    const p = r.problemSolving;
    assert.ok(p?.coarse && p.fine);
    assert.deepEqual(p.generators, [
      { generator: 'A', problemSolving: 1, meanTarget: 2, rows: 2 },
      { generator: 'B', problemSolving: 2, meanTarget: 3, rows: 2 },
      { generator: 'C', problemSolving: 3, meanTarget: 7, rows: 2 },
    ]);
    // coarse: x = 1,2,3, y = 2,3,7 → Sxy = (−1)(−2) + 0 + (1)(3) = 5, Sxx = 2, Syy = 4+1+9 = 14; R² = 25/28
    near(p.coarse.rSquared, 25 / 28, 1e-12);
    assert.equal(p.coarse.n, 3);
    // fine: x = 1,1,2,2,3,3, y = 1,3,2,4,6,8 → x̄ = 2, ȳ = 4; Sxy = 3+1+0+0+2+4 = 10, Sxx = 4, Syy = 9+1+4+0+4+16 = 34
    // R² = 100/(4·34) = 25/34
    near(p.fine.rSquared, 25 / 34, 1e-12);
    assert.equal(p.fine.n, 6);
  });
});

describe('analysis: the paper Table 2 as a table', () => {
  const settings = PAPER_TABLE2.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.endsWith('.avg'));
  const names = ['IG avg', 'RG avg', 'QE avg'];
  const csv = ['generator,' + names.join(','), ...PAPER_TABLE2.rows.map((r) => [r.generator, ...settings.map(({ i }) => r.values[i])].join(','))].join('\n');

  it('round-trips the row averages through readTableCsv and analyze', () => {
    const t = readTableCsv(csv, 'table2.csv');
    assert.deepEqual(t.columns, names);
    assert.equal(t.rows.length, 6);
    assert.deepEqual(t.rows[0], { id: 'GPT-4o', generator: 'GPT-4o', values: { 'IG avg': 46.8, 'RG avg': 35.2, 'QE avg': 6.7 } });
    const r = analyze(t, { target: 'IG avg', features: names });
    const self = cell(r, 'IG avg');
    assert.equal(self.n, 6);
    near(self.pearson.r, 1, 1e-12, 'r with itself');
    assert.ok((self.pearson.p as number) < 1e-12, `p ${self.pearson.p}`);
    near(self.spearman.r, 1, 1e-12, 'rho with itself');
    assert.ok(r.warnings.some((w) => /target IG avg is also a feature/.test(w)));
    // IG avg vs RG avg over the 6 generators; SciPy 1.17: pearsonr r = 0.7240960812, p = 0.1036831454,
    // spearmanr rho = 0.6 (ranks 6,5,3,1,4,2 vs 6,4,5,3,2,1: Σd² = 0+1+4+4+4+1 = 14, 1 − 6·14/210 = 0.6)
    const rg = cell(r, 'RG avg');
    near(rg.pearson.r, 0.7240960812, 1e-9);
    near(rg.pearson.p, 0.1036831454, 1e-9);
    near(rg.spearman.r, 0.6, 1e-12);
    assert.deepEqual(r.table.rows.map((row) => row.values['QE avg']), PAPER_TABLE2.rows.map((row) => row.values[11]));
  });

  it('formats text with aligned tables and p-values, and CSV with component scores that reads back', () => {
    const r = analyze(readTableCsv(csv, 'table2.csv'), { target: 'QE avg', features: ['IG avg', 'RG avg'] });
    const text = analysisText(r);
    assert.match(text, /^Analysis of QE avg on 6 rows from table2\.csv/);
    assert.match(text, /Correlations with QE avg/);
    assert.match(text, /p=\d\.\d{3}/);
    assert.match(text, /PC1 +\d\.\d+ +\d+(\.\d+)?%/);
    assert.match(text, /Regression of QE avg on PC1, PC2 \(OLS with intercept\)/);
    assert.match(text, /\n {2}GPT-4o +6\.70 +46\.8 +35\.2\n/, 'metric table rows, 3 significant digits');
    const back = readTableCsv(analysisCsv(r), 'back.csv');
    assert.deepEqual(back.columns, ['QE avg', 'IG avg', 'RG avg', 'PC1', 'PC2']);
    assert.equal(back.rows[0]?.generator, 'GPT-4o');
    near(back.rows[0]?.values.PC1, r.pca?.scores[0]?.values[0] as number, 1e-12);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(r)));
  });
});

describe('analysis: table errors', () => {
  const file = '/data/metrics.csv';
  const throwsData = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof DataError && re.test(e.message));

  it('needs an id column', () => {
    throwsData(() => readTableCsv('name,pgr\na,1\n', file), /^\/data\/metrics\.csv:1: no id column: the header needs "id", or "generator" and "setting".*it has name, pgr/);
  });

  it('names the file, line and column of a non-numeric cell', () => {
    throwsData(() => readTableCsv('id,pgr,difficulty\na,1,2\nb,3,hard\n', file), /^\/data\/metrics\.csv:3: column "difficulty": expected a number .*got "hard"/);
  });

  it('reads empty, NA and NaN as missing and builds generator__setting ids', () => {
    const t = readTableCsv('generator,setting,pgr,q\nG,instance_generation.math,,1\nG,response_generation.code,NA,NaN\n', file);
    assert.deepEqual(t.rows.map((r) => r.id), ['G__instance_generation.math', 'G__response_generation.code']);
    assert.deepEqual(t.rows.map((r) => r.values), [{ pgr: null, q: 1 }, { pgr: null, q: null }]);
  });

  it('rejects duplicate ids and columns', () => {
    throwsData(() => readTableCsv('id,pgr\na,1\na,2\n', file), /metrics\.csv:3: duplicate row id "a" \(also at \/data\/metrics\.csv:2\)/);
    throwsData(() => readTableCsv('id,pgr,PGR\na,1,2\n', file), /metrics\.csv:1: column "PGR" appears twice/);
  });

  it('lists every unknown target and feature name with the columns that exist', () => {
    const t = readTableCsv('id,pgr,difficulty,quality\na,1,2,3\n', file);
    throwsData(() => analyze(t, { target: 'PGR', features: ['difficulty', 'qualty', 'ppl'] }), /^\/data\/metrics\.csv: unknown target "PGR", feature\(s\) "qualty", "ppl"; the table's numeric columns are pgr, difficulty, quality$/);
    throwsData(() => analyze(t, { target: 'pgr', problemSolving: 'ps' }), /unknown problem-solving column "ps"/);
  });
});

describe('analysis: agorabench analyze --table (in process)', () => {
  function fakeIo(): { io: Io; out: () => string; err: () => string } {
    let out = '';
    let err = '';
    const stream = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true) }) as unknown as NodeJS.WriteStream;
    return { io: { out: stream((s) => (out += s)), err: stream((s) => (err += s)) }, out: () => out, err: () => err };
  }
  let file: string;
  before(() => {
    file = path.join(tempDir('analyze'), 'metrics.csv');
    fs.writeFileSync(file, ['generator,setting,pgr,difficulty,quality,ps', 'A,math,10,2.1,3.9,60', 'A,code,14,2.5,3.1,60', 'B,math,20,3.0,4.2,70', 'B,code,18,2.2,4.0,70', 'C,math,31,3.9,4.4,80', 'C,code,25,3.1,4.8,80', ''].join('\n'));
  });

  it('prints the text report', async () => {
    const f = fakeIo();
    assert.equal(await analyzeTableCommand({ table: file, target: 'pgr', problemSolving: 'ps' }, f.io), 0);
    assert.match(f.out(), /Analysis of pgr on 6 rows/);
    assert.match(f.out(), /Problem solving \(ps\) vs pgr\n {2}per generator: n = 3, R² = /);
    assert.match(f.out(), /per dataset: {3}n = 6, R² = /);
    assert.equal(f.err(), '');
  });

  it('prints one JSON line with --json and the table with component scores with --csv', async () => {
    const j = fakeIo();
    assert.equal(await analyzeTableCommand({ table: file, target: 'pgr', features: 'difficulty, quality', components: '1', json: true }, j.io), 0);
    const lines = j.out().trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const report = JSON.parse(lines[0] as string) as AnalysisReport;
    assert.deepEqual(report.features, ['difficulty', 'quality']);
    assert.deepEqual(report.regression?.predictors, ['PC1']);

    const c = fakeIo();
    assert.equal(await analyzeTableCommand({ table: file, target: 'pgr', csv: true }, c.io), 0);
    const csv = c.out().trimEnd().split('\n');
    assert.equal(csv[0], 'id,generator,setting,pgr,difficulty,quality,ps,PC1,PC2,PC3');
    assert.equal(csv.length, 7);
    assert.match(csv[1] as string, /^A__math,A,math,10,2.1,3.9,60,-?\d/);
  });

  it('exits 2 with a clear message on a bad column, a bad cell, a missing file or bad flags', async () => {
    const cases: [Parameters<typeof analyzeTableCommand>[0], RegExp][] = [
      [{ table: file, target: 'PGR' }, /error: .*metrics\.csv: unknown target "PGR"; the table's numeric columns are pgr, difficulty, quality, ps/],
      [{ table: file, target: 'pgr', features: 'difficulty,nope' }, /unknown feature\(s\) "nope"/],
      [{ table: path.join(path.dirname(file), 'missing.csv'), target: 'pgr' }, /error: cannot read .*missing\.csv \(ENOENT\)/],
      [{ table: file, target: 'pgr', components: 'two' }, /--components takes a positive integer, got "two"/],
      [{ table: file, target: 'pgr', json: true, csv: true }, /--json and --csv are exclusive/],
    ];
    for (const [flags, re] of cases) {
      const f = fakeIo();
      assert.equal(await analyzeTableCommand(flags, f.io), 2, JSON.stringify(flags));
      assert.match(f.err(), re);
      assert.equal(f.out(), '');
    }
    const bad = path.join(path.dirname(file), 'bad.csv');
    fs.writeFileSync(bad, 'id,pgr\na,1\nb,x\n');
    const f = fakeIo();
    assert.equal(await analyzeTableCommand({ table: bad, target: 'pgr' }, f.io), 2);
    assert.match(f.err(), /bad\.csv:3: column "pgr": expected a number/);
  });
});

/** R's datasets::USArrests (McNeil 1977): arrests per 100,000 residents in 1973 and % urban population. */
const US_ARRESTS = `id,Murder,Assault,UrbanPop,Rape
Alabama,13.2,236,58,21.2
Alaska,10,263,48,44.5
Arizona,8.1,294,80,31
Arkansas,8.8,190,50,19.5
California,9,276,91,40.6
Colorado,7.9,204,78,38.7
Connecticut,3.3,110,77,11.1
Delaware,5.9,238,72,15.8
Florida,15.4,335,80,31.9
Georgia,17.4,211,60,25.8
Hawaii,5.3,46,83,20.2
Idaho,2.6,120,54,14.2
Illinois,10.4,249,83,24
Indiana,7.2,113,65,21
Iowa,2.2,56,57,11.3
Kansas,6,115,66,18
Kentucky,9.7,109,52,16.3
Louisiana,15.4,249,66,22.2
Maine,2.1,83,51,7.8
Maryland,11.3,300,67,27.8
Massachusetts,4.4,149,85,16.3
Michigan,12.1,255,74,35.1
Minnesota,2.7,72,66,14.9
Mississippi,16.1,259,44,17.1
Missouri,9,178,70,28.2
Montana,6,109,53,16.4
Nebraska,4.3,102,62,16.5
Nevada,12.2,252,81,46
New Hampshire,2.1,57,56,9.5
New Jersey,7.4,159,89,18.8
New Mexico,11.4,285,70,32.1
New York,11.1,254,86,26.1
North Carolina,13,337,45,16.1
North Dakota,0.8,45,44,7.3
Ohio,7.3,120,75,21.4
Oklahoma,6.6,151,68,20
Oregon,4.9,159,67,29.3
Pennsylvania,6.3,106,72,14.9
Rhode Island,3.4,174,87,8.3
South Carolina,14.4,279,48,22.5
South Dakota,3.8,86,45,12.8
Tennessee,13.2,188,59,26.9
Texas,12.7,201,80,25.5
Utah,3.2,120,80,22.9
Vermont,2.2,48,32,11.2
Virginia,8.5,156,63,20.7
Washington,4,145,73,26.2
West Virginia,5.7,81,39,9.3
Wisconsin,2.6,53,66,10.8
Wyoming,6.8,161,60,15.6
`;
