import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from 'sql.js';
import { StoreError, errorMessage } from '../errors';
import { acquireLock, processAlive, writeFileAtomic } from './atomicFile';
import { DatasetStore } from './datasetStore';
import { select, sqlJs } from './sqljs';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  name TEXT PRIMARY KEY,
  config_file TEXT NOT NULL,
  status TEXT NOT NULL,
  pid INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS datasets (
  id TEXT PRIMARY KEY,
  run TEXT NOT NULL,
  generator TEXT NOT NULL,
  model TEXT NOT NULL,
  setting TEXT NOT NULL,
  status TEXT NOT NULL,
  target INTEGER NOT NULL,
  valid INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  dir TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS datasets_run ON datasets (run);
CREATE TABLE IF NOT EXISTS evaluations (
  run TEXT NOT NULL,
  model TEXT NOT NULL,
  model_name TEXT NOT NULL,
  role TEXT NOT NULL,
  benchmark TEXT NOT NULL,
  judge TEXT NOT NULL,
  metric TEXT NOT NULL,
  score REAL NOT NULL,
  ci_low REAL,
  ci_high REAL,
  n INTEGER NOT NULL,
  missing INTEGER NOT NULL,
  detail TEXT NOT NULL,
  prompt_format TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run, model, benchmark)
);
CREATE TABLE IF NOT EXISTS dataset_metrics (
  dataset TEXT NOT NULL,
  run TEXT NOT NULL,
  key TEXT NOT NULL,
  value REAL,
  n INTEGER NOT NULL,
  missing INTEGER NOT NULL,
  detail TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (dataset, key)
);
`;

export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';

export interface RunRow {
  name: string;
  configFile: string;
  /** 'interrupted' when the row says running but the process that ran it is gone (kill -9, crash). */
  status: RunStatus;
  /** Process that last ran it. */
  pid: number;
  createdAt: string;
  updatedAt: string;
}

export interface DatasetRow {
  id: string;
  run: string;
  generator: string;
  model: string;
  setting: string;
  status: 'pending' | 'running' | 'completed' | 'cancelled' | 'failed';
  target: number;
  valid: number;
  failed: number;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Folder of the dataset store, relative to the results directory. */
  dir: string;
  updatedAt: string;
}

/** One model's score on one benchmark, as the index keeps it for comparisons and PGR. */
export interface EvaluationRow {
  run: string;
  /** The model's id in the config. */
  model: string;
  /** The model's name at its endpoint. */
  modelName: string;
  role: string;
  benchmark: string;
  /** Judge model ('' when the benchmark has no judge). */
  judge: string;
  metric: string;
  /** In percent. */
  score: number;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
  missing: number;
  detail: Record<string, unknown>;
  promptFormat: Record<string, unknown> | object;
  updatedAt: string;
}

/**
 * A dataset-level figure (a mean over its instances, or a figure of the whole set such as its
 * diversity), keyed like instance metrics by metric and source so judges add columns.
 */
export interface DatasetMetricRow {
  dataset: string;
  run: string;
  key: string;
  value: number | null;
  /** Instances the figure is computed from, and those without a value. */
  n: number;
  missing: number;
  /** sd, median, source details (judge model, rubric version, endpoint)… */
  detail: Record<string, unknown>;
  updatedAt: string;
}

const chains = new Map<string, Promise<unknown>>();

/**
 * `index.sqlite`: the catalogue of runs and datasets with their summary counts and costs.
 * It is small, so every update is a locked read-modify-write with an atomic save; readers
 * never need the lock.
 */
export class IndexStore {
  /** Repairs made while reading or writing (an unreadable index set aside and rebuilt); callers show them. */
  readonly warnings: string[] = [];
  constructor(readonly resultsDir: string) {}

  get file(): string {
    return path.join(this.resultsDir, 'index.sqlite');
  }

  /** Serialises updates within this process; the lock file serialises processes. */
  update<T>(fn: (db: Database) => T): Promise<T> {
    const prev = chains.get(this.file) ?? Promise.resolve();
    const next = prev.then(() => this.updateNow(fn));
    chains.set(this.file, next.catch(() => undefined));
    return next;
  }

  private async updateNow<T>(fn: (db: Database) => T): Promise<T> {
    ensureWritableDir(this.resultsDir);
    const unlock = await lockWithWait(path.join(this.resultsDir, 'index.lock'));
    try {
      const db = await this.loadOrRebuild();
      try {
        const out = fn(db);
        writeFileAtomic(this.file, db.export());
        return out;
      } finally {
        db.close();
      }
    } finally {
      unlock();
    }
  }

  private async load(): Promise<Database> {
    const SQL = await sqlJs();
    const db = fs.existsSync(this.file) ? new SQL.Database(fs.readFileSync(this.file)) : new SQL.Database();
    try {
      db.run(SCHEMA);
      // indexes written before runs.pid existed
      const cols = db.exec('PRAGMA table_info(runs)')[0]?.values.map((v) => String(v[1])) ?? [];
      if (!cols.includes('pid')) db.run('ALTER TABLE runs ADD COLUMN pid INTEGER NOT NULL DEFAULT 0');
      db.exec('SELECT COUNT(*) FROM runs; SELECT COUNT(*) FROM datasets');
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /**
   * The index, or — when it cannot be read — a new one rebuilt from the dataset stores under
   * `datasets/`, the unreadable file set aside as `index.sqlite.corrupt-<time>` (never deleted).
   * Called with the index lock held.
   */
  private async loadOrRebuild(): Promise<Database> {
    try {
      return await this.load();
    } catch (e) {
      const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(this.file, aside);
      const db = await this.load();
      const found = await rebuildInto(db, this.resultsDir);
      this.warnings.push(
        `${this.file} could not be read (${errorMessage(e)}): set aside as ${aside} and rebuilt from ${path.join(this.resultsDir, 'datasets')} (${found.datasets} datasets of ${found.runs} runs)`,
      );
      writeFileAtomic(this.file, db.export());
      return db;
    }
  }

  /** Opens the index for reading; an unreadable one is rebuilt first (under the lock). */
  private async read(): Promise<Database> {
    try {
      return await this.load();
    } catch {
      await this.update(() => undefined);
      return this.load();
    }
  }

  async upsertRun(r: RunRow): Promise<void> {
    await this.update((db) =>
      db.run(
        `INSERT INTO runs (name, config_file, status, pid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET config_file = excluded.config_file, status = excluded.status, pid = excluded.pid, updated_at = excluded.updated_at`,
        [r.name, r.configFile, r.status, r.pid, r.createdAt, r.updatedAt],
      ),
    );
  }

  async upsertDatasets(rows: DatasetRow[]): Promise<void> {
    if (!rows.length) return;
    await this.update((db) => {
      for (const d of rows) {
        db.run(
          `INSERT OR REPLACE INTO datasets (id, run, generator, model, setting, status, target, valid, failed, attempts, input_tokens, output_tokens, cost_usd, dir, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [d.id, d.run, d.generator, d.model, d.setting, d.status, d.target, d.valid, d.failed, d.attempts, d.inputTokens, d.outputTokens, d.costUsd, d.dir, d.updatedAt],
        );
      }
    });
  }

  async upsertEvaluations(rows: EvaluationRow[]): Promise<void> {
    if (!rows.length) return;
    await this.update((db) => {
      for (const r of rows) {
        db.run(
          `INSERT OR REPLACE INTO evaluations (run, model, model_name, role, benchmark, judge, metric, score, ci_low, ci_high, n, missing, detail, prompt_format, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [r.run, r.model, r.modelName, r.role, r.benchmark, r.judge, r.metric, r.score, r.ciLow, r.ciHigh, r.n, r.missing, JSON.stringify(r.detail), JSON.stringify(r.promptFormat), r.updatedAt],
        );
      }
    });
  }

  async upsertDatasetMetrics(rows: DatasetMetricRow[]): Promise<void> {
    if (!rows.length) return;
    await this.update((db) => {
      for (const r of rows) {
        db.run('INSERT OR REPLACE INTO dataset_metrics (dataset, run, key, value, n, missing, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          r.dataset, r.run, r.key, r.value, r.n, r.missing, JSON.stringify(r.detail), r.updatedAt,
        ]);
      }
    });
  }

  /**
   * Removes a run from the catalogue: its `runs` row, its datasets and their dataset metrics
   * (evaluation scores stay). Returns the dataset rows removed so the caller can delete their
   * folders; the folders themselves are not touched here.
   */
  async deleteRun(run: string): Promise<DatasetRow[]> {
    if (!fs.existsSync(this.file)) return [];
    return this.update((db) => {
      const removed = select(db, `SELECT ${DATASET_COLUMNS} FROM datasets WHERE run = ?`, [run]).map(datasetOf);
      db.run('DELETE FROM dataset_metrics WHERE run = ?', [run]);
      db.run('DELETE FROM datasets WHERE run = ?', [run]);
      db.run('DELETE FROM runs WHERE name = ?', [run]);
      return removed;
    });
  }

  async datasetMetrics(run?: string): Promise<DatasetMetricRow[]> {
    if (!fs.existsSync(this.file)) return [];
    const db = await this.read();
    try {
      const sql = `SELECT dataset, run, key, value, n, missing, detail, updated_at FROM dataset_metrics ${run ? 'WHERE run = ?' : ''} ORDER BY dataset, key`;
      return select(db, sql, run ? [run] : []).map((r) => ({
        dataset: String(r[0]),
        run: String(r[1]),
        key: String(r[2]),
        value: r[3] === null ? null : Number(r[3]),
        n: Number(r[4]),
        missing: Number(r[5]),
        detail: JSON.parse(String(r[6])) as Record<string, unknown>,
        updatedAt: String(r[7]),
      }));
    } finally {
      db.close();
    }
  }

  async evaluations(run?: string): Promise<EvaluationRow[]> {
    if (!fs.existsSync(this.file)) return [];
    const db = await this.read();
    try {
      const sql = `SELECT run, model, model_name, role, benchmark, judge, metric, score, ci_low, ci_high, n, missing, detail, prompt_format, updated_at
                   FROM evaluations ${run ? 'WHERE run = ?' : ''} ORDER BY run, model, benchmark`;
      return select(db, sql, run ? [run] : []).map((r) => ({
        run: String(r[0]),
        model: String(r[1]),
        modelName: String(r[2]),
        role: String(r[3]),
        benchmark: String(r[4]),
        judge: String(r[5]),
        metric: String(r[6]),
        score: Number(r[7]),
        ciLow: r[8] === null ? null : Number(r[8]),
        ciHigh: r[9] === null ? null : Number(r[9]),
        n: Number(r[10]),
        missing: Number(r[11]),
        detail: JSON.parse(String(r[12])) as Record<string, unknown>,
        promptFormat: JSON.parse(String(r[13])) as Record<string, unknown>,
        updatedAt: String(r[14]),
      }));
    } finally {
      db.close();
    }
  }

  async runs(): Promise<RunRow[]> {
    if (!fs.existsSync(this.file)) return [];
    const db = await this.read();
    try {
      return select(db, 'SELECT name, config_file, status, pid, created_at, updated_at FROM runs ORDER BY created_at DESC').map((r) => {
        const status = String(r[2]) as RunStatus;
        const pid = Number(r[3]);
        return {
          name: String(r[0]),
          configFile: String(r[1]),
          status: status === 'running' && !processAlive(pid) ? 'interrupted' : status,
          pid,
          createdAt: String(r[4]),
          updatedAt: String(r[5]),
        };
      });
    } finally {
      db.close();
    }
  }

  async datasets(run?: string): Promise<DatasetRow[]> {
    if (!fs.existsSync(this.file)) return [];
    const db = await this.read();
    try {
      const sql = `SELECT id, run, generator, model, setting, status, target, valid, failed, attempts, input_tokens, output_tokens, cost_usd, dir, updated_at
                   FROM datasets ${run ? 'WHERE run = ?' : ''} ORDER BY run, generator, setting`;
      return select(db, sql, run ? [run] : []).map(datasetOf);
    } finally {
      db.close();
    }
  }
}

const DATASET_COLUMNS = 'id, run, generator, model, setting, status, target, valid, failed, attempts, input_tokens, output_tokens, cost_usd, dir, updated_at';

function datasetOf(r: unknown[]): DatasetRow {
  return {
    id: String(r[0]),
    run: String(r[1]),
    generator: String(r[2]),
    model: String(r[3]),
    setting: String(r[4]),
    status: String(r[5]) as DatasetRow['status'],
    target: Number(r[6]),
    valid: Number(r[7]),
    failed: Number(r[8]),
    attempts: Number(r[9]),
    inputTokens: Number(r[10]),
    outputTokens: Number(r[11]),
    costUsd: Number(r[12]),
    dir: String(r[13]),
    updatedAt: String(r[14]),
  };
}

/** Fills an empty index from the stores under `<resultsDir>/datasets/`: their identity and totals. */
async function rebuildInto(db: Database, resultsDir: string): Promise<{ runs: number; datasets: number }> {
  const root = path.join(resultsDir, 'datasets');
  const dirs = fs.existsSync(root) ? fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  const runs = new Map<string, { configFile: string; complete: boolean; updatedAt: string }>();
  let datasets = 0;
  for (const d of dirs) {
    const dir = path.join(root, d.name);
    if (!fs.existsSync(path.join(dir, 'dataset.sqlite')) && !fs.existsSync(path.join(dir, 'journal.jsonl'))) continue;
    let store: DatasetStore | undefined;
    try {
      // the folder is named after the dataset id; a store that cannot say more is still listed
      store = await DatasetStore.open(dir, { id: d.name, run: '', generator: '', setting: '', target: 0 }, { readOnly: true });
      const meta = store.meta();
      const t = store.totals();
      const [run = '', generator = '', setting = ''] = d.name.split('__');
      const row = {
        run: meta.run || run,
        generator: meta.generator || generator,
        setting: meta.setting || setting,
        target: Number(meta.target ?? 0),
        updatedAt: new Date(fs.statSync(dir).mtimeMs).toISOString(),
      };
      const complete = row.target > 0 && t.valid + t.failed >= row.target;
      db.run(
        `INSERT OR REPLACE INTO datasets (id, run, generator, model, setting, status, target, valid, failed, attempts, input_tokens, output_tokens, cost_usd, dir, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [d.name, row.run, row.generator, meta.model || row.generator, row.setting, complete ? 'completed' : 'cancelled', row.target, t.valid, t.failed, t.attempts,
          t.usage.inputTokens, t.usage.outputTokens, t.costUsd, path.join('datasets', d.name), row.updatedAt],
      );
      datasets++;
      const r = runs.get(row.run) ?? { configFile: meta.config_file ?? '', complete: true, updatedAt: row.updatedAt };
      r.complete &&= complete;
      if (row.updatedAt > r.updatedAt) r.updatedAt = row.updatedAt;
      runs.set(row.run, r);
    } catch {
      // a store that cannot be opened at all stays out of the index; its own open reports why
    } finally {
      await store?.close();
    }
  }
  for (const [name, r] of runs) {
    db.run('INSERT OR REPLACE INTO runs (name, config_file, status, pid, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)', [
      name, r.configFile, r.complete ? 'completed' : 'cancelled', r.updatedAt, r.updatedAt,
    ]);
  }
  return { runs: runs.size, datasets };
}

/**
 * Creates the results folder if needed and proves it can be written; otherwise one StoreError
 * naming the folder and the cause (no stack trace reaches the user).
 */
export function ensureWritableDir(dir: string): void {
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const cause: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'permission denied',
      EROFS: 'the file system is read-only',
      ENOTDIR: 'a part of the path is a file, not a folder',
      EEXIST: 'it exists and is not a folder',
      ENOSPC: 'no space left on the device',
    };
    throw new StoreError(`cannot write the results folder: ${cause[code] ?? errorMessage(e)}${code ? ` (${code})` : ''}`, dir);
  }
}

async function lockWithWait(file: string): Promise<() => void> {
  for (let i = 0; ; i++) {
    try {
      return acquireLock(file, 'the results index');
    } catch (e) {
      if (i >= 200) throw e;
      // another process holds the index for a few milliseconds: wait for it
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
