/**
 * Runs an engine job in its own worker thread (jobWorker.ts) with the options it would get in
 * process: the stop signals are forwarded, keys are asked of the caller's resolver when the job
 * needs them, events come back as they happen, and the job's error is rebuilt on this side
 * (MissingKeyError with its fields; anything else as an Error with the same name and message).
 */
import * as path from 'node:path';
import { MissingKeyError } from '../errors';
import type { RunOptions } from '../run/types';
import { spawnWorker } from './spawn';
import type { FromWorker, JobKind, JobOptions, JobWorkerData, ToWorker } from './jobProtocol';

export type { JobKind, JobOptions } from './jobProtocol';

export function runJobInWorker<S>(kind: JobKind, config: JobWorkerData['config'], o: Omit<RunOptions, 'only' | 'retryFailed'> & JobOptions): Promise<S> {
  const options: JobOptions = { only: o.only, retryFailed: o.retryFailed };
  const worker = spawnWorker('jobWorker', path.join(__dirname, 'jobWorker.ts'), { kind, config, options } satisfies JobWorkerData);
  const send = (m: ToWorker) => worker.postMessage(m);
  const onStop = () => send({ type: 'stop' });
  const onAbort = () => send({ type: 'abort' });
  return new Promise<S>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      o.stopSignal?.removeEventListener('abort', onStop);
      o.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    if (o.stopSignal?.aborted) onStop();
    if (o.signal?.aborted) onAbort();
    o.stopSignal?.addEventListener('abort', onStop, { once: true });
    o.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'event':
          o.onEvent?.(m.event);
          break;
        case 'key?':
          void Promise.resolve(o.resolveKey ? o.resolveKey(m.envVar, m.endpoint) : process.env[m.envVar]).then(
            (value) => send({ type: 'key', id: m.id, value: value || undefined }),
            () => send({ type: 'key', id: m.id, value: undefined }),
          );
          break;
        case 'done':
          finish(() => resolve(m.summary as S));
          break;
        case 'error':
          finish(() => reject(rebuild(m)));
          break;
      }
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the ${kind} job's worker thread exited (code ${code}) before it finished`))));
  });
}

function rebuild(m: Extract<FromWorker, { type: 'error' }>): Error {
  if (m.name === 'MissingKeyError' && typeof m.fields.envVar === 'string' && typeof m.fields.generator === 'string') return new MissingKeyError(m.fields.envVar, m.fields.generator);
  const e = new Error(m.message);
  e.name = m.name;
  Object.assign(e, m.fields);
  return e;
}
