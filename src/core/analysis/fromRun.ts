/**
 * A run's own analysis table: one row per generated dataset, its dataset-level metrics from the
 * index (as `agorabench metrics` left them), its PGR (the student trained on it, from the run's
 * evaluations) and its generator's problem-solving score.
 */
import type { RunConfig } from '../config/types';
import { DataError } from '../errors';
import { computePgr } from '../pgr';
import { runPgrInputs } from '../pgr/fromRun';
import { Results } from '../results';
import { parseSettingKey } from '../types';
import type { AnalysisTable } from './types';

/** Column names of the figures every table from a run has besides its metric keys. */
export const RUN_COLUMNS = { pgr: 'pgr', problemSolving: 'teacher_problem_solving' } as const;

export async function runAnalysisTable(config: RunConfig, notes: string[] = []): Promise<AnalysisTable> {
  const results = new Results(config.resultsDir);
  const datasets = (await results.index.datasets(config.name)).filter((d) => parseSettingKey(d.setting));
  const metrics = await results.index.datasetMetrics(config.name);
  if (!metrics.length) throw new DataError(`run "${config.name}" has no metrics yet: run \`agorabench metrics\` first`, config.resultsDir);
  const pgr = new Map<string, number | null>();
  try {
    const { inputs } = await runPgrInputs(config);
    const report = computePgr(inputs, { rounds: 1 });
    for (const c of report.cells) pgr.set(`${c.generator}|${c.column}`, c.pgr);
  } catch (e) {
    notes.push(`no PGR column: ${(e as Error).message}`);
  }
  const keys = [...new Set(metrics.map((m) => m.key))].filter((k) => k !== RUN_COLUMNS.problemSolving).sort();
  const columns = [...keys, RUN_COLUMNS.problemSolving, RUN_COLUMNS.pgr];
  const rows = datasets.map((d) => {
    const values: Record<string, number | null> = {};
    for (const k of keys) values[k] = metrics.find((m) => m.dataset === d.id && m.key === k)?.value ?? null;
    values[RUN_COLUMNS.problemSolving] = metrics.find((m) => m.dataset === d.id && m.key === RUN_COLUMNS.problemSolving)?.value ?? null;
    values[RUN_COLUMNS.pgr] = pgr.get(`${d.generator}|${d.setting}`) ?? null;
    return { id: d.id, generator: d.generator, setting: d.setting, values };
  });
  return { rows, columns, source: `run "${config.name}" (${config.resultsDir})` };
}
