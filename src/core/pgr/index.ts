// PGR (Performance Gap Recovered): the engine's public surface for this folder.
export * from './types';
export { pgr } from './formula';
export { computePgr, PGR_DEFAULTS } from './compute';
export { compareGenerators } from './compare';
export { PGR_COLUMNS, PGR_SETTINGS, settingBenchmarks, type PgrColumn } from './columns';
export { parseScoresCsv } from './importScores';
export { PAPER_TABLE2, type PaperRow } from './paperTable';
export { scoreStandardError } from './sampling';
