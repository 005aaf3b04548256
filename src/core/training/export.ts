/**
 * Training data export: a dataset's valid instances as the file a trainer reads, plus a manifest
 * that ties a trained student to its exact data (source datasets, every instance's content hash,
 * the file's sha256).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { annotationStatus, readAnnotations } from '../annotations';
import { DataError } from '../errors';
import { STUDENT_SYSTEM_PROMPT, llama3Prompt } from '../generation/chatFormat';
import type { Results } from '../results';
import { fsyncDir, writeFileAtomic } from '../store/atomicFile';
import type { DatasetRow } from '../store/indexStore';
import type { DatasetStore } from '../store/datasetStore';

/**
 * - `chat`: `{"messages": [system, user, assistant]}` per line (OpenAI fine-tuning, axolotl/TRL chat templates);
 * - `alpaca`: `{"instruction", "input": "", "output"}` per line;
 * - `llama3`: `{"prompt", "completion"}` rendered with the Llama-3 chat template, the split marking
 *   what the loss is computed on (the response only, as the paper trained);
 * - `jsonl`: plain `{"instruction", "response"}` per line.
 */
export const EXPORT_FORMATS = ['chat', 'alpaca', 'llama3', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One line describing each format, for pickers and help texts. */
export const EXPORT_FORMAT_INFO: Record<ExportFormat, string> = {
  chat: '{"messages": […]} — OpenAI fine-tuning, axolotl, TRL',
  alpaca: '{"instruction", "input", "output"}',
  llama3: '{"prompt", "completion"} in the Llama-3 template, loss on the response',
  jsonl: '{"instruction", "response"} — plain',
};

/**
 * What `exclude` categories leave out:
 * - `failed`: slots that used up their attempts (no content); always left out, named for clarity;
 * - `bad`: instances whose latest annotation (`annotations.jsonl`) is `bad`, whether the
 *   annotation is current or stale (the manifest counts both);
 * - `near-duplicates`: instances the lexical near-duplicate metric (`instruction_near_dup@lexical`,
 *   from `agorabench metrics`) flagged, keeping the first (lowest slot) of each group.
 */
export const EXCLUDE_CATEGORIES = ['bad', 'failed', 'near-duplicates'] as const;
export type ExcludeCategory = (typeof EXCLUDE_CATEGORIES)[number];

/** The per-instance metric `near-duplicates` reads (1 = has a near-duplicate, detail.of = its partner's slot). */
export const NEAR_DUP_METRIC = 'instruction_near_dup@lexical';

export interface ExportOptions {
  format: ExportFormat;
  /** System prompt of `chat` and `llama3` lines (default: the paper's student prompt). */
  systemPrompt?: string;
  /** Instance ids to leave out (chosen by the caller; counted as `excludedMarked`). */
  exclude?: ReadonlySet<string>;
  /** Categories to leave out (see `EXCLUDE_CATEGORIES`); failed instances are left out either way. */
  excludeCategories?: readonly ExcludeCategory[];
  /** Replace an existing file (otherwise an existing file with other content is an error). */
  overwrite?: boolean;
}

export interface ExportedDataset {
  id: string;
  run: string;
  generator: string;
  model: string;
  setting: string;
  /** Lines written from this dataset. */
  exported: number;
  /** Left out: failed instances, and instances in `exclude`. */
  excludedFailed: number;
  excludedMarked: number;
  /** Left out as annotated bad (`--exclude bad`), and how many of those annotations are stale (the content changed since). */
  excludedBad: number;
  excludedBadStale: number;
  /** Left out as near-duplicates (`--exclude near-duplicates`). */
  excludedNearDuplicates: number;
  /** With `near-duplicates`: valid instances the metric has no value for (generated after `agorabench metrics` ran). */
  nearDuplicatesUnchecked?: number;
  /** Lines of the annotations file that could not be read (`file:line: message`). */
  annotationProblems?: string[];
  /** sha256 over the exported instances' content hashes, in slot order. */
  contentSha256: string;
  /** Generation cost of the dataset (USD), for PGR per dollar. */
  costUsd: number;
}

export interface ExportManifest {
  format: ExportFormat;
  file: string;
  sha256: string;
  lines: number;
  systemPrompt: string | null;
  datasets: ExportedDataset[];
  /** The `exclude` categories asked for (failed instances are left out either way). */
  exclude: ExcludeCategory[];
  /** Every exported instance, in file order: its id and content hash. */
  instances: Array<{ id: string; contentHash: string }>;
  /** Every instance left out for a reason other than failing: its id and why. */
  excluded: ExcludedInstance[];
  createdAt: string;
}

export interface ExcludedInstance {
  id: string;
  why: 'bad' | 'near-duplicate' | 'marked';
  /** `bad`: the annotation's reason and whether it is current or stale. */
  reason?: string;
  annotation?: 'current' | 'stale';
  /** `near-duplicate`: the slot kept from its group. */
  keptSlot?: number;
}

const PAGE = 1000;

/** The manifest's path for an export file. */
export function manifestPath(file: string): string {
  return `${file}.manifest.json`;
}

/**
 * Writes the valid instances of `datasetIds` (in that order) to `file` in `format`, and the
 * manifest beside it. An existing file with the same content is left as is (the export is
 * repeatable); one with other content is never replaced unless `overwrite` is set.
 */
export async function exportTrainingData(results: Results, datasetIds: string[], file: string, opts: ExportOptions): Promise<ExportManifest> {
  if (!datasetIds.length) throw new DataError('no dataset to export', results.dir);
  const rows = await results.index.datasets();
  const datasets = datasetIds.map((id) => {
    const row = rows.find((d) => d.id === id);
    if (!row) throw new DataError(`no dataset "${id}" (see \`agorabench list\`)`, results.dir);
    return row;
  });
  const system = opts.format === 'alpaca' || opts.format === 'jsonl' ? null : (opts.systemPrompt ?? STUDENT_SYSTEM_PROMPT);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  const hash = createHash('sha256');
  const instances: ExportManifest['instances'] = [];
  const excluded: ExcludedInstance[] = [];
  const exported: ExportedDataset[] = [];
  try {
    for (const row of datasets) exported.push(await writeDataset(results, row, fd, hash, { instances, excluded }, opts, system));
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  const sha256 = hash.digest('hex');
  if (fs.existsSync(file) && !opts.overwrite && sha256File(file) !== sha256) {
    fs.rmSync(tmp, { force: true });
    throw new DataError('exists with other content; choose another file or allow overwriting (--force)', file);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(path.resolve(file)));
  const exclude = [...new Set(opts.excludeCategories ?? [])];
  const manifest: ExportManifest = { format: opts.format, file: path.resolve(file), sha256, lines: instances.length, systemPrompt: system, exclude, datasets: exported, instances, excluded, createdAt: new Date().toISOString() };
  writeFileAtomic(manifestPath(file), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

async function writeDataset(
  results: Results,
  row: DatasetRow,
  fd: number,
  hash: ReturnType<typeof createHash>,
  out: { instances: ExportManifest['instances']; excluded: ExcludedInstance[] },
  opts: ExportOptions,
  system: string | null,
): Promise<ExportedDataset> {
  const { instances, excluded } = out;
  const categories = new Set(opts.excludeCategories ?? []);
  const annotations = categories.has('bad') ? readAnnotations(path.join(results.dir, row.dir)) : undefined;
  const store = await results.openDataset(row);
  const content = createHash('sha256');
  let exportedCount = 0;
  let marked = 0;
  let bad = 0;
  let badStale = 0;
  let nearDup = 0;
  try {
    const near = categories.has('near-duplicates') ? nearDuplicatesOf(store, row.id) : undefined;
    const failed = store.totals().failed;
    for (let after = -1; ; ) {
      const page = store.listInstances({ status: 'valid', afterSlot: after, limit: PAGE });
      if (!page.length) break;
      after = page[page.length - 1]?.slot ?? after;
      let chunk = '';
      for (const inst of page) {
        if (opts.exclude?.has(inst.id)) {
          marked++;
          excluded.push({ id: inst.id, why: 'marked' });
          continue;
        }
        const a = annotations?.latest.get(inst.id);
        if (a?.label === 'bad') {
          const status = annotationStatus(a, inst.contentHash);
          bad++;
          if (status === 'stale') badStale++;
          excluded.push({ id: inst.id, why: 'bad', reason: a.reason, annotation: status });
          continue;
        }
        const kept = near?.drop.get(inst.slot);
        if (kept !== undefined) {
          nearDup++;
          excluded.push({ id: inst.id, why: 'near-duplicate', keptSlot: kept });
          continue;
        }
        chunk += JSON.stringify(line(opts.format, system, inst.instruction, inst.response)) + '\n';
        content.update(`${inst.contentHash}\n`);
        instances.push({ id: inst.id, contentHash: inst.contentHash });
        exportedCount++;
      }
      const bytes = Buffer.from(chunk, 'utf8');
      hash.update(bytes);
      fs.writeSync(fd, bytes);
    }
    const d: ExportedDataset = { id: row.id, run: row.run, generator: row.generator, model: row.model, setting: row.setting, exported: exportedCount, excludedFailed: failed, excludedMarked: marked, excludedBad: bad, excludedBadStale: badStale, excludedNearDuplicates: nearDup, contentSha256: content.digest('hex'), costUsd: row.costUsd };
    if (near) d.nearDuplicatesUnchecked = store.totals().valid - near.checked;
    if (annotations?.problems.length) d.annotationProblems = annotations.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    return d;
  } finally {
    await store.close();
  }
}

/**
 * The slots to leave out as near-duplicates, each with the slot kept from its group: the flagged
 * instances and their partners form groups (connected by "near-duplicate of"); the lowest slot
 * of each group stays. A store without the metric is an error: nothing is left out silently.
 */
function nearDuplicatesOf(store: DatasetStore, datasetId: string): { drop: Map<number, number>; checked: number } {
  if (!store.metricKeys().some((k) => k.key === NEAR_DUP_METRIC)) {
    throw new DataError(`dataset "${datasetId}" has no near-duplicate metric (${NEAR_DUP_METRIC}); run \`agorabench metrics <config>\` first, or leave near-duplicates out of --exclude`, store.dir);
  }
  const values = store.metricValues(NEAR_DUP_METRIC);
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as number;
    parent.set(x, r);
    return r;
  };
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  };
  let checked = 0;
  for (const [slot, v] of values) {
    if (v !== null) checked++;
    if (v !== 1) continue;
    const of = store.instanceMetrics(slot).find((m) => m.key === NEAR_DUP_METRIC)?.detail.of;
    find(slot);
    if (typeof of === 'number') union(slot, of);
  }
  const drop = new Map<number, number>();
  for (const slot of parent.keys()) {
    const root = find(slot);
    if (root !== slot) drop.set(slot, root);
  }
  return { drop, checked };
}

function line(format: ExportFormat, system: string | null, instruction: string, response: string): Record<string, unknown> {
  switch (format) {
    case 'chat':
      return {
        messages: [
          { role: 'system', content: system ?? '' },
          { role: 'user', content: instruction },
          { role: 'assistant', content: response },
        ],
      };
    case 'alpaca':
      return { instruction, input: '', output: response };
    case 'llama3':
      return { prompt: llama3Prompt(system ?? '', instruction), completion: `${response}<|eot_id|>` };
    case 'jsonl':
      return { instruction, response };
  }
}

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
