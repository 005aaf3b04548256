/**
 * `agorabench metrics`: the intrinsic metrics of every generated dataset of a run. Lexical
 * figures need no API; judges, perplexity, a reward model and embeddings are computed for what
 * the config configures. Judge and perplexity requests are slot tasks on work stores (the same
 * pool, cache, journal, batches and resume as generation); every value then lands in the
 * dataset's own store (instance metrics keyed by metric and source) and a summary per key in the
 * index, so re-scoring with another judge adds columns and never replaces one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResponseCache } from '../cache/responseCache';
import type { EndpointConfig, RunConfig } from '../config/types';
import { PriceBook } from '../cost/prices';
import { DataError, errorMessage } from '../errors';
import type { EndpointPool } from '../jobs/endpointPool';
import { SlotRunner } from '../jobs/slotRunner';
import { Results } from '../results';
import { resolveKeys } from '../run/keys';
import { cacheDirFor } from '../run/prepare';
import { poolFor } from '../run/runBenchmark';
import { RunTracker } from '../run/tracker';
import type { DatasetPlan, RunOptions, RunSummary } from '../run/types';
import { DatasetStore, type MetricRecord } from '../store/datasetStore';
import type { DatasetMetricRow, DatasetRow } from '../store/indexStore';
import { parseSettingKey } from '../types';
import { embeddingDiversity, nearestNeighbours } from './diversity';
import { lexicalMetricsAsync } from './lexical';
import { RUBRIC_VERSION, embedTexts, scoreReward, type JudgedMetric } from './scorers';
import { summarize } from './summary';
import { JudgeMetricTask, PerplexityTask, type InstancesBySlot } from './tasks';
import { teacherScores } from './teacher';

export interface MetricsOptions extends Omit<RunOptions, 'only'> {
  only?: { generators?: string[]; settings?: string[] };
}

export type MetricsSummary = RunSummary & { metrics: DatasetMetricRow[] };

/** Metric keys: the metric, then its source after `@`, so two judges give two keys. */
export const metricKey = {
  judge: (metric: JudgedMetric, j: EndpointConfig) => `${metric}@${j.model}#${RUBRIC_VERSION}`,
  perplexity: (p: EndpointConfig & { template: string }) => `perplexity@${p.model}#${p.template}`,
  reward: (r: EndpointConfig) => `reward@${r.model}`,
  embedding: (field: Field, figure: string, e: EndpointConfig) => `${field}_${figure}@emb:${e.model}`,
  lexical: (field: Field, figure: string) => `${field}_${figure}@lexical`,
};

type Field = 'instruction' | 'response';
const FIELDS: Field[] = ['instruction', 'response'];
const PAGE = 1_000_000;

