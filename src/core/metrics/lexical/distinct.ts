/**
 * distinct-n (Li et al., 2016): unique n-grams / total n-grams. Over the dataset it measures how
 * much a generator repeats itself across instances; per instance, how much one text repeats
 * itself. n-grams never cross from one text into the next.
 */
import { CHUNK, drain, type Steps } from './steps';

/** distinct-1 and distinct-2 of one text or of a whole field; null when there is no n-gram to count. */
export interface DistinctN {
  /** Unique words / words. */
  distinct1: number | null;
  /** Unique word bigrams / word bigrams. */
  distinct2: number | null;
}

/** Dataset-level distinct-n with the counts behind it. */
export interface DatasetDistinctN extends DistinctN {
  unigrams: number;
  uniqueUnigrams: number;
  bigrams: number;
  uniqueBigrams: number;
}

const ratio = (unique: number, total: number): number | null => (total > 0 ? unique / total : null);

/**
 * Word bigrams seen so far and the last text each was seen in: open addressing over (first,
 * second) id pairs. A Map keyed by first·V + second did the same 3× slower (10⁶ boxed keys).
 */
class BigramTable {
  private first: Int32Array;
  private second: Int32Array;
  private lastDoc: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected: number) {
    const capacity = 2 ** Math.max(10, Math.ceil(Math.log2(expected * 2 + 1)));
    this.first = new Int32Array(capacity).fill(-1);
    this.second = new Int32Array(capacity);
    this.lastDoc = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Records (a, b) in `doc`; returns whether it was new to `doc` (and counts it if new to the table). */
  see(a: number, b: number, doc: number): boolean {
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
    slot = (slot ^ (slot >>> 15)) & this.mask;
    for (;;) {
      const f = this.first[slot] as number;
      if (f === -1) {
        this.first[slot] = a;
        this.second[slot] = b;
        this.lastDoc[slot] = doc;
        if (++this.size * 2 > this.mask) this.grow();
        return true;
      }
      if (f === a && this.second[slot] === b) {
        if (this.lastDoc[slot] === doc) return false;
        this.lastDoc[slot] = doc;
        return true;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const { first, second, lastDoc } = this;
    const capacity = first.length * 2;
    this.first = new Int32Array(capacity).fill(-1);
    this.second = new Int32Array(capacity);
    this.lastDoc = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let k = 0; k < first.length; k++) {
      if (first[k] === -1) continue;
      this.see(first[k] as number, second[k] as number, lastDoc[k] as number);
    }
  }
}

/**
 * distinct-1/2 of texts given as word-id sequences (ids < vocabSize). One pass: a stamp array
 * finds repeated words, a bigram table holding the last text each bigram was seen in finds
 * repeated bigrams, both within a text and across the dataset.
 */
export function distinctN(docs: readonly Int32Array[], vocabSize: number): { dataset: DatasetDistinctN; perInstance: DistinctN[] } {
  return drain(distinctSteps(docs, vocabSize));
}

/** `distinctN`, yielding between chunks of texts (see steps.ts). */
export function* distinctSteps(docs: readonly Int32Array[], vocabSize: number): Steps<{ dataset: DatasetDistinctN; perInstance: DistinctN[] }> {
  const lastDocOfWord = new Int32Array(vocabSize).fill(-1);
  let totalWords = 0;
  for (const ids of docs) totalWords += ids.length;
  const bigramTable = new BigramTable(Math.min(totalWords, 1 << 20));
  let unigrams = 0;
  let uniqueUnigrams = 0;
  let bigrams = 0;
  const perInstance: DistinctN[] = [];
  for (let doc = 0; doc < docs.length; doc++) {
    const ids = docs[doc] as Int32Array;
    let unique1 = 0;
    let unique2 = 0;
    for (let t = 0; t < ids.length; t++) {
      const id = ids[t] as number;
      const last = lastDocOfWord[id] as number;
      if (last !== doc) {
        if (last < 0) uniqueUnigrams++;
        unique1++;
        lastDocOfWord[id] = doc;
      }
      if (t > 0 && bigramTable.see(ids[t - 1] as number, id, doc)) unique2++;
    }
    const pairs = Math.max(0, ids.length - 1);
    unigrams += ids.length;
    bigrams += pairs;
    perInstance.push({ distinct1: ratio(unique1, ids.length), distinct2: ratio(unique2, pairs) });
    if (doc % CHUNK === CHUNK - 1) yield;
  }
  const uniqueBigrams = bigramTable.size;
  return {
    dataset: { distinct1: ratio(uniqueUnigrams, unigrams), distinct2: ratio(uniqueBigrams, bigrams), unigrams, uniqueUnigrams, bigrams, uniqueBigrams },
    perInstance,
  };
}
