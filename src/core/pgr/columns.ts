import type { BenchmarkName } from '../config/types';
import { BENCHMARK_INFO } from '../evaluation/benchmarks';
import { DOMAINS, METHODS, type Domain, type Method, type SettingKey } from '../types';

/** A Table-2 column: a setting, or a method's average over its three domains. */
export type PgrColumn = SettingKey | `${Method}.avg`;

/** The paper's Table 2 column order: each method's math, code, instruction-following settings, then its avg. */
export const PGR_COLUMNS: readonly PgrColumn[] = METHODS.flatMap((m): PgrColumn[] => [...DOMAINS.map((d): PgrColumn => `${m}.${d}`), `${m}.avg`]);

/** The nine settings, in Table 2 order. */
export const PGR_SETTINGS: readonly SettingKey[] = METHODS.flatMap((m) => DOMAINS.map((d): SettingKey => `${m}.${d}`));

/** The benchmarks the paper averages per domain (MATH via `math`, or `math-full` standing in for it). */
const PAPER_BENCHMARKS: Record<Domain, readonly BenchmarkName[]> = {
  math: ['gsm8k', 'math'],
  code: ['mbpp', 'humaneval'],
  instruction_following: ['alpaca-eval', 'arena-hard'],
};

/** True when a benchmark belongs to a domain (per BENCHMARK_INFO). */
export function inDomain(benchmark: BenchmarkName, domain: Domain): boolean {
  return BENCHMARK_INFO[benchmark].domain === domain;
}

/**
 * Which of a student's benchmarks make its setting's PGR: the domain's paper benchmarks it has,
 * `math-full` in place of `math` when `math` is absent. `missing` lists paper benchmarks it lacks.
 */
export function settingBenchmarks(domain: Domain, available: ReadonlySet<BenchmarkName>): { used: BenchmarkName[]; missing: BenchmarkName[] } {
  const used: BenchmarkName[] = [];
  const missing: BenchmarkName[] = [];
  for (const b of PAPER_BENCHMARKS[domain]) {
    const pick = b === 'math' && !available.has('math') && available.has('math-full') ? 'math-full' : b;
    (available.has(pick) ? used : missing).push(pick);
  }
  return { used, missing };
}
