/**
 * The steps that turn one field's texts into its figures: tokenise and vectorise (`prepare`, what
 * the TF-IDF scan needs first), the linear figures (`linear`: duplicates, lengths, distinct-n,
 * MinHash), and `assemble` once the nearest neighbours are known. Steps yield between chunks
 * (steps.ts) so the asynchronous entry point can keep its thread responsive.
 */
import { distinctSteps, type DatasetDistinctN, type DistinctN } from './distinct';
import { fnv1a } from './hash';
import { lengthStats } from './lengths';
import { minhashSteps, type MinhashScan } from './minhash';
import { CHUNK, type Steps } from './steps';
import { codePoints, normalizeText, words } from './text';
import { emptyRows, hashedTfidfSteps, sparseMeanCosine, type SparseRows } from './tfidf';
import type { TfidfNeighbours } from './tfidfNearest';
import type { FieldFigures, FieldInstanceFigures, FieldMetrics, LexicalOptions } from './types';

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** A field tokenised and vectorised: what the TF-IDF scan needs before anything else. */
export interface Prepared {
  texts: readonly string[];
  docs: Int32Array[];
  vocabSize: number;
  rows: SparseRows;
}

/** Tokenises and vectorises a field, yielding between chunks (see steps.ts). */
export function* prepare(texts: readonly string[], opts: LexicalOptions): Steps<Prepared> {
  const vocab = new Map<string, number>();
  const hashes: number[] = [];
  const docs: Int32Array[] = [];
  for (let i = 0; i < texts.length; i++) {
    const ws = words(texts[i] as string);
    const ids = new Int32Array(ws.length);
    for (let t = 0; t < ws.length; t++) {
      const w = ws[t] as string;
      let id = vocab.get(w);
      if (id === undefined) {
        id = vocab.size;
        vocab.set(w, id);
        hashes.push(fnv1a(w));
      }
      ids[t] = id;
    }
    docs.push(ids);
    if (i % CHUNK === CHUNK - 1) yield;
  }
  const rows = yield* hashedTfidfSteps(docs, Uint32Array.from(hashes), opts.tfidfDims ?? 2 ** 18);
  return { texts, docs, vocabSize: Math.max(1, vocab.size), rows };
}

/** Exact duplicates: for each text, the first text equal after normalisation. */
interface Duplicates {
  /** The first instance with the same text when that is an earlier one, else −1. */
  firstOf: number[];
  /** For a first occurrence that repeats, its second occurrence. */
  secondOf: Map<number, number>;
  groupSize: Map<number, number>;
  /** First occurrences, ascending, and their normalised texts. */
  reps: number[];
  repTexts: string[];
}

function* duplicates(texts: readonly string[]): Steps<Duplicates> {
  const first = new Map<string, number>();
  const groupSize = new Map<number, number>();
  const secondOf = new Map<number, number>();
  const firstOf: number[] = [];
  const repTexts: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    const t = normalizeText(texts[i] as string);
    const f = first.get(t);
    if (f === undefined) {
      first.set(t, i);
      groupSize.set(i, 1);
      repTexts.push(t);
      firstOf.push(-1);
    } else {
      const size = groupSize.get(f) as number;
      if (size === 1) secondOf.set(f, i);
      groupSize.set(f, size + 1);
      firstOf.push(f);
    }
    if (i % CHUNK === CHUNK - 1) yield;
  }
  return { firstOf, secondOf, groupSize, reps: [...first.values()], repTexts };
}

/** Everything but the nearest neighbours (computed while the workers scan). */
export interface Linear {
  chars: number[];
  distinct: { dataset: DatasetDistinctN; perInstance: DistinctN[] };
  dup: Duplicates;
  scan: MinhashScan;
  threshold: number;
}