export async function computeMetrics(config: RunConfig, opts: MetricsOptions = {}): Promise<MetricsSummary> {
  const m = config.metrics;
  const results = new Results(config.resultsDir);
  const all = await results.index.datasets(config.name);
  const datasets = all.filter((d) => parseSettingKey(d.setting) && (!opts.only?.generators || opts.only.generators.includes(d.generator)) && (!opts.only?.settings || opts.only.settings.includes(d.setting)));
  if (!datasets.length) throw new DataError(`run "${config.name}" has no generated datasets (run \`agorabench run\` first, or check --generators/--settings)`, config.resultsDir);
  const endpoints: EndpointConfig[] = [...m.judges, ...(m.perplexity ? [m.perplexity] : []), ...(m.embeddings ? [m.embeddings] : []), ...(m.reward ? [m.reward] : [])];
  const keys = await resolveKeys(endpoints, opts.resolveKey);

  const plans: DatasetPlan[] = [];
  const workPlan = (d: DatasetRow, what: string, model: string, setting: string): DatasetPlan => {
    const id = `${d.id}__metric__${what}`;
    const p = { id, generator: d.generator, model, setting, target: d.valid, requested: d.valid, seeds: d.valid, dir: path.join('datasets', id) };
    plans.push(p);
    return p;
  };
  const judgePlans = new Map<string, DatasetPlan>();
  for (const d of datasets) {
    for (const j of m.judges) for (const metric of j.metrics) judgePlans.set(`${d.id}|${j.id}|${metric}`, workPlan(d, `${j.id}__${metric}`, j.model, `${metric} (judge)`));
    if (m.perplexity) judgePlans.set(`${d.id}|ppl`, workPlan(d, `ppl__${m.perplexity.id}`, m.perplexity.model, 'perplexity'));
  }
  const tracker = await RunTracker.start(config, plans, { ...opts, only: undefined });
  const pools = new Map<string, EndpointPool>([...m.judges, ...(m.perplexity ? [m.perplexity] : [])].map((e) => [e.id, poolFor(e, keys.get(e.id))]));
  tracker.usePools([...pools.values()]);
  const cache = new ResponseCache(cacheDirFor(config));
  const prices = new PriceBook(config.prices);
  const rows: DatasetMetricRow[] = [];
  const log = (message: string, level: 'info' | 'warn' = 'info') => tracker.emit({ type: 'log', level, message });

  try {
    for (const d of datasets) {
      if (tracker.stopping) break;
      const instances = await validInstances(results, d);
      const domain = parseSettingKey(d.setting)?.domain ?? 'math';
      const slots = Math.max(d.target, ...[...instances.keys()].map((s) => s + 1), 0);
      const records: MetricRecord[] = [];
      const datasetFigures: Array<Omit<DatasetMetricRow, 'dataset' | 'run' | 'updatedAt'>> = [];

      // judges and perplexity: slot tasks on work stores, all endpoints at once
      const common = { cache, prices, maxAttempts: m.maxAttempts, retryFailed: opts.retryFailed, signal: opts.signal, stopSignal: opts.stopSignal };
      const work: Array<Promise<void>> = [];
      for (const j of m.judges) {
        for (const metric of j.metrics) {
          const plan = judgePlans.get(`${d.id}|${j.id}|${metric}`) as DatasetPlan;
          work.push(
            runWork(tracker, plan, config, (store, onProgress, onLog) =>
              new SlotRunner({ ...common, task: new JudgeMetricTask(metric, domain, j.model, instances, slots), store, name: `judge "${j.id}"`, provider: j.provider, model: j.model, fallbackOutputTokens: 200, requester: pools.get(j.id) as EndpointPool, onProgress, onLog }).run(),
            ).then(async () => {
              records.push(...(await copyWork(config, plan, metricKey.judge(metric, j), (meta) => meta.score, { judge: j.model, rubric: RUBRIC_VERSION, metric }, instances)));
            }),
          );
        }
      }
      const ppl = m.perplexity;
      if (ppl) {
        const plan = judgePlans.get(`${d.id}|ppl`) as DatasetPlan;
        work.push(
          runWork(tracker, plan, config, (store, onProgress, onLog) =>
            new SlotRunner({ ...common, cacheAnswers: false, task: new PerplexityTask(ppl.model, ppl.template, instances, slots), store, name: `perplexity "${ppl.id}"`, provider: ppl.provider, model: ppl.model, fallbackOutputTokens: 1, requester: pools.get(ppl.id) as EndpointPool, onProgress, onLog }).run(),
          ).then(async () => {
            records.push(...(await copyWork(config, plan, metricKey.perplexity(ppl), (meta) => meta.perplexity, { model: ppl.model, template: ppl.template, endpoint: ppl.baseURLs?.[0] ?? null }, instances)));
          }),
        );
      }
      // the local and HTTP metrics meanwhile
      if (m.lexical) {
        const { perInstance, figures } = await lexical(instances, opts.signal);
        records.push(...perInstance);
        datasetFigures.push(...figures);
      }
      if (m.reward && !tracker.stopping) records.push(...(await rewardMetrics(m.reward, keys.get(m.reward.id), instances, await existingKeys(config, d), opts.signal, log)));
      if (m.embeddings && !tracker.stopping) {
        try {
          const e = await embeddingMetrics(config, d, m.embeddings, keys.get(m.embeddings.id), instances, m.nearDuplicate, opts.signal);
          records.push(...e.perInstance);
          datasetFigures.push(...e.figures);
        } catch (err) {
          log(`${d.id}: embeddings failed: ${errorMessage(err)}`, 'warn');
        }
      }
      await Promise.all(work);

      // into the dataset's store, then one summary per key into the index
      const store = await DatasetStore.open(path.join(config.resultsDir, d.dir), { id: d.id, run: d.run, generator: d.generator, setting: d.setting, target: d.target });
      try {
        await store.recordMetrics(unchanged(store, records));
        const now = new Date().toISOString();
        for (const k of store.metricKeys()) {
          const s = summarize(store.metricValues(k.key).values());
          rows.push({ dataset: d.id, run: config.name, key: k.key, value: s.mean, n: s.n, missing: s.missing, detail: { statistic: 'mean', sd: s.sd, median: s.median, p10: s.p10, p90: s.p90 }, updatedAt: now });
        }
        for (const f of datasetFigures) rows.push({ ...f, dataset: d.id, run: config.name, updatedAt: now });
      } finally {
        await store.close();
      }
    }
  } finally {
    await cache.close();
  }

  // the generators' own problem-solving scores, beside each of their datasets
  const teachers = teacherScores(config, await results.index.evaluations(config.name));
  for (const d of datasets) {
    const t = teachers.find((x) => x.generator === d.generator);
    if (t) rows.push({ dataset: d.id, run: config.name, key: 'teacher_problem_solving', value: t.score, n: 1, missing: 0, detail: { source: t.source }, updatedAt: new Date().toISOString() });
  }
  await tracker.index.upsertDatasetMetrics(rows);
  return tracker.finish({ metrics: rows });
}

