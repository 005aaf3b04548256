import * as path from 'node:path';
import { ResponseCache } from '../cache/responseCache';
import type { BenchmarkName, EvalModelConfig, RunConfig } from '../config/types';
import { PriceBook } from '../cost/prices';
import { DataError, errorMessage } from '../errors';
import type { EndpointPool } from '../jobs/endpointPool';
import { GeneratorUnusableError, SlotRunner } from '../jobs/slotRunner';
import { resolveKeys } from '../run/keys';
import { cacheDirFor, dataContext } from '../run/prepare';
import { poolFor } from '../run/runBenchmark';
import { RunTracker } from '../run/tracker';
import { studentDomain, trainedStudents } from '../training/students';
import { sha256 } from '../util/rng';
import type { DatasetPlan, RunOptions, RunSummary } from '../run/types';
import { loadSeedsText } from '../seeds/loadSeeds';
import { parseRows } from '../seeds/parse';
import { DatasetStore } from '../store/datasetStore';
import type { EvaluationRow } from '../store/indexStore';
import { AnswerTask } from './answerTask';
import { BENCHMARK_INFO, loadBenchmark, type BenchmarkItem } from './benchmarks';
import { JudgeTask } from './judgeTask';
import { MATH_SHOTS, promptFormat, type Shot } from './prompting';
import { SandboxPool, sandboxCapabilities } from './sandbox/sandbox';
import { answerScore, judgedScore, type EvalScore, type StoredResult } from './scores';

export interface EvalOptions extends Omit<RunOptions, 'only'> {
  /** Restrict to some models (ids) or benchmarks. */
  only?: { models?: string[]; benchmarks?: BenchmarkName[] };
}

/** The run's summary, the scores, and the students that could not be evaluated yet (and why). */
export type EvalSummary = RunSummary & { scores: EvalScore[]; studentsWaiting: Array<{ id: string; why: string }> };

const RESULT_PAGE = 100_000;

/** Store ids: one for a model's answers to a benchmark, one for the judge's verdicts on them. */
export const answerStoreId = (run: string, model: string, benchmark: BenchmarkName) => `${run}__eval__${model}__${benchmark}`;
export const judgeStoreId = (run: string, model: string, benchmark: BenchmarkName) => `${run}__judge__${model}__${benchmark}`;

/**
 * Evaluates every configured model on every configured benchmark, or resumes such a run: answers
 * go through each model's endpoint pool, response cache and journal like generation; GSM8K and
 * MATH answers are graded as they come, code answers run in the sandbox, AlpacaEval and Arena-Hard
 * answers are judged by the judge model afterwards. Scores (with intervals and the prompt format)
 * go to the index for PGR.
 */
