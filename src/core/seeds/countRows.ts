// Counts a local seed file's rows the way the seed loader would, without reading more than needed:
// an editor checks configs as they are typed, and a seed file may be gigabytes.
import * as fs from 'node:fs';
import { parse as parseCsvStream } from 'csv-parse';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { SEED_ARRAY_KEYS, type SeedFormat } from './parse';

/** Rows seen; `complete` = the whole file was read, so `rows` is its row count (else it has at least that many). */
export interface RowCount {
  rows: number;
  complete: boolean;
}

/** JSON has to be parsed whole: above this size its rows are not counted. */
export const JSON_COUNT_MAX_BYTES = 32 * 1024 * 1024;
/** JSONL and CSV are streamed, and given up on after this many bytes. */
export const STREAM_COUNT_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Rows of a seed file, counted until `upTo` is reached (enough to know that a setting is not short
 * of seeds); undefined when they cannot be counted cheaply (too large, unreadable, not valid in its
 * format: the run reports those).
 */
export async function countSeedRows(file: string, format: SeedFormat, upTo: number): Promise<RowCount | undefined> {
  try {
    if (/\.gz$/i.test(file)) return undefined;
    if (format === 'json') return await countJson(file);
    return await (format === 'jsonl' ? countJsonl(file, upTo) : countCsv(file, upTo));
  } catch {
    return undefined;
  }
}

async function countJson(file: string): Promise<RowCount | undefined> {
  const stat = await fs.promises.stat(file);
  if (stat.size > JSON_COUNT_MAX_BYTES) return undefined;
  const text = await fs.promises.readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // the loader reads JSON with comments too
    const errors: ParseError[] = [];
    value = parseJsonc(text, errors);
    if (errors.length) return undefined;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const key = SEED_ARRAY_KEYS.find((k) => Array.isArray((value as Record<string, unknown>)[k]));
    value = key ? (value as Record<string, unknown>)[key] : undefined;
  }
  return Array.isArray(value) ? { rows: value.length, complete: true } : undefined;
}

/** Non-blank lines, as the loader's JSONL reader counts them. */
function countJsonl(file: string, upTo: number): Promise<RowCount | undefined> {
  return new Promise((resolve, reject) => {
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    let rows = 0;
    let bytes = 0;
    let content = false;
    stream.on('data', (chunk: string | Buffer) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += b.length;
      for (let i = 0; i < b.length && rows < upTo; i++) {
        const c = b[i];
        if (c === 10) {
          if (content) rows++;
          content = false;
        } else if (c !== 32 && c !== 9 && c !== 13) content = true;
      }
      if (rows >= upTo) {
        stream.destroy();
        resolve({ rows, complete: false });
      } else if (bytes > STREAM_COUNT_MAX_BYTES) {
        stream.destroy();
        resolve(undefined);
      }
    });
    stream.on('end', () => resolve({ rows: rows + (content ? 1 : 0), complete: true }));
    stream.on('error', reject);
  });
}

/** Records after the header row, read with the loader's CSV options (quoted line breaks stay in one record). */
function countCsv(file: string, upTo: number): Promise<RowCount | undefined> {
  return new Promise((resolve) => {
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    const parser = parseCsvStream({ columns: true, skip_empty_lines: true, bom: true, relax_column_count: false });
    let rows = 0;
    let bytes = 0;
    let settled = false;
    const done = (r: RowCount | undefined) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      parser.destroy();
      resolve(r);
    };
    stream.on('data', (chunk: string | Buffer) => {
      bytes += chunk.length;
      if (bytes > STREAM_COUNT_MAX_BYTES) done(undefined);
    });
    parser.on('readable', () => {
      while (parser.read() !== null) rows++;
      if (rows >= upTo) done({ rows, complete: false });
    });
    parser.on('end', () => done({ rows, complete: true }));
    parser.on('error', () => done(undefined));
    stream.on('error', () => done(undefined));
    stream.pipe(parser);
  });
}

/**
 * countSeedRows with a cache: a file unchanged since it was counted (same size and modification
 * time) is not read again while a config is edited.
 */
export class SeedRowCounter {
  private readonly cache = new Map<string, { size: number; mtimeMs: number; count: RowCount | undefined }>();

  async count(file: string, format: SeedFormat, upTo: number): Promise<RowCount | undefined> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const key = `${format}\u0000${file}`;
    const hit = this.cache.get(key);
    if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs && (!hit.count || hit.count.complete || hit.count.rows >= upTo)) return hit.count;
    const count = await countSeedRows(file, format, upTo);
    this.cache.delete(key);
    this.cache.set(key, { size: stat.size, mtimeMs: stat.mtimeMs, count });
    // the oldest entries go first: a session touches a handful of seed files
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value as string);
    return count;
  }
}
