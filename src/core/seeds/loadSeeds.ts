import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SeedSource } from '../config/types';
import { DataError } from '../errors';
import type { Example } from '../types';
import { fetchData, type DataContext } from './fetchData';
import { formatFromName, parseSeeds, type SeedFormat } from './parse';

const HF_ROWS_PAGE = 100; // the dataset viewer API's maximum page length

/** Loads a seed set from a local file, a URL or a Hugging Face dataset. */
export async function loadSeeds(src: SeedSource, ctx: DataContext, needResponse: boolean): Promise<Example[]> {
  const { text, label, format } = await seedText(src, ctx);
  return parseSeeds(text, { format, label, fields: src.fields, needResponse, limit: src.limit });
}

async function seedText(src: SeedSource, ctx: DataContext): Promise<{ text: string; label: string; format: SeedFormat }> {
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
    const got = await fetchData({ url: src.url, offlineNames: [name], sha256: src.sha256 }, ctx);
    return { text: got.text, label: `${src.url} (${got.from})`, format: src.format ?? formatFromName(name) ?? 'json' };
  }
  if (src.hf) {
    const headers: Record<string, string> = process.env.HF_TOKEN ? { authorization: `Bearer ${process.env.HF_TOKEN}` } : {};
    if (src.file) {
      const url = `https://huggingface.co/datasets/${src.hf}/resolve/${encodeURIComponent(src.revision ?? 'main')}/${src.file}`;
      const got = await fetchData({ url, offlineNames: [path.join(src.hf, src.file), src.file], sha256: src.sha256, headers }, ctx);
      return { text: got.text, label: `hf:${src.hf}/${src.file}`, format: src.format ?? formatFromName(src.file) ?? 'json' };
    }
    return { text: await hfRows({ ...src, hf: src.hf }, ctx, headers), label: `hf:${src.hf} (${src.config ?? 'default'}/${src.split ?? 'train'})`, format: 'jsonl' };
  }
  throw new DataError('a seed source needs "path", "url" or "hf"', 'seeds');
}

/**
 * Reads rows through Hugging Face's dataset viewer API (JSON, so no parquet reader is needed),
 * one cached page at a time, and returns them as JSONL. Offline: `<dataDir>/<hf>/<config>/<split>.jsonl`.
 */
async function hfRows(src: SeedSource & { hf: string }, ctx: DataContext, headers: Record<string, string>): Promise<string> {
  const config = src.config ?? 'default';
  const split = src.split ?? 'train';
  const limit = src.limit ?? 10_000;
  const offlineName = path.join(src.hf, config, `${split}.jsonl`);
  const lines: string[] = [];
  for (let offset = 0; offset < limit; offset += HF_ROWS_PAGE) {
    const length = Math.min(HF_ROWS_PAGE, limit - offset);
    const url = `https://datasets-server.huggingface.co/rows?dataset=${encodeURIComponent(src.hf)}&config=${encodeURIComponent(config)}&split=${encodeURIComponent(split)}&offset=${offset}&length=${length}`;
    if (offset === 0 && ctx.dataDir) {
      const local = path.join(ctx.dataDir, offlineName);
      if (fs.existsSync(local)) return fs.readFileSync(local, 'utf8');
    }
    const got = await fetchData({ url, offlineNames: [], headers }, ctx);
    const page = JSON.parse(got.text) as { rows?: { row: unknown }[]; num_rows_total?: number };
    for (const r of page.rows ?? []) lines.push(JSON.stringify(r.row));
    if (!page.rows?.length || offset + length >= (page.num_rows_total ?? Infinity)) break;
  }
  return lines.join('\n');
}