export function* linear(p: Prepared, opts: LexicalOptions): Steps<Linear> {
  const threshold = opts.nearDuplicateThreshold ?? 0.8;
  const dup = yield* duplicates(p.texts);
  const chars = p.texts.map(codePoints);
  yield;
  const distinct = yield* distinctSteps(p.docs, p.vocabSize);
  const scan = yield* minhashSteps(dup.repTexts, { threshold, shingle: opts.shingle, bins: opts.minhashBins, maxPairs: opts.maxPairs });
  return { chars, distinct, dup, scan, threshold };
}

/** The figures of a field from its steps' results (`nearest` undefined: not computed). */
export function assemble(p: Prepared, l: Linear, nearest: TfidfNeighbours | undefined): FieldMetrics {
  const { dup, scan, distinct, chars, threshold } = l;
  const n = p.texts.length;
  const repIndex = new Map<number, number>(dup.reps.map((inst, r) => [inst, r]));
  const perInstance: FieldInstanceFigures[] = p.texts.map((_, i) => {
    const first = dup.firstOf[i] as number;
    const rep = first < 0 ? i : first;
    let nearDuplicateOf = -1;
    let nearDuplicateJaccard: number | null = null;
    if ((dup.groupSize.get(rep) as number) > 1) {
      nearDuplicateOf = first < 0 ? (dup.secondOf.get(i) as number) : first;
      nearDuplicateJaccard = 1;
    } else {
      const r = repIndex.get(rep) as number;
      const partner = scan.bestPartner[r] as number;
      if (partner >= 0) {
        nearDuplicateOf = dup.reps[partner] as number;
        nearDuplicateJaccard = scan.bestJaccard[r] as number;
      }
    }
    const d = distinct.perInstance[i];
    return {
      chars: chars[i] as number,
      words: (p.docs[i] as Int32Array).length,
      distinct1: d?.distinct1 ?? null,
      distinct2: d?.distinct2 ?? null,
      tfidfNearest: nearest ? (nearest.index[i] as number) : -1,
      tfidfNearestSimilarity: nearest ? finite(nearest.similarity[i] as number) : null,
      exactDuplicateOf: first,
      nearDuplicateOf,
      nearDuplicateJaccard,
    };
  });
  const mean = sparseMeanCosine(p.rows);
  const nearSims = perInstance.map((x) => x.tfidfNearestSimilarity).filter((s): s is number => s !== null);
  const exactInstances = dup.firstOf.filter((f) => f >= 0).length;
  const nearInstances = perInstance.filter((x) => x.nearDuplicateOf >= 0).length;
  const rate = (k: number) => (n ? k / n : 0);
  const dataset: FieldFigures = {
    texts: n,
    emptyTexts: p.docs.filter((d) => d.length === 0).length,
    chars: lengthStats(chars),
    words: lengthStats(p.docs.map((d) => d.length)),
    distinct1: distinct.dataset.distinct1,
    distinct2: distinct.dataset.distinct2,
    ngrams: { unigrams: distinct.dataset.unigrams, uniqueUnigrams: distinct.dataset.uniqueUnigrams, bigrams: distinct.dataset.bigrams, uniqueBigrams: distinct.dataset.uniqueBigrams },
    tfidf: {
      meanCosine: finite(mean.meanCosine),
      diversity: finite(mean.diversity),
      meanNearestSimilarity: nearSims.length ? nearSims.reduce((a, b) => a + b, 0) / nearSims.length : null,
      emptyVectors: emptyRows(p.rows),
    },
    exactDuplicates: { instances: exactInstances, rate: rate(exactInstances), groups: [...dup.groupSize.values()].filter((s) => s > 1).length },
    nearDuplicates: {
      threshold,
      instances: nearInstances,
      rate: rate(nearInstances),
      pairs: scan.pairs.map((x) => ({ ...x, i: dup.reps[x.i] as number, j: dup.reps[x.j] as number })),
      pairCount: scan.pairCount,
      pairsTruncated: scan.pairsTruncated,
      candidatePairs: scan.candidatePairs,
    },
  };
  return { dataset, perInstance };
}
