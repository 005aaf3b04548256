/**
 * Lexical near-duplicates: MinHash signatures, LSH banding for candidates, exact Jaccard to decide.
 *
 * Shingles are CHARACTER 5-grams of the normalised text (lowercased, whitespace collapsed).
 * Instructions are short (AlpacaEval's median is 18 words), and what a generator repeats is a
 * template with a few words or numbers changed. With word 5-shingles one changed word removes
 * up to five of a 20-word text's 16 shingles (Jaccard ≈ 0.5), so such repeats never reach 0.8;
 * with character 5-grams a changed number or word costs about five of ~100 shingles (Jaccard
 * ≈ 0.9). Character shingles also work for code and for languages without spaces.
 *
 * Signatures use one-permutation hashing with optimal densification (Shrivastava, ICML 2017):
 * each shingle is hashed once into one of K bins, empty bins borrow from a bin chosen by a fixed
 * probe sequence. That costs O(shingles + K) per text instead of O(shingles·K) for K separate
 * permutations — a 1,000-character response would otherwise need 128K hash evaluations — and
 * keeps P[bins equal] = Jaccard, which is all LSH needs. Candidates are then verified with the
 * exact Jaccard of the two shingle sets (shingles compared by a 53-bit hash: a false match
 * needs a 2⁻⁵³ collision).
 */
import { fmix32 } from './hash';
import { CHUNK, drain, type Steps } from './steps';

/** Two texts whose shingle sets overlap at least `threshold`; i < j. */
export interface JaccardPair {
  i: number;
  j: number;
  /** Exact Jaccard |A ∩ B| / |A ∪ B| of the character-shingle sets. */
  jaccard: number;
  /** The MinHash estimate (share of equal signature bins) that made them a candidate. */
  estimatedJaccard: number;
}

export interface MinhashOptions {
  /** Jaccard at or above which two texts are near-duplicates (default 0.8). */
  threshold?: number;
  /** Characters per shingle (default 5). */
  shingle?: number;
  /** Signature bins, a power of two (default 256). */
  bins?: number;
  /** Pairs returned at most (default 100,000); pairCount still counts them all. */
  maxPairs?: number;
}

export interface MinhashScan {
  /** For each text, the most similar other text with Jaccard ≥ threshold (−1: none) and that Jaccard (NaN: none). */
  bestPartner: Int32Array;
  bestJaccard: Float64Array;
  /** Near-duplicate pairs, sorted by i then j. */
  pairs: JaccardPair[];
  pairCount: number;
  pairsTruncated: boolean;
  /** Distinct pairs LSH proposed (each checked exactly). */
  candidatePairs: number;
  /** The banding used: `bands` bands of `rows` bins; P[candidate | Jaccard = threshold] ≥ 0.99. */
  bands: number;
  rows: number;
}

const EMPTY = 0xffffffff;

/**
 * The most selective banding (most bins per band) that still makes a pair at exactly the
 * threshold a candidate with probability ≥ `recall`: 1 − (1 − t^r)^b ≥ recall, b = ⌊K / r⌋.
 * For t = 0.8 and K = 256 that is 32 bands × 8 bins (recall 0.997; a pair at 0.5 is a candidate
 * with probability 0.12, at 0.3 with 0.002).
 */
export function chooseBanding(threshold: number, bins: number, recall = 0.99): { bands: number; rows: number } {
  for (let rows = bins; rows >= 1; rows--) {
    const bands = Math.floor(bins / rows);
    if (1 - (1 - threshold ** rows) ** bands >= recall) return { bands, rows };
  }
  return { bands: bins, rows: 1 };
}

