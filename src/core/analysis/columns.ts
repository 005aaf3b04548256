import { DataError } from '../errors';
import { isConstant, mean, sampleSd } from './stats';
import type { AnalysisRow, AnalysisTable, AnalyzeOptions, ColumnSummary, DroppedColumn } from './types';

/** The options checked against the table: every name exists, k is a positive integer. */
export interface ResolvedOptions {
  target: string;
  /** Features asked for (or every column but the target), in table order when defaulted. */
  features: string[];
  components?: number;
  problemSolving?: string;
}

/**
 * Checks the names the user gave against the table's columns and lists every unknown one with the
 * columns that do exist, so a typo is fixed in one go. Errors are DataErrors at the table's source.
 */
export function resolveOptions(table: AnalysisTable, opts: AnalyzeOptions): ResolvedOptions {
  const known = new Set(table.columns);
  const unknown: string[] = [];
  if (!known.has(opts.target)) unknown.push(`target "${opts.target}"`);
  const badFeatures = (opts.features ?? []).filter((f) => !known.has(f));
  if (badFeatures.length) unknown.push(`feature(s) ${badFeatures.map((f) => `"${f}"`).join(', ')}`);
  if (opts.problemSolving !== undefined && !known.has(opts.problemSolving)) unknown.push(`problem-solving column "${opts.problemSolving}"`);
  if (unknown.length) throw new DataError(`unknown ${unknown.join(', ')}; the table's numeric columns are ${table.columns.join(', ')}`, table.source);
  if (opts.components !== undefined && !(Number.isInteger(opts.components) && opts.components >= 1)) {
    throw new DataError(`the number of components must be a positive integer, got ${opts.components}`, table.source);
  }
  const features = opts.features ? [...new Set(opts.features)] : table.columns.filter((c) => c !== opts.target);
  if (!features.length) throw new DataError(`no features: the table has no numeric column besides the target "${opts.target}"`, table.source);
  return { target: opts.target, features, components: opts.components, problemSolving: opts.problemSolving };
}

/** The non-missing values of a column, in row order. */
export function present(rows: readonly AnalysisRow[], column: string): number[] {
  return rows.map((r) => r.values[column]).filter((v): v is number => typeof v === 'number');
}

/** n, mean, sample sd and range of a column over its non-missing values. */
export function summarize(rows: readonly AnalysisRow[], column: string): ColumnSummary {
  const xs = present(rows, column);
  return {
    column,
    n: xs.length,
    missing: rows.length - xs.length,
    mean: xs.length ? mean(xs) : null,
    sd: xs.length >= 2 ? sampleSd(xs) : null,
    min: xs.length ? Math.min(...xs) : null,
    max: xs.length ? Math.max(...xs) : null,
  };
}

/** Why a feature cannot be standardised or correlated at all, or undefined when it can. */
export function unusable(rows: readonly AnalysisRow[], column: string): DroppedColumn | undefined {
  const xs = present(rows, column);
  if (xs.length < 2) return { column, reason: xs.length ? 'only one value' : 'no values' };
  if (isConstant(xs)) return { column, reason: `constant (every value is ${xs[0]})` };
  return undefined;
}
