// The pure half of the editor's dataset features (no `vscode` import, unit-tested): the virtual
// document's line text and URI path, which line is which instance, what a user's JSONL line holds,
// and which lines get which decoration.
import { BAD_REASONS, contentHashOf, type Annotation, type InstanceRow } from '../../core';

export const DATASET_SCHEME = 'agorabench-dataset';

/** `<resultsDir>/<datasetId>.jsonl`: the virtual document's path (dataset ids never hold a slash). */
export function datasetDocPath(resultsDir: string, datasetId: string): string {
  return `${resultsDir.replace(/[\\/]+$/, '')}/${datasetId}.jsonl`;
}

/** The inverse of `datasetDocPath`; undefined for a path that is not one. */
export function parseDatasetDocPath(p: string): { resultsDir: string; datasetId: string } | undefined {
  const m = /^(.*)[\\/]([^\\/]+)\.jsonl$/.exec(p);
  if (!m || !m[1] || !m[2]) return undefined;
  return { resultsDir: m[1], datasetId: m[2] };
}

/** One instance as a line of the virtual document (failed slots too, with their last reason). */
export function instanceLine(r: Pick<InstanceRow, 'slot' | 'id' | 'status' | 'instruction' | 'response' | 'reasons'>): string {
  const o: Record<string, unknown> = { slot: r.slot, id: r.id, status: r.status, instruction: r.instruction, response: r.response };
  if (r.status === 'failed') o.reason = r.reasons[r.reasons.length - 1] ?? '';
  return JSON.stringify(o);
}

/** What a line of a document is: an instance of a stored dataset (`ref` indexes the document's datasets). */
export interface LineTarget {
  line: number;
  ref: number;
  slot: number;
  status: 'valid' | 'failed';
  /** The instance's content hash in the store. */
  hash: string;
}

/** Which instance each line of a document shows, and back. */
export interface LineMap {
  readonly lineCount: number;
  at(line: number): LineTarget | undefined;
  /** Lines showing this slot of dataset `ref` (a user's file may repeat one). */
  linesOf(ref: number, slot: number): number[];
  /** Every mapped line, in line order. */
  all(): Iterable<LineTarget>;
}

/** The virtual document: line i = the i-th settled slot in slot order, all of one dataset (ref 0). */
export class SlotOrderMap implements LineMap {
  constructor(
    readonly slots: Int32Array,
    readonly failed: Uint8Array,
    readonly hashes: readonly string[],
  ) {}

  get lineCount(): number {
    return this.slots.length;
  }

  at(line: number): LineTarget | undefined {
    if (!Number.isInteger(line) || line < 0 || line >= this.slots.length) return undefined;
    return { line, ref: 0, slot: this.slots[line] as number, status: this.failed[line] ? 'failed' : 'valid', hash: this.hashes[line] ?? '' };
  }

  linesOf(ref: number, slot: number): number[] {
    if (ref !== 0) return [];
    let lo = 0;
    let hi = this.slots.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.slots[mid] as number;
      if (s === slot) return [mid];
      if (s < slot) lo = mid + 1;
      else hi = mid - 1;
    }
    return [];
  }

  *all(): Iterable<LineTarget> {
    for (let i = 0; i < this.slots.length; i++) yield this.at(i) as LineTarget;
  }
}

/** A user's file: only the lines that matched a stored instance. */
export class MatchedLinesMap implements LineMap {
  private readonly byLine = new Map<number, LineTarget>();
  private readonly bySlot = new Map<string, number[]>();

  constructor(
    readonly lineCount: number,
    targets: readonly LineTarget[],
  ) {
    for (const t of targets) {
      this.byLine.set(t.line, t);
      const k = `${t.ref}:${t.slot}`;
      const list = this.bySlot.get(k);
      if (list) list.push(t.line);
      else this.bySlot.set(k, [t.line]);
    }
  }

  at(line: number): LineTarget | undefined {
    return this.byLine.get(line);
  }

  linesOf(ref: number, slot: number): number[] {
    return this.bySlot.get(`${ref}:${slot}`) ?? [];
  }

  *all(): Iterable<LineTarget> {
    yield* [...this.byLine.values()].sort((a, b) => a.line - b.line);
  }
}

/** An instruction/response pair from a parsed JSONL line in any of the export formats, or our own. */
export function pairOf(value: unknown): { instruction: string; response: string } | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.instruction === 'string' && typeof o.response === 'string') return { instruction: o.instruction, response: o.response };
  // alpaca: an empty `input` (what the export writes)
  if (typeof o.instruction === 'string' && typeof o.output === 'string' && (o.input === undefined || o.input === '')) return { instruction: o.instruction, response: o.output };
  if (Array.isArray(o.messages)) {
    const msgs = o.messages.filter((m): m is { role: string; content: string } => !!m && typeof m === 'object' && typeof (m as { role?: unknown }).role === 'string' && typeof (m as { content?: unknown }).content === 'string');
    const user = msgs.find((m) => m.role === 'user');
    const assistant = [...msgs].reverse().find((m) => m.role === 'assistant');
    if (user && assistant) return { instruction: user.content, response: assistant.content };
  }
  return undefined;
}

