// How fast are the panels on large stores? For a 100K-instance dataset (~2 KB each) and a 10K one:
// opening and the first page through the browse worker, page queries (p95), a filter, a sort and
// a text search, the same queries on better-sqlite3 (a native SQLite reading the same file) for a
// ratio, the first paint of the instance browser and a 100K-point scatter in headless chromium,
// and the largest stall of the calling thread while a run writes and checkpoints a 100K store
// (in process vs the job worker the extension uses). Ends with one JSON line per size.
// Sizes: BENCH_PANELS_SIZES (default "100000,10000"). Stores are cached in out/bench-data/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BrowseClient, type BrowseDataset } from '../src/core/browse';
import { DatasetStore, type DatasetInfo, type InstanceRecord } from '../src/core/store/datasetStore';
import { packageRoot } from '../src/core/util/assets';
import { Rng } from '../src/core/util/rng';
import { DEFAULT_QUERY, type QueryView } from '../src/protocol/instancesProtocol';
import { browserFigures } from './panelsBrowser';
import { stallFigures } from './panelsStall';

const SIZES = (process.env.BENCH_PANELS_SIZES ?? '100000,10000').split(',').map(Number);
const PAGE = 200;
const QUALITY = 'judge.quality@bench-judge';
const DIFFICULTY = 'judge.difficulty@bench-judge';
const STORE_VERSION = 1;

const WORDS = 'the of a to in is that for it as with was on be by this are from at or an which not have has but all can more one their were about also its into only other than then these some would like time when so what may two such most each well how first even after much where through both those any very same over new just because'.split(' ');

function text(rng: () => number, chars: number): string {
  let s = '';
  while (s.length < chars) {
    const w = WORDS[Math.floor(rng() * WORDS.length)] as string;
    s += rng() < 0.08 ? `${w}. ` : rng() < 0.01 ? `$x^${Math.floor(rng() * 9)}$ ` : `${w} `;
  }
  return s.slice(0, chars);
}

export const benchInfo = (n: number): DatasetInfo => ({ id: `bench${n}__gen__instance_generation.math`, run: `bench${n}`, generator: 'gen', setting: 'instance_generation.math', target: n, model: 'bench-model' });

/** A store of n instances (~2 KB each, 1 in 20 failed) with two judge metrics, built once and cached. */
export async function benchStore(n: number): Promise<string> {
  const dir = path.join(packageRoot(), 'out', 'bench-data', `panels-v${STORE_VERSION}-${n}`, 'datasets', benchInfo(n).id);
  if (fs.existsSync(path.join(dir, 'complete'))) return dir;
  fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true, force: true });
  const t0 = performance.now();
  const rand = new Rng(n);
  const rng = () => rand.next();
  const store = await DatasetStore.open(dir, benchInfo(n));
  const pending: Promise<unknown>[] = [];
  for (let slot = 0; slot < n; slot++) {
    const failed = rng() < 0.05;
    const r: InstanceRecord = {
      slot,
      status: failed ? 'failed' : 'valid',
      instruction: failed ? '' : text(rng, 300 + Math.floor(rng() * 300)),
      response: failed ? '' : text(rng, 1200 + Math.floor(rng() * 800)),
      rawOutput: failed ? text(rng, 400) : '',
      reasons: failed ? ['format (paper): no [RESULT] marker'] : [],
      attempts: failed ? 10 : 1 + Math.floor(rng() * 2),
      usage: { inputTokens: 900 + Math.floor(rng() * 300), outputTokens: 300 + Math.floor(rng() * 400) },
      costUsd: rng() / 1000,
      latencyMs: Math.floor(rng() * 3000),
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      contentHash: `h${slot}`,
      meta: {},
    };
    pending.push(store.recordInstance(r));
    if (pending.length >= 5000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const metrics = [];
  for (let slot = 0; slot < n; slot++) {
    metrics.push({ slot, key: QUALITY, value: 1 + Math.floor(rng() * 5), detail: {} }, { slot, key: DIFFICULTY, value: rng() < 0.1 ? null : 1 + Math.floor(rng() * 5), detail: {} });
  }
  for (let i = 0; i < metrics.length; i += 20_000) await store.recordMetrics(metrics.slice(i, i + 20_000));
  await store.close();
  fs.writeFileSync(path.join(dir, 'complete'), '');
  console.error(`[bench] built a ${n}-instance store in ${((performance.now() - t0) / 1000).toFixed(1)} s (${Math.round(fs.statSync(path.join(dir, 'dataset.sqlite')).size / 2 ** 20)} MiB)`);
  return dir;
}

const FILTER: QueryView = { filter: { status: 'valid', metrics: [{ key: QUALITY, min: 4 }] }, sort: { column: 'slot', dir: 'asc' } };
const SORT: QueryView = { filter: { status: 'all', metrics: [] }, sort: { column: `metric:${DIFFICULTY}`, dir: 'desc' } };
const TEXT: QueryView = { filter: { status: 'all', metrics: [], text: 'because very' }, sort: { column: 'slot', dir: 'asc' } };

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] as number;
const round = (x: number) => Math.round(x * 10) / 10;

