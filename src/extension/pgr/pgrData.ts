// What the PGR Comparison panel shows, computed from a config's results: the PGR grid with its
// bootstrap intervals, generation costs and PGR per dollar, the paper's Table 2 and the metric
// analysis. Each part may be missing on its own; the view then says which command produces it.
// No `vscode` import: this runs in a worker thread (pgrWorker.ts) and in plain-Node tests.
import * as path from 'node:path';
import { annotationCounts, computePgr, csvCell, loadConfig, PAPER_TABLE2, Results, runPgrInputs, type PgrReport, type RunConfig } from '../../core';
import { analyze } from '../../core/analysis';
import { RUN_COLUMNS, runAnalysisTable } from '../../core/analysis/fromRun';
import { PGR_COLUMNS, PGR_SETTINGS } from '../../core/pgr';
import { parseSettingKey } from '../../core/types';
import type { AnalysisView, MissingView, PgrCellView, PgrDataView, PgrGeneratorView, RunnableCommand } from '../../protocol/pgrProtocol';
import { PNG_DATA_URL_PREFIX, isPngDataUrl } from '../../protocol/pgrProtocol';

export interface PgrDataOptions {
  /** Bootstrap rounds (default 1000, the paper's). */
  rounds?: number;
  seed?: number;
}

const COMMANDS: Record<RunnableCommand, string> = {
  'agorabench.run': 'AgoraBench: Run Benchmark (agorabench run)',
  'agorabench.evaluate': 'AgoraBench: Evaluate Models (agorabench eval)',
  'agorabench.trainStudents': 'AgoraBench: Train Students (agorabench train)',
  'agorabench.computeMetrics': 'AgoraBench: Compute Metrics (agorabench metrics)',
};

