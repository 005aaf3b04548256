/**
 * The shapes of the lexical metrics: options, the figures of a field (all instructions or all
 * responses) and of one text, with their units.
 */
import type { LengthStats } from './lengths';
import type { JaccardPair } from './minhash';

export interface LexicalOptions {
  /** TF-IDF hash space, a power of two (default 2¹⁸; rows are sparse, so size costs no time). */
  tfidfDims?: number;
  /** Find every text's TF-IDF nearest neighbour (default true; the rest is O(total length)). */
  nearest?: boolean;
  /** Jaccard of character shingles at or above which two texts are near-duplicates (default 0.8). */
  nearDuplicateThreshold?: number;
  /** Characters per shingle (default 5). */
  shingle?: number;
  /** MinHash signature bins, a power of two (default 256). */
  minhashBins?: number;
  /** Near-duplicate pairs listed at most per field (default 100,000); counts are never truncated. */
  maxPairs?: number;
}

/** For `lexicalMetricsAsync`: where the TF-IDF scans run, and how to stop them. */
export interface LexicalAsyncOptions extends LexicalOptions {
  /** Worker threads per field for the TF-IDF scan (default: the available parallelism, at most 8); 0 = this thread. */
  threads?: number;
  signal?: AbortSignal;
}

/** Dataset figures of one field (all instructions, or all responses). */
export interface FieldFigures {
  texts: number;
  /** Texts with no word (empty or only punctuation/whitespace). */
  emptyTexts: number;
  /** Length in Unicode code points. */
  chars: LengthStats;
  /** Length in words (see `words`: letter/digit runs, punctuation not counted). */
  words: LengthStats;
  /** Unique words / words over the whole field (n-grams never span two texts); null without words. */
  distinct1: number | null;
  /** Unique word bigrams / word bigrams over the whole field. */
  distinct2: number | null;
  ngrams: { unigrams: number; uniqueUnigrams: number; bigrams: number; uniqueBigrams: number };
  tfidf: {
    /** Mean cosine over all ordered pairs of TF-IDF vectors (exact, O(n·d) identity); null when n < 2. */
    meanCosine: number | null;
    /** 1 − meanCosine: higher = lexically more varied. */
    diversity: number | null;
    /** Mean over texts of the cosine to their nearest other text; null when not computed. */
    meanNearestSimilarity: number | null;
    /** Texts whose vector is empty (they count as cosine 0 in the mean). */
    emptyVectors: number;
  };
  exactDuplicates: {
    /** Texts equal (after lowercasing and collapsing whitespace) to an earlier text. */
    instances: number;
    /** instances / texts. */
    rate: number;
    /** Distinct texts that occur more than once. */
    groups: number;
  };
  nearDuplicates: {
    threshold: number;
    /** Texts with another text at Jaccard ≥ threshold (exact duplicates included, at Jaccard 1). */
    instances: number;
    /** instances / texts. */
    rate: number;
    /** Pairs of distinct texts (first occurrences) with Jaccard ≥ threshold, sorted by i then j. */
    pairs: JaccardPair[];
    pairCount: number;
    pairsTruncated: boolean;
    /** Pairs LSH proposed and the exact Jaccard checked. */
    candidatePairs: number;
  };
}

/** Figures of one text. */
export interface FieldInstanceFigures {
  /** Code points. */
  chars: number;
  words: number;
  /** Unique words / words of this text; null without words. */
  distinct1: number | null;
  /** Unique bigrams / bigrams of this text; null below two words. */
  distinct2: number | null;
  /** The instance whose text is most similar by TF-IDF cosine (−1: none shares a word or not computed). */
  tfidfNearest: number;
  /** That cosine (0 when no text shares a word); null for a text without words or when not computed. */
  tfidfNearestSimilarity: number | null;
  /** The first instance with the same normalised text when that is an earlier one, else −1. */
  exactDuplicateOf: number;
  /** The most similar other instance at Jaccard ≥ threshold (an exact duplicate first), else −1. */
  nearDuplicateOf: number;
  nearDuplicateJaccard: number | null;
}

/** How the figures were computed, stored with them so later runs can tell if they compare. */
export interface LexicalMethod {
  tokenizer: 'unicode-words-lowercase';
  tfidf: { features: 'word 1-2 grams, signed hashing'; dims: number; idf: 'ln((1+n)/(1+df))+1'; norm: 'l2' };
  minhash: { shingles: string; bins: number; bands: number; rows: number; densification: 'optimal (Shrivastava 2017)' };
}

export interface LexicalMetrics {
  dataset: { instances: number; instruction: FieldFigures; response: FieldFigures; method: LexicalMethod };
  perInstance: { instruction: FieldInstanceFigures; response: FieldInstanceFigures }[];
}

/** The figures of one field: the dataset-level summary and one entry per text, in input order. */
export interface FieldMetrics {
  dataset: FieldFigures;
  perInstance: FieldInstanceFigures[];
}
