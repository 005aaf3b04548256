import { parse as parseCsv } from 'csv-parse/sync';
import { DataError } from '../errors';

/** CSV records (RFC 4180, quoted fields may hold commas and newlines) with the line each starts on. */
export function csvRecords(text: string, file: string): { fields: string[]; line: number }[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { info: true, skip_empty_lines: true, bom: true, relax_column_count: false }) as unknown as typeof records;
  } catch (e) {
    const lines = (e as { lines?: number }).lines;
    throw new DataError(`invalid CSV (${(e as Error).message})`, lines ? `${file}:${lines}` : file);
  }
  // info.lines is the line a record ends on; quoted newlines inside it move its start up
  return records.map(({ record, info }) => ({
    fields: record,
    line: info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0),
  }));
}

/** RFC 4180 quoting where a cell needs it. */
export function csvCell(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A number at full precision; empty for null, NaN or infinity. */
export function csvNumber(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '' : String(x);
}

/** One CSV line (no line end) from its cells. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}
