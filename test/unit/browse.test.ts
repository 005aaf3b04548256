// The instance browser's engine: filters, sorts and pages answered from a store snapshot, in
// process (DatasetBrowser) and through the worker thread (BrowseClient), checked against the same
// query done by hand over the records that were written.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BrowseClient, BrowseError, DatasetBrowser } from '../../src/core/browse';
import { DatasetStore, instanceId } from '../../src/core/store/datasetStore';
import { csvRecords } from '../../src/core/util/csvRecords';
import { DEFAULT_QUERY, type QueryView } from '../../src/protocol/instancesProtocol';
import { tempDirs } from './helpers/engine';
import { attempt, INFO, instance } from './helpers/storeRecords';

const N = 300;
const QUALITY = 'judge.quality@gpt';

/** Slot s: failed when s % 7 == 3; quality = (s * 37) % 10 for even slots, none for odd ones; "needle" in every 25th response. */
async function writeStore(dir: string): Promise<void> {
  const store = await DatasetStore.open(dir, INFO);
  for (let s = 0; s < N; s++) {
    const failed = s % 7 === 3;
    await store.recordAttempt(attempt(s, 1, failed ? { outcome: 'invalid', reasons: ['format (paper): no [RESULT]'], rawOutput: `broken output ${s}` } : {}));
    await store.recordInstance(
      instance(s, {
        status: failed ? 'failed' : 'valid',
        instruction: failed ? '' : `instruction ${s} ${'x'.repeat(s % 13)}`,
        response: failed ? '' : `response ${s}${s % 25 === 0 ? ' with a NEEDLE inside' : ''}`,
        reasons: failed ? ['format (paper): no [RESULT]'] : [],
        costUsd: (N - s) / 1000,
        meta: s === 5 ? { original: { instruction: 'orig q', response: 'orig a' } } : {},
      }),
    );
  }
  await store.recordMetrics(
    Array.from({ length: N / 2 }, (_, i) => ({ slot: i * 2, key: QUALITY, value: (i * 2 * 37) % 10, detail: { rationale: `r${i * 2}` } })),
  );
  await store.close();
}

const q = (over: Partial<QueryView['filter']> = {}, sort: QueryView['sort'] = { column: 'slot', dir: 'asc' }): QueryView => ({ filter: { status: 'all', metrics: [], ...over }, sort });
const slots = (n = N) => Array.from({ length: n }, (_, s) => s);
const quality = (s: number) => (s % 2 === 0 ? (s * 37) % 10 : undefined);