/** Densified one-permutation MinHash signature of a normalised text; null when the text is empty. */
export function signature(text: string, q: number, bins: number): Uint32Array | null {
  if (!text.length) return null;
  const shift = 32 - Math.log2(bins);
  const low = shift === 32 ? 0xffffffff : 2 ** shift - 1;
  const sig = new Uint32Array(bins).fill(EMPTY);
  // shingles: every q characters (the whole text when shorter), hashed once each (FNV-1a, then mixed)
  const width = Math.min(q, text.length);
  for (let p = 0, last = text.length - width; p <= last; p++) {
    let h = 0x811c9dc5;
    for (let k = p; k < p + width; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    const g = fmix32(h);
    const bin = shift === 32 ? 0 : g >>> shift;
    const v = g & low;
    if (v < (sig[bin] as number)) sig[bin] = v;
  }
  const filled = new Uint8Array(bins);
  for (let b = 0; b < bins; b++) if (sig[b] !== EMPTY) filled[b] = 1;
  for (let b = 0; b < bins; b++) {
    if (filled[b]) continue;
    for (let attempt = 1; ; attempt++) {
      const from = fmix32(Math.imul(b + 1, 0x9e3779b1) ^ Math.imul(attempt, 0x85ebca6b)) & (bins - 1);
      if (filled[from]) {
        sig[b] = sig[from] as number;
        break;
      }
    }
  }
  return sig;
}

/**
 * The text's distinct shingles as sorted 53-bit keys, for the exact Jaccard: the same FNV-1a
 * hash as the signature (32 bits) joined with 21 bits of an independent polynomial hash.
 */
export function shingleKeys(text: string, q: number): Float64Array {
  if (!text.length) return new Float64Array(0);
  const width = Math.min(q, text.length);
  const keys = new Float64Array(text.length - width + 1);
  for (let p = 0; p < keys.length; p++) {
    let h1 = 0x811c9dc5;
    let h2 = 0;
    for (let k = p; k < p + width; k++) {
      const c = text.charCodeAt(k);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = (Math.imul(h2, 0x9e3779b1) + c + 1) | 0;
    }
    keys[p] = (h1 >>> 0) * 2097152 + (fmix32(h2) >>> 11);
  }
  keys.sort();
  let unique = 0;
  for (let i = 0; i < keys.length; i++) if (i === 0 || keys[i] !== keys[i - 1]) keys[unique++] = keys[i] as number;
  return keys.slice(0, unique);
}

/** |A ∩ B| / |A ∪ B| of two sorted distinct key lists. */
export function jaccard(a: Float64Array, b: Float64Array): number {
  if (!a.length && !b.length) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

/**
 * Calls `bucket(docs)` for every group of ≥ 2 texts whose signatures agree on a whole band. Per
 * band, each text's band hash (32 bits) and index are packed into one float64 and sorted, so
 * equal hashes sit together — no hash map of 10⁵ entries per band. A 32-bit collision only adds
 * a candidate, which the exact check then rejects.
 */
function* forEachBucket(signatures: readonly (Uint32Array | null)[], bands: number, rows: number, bucket: (docs: number[]) => void): Steps<void> {
  const n = signatures.length;
  if (n >= 2 ** 21) throw new RangeError(`at most ${2 ** 21 - 1} texts per near-duplicate scan, got ${n}`);
  const packed = new Float64Array(n);
  for (let band = 0; band < bands; band++) {
    let m = 0;
    for (let doc = 0; doc < n; doc++) {
      const sig = signatures[doc];
      if (!sig) continue;
      let h = 0x9747b28c ^ band;
      for (let r = band * rows; r < (band + 1) * rows; r++) h = fmix32(Math.imul(h, 0x01000193) ^ (sig[r] as number));
      packed[m++] = h * 2097152 + doc;
    }
    const sorted = packed.subarray(0, m).sort();
    for (let start = 0; start < m; ) {
      const key = Math.floor((sorted[start] as number) / 2097152);
      let end = start + 1;
      while (end < m && Math.floor((sorted[end] as number) / 2097152) === key) end++;
      if (end - start > 1) {
        const docs: number[] = [];
        for (let k = start; k < end; k++) docs.push((sorted[k] as number) % 2097152);
        bucket(docs);
      }
      start = end;
    }
    if (band % 8 === 7) yield;
  }
}

/**
 * Near-duplicate pairs among normalised texts (pass each distinct text once; identical texts are
 * better counted as exact duplicates before). Empty texts take no part.
 */
export function minhashNearDuplicates(texts: readonly string[], opts: MinhashOptions = {}): MinhashScan {
  return drain(minhashSteps(texts, opts));
}

/** `minhashNearDuplicates`, yielding between chunks of work (see steps.ts). */
export function* minhashSteps(texts: readonly string[], opts: MinhashOptions = {}): Steps<MinhashScan> {
  const threshold = opts.threshold ?? 0.8;
  const q = opts.shingle ?? 5;
  const bins = opts.bins ?? 256;
  const maxPairs = opts.maxPairs ?? 100_000;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be within (0, 1], got ${threshold}`);
  if (!Number.isInteger(Math.log2(bins)) || bins < 1 || bins > 65536) throw new RangeError(`bins must be a power of two ≤ 65536, got ${bins}`);
  if (!Number.isInteger(q) || q < 1) throw new RangeError(`shingle must be a positive integer, got ${q}`);
  const n = texts.length;
  const { bands, rows } = chooseBanding(threshold, bins);
  const signatures: (Uint32Array | null)[] = [];
  for (let i = 0; i < n; i++) {
    signatures.push(signature(texts[i] as string, q, bins));
    if (i % CHUNK === CHUNK - 1) yield;
  }

  const seen = new Set<number>();
  const candidates: number[] = [];
  yield* forEachBucket(signatures, bands, rows, (docs) => {
    // docs ascend (they were sorted with their hash), so each key is i·n + j with i < j
    for (let a = 0; a < docs.length; a++) {
      for (let b = a + 1; b < docs.length; b++) {
        const key = (docs[a] as number) * n + (docs[b] as number);
        if (!seen.has(key)) {
          seen.add(key);
          candidates.push(key);
        }
      }
    }
  });

  const keys: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(n);
  const keysOf = (doc: number): Float64Array => (keys[doc] ??= shingleKeys(texts[doc] as string, q));
  const bestPartner = new Int32Array(n).fill(-1);
  const bestJaccard = new Float64Array(n).fill(NaN);
  const pairs: JaccardPair[] = [];
  let pairCount = 0;
  const credit = (doc: number, other: number, j: number) => {
    const cur = bestJaccard[doc] as number;
    if (!(j <= cur) || (j === cur && other < (bestPartner[doc] as number))) {
      bestJaccard[doc] = j;
      bestPartner[doc] = other;
    }
  };
  for (let c = 0; c < candidates.length; c++) {
    if (c % (10 * CHUNK) === 10 * CHUNK - 1) yield;
    const key = candidates[c] as number;
    const i = Math.floor(key / n);
    const j = key - i * n;
    const a = keysOf(i);
    const b = keysOf(j);
    if (Math.min(a.length, b.length) < threshold * Math.max(a.length, b.length)) continue; // J ≤ |small| / |large|
    const exact = jaccard(a, b);
    if (exact < threshold) continue;
    pairCount++;
    credit(i, j, exact);
    credit(j, i, exact);
    if (pairs.length < maxPairs) {
      const si = signatures[i] as Uint32Array;
      const sj = signatures[j] as Uint32Array;
      let equal = 0;
      for (let k = 0; k < bins; k++) if (si[k] === sj[k]) equal++;
      pairs.push({ i: Math.min(i, j), j: Math.max(i, j), jaccard: exact, estimatedJaccard: equal / bins });
    }
  }
  pairs.sort((x, y) => x.i - y.i || x.j - y.j);
  return { bestPartner, bestJaccard, pairs, pairCount, pairsTruncated: pairCount > pairs.length, candidatePairs: candidates.length, bands, rows };
}
