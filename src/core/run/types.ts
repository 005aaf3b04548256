import type { EndpointConfig } from '../config/types';
import type { Usage } from '../types';
import type { SeedShortfall } from './prepare';

/** Supplies an API key: the CLI reads the environment, the extension SecretStorage then the environment. */
/** What a key is looked up for: an endpoint's id and the variable naming its key. */
export type KeyedEndpoint = Pick<EndpointConfig, 'id' | 'apiKeyEnv'>;
export type KeyResolver = (envVar: string, endpoint: KeyedEndpoint) => Promise<string | undefined> | string | undefined;

export interface RunOptions {
  /** Hard stop: requests in flight are aborted; finished work is kept. */
  signal?: AbortSignal;
  /** Graceful stop: nothing new starts, requests in flight finish and are recorded. */
  stopSignal?: AbortSignal;
  resolveKey?: KeyResolver;
  onEvent?: (e: RunEvent) => void;
  /** Restrict the run to some generators (ids) or settings (`method.domain`). */
  only?: { generators?: string[]; settings?: string[] };
  /** Give slots that failed every attempt another round. */
  retryFailed?: boolean;
  /** Minimum milliseconds between progress events (default 250). */
  progressIntervalMs?: number;
}

/** One dataset the run will produce. */
export interface DatasetPlan {
  id: string;
  generator: string;
  model: string;
  setting: string;
  /** Instances this dataset will have: the request, capped by the seed rows for response generation and quality enhancement. */
  target: number;
  /** Instances the config asks for. */
  requested: number;
  /** Seed rows of the setting. */
  seeds: number;
  /** Folder of the store, relative to the results directory. */
  dir: string;
}

export interface DatasetProgress {
  datasetId: string;
  valid: number;
  failed: number;
  target: number;
  costUsd: number;
}

export type RunEvent =
  | { type: 'run-start'; run: string; resultsDir: string; datasets: DatasetPlan[]; totalTarget: number; alreadyDone: number; shortfalls: SeedShortfall[]; unpriced?: string[] }
  | { type: 'progress'; datasets: DatasetProgress[]; done: number; totalTarget: number; costUsd: number; requestsInFlight: number }
  | { type: 'dataset-done'; datasetId: string; status: DatasetStatus; valid: number; failed: number; costUsd: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'run-done'; summary: RunSummary };

export type DatasetStatus = 'completed' | 'cancelled' | 'failed';

export interface DatasetSummary extends DatasetPlan {
  status: DatasetStatus;
  valid: number;
  failed: number;
  attempts: number;
  usage: Usage;
  costUsd: number;
  /** Estimated spend of requests sent before a crash whose answers were lost (not in `costUsd`). */
  unrecordedCostUsd: number;
  /** Attempts answered from the response cache: their tokens, cost and latency are 0 (an earlier run paid). */
  fromCache?: number;
  /** Causes recorded for the slots that failed (every attempt of theirs), most frequent first. */
  failureCauses: { reason: string; count: number }[];
  /** Causes that were retried and later succeeded (invalid outputs, transport errors), most frequent first. */
  retriedCauses: { reason: string; count: number }[];
  error?: string;
}

export interface RunSummary {
  run: string;
  resultsDir: string;
  status: 'completed' | 'cancelled' | 'failed';
  datasets: DatasetSummary[];
  usage: Usage;
  costUsd: number;
  elapsedMs: number;
  /** Settings that yield fewer instances than requested because their seed set is smaller. */
  shortfalls: SeedShortfall[];
  /** Estimated spend of requests sent before a crash whose answers were lost (not in `costUsd`). */
  unrecordedCostUsd: number;
  /** Models with no price in the config or the table: their datasets' cost is unknown, not 0. */
  unpriced?: string[];
}