describe('instance browser engine', () => {
  const temp = tempDirs('browse');
  let dir: string;
  let browser: DatasetBrowser;

  before(async () => {
    dir = path.join(temp(), 'ds');
    await writeStore(dir);
    browser = await DatasetBrowser.open(dir, INFO);
  });
  after(() => browser.close());

  it('pages the unfiltered slot order with the total, both directions', () => {
    const first = browser.rows(DEFAULT_QUERY, 0, 50);
    assert.equal(first.total, N);
    assert.deepEqual(first.rows.map((r) => r.slot), slots(50));
    const last = browser.rows({ ...DEFAULT_QUERY, sort: { column: 'slot', dir: 'desc' } }, 290, 50);
    assert.deepEqual(last.rows.map((r) => r.slot), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.equal(first.rows[2]?.metrics[QUALITY], quality(2));
    assert.equal(first.rows[1]?.metrics[QUALITY], undefined);
    const later = browser.rows(DEFAULT_QUERY, 250, 60);
    assert.deepEqual(later.rows.map((r) => r.slot), slots().slice(250));
  });

  it('filters by status and by a metric range, and sorts by a metric with missing values last', () => {
    const failed = browser.rows(q({ status: 'failed' }), 0, 500);
    const want = slots().filter((s) => s % 7 === 3);
    assert.equal(failed.total, want.length);
    assert.deepEqual(failed.rows.map((r) => r.slot), want);

    const ranged = browser.rows(q({ metrics: [{ key: QUALITY, min: 7, max: 9 }] }), 0, 500);
    assert.deepEqual(ranged.rows.map((r) => r.slot), slots().filter((s) => (quality(s) ?? -1) >= 7));

    const missing = browser.rows(q({ metrics: [{ key: QUALITY, missing: true }] }), 0, 500);
    assert.equal(missing.total, N / 2);

    const sorted = browser.rows(q({}, { column: `metric:${QUALITY}`, dir: 'desc' }), 0, 500).rows.map((r) => r.slot);
    const expected = [...slots().filter((s) => quality(s) !== undefined)].sort((a, b) => (quality(b) as number) - (quality(a) as number) || a - b);
    assert.deepEqual(sorted, [...expected, ...slots().filter((s) => quality(s) === undefined)]);
  });

  it('sorts by built-in columns and pages a sorted order from any offset', () => {
    const byCost = browser.rows(q({}, { column: 'cost', dir: 'asc' }), 10, 5).rows.map((r) => r.slot);
    assert.deepEqual(byCost, [289, 288, 287, 286, 285]);
    const byLength = browser.rows(q({ status: 'valid' }, { column: 'instructionLength', dir: 'desc' }), 0, 1).rows[0];
    assert.equal(byLength?.instruction.length, Math.max(...slots().filter((s) => s % 7 !== 3).map((s) => `instruction ${s} ${'x'.repeat(s % 13)}`.length)));
  });

  it('finds text in responses and failure reasons, case-insensitively, with LIKE wildcards taken literally', () => {
    assert.deepEqual(browser.rows(q({ text: 'needle' }), 0, 50).rows.map((r) => r.slot), [0, 25, 50, 75, 100, 125, 150, 175, 200, 225, 250, 275].filter((s) => s % 7 !== 3));
    assert.equal(browser.rows(q({ text: 'no [RESULT]' }), 0, 500).total, slots().filter((s) => s % 7 === 3).length);
    assert.equal(browser.rows(q({ text: '100%' }), 0, 50).total, 0);
    assert.deepEqual(browser.rows(q({ text: 'broken output 10' }), 0, 50).rows.map((r) => r.slot), [10, 101, 108], 'raw outputs are searched');
  });

  it('keeps an explicit set of slots (a scatter selection) and says where a slot is under a query', () => {
    assert.deepEqual(browser.rows(q({ slots: [40, 2, 7] }), 0, 50).rows.map((r) => r.slot), [2, 7, 40]);
    // every slot of a view, in its order (a bulk annotation), capped
    assert.deepEqual(browser.slotsOf(q({ status: 'failed' }, { column: 'slot', dir: 'desc' }), 3), slots().filter((s) => s % 7 === 3).reverse().slice(0, 3));
    assert.equal(browser.indexOf(DEFAULT_QUERY, 120), 120);
    assert.equal(browser.indexOf({ ...DEFAULT_QUERY, sort: { column: 'slot', dir: 'desc' } }, 0), N - 1);
    assert.equal(browser.indexOf(q({ status: 'failed' }), 10), 1);
    assert.equal(browser.indexOf(q({ status: 'failed' }), 11), -1);
    assert.equal(browser.indexOf(DEFAULT_QUERY, 10_000), -1);
  });

  it('gives a failed slot every attempt with its raw output, and a revised one its original pair', async () => {
    const failed = await browser.detail(10);
    assert.equal(failed?.status, 'failed');
    assert.deepEqual(failed?.attempts.map((a) => [a.outcome, a.rawOutput]), [['invalid', 'broken output 10']]);
    assert.equal(browser.rows(q({ status: 'failed' }), 0, 1).rows[0]?.reason, 'format (paper): no [RESULT]');
    const revised = await browser.detail(5);
    assert.deepEqual(revised?.original, { instruction: 'orig q', response: 'orig a' });
    assert.deepEqual(revised?.metrics, []);
    assert.deepEqual((await browser.detail(4))?.metrics, [{ key: QUALITY, value: quality(4), detail: { rationale: 'r4' } }]);
    assert.equal(await browser.detail(N + 5), null);
  });

  it('pairs two columns for a scatter plot, leaving out instances without both values', () => {
    const pts = browser.points(`metric:${QUALITY}`, 'cost');
    const want = slots().filter((s) => quality(s) !== undefined);
    assert.deepEqual([...pts.slots], want);
    assert.deepEqual([...pts.x], want.map((s) => quality(s)));
    assert.deepEqual([...pts.y], want.map((s) => (N - s) / 1000));
  });

  it('shows and filters by the latest annotation from annotations.jsonl, marking stale ones', async () => {
    const line = (slot: number, label: string, hash: string, time: string, reason?: string) =>
      JSON.stringify({ instance: instanceId(INFO.id, slot), hash, label, ...(reason ? { reason } : {}), author: 'me', time, batch: `b${time}` });
    fs.writeFileSync(
      path.join(dir, 'annotations.jsonl'),
      [line(2, 'bad', `hash2`, '2026-01-01T00:00:00Z', 'incorrect-answer'), line(4, 'good', 'hash4', '2026-01-01T00:00:01Z'), line(6, 'bad', 'changed', '2026-01-01T00:00:02Z', 'formatting'), line(4, 'clear', 'hash4', '2026-01-01T00:00:03Z')].join('\n') + '\n',
    );
    const fresh = await DatasetBrowser.open(dir, INFO);
    try {
      const rows = fresh.rows(DEFAULT_QUERY, 0, 8).rows;
      assert.deepEqual(rows.filter((r) => r.annotation).map((r) => [r.slot, r.annotation]), [[2, 'bad: incorrect-answer'], [6, 'bad: formatting (stale)']]);
      assert.deepEqual(fresh.rows(q({ annotation: 'bad' }), 0, 50).rows.map((r) => r.slot), [2, 6]);
      assert.equal(fresh.rows(q({ annotation: '' }), 0, 1).total, N - 2);
      assert.equal(fresh.rows(q({ annotation: 'good' }), 0, 1).total, 0, 'a later clear takes the label back');
    } finally {
      await fresh.close();
      fs.rmSync(path.join(dir, 'annotations.jsonl'));
    }
  });

  it('writes a query as CSV with whole texts and every metric', () => {
    const text = [...browser.csv(q({ status: 'valid' }, { column: `metric:${QUALITY}`, dir: 'desc' }))].join('');
    const records = csvRecords(text, 'x.csv');
    assert.deepEqual(records[0]?.fields, ['slot', 'id', 'status', 'instruction', 'response', 'reasons', 'attempts', 'cost_usd', 'tokens', 'latency_ms', QUALITY]);
    assert.equal(records.length - 1, slots().filter((s) => s % 7 !== 3).length);
    assert.equal(records[1]?.fields[10], String(Math.max(...slots().map((s) => quality(s) ?? -1))));
    assert.ok(records.some((r) => r.fields[4] === 'response 25 with a NEEDLE inside'));
  });

  it('gives the same answers when its columns load in small chunks, warmed or not', async () => {
    const chunked = await DatasetBrowser.open(dir, INFO, { chunk: 7 });
    const warmed = await DatasetBrowser.open(dir, INFO, { chunk: 11 });
    try {
      let steps = 0;
      while (warmed.warmStep()) steps++;
      assert.ok(steps > N / 11, `warmed in ${steps} steps`);
      for (const query of [q({ status: 'failed' }), q({ metrics: [{ key: QUALITY, min: 2, max: 6 }] }, { column: 'cost', dir: 'desc' }), q({}, { column: `metric:${QUALITY}`, dir: 'asc' })]) {
        const want = browser.rows(query, 5, 40);
        assert.deepEqual(chunked.rows(query, 5, 40), want);
        assert.deepEqual(warmed.rows(query, 5, 40), want);
      }
      assert.deepEqual(chunked.rows(DEFAULT_QUERY, 100, 150).rows.map((r) => r.slot), slots().slice(100, 250));
    } finally {
      await chunked.close();
      await warmed.close();
    }
  });

  describe('through the worker thread', () => {
    const client = new BrowseClient({ idleMs: 60_000 });
    after(() => client.dispose());

    it('answers the same queries as the engine in process, and the detail with the prompt unavailable when there is no config', async () => {
      const dataset = { dir, info: INFO };
      const query = q({ metrics: [{ key: QUALITY, min: 3 }] }, { column: 'cost', dir: 'desc' });
      assert.deepEqual(await client.request('rows', dataset, { query, offset: 3, limit: 20 }), browser.rows(query, 3, 20));
      assert.deepEqual(await client.request('columns', dataset, {}), [{ key: QUALITY, label: 'quality (gpt)', n: N / 2, missing: 0 }]);
      const detail = await client.request('detail', dataset, { slot: 1 });
      assert.deepEqual(detail?.prompt, { unavailable: 'the store does not name its config file' });
    });

    it('writes CSV through a temporary file and sees new instances after invalidate', async () => {
      const dataset = { dir, info: INFO };
      const file = path.join(temp(), 'out.csv');
      assert.deepEqual(await client.request('exportCsv', dataset, { query: q({ status: 'failed' }), file }), { rows: slots().filter((s) => s % 7 === 3).length });
      assert.ok(fs.readFileSync(file, 'utf8').startsWith('slot,id,status'));
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['out.csv']);

      const writer = await DatasetStore.open(dir, INFO);
      await writer.recordInstance(instance(N));
      assert.equal((await client.request('rows', dataset, { query: DEFAULT_QUERY, offset: 0, limit: 1 })).total, N, 'the snapshot stays as it was');
      await client.request('invalidate', dataset, {});
      assert.equal((await client.request('rows', dataset, { query: DEFAULT_QUERY, offset: 0, limit: 1 })).total, N + 1, 'the journal is read after invalidate');
      await writer.close();
    });

    it('reports a store it cannot open as an error with the worker still serving', async () => {
      const missing = { dir: path.join(temp(), 'nope'), info: { ...INFO, id: 'other' } };
      fs.mkdirSync(missing.dir);
      fs.writeFileSync(path.join(missing.dir, 'journal.jsonl'), '{not json\n');
      await assert.rejects(client.request('rows', missing, { query: DEFAULT_QUERY, offset: 0, limit: 1 }), (e: unknown) => e instanceof BrowseError && /journal/.test(e.message));
      assert.equal((await client.request('rows', { dir, info: INFO }, { query: DEFAULT_QUERY, offset: 0, limit: 1 })).rows.length, 1);
    });
  });
});
