/**
 * What each embedding near-duplicate worker runs. Shipped to the worker as source text, so it
 * must stay self-contained (see workers.ts for the rules).
 *
 * Method, per worker: normalise rows in float64, quantise them to int16 (round(32767·uᵢ)), then
 * take row blocks of the upper triangle from a shared counter (dynamic load balancing) and let
 * the wasm kernel compute every int32 dot product of block × block. The quantised cosine differs
 * from the exact one by at most √d/32767 + d/(4·32767²) (Cauchy–Schwarz on the rounding errors,
 * 0.0012 for d = 1536), so every pair whose quantised score is within that margin of the
 * threshold is re-checked in float64 on the original values: the pair list is exact.
 */
import type { WasmApi } from './dotKernelWasm';

/** Indices into the shared Int32 control words (the kernel uses the literals 0, 1, 2). */
export const CONTROL_NEXT_BLOCK = 0;
export const CONTROL_TILES_DONE = 1;
export const CONTROL_CANCEL = 2;
export const CONTROL_WORDS = 3;

/** Everything a worker needs; SharedArrayBuffers are shared, not copied. */
export interface ScanInput {
  /** The dot-product kernel module (dotKernelWasm()). */
  wasm: Uint8Array;
  /** The n × d float32 rows as given (not normalised), starting at `byteOffset`. */
  data: SharedArrayBuffer;
  byteOffset: number;
  n: number;
  d: number;
  /** Int32 control words: next row block to take, tiles done (progress), cancel flag. */
  control: SharedArrayBuffer;
  threshold: number;
  /** Rows per block of the triangle handed out at a time (multiple of 4) and columns per tile (multiple of 2, ≥ blockRows). */
  blockRows: number;
  blockCols: number;
  /** Pairs kept by this worker; more are counted but not returned. */
  maxPairs: number;
  /** Whether this worker reports the zero rows (one worker does). */
  reportZeroRows: boolean;
}

/** One worker's findings; the starting thread merges them. */
export interface ScanOutput {
  threadId: number;
  /** Tiles (block × block products) this worker computed. */
  tiles: number;
  cancelled: boolean;
  /** For each row, the best neighbour this worker saw (−1: none) and its exact float64 cosine. */
  bestIndex: Int32Array;
  bestSimilarity: Float64Array;
  /** Pairs i < j with exact cosine ≥ threshold (at most maxPairs of them), and how many there were. */
  pairI: Int32Array;
  pairJ: Int32Array;
  pairSimilarity: Float64Array;
  pairCount: number;
  zeroRows: number[];
}


/** The worker body: scans row blocks until none is left (or the cancel flag rises). */
export function scanKernel(input: ScanInput, threadId: number): ScanOutput {
  const { n, d, threshold, maxPairs } = input;
  const BI = input.blockRows;
  const BJ = input.blockCols;
  const data = new Float32Array(input.data, input.byteOffset, n * d);
  const control = new Int32Array(input.control);
  const SCALE = 32767;

  // 1. norms in float64; zero and non-finite rows take no part
  const norms = new Float64Array(n);
  const zero = new Uint8Array(n);
  const zeroRows: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i * d, end = k + d; k < end; k++) s += (data[k] as number) * (data[k] as number);
    const norm = Math.sqrt(s);
    if (norm > 0 && Number.isFinite(norm)) norms[i] = norm;
    else {
      zero[i] = 1;
      if (input.reportZeroRows) zeroRows.push(i);
    }
  }

  // 2. int16 unit rows in wasm memory, rows padded to a multiple of 4 and lengths to a multiple of 8
  const stride = Math.ceil(d / 8) * 8;
  const rows = Math.ceil(n / 4) * 4;
  const strideBytes = stride * 2;
  const outPtr = rows * strideBytes;
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const memory = new wasm.Memory({ initial: Math.ceil((outPtr + BI * BJ * 4) / 65536) });
  const q = new Int16Array(memory.buffer, 0, rows * stride);
  for (let i = 0; i < n; i++) {
    if (zero[i]) continue;
    const scale = SCALE / (norms[i] as number);
    for (let k = 0, src = i * d, dst = i * stride; k < d; k++) q[dst + k] = Math.round((data[src + k] as number) * scale);
  }
  const dots = new wasm.Instance(new wasm.Module(input.wasm), { env: { memory } }).exports.dots;
  const out = new Int32Array(memory.buffer, outPtr, BI * BJ);

  // 3. tiles of the upper triangle; quantised scores ≥ recheckFrom are verified in float64
  const margin = Math.sqrt(d) / SCALE + d / (4 * SCALE * SCALE);
  const recheckFrom = Math.max(-2147483648, Math.floor((threshold - margin) * SCALE * SCALE));
  const best = new Int32Array(n).fill(-2147483648);
  const bestIndex = new Int32Array(n).fill(-1);
  const pairI: number[] = [];
  const pairJ: number[] = [];
  const pairSimilarity: number[] = [];
  let pairCount = 0;
  let tiles = 0;
  let cancelled = false;
  const blocks = Math.ceil(rows / BI);
  scan: for (;;) {
    const block = Atomics.add(control, 0, 1);
    if (block >= blocks) break;
    const i0 = block * BI;
    const na = Math.min(BI, rows - i0);
    for (let j0 = i0; j0 < rows; j0 += BJ) {
      if (Atomics.load(control, 2) !== 0) {
        cancelled = true;
        break scan;
      }
      const nb = Math.min(BJ, rows - j0);
      dots(i0 * strideBytes, na, j0 * strideBytes, nb, strideBytes, outPtr);
      const cTo = Math.min(nb, n - j0);
      for (let r = 0; r < na; r++) {
        const i = i0 + r;
        if (i >= n) break;
        if (zero[i]) continue;
        let rowBest = best[i] as number;
        let rowBestIndex = bestIndex[i] as number;
        const rowOff = r * nb;
        for (let c = Math.max(0, i - j0 + 1); c < cTo; c++) {
          const j = j0 + c;
          if (zero[j]) continue;
          const v = out[rowOff + c] as number;
          if (v > rowBest) {
            rowBest = v;
            rowBestIndex = j;
          }
          if (v > (best[j] as number)) {
            best[j] = v;
            bestIndex[j] = i;
          }
          if (v >= recheckFrom) {
            let s = 0;
            for (let k = 0, a = i * d, b = j * d; k < d; k++) s += (data[a + k] as number) * (data[b + k] as number);
            const cos = s / ((norms[i] as number) * (norms[j] as number));
            if (cos >= threshold) {
              pairCount++;
              if (pairI.length < maxPairs) {
                pairI.push(i);
                pairJ.push(j);
                pairSimilarity.push(cos);
              }
            }
          }
        }
        best[i] = rowBest;
        bestIndex[i] = rowBestIndex;
      }
      tiles++;
      Atomics.add(control, 1, 1);
    }
  }

  // 4. exact cosine of each row's best neighbour (the threads' bests are merged on these values)
  const bestSimilarity = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const j = bestIndex[i] as number;
    if (j < 0) continue;
    let s = 0;
    for (let k = 0, a = i * d, b = j * d; k < d; k++) s += (data[a + k] as number) * (data[b + k] as number);
    bestSimilarity[i] = s / ((norms[i] as number) * (norms[j] as number));
  }
  return {
    threadId,
    tiles,
    cancelled,
    bestIndex,
    bestSimilarity,
    pairI: Int32Array.from(pairI),
    pairJ: Int32Array.from(pairJ),
    pairSimilarity: Float64Array.from(pairSimilarity),
    pairCount,
    zeroRows,
  };
}