export async function runEvaluation(config: RunConfig, opts: EvalOptions = {}): Promise<EvalSummary> {
  const ev = config.evaluation;
  // the config's models, then the run's trained students (found on disk, see training/students.ts)
  const students = trainedStudents(config);
  const models = [...config.evaluations, ...students.models].filter((m) => !opts.only?.models || opts.only.models.includes(m.id));
  const wanted = ev.benchmarks.filter((b) => !opts.only?.benchmarks || opts.only.benchmarks.includes(b));
  if (!models.length) throw new DataError('no models to evaluate: add "evaluations" to the config, or train students (or check --models)', config.file);
  // a student is evaluated on its own domain's benchmarks (the paper's protocol); other models on all
  const benchmarksOf = new Map(models.map((m) => [m.id, wanted.filter((b) => !m.trainedOn || BENCHMARK_INFO[b].domain === studentDomain(m))]));
  const benchmarks = wanted.filter((b) => models.some((m) => benchmarksOf.get(m.id)?.includes(b)));
  const judged = benchmarks.some((b) => BENCHMARK_INFO[b].kind === 'pairwise');
  const keys = await resolveKeys(judged ? [...models, ev.judge] : models, opts.resolveKey);

  // code runs only where the sandbox can keep it off the network, unless the user opted in
  let sandbox: SandboxPool | undefined;
  if (benchmarks.some((b) => BENCHMARK_INFO[b].kind === 'code')) {
    const caps = await sandboxCapabilities();
    if (caps.network !== 'namespace' && !ev.sandbox.allowNetwork) {
      throw new DataError(`code samples cannot be isolated from the network here (${caps.warnings.join(" ") || caps.mode}); set "evaluation.sandbox.allowNetwork": true to run them anyway`, 'sandbox');
    }
    sandbox = new SandboxPool(ev.sandbox.workers, { timeoutMs: ev.sandbox.timeoutMs, memoryMb: ev.sandbox.memoryMb, allowNetwork: ev.sandbox.allowNetwork });
  }

  const ctx = dataContext(config);
  const items = new Map<BenchmarkName, BenchmarkItem[]>();
  for (const b of benchmarks) items.set(b, await loadBenchmark(b, ctx, ev.limit));
  const shots = new Map<BenchmarkName, Shot[]>([
    ['math', MATH_SHOTS],
    ['math-full', MATH_SHOTS],
  ]);
  if (benchmarks.includes('gsm8k') && models.some((m) => (promptFormat('gsm8k', m, 1).shots ?? 0) > 0)) shots.set('gsm8k', await gsm8kShots(config));

  const plans: DatasetPlan[] = [];
  for (const m of models) {
    for (const b of benchmarksOf.get(m.id) ?? []) {
      const n = (items.get(b)?.length ?? 0) * (BENCHMARK_INFO[b].kind === 'code' ? ev.samples : 1);
      const id = answerStoreId(config.name, m.id, b);
      plans.push({ id, generator: m.id, model: m.model, setting: b, target: n, requested: n, seeds: n, dir: path.join('datasets', id) });
      if (BENCHMARK_INFO[b].kind === 'pairwise') {
        const jn = (items.get(b)?.length ?? 0) * (b === 'arena-hard' ? 2 : 1);
        const jid = judgeStoreId(config.name, m.id, b);
        plans.push({ id: jid, generator: m.id, model: ev.judge.model, setting: `${b} (judge)`, target: jn, requested: jn, seeds: jn, dir: path.join('datasets', jid) });
      }
    }
  }
  const tracker = await RunTracker.start(config, plans, { ...opts, only: undefined });
  for (const w of students.waiting) tracker.emit({ type: 'log', level: 'warn', message: `student ${w.id} is not evaluated: ${w.why}` });
  const pools = new Map<string, EndpointPool>(models.map((m) => [m.id, poolFor(m, keys.get(m.id))]));
  const judgePool = judged ? poolFor(ev.judge, keys.get(ev.judge.id)) : undefined;
  tracker.usePools([...pools.values(), ...(judgePool ? [judgePool] : [])]);
  const cache = new ResponseCache(cacheDirFor(config));
  const prices = new PriceBook(config.prices);
  const unusable = new Map<string, string>();
  const plan = (id: string) => plans.find((p) => p.id === id) as DatasetPlan;
  const common = { cache, prices, maxAttempts: ev.maxAttempts, retryFailed: opts.retryFailed, signal: opts.signal, stopSignal: opts.stopSignal };

  const evaluateModel = async (m: EvalModelConfig): Promise<void> => {
    for (const b of benchmarksOf.get(m.id) ?? []) {
      const list = items.get(b) ?? [];
      const answerPlan = plan(answerStoreId(config.name, m.id, b));
      if (unusable.has(m.id)) {
        tracker.skip(answerPlan, unusable.get(m.id) ?? '');
        continue;
      }
      const samples = BENCHMARK_INFO[b].kind === 'code' ? ev.samples : 1;
      await tracker.runStore(
        answerPlan,
        { id: answerPlan.id, run: config.name, generator: m.id, setting: b, target: answerPlan.target, model: m.model, configFile: config.file },
        ({ store, onProgress, onLog }) =>
          new SlotRunner({
            ...common,
            task: new AnswerTask(b, m, list, samples, shots.get(b) ?? [], sandbox),
            store,
            name: `model "${m.id}"`,
            provider: m.provider,
            model: m.model,
            fallbackOutputTokens: 512,
            requester: pools.get(m.id) as EndpointPool,
            onProgress,
            onLog,
          }).run(),
        (e) => {
          if (e instanceof GeneratorUnusableError) unusable.set(m.id, errorMessage(e));
        },
      );
      if (BENCHMARK_INFO[b].kind !== 'pairwise' || !judgePool) continue;
      const judgePlan = plan(judgeStoreId(config.name, m.id, b));
      if (unusable.has(ev.judge.id)) {
        tracker.skip(judgePlan, unusable.get(ev.judge.id) ?? '');
        continue;
      }
      const answers = await firstAnswers(config, answerPlan);
      await tracker.runStore(
        judgePlan,
        { id: judgePlan.id, run: config.name, generator: m.id, setting: judgePlan.setting, target: judgePlan.target, model: ev.judge.model, configFile: config.file },
        ({ store, onProgress, onLog }) =>
          new SlotRunner({
            ...common,
            task: new JudgeTask(b as 'alpaca-eval' | 'arena-hard', ev.judge, list, (i) => answers.get(list[i]?.id ?? '')),
            store,
            name: `judge "${ev.judge.id}"`,
            provider: ev.judge.provider,
            model: ev.judge.model,
            fallbackOutputTokens: b === 'alpaca-eval' ? 1 : 600,
            requester: judgePool,
            onProgress,
            onLog,
          }).run(),
        (e) => {
          if (e instanceof GeneratorUnusableError) unusable.set(ev.judge.id, errorMessage(e));
        },
      );
    }
  };

  try {
    await Promise.all(models.map((m) => evaluateModel(m)));
  } finally {
    await cache.close();
  }

  // scores from what the stores hold now (everything, including earlier runs' answers)
  const scores: EvalScore[] = [];
  for (const m of models) {
    for (const b of benchmarksOf.get(m.id) ?? []) {
      const list = items.get(b) ?? [];
      const answerPlan = plan(answerStoreId(config.name, m.id, b));
      const format = promptFormat(b, m, BENCHMARK_INFO[b].kind === 'code' ? ev.samples : 1);
      const answers = await storedResults(config, answerPlan);
      let s: Omit<EvalScore, 'model' | 'role' | 'promptFormat'>;
      if (BENCHMARK_INFO[b].kind === 'pairwise') {
        const verdicts = await storedResults(config, plan(judgeStoreId(config.name, m.id, b)));
        s = { ...judgedScore(b as 'alpaca-eval' | 'arena-hard', list, firstAnswerMap(answers), verdicts), judge: ev.judge.model };
      } else {
        s = answerScore(b, list, BENCHMARK_INFO[b].kind === 'code' ? ev.samples : 1, answers);
      }
      // nothing answered yet (a run stopped before this benchmark): no score rather than a zero
      if (s.n === 0) continue;
      // which items were asked, so two scores can be checked to come from the same benchmark slice
      s.detail.items = { count: list.length, sha256: itemsFingerprint(list) };
      scores.push({ ...s, model: m.id, ...(m.role ? { role: m.role } : {}), promptFormat: format });
    }
  }
  await tracker.index.upsertEvaluations(scores.map((s) => evaluationRow(config, s, models.find((m) => m.id === s.model)?.model ?? s.model)));
  return tracker.finish({ scores, studentsWaiting: students.waiting });
}

