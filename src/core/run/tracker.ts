import { setMaxListeners } from 'node:events';
import * as path from 'node:path';
import type { RunConfig } from '../config/types';
import { errorMessage } from '../errors';
import type { EndpointPool } from '../jobs/endpointPool';
import type { SlotDelta, SlotOutcome } from '../jobs/slotRunner';
import { DatasetStore, type DatasetInfo } from '../store/datasetStore';
import { IndexStore, type DatasetRow } from '../store/indexStore';
import { addUsage, ZERO_USAGE, type Usage } from '../types';
import { redact } from '../util/redact';
import type { DatasetPlan, DatasetProgress, DatasetSummary, RunEvent, RunOptions, RunSummary } from './types';

const INDEX_UPDATE_MS = 5000;
/** Transport failures (retries, 429 pauses, timeouts) are logged at most once per cause this often, with counts. */
const TRANSPORT_LOG_MS = 5000;

type Progress = DatasetProgress & { plan: DatasetPlan; status: DatasetRow['status']; attempts: number; usage: Usage };

/** What a store's job needs from the run: the open store, and where to report its progress. */
export interface StoreRun {
  store: DatasetStore;
  onProgress: (d: SlotDelta) => void;
  onLog: (message: string, level?: 'info' | 'warn') => void;
}

/**
 * The bookkeeping every run shares (generation and evaluation): the run and its datasets in the
 * index (refreshed every 5 s and at each dataset's end), progress events with counts, spend and
 * requests in flight, each store opened, its job run, closed and summarised, and the run summary.
 */
export class RunTracker {
  readonly index: IndexStore;
  readonly emit: (e: RunEvent) => void;
  private readonly progress = new Map<string, Progress>();
  private readonly summaries: DatasetSummary[] = [];
  private readonly t0 = Date.now();
  private lastEmit = 0;
  private timer: NodeJS.Timeout | undefined;
  private transportTimer: NodeJS.Timeout | undefined;
  private lastTransportLog = Date.now();
  private pools: EndpointPool[] = [];

  private constructor(
    private readonly config: RunConfig,
    private readonly plans: DatasetPlan[],
    private readonly opts: RunOptions,
  ) {
    // requests in flight and waiting ones each hold one listener on these signals while they last
    for (const s of [opts.signal, opts.stopSignal]) if (s) setMaxListeners(0, s);
    // log lines may quote provider text; keys never leave the engine in them
    this.emit = (e) => opts.onEvent?.(e.type === 'log' ? { ...e, message: redact(e.message) } : e);
    this.index = new IndexStore(config.resultsDir);
  }

  /** Registers the run and its datasets in the index (what an earlier run left stays visible) and emits `run-start`. */
  static async start(config: RunConfig, plans: DatasetPlan[], opts: RunOptions, extra: { shortfalls?: RunSummary['shortfalls']; unpriced?: string[] } = {}): Promise<RunTracker> {
    const t = new RunTracker(config, plans, opts);
    await t.index.upsertRun({ name: config.name, configFile: config.file, status: 'running', pid: process.pid, createdAt: now(), updatedAt: now() });
    for (const message of t.index.warnings) t.emit({ type: 'log', level: 'warn', message });
    const known = new Map((await t.index.datasets(config.name)).map((d) => [d.id, d]));
    for (const p of plans) {
      const k = known.get(p.id);
      const base: Progress = { datasetId: p.id, plan: p, valid: 0, failed: 0, target: p.target, costUsd: 0, status: 'pending', attempts: 0, usage: ZERO_USAGE };
      // what an earlier run of this config left stays visible (and its status) until this run reaches the dataset
      if (k) Object.assign(base, { status: k.status, valid: k.valid, failed: k.failed, costUsd: k.costUsd, attempts: k.attempts, usage: { inputTokens: k.inputTokens, outputTokens: k.outputTokens } });
      t.progress.set(p.id, base);
    }
    await t.index.upsertDatasets([...t.progress.values()].map((p) => t.rowOf(p)));
    const totalTarget = plans.reduce((n, p) => n + p.target, 0);
    t.emit({ type: 'run-start', run: config.name, resultsDir: config.resultsDir, datasets: plans, totalTarget, alreadyDone: t.done(), shortfalls: extra.shortfalls ?? [], unpriced: extra.unpriced ?? [] });
    t.timer = setInterval(() => {
      void t.index.upsertDatasets([...t.progress.values()].filter((p) => p.status === 'running').map((p) => t.rowOf(p))).catch(() => undefined);
    }, INDEX_UPDATE_MS);
    t.timer.unref();
    t.transportTimer = setInterval(() => t.logTransportErrors(), TRANSPORT_LOG_MS);
    t.transportTimer.unref();
    return t;
  }

