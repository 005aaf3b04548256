import { csvRecords } from '../util/csvRecords';
import { DataError } from '../errors';
import type { AnalysisRow, AnalysisTable } from './types';

/** Label columns: never analysed, they name the row. Matched case-insensitively. */
const LABELS = ['id', 'generator', 'setting'] as const;
type Label = (typeof LABELS)[number];

/** Cells read as a missing value besides the empty one (what pandas and R write for NaN/NA). */
const MISSING = new Set(['', 'na', 'nan', 'null']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Reads a metric table for `agorabench analyze --table`: a header row, an id column (`id`, or
 * `generator` and `setting` (id `generator__setting`), or `generator` alone for one row per generator), and numeric columns
 * in any order; an empty cell (or NA/NaN/null) is a missing value. Metrics computed elsewhere
 * (a notebook, the paper) are then analysed exactly like our own. Every problem is a DataError at
 * `file:line` naming the column and the bad value.
 */
export function readTableCsv(text: string, file: string): AnalysisTable {
  const records = csvRecords(text, file);
  const header = records[0];
  if (!header) throw new DataError('empty file: expected a header row with an id column and numeric columns', `${file}:1`);
  const where = `${file}:${header.line}`;
  const names = header.fields.map((f) => f.trim());
  const labels = labelColumns(names, where);
  const numeric = names.map((name, i) => ({ name, i })).filter(({ i }) => ![...labels.values()].includes(i));
  if (!numeric.length) throw new DataError('no numeric columns besides the id column(s)', where);

  const rows: AnalysisRow[] = [];
  const seen = new Map<string, number>();
  for (const { fields, line } of records.slice(1)) {
    const at = `${file}:${line}`;
    const label = (c: Label): string | undefined => {
      const i = labels.get(c);
      return i === undefined ? undefined : (fields[i] ?? '').trim();
    };
    const row = rowLabels(label, at);
    const first = seen.get(row.id);
    if (first !== undefined) throw new DataError(`duplicate row id "${row.id}" (also at ${file}:${first})`, at);
    seen.set(row.id, line);
    for (const { name, i } of numeric) row.values[name] = cellNumber(fields[i] ?? '', name, at);
    rows.push(row);
  }
  if (!rows.length) throw new DataError('no data rows after the header', file);
  return { rows, columns: numeric.map((c) => c.name), source: file };
}

/** Which columns label the rows; names must be unique and non-empty. */
function labelColumns(names: readonly string[], where: string): Map<Label, number> {
  const seen = new Set<string>();
  const labels = new Map<Label, number>();
  names.forEach((name, i) => {
    if (!name) throw new DataError(`column ${i + 1} has no name in the header`, where);
    const lower = name.toLowerCase();
    if (seen.has(lower)) throw new DataError(`column "${name}" appears twice in the header`, where);
    seen.add(lower);
    if ((LABELS as readonly string[]).includes(lower)) labels.set(lower as Label, i);
  });
  if (!labels.has('id') && !labels.has('generator')) {
    throw new DataError(`no id column: the header needs "id", or "generator" and "setting" (one row per dataset), or "generator" alone (one row per generator); it has ${names.join(', ')}`, where);
  }
  return labels;
}

/** The row's id: its `id` cell, else `generator__setting` (the project's dataset id without the run), else the generator. */
function rowLabels(label: (c: Label) => string | undefined, at: string): AnalysisRow {
  const empty = (c: Label) => new DataError(`column "${c}": empty, but every row needs it to name the row`, at);
  const generator = label('generator');
  const setting = label('setting');
  let id = label('id');
  if (id === '') throw empty('id');
  if (id === undefined) {
    if (!generator) throw empty('generator');
    if (setting === '') throw empty('setting');
    id = setting === undefined ? generator : `${generator}__${setting}`;
  }
  const row: AnalysisRow = { id, values: {} };
  if (generator) row.generator = generator;
  if (setting) row.setting = setting;
  return row;
}

function cellNumber(raw: string, column: string, at: string): number | null {
  const cell = raw.trim();
  if (MISSING.has(cell.toLowerCase())) return null;
  const x = Number(cell);
  if (!NUMBER.test(cell) || !Number.isFinite(x)) throw new DataError(`column "${column}": expected a number (or an empty cell for a missing value), got "${raw}"`, at);
  return x;
}

