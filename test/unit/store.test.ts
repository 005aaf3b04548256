import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { sqlJs } from '../../src/core/store/sqljs';
import * as path from 'node:path';
import { acquireLock, writeFileAtomic } from '../../src/core/store/atomicFile';
import { DatasetStore, instanceId, type BatchRecord } from '../../src/core/store/datasetStore';
import { IndexStore } from '../../src/core/store/indexStore';
import { exited, printed, spawnTs, tempDirs } from './helpers/engine';
import { INFO, attempt, datasetRow, instance } from './helpers/storeRecords';

const CHILD = path.join(__dirname, 'helpers', 'storeChild.ts');

/** Every file in `dir` with its size, content hash and mtime. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, f);
    const st = fs.statSync(p);
    out[f] = `${st.size}:${st.mtimeMs}:${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`;
  }
  return out;
}

function journalLines(dir: string): unknown[] {
  const text = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the journal ends with a complete line');
  return text
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as unknown);
}

/** A store left open as a crashed process would leave it: its lock file is removed so the directory can be opened again. */
function abandon(dir: string): void {
  fs.rmSync(path.join(dir, 'lock'));
}

describe('store: DatasetStore', () => {
  const mkdir = tempDirs('store');

  it('records written through the store are visible after close and reopen', async () => {
    const dir = mkdir();
    const store = await DatasetStore.open(dir, INFO);
    const batch: BatchRecord = {
      id: 'batch_1',
      provider: 'openai',
      status: 'submitted',
      items: [{ customId: 'c0', slot: 0, attempt: 2 }],
      submittedAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    };
    await Promise.all([
      store.recordIntent(0, 1, { demos: [{ s: 3 }, { g: 7 }], theme: 'algebra' }),
      store.recordAttempt(attempt(0, 1, { outcome: 'invalid', reasons: ['leak: x'], transport: ['transport-server: 500'] })),
      store.recordAttempt(attempt(0, 2)),
      store.recordInstance(instance(0, { attempts: 2, meta: { k: [1, 2] } })),
      store.recordBatch(batch),
    ]);
    // visible before close, once the appends resolved
    assert.equal(store.getInstance(0)?.instruction, 'instruction 0');
    await store.close();
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'close releases the lock');

    const again = await DatasetStore.open(dir, { ...INFO, target: 0 });
    try {
      assert.equal(again.info.target, 100, 'the target is remembered');
      assert.deepEqual(again.intent(0, 1), { demos: [{ s: 3 }, { g: 7 }], theme: 'algebra' });
      assert.equal(again.intent(0, 2), undefined);
      assert.deepEqual(again.attemptsFor(0), [attempt(0, 1, { outcome: 'invalid', reasons: ['leak: x'], transport: ['transport-server: 500'] }), attempt(0, 2)]);
      // a valid slot is never attempted again, so it has no attempt counter to continue
      assert.deepEqual(again.lastAttempts(), new Map());
      assert.deepEqual(again.validInstance(0), { instruction: 'instruction 0', response: instance(0).response });
      assert.deepEqual(again.validSlots(), [0]);
      assert.deepEqual(again.finishedSlots(), new Map([[0, 'valid']]));
      assert.deepEqual(again.openBatches(), [batch]);
      assert.deepEqual(again.getInstance(0), {
        ...instance(0, { attempts: 2, meta: { k: [1, 2] } }),
        id: instanceId(INFO.id, 0),
        setting: INFO.setting,
        generator: INFO.generator,
      });
      assert.equal(again.getInstance(1), undefined);
      // a collected batch is no longer open
      await again.recordBatch({ ...batch, status: 'collected' });
      assert.deepEqual(again.openBatches(), []);
    } finally {
      await again.close();
    }
  });

  it('instance metrics: keyed by metric and source, missing ones kept with their reason, replayed from the journal', async () => {
    const dir = mkdir();
    const store = await DatasetStore.open(dir, INFO);
    await store.recordMetrics([
      { slot: 0, key: 'quality@judge:a', value: 4, detail: { reasoning: 'fine' } },
      { slot: 1, key: 'quality@judge:a', value: null, detail: { reason: 'no verdict after 3 attempts' } },
      { slot: 0, key: 'quality@judge:b', value: 2, detail: {} },
    ]);
    // re-scoring a slot with the same key replaces that value only
    await store.recordMetrics([{ slot: 0, key: 'quality@judge:a', value: 5, detail: {} }]);
    await store.close();
    // a crash before the next checkpoint: the journal alone brings the metrics back
    fs.rmSync(path.join(dir, 'dataset.sqlite'));
    const again = await DatasetStore.open(dir, INFO);
    try {
      assert.deepEqual(again.metricKeys(), [
        { key: 'quality@judge:a', n: 1, missing: 1 },
        { key: 'quality@judge:b', n: 1, missing: 0 },
      ]);
      assert.deepEqual(again.metricValues('quality@judge:a'), new Map([[0, 5], [1, null]]));
      assert.deepEqual(again.instanceMetrics(1), [{ slot: 1, key: 'quality@judge:a', value: null, detail: { reason: 'no verdict after 3 attempts' } }]);
    } finally {
      await again.close();
    }
  });

  it('opens a store written before attempts kept their raw output, and adds the column without losing a row', async () => {
    const dir = mkdir();
    const store = await DatasetStore.open(dir, INFO);
    await store.recordAttempt(attempt(0, 1));
    await store.close();
    // the older schema: attempts without raw_output
    const SQL = await sqlJs();
    const old = new SQL.Database(fs.readFileSync(path.join(dir, 'dataset.sqlite')));
    old.run('CREATE TABLE a2 AS SELECT slot, attempt, outcome, reasons, input_tokens, output_tokens, cost_usd, latency_ms, cached, via, transport, at FROM attempts');
    old.run('DROP TABLE attempts');
    old.run('ALTER TABLE a2 RENAME TO attempts');
    writeFileAtomic(path.join(dir, 'dataset.sqlite'), old.export());
    old.close();
    const again = await DatasetStore.open(dir, INFO);
    try {
      assert.deepEqual(again.attemptsFor(0), [attempt(0, 1)]);
      await again.recordAttempt(attempt(1, 1, { outcome: 'invalid', reasons: ['leak: x'], rawOutput: 'INPUT: leaked' }));
      assert.equal(again.attemptsFor(1)[0]?.rawOutput, 'INPUT: leaked');
    } finally {
      await again.close();
    }
  });

  it('a store directory belongs to one dataset', async () => {
    const dir = mkdir();
    const store = await DatasetStore.open(dir, INFO);
    await store.recordInstance(instance(0));
    await store.close();
    await assert.rejects(DatasetStore.open(dir, { ...INFO, id: 'other/dataset' }), /belongs to dataset run1\/gen-a\/instance_generation\.math/);
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'a failed open releases its lock');
  });

  it('after a SIGKILL, reopening replays the journal: every journaled instance is there exactly once', async () => {
    const dir = mkdir();
    const n = 30;
    const child = spawnTs(CHILD, ['crash', dir, String(n)]);
    const result = await exited(child);
    assert.equal(result.signal, 'SIGKILL', result.stderr);
    assert.ok(result.stdout.includes('written'), result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8'), String(child.pid), 'the dead process left its lock behind');
    assert.ok(fs.existsSync(path.join(dir, 'dataset.sqlite')), 'the child checkpointed halfway');

    const store = await DatasetStore.open(dir, INFO);
    try {
      const rows = store.listInstances({ limit: 1000 });
      assert.deepEqual(
        rows.map((r) => r.slot),
        Array.from({ length: n }, (_, i) => i),
      );
      assert.equal(rows.find((r) => r.slot === 1)?.instruction, 'updated after checkpoint');
      assert.equal(store.totals().valid, n);
      assert.equal(store.totals().attempts, n);
      for (let i = 0; i < n; i++) assert.deepEqual(store.intent(i, 1), { demos: [{ s: i }] }, `intent of slot ${i}`);
    } finally {
      await store.close();
    }
    // and once more after a clean close (checkpoint + journal agree)
    const third = await DatasetStore.open(dir, INFO);
    try {
      assert.equal(third.listInstances({ limit: 1000 }).length, n);
    } finally {
      await third.close();
    }
  });

  it('a torn last journal line is dropped and later appends work', async () => {
    const dir = mkdir();
    const first = await DatasetStore.open(dir, INFO);
    await Promise.all([0, 1, 2].map((s) => first.recordInstance(instance(s))));
    const journal = path.join(dir, 'journal.jsonl');
    const whole = fs.statSync(journal).size;
    fs.appendFileSync(journal, '{"slot":3,"status":"valid","instruction":"half a li');
    abandon(dir);

    const second = await DatasetStore.open(dir, INFO);
    assert.equal(fs.statSync(journal).size, whole, 'the torn line is cut off');
    assert.deepEqual(
      second.listInstances({ limit: 10 }).map((r) => r.slot),
      [0, 1, 2],
    );
    await second.recordInstance(instance(3, { instruction: 'after the tear' }));
    await second.close();
    assert.equal(journalLines(dir).length, 4);

    const third = await DatasetStore.open(dir, INFO);
    try {
      assert.deepEqual(
        third.listInstances({ limit: 10 }).map((r) => r.instruction),
        ['instruction 0', 'instruction 1', 'instruction 2', 'after the tear'],
      );
    } finally {
      await third.close();
    }
  });

  it('replay after a checkpoint applies only the newer journal entries', async () => {
    const dir = mkdir();
    const first = await DatasetStore.open(dir, INFO);
    await Promise.all([0, 1, 2, 3, 4].map((s) => first.recordInstance(instance(s, { instruction: `orig-${s}` }))));
    first.checkpoint();
    await Promise.all([5, 6, 7].map((s) => first.recordInstance(instance(s, { instruction: `orig-${s}` }))));
    await first.recordInstance(instance(2, { instruction: 'new!-2' }));
    abandon(dir);
    // Rewrite a journal line the checkpoint already covers (same length, so offsets stay valid):
    // if replay applied it again, the store would show the rewritten text.
    const journal = path.join(dir, 'journal.jsonl');
    const text = fs.readFileSync(journal, 'utf8');
    assert.equal(text.split('"orig-3"').length, 2);
    fs.writeFileSync(journal, text.replace('"orig-3"', '"EDIT-3"'));

    const second = await DatasetStore.open(dir, INFO);
    try {
      const rows = second.listInstances({ limit: 100 });
      assert.deepEqual(
        rows.map((r) => r.slot),
        [0, 1, 2, 3, 4, 5, 6, 7],
      );
      assert.equal(rows.find((r) => r.slot === 3)?.instruction, 'orig-3', 'a pre-checkpoint entry was applied again');
      assert.equal(rows.find((r) => r.slot === 2)?.instruction, 'new!-2', 'the post-checkpoint update wins');
      assert.equal(rows.find((r) => r.slot === 7)?.instruction, 'orig-7');
    } finally {
      await second.close();
    }
  });

  describe('queries', () => {
    let dir: string;
    let store: DatasetStore;
    before(async () => {
      dir = mkdir();
      store = await DatasetStore.open(dir, INFO);
      // written out of order: reads are ordered by slot
      const slots = Array.from({ length: 25 }, (_, i) => (i * 7) % 25);
      await Promise.all(slots.map((s) => store.recordInstance(instance(s, { status: s % 5 === 0 ? 'failed' : 'valid' }))));
      await Promise.all([
        store.recordAttempt(attempt(0, 1, { outcome: 'invalid', reasons: ['leak: a', 'math-result-count: b'], transport: ['transport-rate_limit: 429'], usage: { inputTokens: 7, outputTokens: 3 }, costUsd: 0.25 })),
        store.recordAttempt(attempt(0, 2, { outcome: 'invalid', reasons: ['leak: c'], transport: ['transport-rate_limit: again', 'transport-server: 503'], costUsd: 0.5 })),
        store.recordAttempt(attempt(1, 1, { costUsd: 0.125, transport: ['transport-timeout: slow'] })),
      ]);
    });
    after(() => store.close());

    const slotsOf = (q: Parameters<DatasetStore['listInstances']>[0]) => store.listInstances(q).map((r) => r.slot);

    it('keyset pagination forwards with afterSlot', () => {
      assert.deepEqual(slotsOf({ limit: 10 }), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(slotsOf({ afterSlot: 9, limit: 10 }), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      assert.deepEqual(slotsOf({ afterSlot: 19, limit: 10 }), [20, 21, 22, 23, 24]);
      assert.deepEqual(slotsOf({ afterSlot: 24, limit: 10 }), []);
    });

    it('backwards with beforeSlot: the page just before, still in ascending order', () => {
      assert.deepEqual(slotsOf({ beforeSlot: 10, limit: 5 }), [5, 6, 7, 8, 9]);
      assert.deepEqual(slotsOf({ beforeSlot: 3, limit: 5 }), [0, 1, 2]);
      assert.deepEqual(slotsOf({ beforeSlot: 25, limit: 3 }), [22, 23, 24]);
    });

    it('status filter, combined with the cursors', () => {
      assert.deepEqual(slotsOf({ status: 'failed', limit: 100 }), [0, 5, 10, 15, 20]);
      assert.deepEqual(slotsOf({ status: 'valid', afterSlot: 3, limit: 3 }), [4, 6, 7]);
      assert.deepEqual(slotsOf({ status: 'failed', beforeSlot: 15, limit: 2 }), [5, 10]);
      assert.equal(store.listInstances({ status: 'valid', limit: 100 }).length, 20);
    });

    it('totals()', () => {
      assert.deepEqual(store.totals(), { valid: 20, failed: 5, attempts: 3, usage: { inputTokens: 207, outputTokens: 23 }, costUsd: 0.875, unrecorded: { requests: 0, costUsd: 0 }, fromCache: 0 });
    });

    it('causes(): by rule, most frequent first, apart for slots that failed and retries that later succeeded', () => {
      const { failed, retried } = store.causes();
      // slot 0 failed: every cause of its two attempts
      assert.deepEqual(new Map(failed.map((c) => [c.reason, c.count])), new Map([
        ['leak', 2],
        ['transport-rate_limit', 2],
        ['math-result-count', 1],
        ['transport-server', 1],
      ]));
      assert.deepEqual(failed.map((c) => c.count), [2, 2, 1, 1]);
      // slot 1 ended valid after a timeout was retried
      assert.deepEqual(retried, [{ reason: 'transport-timeout', count: 1 }]);
    });

    it('causes(): an attempt that got no answer counts each try once', async () => {
      const s2 = await DatasetStore.open(mkdir(), INFO);
      try {
        const tries = ['transport-server: HTTP 502', 'transport-malformed: the response body was cut off before its end'];
        await s2.recordAttempt(attempt(3, 1, { outcome: 'transport', reasons: tries, transport: tries }));
        await s2.recordInstance(instance(3, { status: 'failed' }));
        assert.deepEqual(s2.causes(), { failed: [{ reason: 'transport-server', count: 1 }, { reason: 'transport-malformed', count: 1 }], retried: [] });
      } finally {
        await s2.close();
      }
    });

    it('an empty store has zero totals', async () => {
      const empty = await DatasetStore.open(mkdir(), INFO);
      try {
        assert.deepEqual(empty.totals(), { valid: 0, failed: 0, attempts: 0, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, unrecorded: { requests: 0, costUsd: 0 }, fromCache: 0 });
        assert.deepEqual(empty.causes(), { failed: [], retried: [] });
        assert.deepEqual(empty.listInstances({ limit: 10 }), []);
      } finally {
        await empty.close();
      }
    });
  });

  describe('lock', () => {
    it('a second open in the same process fails', async () => {
      const dir = mkdir();
      const store = await DatasetStore.open(dir, INFO);
      try {
        await assert.rejects(DatasetStore.open(dir, INFO), /already open in this process/);
      } finally {
        await store.close();
      }
    });

    it('another process holding the dataset is named by pid; once it is killed its stale lock is taken over', async () => {
      const dir = mkdir();
      const child = spawnTs(CHILD, ['hold', dir]);
      const gone = exited(child);
      try {
        await printed(child, 'ready');
        await assert.rejects(DatasetStore.open(dir, INFO), (e: unknown) => {
          assert.ok(e instanceof Error);
          assert.ok(e.message.includes(`in use by process ${String(child.pid)}`), e.message);
          return true;
        });
        // the failed open did not disturb the holder's lock
        assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8'), String(child.pid));
      } finally {
        child.kill('SIGKILL');
        await gone;
      }
      const store = await DatasetStore.open(dir, INFO);
      assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8'), String(process.pid));
      await store.close();
    });

    it('a lock file left by a dead pid is taken over', async () => {
      const dir = mkdir();
      const dead = spawnSync(process.execPath, ['-e', '']);
      assert.ok(dead.pid);
      fs.writeFileSync(path.join(dir, 'lock'), String(dead.pid));
      const store = await DatasetStore.open(dir, INFO);
      assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8'), String(process.pid));
      await store.close();
      assert.equal(fs.existsSync(path.join(dir, 'lock')), false);
    });

    it('acquireLock excludes other processes: two processes never hold the lock at once', async () => {
      const dir = mkdir();
      const children = [0, 1].map(() => spawnTs(CHILD, ['lockstress', dir, '5000']));
      const done = children.map(exited);
      await Promise.all(children.map((c) => printed(c, 'ready')));
      for (const c of children) c.stdin?.write('go\n');
      const results = await Promise.all(done);
      const stats = results.map((r) => {
        assert.equal(r.code, 0, r.stderr);
        return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { held: number; violations: number };
      });
      for (const s of stats) assert.ok(s.held > 0, 'each process got the lock at least once');
      assert.deepEqual(
        stats.map((s) => s.violations),
        [0, 0],
        `times a process found the lock held by the other while it held it: ${JSON.stringify(stats)}`,
      );
    });

    it('acquireLock: the release function only removes our own lock', () => {
      const dir = mkdir();
      const file = path.join(dir, 'x.lock');
      const release = acquireLock(file, 'thing');
      assert.throws(() => acquireLock(file, 'thing'), /thing is already open in this process/);
      fs.writeFileSync(file, '999999999'); // someone else's (and not a live pid)
      release();
      assert.equal(fs.readFileSync(file, 'utf8'), '999999999');
    });
  });

  describe('read-only open', () => {
    it("needs no lock, sees the writer's journaled entries, ignores (and keeps) a torn tail, writes nothing", async () => {
      const dir = mkdir();
      const writer = await DatasetStore.open(dir, INFO);
      try {
        await Promise.all([0, 1].map((s) => writer.recordInstance(instance(s))));
        writer.checkpoint();
        await writer.recordInstance(instance(2));
        await writer.recordAttempt(attempt(2, 1));
        const journal = path.join(dir, 'journal.jsonl');
        fs.appendFileSync(journal, '{"seq":99,"type":"instance","slot":9');
        const before = snapshot(dir);

        const reader = await DatasetStore.open(dir, INFO, { readOnly: true, checkpointSeconds: 0.01 });
        assert.deepEqual(
          reader.listInstances({ limit: 10 }).map((r) => r.slot),
          [0, 1, 2],
        );
        assert.equal(reader.totals().attempts, 1);
        await assert.rejects(reader.recordInstance(instance(5)), /closed/);
        reader.checkpoint();
        await reader.close();

        assert.deepEqual(snapshot(dir), before, 'a read-only open changed files');
        assert.ok(fs.readFileSync(journal, 'utf8').endsWith('"slot":9'), 'the torn tail is still there');
        assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8'), String(process.pid), "the writer's lock is untouched");
      } finally {
        await writer.close();
      }
    });
  });
});

describe('store: IndexStore', () => {
  const mkdir = tempDirs('index');

  it('reports a run whose process is gone as interrupted', async () => {
    const index = new IndexStore(mkdir());
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    assert.ok(deadPid > 0);
    await index.upsertRun({ name: 'gone', configFile: '/x/g.agorabench.json', status: 'running', pid: deadPid, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' });
    await index.upsertRun({ name: 'live', configFile: '/x/l.agorabench.json', status: 'running', pid: process.pid, createdAt: '2025-01-02T00:00:00Z', updatedAt: '2025-01-02T00:00:00Z' });
    const byName = new Map((await index.runs()).map((r) => [r.name, r.status]));
    assert.equal(byName.get('gone'), 'interrupted');
    assert.equal(byName.get('live'), 'running');
  });

  it('adds the pid column to an index written before it existed', async () => {
    const dir = mkdir();
    const SQL = await sqlJs();
    const old = new SQL.Database();
    old.run("CREATE TABLE runs (name TEXT PRIMARY KEY, config_file TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL); INSERT INTO runs VALUES ('old', '/x.json', 'completed', 't0', 't1');");
    fs.writeFileSync(path.join(dir, 'index.sqlite'), old.export());
    old.close();
    const index = new IndexStore(dir);
    await index.upsertRun({ name: 'new', configFile: '/y.json', status: 'completed', pid: 1, createdAt: 't2', updatedAt: 't3' });
    assert.deepEqual((await index.runs()).map((r) => [r.name, r.status, r.pid]).sort(), [['new', 'completed', 1], ['old', 'completed', 0]]);
  });

  it('upserts and lists runs and datasets', async () => {
    const dir = mkdir();
    const index = new IndexStore(dir);
    assert.deepEqual(await index.runs(), []);
    assert.deepEqual(await index.datasets(), []);
    const pid = process.pid;
    await index.upsertRun({ name: 'a', configFile: '/x/a.agorabench.json', status: 'running', pid, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' });
    await index.upsertRun({ name: 'b', configFile: '/x/b.agorabench.json', status: 'running', pid, createdAt: '2025-01-02T00:00:00Z', updatedAt: '2025-01-02T00:00:00Z' });
    await index.upsertRun({ name: 'a', configFile: '/x/a2.agorabench.json', status: 'completed', pid, createdAt: '2030-01-01T00:00:00Z', updatedAt: '2025-01-03T00:00:00Z' });
    assert.deepEqual(await index.runs(), [
      { name: 'b', configFile: '/x/b.agorabench.json', status: 'running', pid, createdAt: '2025-01-02T00:00:00Z', updatedAt: '2025-01-02T00:00:00Z' },
      // an update keeps the creation time
      { name: 'a', configFile: '/x/a2.agorabench.json', status: 'completed', pid, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-03T00:00:00Z' },
    ]);

    await index.upsertDatasets([datasetRow('a/g2/s', { run: 'a', generator: 'g2' }), datasetRow('a/g1/s', { run: 'a', generator: 'g1' }), datasetRow('b/g1/s', { run: 'b', generator: 'g1' })]);
    await index.upsertDatasets([datasetRow('a/g1/s', { run: 'a', generator: 'g1', valid: 9, status: 'completed', costUsd: 1.25 })]);
    await index.upsertDatasets([]);
    const a = await index.datasets('a');
    assert.deepEqual(
      a.map((d) => d.id),
      ['a/g1/s', 'a/g2/s'],
    );
    assert.deepEqual(a[0], datasetRow('a/g1/s', { run: 'a', generator: 'g1', valid: 9, status: 'completed', costUsd: 1.25 }));
    assert.equal((await index.datasets()).length, 3);
    assert.deepEqual(await index.datasets('nope'), []);
    assert.equal(fs.existsSync(path.join(dir, 'index.lock')), false, 'the index lock is released after each update');
  });

  it('two processes updating at the same time lose no writes', async () => {
    const dir = mkdir();
    const children = ['p', 'q'].map((prefix) => spawnTs(CHILD, ['index', dir, prefix]));
    const results = await Promise.all(children.map(exited));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const rows = await new IndexStore(dir).datasets();
    assert.equal(rows.length, 40);
    for (const prefix of ['p', 'q']) {
      assert.deepEqual(
        rows.filter((r) => r.generator === prefix).map((r) => r.id),
        Array.from({ length: 20 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`),
      );
    }
  });

  it('updates within one process are serialised', async () => {
    const dir = mkdir();
    const index = new IndexStore(dir);
    await Promise.all(Array.from({ length: 15 }, (_, i) => index.upsertDatasets([datasetRow(`d${i}`)])));
    assert.equal((await index.datasets()).length, 15);
  });
});

describe('store: writeFileAtomic', () => {
  const mkdir = tempDirs('atomic');
  it('replaces the content and leaves no temp file', () => {
    const dir = mkdir();
    const f = path.join(dir, 'f.bin');
    writeFileAtomic(f, 'one');
    writeFileAtomic(f, new Uint8Array([116, 119, 111]));
    assert.equal(fs.readFileSync(f, 'utf8'), 'two');
    assert.deepEqual(fs.readdirSync(dir), ['f.bin']);
  });
});

describe('store: deleting a run', () => {
  const mkdir = tempDirs('delete-run');

  it('removes the run, its datasets and dataset metrics from the index and only its folders', async () => {
    const dir = mkdir();
    const index = new IndexStore(dir);
    const t = '2025-01-01T00:00:00Z';
    await index.upsertRun({ name: 'a', configFile: '/x/a.agorabench.json', status: 'completed', pid: 1, createdAt: t, updatedAt: t });
    await index.upsertRun({ name: 'b', configFile: '/x/b.agorabench.json', status: 'completed', pid: 1, createdAt: t, updatedAt: t });
    const folder = (id: string) => {
      fs.mkdirSync(path.join(dir, 'datasets', id), { recursive: true });
      fs.writeFileSync(path.join(dir, 'datasets', id, 'journal.jsonl'), '');
      return path.join('datasets', id);
    };
    await index.upsertDatasets([
      datasetRow('a__g__s', { run: 'a', dir: folder('a__g__s') }),
      datasetRow('b__g__s', { run: 'b', dir: folder('b__g__s') }),
      // a row pointing outside datasets/ must never be followed
      datasetRow('a__g__evil', { run: 'a', dir: '..' }),
    ]);
    folder('a__g__s__metric__judge__quality');
    // a person's annotations survive the deletion of the results
    fs.writeFileSync(path.join(dir, 'datasets', 'a__g__s', 'annotations.jsonl'), '{"note":"mine"}\n');
    fs.writeFileSync(path.join(dir, 'datasets', 'a__g__s', 'dataset.sqlite'), 'x');
    await index.upsertDatasetMetrics([
      { dataset: 'a__g__s', run: 'a', key: 'length', value: 1, n: 1, missing: 0, detail: {}, updatedAt: t },
      { dataset: 'b__g__s', run: 'b', key: 'length', value: 2, n: 1, missing: 0, detail: {}, updatedAt: t },
    ]);
    const { Results } = await import('../../src/core/results');
    const out = await new Results(dir).deleteRun('a');
    assert.deepEqual(out.datasets.sort(), ['a__g__evil', 'a__g__s']);
    assert.deepEqual((await index.runs()).map((r) => r.name), ['b']);
    assert.deepEqual((await index.datasets()).map((d) => d.id), ['b__g__s']);
    assert.deepEqual((await index.datasetMetrics()).map((m) => m.dataset), ['b__g__s']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'datasets')).sort(), ['a__g__s', 'b__g__s']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'datasets', 'a__g__s')), ['annotations.jsonl'], 'only the annotations are left');
    assert.deepEqual(out.kept, [path.join(dir, 'datasets', 'a__g__s', 'annotations.jsonl')]);
    assert.ok(fs.existsSync(path.join(dir, 'index.sqlite')));
    assert.equal(fs.existsSync(path.join(dir, 'index.lock')), false);
  });

  it('refuses a run that is still running', async () => {
    const dir = mkdir();
    const index = new IndexStore(dir);
    await index.upsertRun({ name: 'live', configFile: '/x/l.agorabench.json', status: 'running', pid: process.pid, createdAt: 't', updatedAt: 't' });
    const { Results } = await import('../../src/core/results');
    await assert.rejects(new Results(dir).deleteRun('live'), /still running/);
    assert.equal((await index.runs()).length, 1);
  });
});
