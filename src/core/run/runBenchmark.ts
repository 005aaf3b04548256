import { ResponseCache } from '../cache/responseCache';
import type { EndpointConfig, GeneratorConfig, RunConfig } from '../config/types';
import { PriceBook } from '../cost/prices';
import { errorMessage } from '../errors';
import { DatasetGenerator } from '../generation/datasetGenerator';
import { EndpointPool } from '../jobs/endpointPool';
import { GeneratorUnusableError } from '../jobs/slotRunner';
import { batchClient } from '../providers/batch';
import { chatClients } from '../providers/clients';
import { resolveKeys } from './keys';
import { cacheDirFor, planDatasets, prepareSettings, seedShortfalls, type PreparedSetting } from './prepare';
import { RunTracker } from './tracker';
import type { DatasetPlan, RunOptions, RunSummary } from './types';

/** How many of one generator's datasets run at once: the next starts while the last one's tail finishes. */
const DATASETS_PER_GENERATOR = 2;

/**
 * Runs, or resumes, every dataset of a config: all generators in parallel, each through its own
 * endpoint pool. Runs with the same name continue from their stores; nothing finished is redone.
 */
export async function runBenchmark(config: RunConfig, opts: RunOptions = {}): Promise<RunSummary> {
  // only the keys of the generators that run: a subset runs without the others' keys
  const keys = await resolveKeys(config.generators.filter((g) => !opts.only?.generators || opts.only.generators.includes(g.id)), opts.resolveKey);
  const settings = await prepareSettings(config, opts.only);
  const plans = planDatasets(config, settings, opts.only);
  const shortfalls = seedShortfalls(settings);
  const unpriced = new PriceBook(config.prices).unpriced(plans.map((p) => p.model));
  const tracker = await RunTracker.start(config, plans, opts, { shortfalls, unpriced });

  const pools = new Map<string, EndpointPool>();
  for (const g of config.generators) {
    if (plans.some((p) => p.generator === g.id)) pools.set(g.id, poolFor(g, keys.get(g.id)));
  }
  tracker.usePools([...pools.values()]);
  const cache = new ResponseCache(cacheDirFor(config));
  const prices = new PriceBook(config.prices);
  const generatorErrors = new Map<string, string>();
  const bySetting = new Map<string, PreparedSetting>(settings.map((s) => [s.setting.key, s]));

  const runDataset = (g: GeneratorConfig, plan: DatasetPlan, prepared: PreparedSetting) =>
    tracker.runStore(
      plan,
      { id: plan.id, run: config.name, generator: g.id, setting: plan.setting, target: plan.target, model: g.model, configFile: config.file },
      ({ store, onProgress, onLog }) =>
        new DatasetGenerator({
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
          onLog,
          onProgress,
        }).run(),
      (e) => {
        if (e instanceof GeneratorUnusableError) generatorErrors.set(g.id, errorMessage(e));
      },
    );

  try {
    await Promise.all(
      config.generators.map(async (g) => {
        const queue = plans.filter((p) => p.generator === g.id);
        await Promise.all(
          Array.from({ length: Math.min(DATASETS_PER_GENERATOR, queue.length) }, async () => {
            for (let plan = queue.shift(); plan; plan = queue.shift()) {
              const prepared = bySetting.get(plan.setting);
              if (!prepared) continue;
              const unusable = generatorErrors.get(g.id);
              if (unusable) tracker.skip(plan, unusable);
              else await runDataset(g, plan, prepared);
            }
          }),
        );
      }),
    );
  } finally {
    await cache.close();
  }
  return tracker.finish({ shortfalls, unpriced });
}

/** The endpoint pool of a generator or evaluated model (adaptive concurrency unless rpm/tpm are declared). */
export function poolFor(e: EndpointConfig, key: string | undefined): EndpointPool {
  return new EndpointPool(chatClients(e, key), { concurrency: e.limits.concurrency, rpm: e.limits.rpm, tpm: e.limits.tpm, maxTransportRetries: e.limits.maxTransportRetries, backoffBaseMs: e.limits.retryBaseMs });
}
