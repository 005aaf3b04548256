/**
 * Training data export: a dataset's valid instances as the file a trainer reads, plus a manifest
 * that ties a trained student to its exact data (source datasets, every instance's content hash,
 * the file's sha256).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import { STUDENT_SYSTEM_PROMPT, llama3Prompt } from '../generation/chatFormat';
import type { Results } from '../results';
import { fsyncDir, writeFileAtomic } from '../store/atomicFile';
import type { DatasetRow } from '../store/indexStore';

/**
 * - `chat`: `{"messages": [system, user, assistant]}` per line (OpenAI fine-tuning, axolotl/TRL chat templates);
 * - `alpaca`: `{"instruction", "input": "", "output"}` per line;
 * - `llama3`: `{"prompt", "completion"}` rendered with the Llama-3 chat template, the split marking
 *   what the loss is computed on (the response only, as the paper trained).
 */
export const EXPORT_FORMATS = ['chat', 'alpaca', 'llama3'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** System prompt of `chat` and `llama3` lines (default: the paper's student prompt). */
  systemPrompt?: string;
  /** Instance ids to leave out (instances annotated as bad). */
  exclude?: ReadonlySet<string>;
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
  /** Every exported instance, in file order: its id and content hash. */
  instances: Array<{ id: string; contentHash: string }>;
  createdAt: string;
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
  const system = opts.format === 'alpaca' ? null : (opts.systemPrompt ?? STUDENT_SYSTEM_PROMPT);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  const hash = createHash('sha256');
  const instances: ExportManifest['instances'] = [];
  const exported: ExportedDataset[] = [];
  try {
    for (const row of datasets) exported.push(await writeDataset(results, row, fd, hash, instances, opts, system));
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
  const manifest: ExportManifest = { format: opts.format, file: path.resolve(file), sha256, lines: instances.length, systemPrompt: system, datasets: exported, instances, createdAt: new Date().toISOString() };
  writeFileAtomic(manifestPath(file), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

async function writeDataset(
  results: Results,
  row: DatasetRow,
  fd: number,
  hash: ReturnType<typeof createHash>,
  instances: ExportManifest['instances'],
  opts: ExportOptions,
  system: string | null,
): Promise<ExportedDataset> {
  const store = await results.openDataset(row);
  const content = createHash('sha256');
  let exportedCount = 0;
  let marked = 0;
  try {
    const failed = store.totals().failed;
    for (let after = -1; ; ) {
      const page = store.listInstances({ status: 'valid', afterSlot: after, limit: PAGE });
      if (!page.length) break;
      after = page[page.length - 1]?.slot ?? after;
      let chunk = '';
      for (const inst of page) {
        if (opts.exclude?.has(inst.id)) {
          marked++;
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
    return { id: row.id, run: row.run, generator: row.generator, model: row.model, setting: row.setting, exported: exportedCount, excludedFailed: failed, excludedMarked: marked, contentSha256: content.digest('hex'), costUsd: row.costUsd };
  } finally {
    await store.close();
  }
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
  }
}

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
