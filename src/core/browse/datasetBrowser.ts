/**
 * Queries over one dataset for the instance browser: filter, sort and page any number of
 * instances, a slot's whole detail, CSV of a query. It works on a read-only snapshot of the store
 * (the writer keeps running) and is meant to live in a worker thread (see browseWorker.ts), so a
 * 100K-instance store never blocks the extension host.
 *
 * How it stays fast: the unfiltered slot order is answered by SQLite's slot index with LIMIT /
 * OFFSET, so opening shows the first page without scanning the table. Anything else (a status or
 * metric filter, sorting by any column) runs over columns loaded once per snapshot as typed
 * arrays aligned to slot order (a few bytes per instance and column), and the ordered positions
 * of the last few queries are kept; a page is then a primary-key lookup of its slots. Full-text
 * search is one LIKE scan per new text.
 */
import type { Database } from 'sql.js';
import type {
  AttemptView,
  DetailView,
  FilterView,
  MetricColumnView,
  QueryView,
  RowView,
  RowsResult,
  SortColumn,
} from '../../protocol/instancesProtocol';
import { annotationsBySlot, readAnnotations, type SlotAnnotation } from '../annotations';
import { DatasetStore, type DatasetInfo, type InstanceRow } from '../store/datasetStore';
import { select } from '../store/sqljs';
import { csvLine, csvNumber } from '../util/csvRecords';

/** Characters of instruction and response a table row carries (the detail has them whole). */
export const ROW_TEXT_CHARS = 300;
/** Rows per step when a column loads (one step is what a request may wait behind). */
const CHUNK = 10_000;
/** Ordered results kept per snapshot (each is 4 bytes per matching instance). */
const QUERY_CACHE = 6;

const ROW_SQL = `SELECT slot, id, status, substr(instruction, 1, ${ROW_TEXT_CHARS}), substr(response, 1, ${ROW_TEXT_CHARS}),
  attempts, cost_usd, input_tokens + output_tokens, latency_ms, CASE status WHEN 'failed' THEN reasons ELSE '' END FROM instances`;
type RowTuple = [number, string, 'valid' | 'failed', string, string, number, number, number, number, string];

/** SQL expression of each built-in numeric column. */
const BUILTIN_COLUMNS: Record<Exclude<SortColumn, `metric:${string}`>, string> = {
  slot: 'slot',
  status: "CASE status WHEN 'valid' THEN 0 ELSE 1 END",
  attempts: 'attempts',
  cost: 'cost_usd',
  tokens: 'input_tokens + output_tokens',
  latency: 'latency_ms',
  instructionLength: 'length(instruction)',
  responseLength: 'length(response)',
};

/** A column aligned to slot order, filled a chunk at a time up to `next`. */
interface ColumnLoader {
  values: Float64Array;
  next: number;
}

export interface DetailExtras {
  /** Rebuilds the prompt of a generation instance (needs the config; the caller knows it). */
  prompt?: (row: InstanceRow, generated: (slot: number) => { instruction: string; response: string } | undefined) => Promise<Pick<DetailView, 'prompt' | 'demonstrations'>>;
}

export class DatasetBrowser {
  /** Slots in ascending order; every loaded column is aligned to it. */
  private slotsCache: Int32Array | undefined;
  private total: number | undefined;
  private positionCache: Map<number, number> | undefined;
  /** Parts of the slot list while it loads in chunks. */
  private slotParts: Int32Array[] = [];
  private readonly columnsCache = new Map<string, ColumnLoader>();
  private warmList: SortColumn[] | undefined;
  private annotationCache: Map<number, SlotAnnotation> | undefined;
  private readonly orders = new Map<string, Int32Array>();
  private readonly textHits = new Map<string, Set<number>>();
  private metricKeyList: MetricColumnView[] | undefined;

  private constructor(
    private readonly store: DatasetStore,
    private readonly db: Database,
    /** Bytes the snapshot holds in memory (about the size of its file). */
    readonly bytes: number,
    private readonly chunk: number,
  ) {}

  /** `chunk`: rows per loading step (tests make it small to cross chunk edges). */
  static async open(dir: string, info: DatasetInfo, opts: { chunk?: number } = {}): Promise<DatasetBrowser> {
    const store = await DatasetStore.open(dir, info, { readOnly: true });
    const db = store.snapshot();
    const pragma = (name: string) => Number(db.exec(`PRAGMA ${name}`)[0]?.values[0]?.[0] ?? 0);
    return new DatasetBrowser(store, db, pragma('page_count') * pragma('page_size'), opts.chunk ?? CHUNK);
  }

