import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, Statement } from 'sql.js';
import { StoreError, errorMessage } from '../errors';
import type { Usage } from '../types';
import { acquireLock, writeFileAtomic } from './atomicFile';
import { Journal, JournalDamagedError, repairJournal, type JournalEntry } from './journal';
import { select, sqlJs } from './sqljs';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS instances (
  id TEXT PRIMARY KEY,
  slot INTEGER NOT NULL UNIQUE,
  setting TEXT NOT NULL,
  generator TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('valid', 'failed')),
  instruction TEXT NOT NULL,
  response TEXT NOT NULL,
  raw_output TEXT NOT NULL,
  reasons TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  latency_ms INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  meta TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
  slot INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  reasons TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  latency_ms INTEGER NOT NULL,
  cached INTEGER NOT NULL,
  via TEXT NOT NULL,
  transport TEXT NOT NULL,
  at TEXT NOT NULL,
  raw_output TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (slot, attempt)
);
CREATE TABLE IF NOT EXISTS intents (slot INTEGER NOT NULL, attempt INTEGER NOT NULL, choice TEXT NOT NULL, PRIMARY KEY (slot, attempt));
CREATE TABLE IF NOT EXISTS sends (slot INTEGER NOT NULL, attempt INTEGER NOT NULL, input_tokens INTEGER NOT NULL, PRIMARY KEY (slot, attempt));
CREATE TABLE IF NOT EXISTS unrecorded (
  slot INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (slot, attempt)
);
CREATE TABLE IF NOT EXISTS metrics (
  slot INTEGER NOT NULL,
  key TEXT NOT NULL,
  value REAL,
  detail TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (slot, key)
);
CREATE TABLE IF NOT EXISTS batches (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  status TEXT NOT NULL,
  items TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

/** Brings a store written by an older version to this schema (columns added since; never data lost). */
function migrate(db: Database): void {
  const cols = new Set<string>();
  const st = db.prepare('PRAGMA table_info(attempts)');
  while (st.step()) cols.add(String(st.get()[1]));
  st.free();
  if (!cols.has('raw_output')) db.run("ALTER TABLE attempts ADD COLUMN raw_output TEXT NOT NULL DEFAULT ''");
}

/** Identity of a dataset: one generator × one setting × one run. */
export interface DatasetInfo {
  id: string;
  run: string;
  generator: string;
  setting: string;
  target: number;
  /** Model and config file, kept in the store so a lost index can be rebuilt from the stores alone. */
  model?: string;
  configFile?: string;
}

/** How often one cause (a rule name, or a transport kind) was recorded. */
export interface CauseCount {
  reason: string;
  count: number;
}

/** A finished slot: a valid instance, or a slot that used up its attempts. */
export interface InstanceRecord {
  slot: number;
  status: 'valid' | 'failed';
  instruction: string;
  response: string;
  rawOutput: string;
  reasons: string[];
  attempts: number;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  startedAt: string;
  finishedAt: string;
  contentHash: string;
  meta: Record<string, unknown>;
}

/** One request's outcome, billed or not. */
export interface AttemptRecord {
  slot: number;
  attempt: number;
  outcome: 'valid' | 'invalid' | 'transport' | 'cancelled';
  reasons: string[];
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  cached: boolean;
  via: 'sync' | 'batch';
  /** Failed transport tries (429, 5xx, timeouts) before this attempt got its answer, each with its reason. */
  transport: string[];
  at: string;
  /** What an invalid attempt's answer said (so a failed slot shows each try's output); absent otherwise. */
  rawOutput?: string;
}

/**
 * One metric of one instance. `key` names the metric and its source (`quality@judge:gpt-4o/agb-rubric-1`),
 * so re-scoring with another judge adds a key instead of replacing one; `value` is null when the
 * metric could not be computed, with the reason in `detail.reason`.
 */
export interface MetricRecord {
  slot: number;
  key: string;
  value: number | null;
  detail: Record<string, unknown>;
}

/** A metric key's coverage in a store. */
export interface MetricKeySummary {
  key: string;
  /** Instances with a value. */
  n: number;
  /** Instances recorded without a value (a reason in their detail). */
  missing: number;
}

export interface BatchRecord {
  id: string;
  provider: string;
  status: 'submitted' | 'collected' | 'cancelled';
  items: { customId: string; slot: number; attempt: number }[];
  submittedAt: string;
  updatedAt: string;
}

export interface InstanceRow extends InstanceRecord {
  id: string;
  setting: string;
  generator: string;
}

export interface InstanceQuery {
  status?: 'valid' | 'failed';
  /** Keyset pagination: rows with slot greater than this. */
  afterSlot?: number;
  /** Rows with slot less than this, newest first (paging backwards). */
  beforeSlot?: number;
  limit: number;
}

export interface DatasetTotals {
  valid: number;
  failed: number;
  attempts: number;
  usage: Usage;
  costUsd: number;
  /** Requests sent before a crash whose answers were lost: their spend, estimated (not in `costUsd`). */
  unrecorded: { requests: number; costUsd: number };
  /** Attempts answered from the response cache (no tokens, cost or latency of their own). */
  fromCache: number;
}

/** A request that was sent and never settled (the process died first). */
export interface UnsettledSend {
  slot: number;
  attempt: number;
  /** Estimated input tokens of the request. */
  inputTokens: number;
}

/** Estimated spend of a request whose answer was lost. */
export interface UnrecordedSpend {
  slot: number;
  attempt: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  at: string;
}

export const instanceId = (datasetId: string, slot: number) => `${datasetId}/${String(slot).padStart(6, '0')}`;

/** A timer checkpoint waits at least this many times the duration of the last one. */
const CHECKPOINT_COST_FACTOR = 20;

/**
 * One dataset on disk: `dataset.sqlite` (a sql.js checkpoint) plus `journal.jsonl`.
 * Every change goes to the journal first (fsync'd) and is applied to the in-memory database
 * after; the database is checkpointed atomically now and then and at close. Opening replays
 * journal entries newer than the checkpoint, so a kill -9 loses nothing journaled, and since
 * instances are keyed by slot, replaying never duplicates one.
 */
export class DatasetStore {
  private dirty = false;
  private appliedBytes: number;
  private appliedSeq: number;
  private timer: NodeJS.Timeout | undefined;
  private readOnly = false;
  private lastCheckpointAt = 0;
  private lastCheckpointMs = 0;
  /** Compiled statements, reused: compiling SQL for every write cost more than the write itself. */
  private readonly statements = new Map<string, Statement>();

  private journal!: Journal;
  /** Problems found and repaired while opening (a store set aside and rebuilt); the caller shows them. */
  readonly warnings: string[] = [];

  private constructor(
    readonly dir: string,
    readonly info: DatasetInfo,
    private readonly db: Database,
    private readonly unlock: () => void,
    base: { bytes: number; seq: number },
  ) {
    this.appliedBytes = base.bytes;
    this.appliedSeq = base.seq;
  }

  /**
   * Opens a store: the checkpoint, then the journal entries after it. A checkpoint that cannot be
   * read (corrupt, truncated) is set aside as `dataset.sqlite.corrupt-<time>` — never deleted — and
   * the store is rebuilt from the journal, with a warning naming both files (a reader rebuilds in
   * memory and leaves the files alone). An unreadable journal line stops the open with a
   * StoreError that names the file, the byte offset and the command that repairs it.
   */
  static async open(dir: string, info: DatasetInfo, opts: { checkpointSeconds?: number; readOnly?: boolean } = {}): Promise<DatasetStore> {
    if (!opts.readOnly) fs.mkdirSync(dir, { recursive: true });
    const unlock = opts.readOnly ? () => undefined : acquireLock(path.join(dir, 'lock'), `dataset ${info.id}`);
    try {
      const SQL = await sqlJs();
      const dbFile = path.join(dir, 'dataset.sqlite');
      const journalFile = path.join(dir, 'journal.jsonl');
      const warnings: string[] = [];
      let db: Database | undefined;
      let meta: Record<string, string> = {};
      if (fs.existsSync(dbFile)) {
        try {
          db = new SQL.Database(fs.readFileSync(dbFile));
          db.run(SCHEMA);
          meta = readMeta(db);
          // a truncated file opens and has a schema; its missing pages show up here
          if (!opts.readOnly) checkIntegrity(db);
        } catch (e) {
          db?.close();
          db = undefined;
          meta = {};
          const why = errorMessage(e);
          if (opts.readOnly) {
            warnings.push(`${dbFile} cannot be read (${why}); showing what ${journalFile} holds`);
          } else {
            const aside = `${dbFile}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
            fs.renameSync(dbFile, aside);
            warnings.push(`${dbFile} could not be read (${why}): set aside as ${aside} and rebuilt from ${journalFile}`);
          }
        }
      }
      db ??= new SQL.Database();
      db.run(SCHEMA);
      migrate(db);
      if (meta.id && meta.id !== info.id) throw new StoreError(`belongs to dataset ${meta.id}, not ${info.id}`, dbFile);
      const base = { bytes: Number(meta.journal_bytes ?? 0), seq: Number(meta.journal_seq ?? 0) };
      const store = new DatasetStore(dir, { ...info, target: info.target || Number(meta.target ?? 0) }, db, unlock, base);
      store.readOnly = opts.readOnly ?? false;
      store.warnings.push(...warnings);
      store.writeMeta();
      // a new (or rebuilt) store is saved at close even if nothing is written, so its identity is on disk
      if (!fs.existsSync(dbFile)) store.dirty = true;
      let batch: JournalEntry[] = [];
      let batchEnd = base.bytes;
      try {
        store.journal = Journal.open(
          journalFile,
          base.bytes,
          base.seq,
          (entries, end) => store.applyAll(entries, end),
          (entry, end) => {
            batch.push(entry);
            batchEnd = end;
            if (batch.length >= REPLAY_BATCH) {
              store.applyAll(batch, batchEnd);
              batch = [];
            }
          },
          opts.readOnly,
        );
      } catch (e) {
        db.close();
        if (!(e instanceof JournalDamagedError)) throw e;
        const results = path.dirname(path.dirname(dir));
        throw new StoreError(
          `unreadable journal line at byte ${e.offset}; everything before it is intact. Run \`agorabench repair ${info.id} --results ${results}\` to set the damaged lines aside and keep every readable one`,
          journalFile,
        );
      }
      if (batch.length) store.applyAll(batch, batchEnd);
      if (!opts.readOnly && opts.checkpointSeconds) {
        store.timer = setInterval(() => store.periodicCheckpoint(), opts.checkpointSeconds * 1000);
        store.timer.unref();
      }
      return store;
    } catch (e) {
      unlock();
      throw e;
    }
  }

  private writeMeta(): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    const { id, run, generator, setting, target, model, configFile } = this.info;
    for (const [k, v] of Object.entries({ id, run, generator, setting, target, model, config_file: configFile })) {
      if (v !== undefined) put.run([k, String(v)]);
    }
    put.free();
  }

  // ---- writes: journal first, database after ------------------------------------------

  recordIntent(slot: number, attempt: number, choice: Record<string, unknown>): Promise<JournalEntry> {
    return this.journal.append('intent', { slot, attempt, choice });
  }
  recordAttempt(a: AttemptRecord): Promise<JournalEntry> {
    return this.journal.append('attempt', { ...a });
  }
  recordInstance(r: InstanceRecord): Promise<JournalEntry> {
    return this.journal.append('instance', { ...r });
  }
  recordBatch(b: BatchRecord): Promise<JournalEntry> {
    return this.journal.append('batch', { ...b });
  }
  /** A request is about to be sent (so a crash before its answer is recorded still shows its spend). */
  recordSent(slot: number, attempt: number, inputTokens: number): Promise<JournalEntry> {
    return this.journal.append('sent', { slot, attempt, inputTokens });
  }
  recordUnrecorded(u: UnrecordedSpend): Promise<JournalEntry> {
    return this.journal.append('unrecorded', { ...u });
  }
  /** Metric values of instances (one journal entry per value; the journal groups their fsyncs). */
  async recordMetrics(records: MetricRecord[]): Promise<void> {
    const at = new Date().toISOString();
    await Promise.all(records.map((m) => this.journal.append('metric', { slot: m.slot, key: m.key, value: m.value, detail: m.detail, at })));
  }

  private applyAll(entries: JournalEntry[], endOffset: number): void {
    this.db.run('BEGIN');
    try {
      for (const e of entries) if (e.seq > this.appliedSeq) this.apply(e);
      this.db.run('COMMIT');
    } catch (err) {
      this.db.run('ROLLBACK');
      throw err;
    }
    this.appliedSeq = Math.max(this.appliedSeq, ...entries.map((e) => e.seq));
    this.appliedBytes = endOffset;
    this.dirty = true;
  }

  private exec(sql: string, params: (string | number)[]): void {
    let stmt = this.statements.get(sql);
    if (!stmt) this.statements.set(sql, (stmt = this.db.prepare(sql)));
    stmt.run(params);
  }

  private apply(e: JournalEntry): void {
    switch (e.type) {
      case 'intent':
        this.exec('INSERT OR REPLACE INTO intents (slot, attempt, choice) VALUES (?, ?, ?)', [
          e.slot as number,
          e.attempt as number,
          JSON.stringify(e.choice),
        ]);
        break;
      case 'attempt': {
        const a = e as unknown as AttemptRecord;
        this.exec(
          `INSERT OR REPLACE INTO attempts (slot, attempt, outcome, reasons, input_tokens, output_tokens, cost_usd, latency_ms, cached, via, transport, at, raw_output)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [a.slot, a.attempt, a.outcome, JSON.stringify(a.reasons), a.usage.inputTokens, a.usage.outputTokens, a.costUsd, a.latencyMs, a.cached ? 1 : 0, a.via, JSON.stringify(a.transport), a.at, a.rawOutput ?? ''],
        );
        break;
      }
      case 'instance': {
        const r = e as unknown as InstanceRecord;
        this.exec(
          `INSERT OR REPLACE INTO instances (id, slot, setting, generator, status, instruction, response, raw_output, reasons, attempts,
             input_tokens, output_tokens, cost_usd, latency_ms, started_at, finished_at, content_hash, meta)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            instanceId(this.info.id, r.slot), r.slot, this.info.setting, this.info.generator, r.status, r.instruction, r.response, r.rawOutput,
            JSON.stringify(r.reasons), r.attempts, r.usage.inputTokens, r.usage.outputTokens, r.costUsd, r.latencyMs, r.startedAt, r.finishedAt,
            r.contentHash, JSON.stringify(r.meta),
          ],
        );
        break;
      }
      case 'sent':
        this.exec('INSERT OR REPLACE INTO sends (slot, attempt, input_tokens) VALUES (?, ?, ?)', [e.slot as number, e.attempt as number, e.inputTokens as number]);
        break;
      case 'unrecorded': {
        const u = e as unknown as UnrecordedSpend;
        this.exec('INSERT OR REPLACE INTO unrecorded (slot, attempt, input_tokens, output_tokens, cost_usd, at) VALUES (?, ?, ?, ?, ?, ?)', [
          u.slot, u.attempt, u.inputTokens, u.outputTokens, u.costUsd, u.at,
        ]);
        break;
      }
      case 'metric':
        this.exec('INSERT OR REPLACE INTO metrics (slot, key, value, detail, at) VALUES (?, ?, ?, ?, ?)', [
          e.slot as number,
          e.key as string,
          (e.value ?? null) as number,
          JSON.stringify(e.detail ?? {}),
          e.at as string,
        ]);
        break;
      case 'batch': {
        const b = e as unknown as BatchRecord;
        this.exec('INSERT OR REPLACE INTO batches (id, provider, status, items, submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
          b.id, b.provider, b.status, JSON.stringify(b.items), b.submittedAt, b.updatedAt,
        ]);
        break;
      }
      default:
        // entries of a newer version are kept in the journal and ignored here
        break;
    }
  }

  /**
   * The timer's checkpoint: skipped while the last one is recent compared with what it cost, so
   * saving a large store (an export blocks the thread for ~3 ms per MB) never takes more than
   * ~5 % of the time. The journal stays the durability point; a later checkpoint only means a
   * longer replay after a crash.
   */
  private periodicCheckpoint(): void {
    if (Date.now() - this.lastCheckpointAt < CHECKPOINT_COST_FACTOR * this.lastCheckpointMs) return;
    this.checkpoint();
  }

  /** Saves the database atomically, recording how much of the journal it covers. */
  checkpoint(): void {
    if (!this.dirty || this.readOnly) return;
    const t0 = performance.now();
    this.db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?), (?, ?)', [
      'journal_bytes', String(this.appliedBytes), 'journal_seq', String(this.appliedSeq),
    ]);
    writeFileAtomic(path.join(this.dir, 'dataset.sqlite'), this.db.export());
    this.dirty = false;
    this.lastCheckpointMs = performance.now() - t0;
    this.lastCheckpointAt = Date.now();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.journal.close();
    this.checkpoint();
    for (const st of this.statements.values()) st.free();
    this.statements.clear();
    this.db.close();
    this.unlock();
  }

  /**
   * The in-memory database of a read-only snapshot, for readers with their own queries (the
   * instance browser builds its indexes on it). A writer's database is never handed out.
   */
  snapshot(): Database {
    if (!this.readOnly) throw new StoreError('only a read-only store hands out its database', this.dir);
    return this.db;
  }

  /** What the store says about itself (identity, model, config file), for rebuilding the index. */
  meta(): Record<string, string> {
    return readMeta(this.db);
  }

  /** Waits until every record call made so far is durable and applied. */
  flush(): Promise<void> {
    return this.journal.drain();
  }

  // ---- reads ------------------------------------------------------------------------

  finishedSlots(): Map<number, 'valid' | 'failed'> {
    const out = new Map<number, 'valid' | 'failed'>();
    for (const [slot, status] of this.rows<[number, 'valid' | 'failed']>('SELECT slot, status FROM instances')) out.set(slot, status);
    return out;
  }

  /**
   * Highest attempt number used per slot that has no valid instance (attempts of unfinished or
   * failed slots continue from there); valid slots are never attempted again.
   */
  lastAttempts(): Map<number, number> {
    const out = new Map<number, number>();
    const sql = `SELECT a.slot, MAX(a.attempt) FROM attempts a
                 WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE i.slot = a.slot AND i.status = 'valid') GROUP BY a.slot`;
    for (const [slot, n] of this.rows<[number, number]>(sql)) out.set(slot, n);
    return out;
  }

  /** The prompt choice recorded for an attempt, so a resumed request is rebuilt identically. */
  intent(slot: number, attempt: number): Record<string, unknown> | undefined {
    const row = this.one<[string]>('SELECT choice FROM intents WHERE slot = ? AND attempt = ?', [slot, attempt]);
    return row ? (JSON.parse(row[0]) as Record<string, unknown>) : undefined;
  }

  /** Instruction and response of a valid instance (a demonstration for later prompts). */
  validInstance(slot: number): { instruction: string; response: string } | undefined {
    const row = this.one<[string, string]>("SELECT instruction, response FROM instances WHERE slot = ? AND status = 'valid'", [slot]);
    return row ? { instruction: row[0], response: row[1] } : undefined;
  }

  /** Slots with a valid instance, in slot order. */
  validSlots(): number[] {
    return this.rows<[number]>("SELECT slot FROM instances WHERE status = 'valid' ORDER BY slot").map((r) => r[0]);
  }

  attemptsFor(slot: number): AttemptRecord[] {
    return this.rows<[number, number, string, string, number, number, number, number, number, string, string, string, string]>(
      'SELECT slot, attempt, outcome, reasons, input_tokens, output_tokens, cost_usd, latency_ms, cached, via, transport, at, raw_output FROM attempts WHERE slot = ? ORDER BY attempt',
      [slot],
    ).map(([s, attempt, outcome, reasons, it, ot, cost, lat, cached, via, transport, at, raw]) => ({
      slot: s,
      attempt,
      outcome: outcome as AttemptRecord['outcome'],
      reasons: JSON.parse(reasons) as string[],
      usage: { inputTokens: it, outputTokens: ot },
      costUsd: cost,
      latencyMs: lat,
      cached: cached === 1,
      via: via as AttemptRecord['via'],
      transport: JSON.parse(transport) as string[],
      at,
      ...(raw ? { rawOutput: raw } : {}),
    }));
  }

  listInstances(q: InstanceQuery): InstanceRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.status) {
      where.push('status = ?');
      args.push(q.status);
    }
    if (q.afterSlot !== undefined) {
      where.push('slot > ?');
      args.push(q.afterSlot);
    }
    if (q.beforeSlot !== undefined) {
      where.push('slot < ?');
      args.push(q.beforeSlot);
    }
    const order = q.beforeSlot !== undefined ? 'DESC' : 'ASC';
    const rows = this.rows<unknown[]>(
      `SELECT id, slot, setting, generator, status, instruction, response, raw_output, reasons, attempts, input_tokens, output_tokens,
              cost_usd, latency_ms, started_at, finished_at, content_hash, meta
       FROM instances ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY slot ${order} LIMIT ?`,
      [...args, q.limit],
    ).map(toInstanceRow);
    return order === 'DESC' ? rows.reverse() : rows;
  }

  getInstance(slot: number): InstanceRow | undefined {
    return this.listInstances({ afterSlot: slot - 1, limit: 1 }).find((r) => r.slot === slot);
  }

  openBatches(): BatchRecord[] {
    return this.rows<[string, string, string, string, string, string]>(
      "SELECT id, provider, status, items, submitted_at, updated_at FROM batches WHERE status = 'submitted' ORDER BY submitted_at",
    ).map(([id, provider, status, items, submittedAt, updatedAt]) => ({
      id,
      provider,
      status: status as BatchRecord['status'],
      items: JSON.parse(items) as BatchRecord['items'],
      submittedAt,
      updatedAt,
    }));
  }

  totals(): DatasetTotals {
    const [valid = 0, failed = 0] = this.rows<[number, number]>(
      "SELECT COALESCE(SUM(status = 'valid'), 0), COALESCE(SUM(status = 'failed'), 0) FROM instances",
    )[0] ?? [0, 0];
    const [attempts = 0, it = 0, ot = 0, cost = 0, fromCache = 0] =
      this.rows<[number, number, number, number, number]>(
        'SELECT COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), COALESCE(SUM(cost_usd), 0), COALESCE(SUM(cached), 0) FROM attempts',
      )[0] ?? [];
    const [uReq = 0, uCost = 0] = this.rows<[number, number]>('SELECT COUNT(*), COALESCE(SUM(cost_usd), 0) FROM unrecorded')[0] ?? [];
    return { valid, failed, attempts, usage: { inputTokens: it, outputTokens: ot }, costUsd: cost, unrecorded: { requests: uReq, costUsd: uCost }, fromCache };
  }

  /** Every metric key recorded in this store, with how many instances have a value and how many do not. */
  metricKeys(): MetricKeySummary[] {
    return this.rows<[string, number, number]>('SELECT key, SUM(value IS NOT NULL), SUM(value IS NULL) FROM metrics GROUP BY key ORDER BY key').map(([key, n, missing]) => ({ key, n, missing }));
  }

  /** One metric's values by slot (null: recorded as missing). */
  metricValues(key: string): Map<number, number | null> {
    const out = new Map<number, number | null>();
    for (const [slot, value] of this.rows<[number, number | null]>('SELECT slot, value FROM metrics WHERE key = ? ORDER BY slot', [key])) out.set(slot, value);
    return out;
  }

  /** Every metric of one instance, with its detail (the judge's reasoning, the reason a value is missing). */
  instanceMetrics(slot: number): MetricRecord[] {
    return this.rows<[string, number | null, string]>('SELECT key, value, detail FROM metrics WHERE slot = ? ORDER BY key', [slot]).map(([key, value, detail]) => ({ slot, key, value, detail: JSON.parse(detail) as Record<string, unknown> }));
  }

  /** Requests sent that have neither an attempt record nor an unrecorded-spend estimate. */
  unsettledSends(): UnsettledSend[] {
    const sql = `SELECT s.slot, s.attempt, s.input_tokens FROM sends s
                 WHERE NOT EXISTS (SELECT 1 FROM attempts a WHERE a.slot = s.slot AND a.attempt = s.attempt)
                   AND NOT EXISTS (SELECT 1 FROM unrecorded u WHERE u.slot = s.slot AND u.attempt = s.attempt)
                 ORDER BY s.slot, s.attempt`;
    return this.rows<[number, number, number]>(sql).map(([slot, attempt, inputTokens]) => ({ slot, attempt, inputTokens }));
  }

  /** Mean output tokens of the answers recorded so far (for estimating lost ones); undefined when none. */
  meanOutputTokens(): number | undefined {
    const [n = 0, sum = 0] = this.rows<[number, number]>("SELECT COUNT(*), COALESCE(SUM(output_tokens), 0) FROM attempts WHERE outcome <> 'transport' AND cached = 0")[0] ?? [];
    return n ? sum / n : undefined;
  }

  /**
   * Causes over every attempt, by rule (the text before the first colon), most frequent first, in
   * two groups: `failed` — every cause recorded for slots that used up their attempts; `retried` —
   * causes that were retried and later succeeded (invalid outputs and transport errors of slots
   * that ended valid or are still in progress).
   */
  causes(): { failed: CauseCount[]; retried: CauseCount[] } {
    const failed = new Map<string, number>();
    const retried = new Map<string, number>();
    const sql = 'SELECT a.outcome, a.reasons, a.transport, i.status FROM attempts a LEFT JOIN instances i ON i.slot = a.slot';
    for (const [outcome, reasons, transport, status] of this.rows<[string, string, string, string | null]>(sql)) {
      const into = status === 'failed' ? failed : retried;
      // a transport attempt's reasons are its tries; other attempts keep tries that preceded the answer apart
      const list = outcome === 'transport' ? (JSON.parse(reasons) as string[]) : [...(JSON.parse(reasons) as string[]), ...(JSON.parse(transport) as string[])];
      for (const r of list) {
        const k = r.split(':')[0] ?? r;
        into.set(k, (into.get(k) ?? 0) + 1);
      }
    }
    const sorted = (m: Map<string, number>) => [...m].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
    return { failed: sorted(failed), retried: sorted(retried) };
  }

  /** First row of a frequent query, through a compiled statement kept for reuse. */
  private one<T extends unknown[]>(sql: string, params: (string | number)[]): T | undefined {
    let stmt = this.statements.get(sql);
    if (!stmt) this.statements.set(sql, (stmt = this.db.prepare(sql)));
    try {
      stmt.bind(params);
      return stmt.step() ? (stmt.get() as T) : undefined;
    } finally {
      stmt.reset();
    }
  }

  private rows<T extends unknown[]>(sql: string, params: (string | number)[] = []): T[] {
    return select<T>(this.db, sql, params);
  }
}

