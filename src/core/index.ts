// The engine's public surface, for the CLI and the extension.
export * from './types';
export * from './errors';
export * from './config/types';
export { loadConfig, parseConfig } from './config/load';
export * from './run/types';
export { runBenchmark } from './run/runBenchmark';
export { shortfallText, type SeedShortfall } from './run/prepare';
export { Results, datasetId } from './results';
export type { DatasetRow, RunRow } from './store/indexStore';
export { repairDatasetJournal, type InstanceRow, type InstanceQuery } from './store/datasetStore';
export { estimateRun, type RunEstimate, type DatasetEstimate } from './cost/estimate';
export { PriceBook, PRICE_TABLE } from './cost/prices';
export { envKeys, resolveKeys } from './run/keys';
export { redact } from './util/redact';
