/**
 * Runs one engine job (a benchmark run, an evaluation, metrics) in a worker thread, so its CPU
 * work — parsing and validating answers, journaling, checkpointing a store of hundreds of MB —
 * never stalls the thread that serves the editor. Stop signals, keys and events cross as
 * messages; the job itself is the same code the CLI runs in process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runEvaluation } from '../evaluation/runEvaluation';
import { computeMetrics } from '../metrics/computeMetrics';
import { runBenchmark } from '../run/runBenchmark';
import type { KeyResolver, RunOptions } from '../run/types';
import type { FromWorker, JobKind, JobOptions, JobWorkerData, ToWorker } from './jobProtocol';

// each engine function takes its own `only` shape (generators/settings, models/benchmarks): the caller built it for the kind it asked for
type Job = (config: JobWorkerData['config'], o: Omit<RunOptions, 'only' | 'retryFailed'> & JobOptions) => Promise<unknown>;
const JOBS: Record<JobKind, Job> = {
  run: runBenchmark,
  eval: runEvaluation,
  metrics: computeMetrics,
};

const port = parentPort;
if (!port) throw new Error('jobWorker runs as a worker thread');
const post = (m: FromWorker) => port.postMessage(m);
const { kind, config, options } = workerData as JobWorkerData;
const stop = new AbortController();
const abort = new AbortController();
const keyWaits = new Map<number, (value: string | undefined) => void>();
let nextKey = 1;

port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') stop.abort();
  else if (m.type === 'abort') abort.abort();
  else if (m.type === 'key') {
    keyWaits.get(m.id)?.(m.value);
    keyWaits.delete(m.id);
  }
});

const resolveKey: KeyResolver = (envVar, endpoint) =>
  new Promise((resolve) => {
    const id = nextKey++;
    keyWaits.set(id, resolve);
    post({ type: 'key?', id, envVar, endpoint: { ...endpoint } });
  });

JOBS[kind](config, { ...options, signal: abort.signal, stopSignal: stop.signal, resolveKey, onEvent: (event) => post({ type: 'event', event }) }).then(
  (summary) => post({ type: 'done', summary }),
  (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    // own enumerable fields (envVar, generator, file…) let the caller rebuild the error it knows
    const fields = Object.fromEntries(Object.entries(err).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v)));
    post({ type: 'error', name: err.name, message: err.message, fields });
  },
);
