import { setMaxListeners } from 'node:events';
import * as path from 'node:path';
import { ResponseCache } from '../cache/responseCache';
import type { GeneratorConfig, RunConfig } from '../config/types';
import { PriceBook } from '../cost/prices';
import { errorMessage } from '../errors';
import { DatasetGenerator } from '../generation/datasetGenerator';
import { EndpointPool } from '../jobs/endpointPool';
import { batchClient } from '../providers/batch';
import { chatClients } from '../providers/clients';
import { DatasetStore } from '../store/datasetStore';
import { IndexStore, type DatasetRow } from '../store/indexStore';
import { addUsage, ZERO_USAGE } from '../types';
import { redact } from '../util/redact';
import { resolveKeys } from './keys';
import { cacheDirFor, planDatasets, prepareSettings, seedShortfalls, type PreparedSetting } from './prepare';
import type { DatasetPlan, DatasetProgress, DatasetSummary, RunEvent, RunOptions, RunSummary } from './types';

/** How many of one generator's datasets run at once: the next starts while the last one's tail finishes. */
const DATASETS_PER_GENERATOR = 2;
const INDEX_UPDATE_MS = 5000;

/**
 * Runs, or resumes, every dataset of a config: all generators in parallel, each through its own
 * endpoint pool. Runs with the same name continue from their stores; nothing finished is redone.
 */
