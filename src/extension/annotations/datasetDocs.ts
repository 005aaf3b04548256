// Which editor lines are which stored instances: the read-only virtual document of a dataset
// (scheme `agorabench-dataset`, one instance per line in slot order, always what the store holds,
// never written anywhere) and a user's own JSONL file whose lines match stored instances by
// content hash. Keeps each dataset's latest annotations (re-read when its sidecar changes) and
// tells the features (hover, inlay hints, decorations, diagnostics) when something changed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NEAR_DUP_METRIC, Results, loadConfig, readAnnotations, type Annotation, type DatasetRow } from '../../core';
import type { MetricRange } from '../../protocol/instancesProtocol';
import { DatasetSource } from '../instances/datasetSource';
import { CONFIG_GLOB } from '../config/configFiles';
import type { Services } from '../services';
import { DATASET_SCHEME, LOW_SCORE_MAX, MatchedLinesMap, type MetricFlags, SlotOrderMap, datasetDocPath, instanceLine, parseDatasetDocPath, scanUserLines, type LineMap, type LineTarget, type MalformedLine } from './lineModel';

/** Files larger than this are not matched against the stores. */
export const MAX_USER_FILE_BYTES = 20 * 1024 * 1024;
const PAGE = 2000;
/** Flagged slots kept per dataset and flag. */
const MAX_FLAGGED = 200_000;

/** A dataset some open document shows. */
export class DatasetState implements vscode.Disposable {
  latest: Map<string, Annotation> = new Map();
  /** What its metrics flag (read through the browse worker; empty until read, and without metrics). */
  flags: MetricFlags = { lowScore: new Set(), nearDuplicate: new Set() };
  readonly source: DatasetSource;
  private readonly watcher: vscode.FileSystemWatcher;
  private annTimer: NodeJS.Timeout | undefined;
  private storeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly resultsDir: string,
    readonly row: DatasetRow,
    browse: Services['browse'],
    onAnnotations: (d: DatasetState) => void,
    onStore: (d: DatasetState) => void,
  ) {
    this.source = new DatasetSource(new Results(resultsDir), row.id, browse);
    this.reload();
    void this.readFlags().then(() => onAnnotations(this));
    const rel = row.dir.split(path.sep).join('/');
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(resultsDir), `${rel}/{annotations.jsonl,dataset.sqlite,journal.jsonl}`));
    const fire = (uri: vscode.Uri) => {
      if (path.basename(uri.fsPath) === 'annotations.jsonl') {
        this.annTimer ??= setTimeout(() => {
          this.annTimer = undefined;
          this.reload();
          onAnnotations(this);
        }, 200);
      } else {
        this.storeTimer ??= setTimeout(() => {
          this.storeTimer = undefined;
          void this.source
            .invalidate()
            .catch(() => undefined)
            .then(() => this.readFlags())
            .then(() => onStore(this));
        }, 1500);
      }
    };
    this.watcher.onDidChange(fire);
    this.watcher.onDidCreate(fire);
    this.watcher.onDidDelete(fire);
  }

  get datasetId(): string {
    return this.row.id;
  }

  get dir(): string {
    return path.join(this.resultsDir, this.row.dir);
  }

  get key(): string {
    return datasetKey(this.resultsDir, this.row.id);
  }

  /** Slots with a low judge quality score (≤ 2 of 5, any judge) and near-duplicate instructions, from the store's metrics. */
  async readFlags(): Promise<void> {
    try {
      const keys = (await this.source.columns()).map((c) => c.key);
      const slotsWhere = (metrics: MetricRange[]) => this.source.slots({ filter: { status: 'all', metrics }, sort: { column: 'slot', dir: 'asc' } }, MAX_FLAGGED);
      const low = new Set<number>();
      for (const key of keys.filter((k) => k.startsWith('quality@'))) for (const s of await slotsWhere([{ key, max: LOW_SCORE_MAX }])) low.add(s);
      const near = keys.includes(NEAR_DUP_METRIC) ? new Set(await slotsWhere([{ key: NEAR_DUP_METRIC, min: 1 }])) : new Set<number>();
      this.flags = { lowScore: low, nearDuplicate: near };
    } catch {
      // no flags: the store could not be read now; annotations still show
    }
  }

  /** Re-reads the sidecar (unreadable lines are skipped by the reader). */
  reload(): void {
    try {
      this.latest = readAnnotations(this.dir).latest;
    } catch {
      this.latest = new Map();
    }
  }

  dispose(): void {
    if (this.annTimer) clearTimeout(this.annTimer);
    if (this.storeTimer) clearTimeout(this.storeTimer);
    this.watcher.dispose();
  }
}

