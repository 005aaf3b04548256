import { parse as parseCsv } from 'csv-parse/sync';
import { DataError } from '../errors';
import type { Example } from '../types';
import { parseLocated } from '../util/jsonLocate';

export type SeedFormat = 'json' | 'jsonl' | 'csv';

/** Field names tried, in order, when a config does not say which columns to use. */
const INSTRUCTION_FIELDS = ['instruction', 'question', 'prompt', 'problem', 'input', 'query', 'intent'];
const RESPONSE_FIELDS = ['response', 'answer', 'output', 'solution', 'completion', 'code', 'snippet'];

export interface SeedParseOptions {
  format: SeedFormat;
  /** Shown in error messages (the file the text came from). */
  label: string;
  fields?: { instruction?: string; response?: string };
  /** Whether every row needs a response (instance generation demos and quality enhancement do). */
  needResponse: boolean;
  limit?: number;
}

export function formatFromName(name: string): SeedFormat | undefined {
  const n = name.toLowerCase().replace(/\.gz$/, '');
  if (n.endsWith('.jsonl') || n.endsWith('.ndjson')) return 'jsonl';
  if (n.endsWith('.json')) return 'json';
  if (n.endsWith('.csv')) return 'csv';
  return undefined;
}

/** Parses seed rows into examples; a bad row raises DataError naming the file and line. */
export function parseSeeds(text: string, o: SeedParseOptions): Example[] {
  const rows = o.format === 'jsonl' ? jsonlRows(text, o.label) : o.format === 'csv' ? csvRows(text, o.label) : jsonRows(text, o.label);
  const out: Example[] = [];
  for (const { row, line } of rows) {
    if (o.limit !== undefined && out.length >= o.limit) break;
    out.push(toExample(row, line, o));
  }
  if (!out.length) throw new DataError('no seed rows found', o.label);
  return out;
}

export interface LocatedRow {
  row: unknown;
  line: number;
}

/** Rows of a JSON array (or `{data: [...]}`) or JSONL text, each with its line; bad JSON names file and line. */
export function parseRows(text: string, format: 'json' | 'jsonl', label: string): LocatedRow[] {
  return format === 'jsonl' ? jsonlRows(text, label) : jsonRows(text, label);
}

function jsonlRows(text: string, label: string): LocatedRow[] {
  const out: LocatedRow[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    try {
      out.push({ row: JSON.parse(l), line: i + 1 });
    } catch (e) {
      throw new DataError(`invalid JSON on this line (${(e as Error).message})`, `${label}:${i + 1}`);
    }
  });
  return out;
}

/** Fields of a JSON object that may hold the rows, in the order they are looked for. */
export const SEED_ARRAY_KEYS = ['data', 'rows', 'examples', 'train'];

function jsonRows(text: string, label: string): LocatedRow[] {
  const json = parseLocated(text);
  const err = json.syntaxErrors[0];
  if (err) throw new DataError(`invalid JSON: ${err.message}`, `${label}:${err.line}:${err.column}`);
  let value = json.value;
  let base = '';
  // accept {"data": [...]} / {"rows": [...]} wrappers as well as a bare array
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const key = SEED_ARRAY_KEYS.find((k) => Array.isArray((value as Record<string, unknown>)[k]));
    if (!key) throw new DataError('expected a JSON array of objects (or an object with a "data" array)', label);
    value = (value as Record<string, unknown>)[key];
    base = `/${key}`;
  }
  if (!Array.isArray(value)) throw new DataError('expected a JSON array of objects', label);
  return value.map((row, i) => ({ row, line: json.locate(`${base}/${i}`).line }));
}

function csvRows(text: string, label: string): LocatedRow[] {
  try {
    const records = parseCsv(text, { columns: true, info: true, raw: true, skip_empty_lines: true, bom: true, relax_column_count: false }) as {
      record: Record<string, string>;
      info: { lines: number };
      raw: string;
    }[];
    // info.lines is where a record ends; report where it starts, as for JSON rows
    return records.map((r) => {
      const body = r.raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
      return { row: r.record, line: r.info.lines - (body.match(/\n/g)?.length ?? 0) };
    });
  } catch (e) {
    const lines = (e as { lines?: number }).lines;
    throw new DataError(`invalid CSV (${(e as Error).message})`, lines ? `${label}:${lines}` : label);
  }
}

function toExample(row: unknown, line: number, o: SeedParseOptions): Example {
  const where = `${o.label}:${line}`;
  if (!row || typeof row !== 'object' || Array.isArray(row)) throw new DataError('expected an object with instruction and response fields', where);
  const r = row as Record<string, unknown>;
  const instruction = field(r, o.fields?.instruction, INSTRUCTION_FIELDS, 'instruction', where, true);
  const response = field(r, o.fields?.response, RESPONSE_FIELDS, 'response', where, o.needResponse);
  return { instruction, response };
}

function field(r: Record<string, unknown>, configured: string | undefined, candidates: string[], what: string, where: string, required: boolean): string {
  const names = configured ? [configured] : candidates;
  for (const n of names) {
    const v = r[n];
    if (typeof v === 'string' && v.trim()) return v;
    if (typeof v === 'number') return String(v);
  }
  if (!required) return '';
  const tried = configured ? `"${configured}"` : names.map((n) => `"${n}"`).join(', ');
  const has = Object.keys(r).slice(0, 8).map((k) => `"${k}"`).join(', ');
  throw new DataError(`missing ${what}: no non-empty field ${tried} (row has ${has || 'no fields'}); set "fields.${what}" in the seed source`, where);
}
