// Pages through one dataset's instances with keyset pagination (slot cursors, never OFFSET, never
// the whole dataset). Keeps one read-only snapshot of the store open and reopens it after the
// store changed on disk. No `vscode` import: plain engine reads.
import type { DatasetRow, InstanceRow, Results } from '../../core';
import type { DatasetView, InstanceView, PageParams, PageResult } from '../../protocol/instancesProtocol';

type DatasetStore = Awaited<ReturnType<Results['openDataset']>>;

/** The dataset is not (or no longer) in the results index. */
export class DatasetNotFoundError extends Error {
  override name = 'DatasetNotFoundError';
  constructor(
    readonly datasetId: string,
    readonly resultsDir: string,
  ) {
    super(`no dataset "${datasetId}" in ${resultsDir}`);
  }
}

export class DatasetPager {
  private current: { row: DatasetRow; store: DatasetStore } | undefined;
  // reads and reopenings run one at a time, so a store is never closed under a reader
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly results: Results,
    readonly datasetId: string,
  ) {}

  get resultsDir(): string {
    return this.results.dir;
  }

  /** The dataset with live counts from its store. */
  dataset(): Promise<DatasetView> {
    return this.serial(async () => {
      const { row, store } = await this.open();
      const t = store.totals();
      return { id: row.id, run: row.run, generator: row.generator, model: row.model, setting: row.setting, status: row.status, target: row.target, valid: t.valid, failed: t.failed, costUsd: t.costUsd };
    });
  }

  /** Folder of the dataset's store relative to the results directory, for watching. */
  storeRelDir(): Promise<string> {
    return this.serial(async () => (await this.open()).row.dir);
  }

  page(p: PageParams): Promise<PageResult> {
    return this.serial(async () => pageOf((await this.open()).store, p));
  }

  /** Drops the snapshot: the next read sees what was written since. */
  invalidate(): Promise<void> {
    return this.serial(() => this.closeStore());
  }

  dispose(): Promise<void> {
    return this.invalidate();
  }

  private async open(): Promise<{ row: DatasetRow; store: DatasetStore }> {
    if (!this.current) {
      const row = await this.results.findDataset(this.datasetId);
      if (!row) throw new DatasetNotFoundError(this.datasetId, this.results.dir);
      this.current = { row, store: await this.results.openDataset(row) };
    }
    return this.current;
  }

  private async closeStore(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (c) await c.store.close();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function pageOf(store: DatasetStore, p: PageParams): PageResult {
  const status = p.filter === 'all' ? undefined : p.filter;
  const exists = (q: { afterSlot?: number; beforeSlot?: number }) => store.listInstances({ status, ...q, limit: 1 }).length > 0;
  if (p.cursor.beforeSlot !== undefined) {
    const rows = store.listInstances({ status, beforeSlot: p.cursor.beforeSlot, limit: p.limit + 1 });
    // fewer rows than a page before the cursor: show the first page instead of a short one
    if (rows.length <= p.limit) return pageOf(store, { ...p, cursor: {} });
    const page = rows.slice(1);
    return { rows: page.map(toView), hasPrevious: true, hasNext: exists({ afterSlot: page[page.length - 1]?.slot ?? p.cursor.beforeSlot - 1 }) };
  }
  const rows = store.listInstances({ status, afterSlot: p.cursor.afterSlot, limit: p.limit + 1 });
  const page = rows.slice(0, p.limit);
  const first = page[0]?.slot ?? (p.cursor.afterSlot !== undefined ? p.cursor.afterSlot + 1 : undefined);
  return { rows: page.map(toView), hasPrevious: first !== undefined && exists({ beforeSlot: first }), hasNext: rows.length > p.limit };
}

function toView(r: InstanceRow): InstanceView {
  return {
    id: r.id,
    slot: r.slot,
    status: r.status,
    instruction: r.instruction,
    response: r.response,
    reasons: r.reasons,
    attempts: r.attempts,
    inputTokens: r.usage.inputTokens,
    outputTokens: r.usage.outputTokens,
    costUsd: r.costUsd,
    latencyMs: r.latencyMs,
    finishedAt: r.finishedAt,
  };
}
