/**
 * The annotation sidecar: `annotations.jsonl` beside a dataset's store (the folder holding
 * `dataset.sqlite` and `journal.jsonl`). One JSON object per line, appended and never rewritten,
 * so it diffs, merges and commits like any text file. This module only knows the file format;
 * `index.ts` is the API on top.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDir } from '../store/atomicFile';

export const ANNOTATIONS_FILE = 'annotations.jsonl';

export const ANNOTATION_LABELS = ['bad', 'good', 'clear'] as const;
export type AnnotationLabel = (typeof ANNOTATION_LABELS)[number];

/** Why a sample is bad: the fixed list, in the order a picker shows it, with human labels. */
export const BAD_REASONS = [
  { id: 'incorrect-answer', label: 'Incorrect answer' },
  { id: 'ill-posed', label: 'Ill-posed or unsolvable' },
  { id: 'hallucination', label: 'Hallucination' },
  { id: 'formatting', label: 'Formatting' },
  { id: 'near-duplicate', label: 'Near-duplicate' },
  { id: 'unsafe', label: 'Unsafe' },
  { id: 'off-topic', label: 'Off-topic' },
  { id: 'other', label: 'Other' },
] as const;
export type BadReason = (typeof BAD_REASONS)[number]['id'];
export const BAD_REASON_IDS: readonly BadReason[] = BAD_REASONS.map((r) => r.id);

export function isBadReason(s: unknown): s is BadReason {
  return typeof s === 'string' && (BAD_REASON_IDS as readonly string[]).includes(s);
}

/**
 * One line of the sidecar.
 *
 * - `instance`: the stable instance id (`InstanceRow.id`, `<dataset id>/<slot, 6 digits>`);
 * - `hash`: the instance's content hash when it was annotated (`InstanceRow.contentHash`,
 *   sha256 of `instruction + "\0" + response`), so a changed instance shows as stale;
 * - `label`: `bad` (needs a `reason`), `good`, or `clear` (takes back what was said before);
 * - `author`, `time` (ISO 8601, UTC): who and when; the latest line per instance by `time`
 *   wins (ties: the later line in the file);
 * - `batch`: an id shared by every line written by one call (one command, one selection), the
 *   unit of undo; `undoes`: on the lines an undo writes, the batch they take back.
 * - `slot`: the instance's slot, redundant with `instance`, for people reading the file.
 */
export interface Annotation {
  instance: string;
  hash: string;
  label: AnnotationLabel;
  reason?: BadReason;
  note?: string;
  author: string;
  time: string;
  batch: string;
  slot?: number;
  undoes?: string;
}

/** A line that could not be used: skipped, reported, never rewritten. `line` is 1-based. */
export interface AnnotationProblem {
  file: string;
  line: number;
  message: string;
}

/** `file:line: message`, as an editor's problem matcher reads it. */
export function problemText(p: AnnotationProblem): string {
  return `${p.file}:${p.line}: ${p.message}`;
}

export interface SidecarLine {
  annotation: Annotation;
  /** 1-based line number in its file. */
  line: number;
  /** The line as written (for dedupe by identical text). */
  text: string;
}

/** The sidecar's path for a dataset folder. */
export function annotationsPath(datasetDir: string): string {
  return path.join(datasetDir, ANNOTATIONS_FILE);
}

/**
 * Every usable line of a sidecar file in file order, and the problems of the others. A missing
 * file is an empty log. Never writes.
 */
export function readSidecar(file: string): { lines: SidecarLine[]; problems: AnnotationProblem[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], problems: [] };
    throw e;
  }
  const lines: SidecarLine[] = [];
  const problems: AnnotationProblem[] = [];
  const raw = text.split('\n');
  raw.forEach((l, i) => {
    const t = l.replace(/\r$/, '');
    if (!t.trim()) return;
    const r = parseAnnotationLine(t);
    if (typeof r === 'string') problems.push({ file, line: i + 1, message: r });
    else lines.push({ annotation: r, line: i + 1, text: t });
  });
  return { lines, problems };
}

/** One line → an annotation, or what is wrong with it. */
export function parseAnnotationLine(text: string): Annotation | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not valid JSON (line skipped)';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object (line skipped)';
  const o = v as Record<string, unknown>;
  const bad = (m: string) => `${m} (line skipped)`;
  if (typeof o.instance !== 'string' || !o.instance) return bad('"instance" must be a non-empty string');
  if (typeof o.hash !== 'string') return bad('"hash" must be a string');
  if (typeof o.label !== 'string' || !(ANNOTATION_LABELS as readonly string[]).includes(o.label)) return bad(`"label" must be one of ${ANNOTATION_LABELS.join(', ')}`);
  if (o.label === 'bad' && !isBadReason(o.reason)) return bad(`a bad label needs "reason", one of ${BAD_REASON_IDS.join(', ')}`);
  if (o.reason !== undefined && !isBadReason(o.reason)) return bad(`"reason" must be one of ${BAD_REASON_IDS.join(', ')}`);
  if (o.note !== undefined && typeof o.note !== 'string') return bad('"note" must be a string');
  if (typeof o.author !== 'string') return bad('"author" must be a string');
  if (typeof o.time !== 'string' || !Number.isFinite(Date.parse(o.time))) return bad('"time" must be an ISO 8601 date');
  if (o.batch !== undefined && typeof o.batch !== 'string') return bad('"batch" must be a string');
  if (o.slot !== undefined && !Number.isInteger(o.slot)) return bad('"slot" must be an integer');
  if (o.undoes !== undefined && typeof o.undoes !== 'string') return bad('"undoes" must be a string');
  const a: Annotation = { instance: o.instance, hash: o.hash, label: o.label as AnnotationLabel, author: o.author, time: o.time, batch: typeof o.batch === 'string' ? o.batch : '' };
  if (o.reason !== undefined) a.reason = o.reason as BadReason;
  if (o.note !== undefined) a.note = o.note as string;
  if (o.slot !== undefined) a.slot = o.slot as number;
  if (o.undoes !== undefined) a.undoes = o.undoes as string;
  return a;
}

/** The line written for an annotation: fixed key order, so identical annotations are identical lines. */
export function annotationLine(a: Annotation): string {
  const o: Record<string, unknown> = { instance: a.instance, hash: a.hash, label: a.label };
  if (a.reason !== undefined) o.reason = a.reason;
  if (a.note !== undefined) o.note = a.note;
  o.author = a.author;
  o.time = a.time;
  o.batch = a.batch;
  if (a.slot !== undefined) o.slot = a.slot;
  if (a.undoes !== undefined) o.undoes = a.undoes;
  return JSON.stringify(o);
}

/**
 * Appends lines with one `write` on a file opened for appending, then fsync. When the file does
 * not end with a newline (a write cut off by a crash), a newline goes first, so the torn line
 * stays one bad line and the new ones are intact; nothing already in the file is changed.
 */
export function appendSidecarLines(file: string, lines: string[]): void {
  if (!lines.length) return;
  const existed = fs.existsSync(file);
  let lead = '';
  if (existed) {
    const size = fs.statSync(file).size;
    if (size > 0) {
      const fd = fs.openSync(file, 'r');
      try {
        const b = Buffer.alloc(1);
        fs.readSync(fd, b, 0, 1, size - 1);
        if (b[0] !== 0x0a) lead = '\n';
      } finally {
        fs.closeSync(fd);
      }
    }
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, lead + lines.join('\n') + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (!existed) fsyncDir(path.dirname(file));
}