async function validInstances(results: Results, d: DatasetRow): Promise<InstancesBySlot> {
  const store = await results.openDataset(d);
  try {
    return new Map(store.listInstances({ status: 'valid', limit: PAGE }).map((r) => [r.slot, { instruction: r.instruction, response: r.response }]));
  } finally {
    await store.close();
  }
}

async function existingKeys(config: RunConfig, d: DatasetRow): Promise<Map<string, Map<number, number | null>>> {
  const store = await DatasetStore.open(path.join(config.resultsDir, d.dir), { id: d.id, run: d.run, generator: d.generator, setting: d.setting, target: d.target }, { readOnly: true });
  try {
    return new Map(store.metricKeys().map((k) => [k.key, store.metricValues(k.key)]));
  } finally {
    await store.close();
  }
}

/** Metric records whose value the store does not already hold (a second run writes nothing new). */
function unchanged(store: DatasetStore, records: MetricRecord[]): MetricRecord[] {
  const known = new Map<string, Map<number, number | null>>();
  return records.filter((r) => {
    let values = known.get(r.key);
    if (!values) known.set(r.key, (values = store.metricValues(r.key)));
    return !values.has(r.slot) || values.get(r.slot) !== r.value;
  });
}

function runWork(tracker: RunTracker, plan: DatasetPlan, config: RunConfig, job: (store: DatasetStore, onProgress: Parameters<Parameters<RunTracker['runStore']>[2]>[0]['onProgress'], onLog: (message: string, level?: 'info' | 'warn') => void) => Promise<{ status: 'completed' | 'cancelled' }>): Promise<void> {
  return tracker
    .runStore(plan, { id: plan.id, run: config.name, generator: plan.generator, setting: plan.setting, target: plan.target, model: plan.model, configFile: config.file }, ({ store, onProgress, onLog }) => job(store, onProgress, onLog))
    .then(() => undefined);
}

/** A work store's settled slots as metric records: the value from the verdict's meta, or missing with every reason. */
async function copyWork(config: RunConfig, plan: DatasetPlan, key: string, value: (meta: Record<string, unknown>) => unknown, source: Record<string, unknown>, instances: InstancesBySlot): Promise<MetricRecord[]> {
  const dir = path.join(config.resultsDir, plan.dir);
  if (!fs.existsSync(dir)) return [];
  const store = await DatasetStore.open(dir, { id: plan.id, run: config.name, generator: plan.generator, setting: plan.setting, target: plan.target }, { readOnly: true });
  try {
    const out: MetricRecord[] = [];
    for (const r of store.listInstances({ limit: PAGE })) {
      if (!instances.has(r.slot)) continue;
      const v = value(r.meta);
      if (r.status === 'valid' && typeof v === 'number' && Number.isFinite(v)) {
        out.push({ slot: r.slot, key, value: v, detail: { ...source, ...(typeof r.meta.reasoning === 'string' ? { reasoning: r.meta.reasoning } : {}), ...(typeof r.meta.tokens === 'number' ? { tokens: r.meta.tokens } : {}) } });
      } else {
        out.push({ slot: r.slot, key, value: null, detail: { ...source, reason: r.reasons.at(-1) ?? 'no value', reasons: r.reasons } });
      }
    }
    return out;
  } finally {
    await store.close();
  }
}

