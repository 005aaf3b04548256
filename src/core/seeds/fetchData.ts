import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../errors';
import { writeFileAtomic } from '../store/atomicFile';
import { createHash } from 'node:crypto';
import { sha256 } from '../util/rng';

/** Where public data comes from and where it is kept. */
export interface DataContext {
  /** Offline directory searched before anything is downloaded. */
  dataDir?: string;
  cacheDir: string;
  /** Never download (AGORABENCH_OFFLINE=1): only the offline directory and the cache. */
  offline?: boolean;
}

/** A downloadable file: its URL, the names it may have in an offline directory, and an optional pinned checksum. */
export interface RemoteFile {
  url: string;
  offlineNames: string[];
  sha256?: string;
  headers?: Record<string, string>;
}

export interface FetchedFile {
  /** The text (gunzipped when the name ends in .gz). */
  text: string;
  /** Path of the local copy the text came from (offline file or cache entry). */
  from: string;
  sha256: string;
}

interface CacheMeta {
  url: string;
  sha256: string;
  bytes: number;
  fetchedAt: string;
}

/**
 * Gets a public file: from the offline directory if it holds it, else from the download cache
 * (its checksum re-verified), else downloaded once and cached. A pinned sha256 is checked in
 * every case.
 */
export async function fetchData(file: RemoteFile, ctx: DataContext): Promise<FetchedFile> {
  const looked: string[] = [];
  const offline = ctx.dataDir ? findOffline(ctx.dataDir, file.offlineNames, looked) : undefined;
  if (offline) return verified(fs.readFileSync(offline), offline, file);

  const key = sha256(file.url).slice(0, 32);
  const ext = path.extname(new URL(file.url).pathname) || '.data';
  const cached = path.join(ctx.cacheDir, 'downloads', `${key}${ext}`);
  const metaFile = `${cached}.meta.json`;
  if (fs.existsSync(cached) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as CacheMeta;
    const bytes = fs.readFileSync(cached);
    if (sha256Buf(bytes) === meta.sha256) return verified(bytes, cached, file);
    // a corrupted cache entry is fetched again rather than trusted
  }
  if (ctx.offline) {
    throw new DataError(`not available offline (looked in ${looked.join(', ') || 'no offline directory'} and the cache)`, file.url);
  }
  let res: Response;
  try {
    res = await fetch(file.url, { headers: file.headers, redirect: 'follow' });
  } catch (e) {
    throw new DataError(`download failed (${(e as Error).message}); put the file in an offline directory (config "dataDir" or AGORABENCH_DATA_DIR)${looked.length ? `, looked in ${looked.join(', ')}` : ''}`, file.url);
  }
  if (!res.ok) throw new DataError(`download failed: HTTP ${res.status}`, file.url);
  const bytes = Buffer.from(await res.arrayBuffer());
  const out = verified(bytes, cached, file);
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  writeFileAtomic(cached, bytes);
  writeFileAtomic(metaFile, JSON.stringify({ url: file.url, sha256: out.sha256, bytes: bytes.length, fetchedAt: new Date().toISOString() } satisfies CacheMeta));
  return out;
}

function verified(bytes: Buffer, from: string, file: RemoteFile): FetchedFile {
  const sum = sha256Buf(bytes);
  if (file.sha256 && file.sha256 !== sum) throw new DataError(`checksum mismatch: expected sha256 ${file.sha256}, got ${sum}`, from);
  const text = (from.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return { text, from, sha256: sum };
}

function sha256Buf(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * Looks for any of `names` (relative paths) in the directory, then anywhere below it: a name with
 * a folder part (`gsm8k/test.jsonl`) must match that tail of the path, so another benchmark's
 * `test.jsonl` is never taken for it; a bare file name matches by itself.
 */
function findOffline(dir: string, names: string[], looked: string[]): string | undefined {
  for (const n of names) {
    const p = path.join(dir, n);
    looked.push(p);
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  const tails = names.map((n) => path.sep + path.normalize(n));
  const found = walk(dir, 6).find((p) => tails.some((t) => p.endsWith(t)));
  if (!found) looked.push(`${dir}/**/{${names.join(',')}}`);
  return found;
}

function walk(dir: string, depth: number): string[] {
  if (depth < 0 || !fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, depth - 1));
    else out.push(p);
  }
  return out;
}
