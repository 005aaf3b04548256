/**
 * A feature table: the input of the metric analysis. Kept independent of runs so a table from a
 * CSV, from the paper or from our own results store goes through the same `analyze`.
 */
export interface AnalysisTable {
  /** One row per dataset (or per generator for coarse analyses). */
  rows: AnalysisRow[];
  /** Column names in display order. */
  columns: string[];
  /** Where the table came from (file or run), for messages. */
  source: string;
}

/** One dataset (generator × setting) or one generator; `null` is a missing value. */
export interface AnalysisRow {
  id: string;
  generator?: string;
  setting?: string;
  values: Record<string, number | null>;
}

/** What to explain, with what. */
export interface AnalyzeOptions {
  /** Column explained by the others (the paper: PGR). */
  target: string;
  /** Columns used as features; default every column except the target (the paper's 9 metrics include problem solving). */
  features?: string[];
  /** Number k of top principal components the target is regressed on (default min(3, what the rows allow)). */
  components?: number;
  /** Column holding the generator's problem-solving score, for the paper's coarse/fine regressions. */
  problemSolving?: string;
}

/** n, mean, sample sd and range of one column over its non-missing values. */
export interface ColumnSummary {
  column: string;
  /** Non-missing values. */
  n: number;
  missing: number;
  mean: number | null;
  /** Sample standard deviation (n − 1); null below 2 values. */
  sd: number | null;
  min: number | null;
  max: number | null;
}

/** A row left out of an analysis step, and the columns whose missing values caused it. */
export interface DroppedRow {
  id: string;
  step: 'pca' | 'regression';
  missing: string[];
}

/** A requested column that no analysis could use, and why. */
export interface DroppedColumn {
  column: string;
  reason: string;
}

/** Principal components of the standardised features (correlation-matrix PCA). */
export interface PcaResult {
  /** Features in loading order. */
  features: string[];
  /** Component names, `PC1`…, one per kept component. */
  components: string[];
  /** Ids of the rows used (complete in every feature: listwise deletion). */
  rows: string[];
  /** Mean and sample sd per feature over those rows, used for the z-scores. */
  means: number[];
  sds: number[];
  /** Eigenvalues of the correlation matrix, largest first (variance of each component's scores). */
  eigenvalues: number[];
  /** Eigenvalue / sum of all eigenvalues, and the running total. */
  explainedVarianceRatio: number[];
  cumulativeVarianceRatio: number[];
  /** loadings[f][c]: unit-length eigenvector entry of feature f in component c (sign: largest |entry| positive). */
  loadings: number[][];
  /** Component scores per row (z-scores × loadings), in `rows` order. */
  scores: { id: string; values: number[] }[];
}

/** A correlation coefficient and its two-sided p-value (null where undefined, e.g. a constant column). */
export interface Correlation {
  r: number | null;
  p: number | null;
}

/** Pearson and Spearman correlation of one feature or component with the target. */
export interface CorrelationRow {
  variable: string;
  kind: 'feature' | 'component';
  /** Rows where both values are present (pairwise deletion). */
  n: number;
  pearson: Correlation;
  spearman: Correlation;
}

/** One term of a linear regression. */
export interface Coefficient {
  term: string;
  estimate: number;
  /** Standard error and two-sided t-test (n − k − 1 df); a perfect fit has se 0, t null (infinite) and p 0. */
  se: number;
  t: number | null;
  p: number;
}

/** Ordinary least squares with an intercept. */
export interface RegressionResult {
  /** Response and predictors, for messages. */
  response: string;
  predictors: string[];
  n: number;
  coefficients: Coefficient[];
  rSquared: number;
  adjustedRSquared: number;
  /** F statistic of the model against the intercept alone (null: infinite, a perfect fit), its degrees of freedom and p-value. */
  f: number | null;
  dfModel: number;
  dfResidual: number;
  fP: number;
}

/** The paper's check that problem solving does not predict data generation (Figure: coarse n=6, fine n=54). */
export interface ProblemSolvingAnalysis {
  column: string;
  /** Mean target per generator regressed on the generator's problem-solving score. */
  coarse: RegressionResult | null;
  /** Per generator: its score, mean target and how many rows that mean covers. */
  generators: { generator: string; problemSolving: number; meanTarget: number; rows: number }[];
  /** Target per dataset regressed on its generator's problem-solving score. */
  fine: RegressionResult | null;
}

/** Everything `analyze` found; plain JSON (no NaN/Infinity: undefined numbers are null). */
export interface AnalysisReport {
  source: string;
  target: string;
  /** Features requested (or defaulted) and features actually used after dropping unusable ones. */
  requestedFeatures: string[];
  features: string[];
  /** The metric table as given: target, features and problem-solving column for every row. */
  table: {
    columns: string[];
    rows: AnalysisRow[];
    summary: ColumnSummary[];
  };
  dropped: { columns: DroppedColumn[]; rows: DroppedRow[] };
  pca: PcaResult | null;
  correlations: CorrelationRow[];
  /** Target on the top-k component scores. */
  regression: RegressionResult | null;
  problemSolving: ProblemSolvingAnalysis | null;
  warnings: string[];
  /** How missing values, standardisation and p-values were handled, in words. */
  methods: string[];
}