export function datasetKey(resultsDir: string, datasetId: string): string {
  return `${path.resolve(resultsDir)}\u0000${datasetId}`;
}

/** An open document the features light up: its datasets (a line's `ref` indexes them) and line map. */
export interface DocModel {
  readonly uri: string;
  readonly kind: 'dataset' | 'user';
  readonly datasets: DatasetState[];
  readonly map: LineMap;
  /** Lines of a user's file that are not JSON. */
  readonly malformed: MalformedLine[];
}

/** A line resolved to its dataset. */
export interface ResolvedLine extends LineTarget {
  dataset: DatasetState;
}

export function datasetUri(resultsDir: string, datasetId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DATASET_SCHEME, path: datasetDocPath(path.resolve(resultsDir).split(path.sep).join('/'), datasetId) });
}

interface HashIndex {
  signature: string;
  bySlotHash: Map<string, number>;
}

export class DatasetDocs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, DocModel>();
  private readonly datasets = new Map<string, DatasetState>();
  private readonly hashIndexes = new Map<string, HashIndex>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly modelEmitter = new vscode.EventEmitter<DocModel | undefined>();
  private readonly pendingUser = new Map<string, NodeJS.Timeout>();
  private readonly userRuns = new Map<string, Promise<void>>();
  private readonly disposables: vscode.Disposable[] = [];
  /** When each virtual document was last built and how long it took. */
  private readonly builds = new Map<string, { end: number; ms: number }>();
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();

  /** The virtual documents' content changed (the provider's event). */
  readonly onDidChange = this.changeEmitter.event;
  /** A document's model or its datasets' annotations changed (undefined: possibly every document). */
  readonly onDidChangeModel = this.modelEmitter.event;

  constructor(private readonly services: Services) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.scheduleUser(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.scheduleUser(e.document, 400)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
    for (const d of vscode.workspace.textDocuments) this.scheduleUser(d, 0);
  }

  get(uri: vscode.Uri): DocModel | undefined {
    return this.docs.get(uri.toString());
  }

  allDocs(): DocModel[] {
    return [...this.docs.values()];
  }

  /** The instance on a line of a document, if the line shows one. */
  resolve(uri: vscode.Uri, line: number): ResolvedLine | undefined {
    const doc = this.get(uri);
    const t = doc?.map.at(line);
    const dataset = t ? doc?.datasets[t.ref] : undefined;
    return t && dataset ? { ...t, dataset } : undefined;
  }

  /** A dataset's state (created, and watched, on first use). */
  async dataset(resultsDir: string, datasetId: string): Promise<DatasetState | undefined> {
    const key = datasetKey(resultsDir, datasetId);
    const known = this.datasets.get(key);
    if (known) return known;
    const row = await new Results(path.resolve(resultsDir)).findDataset(datasetId);
    if (!row) return undefined;
    const again = this.datasets.get(key);
    if (again) return again;
    const d = new DatasetState(
      path.resolve(resultsDir),
      row,
      this.services.browse,
      (s) => this.annotationsChanged(s),
      (s) => this.storeChanged(s),
    );
    this.datasets.set(key, d);
    return d;
  }

  /** After a write of ours: re-read the sidecar now instead of waiting for the watcher. */
  annotationsChanged(d: DatasetState, reload = false): void {
    if (reload) d.reload();
    for (const doc of this.docs.values()) if (doc.datasets.includes(d)) this.modelEmitter.fire(doc);
  }

  private storeChanged(d: DatasetState): void {
    for (const doc of this.docs.values()) {
      if (!doc.datasets.includes(d)) continue;
      if (doc.kind === 'dataset') this.refreshContent(doc.uri);
      else this.modelEmitter.fire(doc);
    }
  }

  /**
   * Asks VS Code to read a virtual document again; while a run writes, at most one rebuild per 20×
   * the last one's duration (a large store takes seconds to read), so a run is never slowed much.
   */
  private refreshContent(uri: string): void {
    if (this.refreshTimers.has(uri)) return;
    const last = this.builds.get(uri);
    const wait = last ? Math.max(0, last.end + 20 * last.ms - Date.now()) : 0;
    this.refreshTimers.set(
      uri,
      setTimeout(() => {
        this.refreshTimers.delete(uri);
        if (this.docs.has(uri)) this.changeEmitter.fire(vscode.Uri.parse(uri));
      }, wait),
    );
  }

  // ---- the virtual document ----

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const where = parseDatasetDocPath(uri.path);
    if (!where) throw new Error(`not an AgoraBench dataset document: ${uri.toString()}`);
    const dataset = await this.dataset(where.resultsDir, where.datasetId);
    if (!dataset) throw new Error(`no dataset "${where.datasetId}" in ${where.resultsDir}`);
    const row = dataset.row;
    const started = Date.now();
    const store = await new Results(dataset.resultsDir).openDataset(row);
    const parts: string[] = [];
    let slots: number[] = [];
    let failed: number[] = [];
    const hashes: string[] = [];
    try {
      let after = -1;
      for (;;) {
        const rows = store.listInstances({ afterSlot: after, limit: PAGE });
        if (!rows.length) break;
        const lines: string[] = [];
        for (const r of rows) {
          lines.push(instanceLine(r));
          slots.push(r.slot);
          failed.push(r.status === 'failed' ? 1 : 0);
          hashes.push(r.contentHash);
        }
        parts.push(lines.join('\n'));
        after = (rows[rows.length - 1] as { slot: number }).slot;
        if (rows.length < PAGE) break;
      }
    } finally {
      await store.close();
    }
    const map = new SlotOrderMap(Int32Array.from(slots), Uint8Array.from(failed), hashes);
    slots = [];
    failed = [];
    const model: DocModel = { uri: uri.toString(), kind: 'dataset', datasets: [dataset], map, malformed: [] };
    this.docs.set(model.uri, model);
    this.builds.set(model.uri, { end: Date.now(), ms: Date.now() - started });
    dataset.reload();
    // after VS Code has the new text
    setTimeout(() => this.modelEmitter.fire(model), 0);
    return parts.join('\n');
  }

  // ---- a user's JSONL file ----

  private scheduleUser(doc: vscode.TextDocument, delayMs: number): void {
    if (!isCandidate(doc)) return;
    const key = doc.uri.toString();
    const t = this.pendingUser.get(key);
    if (t) clearTimeout(t);
    this.pendingUser.set(
      key,
      setTimeout(() => {
        this.pendingUser.delete(key);
        void this.analyseUser(doc);
      }, delayMs),
    );
  }

  /** Re-matches a user's file now (tests and commands wait for it). */
  analyseUser(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const prev = this.userRuns.get(key) ?? Promise.resolve();
    const next = prev
      .then(() => this.analyseUserNow(doc))
      .catch((e: unknown) => this.services.log.warn(`matching ${doc.uri.fsPath} against the stored datasets failed: ${e instanceof Error ? e.message : String(e)}`));
    this.userRuns.set(key, next);
    return next;
  }

  private async analyseUserNow(doc: vscode.TextDocument): Promise<void> {
    if (doc.isClosed || !isCandidate(doc)) return;
    const text = doc.getText();
    if (Buffer.byteLength(text) > MAX_USER_FILE_BYTES) return;
    const version = doc.version;
    const { hashes, malformed, lineCount } = scanUserLines(text);
    const found = hashes.size ? await this.matchHashes(new Set(hashes.values()), doc.uri.fsPath) : new Map<string, { dataset: DatasetState; slot: number }>();
    if (doc.isClosed || doc.version !== version) return;
    const datasets: DatasetState[] = [];
    const targets: LineTarget[] = [];
    for (const [line, hash] of hashes) {
      const hit = found.get(hash);
      if (!hit) continue;
      let ref = datasets.indexOf(hit.dataset);
      if (ref < 0) ref = datasets.push(hit.dataset) - 1;
      targets.push({ line, ref, slot: hit.slot, status: 'valid', hash });
    }
    const key = doc.uri.toString();
    if (!targets.length) {
      // not a dataset's file: nothing to show (its malformed lines are the JSON tooling's business)
      if (this.docs.delete(key)) this.modelEmitter.fire(undefined);
      return;
    }
    const model: DocModel = { uri: key, kind: 'user', datasets, map: new MatchedLinesMap(lineCount, targets), malformed };
    this.docs.set(key, model);
    this.modelEmitter.fire(model);
  }

  /** Stored instances with these content hashes, over the datasets of the workspace's results folders. */
  private async matchHashes(wanted: Set<string>, file: string): Promise<Map<string, { dataset: DatasetState; slot: number }>> {
    const out = new Map<string, { dataset: DatasetState; slot: number }>();
    for (const resultsDir of await workspaceResultsDirs()) {
      if (isInside(file, path.join(resultsDir, 'datasets'))) continue;
      let rows: DatasetRow[];
      try {
        rows = await new Results(resultsDir).index.datasets();
      } catch {
        continue;
      }
      for (const row of rows) {
        const index = await this.hashIndex(resultsDir, row);
        if (!index) continue;
        let state: DatasetState | undefined;
        for (const h of wanted) {
          if (out.has(h)) continue;
          const slot = index.bySlotHash.get(h);
          if (slot === undefined) continue;
          state ??= await this.dataset(resultsDir, row.id);
          if (state) out.set(h, { dataset: state, slot });
        }
        if (out.size === wanted.size) return out;
      }
    }
    return out;
  }

  /** content hash → slot of a dataset's valid instances, cached while its store files are unchanged. */
  private async hashIndex(resultsDir: string, row: DatasetRow): Promise<HashIndex | undefined> {
    const dir = path.join(resultsDir, row.dir);
    const signature = ['dataset.sqlite', 'journal.jsonl']
      .map((f) => {
        try {
          const s = fs.statSync(path.join(dir, f));
          return `${s.size}:${s.mtimeMs}`;
        } catch {
          return '-';
        }
      })
      .join('|');
    const key = datasetKey(resultsDir, row.id);
    const cached = this.hashIndexes.get(key);
    if (cached?.signature === signature) return cached;
    if (signature === '-|-') return undefined;
    let store: Awaited<ReturnType<Results['openDataset']>> | undefined;
    try {
      store = await new Results(resultsDir).openDataset(row);
      const bySlotHash = new Map<string, number>();
      const stmt = store.snapshot().prepare("SELECT slot, content_hash FROM instances WHERE status = 'valid'");
      try {
        while (stmt.step()) {
          const [slot, hash] = stmt.get() as [number, string];
          if (hash && !bySlotHash.has(hash)) bySlotHash.set(hash, slot);
        }
      } finally {
        stmt.free();
      }
      const index = { signature, bySlotHash };
      this.hashIndexes.set(key, index);
      return index;
    } catch (e) {
      this.services.log.warn(`cannot read dataset ${row.id} to match lines: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    } finally {
      await store?.close();
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.pendingUser.get(key);
    if (t) clearTimeout(t);
    this.pendingUser.delete(key);
    this.userRuns.delete(key);
    if (this.docs.delete(key)) this.modelEmitter.fire(undefined);
  }

  dispose(): void {
    for (const t of this.pendingUser.values()) clearTimeout(t);
    for (const t of this.refreshTimers.values()) clearTimeout(t);
    for (const d of this.datasets.values()) d.dispose();
    for (const d of this.disposables) d.dispose();
    this.changeEmitter.dispose();
    this.modelEmitter.dispose();
  }
}

/** A JSONL file on disk that is not one of our own store files. */
function isCandidate(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file') return false;
  const f = doc.uri.fsPath;
  if (!/\.(jsonl|ndjson)$/i.test(f)) return false;
  const base = path.basename(f);
  return base !== 'annotations.jsonl' && base !== 'journal.jsonl';
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The results folders of the workspace's configs (`resultsDir` of each `*.agorabench.json` that loads). */
export async function workspaceResultsDirs(): Promise<string[]> {
  const files = await vscode.workspace.findFiles(CONFIG_GLOB, '{**/node_modules/**,**/.agorabench/**}', 200);
  const dirs = new Set<string>();
  for (const f of files) {
    try {
      dirs.add(path.resolve(loadConfig(f.fsPath).resultsDir));
    } catch {
      // an invalid config has its own diagnostics
    }
  }
  return [...dirs].filter((d) => fs.existsSync(path.join(d, 'index.sqlite')));
}
