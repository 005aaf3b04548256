/**
 * PGR inputs from a run's results: the scores `agorabench eval` put in the index, the students'
 * datasets (and what generating them cost), and item by item results from the answer stores, so
 * the intervals resample the same items for student, base and reference.
 */
import type { BenchmarkName, RunConfig } from '../config/types';
import { DataError } from '../errors';
import { BENCHMARK_INFO } from '../evaluation/benchmarks';
import { answerStoreId } from '../evaluation/runEvaluation';
import { Results } from '../results';
import type { DatasetRow, EvaluationRow } from '../store/indexStore';
import { listStudents } from '../training/students';
import type { PgrRole, ScoreInput } from './types';

const PAGE = 1_000_000;

export interface RunPgrInputs {
  inputs: ScoreInput[];
  /** Things a reader should know: models skipped, scores on different item sets. */
  notes: string[];
}

/**
 * Every score of the run that PGR can use: base and reference (by role), and students placed by
 * the dataset they were trained on (declared `trainedOn`, or trained by `agorabench train`).
 */
export async function runPgrInputs(config: RunConfig): Promise<RunPgrInputs> {
  const results = new Results(config.resultsDir);
  const rows = await results.index.evaluations(config.name);
  if (!rows.length) throw new DataError(`run "${config.name}" has no evaluation scores yet: run \`agorabench eval\` first`, config.resultsDir);
  const datasets = await results.index.datasets(config.name);
  const placed = studentPlacement(config, datasets);
  const notes: string[] = [];
  const inputs: ScoreInput[] = [];
  const byRole = new Map<string, Set<string>>();
  for (const r of rows) {
    const role = roleOf(r, placed);
    if (!role) continue;
    const models = byRole.get(role) ?? new Set<string>();
    models.add(r.model);
    byRole.set(role, models);
  }
  for (const role of ['base', 'reference'] as const) {
    const models = [...(byRole.get(role) ?? [])];
    if (models.length > 1) throw new DataError(`${models.length} models have the role "${role}" (${models.join(', ')}); PGR needs exactly one`, config.file);
  }
  for (const r of rows) {
    const role = roleOf(r, placed);
    if (!role) continue;
    const student = role === 'student' ? placed.get(r.model) : undefined;
    const input: ScoreInput = {
      role,
      benchmark: r.benchmark as BenchmarkName,
      score: r.score,
      n: r.n,
      source: `${config.resultsDir} (index: ${r.model} on ${r.benchmark})`,
      ...(r.ciLow !== null && r.ciHigh !== null ? { ci95: [r.ciLow, r.ciHigh] as [number, number] } : {}),
      ...stderrOf(r),
      ...(student ? { generator: student.generator, setting: student.setting, ...(student.costUsd !== undefined ? { costUsd: student.costUsd } : {}) } : {}),
    };
    if (r.missing > 0) notes.push(`${r.model} on ${r.benchmark}: ${r.missing} item(s) without an answer; its score is partial`);
    const items = await itemResults(results, datasets, config.name, r);
    if (items) input.items = items;
    inputs.push(input);
  }
  for (const b of new Set(rows.map((r) => r.benchmark))) {
    const prints = new Set(rows.filter((r) => r.benchmark === b && roleOf(r, placed)).map((r) => (r.detail.items as { sha256?: string } | undefined)?.sha256 ?? ''));
    if (prints.size > 1) notes.push(`${b}: the models were scored on different item sets (a different limit or source); intervals use the items they share`);
  }
  return { inputs, notes };
}

/** Students by evaluated model id: the dataset's generator and setting, and its generation cost. */
function studentPlacement(config: RunConfig, datasets: DatasetRow[]): Map<string, { generator: string; setting: string; costUsd: number | undefined }> {
  const out = new Map<string, { generator: string; setting: string; costUsd: number | undefined }>();
  const cost = (generator: string, setting: string) => datasets.find((d) => d.generator === generator && d.setting === setting)?.costUsd;
  for (const s of listStudents(config.resultsDir, config.name)) out.set(s.id, { generator: s.generator, setting: s.setting, costUsd: s.datasetCostUsd });
  for (const m of config.evaluations) if (m.trainedOn) out.set(m.id, { ...m.trainedOn, costUsd: cost(m.trainedOn.generator, m.trainedOn.setting) });
  return out;
}

function roleOf(r: EvaluationRow, placed: Map<string, unknown>): PgrRole | undefined {
  if (placed.has(r.model)) return 'student';
  return r.role === 'base' || r.role === 'reference' ? r.role : undefined;
}

/** AlpacaEval's LC win rate carries its own standard error; other scores have a 95 % interval or n. */
function stderrOf(r: EvaluationRow): { stderr?: number } {
  const se = r.detail.lcStandardError;
  return typeof se === 'number' && Number.isFinite(se) ? { stderr: se } : {};
}

/** Per item correctness (code: the share of samples that passed) from the answer store, for graded benchmarks. */
async function itemResults(results: Results, datasets: DatasetRow[], run: string, r: EvaluationRow): Promise<Record<string, number> | undefined> {
  const info = BENCHMARK_INFO[r.benchmark as BenchmarkName];
  if (!info || info.kind === 'pairwise') return undefined;
  const row = datasets.find((d) => d.id === answerStoreId(run, r.model, r.benchmark as BenchmarkName));
  if (!row) return undefined;
  const store = await results.openDataset(row);
  try {
    const tally = new Map<string, { n: number; c: number }>();
    for (const inst of store.listInstances({ status: 'valid', limit: PAGE })) {
      const id = inst.meta.itemId;
      if (typeof id !== 'string') continue;
      const t = tally.get(id) ?? { n: 0, c: 0 };
      t.n++;
      if (inst.meta.correct === true) t.c++;
      tally.set(id, t);
    }
    return Object.fromEntries([...tally].map(([id, t]) => [id, t.c / t.n]));
  } finally {
    await store.close();
  }
}
