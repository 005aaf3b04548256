import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SeedSource } from '../config/types';
import { DataError } from '../errors';
import type { Example } from '../types';
import { sha256 } from '../util/rng';
import { fetchData, type DataContext } from './fetchData';
import { formatFromName, parseSeeds, type SeedFormat } from './parse';

const HF_ROWS_PAGE = 100; // the dataset viewer API's maximum page length

/** Loads a seed set from a local file, a URL or a Hugging Face dataset. */
export async function loadSeeds(src: SeedSource, ctx: DataContext, needResponse: boolean): Promise<Example[]> {
  const { text, label, format } = await loadSeedsText(src, ctx);
  return parseSeeds(text, { format, label, fields: src.fields, needResponse, limit: src.limit });
}

/**
 * The text of a data source (seeds or a benchmark). `offlineNames` replaces the names looked for
 * in the offline directory (default: the URL's file name), so a benchmark asks for
 * `gsm8k/test.jsonl` rather than any `test.jsonl`.
 */
export async function loadSeedsText(src: SeedSource, ctx: DataContext, offlineNames?: string[]): Promise<{ text: string; label: string; format: SeedFormat }> {
  if (src.hf && !src.file && offlineNames?.length && ctx.dataDir) {
    for (const n of offlineNames) {
      const local = path.join(ctx.dataDir, n);
      if (fs.existsSync(local)) return { text: readText(local), label: local, format: formatFromName(n) ?? 'jsonl' };
    }
  }
  if (src.path) {
    let text: string;
    try {
      text = fs.readFileSync(src.path, 'utf8');
    } catch (e) {
      throw new DataError(`cannot read seed file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, src.path);
    }
    return { text, label: src.path, format: src.format ?? formatFromName(src.path) ?? 'json' };
  }
  if (src.url) {
    const name = path.basename(new URL(src.url).pathname);
    const got = await fetchData({ url: src.url, offlineNames: offlineNames ?? [name], sha256: src.sha256 }, ctx);
    return { text: got.text, label: `${src.url} (${got.from})`, format: src.format ?? formatFromName(name) ?? 'json' };
  }
  if (src.hf) {
    const headers: Record<string, string> = process.env.HF_TOKEN ? { authorization: `Bearer ${process.env.HF_TOKEN}` } : {};
    if (src.file) {
      const url = `${hubEndpoint()}/datasets/${src.hf}/resolve/${encodeURIComponent(src.revision ?? 'main')}/${src.file}`;
      const got = await fetchData({ url, offlineNames: [path.join(src.hf, src.file), src.file], sha256: src.sha256, headers }, ctx);
      return { text: got.text, label: `hf:${src.hf}/${src.file}`, format: src.format ?? formatFromName(src.file) ?? 'json' };
    }
    return { text: await hfRows({ ...src, hf: src.hf }, ctx, headers), label: `hf:${src.hf} (${src.config ?? 'default'}/${src.split ?? 'train'}${src.where ? ` where ${src.where}` : ''})`, format: 'jsonl' };
  }
  throw new DataError('a seed source needs "path", "url" or "hf"', 'seeds');
}

/** The Hugging Face Hub (`HF_ENDPOINT`, the hub's own convention for mirrors). */
function hubEndpoint(): string {
  return (process.env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

/** The dataset viewer API (`AGORABENCH_HF_DATASETS_SERVER` for a mirror or a proxy). */
function datasetsServer(): string {
  return (process.env.AGORABENCH_HF_DATASETS_SERVER || 'https://datasets-server.huggingface.co').replace(/\/+$/, '');
}

function readText(file: string): string {
  const bytes = fs.readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Above this many rows a source without a `limit` is refused: the rows API serves 100 rows per request. */
const HF_ROWS_WITHOUT_LIMIT = 200_000;

/**
 * Offline file of a dataset-viewer source: `<hf>/<config>/<split>.jsonl`, or for a filter
 * `<split>.where-<readable slug>-<8 hex of its sha256>.jsonl` (the slug alone would let
 * `a='x'` and `a<>'x'` collide).
 */
export function hfOfflineName(src: SeedSource & { hf: string }): string {
  const split = src.split ?? 'train';
  const slug = src.where ? `.where-${src.where.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${sha256(src.where).slice(0, 8)}` : '';
  return path.join(src.hf, src.config ?? 'default', `${split}${slug}.jsonl`);
}

/**
 * Reads rows through Hugging Face's dataset viewer API (JSON, so no parquet reader is needed):
 * `/rows`, or `/filter` when the source has a `where` predicate, one cached page of 100 rows at a
 * time, every row of the split unless `limit` says otherwise; returns them as JSONL.
 * Offline: `<dataDir>/` + `hfOfflineName(src)`.
 */
async function hfRows(src: SeedSource & { hf: string }, ctx: DataContext, headers: Record<string, string>): Promise<string> {
  const config = src.config ?? 'default';
  const split = src.split ?? 'train';
  const limit = src.limit ?? Infinity;
  if (ctx.dataDir) {
    const local = path.join(ctx.dataDir, hfOfflineName(src));
    if (fs.existsSync(local)) return fs.readFileSync(local, 'utf8');
  }
  const endpoint = src.where ? 'filter' : 'rows';
  const base = `${datasetsServer()}/${endpoint}?dataset=${encodeURIComponent(src.hf)}&config=${encodeURIComponent(config)}&split=${encodeURIComponent(split)}${
    src.where ? `&where=${encodeURIComponent(src.where)}` : ''
  }`;
  const lines: string[] = [];
  for (let offset = 0; offset < limit; offset += HF_ROWS_PAGE) {
    const length = Math.min(HF_ROWS_PAGE, limit - offset);
    const url = `${base}&offset=${offset}&length=${length}`;
    const got = await fetchData({ url, offlineNames: [], headers }, ctx).catch((e: unknown) => {
      // offline and not cached: say which file would serve instead of the API
      if (!ctx.offline || !(e instanceof DataError)) throw e;
      throw new DataError(`not available offline: put its rows, one JSON object per line, at <offline directory>/${hfOfflineName(src)}${ctx.dataDir ? ` (looked in ${ctx.dataDir})` : ''}`, `hf:${src.hf}`);
    });
    const page = JSON.parse(got.text) as { rows?: { row: unknown; truncated_cells?: string[] }[]; num_rows_total?: number };
    const total = page.num_rows_total ?? Infinity;
    if (offset === 0 && limit === Infinity && total > HF_ROWS_WITHOUT_LIMIT) {
      throw new DataError(`hf:${src.hf} (${config}/${split}) has ${total.toLocaleString('en-US')} rows; set "limit" to the number of seed rows to read (the rows API serves 100 per request)`, 'seeds');
    }
    for (const r of page.rows ?? []) {
      if (r.truncated_cells?.length) throw new DataError(`row ${offset} onwards: the dataset viewer truncated the cells ${r.truncated_cells.join(', ')}; download the file instead ("file")`, url);
      lines.push(JSON.stringify(r.row));
    }
    if (!page.rows?.length || offset + length >= total) break;
  }
  return lines.join('\n');
}