/** Entries applied per transaction while replaying a journal. */
const REPLAY_BATCH = 2000;

/** Throws when SQLite finds the file damaged (a truncated or corrupted checkpoint). */
function checkIntegrity(db: Database): void {
  const res = db.exec('PRAGMA quick_check');
  const first = res[0]?.values[0]?.[0];
  if (first !== 'ok') throw new Error(String(first ?? 'integrity check failed'));
}

function readMeta(db: Database): Record<string, string> {
  const out: Record<string, string> = {};
  const res = db.exec('SELECT key, value FROM meta');
  for (const [k, v] of res[0]?.values ?? []) out[String(k)] = String(v);
  return out;
}

function toInstanceRow(r: unknown[]): InstanceRow {
  const [id, slot, setting, generator, status, instruction, response, raw, reasons, attempts, it, ot, cost, lat, started, finished, hash, meta] = r;
  return {
    id: String(id),
    slot: Number(slot),
    setting: String(setting),
    generator: String(generator),
    status: status as InstanceRow['status'],
    instruction: String(instruction),
    response: String(response),
    rawOutput: String(raw),
    reasons: JSON.parse(String(reasons)) as string[],
    attempts: Number(attempts),
    usage: { inputTokens: Number(it), outputTokens: Number(ot) },
    costUsd: Number(cost),
    latencyMs: Number(lat),
    startedAt: String(started),
    finishedAt: String(finished),
    contentHash: String(hash),
    meta: JSON.parse(String(meta)) as Record<string, unknown>,
  };
}

/**
 * Repairs a dataset's journal (see `repairJournal`) while holding the dataset's lock, so a run
 * writing it at the same time is refused rather than raced.
 */
export function repairDatasetJournal(dir: string, id: string): ReturnType<typeof repairJournal> {
  const unlock = acquireLock(path.join(dir, 'lock'), `dataset ${id}`);
  try {
    return repairJournal(path.join(dir, 'journal.jsonl'));
  } finally {
    unlock();
  }
}
