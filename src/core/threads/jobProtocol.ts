// Messages between a job's caller and the worker thread that runs it (see jobClient.ts). Both
// ends are our own code in one process: typed, not validated.
import type { KeyedEndpoint, RunEvent } from '../run/types';
import type { RunConfig } from '../config/types';

export type JobKind = 'run' | 'eval' | 'metrics';

export interface JobWorkerData {
  kind: JobKind;
  config: RunConfig;
  /** The job's plain options (its `only` has the shape that job's engine function takes). */
  options: JobOptions;
}

export interface JobOptions {
  only?: Record<string, string[] | undefined>;
  retryFailed?: boolean;
}

export type ToWorker = { type: 'stop' } | { type: 'abort' } | { type: 'key'; id: number; value: string | undefined };

export type FromWorker =
  | { type: 'event'; event: RunEvent }
  /** The job needs a key: the caller's resolver answers (keys are never in workerData or on disk). */
  | { type: 'key?'; id: number; envVar: string; endpoint: KeyedEndpoint }
  | { type: 'done'; summary: unknown }
  | { type: 'error'; name: string; message: string; fields: Record<string, unknown> };
