/**
 * The browse worker thread: owns the read-only snapshots of the datasets the panels show, so
 * loading a 200 MB store, building its columns and sorting 100K rows never run on the thread that
 * serves the editor. Memory is bounded by `maxBytes`: snapshots are closed least recently used
 * first when the open ones together exceed it (the one in use always stays), and the client ends
 * the whole thread when no panel needs it, which returns every byte (WebAssembly memory never
 * shrinks while a thread lives).
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config/load';
import type { RunConfig } from '../config/types';
import { errorMessage } from '../errors';
import { promptOf } from '../generation/promptOf';
import { writeFileAtomic } from '../store/atomicFile';
import { sqlJs } from '../store/sqljs';
import { DatasetBrowser, type DetailExtras } from './datasetBrowser';
import type { BrowseDataset, BrowseWorkerData, WorkerRequest, WorkerResponse } from './protocol';

const { maxBytes } = (workerData ?? { maxBytes: 1 << 30 }) as BrowseWorkerData;
// compile sql.js's WebAssembly while the first request's store is still being read
void sqlJs();
const open = new Map<string, Promise<DatasetBrowser>>();

async function browser(d: BrowseDataset): Promise<DatasetBrowser> {
  let p = open.get(d.dir);
  if (p) {
    open.delete(d.dir);
    open.set(d.dir, p); // most recently used last
    return p;
  }
  p = DatasetBrowser.open(d.dir, d.info);
  open.set(d.dir, p);
  p.catch(() => open.delete(d.dir));
  const b = await p;
  await evict(d.dir);
  return b;
}

async function evict(keep: string): Promise<void> {
  let total = 0;
  const settled: Array<[string, DatasetBrowser]> = [];
  for (const [dir, p] of open) {
    const b = await p.catch(() => undefined);
    if (b) {
      total += b.bytes;
      settled.push([dir, b]);
    }
  }
  for (const [dir, b] of settled) {
    if (total <= maxBytes) break;
    if (dir === keep || queues.has(dir)) continue; // in use: evicted on a later open
    open.delete(dir);
    total -= b.bytes;
    await b.close();
  }
}

async function drop(dir: string): Promise<void> {
  const p = open.get(dir);
  open.delete(dir);
  const b = await p?.catch(() => undefined);
  await b?.close();
}

/** Configs by file, reloaded when the file changes. */
const configs = new Map<string, { mtimeMs: number; config: RunConfig }>();

function configOf(file: string): RunConfig {
  const mtimeMs = fs.statSync(file).mtimeMs;
  const hit = configs.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.config;
  const config = loadConfig(file);
  configs.set(file, { mtimeMs, config });
  return config;
}

/** The prompt of a generation instance, rebuilt from its config; what cannot be shown says why. */
function promptExtras(d: BrowseDataset, b: DatasetBrowser): DetailExtras {
  const file = d.info.configFile ?? b.configFile();
  return {
    prompt: async (row, generated) => {
      if (!file) return { prompt: { unavailable: 'the store does not name its config file' } };
      try {
        const built = await promptOf(configOf(file), d.info.setting, row.meta, generated);
        return { prompt: built.prompt, ...(built.demonstrations ? { demonstrations: built.demonstrations } : {}) };
      } catch (e) {
        return { prompt: { unavailable: `${file}: ${errorMessage(e)}` } };
      }
    },
  };
}

const isGeneration = (setting: string) => /^(instance_generation|response_generation|quality_enhancement)\./.test(setting);

async function handle(req: WorkerRequest): Promise<unknown> {
  if (req.op === 'invalidate') {
    await drop(req.dataset.dir);
    return null;
  }
  const b = await browser(req.dataset);
  switch (req.op) {
    case 'columns':
      return b.columns();
    case 'rows':
      return b.rows(req.args.query, req.args.offset, req.args.limit);
    case 'indexOf':
      return b.indexOf(req.args.query, req.args.slot);
    case 'detail':
      return b.detail(req.args.slot, isGeneration(req.dataset.info.setting) ? promptExtras(req.dataset, b) : {});
    case 'slots':
      return b.slotsOf(req.args.query, req.args.limit);
    case 'annotationsChanged':
      b.annotationsChanged();
      return null;
    case 'points':
      return b.points(req.args.x, req.args.y);
    case 'exportCsv':
      return { rows: writeCsv(b, req.args.query, req.args.file) };
  }
}

function writeCsv(b: DatasetBrowser, query: Parameters<DatasetBrowser['csv']>[0], file: string): number {
  let rows = 0;
  writeFileAtomic(
    file,
    (function* () {
      rows = yield* b.csv(query);
    })(),
  );
  return rows;
}

// Requests for one dataset run one at a time (a snapshot is never closed under a reader). What the
// table needs to paint goes first: requests that arrive together are queued for a tick, then the
// quick ones (rows, a slot's detail) are served before the slow ones (metric keys, CSV).
const SLOW = new Set<WorkerRequest['op']>(['columns', 'exportCsv']);
const queues = new Map<string, { waiting: WorkerRequest[]; running: boolean }>();

function enqueue(req: WorkerRequest): void {
  let q = queues.get(req.dataset.dir);
  if (!q) queues.set(req.dataset.dir, (q = { waiting: [], running: false }));
  q.waiting.push(req);
  if (!q.running) {
    q.running = true;
    setImmediate(() => void drain(req.dataset.dir));
  }
}

async function drain(dir: string): Promise<void> {
  const q = queues.get(dir);
  if (!q) return;
  for (;;) {
    const i = q.waiting.findIndex((r) => !SLOW.has(r.op));
    const [req] = q.waiting.splice(i === -1 ? 0 : i, 1);
    if (!req) {
      // idle: load what later filters and sorts need, a chunk at a time, while nothing waits
      const b = await open.get(dir)?.catch(() => undefined);
      while (b && open.has(dir) && !q.waiting.length && b.warmStep()) await new Promise((r) => setImmediate(r));
      if (q.waiting.length) continue;
      break;
    }
    const t0 = performance.now();
    let msg: WorkerResponse;
    try {
      msg = { id: req.id, ok: true, result: await handle(req), timings: { ms: performance.now() - t0 } };
    } catch (e) {
      msg = { id: req.id, ok: false, error: errorMessage(e), name: e instanceof Error ? e.name : 'Error' };
    }
    parentPort?.postMessage(msg);
    // let messages that arrived meanwhile join the queue before choosing the next
    await new Promise((r) => setImmediate(r));
  }
  q.running = false;
  queues.delete(dir);
}

parentPort?.on('message', enqueue);