export async function runBenchmark(config: RunConfig, opts: RunOptions = {}): Promise<RunSummary> {
  const t0 = Date.now();
  // requests in flight and waiting ones each hold one listener on these signals while they last
  for (const s of [opts.signal, opts.stopSignal]) if (s) setMaxListeners(0, s);
  // log lines may quote provider text; keys never leave the engine in them
  const emit = (e: RunEvent) => opts.onEvent?.(e.type === 'log' ? { ...e, message: redact(e.message) } : e);
  const keys = await resolveKeys(config.generators, opts.resolveKey);
  const settings = await prepareSettings(config, opts.only);
  const plans = planDatasets(config, settings, opts.only);
  const shortfalls = seedShortfalls(settings);
  const index = new IndexStore(config.resultsDir);
  const now = () => new Date().toISOString();
  await index.upsertRun({ name: config.name, configFile: config.file, status: 'running', pid: process.pid, createdAt: now(), updatedAt: now() });
  for (const message of index.warnings) emit({ type: 'log', level: 'warn', message });

  const progress = new Map<string, DatasetProgress & { plan: DatasetPlan; status: DatasetRow['status']; attempts: number; usage: typeof ZERO_USAGE }>();
  for (const p of plans) {
    progress.set(p.id, { datasetId: p.id, plan: p, valid: 0, failed: 0, target: p.target, costUsd: 0, status: 'pending', attempts: 0, usage: ZERO_USAGE });
  }
  const known = new Map((await index.datasets(config.name)).map((d) => [d.id, d]));
  for (const p of progress.values()) {
    const k = known.get(p.datasetId);
    // what an earlier run of this config left stays visible (and its status) until this run reaches the dataset
    if (k) Object.assign(p, { status: k.status, valid: k.valid, failed: k.failed, costUsd: k.costUsd, attempts: k.attempts, usage: { inputTokens: k.inputTokens, outputTokens: k.outputTokens } });
  }
  const rowOf = (p: NonNullable<ReturnType<typeof progress.get>>): DatasetRow => ({
    id: p.datasetId, run: config.name, generator: p.plan.generator, model: p.plan.model, setting: p.plan.setting, status: p.status,
    target: p.target, valid: p.valid, failed: p.failed, attempts: p.attempts, inputTokens: p.usage.inputTokens, outputTokens: p.usage.outputTokens,
    costUsd: p.costUsd, dir: p.plan.dir, updatedAt: now(),
  });
  await index.upsertDatasets([...progress.values()].map(rowOf));
  const totalTarget = plans.reduce((n, p) => n + p.target, 0);
  const done = () => [...progress.values()].reduce((n, p) => n + p.valid + p.failed, 0);
  emit({ type: 'run-start', run: config.name, resultsDir: config.resultsDir, datasets: plans, totalTarget, alreadyDone: done(), shortfalls });

  const pools = new Map<string, EndpointPool>();
  for (const g of config.generators) {
    if (!plans.some((p) => p.generator === g.id)) continue;
    pools.set(g.id, new EndpointPool(chatClients(g, keys.get(g.id)), { concurrency: g.limits.concurrency, rpm: g.limits.rpm, tpm: g.limits.tpm, maxTransportRetries: g.limits.maxTransportRetries, backoffBaseMs: g.limits.retryBaseMs }));
  }
  const inFlight = () => [...pools.values()].reduce((n, p) => n + p.inFlight, 0);
  let lastEmit = 0;
  const emitProgress = (force = false) => {
    const t = Date.now();
    if (!force && t - lastEmit < (opts.progressIntervalMs ?? 250)) return;
    lastEmit = t;
    const list = [...progress.values()];
    emit({
      type: 'progress',
      datasets: list.map(({ datasetId, valid, failed, target, costUsd }) => ({ datasetId, valid, failed, target, costUsd })),
      done: done(),
      totalTarget,
      costUsd: list.reduce((n, p) => n + p.costUsd, 0),
      requestsInFlight: inFlight(),
    });
  };
  let indexTimer: NodeJS.Timeout | undefined = setInterval(() => {
    void index.upsertDatasets([...progress.values()].filter((p) => p.status === 'running').map(rowOf)).catch(() => undefined);
  }, INDEX_UPDATE_MS);
  indexTimer.unref();

  const cache = new ResponseCache(cacheDirFor(config));
  const prices = new PriceBook(config.prices);
  const summaries: DatasetSummary[] = [];

  const runDataset = async (g: GeneratorConfig, plan: DatasetPlan, prepared: PreparedSetting): Promise<void> => {
    const p = progress.get(plan.id);
    if (!p) return;
    const info = { id: plan.id, run: config.name, generator: g.id, setting: plan.setting, target: plan.target, model: g.model, configFile: config.file };
    let store: DatasetStore | undefined;
    let status: DatasetSummary['status'] = 'failed';
    let error: string | undefined;
    try {
      if (opts.signal?.aborted || opts.stopSignal?.aborted) {
        status = p.status === 'completed' ? 'completed' : 'cancelled';
        return;
      }
      store = await DatasetStore.open(path.join(config.resultsDir, plan.dir), info, { checkpointSeconds: config.generation.checkpointSeconds });
      for (const message of store.warnings) emit({ type: 'log', level: 'warn', message });
      const before = store.totals();
      Object.assign(p, { valid: before.valid, failed: before.failed, costUsd: before.costUsd, status: 'running' });
      const gen = new DatasetGenerator({
        store,
        setting: prepared.setting,
        generator: g,
        seeds: prepared.seeds,
        template: prepared.template,
        runSeed: config.seed,
        generation: config.generation,
        cache,
        prices,
        requester: pools.get(g.id) as EndpointPool,
        batch: g.batch ? batchClient(g, keys.get(g.id)) : undefined,
        retryFailed: opts.retryFailed,
        signal: opts.signal,
        stopSignal: opts.stopSignal,
        onLog: (message, level = 'info') => emit({ type: 'log', level, message }),
        onProgress: (d) => {
          p.valid += d.valid;
          p.failed += d.failed;
          p.costUsd += d.costUsd;
          emitProgress();
        },
      });
      // failed slots given another round leave the failed count until they fail again
      if (opts.retryFailed) p.failed -= before.failed;
      status = (await gen.run()).status;
    } catch (e) {
      error = errorMessage(e);
      emit({ type: 'log', level: 'error', message: `${plan.id}: ${error}` });
      if (e instanceof Error && e.name === 'GeneratorUnusableError') generatorErrors.set(g.id, error);
    } finally {
      const totals = store?.totals();
      const causes = store?.causes() ?? { failed: [], retried: [] };
      if (store) await store.close().catch((e) => emit({ type: 'log', level: 'error', message: `${plan.id}: closing the store failed: ${errorMessage(e)}` }));
      if (totals) Object.assign(p, { valid: totals.valid, failed: totals.failed, costUsd: totals.costUsd, attempts: totals.attempts, usage: totals.usage });
      p.status = status;
      await index.upsertDatasets([rowOf(p)]);
      summaries.push({ ...plan, status, valid: p.valid, failed: p.failed, attempts: p.attempts, usage: p.usage, costUsd: p.costUsd, unrecordedCostUsd: totals?.unrecorded.costUsd ?? 0, failureCauses: causes.failed.slice(0, 8), retriedCauses: causes.retried.slice(0, 8), ...(error ? { error } : {}) });
      emit({ type: 'dataset-done', datasetId: plan.id, status, valid: p.valid, failed: p.failed, costUsd: p.costUsd });
      emitProgress(true);
    }
  };

  const generatorErrors = new Map<string, string>();
  const bySetting = new Map<string, PreparedSetting>(settings.map((s) => [s.setting.key, s]));
  try {
    await Promise.all(
      config.generators.map(async (g) => {
        const queue = plans.filter((p) => p.generator === g.id);
        await Promise.all(
          Array.from({ length: Math.min(DATASETS_PER_GENERATOR, queue.length) }, async () => {
            for (let plan = queue.shift(); plan; plan = queue.shift()) {
              const prepared = bySetting.get(plan.setting);
              if (!prepared) continue;
              const known = progress.get(plan.id);
              if (generatorErrors.has(g.id) && known) {
                const { valid, failed, attempts, usage, costUsd } = known;
                summaries.push({ ...plan, status: 'failed', valid, failed, attempts, usage, costUsd, unrecordedCostUsd: 0, failureCauses: [], retriedCauses: [], error: generatorErrors.get(g.id) });
                continue;
              }
              await runDataset(g, plan, prepared);
            }
          }),
        );
      }),
    );
  } finally {
    clearInterval(indexTimer);
    indexTimer = undefined;
    await cache.close();
  }
  const cancelled = Boolean(opts.signal?.aborted || opts.stopSignal?.aborted);
  const status: RunSummary['status'] = summaries.some((s) => s.status === 'failed') ? 'failed' : cancelled || summaries.some((s) => s.status === 'cancelled') ? 'cancelled' : 'completed';
  await index.upsertRun({ name: config.name, configFile: config.file, status, pid: process.pid, createdAt: now(), updatedAt: now() });
  summaries.sort((a, b) => plans.findIndex((p) => p.id === a.id) - plans.findIndex((p) => p.id === b.id));
  const summary: RunSummary = {
    run: config.name,
    resultsDir: config.resultsDir,
    status,
    datasets: summaries,
    usage: summaries.reduce((u, s) => addUsage(u, s.usage), ZERO_USAGE),
    costUsd: summaries.reduce((n, s) => n + s.costUsd, 0),
    elapsedMs: Date.now() - t0,
    shortfalls,
    unrecordedCostUsd: summaries.reduce((n, s) => n + s.unrecordedCostUsd, 0),
  };
  emit({ type: 'run-done', summary });
  return summary;
}
