/**
 * The caller's side of the browse worker: typed requests, answered in order per dataset. The
 * thread starts on the first request and ends after `idleMs` without one (or at dispose), which
 * returns its memory.
 */
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../threads/spawn';
import type { BrowseDataset, BrowseOp, BrowseOps, BrowseWorkerData, WorkerRequest, WorkerResponse } from './protocol';

export interface BrowseClientOptions {
  /** Bytes of snapshots the worker keeps open (default 1 GiB). */
  maxBytes?: number;
  /** The worker ends after this long without a request (default 2 min). */
  idleMs?: number;
}

/** The worker failed a request; `name` is the error's class there (e.g. StoreError). */
export class BrowseError extends Error {
  constructor(
    message: string,
    override readonly name: string,
  ) {
    super(message);
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class BrowseClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Duration of the last request inside the worker (for the bench). */
  lastWorkerMs = 0;

  constructor(private readonly opts: BrowseClientOptions = {}) {}

  request<K extends BrowseOp>(op: K, dataset: BrowseDataset, args: BrowseOps[K]['args']): Promise<BrowseOps[K]['result']> {
    const w = this.ensureWorker();
    const id = this.nextId++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // a request in flight keeps the process alive; an idle worker does not
    w.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ id, op, dataset, args } as WorkerRequest);
    });
  }

  /** Ends the worker (its snapshots and memory with it); a later request starts a new one. */
  async dispose(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new BrowseError('the browse worker was stopped', 'BrowseStopped'));
    await w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const data: BrowseWorkerData = { maxBytes: this.opts.maxBytes ?? 1 << 30 };
    const w = spawnWorker('browseWorker', path.join(__dirname, 'browseWorker.ts'), data);
    w.on('message', (m: WorkerResponse) => this.settle(m));
    w.on('error', (e) => this.failAll(new BrowseError(`browse worker failed: ${e.message}`, 'BrowseWorkerError')));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
      this.failAll(new BrowseError('the browse worker exited', 'BrowseWorkerError'));
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private settle(m: WorkerResponse): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) {
      this.lastWorkerMs = m.timings?.ms ?? 0;
      p.resolve(m.result);
    } else p.reject(new BrowseError(m.error, m.name));
    if (!this.pending.size) {
      this.worker?.unref();
      this.armIdle();
    }
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.dispose(), this.opts.idleMs ?? 120_000);
    this.idleTimer.unref();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

