/**
 * Annotations of generated instances: a person's verdict on a sample (`bad` with a reason,
 * `good`, or `clear`), kept in a sidecar `annotations.jsonl` beside the dataset's store.
 *
 * Why a sidecar and not the store: a run may hold the store's writer lock for hours (and resumes
 * rewrite nothing that was annotated), the file can be committed, diffed and merged, and a
 * teammate's file can be appended to ours. The store is never written from here: readers (the
 * CLI, the export, the instance browser, the editor) read the sidecar next to the store and join
 * it to the rows they show by instance id (`annotationsBySlot`). Each line carries the content
 * hash the annotator saw, so a sample whose content changed since shows as `stale`.
 *
 * Semantics:
 * - append-only: one write per call (a batch), fsync'd; history is kept, nothing is rewritten;
 * - the latest line per instance wins, "latest" by `time`, ties by position in the file (so a
 *   merged older line does not override a newer one);
 * - a `clear` line takes back what was said: the instance has no annotation;
 * - every line written by one call shares a `batch` id; `undoLast` takes back an author's last
 *   batch by appending lines that restore each instance's state before it (`undoes` = the batch);
 * - a line that cannot be read is reported as `file:line` and skipped, never fatal, never fixed.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataError } from '../errors';
import { Results } from '../results';
import type { InstanceRow } from '../store/datasetStore';
import type { DatasetRow } from '../store/indexStore';
import { sha256 } from '../util/rng';
import { ANNOTATION_LABELS, BAD_REASON_IDS, annotationLine, annotationsPath, appendSidecarLines, isBadReason, readSidecar, type Annotation, type AnnotationLabel, type AnnotationProblem, type SidecarLine } from './sidecar';

export { ANNOTATIONS_FILE, ANNOTATION_LABELS, BAD_REASONS, BAD_REASON_IDS, annotationsPath, isBadReason, parseAnnotationLine, problemText, type Annotation, type AnnotationLabel, type AnnotationProblem, type BadReason } from './sidecar';

/** The content hash of an instance, as the store records it (`InstanceRow.contentHash`). */
export function contentHashOf(instruction: string, response: string): string {
  return sha256(`${instruction}\u0000${response}`);
}

/** The folder of a dataset's store (where `annotations.jsonl` lives). */
export function datasetDirOf(results: Results | string, row: Pick<DatasetRow, 'dir'>): string {
  return path.join(typeof results === 'string' ? results : results.dir, row.dir);
}

let cachedAuthor: string | undefined;