async function timed<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

interface QueryFigures {
  openFirstPageMs: number;
  /** The metric columns (keys and counts), asked with the first page and served after it. */
  columnsMs?: number;
  /** A filter right after opening, before the idle worker loaded the columns it needs. */
  filterColdMs?: number;
  pageP95Ms: number;
  sortedPageP95Ms: number;
  filterMs: number;
  sortMs: number;
  textSearchMs: number;
  matches: { filter: number; text: number };
}

async function ours(dataset: BrowseDataset, n: number): Promise<QueryFigures> {
  const client = new BrowseClient();
  try {
    // what the panel asks for at once: the metric columns and the first page (served first)
    const t0 = performance.now();
    const columns = client.request('columns', dataset, {}).then(() => performance.now() - t0);
    const [openFirstPageMs] = await timed(() => client.request('rows', dataset, { query: DEFAULT_QUERY, offset: 0, limit: PAGE }));
    const columnsMs = await columns;
    // the filter a user applies first, before the idle worker has loaded its columns
    const [filterColdMs] = await timed(() => client.request('rows', dataset, { query: { ...FILTER, filter: { ...FILTER.filter, metrics: [{ key: DIFFICULTY, max: 2 }] } }, offset: 0, limit: PAGE }));
    const rand = new Rng(7);
    const rng = () => rand.next();
    const pages: number[] = [];
    for (let i = 0; i < 60; i++) pages.push((await timed(() => client.request('rows', dataset, { query: DEFAULT_QUERY, offset: Math.floor(rng() * (n - PAGE)), limit: PAGE })))[0]);
    const [filterMs, filtered] = await timed(() => client.request('rows', dataset, { query: FILTER, offset: 0, limit: PAGE }));
    const [sortMs] = await timed(() => client.request('rows', dataset, { query: SORT, offset: 0, limit: PAGE }));
    const sortedPages: number[] = [];
    for (let i = 0; i < 60; i++) sortedPages.push((await timed(() => client.request('rows', dataset, { query: SORT, offset: Math.floor(rng() * (n - PAGE)), limit: PAGE })))[0]);
    const [textSearchMs, text] = await timed(() => client.request('rows', dataset, { query: TEXT, offset: 0, limit: PAGE }));
    return { openFirstPageMs, columnsMs, filterColdMs, pageP95Ms: p95(pages), sortedPageP95Ms: p95(sortedPages), filterMs, sortMs, textSearchMs, matches: { filter: filtered.total, text: text.total } };
  } finally {
    await client.dispose();
  }
}