  /** The config file the store was generated from, as the store records it. */
  configFile(): string | undefined {
    return this.store.meta().config_file;
  }

  get warnings(): readonly string[] {
    return this.store.warnings;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** Every metric key with how many instances have it. */
  columns(): MetricColumnView[] {
    this.metricKeyList ??= this.store.metricKeys().map((m) => ({ key: m.key, label: metricLabel(m.key), n: m.n, missing: m.missing }));
    return this.metricKeyList;
  }

  rows(query: QueryView, offset: number, limit: number): RowsResult {
    if (isPlain(query.filter) && query.sort.column === 'slot') {
      const total = this.count();
      const asc = query.sort.dir === 'asc';
      // the first page without touching the rest (opening stays fast); later pages from the slot list
      const start = this.slotsCache ? this.slotsCache[asc ? offset : total - 1 - offset] : undefined;
      const tuples =
        start === undefined
          ? this.select<RowTuple>(`${ROW_SQL} ORDER BY slot ${asc ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`, [limit, offset])
          : this.select<RowTuple>(`${ROW_SQL} WHERE slot ${asc ? '>=' : '<='} ? ORDER BY slot ${asc ? 'ASC' : 'DESC'} LIMIT ?`, [start, limit]);
      if (offset > 0) this.slots();
      return { total, offset, rows: this.withMetrics(tuples.map(toRow)) };
    }
    const order = this.order(query);
    const slots = this.slots();
    const page = Array.from(order.subarray(offset, offset + limit), (pos) => slots[pos] as number);
    const bySlot = new Map<number, RowView>();
    for (let i = 0; i < page.length; i += 500) {
      const chunk = page.slice(i, i + 500);
      for (const t of this.select<RowTuple>(`${ROW_SQL} WHERE slot IN (${chunk.map(() => '?').join(',')})`, chunk)) bySlot.set(t[0], toRow(t));
    }
    const rows = page.map((s) => bySlot.get(s)).filter((r): r is RowView => r !== undefined);
    return { total: order.length, offset, rows: this.withMetrics(rows) };
  }

  /**
   * Two columns side by side for a scatter plot: the slots where both have a value, and the
   * values (columnar, a few bytes per point). Built-in columns or `metric:<key>`.
   */
  points(x: SortColumn, y: SortColumn): { slots: Int32Array; x: Float64Array; y: Float64Array } {
    const slots = this.slots();
    const xs = x === 'slot' ? Float64Array.from(slots) : this.column(x);
    const ys = y === 'slot' ? Float64Array.from(slots) : this.column(y);
    let n = 0;
    for (let p = 0; p < slots.length; p++) if (!Number.isNaN(xs[p] as number) && !Number.isNaN(ys[p] as number)) n++;
    const out = { slots: new Int32Array(n), x: new Float64Array(n), y: new Float64Array(n) };
    for (let p = 0, i = 0; p < slots.length; p++) {
      if (Number.isNaN(xs[p] as number) || Number.isNaN(ys[p] as number)) continue;
      out.slots[i] = slots[p] as number;
      out.x[i] = xs[p] as number;
      out.y[i++] = ys[p] as number;
    }
    return out;
  }

  /** Every slot a query keeps, in its order, up to `limit` (a bulk action on what the panel shows). */
  slotsOf(query: QueryView, limit: number): number[] {
    const slots = this.slots();
    return Array.from(this.order(query).subarray(0, limit), (pos) => slots[pos] as number);
  }

  /** `annotations.jsonl` changed: read it again (and forget orders that may have filtered by it). */
  annotationsChanged(): void {
    this.annotationCache = undefined;
    this.orders.clear();
  }

  /** Row index of a slot under a query, or −1. */
  indexOf(query: QueryView, slot: number): number {
    if (isPlain(query.filter) && query.sort.column === 'slot') {
      if (!this.select<[number]>('SELECT 1 FROM instances WHERE slot = ?', [slot]).length) return -1;
      const op = query.sort.dir === 'asc' ? '<' : '>';
      return Number(this.select<[number]>(`SELECT count(*) FROM instances WHERE slot ${op} ?`, [slot])[0]?.[0] ?? -1);
    }
    const pos = this.position(slot);
    return pos === undefined ? -1 : this.order(query).indexOf(pos);
  }

  /** Everything about one slot; null when the slot has no instance (yet). */
  async detail(slot: number, extras: DetailExtras = {}): Promise<DetailView | null> {
    const row = this.store.getInstance(slot);
    if (!row) return null;
    const attempts: AttemptView[] = this.store.attemptsFor(slot).map((a) => ({
      attempt: a.attempt,
      outcome: a.outcome,
      reasons: a.reasons,
      rawOutput: a.rawOutput ?? (a.outcome === 'valid' ? row.rawOutput : ''),
      costUsd: a.costUsd,
      latencyMs: a.latencyMs,
      cached: a.cached,
      transport: a.transport,
      at: a.at,
    }));
    const original = row.meta.original as { instruction?: unknown; response?: unknown } | undefined;
    const built = extras.prompt ? await extras.prompt(row, (s) => this.store.validInstance(s)) : {};
    return {
      slot: row.slot,
      id: row.id,
      status: row.status,
      instruction: row.instruction,
      response: row.response,
      rawOutput: row.rawOutput,
      reasons: row.reasons,
      attempts,
      metrics: this.store.instanceMetrics(slot).map((m) => ({ key: m.key, value: m.value, detail: m.detail })),
      meta: row.meta,
      ...built,
      ...(original && typeof original.instruction === 'string' && typeof original.response === 'string'
        ? { original: { instruction: original.instruction, response: original.response } }
        : {}),
      costUsd: row.costUsd,
      inputTokens: row.usage.inputTokens,
      outputTokens: row.usage.outputTokens,
      latencyMs: row.latencyMs,
      finishedAt: row.finishedAt,
    };
  }

  /** The query's rows as CSV (whole texts, every metric), in chunks so a caller can stream them. */
  *csv(query: QueryView): Generator<string, number> {
    const keys = this.columns().map((c) => c.key);
    yield csvLine(['slot', 'id', 'status', 'instruction', 'response', 'reasons', 'attempts', 'cost_usd', 'tokens', 'latency_ms', ...keys]) + '\n';
    const { total } = this.rows(query, 0, 1);
    const CHUNK = 500;
    let written = 0;
    for (let offset = 0; offset < total; offset += CHUNK) {
      const page = this.rows(query, offset, CHUNK).rows;
      const slots = page.map((r) => r.slot);
      const full = new Map<number, [string, string, string]>();
      for (const [slot, instruction, response, reasons] of this.select<[number, string, string, string]>(
        `SELECT slot, instruction, response, reasons FROM instances WHERE slot IN (${slots.map(() => '?').join(',')})`,
        slots,
      )) {
        full.set(slot, [instruction, response, (JSON.parse(reasons) as string[]).join('; ')]);
      }
      const lines = page.map((r) => {
        const [instruction, response, reasons] = full.get(r.slot) ?? ['', '', ''];
        return csvLine([String(r.slot), r.id, r.status, instruction, response, reasons, String(r.attempts), csvNumber(r.costUsd), String(r.tokens), String(r.latencyMs), ...keys.map((k) => csvNumber(r.metrics[k]))]);
      });
      written += lines.length;
      yield lines.join('\n') + '\n';
    }
    return written;
  }

  // ---- columns and orders ----------------------------------------------------------------

  private count(): number {
    this.total ??= this.slotsCache?.length ?? Number(this.select<[number]>('SELECT count(*) FROM instances')[0]?.[0] ?? 0);
    return this.total;
  }

  private slots(): Int32Array {
    while (!this.slotsCache) this.loadSlots();
    return this.slotsCache;
  }

  /** One chunk of the slot list (keyset over the slot index); sets `slotsCache` when complete. */
  private loadSlots(): void {
    const part = this.slotParts;
    const after = part.length ? (part[part.length - 1] as Int32Array)[(part[part.length - 1] as Int32Array).length - 1] : -Infinity;
    const chunk = Int32Array.from(this.select<[number]>('SELECT slot FROM instances WHERE slot > ? ORDER BY slot LIMIT ?', [after ?? -Infinity, this.chunk]), (r) => r[0]);
    part.push(chunk);
    if (chunk.length < this.chunk) {
      const all = new Int32Array(part.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of part) {
        all.set(c, at);
        at += c.length;
      }
      this.slotsCache = all;
      this.slotParts = [];
    }
  }

  /** Index of a slot in slot order. */
  private position(slot: number): number | undefined {
    const slots = this.slots();
    // slots are usually 0..n-1, so the slot is its own position; else a map
    if (slots[slot] === slot) return slot;
    if (!this.positionCache) {
      this.positionCache = new Map();
      slots.forEach((s, i) => this.positionCache?.set(s, i));
    }
    return this.positionCache.get(slot);
  }

  /** A numeric column aligned to slot order; NaN where an instance has no value. */
  private column(name: SortColumn): Float64Array {
    const loader = this.loader(name);
    while (loader.next < loader.values.length) this.loadChunk(name, loader);
    return loader.values;
  }

  private loader(name: SortColumn): ColumnLoader {
    let loader = this.columnsCache.get(name);
    if (!loader) {
      loader = { values: new Float64Array(this.slots().length).fill(Number.NaN), next: 0 };
      this.columnsCache.set(name, loader);
    }
    return loader;
  }

  /** Fills the next `chunk` positions of a column (a slot range: the slot index, or the metrics key by slot). */
  private loadChunk(name: SortColumn, loader: ColumnLoader): void {
    const slots = this.slots();
    const from = loader.next;
    const to = Math.min(slots.length, from + this.chunk) - 1;
    const range = [slots[from] as number, slots[to] as number];
    if (name.startsWith('metric:')) {
      for (const [slot, value] of this.select<[number, number | null]>('SELECT slot, value FROM metrics WHERE slot BETWEEN ? AND ? AND key = ?', [...range, name.slice(7)])) {
        const pos = this.position(slot);
        if (pos !== undefined && value !== null) loader.values[pos] = value;
      }
    } else {
      const expr = BUILTIN_COLUMNS[name as keyof typeof BUILTIN_COLUMNS];
      let pos = from;
      for (const [value] of this.select<[number]>(`SELECT ${expr} FROM instances WHERE slot BETWEEN ? AND ? ORDER BY slot`, range)) loader.values[pos++] = value;
    }
    loader.next = to + 1;
  }

  /**
   * One small step of loading what filters and sorts will need (the slot list, status, every
   * metric, the numeric columns), for an idle worker to call between requests: each step is one
   * chunk, so a request that arrives waits for one chunk at most. False when nothing is left.
   */
  warmStep(): boolean {
    if (!this.slotsCache) {
      this.loadSlots();
      return true;
    }
    this.warmList ??= ['status', ...this.metricKeysQuick().map((k): SortColumn => `metric:${k}`), 'cost', 'attempts', 'tokens', 'latency'];
    for (const name of this.warmList) {
      const loader = this.loader(name);
      if (loader.next < loader.values.length) {
        this.loadChunk(name, loader);
        return true;
      }
    }
    return false;
  }

  /** Metric keys without counting them: those of the first and last instance that have any (enough to warm the usual case). */
  private metricKeysQuick(): string[] {
    if (this.metricKeyList) return this.metricKeyList.map((m) => m.key);
    const keys = new Set<string>();
    for (const dir of ['ASC', 'DESC']) {
      const first = this.select<[number]>(`SELECT slot FROM metrics ORDER BY slot ${dir} LIMIT 1`)[0];
      if (first) for (const [k] of this.select<[string]>('SELECT key FROM metrics WHERE slot = ?', [first[0]])) keys.add(k);
    }
    return [...keys];
  }

  /** Positions (in slot order) of the rows a query keeps, in its sort order. */
  private order(query: QueryView): Int32Array {
    const key = JSON.stringify(query);
    const hit = this.orders.get(key);
    if (hit) {
      this.orders.delete(key);
      this.orders.set(key, hit); // most recently used last
      return hit;
    }
    const keep = this.filterPositions(query.filter);
    const sortCol = query.sort.column === 'slot' ? undefined : this.column(query.sort.column);
    if (sortCol) {
      const sign = query.sort.dir === 'asc' ? 1 : -1;
      keep.sort((a, b) => {
        const x = sortCol[a] as number;
        const y = sortCol[b] as number;
        const xm = Number.isNaN(x);
        const ym = Number.isNaN(y);
        // missing values last in either direction; ties in slot order
        if (xm || ym) return xm === ym ? a - b : xm ? 1 : -1;
        return x === y ? a - b : (x - y) * sign;
      });
    } else if (query.sort.dir === 'desc') {
      keep.reverse();
    }
    this.orders.set(key, keep);
    while (this.orders.size > QUERY_CACHE) this.orders.delete(this.orders.keys().next().value as string);
    return keep;
  }

  private filterPositions(f: FilterView): Int32Array {
    const slots = this.slots();
    const tests: Array<(pos: number) => boolean> = [];
    if (f.status !== 'all') {
      const status = this.column('status');
      const want = f.status === 'valid' ? 0 : 1;
      tests.push((p) => status[p] === want);
    }
    for (const m of f.metrics) {
      const col = this.column(`metric:${m.key}`);
      if (m.missing) tests.push((p) => Number.isNaN(col[p] as number));
      else {
        const min = m.min ?? -Infinity;
        const max = m.max ?? Infinity;
        tests.push((p) => (col[p] as number) >= min && (col[p] as number) <= max);
      }
    }
    if (f.slots) {
      const wanted = new Set(f.slots);
      tests.push((p) => wanted.has(slots[p] as number));
    }
    if (f.text) {
      const hits = this.textMatches(f.text);
      tests.push((p) => hits.has(slots[p] as number));
    }
    if (f.annotation !== undefined) {
      // '' keeps instances without an annotation; a label keeps those whose latest annotation has it
      const annotated = this.annotated();
      const want = f.annotation;
      tests.push((p) => (annotated.get(slots[p] as number)?.annotation.label ?? '') === want);
    }
    const out = new Int32Array(slots.length);
    let n = 0;
    for (let p = 0; p < slots.length; p++) if (tests.every((t) => t(p))) out[n++] = p;
    return out.slice(0, n);
  }

  /** Slots whose instruction, response, failure reasons or raw outputs (the instance's or an attempt's) contain the text (case-insensitive for ASCII). */
  private textMatches(text: string): Set<number> {
    let hits = this.textHits.get(text);
    if (!hits) {
      const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const cols = ['instruction', 'response', 'reasons', 'raw_output'];
      const like = (c: string) => `${c} LIKE ? ESCAPE '\\'`;
      // a failed slot's text is in its attempts' raw outputs
      const sql = `SELECT slot FROM instances WHERE ${cols.map(like).join(' OR ')} OR slot IN (SELECT slot FROM attempts WHERE ${like('raw_output')})`;
      hits = new Set(this.select<[number]>(sql, [...cols, 'attempts'].map(() => pattern)).map((r) => r[0]));
      if (this.textHits.size >= QUERY_CACHE) this.textHits.delete(this.textHits.keys().next().value as string);
      this.textHits.set(text, hits);
    }
    return hits;
  }

  /**
   * The latest annotation of each annotated slot, from `annotations.jsonl` beside the store (read
   * once per snapshot; the panel's watcher drops the snapshot when the file changes).
   */
  private annotated(): Map<number, SlotAnnotation> {
    if (!this.annotationCache) {
      const log = readAnnotations(this.store.dir);
      const ids = [...log.latest.keys()];
      const rows: Array<{ id: string; slot: number; contentHash: string }> = [];
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        for (const [slot, id, contentHash] of this.select<[number, string, string]>(`SELECT slot, id, content_hash FROM instances WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk)) rows.push({ id, slot, contentHash });
      }
      this.annotationCache = annotationsBySlot(log, rows);
    }
    return this.annotationCache;
  }

  /** Adds every metric value of the page's rows (a key absent from a row: no value), and their annotations. */
  private withMetrics(rows: RowView[]): RowView[] {
    if (!rows.length) return rows;
    const annotated = this.annotated();
    for (const r of rows) {
      const a = annotated.get(r.slot);
      if (a) r.annotation = `${a.annotation.label}${a.annotation.reason ? `: ${a.annotation.reason}` : ''}${a.status === 'stale' ? ' (stale)' : ''}`;
    }
    const bySlot = new Map(rows.map((r) => [r.slot, r]));
    const slots = [...bySlot.keys()];
    for (let i = 0; i < slots.length; i += 500) {
      const chunk = slots.slice(i, i + 500);
      for (const [slot, key, value] of this.select<[number, string, number | null]>(
        `SELECT slot, key, value FROM metrics WHERE slot IN (${chunk.map(() => '?').join(',')})`,
        chunk,
      )) {
        const row = bySlot.get(slot);
        if (row) row.metrics[key] = value;
      }
    }
    return rows;
  }

  private select<T extends unknown[]>(sql: string, params: (string | number)[] = []): T[] {
    return select<T>(this.db, sql, params);
  }
}

function isPlain(f: FilterView): boolean {
  return f.status === 'all' && !f.text && !f.metrics.length && !f.slots && f.annotation === undefined;
}

function toRow([slot, id, status, instruction, response, attempts, costUsd, tokens, latencyMs, reasons]: RowTuple): RowView {
  const reason = reasons ? lastReason(reasons) : undefined;
  return { slot, id, status, instruction, response, ...(reason ? { reason } : {}), attempts, costUsd, tokens, latencyMs, metrics: {} };
}

function lastReason(json: string): string | undefined {
  try {
    const list = JSON.parse(json) as unknown;
    const last = Array.isArray(list) ? list[list.length - 1] : undefined;
    return typeof last === 'string' ? last.slice(0, ROW_TEXT_CHARS) : undefined;
  } catch {
    return undefined;
  }
}

/** `judge.quality@gpt-4o` → `quality (gpt-4o)`: short enough for a column header. */
export function metricLabel(key: string): string {
  const [name = key, source] = key.split('@');
  const short = name.split('.').pop() ?? name;
  return source ? `${short} (${source})` : short;
}
