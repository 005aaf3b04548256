/**
 * What each TF-IDF nearest-neighbour worker runs (also run in-thread when asked for no
 * workers). Shipped to workers as source text, so it must stay self-contained (see
 * ../diversity/workers.ts for the rules).
 *
 * Rows are taken in blocks from a shared counter. For a block, the sparse part of every pair
 * (i in the block, j > i) is accumulated from the inverted index into `acc`; then, tile by tile,
 * the wasm kernel computes the dense part and each pair's score = dense + sparse updates the
 * best neighbour of both i and j. Scores are approximate (int16 dense part, float32 sparse
 * part); the caller recomputes the chosen pairs' cosines exactly.
 */
import type { WasmApi } from '../diversity/dotKernelWasm';

/** Everything a worker needs, in shared memory (built by tfidfNearest.ts). */
export interface TfidfScanInput {
  /** The dot-product kernel module, or null when there is no dense feature. */
  wasm: Uint8Array | null;
  n: number;
  /** int16 values per dense row (a multiple of 8; 0 = no dense part). */
  stride: number;
  /** Dense part: ⌈n/4⌉·4 rows × stride int16, round(32767 · weight). */
  dense: SharedArrayBuffer;
  /** Sparse part of row i: entries sRowPtr[i] … sRowPtr[i+1]; entry e has weight sVal[e] and meets postings sNext[e] … sEnd[e] (the rows after i sharing its feature). */
  sRowPtr: SharedArrayBuffer;
  sVal: SharedArrayBuffer;
  sNext: SharedArrayBuffer;
  sEnd: SharedArrayBuffer;
  postRow: SharedArrayBuffer;
  postVal: SharedArrayBuffer;
  /** Int32 words: next block to take, blocks done, cancel flag. */
  control: SharedArrayBuffer;
  blockRows: number;
  blockCols: number;
}

export interface TfidfScanOutput {
  threadId: number;
  cancelled: boolean;
  blocks: number;
  /** Best approximate score and neighbour this thread saw per row (−Infinity / −1: none). */
  best: Float64Array;
  index: Int32Array;
}

/** The worker body. */
export function tfidfScanKernel(input: TfidfScanInput, threadId: number): TfidfScanOutput {
  const n = input.n;
  const BI = input.blockRows;
  const BJ = input.blockCols;
  const stride = input.stride;
  const rowPtr = new Int32Array(input.sRowPtr);
  const sVal = new Float32Array(input.sVal);
  const sNext = new Int32Array(input.sNext);
  const sEnd = new Int32Array(input.sEnd);
  const postRow = new Int32Array(input.postRow);
  const postVal = new Float32Array(input.postVal);
  const control = new Int32Array(input.control);
  const paddedRows = Math.ceil(n / 4) * 4;
  const strideBytes = stride * 2;
  const outPtr = paddedRows * strideBytes;
  let dots: ((aPtr: number, na: number, bPtr: number, nb: number, strideBytes: number, outPtr: number) => void) | null = null;
  let out = new Int32Array(BI * BJ); // stays zero when there is no dense part
  if (stride > 0 && input.wasm) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const memory = new wasm.Memory({ initial: Math.ceil((outPtr + BI * BJ * 4) / 65536) });
    new Int16Array(memory.buffer, 0, paddedRows * stride).set(new Int16Array(input.dense, 0, paddedRows * stride));
    dots = new wasm.Instance(new wasm.Module(input.wasm), { env: { memory } }).exports.dots;
    out = new Int32Array(memory.buffer, outPtr, BI * BJ);
  }
  const inv = 1 / (32767 * 32767);
  const best = new Float64Array(n).fill(-Infinity);
  const index = new Int32Array(n).fill(-1);
  const acc = new Float32Array(BI * n);
  let blocks = 0;
  let cancelled = false;
  for (;;) {
    const i0 = Atomics.add(control, 0, 1) * BI;
    if (i0 >= n) break;
    if (Atomics.load(control, 2) !== 0) {
      cancelled = true;
      break;
    }
    const na = Math.min(BI, paddedRows - i0);
    const rows = Math.min(na, n - i0);
    // sparse part of every pair (i in the block, j > i)
    for (let r = 0; r < rows; r++) {
      const base = r * n;
      for (let e = rowPtr[i0 + r] as number, eEnd = rowPtr[i0 + r + 1] as number; e < eEnd; e++) {
        const w = sVal[e] as number;
        for (let p = sNext[e] as number, pEnd = sEnd[e] as number; p < pEnd; p++) {
          const at = base + (postRow[p] as number);
          acc[at] = (acc[at] as number) + w * (postVal[p] as number);
        }
      }
    }
    // dense part tile by tile; score, keep both sides' best, clear acc
    for (let j0 = i0; j0 < n; j0 += BJ) {
      const nb = Math.min(BJ, paddedRows - j0);
      if (dots) dots(i0 * strideBytes, na, j0 * strideBytes, nb, strideBytes, outPtr);
      const cTo = Math.min(nb, n - j0);
      for (let r = 0; r < rows; r++) {
        const i = i0 + r;
        const base = r * n + j0;
        const rowOff = r * nb;
        const cFrom = Math.max(0, i - j0 + 1);
        let rowBest = best[i] as number;
        let rowIndex = index[i] as number;
        for (let c = cFrom; c < cTo; c++) {
          const s = (acc[base + c] as number) + (out[rowOff + c] as number) * inv;
          if (s === 0) continue;
          if (s > rowBest) {
            rowBest = s;
            rowIndex = j0 + c;
          }
          if (s > (best[j0 + c] as number)) {
            best[j0 + c] = s;
            index[j0 + c] = i;
          }
        }
        if (cFrom < cTo) acc.fill(0, base + cFrom, base + cTo);
        best[i] = rowBest;
        index[i] = rowIndex;
      }
    }
    blocks++;
    Atomics.add(control, 1, 1);
  }
  return { threadId, cancelled, blocks, best, index };
}
