import { csvRecords } from '../util/csvRecords';
import { BENCHMARKS, type BenchmarkName } from '../config/types';
import { DataError } from '../errors';
import { PGR_SETTINGS } from './columns';
import type { PgrRole, ScoreInput } from './types';

const REQUIRED = ['role', 'generator', 'setting', 'benchmark', 'score'] as const;
const OPTIONAL = ['n', 'stderr'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const ROLES: readonly PgrRole[] = ['student', 'base', 'reference'];

/**
 * Reads a scores CSV for `agorabench pgr --scores`: header `role,generator,setting,benchmark,score`
 * plus optional `n,stderr`, in any order and any case. Scores imported from elsewhere (papers,
 * leaderboards, another harness) get the same PGR treatment as our own evaluations. Every problem
 * is a DataError at `file:line` naming the column and the bad value; each row's source is `file:line`.
 */
export function parseScoresCsv(text: string, file: string): ScoreInput[] {
  const records = csvRecords(text, file);
  const header = records[0];
  if (!header) throw new DataError(`empty file: expected the header ${REQUIRED.join(',')}`, `${file}:1`);
  const columns = headerColumns(header.fields, `${file}:${header.line}`);
  const out: ScoreInput[] = [];
  const seen = new Map<string, number>();
  for (const { fields, line } of records.slice(1)) {
    const where = `${file}:${line}`;
    const get = (c: Column): string => {
      const i = columns.get(c);
      return i === undefined ? '' : (fields[i] ?? '').trim();
    };
    const row = parseRow(get, where);
    const key = [row.role, row.generator ?? '', row.setting ?? '', row.benchmark].join('\u0000');
    const first = seen.get(key);
    if (first !== undefined) {
      throw new DataError(`duplicate row: the same role, generator, setting and benchmark as ${file}:${first} (columns role, generator, setting, benchmark)`, where);
    }
    seen.set(key, line);
    out.push(row);
  }
  if (!out.length) throw new DataError('no score rows after the header', file);
  return out;
}

/** Column name → field index; unknown, duplicate or missing columns are errors. */
function headerColumns(fields: readonly string[], where: string): Map<Column, number> {
  const known: readonly string[] = [...REQUIRED, ...OPTIONAL];
  const columns = new Map<Column, number>();
  const extra: string[] = [];
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!known.includes(name)) extra.push(`"${raw}"`);
    else if (columns.has(name as Column)) throw new DataError(`column "${name}" appears twice in the header`, where);
    else columns.set(name as Column, i);
  });
  if (extra.length) throw new DataError(`unknown column(s) ${extra.join(', ')} in the header (allowed: ${known.join(', ')})`, where);
  const missing = REQUIRED.filter((c) => !columns.has(c));
  if (missing.length) throw new DataError(`missing column(s) ${missing.join(', ')} in the header`, where);
  return columns;
}

function parseRow(get: (c: Column) => string, where: string): ScoreInput {
  const bad = (column: Column, message: string): DataError => new DataError(`column "${column}": ${message}, got "${get(column)}"`, where);
  const role = get('role').toLowerCase() as PgrRole;
  if (!ROLES.includes(role)) throw bad('role', `expected ${ROLES.join(', ')}`);
  const generator = get('generator');
  const setting = get('setting');
  if (role === 'student') {
    if (!generator) throw bad('generator', 'a student row needs the generator whose data trained it');
    if (!setting) throw bad('setting', 'a student row needs its setting <method>.<domain>');
    if (!(PGR_SETTINGS as readonly string[]).includes(setting)) throw bad('setting', `expected one of ${PGR_SETTINGS.join(', ')}`);
  } else {
    // base and reference are shared by every student
    if (generator) throw bad('generator', `must be empty for a ${role} row`);
    if (setting) throw bad('setting', `must be empty for a ${role} row`);
  }
  const benchmark = get('benchmark').toLowerCase();
  if (!(BENCHMARKS as readonly string[]).includes(benchmark)) throw bad('benchmark', `expected one of ${BENCHMARKS.join(', ')}`);
  const score = get('score') === '' ? NaN : Number(get('score'));
  if (!Number.isFinite(score)) throw bad('score', 'expected a number (percent)');
  const row: ScoreInput = { role, benchmark: benchmark as BenchmarkName, score, source: where };
  if (role === 'student') Object.assign(row, { generator, setting });
  if (get('n') !== '') {
    const n = Number(get('n'));
    if (!(Number.isInteger(n) && n > 0)) throw bad('n', 'expected a positive integer (items scored)');
    row.n = n;
  }
  if (get('stderr') !== '') {
    const stderr = Number(get('stderr'));
    if (!(Number.isFinite(stderr) && stderr >= 0)) throw bad('stderr', 'expected a number ≥ 0 (percentage points)');
    row.stderr = stderr;
  }
  return row;
}