/** sha256 over the items' ids, questions and references: changes if the source or the slice does. */
function itemsFingerprint(items: BenchmarkItem[]): string {
  return sha256(items.map((i) => `${i.id}\u0000${i.question}\u0000${i.reference}`).join('\u0001'));
}

function evaluationRow(config: RunConfig, s: EvalScore, modelName: string): EvaluationRow {
  return {
    run: config.name,
    model: s.model,
    modelName,
    role: s.role ?? '',
    benchmark: s.benchmark,
    judge: s.judge ?? '',
    metric: s.metric,
    score: s.score,
    ciLow: s.ci95?.[0] ?? null,
    ciHigh: s.ci95?.[1] ?? null,
    n: s.n,
    missing: s.missing,
    detail: s.detail,
    promptFormat: s.promptFormat,
    updatedAt: new Date().toISOString(),
  };
}

/** Everything a store holds, read-only (it is closed by then). */
async function storedResults(config: RunConfig, plan: DatasetPlan): Promise<StoredResult[]> {
  const store = await DatasetStore.open(path.join(config.resultsDir, plan.dir), { id: plan.id, run: config.name, generator: plan.generator, setting: plan.setting, target: plan.target }, { readOnly: true });
  try {
    return store.listInstances({ limit: RESULT_PAGE }).map((r) => ({ slot: r.slot, status: r.status, response: r.response, meta: r.meta }));
  } finally {
    await store.close();
  }
}

function firstAnswerMap(answers: StoredResult[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of answers) {
    const id = a.meta.itemId;
    if (a.status === 'valid' && typeof id === 'string' && !out.has(id)) out.set(id, a.response);
  }
  return out;
}

async function firstAnswers(config: RunConfig, plan: DatasetPlan): Promise<Map<string, string>> {
  return firstAnswerMap(await storedResults(config, plan));
}

/** Worked GSM8K examples for few-shot prompts: the first items of the public train split (its calculator notes removed). */
async function gsm8kShots(config: RunConfig): Promise<Shot[]> {
  const { text, label } = await loadSeedsText({ url: 'https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data/train.jsonl' }, dataContext(config), ['gsm8k/train.jsonl']);
  return parseRows(text, 'jsonl', label)
    .slice(0, 8)
    .map(({ row }) => {
      const r = row as { question?: string; answer?: string };
      return { question: r.question ?? '', answer: (r.answer ?? '').replace(/<<[^>]*>>/g, '') };
    });
}