function missing(part: MissingView['part'], message: string, command?: RunnableCommand): MissingView {
  return command ? { part, message: `${message}: run ${COMMANDS[command]}`, command, commandLabel: COMMANDS[command] } : { part, message };
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Reads a config's results and computes everything the panel shows. Throws only when the config cannot be loaded. */
export async function loadPgrData(configFile: string, opts: PgrDataOptions = {}): Promise<PgrDataView> {
  const t0 = Date.now();
  const config = loadConfig(configFile);
  const results = new Results(config.resultsDir);
  const notes: string[] = [];
  const gaps: MissingView[] = [];

  const datasets = (await results.index.datasets(config.name)).filter((d) => parseSettingKey(d.setting));
  if (!datasets.length) gaps.push(missing('datasets', 'no generated datasets yet', 'agorabench.run'));

  let report: PgrReport | undefined;
  const evaluations = await results.index.evaluations(config.name);
  if (!evaluations.length) {
    gaps.push(missing('scores', 'no evaluation scores yet', 'agorabench.evaluate'));
  } else {
    try {
      const pgrInputs = await runPgrInputs(config);
      notes.push(...pgrInputs.notes);
      if (!pgrInputs.inputs.some((i) => i.role === 'student')) {
        gaps.push(missing('students', 'no evaluated students yet (train them, then evaluate them)', 'agorabench.trainStudents'));
      } else {
        report = computePgr(pgrInputs.inputs, { rounds: opts.rounds, seed: opts.seed });
        notes.push(...report.warnings);
      }
    } catch (e) {
      gaps.push({ part: 'scores', message: `PGR cannot be computed: ${errorText(e)}` });
    }
  }

  const analysis = await analysisOf(config, gaps, notes);
  return {
    configFile: config.file,
    run: config.name,
    resultsDir: config.resultsDir,
    columns: [...PGR_COLUMNS],
    generators: generatorViews(config, report, datasets),
    paper: { columns: [...PAPER_TABLE2.columns], rows: PAPER_TABLE2.rows.map((r) => ({ generator: r.generator, values: [...r.values] })) },
    analysis,
    missing: gaps,
    notes,
    rounds: report?.rounds ?? 0,
    computedAt: new Date().toISOString(),
    computeMs: Date.now() - t0,
  };
}

async function analysisOf(config: RunConfig, gaps: MissingView[], notes: string[]): Promise<AnalysisView | null> {
  const metrics = await new Results(config.resultsDir).index.datasetMetrics(config.name);
  if (!metrics.length) {
    gaps.push(missing('metrics', 'no metrics yet', 'agorabench.computeMetrics'));
    return null;
  }
  try {
    const tableNotes: string[] = [];
    const table = await runAnalysisTable(config, tableNotes);
    notes.push(...tableNotes.map((n) => `analysis: ${n}`));
    const a = analyze(table, { target: RUN_COLUMNS.pgr, problemSolving: RUN_COLUMNS.problemSolving });
    return {
      target: a.target,
      pca: a.pca
        ? {
            features: a.pca.features,
            components: a.pca.components,
            explainedVarianceRatio: a.pca.explainedVarianceRatio,
            cumulativeVarianceRatio: a.pca.cumulativeVarianceRatio,
            loadings: a.pca.loadings,
            rows: a.pca.rows.length,
          }
        : null,
      correlations: a.correlations.map((c) => ({ variable: c.variable, kind: c.kind, n: c.n, pearson: c.pearson, spearman: c.spearman })),
      warnings: a.warnings,
    };
  } catch (e) {
    gaps.push({ part: 'analysis', message: `no analysis: ${errorText(e)}` });
    return null;
  }
}

function generatorViews(config: RunConfig, report: PgrReport | undefined, datasets: Array<{ generator: string; setting: string; costUsd: number; valid: number; dir: string }>): PgrGeneratorView[] {
  const ids = [...config.generators.map((g) => g.id)];
  for (const g of report?.generators ?? []) if (!ids.includes(g)) ids.push(g);
  return ids.map((id) => {
    const model = config.generators.find((g) => g.id === id)?.model;
    const own = datasets.filter((d) => d.generator === id);
    const costUsd = own.length ? own.reduce((s, d) => s + d.costUsd, 0) : null;
    // annotated bad samples, from the sidecar beside each store (agorabench annotate, the editor)
    const badOf = new Map(own.map((d) => [d.setting, annotationCounts(path.join(config.resultsDir, d.dir)).bad]));
    const bad = [...badOf.values()].reduce((n, b) => n + b, 0);
    const valid = own.reduce((n, d) => n + d.valid, 0);
    const badRateOf = (column: string): { badRate?: number | null } => {
      const d = own.find((x) => x.setting === column);
      return d ? { badRate: d.valid > 0 ? (badOf.get(column) ?? 0) / d.valid : null } : {};
    };
    const cells: PgrCellView[] = PGR_COLUMNS.map((column) => {
      const c = report?.cells.find((x) => x.generator === id && x.column === column);
      if (!c) return { column, pgr: null, ci95: null, interval: 'none', ...badRateOf(column), notes: report ? ['no student of this generator in this setting'] : [] };
      return {
        column,
        ...badRateOf(column),
        pgr: c.pgr,
        ci95: c.ci95,
        interval: c.interval,
        ...(c.costUsd !== undefined ? { costUsd: c.costUsd } : {}),
        ...(c.pgrPerDollar !== undefined ? { pgrPerDollar: c.pgrPerDollar } : {}),
        notes: c.notes,
      };
    });
    const settingValues = cells.filter((c) => (PGR_SETTINGS as readonly string[]).includes(c.column) && c.pgr !== null).map((c) => c.pgr as number);
    const avgPgr = settingValues.length ? settingValues.reduce((s, v) => s + v, 0) / settingValues.length : null;
    const paperRow = matchPaperRow(model ?? '', id);
    return {
      id,
      ...(model !== undefined ? { model } : {}),
      ...(paperRow ? { paperRow } : {}),
      costUsd,
      datasets: own.length,
      avgPgr,
      avgOver: settingValues.length,
      pgrPerDollar: avgPgr !== null && costUsd !== null && costUsd > 0 ? avgPgr / costUsd : null,
      bad,
      badRate: valid > 0 ? bad / valid : null,
      cells,
    };
  });
}

/** "meta-llama/Meta-Llama-3.1-70B-Instruct", "claude-3-5-sonnet-20240620", "gpt-4o-2024-08-06" → a comparable key. */
export function modelKey(model: string): string {
  return model
    .toLowerCase()
    .replace(/^.*\//, '') // provider or org prefix
    .replace(/[-_@](\d{4}-?\d{2}-?\d{2}|latest)$/, '') // date or alias suffix
    .replace(/^meta-?(?=llama)/, '')
    .replace(/[^a-z0-9]/g, '');
}

/** The paper row whose generator is this model (or this generator id), if any. */
export function matchPaperRow(model: string, id: string): string | undefined {
  for (const candidate of [model, id]) {
    const key = modelKey(candidate);
    if (!key) continue;
    const row = PAPER_TABLE2.rows.find((r) => modelKey(r.generator) === key);
    if (row) return row.generator;
  }
  return undefined;
}

const csvField = (v: string | number | null | undefined): string => csvCell(v === null || v === undefined ? '' : String(v));
const num = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(Number(v.toFixed(digits))));

/** The grid as CSV: one row per generator (PGR, interval and cost per column), the paper's rows after it when asked. */
export function pgrGridCsv(view: PgrDataView, withPaper: boolean): { text: string; rows: number } {
  const header = ['source', 'generator', 'model', 'cost_usd', 'avg_pgr', 'pgr_per_dollar', 'bad_samples', 'bad_rate', ...view.columns.flatMap((c) => [c, `${c}_ci_low`, `${c}_ci_high`])];
  const lines = [header.map(csvField).join(',')];
  for (const g of view.generators) {
    const values = g.cells.flatMap((c) => [num(c.pgr), num(c.ci95?.[0]), num(c.ci95?.[1])]);
    lines.push(['run', g.id, g.model ?? '', num(g.costUsd, 6), num(g.avgPgr), num(g.pgrPerDollar), g.bad, num(g.badRate), ...values].map(csvField).join(','));
  }
  if (withPaper) {
    for (const r of view.paper.rows) {
      const values = view.columns.flatMap((c) => {
        const i = view.paper.columns.indexOf(c);
        return [i >= 0 ? num(r.values[i]) : '', '', ''];
      });
      lines.push(['paper', r.generator, r.generator, '', '', '', '', '', ...values].map(csvField).join(','));
    }
  }
  return { text: lines.join('\n') + '\n', rows: lines.length - 1 };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The bytes of a PNG data URL, or an error naming what is wrong with it. */
export function decodePngDataUrl(dataUrl: unknown): Buffer {
  if (!isPngDataUrl(dataUrl)) throw new Error('not a base64 PNG data URL within the size limit');
  const bytes = Buffer.from(dataUrl.slice(PNG_DATA_URL_PREFIX.length), 'base64');
  if (bytes.length < PNG_SIGNATURE.length + 12 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('the data is not a PNG image');
  return bytes;
}
