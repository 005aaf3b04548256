/**
 * Local lexical metrics (no API): lengths, distinct-n, hashed TF-IDF diversity and nearest
 * neighbours, exact duplicates and MinHash near-duplicates, per instruction and per response.
 */
export { distinctN, distinctSteps, type DatasetDistinctN, type DistinctN } from './distinct';
export { lengthStats, type LengthStats } from './lengths';
export { fieldMetrics, lexicalMetrics, lexicalMetricsAsync } from './lexicalMetrics';
export type { FieldFigures, FieldInstanceFigures, FieldMetrics, LexicalAsyncOptions, LexicalMethod, LexicalMetrics, LexicalOptions } from './types';
export { chooseBanding, jaccard, minhashNearDuplicates, minhashSteps, shingleKeys, signature, type JaccardPair, type MinhashOptions, type MinhashScan } from './minhash';
export { codePoints, normalizeText, words } from './text';
export { emptyRows, hashedTfidf, hashedTfidfSteps, sparseMeanCosine, type SparseRows } from './tfidf';
export { tfidfNearest, tfidfNearestSync, type TfidfNearestOptions, type TfidfNeighbours } from './tfidfNearest';
export { drain, drainAsync, type Steps } from './steps';
