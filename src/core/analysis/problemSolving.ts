import { ols } from './regression';
import { isConstant, mean } from './stats';
import type { AnalysisRow, ProblemSolvingAnalysis } from './types';

/**
 * The paper's test of whether a good problem solver is a good data generator: a coarse regression
 * (each generator's mean target over its rows vs its problem-solving score; the paper: n = 6,
 * R² = 0.245, p = 0.32) and a fine one (target of each dataset vs its generator's score; the
 * paper: n = 54, R² = 0.097, p = 0.022). What could not be fitted is said in `warnings`.
 */
export function problemSolvingAnalysis(rows: readonly AnalysisRow[], target: string, column: string, warnings: string[]): ProblemSolvingAnalysis {
  const both = rows.filter((r) => typeof r.values[target] === 'number' && typeof r.values[column] === 'number');
  const value = (r: AnalysisRow, c: string) => r.values[c] as number;
  const fineFit = ols(target, both.map((r) => value(r, target)), [{ name: column, values: both.map((r) => value(r, column)) }]);
  if (!fineFit.ok) warnings.push(`no per-dataset regression of ${target} on ${column}: ${fineFit.reason}`);

  const generators = perGenerator(both, target, column, warnings);
  let coarse: ProblemSolvingAnalysis['coarse'] = null;
  if (generators.length) {
    const fit = ols(`mean ${target} per generator`, generators.map((g) => g.meanTarget), [{ name: column, values: generators.map((g) => g.problemSolving) }]);
    if (fit.ok) coarse = fit.result;
    else warnings.push(`no per-generator regression of ${target} on ${column}: ${fit.reason}`);
  }
  return { column, coarse, generators, fine: fineFit.ok ? fineFit.result : null };
}

/** Mean target and problem-solving score per generator, over rows that have both. */
function perGenerator(rows: readonly AnalysisRow[], target: string, column: string, warnings: string[]): ProblemSolvingAnalysis['generators'] {
  const unnamed = rows.filter((r) => r.generator === undefined);
  if (unnamed.length === rows.length) {
    if (rows.length) warnings.push(`no per-generator regression on ${column}: the rows name no generator (give the table a "generator" column)`);
    return [];
  }
  if (unnamed.length) warnings.push(`per-generator regression on ${column} leaves out ${unnamed.length} row(s) without a generator: ${unnamed.map((r) => r.id).join(', ')}`);
  const groups = new Map<string, AnalysisRow[]>();
  for (const r of rows) if (r.generator !== undefined) groups.set(r.generator, [...(groups.get(r.generator) ?? []), r]);
  return [...groups].map(([generator, group]) => {
    const scores = group.map((r) => r.values[column] as number);
    if (!isConstant(scores)) warnings.push(`${column} differs between the rows of generator ${generator} (${[...new Set(scores)].join(', ')}): its mean is used`);
    return { generator, problemSolving: mean(scores), meanTarget: mean(group.map((r) => r.values[target] as number)), rows: group.length };
  });
}
