import type { BenchmarkName } from '../config/types';

/** Which model a score belongs to: a student trained on generated data, the untuned base, or its instruct reference. */
export type PgrRole = 'student' | 'base' | 'reference';

/** One benchmark score of one model: the input of every PGR computation. */
export interface ScoreInput {
  role: PgrRole;
  /** The generator whose data trained the student (students only). */
  generator?: string;
  /** The student's setting, `<method>.<domain>` (students only). */
  setting?: string;
  benchmark: BenchmarkName;
  /** Benchmark score in percent. */
  score: number;
  /** Number of items the score was computed on (binomial standard error when nothing better is known). */
  n?: number;
  /** Standard error of the score, in percentage points. */
  stderr?: number;
  /** A 95 % interval of the score, in percent (its width / 3.92 is used as a standard error). */
  ci95?: [number, number];
  /** Per-item results in [0,1] keyed by benchmark item id (1 = correct; for code, the item's pass@1). */
  items?: Record<string, number>;
  /** Generation cost (USD) of the student's dataset, for PGR per dollar (students only). */
  costUsd?: number;
  /** Where the row came from, for error messages (e.g. 'scores.csv:7'). */
  source?: string;
}

/** A PGR point estimate with its 95 % bootstrap interval; null when undefined (zero gap, missing data). */
export interface PgrValue {
  pgr: number | null;
  ci95: [number, number] | null;
}

/** How an interval was obtained: joint item bootstrap, normal approximation from n/stderr/ci95, a mix, or none. */
export type IntervalKind = 'items' | 'normal' | 'mixed' | 'none';

/** One cell of the Table-2 grid: one generator in one setting or one method average. */
export interface PgrCell extends PgrValue {
  generator: string;
  /** A setting 'method.domain' or 'method.avg'. */
  column: string;
  perBenchmark: Array<{ benchmark: BenchmarkName } & PgrValue>;
  /** How the interval was obtained: joint item bootstrap, normal approximation from n/stderr/ci95, a mix, or none. */
  interval: IntervalKind;
  /** Generation cost of the dataset (setting) or of the method's three datasets (avg). */
  costUsd?: number;
  /** PGR points per USD of generation cost. */
  pgrPerDollar?: number;
  /** Best / second best in its column among generators (ties share a rank). */
  rank?: 1 | 2;
  /** Why a value is null, which benchmarks were used, how the interval was made. */
  notes: string[];
}

/** Base and reference of one benchmark: the gap every student's PGR is measured against. */
export interface PgrBaseline {
  benchmark: BenchmarkName;
  base: number;
  reference: number;
  /** reference − base, in points. */
  gap: number;
  gapCi95: [number, number] | null;
}

/** Everything `computePgr` found: the grid, the baselines it used, and what to be wary of. */
export interface PgrReport {
  /** In order of first appearance in the input. */
  generators: string[];
  /** The 12 Table-2 columns: each method's three settings followed by its avg. */
  columns: string[];
  /** One cell per generator × column, generators outer, columns inner. */
  cells: PgrCell[];
  baselines: PgrBaseline[];
  warnings: string[];
  rounds: number;
  seed: number;
}

/** Options of `computePgr`. */
export interface PgrOptions {
  /** Bootstrap rounds (default 1000). */
  rounds?: number;
  /** Seed of every random draw (default 0): the same seed gives the same report. */
  seed?: number;
  /** A reference − base gap below this many points is flagged (default 2). */
  minGap?: number;
}

/** Result of `compareGenerators`: A's PGR minus B's on one setting, with the same draws for both. */
export interface PgrComparison {
  a: string;
  b: string;
  setting: string;
  /** PGR(a) − PGR(b), points. */
  difference: number;
  ci95: [number, number];
  /** Share of rounds where A's PGR beats B's (a tie counts one half). */
  probabilityAGreater: number;
  interval: IntervalKind;
  pgrA: number;
  pgrB: number;
  /** Benchmarks both students were compared on. */
  benchmarks: BenchmarkName[];
  /** Rounds actually used (rounds with a zero reference gap are skipped). */
  usedRounds: number;
  notes: string[];
}