/** A line of a user's file that is not JSON (1-based `line` in the message, 0-based `index`). */
export interface MalformedLine {
  index: number;
  message: string;
}

/** Each non-empty line's content hash (when it holds a pair), and the lines that are not JSON. */
export function scanUserLines(text: string): { hashes: Map<number, string>; malformed: MalformedLine[]; lineCount: number } {
  const hashes = new Map<number, string>();
  const malformed: MalformedLine[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const t = raw.replace(/\r$/, '').trim();
    if (!t) return;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      malformed.push({ index, message: `line ${index + 1}: not JSON: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    const pair = pairOf(v);
    if (pair) hashes.set(index, contentHashOf(pair.instruction, pair.response));
  });
  return { hashes, malformed, lineCount: lines.length };
}

export type DecorationKind = 'failed' | 'bad' | 'good' | 'stale' | 'lowScore' | 'nearDuplicate';

/** Slots a dataset's metrics flag: a low judge score, a near-duplicate instruction. */
export interface MetricFlags {
  lowScore: ReadonlySet<number>;
  nearDuplicate: ReadonlySet<number>;
}

/** Judge scores (1–5) at or below this are flagged as low. */
export const LOW_SCORE_MAX = 2;

/** The latest annotation of each instance of a document's datasets (by ref), as the sidecars say. */
export type AnnotationsByRef = ReadonlyArray<ReadonlyMap<string, Annotation> | undefined>;

/** `<datasetId>/<slot, 6 digits>`, as the store names instances. */
export function instanceIdOf(datasetId: string, slot: number): string {
  return `${datasetId}/${String(slot).padStart(6, '0')}`;
}

/** A line's annotation and whether the instance changed since it was made. */
export function annotationAt(t: LineTarget, datasetIds: readonly string[], latest: AnnotationsByRef): { annotation: Annotation; stale: boolean } | undefined {
  const id = datasetIds[t.ref];
  const a = id === undefined ? undefined : latest[t.ref]?.get(instanceIdOf(id, t.slot));
  return a ? { annotation: a, stale: a.hash !== t.hash } : undefined;
}

/**
 * Which lines get which decoration: failed validation, annotated bad, annotated good, stale
 * annotations (a stale one gets `stale` in addition to its label's), and what the metrics flag
 * (a low judge score, a near-duplicate instruction; `flags` by dataset ref).
 */
export function decorationLines(map: LineMap, datasetIds: readonly string[], latest: AnnotationsByRef, flags: ReadonlyArray<MetricFlags | undefined> = []): Record<DecorationKind, number[]> {
  const out: Record<DecorationKind, number[]> = { failed: [], bad: [], good: [], stale: [], lowScore: [], nearDuplicate: [] };
  for (const t of map.all()) {
    if (t.status === 'failed') out.failed.push(t.line);
    const f = flags[t.ref];
    if (f?.lowScore.has(t.slot)) out.lowScore.push(t.line);
    if (f?.nearDuplicate.has(t.slot)) out.nearDuplicate.push(t.line);
    const a = annotationAt(t, datasetIds, latest);
    if (!a) continue;
    if (a.annotation.label === 'bad') out.bad.push(t.line);
    else if (a.annotation.label === 'good') out.good.push(t.line);
    if (a.stale) out.stale.push(t.line);
  }
  return out;
}

export function reasonLabel(id: string | undefined): string {
  return BAD_REASONS.find((r) => r.id === id)?.label ?? id ?? '';
}

/** The Problems panel's text for a bad sample. */
export function badMessage(a: Annotation, stale: boolean): string {
  return `Bad sample: ${reasonLabel(a.reason)}${a.note ? ` — ${a.note}` : ''}${stale ? ' (stale: the instance changed since it was annotated)' : ''}`;
}

/** `quality 4 · difficulty 2`: up to `max` metrics that have a value, short names. */
export function compactMetrics(metrics: Record<string, number | null>, max = 3): string {
  const parts: string[] = [];
  // scored metrics (`name@source`: judge, reward, perplexity) before lexical figures
  const keys = Object.keys(metrics).sort((a, b) => Number(!a.includes('@')) - Number(!b.includes('@')) || a.localeCompare(b));
  for (const key of keys) {
    const v = metrics[key];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    const name = (key.split('@')[0] ?? key).split('.').pop() ?? key;
    parts.push(`${name} ${formatNumber(v)}`);
    if (parts.length >= max) break;
  }
  return parts.join(' · ');
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2).replace(/\.?0+$/, '') : v.toPrecision(3).replace(/\.?0+$/, '');
}

/** Distinct, sorted 0-based lines of selections (a selection ending at column 0 of a line leaves that line out). */
export function selectedLines(selections: ReadonlyArray<{ start: { line: number }; end: { line: number; character: number }; isEmpty: boolean }>): number[] {
  const lines = new Set<number>();
  for (const s of selections) {
    const last = !s.isEmpty && s.end.character === 0 && s.end.line > s.start.line ? s.end.line - 1 : s.end.line;
    for (let l = s.start.line; l <= last; l++) lines.add(l);
  }
  return [...lines].sort((a, b) => a - b);
}