/** `git config user.name` when git has one, else the OS user name, else "unknown". */
export function defaultAuthor(): string {
  if (cachedAuthor !== undefined) return cachedAuthor;
  let name = '';
  try {
    name = execFileSync('git', ['config', 'user.name'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // no git, or no user.name
  }
  if (!name) {
    try {
      name = os.userInfo().username;
    } catch {
      name = '';
    }
  }
  cachedAuthor = name || 'unknown';
  return cachedAuthor;
}

function newBatchId(): string {
  return randomBytes(6).toString('hex');
}

/** What a dataset's sidecar says. */
export interface AnnotationLog {
  file: string;
  /** Per instance id, its latest line — instances whose latest line is `clear` are left out. */
  latest: Map<string, Annotation>;
  /** Every readable line, in file order. */
  history: Annotation[];
  /** Lines skipped (with their 1-based line number); `problemText` formats them as `file:line: message`. */
  problems: AnnotationProblem[];
}

/** Position of each line in "latest wins" order: by time, ties by file order. */
function byTime(lines: readonly Annotation[]): number[] {
  const t = lines.map((a) => Date.parse(a.time));
  return lines.map((_, i) => i).sort((a, b) => (t[a] as number) - (t[b] as number) || a - b);
}

function latestOf(history: readonly Annotation[]): Map<string, Annotation> {
  const latest = new Map<string, Annotation>();
  for (const i of byTime(history)) {
    const a = history[i] as Annotation;
    latest.set(a.instance, a);
  }
  for (const [id, a] of latest) if (a.label === 'clear') latest.delete(id);
  return latest;
}

/** Reads a dataset folder's sidecar (a missing file is an empty log). Never writes. */
export function readAnnotations(datasetDir: string): AnnotationLog {
  const file = annotationsPath(datasetDir);
  const { lines, problems } = readSidecar(file);
  const history = lines.map((l) => l.annotation);
  return { file, latest: latestOf(history), history, problems };
}

/** `current` when the instance still has the content that was annotated, else `stale`. An instance that is gone is `stale`. */
export function annotationStatus(annotation: Pick<Annotation, 'hash'>, currentHash: string | undefined): 'current' | 'stale' {
  return currentHash !== undefined && annotation.hash === currentHash ? 'current' : 'stale';
}

export interface SlotAnnotation {
  annotation: Annotation;
  status: 'current' | 'stale';
}

/**
 * The annotations of the given rows, by slot (rows without one are absent): what the instance
 * browser and the editor join to the rows they show. Pass a folder, or a log already read.
 */
export function annotationsBySlot(source: string | AnnotationLog, rows: ReadonlyArray<Pick<InstanceRow, 'id' | 'slot' | 'contentHash'>>): Map<number, SlotAnnotation> {
  const log = typeof source === 'string' ? readAnnotations(source) : source;
  const out = new Map<number, SlotAnnotation>();
  for (const r of rows) {
    const a = log.latest.get(r.id);
    if (a) out.set(r.slot, { annotation: a, status: annotationStatus(a, r.contentHash) });
  }
  return out;
}

/** How many instances are annotated bad and good (latest lines), without opening the store. */
export function annotationCounts(source: string | AnnotationLog): { bad: number; good: number; problems: number } {
  const log = typeof source === 'string' ? readAnnotations(source) : source;
  let bad = 0;
  let good = 0;
  for (const a of log.latest.values()) {
    if (a.label === 'bad') bad++;
    else if (a.label === 'good') good++;
  }
  return { bad, good, problems: log.problems.length };
}

export interface AnnotateOptions {
  /** Slots of the dataset to annotate (or `instanceIds`). */
  slots?: readonly number[];
  /** Instance ids (`InstanceRow.id`) of the dataset to annotate (or `slots`). */
  instanceIds?: readonly string[];
  label: AnnotationLabel;
  /** Required with `bad`, one of `BAD_REASON_IDS`; not allowed with `good` / `clear`. */
  reason?: string;
  note?: string;
  /** Default: `defaultAuthor()`. */
  author?: string;
  /** Default: now. */
  time?: Date;
}

/** Checks label, reason and note; throws a `DataError` saying what is wrong. */
export function checkAnnotation(opts: Pick<AnnotateOptions, 'label' | 'reason' | 'note'>, where = 'annotate'): void {
  if (!(ANNOTATION_LABELS as readonly string[]).includes(opts.label)) throw new DataError(`unknown label "${String(opts.label)}"; known: ${ANNOTATION_LABELS.join(', ')}`, where);
  if (opts.label === 'bad') {
    if (opts.reason === undefined || opts.reason === '') throw new DataError(`marking a sample bad needs a reason, one of: ${BAD_REASON_IDS.join(', ')}`, where);
    if (!isBadReason(opts.reason)) throw new DataError(`unknown reason "${opts.reason}"; valid reasons: ${BAD_REASON_IDS.join(', ')}`, where);
  } else if (opts.reason !== undefined) {
    throw new DataError(`a reason goes with a bad label only (got "${opts.reason}" with ${opts.label})`, where);
  }
  if (opts.note !== undefined && typeof opts.note !== 'string') throw new DataError('the note must be text', where);
}

/**
 * Annotates instances of a dataset: checks the input (unknown dataset or slot, a failed slot,
 * missing or unknown reason are `DataError`s naming the dataset and slot), then appends one line
 * per instance in one write. Returns the lines written (they share one `batch` id).
 */
export async function annotate(target: Results | string, datasetId: string, opts: AnnotateOptions): Promise<Annotation[]> {
  checkAnnotation(opts);
  const results = typeof target === 'string' ? new Results(target) : target;
  const row = await results.findDataset(datasetId);
  if (!row) throw new DataError(`no dataset "${datasetId}" (see \`agorabench list\`)`, results.dir);
  const slots = new Set<number>(opts.slots ?? []);
  const prefix = `${datasetId}/`;
  for (const id of opts.instanceIds ?? []) {
    const slot = id.startsWith(prefix) ? Number(id.slice(prefix.length)) : NaN;
    if (!/^\d+$/.test(id.slice(prefix.length)) || !Number.isSafeInteger(slot)) throw new DataError(`instance "${id}" is not an instance of dataset "${datasetId}"`, results.dir);
    slots.add(slot);
  }
  if (!slots.size) throw new DataError(`no slot or instance given to annotate in dataset "${datasetId}"`, results.dir);
  const store = await results.openDataset(row);
  const rows: InstanceRow[] = [];
  try {
    const count = () => store.totals();
    for (const slot of [...slots].sort((a, b) => a - b)) {
      const r = Number.isSafeInteger(slot) && slot >= 0 ? store.getInstance(slot) : undefined;
      if (!r) {
        const t = count();
        throw new DataError(`dataset "${datasetId}" has no instance at slot ${slot} (${t.valid + t.failed} slot(s) settled; \`agorabench show ${datasetId}\` lists them)`, results.dir);
      }
      if (r.status !== 'valid') throw new DataError(`slot ${slot} of dataset "${datasetId}" failed generation: it has no content to annotate and is never exported`, results.dir);
      rows.push(r);
    }
  } finally {
    await store.close();
  }
  const time = (opts.time ?? new Date()).toISOString();
  const author = opts.author ?? defaultAuthor();
  const batch = newBatchId();
  const written = rows.map((r): Annotation => {
    const a: Annotation = { instance: r.id, hash: r.contentHash, label: opts.label, author, time, batch, slot: r.slot };
    if (opts.label === 'bad') a.reason = opts.reason as Annotation['reason'];
    if (opts.note !== undefined && opts.note !== '') a.note = opts.note;
    return a;
  });
  appendSidecarLines(annotationsPath(datasetDirOf(results, row)), written.map(annotationLine));
  return written;
}

export interface MergeOutcome {
  /** Lines appended to the target sidecar, in the other file's order. */
  added: Annotation[];
  /** Lines already present (same instance and time, or the identical line). */
  duplicates: number;
  /** Lines of the other file that were skipped: unreadable, or of another dataset. */
  problems: AnnotationProblem[];
}

/**
 * Merges a teammate's sidecar into a dataset folder's: appends, in one write, the other file's
 * lines that are not present yet (dedupe by identical line, or by the same instance and time).
 * Since the latest line by `time` wins, an older line merged in never overrides a newer one.
 * With `datasetId`, lines of another dataset's instances are skipped and reported.
 */
export function mergeAnnotations(targetDir: string, otherFile: string, opts: { datasetId?: string } = {}): MergeOutcome {
  if (!fs.existsSync(otherFile)) throw new DataError('no such file to merge', otherFile);
  const mine = readSidecar(annotationsPath(targetDir));
  const other = readSidecar(otherFile);
  const seen = new Set<string>();
  const key = (a: Annotation) => `${a.instance}\u0000${Date.parse(a.time)}`;
  for (const l of mine.lines) {
    seen.add(l.text);
    seen.add(key(l.annotation));
  }
  const added: SidecarLine[] = [];
  const problems = [...other.problems];
  let duplicates = 0;
  for (const l of other.lines) {
    if (opts.datasetId && !l.annotation.instance.startsWith(`${opts.datasetId}/`)) {
      problems.push({ file: otherFile, line: l.line, message: `instance "${l.annotation.instance}" is not in dataset "${opts.datasetId}" (line skipped)` });
      continue;
    }
    if (seen.has(l.text) || seen.has(key(l.annotation))) {
      duplicates++;
      continue;
    }
    seen.add(l.text);
    seen.add(key(l.annotation));
    added.push(l);
  }
  // the teammate's lines as they wrote them (fields this version does not know are kept)
  appendSidecarLines(annotationsPath(targetDir), added.map((l) => l.text));
  return { added: added.map((l) => l.annotation), duplicates, problems };
}

export interface UndoOutcome {
  /** The batch taken back. */
  undone: string;
  /** The lines appended (they share a new batch id and carry `undoes`). */
  written: Annotation[];
}

/**
 * Takes back `author`'s (default: `defaultAuthor()`) last batch that is not itself an undo and
 * was not undone yet: appends, per instance of that batch, a line restoring its state before the
 * batch (the line that was latest then, or `clear`). Undo again to go further back. Returns
 * undefined when there is nothing to undo. Lines without a batch id (written by hand) are never
 * undone.
 */
export function undoLast(datasetDir: string, authorOrOpts: string | { author?: string; time?: Date } = {}): UndoOutcome | undefined {
  const opts = typeof authorOrOpts === 'string' ? { author: authorOrOpts } : authorOrOpts;
  const author = opts.author ?? defaultAuthor();
  const { history } = readAnnotations(datasetDir);
  const order = byTime(history);
  const undone = new Set(history.filter((a) => a.undoes).map((a) => a.undoes as string));
  let target: string | undefined;
  for (let k = order.length - 1; k >= 0 && target === undefined; k--) {
    const a = history[order[k] as number] as Annotation;
    if (a.author === author && a.batch && !a.undoes && !undone.has(a.batch)) target = a.batch;
  }
  if (target === undefined) return undefined;
  const firstRank = order.findIndex((i) => (history[i] as Annotation).batch === target);
  const before = order.slice(0, firstRank).map((i) => history[i] as Annotation);
  const time = (opts.time ?? new Date()).toISOString();
  const batch = newBatchId();
  const instances = new Map<string, Annotation>();
  for (const a of history) if (a.batch === target && !instances.has(a.instance)) instances.set(a.instance, a);
  const written: Annotation[] = [];
  for (const [instance, line] of instances) {
    let prev: Annotation | undefined;
    for (const b of before) if (b.instance === instance) prev = b;
    const a: Annotation = prev && prev.label !== 'clear' ? { instance, hash: prev.hash, label: prev.label, author, time, batch, undoes: target } : { instance, hash: line.hash, label: 'clear', author, time, batch, undoes: target };
    if (prev?.reason && a.label === 'bad') a.reason = prev.reason;
    if (prev?.note !== undefined && a.label !== 'clear') a.note = prev.note;
    if (line.slot !== undefined) a.slot = line.slot;
    written.push(a);
  }
  appendSidecarLines(annotationsPath(datasetDir), written.map(annotationLine));
  return { undone: target, written };
}
