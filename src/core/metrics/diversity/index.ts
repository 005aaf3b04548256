/**
 * Embedding diversity: the exact O(n·d) mean pairwise cosine (dataset diversity) and exact
 * nearest neighbours / near-duplicate pairs computed in worker threads; plus the worker runner
 * and the int16 SIMD dot-product kernel other CPU-heavy metrics can reuse.
 */
export { dotKernel, dotKernelWasm, type Dots } from './dotKernelWasm';
export { embeddingDiversity, meanCosineFromSums, meanPairwiseCosine, naiveMeanPairwiseCosine, type MeanCosine } from './meanCosine';
export { nearestNeighbours, type NearestOptions, type NearestResult, type NearPair } from './nearest';
export { checkShape, normalizeRows, type UnitRows } from './normalize';
export { defaultThreads, runInWorkers, type Kernel, type RunOptions } from './workers';