/** The same queries on better-sqlite3 over the same file (what a native SQLite does without our columns). */
async function native(dir: string, n: number): Promise<QueryFigures | { unavailable: string }> {
  let Database: typeof import('better-sqlite3');
  try {
    Database = (await import('better-sqlite3')).default;
  } catch (e) {
    return { unavailable: (e as Error).message };
  }
  const rowSql = 'SELECT slot, id, status, substr(instruction, 1, 300), substr(response, 1, 300), attempts, cost_usd, input_tokens + output_tokens, latency_ms FROM instances';
  const [openFirstPageMs, db] = await timed(() => {
    const d = new Database(path.join(dir, 'dataset.sqlite'), { readonly: true });
    d.prepare('SELECT count(*) FROM instances').get();
    d.prepare('SELECT key, count(value) FROM metrics GROUP BY key').all();
    d.prepare(`${rowSql} ORDER BY slot LIMIT ?`).all(PAGE);
    return d;
  });
  try {
    const page = db.prepare(`${rowSql} ORDER BY slot LIMIT ? OFFSET ?`);
    const rand = new Rng(7);
    const rng = () => rand.next();
    const pages: number[] = [];
    for (let i = 0; i < 60; i++) pages.push((await timed(() => page.all(PAGE, Math.floor(rng() * (n - PAGE)))))[0]);
    const filterWhere = `FROM instances i JOIN metrics m ON m.slot = i.slot AND m.key = ? WHERE i.status = 'valid' AND m.value >= 4`;
    const [filterMs, filtered] = await timed(() => {
      const total = (db.prepare(`SELECT count(*) AS n ${filterWhere}`).get(QUALITY) as { n: number }).n;
      db.prepare(`SELECT i.slot ${filterWhere} ORDER BY i.slot LIMIT ?`).all(QUALITY, PAGE);
      return total;
    });
    const sortSql = `SELECT i.slot FROM instances i LEFT JOIN metrics m ON m.slot = i.slot AND m.key = ? ORDER BY m.value IS NULL, m.value DESC, i.slot LIMIT ? OFFSET ?`;
    const [sortMs] = await timed(() => db.prepare(sortSql).all(DIFFICULTY, PAGE, 0));
    const sorted = db.prepare(sortSql);
    const sortedPages: number[] = [];
    for (let i = 0; i < 60; i++) sortedPages.push((await timed(() => sorted.all(DIFFICULTY, PAGE, Math.floor(rng() * (n - PAGE)))))[0]);
    const like = '%because very%';
    const [textSearchMs, text] = await timed(() => {
      const where = 'WHERE instruction LIKE ? OR response LIKE ? OR reasons LIKE ? OR raw_output LIKE ?';
      const total = (db.prepare(`SELECT count(*) AS n FROM instances ${where}`).get(like, like, like, like) as { n: number }).n;
      db.prepare(`SELECT slot FROM instances ${where} ORDER BY slot LIMIT ?`).all(like, like, like, like, PAGE);
      return total;
    });
    return { openFirstPageMs, pageP95Ms: p95(pages), sortedPageP95Ms: p95(sortedPages), filterMs, sortMs, textSearchMs, matches: { filter: filtered, text } };
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const lines: string[] = [];
  for (const n of SIZES) {
    const dir = await benchStore(n);
    const dataset = { dir, info: benchInfo(n) };
    const mine = await ours(dataset, n);
    const theirs = await native(dir, n);
    const ratios = 'unavailable' in theirs ? theirs : Object.fromEntries((['openFirstPageMs', 'pageP95Ms', 'sortedPageP95Ms', 'filterMs', 'sortMs', 'textSearchMs'] as const).map((k) => [k, round(mine[k] / Math.max(theirs[k], 0.01))]));
    const browser = await browserFigures(dataset, n);
    const stall = n >= 100_000 || SIZES.length === 1 ? await stallFigures(dir, n) : undefined;
    const storeMiB = Math.round(fs.statSync(path.join(dir, 'dataset.sqlite')).size / 2 ** 20);
    const figures = {
      bench: 'panels',
      instances: n,
      storeMiB,
      ...Object.fromEntries(Object.entries(mine).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
      ...browser,
      ...(stall ?? {}),
      betterSqlite3: 'unavailable' in theirs ? theirs : Object.fromEntries(Object.entries(theirs).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
      ratioVsBetterSqlite3: ratios,
      targets: n >= 100_000 ? { openFirstPageMs: 600, pageP95Ms: 20, filterMs: 100, sortMs: 100, firstPaintMs: 1000, scatterRenderMs: 1000, maxStallMs: 50 } : { openFirstPageMs: 100 },
    };
    lines.push(JSON.stringify(figures));
    console.error(`[bench] ${n}: ${lines[lines.length - 1]}`);
  }
  for (const l of lines) console.log(l);
}

if (require.main === module) void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
