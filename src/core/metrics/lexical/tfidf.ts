/**
 * Hashed TF-IDF vectors (word unigrams + bigrams) and their mean pairwise cosine — lexical
 * diversity for any dataset, with no embedding API (nearest neighbours: tfidfNearest.ts).
 *
 * Weights follow scikit-learn's defaults so figures can be reproduced there
 * (HashingVectorizer(ngram_range=(1, 2), alternate_sign=True, norm=None) + TfidfTransformer()):
 * raw counts, signed feature hashing (a colliding feature adds ±1 so collisions cancel on
 * average), idf = ln((1 + n) / (1 + df)) + 1 from the dataset itself, rows L2-normalised.
 * Rows are kept sparse (CSR), so the hash space can be large (default 2¹⁸) at no cost and
 * collisions stay rare.
 */
import { meanCosineFromSums, type MeanCosine } from '../diversity/meanCosine';
import { hashPair } from './hash';
import { CHUNK, drain, type Steps } from './steps';

/** Unit rows in compressed sparse row form: row i's entries are col/val[rowPtr[i] … rowPtr[i+1]). */
export interface SparseRows {
  n: number;
  dims: number;
  rowPtr: Int32Array;
  col: Int32Array;
  val: Float32Array;
}

/**
 * TF-IDF rows for texts given as word-id sequences; `wordHash[id]` is the word's 32-bit hash.
 * `dims` must be a power of two. Texts without words (or whose features all cancel) get an
 * empty row.
 */
export function hashedTfidf(docs: readonly Int32Array[], wordHash: Uint32Array, dims: number): SparseRows {
  return drain(hashedTfidfSteps(docs, wordHash, dims));
}

/** `hashedTfidf`, yielding between chunks of texts (see steps.ts). */
export function* hashedTfidfSteps(docs: readonly Int32Array[], wordHash: Uint32Array, dims: number): Steps<SparseRows> {
  if (!Number.isInteger(Math.log2(dims)) || dims < 2 || dims > 2 ** 30) throw new RangeError(`dims must be a power of two, got ${dims}`);
  const n = docs.length;
  const mask = dims - 1;
  const scratch = new Float64Array(dims);
  const touched = new Int32Array(dims);
  const rowPtr = new Int32Array(n + 1);
  let col = new Int32Array(1024);
  let val = new Float32Array(1024);
  let nnz = 0;
  const df = new Int32Array(dims);
  const listed = new Uint8Array(dims);
  let count = 0;
  const add = (h: number) => {
    const f = h & mask;
    if (!listed[f]) {
      listed[f] = 1;
      touched[count++] = f;
    }
    // the sign comes from the top bit, the bucket from the low bits: independent for dims ≤ 2³⁰
    scratch[f] = (scratch[f] as number) + (h >>> 31 ? -1 : 1);
  };
  for (let i = 0; i < n; i++) {
    const ids = docs[i] as Int32Array;
    count = 0;
    for (let t = 0; t < ids.length; t++) {
      const h = wordHash[ids[t] as number] as number;
      add(h);
      if (t > 0) add(hashPair(wordHash[ids[t - 1] as number] as number, h));
    }
    if (nnz + count > col.length) {
      const size = Math.max(col.length * 2, nnz + count);
      const c = new Int32Array(size);
      c.set(col);
      col = c;
      const v = new Float32Array(size);
      v.set(val);
      val = v;
    }
    for (let e = 0; e < count; e++) {
      const f = touched[e] as number;
      const x = scratch[f] as number;
      listed[f] = 0;
      // signed hashing can cancel a bucket back to 0: it is then not a feature of this text
      if (x !== 0) {
        col[nnz] = f;
        val[nnz] = x;
        nnz++;
        df[f] = (df[f] as number) + 1;
      }
      scratch[f] = 0;
    }
    rowPtr[i + 1] = nnz;
    if (i % CHUNK === CHUNK - 1) yield;
  }
  const idf = new Float64Array(dims);
  for (let f = 0; f < dims; f++) idf[f] = Math.log((1 + n) / (1 + (df[f] as number))) + 1;
  for (let i = 0; i < n; i++) {
    const from = rowPtr[i] as number;
    const to = rowPtr[i + 1] as number;
    let s = 0;
    for (let e = from; e < to; e++) {
      const w = (val[e] as number) * (idf[col[e] as number] as number);
      val[e] = w;
      s += w * w;
    }
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let e = from; e < to; e++) val[e] = (val[e] as number) * inv;
  }
  return { n, dims, rowPtr, col: col.slice(0, nnz), val: val.slice(0, nnz) };
}

/** Texts whose TF-IDF row is empty (no words): they count as cosine 0 with everything in the mean. */
export function emptyRows(rows: SparseRows): number {
  let empty = 0;
  for (let i = 0; i < rows.n; i++) if (rows.rowPtr[i] === rows.rowPtr[i + 1]) empty++;
  return empty;
}

/** Exact mean pairwise cosine of sparse unit rows, O(nnz + dims), by the same identity as embeddings. */
export function sparseMeanCosine(rows: SparseRows): MeanCosine {
  const sum = new Float64Array(rows.dims);
  let sumSquaredNorms = 0;
  for (let e = 0; e < rows.col.length; e++) {
    const v = rows.val[e] as number;
    const f = rows.col[e] as number;
    sum[f] = (sum[f] as number) + v;
    sumSquaredNorms += v * v;
  }
  return meanCosineFromSums(sum, sumSquaredNorms, rows.n);
}
