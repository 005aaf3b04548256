/**
 * Runs a self-contained kernel function in worker threads, one worker per input.
 *
 * Workers are started from SOURCE TEXT (`new Worker(code, { eval: true })`) built from
 * `kernel.toString()`, not from a file: the same code then runs from the TypeScript sources
 * under mocha/tsx, from the esbuild bundles dist/cli.js and dist/extension.js and from any bench
 * bundle, with no second bundle entry, no path that differs per layout, and no TS loader in the
 * worker. The price is that a kernel must be SELF-CONTAINED: no run-time imports, no
 * module-level constants or helpers, no nested named functions (tsx compiles with keepNames,
 * which would wrap them in a `__name` call — the prelude defines a no-op `__name`, but a flat body
 * does not depend on it); type-only imports are fine. A unit test bundles and minifies the
 * kernels' callers with esbuild and runs them, so a kernel that breaks the rule fails the suite.
 */
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../../errors';

/**
 * Workers per scan unless told otherwise: one per core, at most 8 — each holds its own copy of
 * the int16 matrix (n·d·2 bytes), and beyond 8 the memory grows faster than the time shrinks.
 */
export function defaultThreads(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}

/** A function that can be shipped to a worker: it gets its input and the worker's threadId and returns plain data. */
export type Kernel<I, O> = (input: I, threadId: number) => O;

const sources = new Map<Kernel<never, unknown>, string>();

function sourceOf<I, O>(kernel: Kernel<I, O>): string {
  let source = sources.get(kernel as Kernel<never, unknown>);
  if (!source) {
    source = [
      '"use strict";',
      'const __name = (f) => f;',
      'const { parentPort, workerData, threadId } = require("node:worker_threads");',
      `const output = (${kernel.toString()})(workerData, threadId);`,
      // hand typed arrays back without copying (each buffer once; shared memory is not transferable)
      'const transfer = new Set();',
      'for (const v of Object.values(output)) if (ArrayBuffer.isView(v) && !(v.buffer instanceof SharedArrayBuffer)) transfer.add(v.buffer);',
      'parentPort.postMessage(output, [...transfer]);',
    ].join('\n');
    sources.set(kernel as Kernel<never, unknown>, source);
  }
  return source;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Called once when `signal` aborts, before the workers are terminated (e.g. to raise a shared stop flag). */
  onAbort?: () => void;
}

/**
 * One worker per input, all at once; resolves with the outputs in input order. Rejects with
 * CancelledError when `signal` aborts (workers are terminated at once), or with the first
 * worker's error; the other workers are then terminated too.
 */
export function runInWorkers<I, O>(kernel: Kernel<I, O>, inputs: readonly I[], opts: RunOptions = {}): Promise<O[]> {
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(new CancelledError());
  if (!inputs.length) return Promise.resolve([]);
  const source = sourceOf(kernel);
  return new Promise<O[]>((resolve, reject) => {
    const workers: Worker[] = [];
    const outputs: (O | undefined)[] = inputs.map(() => undefined);
    let received = 0;
    let settled = false;
    const finish = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        for (const w of workers) void w.terminate();
        reject(error);
      } else resolve(outputs as O[]);
    };
    const onAbort = () => {
      opts.onAbort?.();
      finish(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    inputs.forEach((input, k) => {
      const worker = new Worker(source, { eval: true, workerData: input, execArgv: [] });
      workers.push(worker);
      worker.once('message', (output: O) => {
        outputs[k] = output;
        if (++received === inputs.length) finish(undefined);
      });
      worker.once('error', (e) => finish(e));
      worker.once('exit', (code) => {
        // a worker's last message is emitted before its 'exit'; look once more after pending events
        setImmediate(() => {
          if (outputs[k] === undefined) finish(new Error(`metrics worker ${k} exited with code ${code} before reporting`));
        });
      });
    });
  });
}