/** Lengths, distinct-n, TF-IDF nearest neighbours and duplicates, for both fields. */
async function lexical(instances: InstancesBySlot, signal: AbortSignal | undefined): Promise<{ perInstance: MetricRecord[]; figures: Array<Omit<DatasetMetricRow, 'dataset' | 'run' | 'updatedAt'>> }> {
  const slots = [...instances.keys()];
  // in worker threads: the extension host stays responsive on large datasets
  const r = await lexicalMetricsAsync([...instances.values()], { signal });
  const perInstance: MetricRecord[] = [];
  const figures: Array<Omit<DatasetMetricRow, 'dataset' | 'run' | 'updatedAt'>> = [];
  for (const field of FIELDS) {
    const ds = r.dataset[field];
    const per = r.perInstance.map((p) => p[field]);
    slots.forEach((slot, i) => {
      const p = per[i];
      if (!p) return;
      perInstance.push({ slot, key: metricKey.lexical(field, 'words'), value: p.words, detail: {} });
      if (p.tfidfNearestSimilarity !== null) perInstance.push({ slot, key: metricKey.lexical(field, 'tfidf_nn_cosine'), value: p.tfidfNearestSimilarity, detail: { nearest: slots[p.tfidfNearest] ?? null } });
      // 1 when another instance is a near-duplicate (MinHash-estimated, Jaccard-checked): the mean is the rate
      perInstance.push({ slot, key: metricKey.lexical(field, 'near_dup'), value: p.nearDuplicateOf >= 0 ? 1 : 0, detail: p.nearDuplicateOf >= 0 ? { of: slots[p.nearDuplicateOf] ?? null, jaccard: p.nearDuplicateJaccard } : {} });
    });
    const fig = (figure: string, value: number | null, detail: Record<string, unknown> = {}) => figures.push({ key: metricKey.lexical(field, figure), value, n: ds.texts, missing: 0, detail });
    fig('tfidf_diversity', ds.tfidf.diversity, { meanCosine: ds.tfidf.meanCosine });
    fig('distinct1', ds.distinct1);
    fig('distinct2', ds.distinct2);
    fig('exact_dup_rate', ds.exactDuplicates.rate, { instances: ds.exactDuplicates.instances, groups: ds.exactDuplicates.groups });
    fig('near_dup_rate', ds.nearDuplicates.rate, { threshold: ds.nearDuplicates.threshold, pairs: ds.nearDuplicates.pairCount, method: 'minhash' });
    fig('chars_median', ds.chars.median);
  }
  return { perInstance, figures };
}

/** The reward of each instance without one yet (failures are recorded as missing, with the reason). */
async function rewardMetrics(
  reward: NonNullable<RunConfig['metrics']['reward']>,
  apiKey: string | undefined,
  instances: InstancesBySlot,
  existing: Map<string, Map<number, number | null>>,
  signal: AbortSignal | undefined,
  log: (m: string, level?: 'info' | 'warn') => void,
): Promise<MetricRecord[]> {
  const key = metricKey.reward(reward);
  const have = existing.get(key);
  const todo = [...instances].filter(([slot]) => typeof have?.get(slot) !== 'number');
  if (!todo.length) return [];
  const out: MetricRecord[] = [];
  const source = { model: reward.model, endpoint: `${reward.baseURLs?.[0] ?? ''}${reward.path}` };
  const r = await scoreReward(
    { baseURL: reward.baseURLs?.[0] ?? '', model: reward.model, path: reward.path, shape: reward.request, scorePath: reward.scorePath },
    todo.map(([, inst]) => inst),
    {
      concurrency: reward.limits.concurrency,
      signal,
      apiKey,
      onResult: (i, o) => {
        const slot = todo[i]?.[0] as number;
        out.push(o.ok ? { slot, key, value: o.reward, detail: source } : { slot, key, value: null, detail: { ...source, reason: o.reason } });
      },
    },
  );
  if (r.failed) log(`reward: ${r.failed} instance(s) got no reward (recorded as missing, with the reason)`, 'warn');
  return out;
}