  /** The pools whose requests in flight progress events count. */
  usePools(pools: EndpointPool[]): void {
    this.pools = pools;
  }

  get stopping(): boolean {
    return Boolean(this.opts.signal?.aborted || this.opts.stopSignal?.aborted);
  }

  /**
   * Opens a dataset's store, runs its job, closes it and records the outcome (never throws: an
   * error ends this dataset as failed, with its message, and the run goes on).
   * `onError` sees the error first (e.g. to stop a generator that cannot be used).
   */
  async runStore(plan: DatasetPlan, info: DatasetInfo, job: (s: StoreRun) => Promise<SlotOutcome>, onError?: (e: unknown) => void): Promise<DatasetSummary> {
    const p = this.progress.get(plan.id);
    if (!p) throw new Error(`unknown dataset ${plan.id}`);
    let store: DatasetStore | undefined;
    let status: DatasetSummary['status'] = 'failed';
    let error: string | undefined;
    let causes: ReturnType<DatasetStore['causes']> = { failed: [], retried: [] };
    let unrecordedCostUsd = 0;
    let totals: ReturnType<DatasetStore['totals']> | undefined;
    try {
      if (this.stopping) {
        status = p.status === 'completed' ? 'completed' : 'cancelled';
      } else {
        store = await DatasetStore.open(path.join(this.config.resultsDir, plan.dir), info, { checkpointSeconds: this.config.generation.checkpointSeconds });
        for (const message of store.warnings) this.emit({ type: 'log', level: 'warn', message });
        const before = store.totals();
        Object.assign(p, { valid: before.valid, failed: before.failed, costUsd: before.costUsd, status: 'running' });
        // failed slots given another round leave the failed count until they fail again
        if (this.opts.retryFailed) p.failed -= before.failed;
        const outcome = await job({
          store,
          onLog: (message, level = 'info') => this.emit({ type: 'log', level, message }),
          onProgress: (d) => {
            p.valid += d.valid;
            p.failed += d.failed;
            p.costUsd += d.costUsd;
            this.emitProgress();
          },
        });
        status = outcome.status;
      }
    } catch (e) {
      error = errorMessage(e);
      this.emit({ type: 'log', level: 'error', message: `${plan.id}: ${error}` });
      onError?.(e);
    } finally {
      totals = store?.totals();
      if (store) causes = store.causes();
      unrecordedCostUsd = totals?.unrecorded.costUsd ?? 0;
      if (store) await store.close().catch((e: unknown) => this.emit({ type: 'log', level: 'error', message: `${plan.id}: closing the store failed: ${errorMessage(e)}` }));
      if (totals) Object.assign(p, { valid: totals.valid, failed: totals.failed, costUsd: totals.costUsd, attempts: totals.attempts, usage: totals.usage });
      p.status = status;
      await this.index.upsertDatasets([this.rowOf(p)]).catch((e: unknown) => this.emit({ type: 'log', level: 'error', message: `${plan.id}: updating the index failed: ${errorMessage(e)}` }));
    }
    const summary: DatasetSummary = {
      ...plan,
      status,
      valid: p.valid,
      failed: p.failed,
      attempts: p.attempts,
      usage: p.usage,
      costUsd: p.costUsd,
      unrecordedCostUsd,
      fromCache: totals?.fromCache ?? 0,
      failureCauses: causes.failed.slice(0, 8),
      retriedCauses: causes.retried.slice(0, 8),
      ...(error ? { error } : {}),
    };
    this.summaries.push(summary);
    this.emit({ type: 'dataset-done', datasetId: plan.id, status, valid: p.valid, failed: p.failed, costUsd: p.costUsd });
    this.emitProgress(true);
    return summary;
  }

