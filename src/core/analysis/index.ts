// Intrinsic metrics vs PGR (the paper's PCA, correlations and regressions): this folder's public surface.
export * from './types';
export { analyze, ANALYSIS_METHODS } from './analyze';
export { readTableCsv } from './readTable';
export { analysisText, analysisCsv } from './format';
