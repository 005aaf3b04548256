// Rows of the current query, fetched from the host in fixed chunks and kept in a small LRU, so
// scrolling through 100K rows holds at most `maxChunks` chunks in memory and asks for each chunk
// once. A query change or a store change starts a new epoch: answers from an older epoch are
// dropped, so a slow answer never shows rows of a previous query.
import type { QueryView, RowView, RowsResult } from '../../src/protocol/instancesProtocol';
import { queryKey } from './state';

export type FetchRows = (query: QueryView, offset: number, limit: number) => Promise<RowsResult>;

export class RowCache {
  private chunks = new Map<number, RowView[]>();
  /** After a store change: the previous rows, shown until their chunk is fetched again (no flicker). */
  private stale = new Map<number, RowView[]>();
  private inflight = new Map<number, Promise<void>>();
  private epoch = 0;
  private key = '';
  /** Rows the query matches; undefined until the first answer. */
  total: number | undefined;

  constructor(
    private readonly fetch: FetchRows,
    public chunkSize: number,
    private readonly maxChunks: number,
    /** Called after any answer of the current epoch (new rows or a new total), with its rows. */
    private readonly onChange: (rows: RowView[]) => void,
    private readonly onError: (e: unknown) => void,
  ) {}

  get chunkCount(): number {
    return this.chunks.size;
  }

  /** A new query: forget everything. */
  setQuery(query: QueryView): void {
    this.query = query;
    this.key = queryKey(query);
    this.epoch++;
    this.chunks.clear();
    this.stale.clear();
    this.inflight.clear();
    this.total = undefined;
  }

  /** The store changed: fetch again, but keep showing what we have until the answers arrive. */
  refresh(): void {
    this.epoch++;
    for (const [k, v] of this.chunks) {
      this.stale.delete(k);
      this.stale.set(k, v);
    }
    // stale rows are bounded like the live ones: the oldest go first
    while (this.stale.size > this.maxChunks) this.stale.delete(this.stale.keys().next().value as number);
    this.chunks.clear();
    this.inflight.clear();
  }

  private query: QueryView | undefined;

  row(index: number): RowView | undefined {
    const c = Math.floor(index / this.chunkSize);
    const chunk = this.chunks.get(c) ?? this.stale.get(c);
    return chunk?.[index - c * this.chunkSize];
  }

  /** Fetches whatever chunks of [from, to) are missing; resolves when they are in. */
  ensure(from: number, to: number): Promise<void> {
    const waits: Promise<void>[] = [];
    const last = this.total === undefined ? to : Math.min(to, this.total);
    for (let c = Math.floor(Math.max(0, from) / this.chunkSize); c * this.chunkSize < Math.max(last, from + 1); c++) {
      if (this.chunks.has(c)) {
        // touch: most recently used goes last in the Map's order
        const v = this.chunks.get(c) as RowView[];
        this.chunks.delete(c);
        this.chunks.set(c, v);
        continue;
      }
      waits.push(this.load(c));
    }
    return Promise.all(waits).then(() => undefined);
  }

  /** The row at an index, fetching its chunk if needed. */
  async rowAt(index: number): Promise<RowView | undefined> {
    await this.ensure(index, index + 1);
    return this.row(index);
  }

  private load(c: number): Promise<void> {
    const pending = this.inflight.get(c);
    if (pending) return pending;
    const query = this.query;
    if (!query) return Promise.resolve();
    const epoch = this.epoch;
    const key = this.key;
    const p = this.fetch(query, c * this.chunkSize, this.chunkSize).then(
      (res) => {
        if (epoch !== this.epoch || key !== this.key) return;
        this.inflight.delete(c);
        this.stale.delete(c);
        this.chunks.set(c, res.rows);
        while (this.chunks.size > this.maxChunks) this.chunks.delete(this.chunks.keys().next().value as number);
        this.total = res.total;
        this.onChange(res.rows);
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        this.inflight.delete(c);
        this.onError(e);
      },
    );
    this.inflight.set(c, p);
    return p;
  }
}
