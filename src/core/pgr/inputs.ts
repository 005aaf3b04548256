import { BENCHMARKS, type BenchmarkName } from '../config/types';
import { DataError } from '../errors';
import { parseSettingKey, type SettingKey } from '../types';
import type { ScoreInput } from './types';

/** Score rows sorted by role: one base and one reference row per benchmark, students by generator and setting. */
export interface ScoreIndex {
  base: Map<BenchmarkName, ScoreInput>;
  reference: Map<BenchmarkName, ScoreInput>;
  /** generator → setting → benchmark → row. */
  students: Map<string, Map<SettingKey, Map<BenchmarkName, ScoreInput>>>;
  /** In order of first appearance. */
  generators: string[];
}

/** Where a row came from, for messages: its `source`, else its position in the input. */
export function rowSource(row: ScoreInput, index?: number): string {
  return row.source ?? (index !== undefined ? `input row ${index + 1}` : 'input row');
}

/**
 * Checks every row and sorts them by role. Rows are checked here rather than trusted because they
 * come from CSV files, stores and hand-written scripts alike; a bad one names its source.
 */
export function indexScores(inputs: readonly ScoreInput[]): ScoreIndex {
  const index: ScoreIndex = { base: new Map(), reference: new Map(), students: new Map(), generators: [] };
  const seen = new Map<string, string>();
  inputs.forEach((row, i) => {
    const where = rowSource(row, i);
    checkRow(row, where);
    const key = [row.role, row.generator ?? '', row.setting ?? '', row.benchmark].join('\u0000');
    const first = seen.get(key);
    if (first !== undefined) throw new DataError(`duplicate ${describeRow(row)} (first at ${first})`, where);
    seen.set(key, where);
    if (row.role !== 'student') {
      index[row.role].set(row.benchmark, row);
      return;
    }
    const generator = row.generator as string;
    let settings = index.students.get(generator);
    if (!settings) {
      settings = new Map();
      index.students.set(generator, settings);
      index.generators.push(generator);
    }
    const setting = row.setting as SettingKey;
    let benchmarks = settings.get(setting);
    if (!benchmarks) {
      benchmarks = new Map();
      settings.set(setting, benchmarks);
    }
    benchmarks.set(row.benchmark, row);
  });
  return index;
}

/** "student row GPT-4o / instance_generation.math / gsm8k", "base row gsm8k", for messages. */
export function describeRow(row: ScoreInput): string {
  return row.role === 'student' ? `student row ${row.generator} / ${row.setting} / ${row.benchmark}` : `${row.role} row ${row.benchmark}`;
}

function checkRow(row: ScoreInput, where: string): void {
  if (row.role !== 'student' && row.role !== 'base' && row.role !== 'reference') {
    throw new DataError(`role must be student, base or reference, got "${String(row.role)}"`, where);
  }
  if (!(BENCHMARKS as readonly string[]).includes(row.benchmark)) {
    throw new DataError(`unknown benchmark "${row.benchmark}" (known: ${BENCHMARKS.join(', ')})`, where);
  }
  if (typeof row.score !== 'number' || !Number.isFinite(row.score)) throw new DataError(`score must be a finite number, got ${String(row.score)}`, where);
  if (row.role === 'student') {
    if (!row.generator?.trim()) throw new DataError('a student row needs a generator', where);
    if (!row.setting || !parseSettingKey(row.setting)) throw new DataError(`a student row needs a setting "<method>.<domain>", got "${row.setting ?? ''}"`, where);
  } else if (row.generator || row.setting) {
    // base and reference are shared by every student; a generator on them means a mix-up upstream
    throw new DataError(`a ${row.role} row has no generator or setting (got "${row.generator ?? ''}" / "${row.setting ?? ''}")`, where);
  }
  if (row.n !== undefined && !(Number.isInteger(row.n) && row.n > 0)) throw new DataError(`n must be a positive integer, got ${row.n}`, where);
  if (row.stderr !== undefined && !(Number.isFinite(row.stderr) && row.stderr >= 0)) throw new DataError(`stderr must be a number ≥ 0, got ${row.stderr}`, where);
  if (row.ci95 !== undefined) {
    const [lo, hi] = row.ci95;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new DataError(`ci95 must be [low, high] with low ≤ high, got [${lo}, ${hi}]`, where);
  }
  if (row.costUsd !== undefined && !(Number.isFinite(row.costUsd) && row.costUsd >= 0)) throw new DataError(`costUsd must be a number ≥ 0, got ${row.costUsd}`, where);
  if (row.items) {
    for (const [id, v] of Object.entries(row.items)) {
      if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw new DataError(`item "${id}" must be a result in [0, 1], got ${v}`, where);
    }
  }
}