/**
 * Embedding diversity (1 − mean pairwise cosine, exact) and each instance's nearest neighbour,
 * for instructions and responses. The vectors are kept beside the dataset (one float32 file
 * per model and field) and reused while the dataset's valid slots are the same.
 */
async function embeddingMetrics(
  config: RunConfig,
  d: DatasetRow,
  e: NonNullable<RunConfig['metrics']['embeddings']>,
  apiKey: string | undefined,
  instances: InstancesBySlot,
  threshold: number,
  signal: AbortSignal | undefined,
): Promise<{ perInstance: MetricRecord[]; figures: Array<Omit<DatasetMetricRow, 'dataset' | 'run' | 'updatedAt'>> }> {
  const slots = [...instances.keys()];
  const perInstance: MetricRecord[] = [];
  const figures: Array<Omit<DatasetMetricRow, 'dataset' | 'run' | 'updatedAt'>> = [];
  for (const field of FIELDS) {
    const { data, dims } = await vectors(config, d, e, apiKey, field, slots, [...instances.values()].map((x) => x[field]), signal);
    const n = slots.length;
    const div = embeddingDiversity(data, n, dims);
    const nn = await nearestNeighbours(data, n, dims, { threshold, signal });
    slots.forEach((slot, i) => {
      const sim = nn.nearestSimilarity[i];
      if (sim !== undefined && Number.isFinite(sim)) perInstance.push({ slot, key: metricKey.embedding(field, 'nn_cosine', e), value: sim, detail: { nearest: slots[nn.nearestIndex[i] ?? -1] ?? null } });
    });
    const dup = new Set(nn.pairs.flatMap((p) => [p.i, p.j]));
    figures.push({ key: metricKey.embedding(field, 'diversity', e), value: Number.isFinite(div.diversity) ? div.diversity : null, n, missing: div.zeroRows.length, detail: { meanCosine: Number.isFinite(div.meanCosine) ? div.meanCosine : null, model: e.model, dims } });
    figures.push({ key: metricKey.embedding(field, 'near_dup_rate', e), value: n ? dup.size / n : null, n, missing: nn.zeroRows.length, detail: { threshold, pairs: nn.pairCount } });
  }
  return { perInstance, figures };
}

async function vectors(config: RunConfig, d: DatasetRow, e: NonNullable<RunConfig['metrics']['embeddings']>, apiKey: string | undefined, field: Field, slots: number[], texts: string[], signal: AbortSignal | undefined): Promise<{ data: Float32Array; dims: number }> {
  const dir = path.join(config.resultsDir, d.dir, 'embeddings');
  const base = path.join(dir, `${e.model.replace(/[^A-Za-z0-9._-]+/g, '_')}${e.dimensions ? `-${e.dimensions}` : ''}.${field}`);
  const metaFile = `${base}.json`;
  const slotsKey = slots.join(',');
  if (fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { dims: number; slots: string };
    const buf = fs.readFileSync(`${base}.f32`);
    if (meta.slots === slotsKey && buf.byteLength === slots.length * meta.dims * 4) return { data: new Float32Array(buf.buffer, buf.byteOffset, slots.length * meta.dims), dims: meta.dims };
  }
  let data = new Float32Array(0);
  let dims = 0;
  const batchSize = 128;
  await embedTexts({ baseURL: e.baseURLs?.[0], apiKey, model: e.model, dimensions: e.dimensions }, texts, {
    batchSize,
    concurrency: Math.min(4, e.limits.concurrency),
    signal,
    onBatch: (start, v) => {
      // batches arrive in order and hold min(batchSize, what is left) rows
      dims ||= v.length / Math.min(batchSize, texts.length - start);
      if (data.length === 0) data = new Float32Array(texts.length * dims);
      data.set(v, start * dims);
    },
  });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(`${base}.f32`, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  fs.writeFileSync(metaFile, JSON.stringify({ dims, slots: slotsKey, model: e.model }));
  return { data, dims };
}