  /** Records a dataset that was not run (its endpoint cannot be used), with the reason. */
  skip(plan: DatasetPlan, error: string): void {
    const p = this.progress.get(plan.id);
    if (!p) return;
    const { valid, failed, attempts, usage, costUsd } = p;
    this.summaries.push({ ...plan, status: 'failed', valid, failed, attempts, usage, costUsd, unrecordedCostUsd: 0, failureCauses: [], retriedCauses: [], error });
  }

  /** Ends the run: its status in the index and the summary (`extra` adds what the caller measured). */
  async finish<T extends object>(extra: T & { shortfalls?: RunSummary['shortfalls'] }): Promise<RunSummary & T> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.transportTimer) clearInterval(this.transportTimer);
    this.transportTimer = undefined;
    this.logTransportErrors();
    const s = this.summaries;
    const status: RunSummary['status'] = s.some((x) => x.status === 'failed') ? 'failed' : this.stopping || s.some((x) => x.status === 'cancelled') ? 'cancelled' : 'completed';
    await this.index.upsertRun({ name: this.config.name, configFile: this.config.file, status, pid: process.pid, createdAt: now(), updatedAt: now() });
    s.sort((a, b) => this.plans.findIndex((p) => p.id === a.id) - this.plans.findIndex((p) => p.id === b.id));
    const summary = {
      run: this.config.name,
      resultsDir: this.config.resultsDir,
      status,
      datasets: s,
      usage: s.reduce((u, x) => addUsage(u, x.usage), ZERO_USAGE),
      costUsd: s.reduce((n, x) => n + x.costUsd, 0),
      elapsedMs: Date.now() - this.t0,
      unrecordedCostUsd: s.reduce((n, x) => n + x.unrecordedCostUsd, 0),
      ...extra,
      shortfalls: extra.shortfalls ?? [],
    };
    this.emit({ type: 'run-done', summary });
    return summary;
  }

  private done(): number {
    return [...this.progress.values()].reduce((n, p) => n + p.valid + p.failed, 0);
  }

  /** One warn line per cause with the failures the pools saw since the last one (retried or not). */
  private logTransportErrors(): void {
    const counts = new Map<string, number>();
    for (const pool of this.pools) for (const [cause, n] of pool.takeTransportErrors()) counts.set(cause, (counts.get(cause) ?? 0) + n);
    const t = Date.now();
    const secs = Math.max(1, Math.round((t - this.lastTransportLog) / 1000));
    this.lastTransportLog = t;
    for (const [cause, n] of counts) this.emit({ type: 'log', level: 'warn', message: `transport: ${n} × ${cause} in the last ${secs}s (retried with back-off while tries remain)` });
  }

  private emitProgress(force = false): void {
    const t = Date.now();
    if (!force && t - this.lastEmit < (this.opts.progressIntervalMs ?? 250)) return;
    this.lastEmit = t;
    const list = [...this.progress.values()];
    this.emit({
      type: 'progress',
      datasets: list.map(({ datasetId, valid, failed, target, costUsd }) => ({ datasetId, valid, failed, target, costUsd })),
      done: this.done(),
      totalTarget: this.plans.reduce((n, p) => n + p.target, 0),
      costUsd: list.reduce((n, p) => n + p.costUsd, 0),
      requestsInFlight: this.pools.reduce((n, p) => n + p.inFlight, 0),
    });
  }

  private rowOf(p: Progress): DatasetRow {
    return {
      id: p.datasetId, run: this.config.name, generator: p.plan.generator, model: p.plan.model, setting: p.plan.setting, status: p.status,
      target: p.target, valid: p.valid, failed: p.failed, attempts: p.attempts, inputTokens: p.usage.inputTokens, outputTokens: p.usage.outputTokens,
      costUsd: p.costUsd, dir: p.plan.dir, updatedAt: now(),
    };
  }
}

function now(): string {
  return new Date().toISOString();
}
