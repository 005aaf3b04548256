// Training data export: every valid instance once, failed and marked ones left out, the three
// formats, a manifest that traces the file to its instances, and user files never replaced.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NEAR_DUP_METRIC, Results, annotate, annotationsPath, datasetDirOf, exportTrainingData, loadConfig, manifestPath, runBenchmark, type ExportManifest } from '../../src/core';
import { DatasetStore } from '../../src/core/store/datasetStore';
import { llama3ChatText, STUDENT_SYSTEM_PROMPT } from '../../src/core/generation/chatFormat';
import type { DataError } from '../../src/core/errors';
import { startFakeServer, type FakeServer } from '../fake-server';
import { cli } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, fakeGenerator, tempDir, writeConfig } from './helpers/fixtures';

const SETTINGS = ['instance_generation.math', 'response_generation.code'];

describe('training data export', function () {
  this.timeout(60_000);
  let server: FakeServer;
  let results: Results;
  let dir: string;
  const ids = SETTINGS.map((s) => `ex__fake__${s}`);

  before(async () => {
    // a third of the answers ignore the format and get one attempt: failed instances to leave out
    server = await startFakeServer({ faultRate: 0.3, faults: ['malformed'], seed: 7 });
    dir = tempDir('export');
    const file = writeConfig(dir, {
      name: 'ex',
      generators: [fakeGenerator(server.openaiBaseURL, { limits: { concurrency: 8 } })],
      settings: SETTINGS.map((setting) => ({ setting, seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS[setting] ?? ''), instances: 12 })),
      generation: { maxAttempts: 1 },
    });
    await runBenchmark(loadConfig(file), { resolveKey: async () => undefined });
    results = new Results(path.join(dir, '.agorabench'));
  });
  after(() => server.close());

  async function valid(id: string): Promise<{ id: string; slot: number; instruction: string; response: string; contentHash: string }[]> {
    const { rows } = await results.page(id, { status: 'valid', limit: 1000 });
    return rows;
  }

  it('writes each valid instance once as chat messages, in dataset then slot order, with a manifest that traces it', async () => {
    const out = path.join(dir, 'train', 'chat.jsonl');
    const m = await exportTrainingData(results, ids, out, { format: 'chat' });
    const expected = [...(await valid(ids[0] ?? '')), ...(await valid(ids[1] ?? ''))];
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
    assert.equal(lines.length, expected.length);
    assert.deepEqual(lines[0]?.messages.map((x) => x.role), ['system', 'user', 'assistant']);
    assert.deepEqual(lines.map((l) => [l.messages[0]?.content, l.messages[1]?.content, l.messages[2]?.content]), expected.map((e) => [STUDENT_SYSTEM_PROMPT, e.instruction, e.response]));
    // the manifest: per dataset counts (failed ones left out), hashes of the content and of the file
    const failed = (await results.index.datasets()).filter((d) => ids.includes(d.id)).reduce((n, d) => n + d.failed, 0);
    assert.ok(failed > 0, 'the fixture has failed instances to leave out');
    assert.equal(m.datasets.reduce((n, d) => n + d.excludedFailed, 0), failed);
    assert.deepEqual(m.instances.map((i) => i.contentHash), expected.map((e) => e.contentHash));
    assert.equal(m.sha256, createHash('sha256').update(fs.readFileSync(out)).digest('hex'));
    const onDisk = JSON.parse(fs.readFileSync(manifestPath(out), 'utf8')) as ExportManifest;
    assert.deepEqual(onDisk.datasets.map((d) => [d.id, d.setting, d.exported]), m.datasets.map((d) => [d.id, d.setting, d.exported]));
  });

  it('alpaca and llama3 formats; the llama3 prompt/completion split is the chat text with the loss on the response only', async () => {
    const [first] = await valid(ids[0] ?? '');
    const alpaca = path.join(dir, 'train', 'alpaca.jsonl');
    await exportTrainingData(results, [ids[0] ?? ''], alpaca, { format: 'alpaca' });
    assert.deepEqual(JSON.parse(fs.readFileSync(alpaca, 'utf8').split('\n')[0] ?? ''), { instruction: first?.instruction, input: '', output: first?.response });
    const llama = path.join(dir, 'train', 'llama3.jsonl');
    await exportTrainingData(results, [ids[0] ?? ''], llama, { format: 'llama3' });
    const l = JSON.parse(fs.readFileSync(llama, 'utf8').split('\n')[0] ?? '') as { prompt: string; completion: string };
    assert.equal(l.prompt + l.completion, llama3ChatText(STUDENT_SYSTEM_PROMPT, first?.instruction ?? '', first?.response ?? ''));
    assert.ok(l.prompt.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n') && l.completion === `${first?.response}<|eot_id|>`);
  });

  it('leaves out instances marked bad and says how many', async () => {
    const [a, b] = await valid(ids[0] ?? '');
    const m = await exportTrainingData(results, [ids[0] ?? ''], path.join(dir, 'train', 'marked.jsonl'), { format: 'chat', exclude: new Set([a?.id ?? '', b?.id ?? '']) });
    assert.equal(m.datasets[0]?.excludedMarked, 2);
    assert.ok(!m.instances.some((i) => i.id === a?.id || i.id === b?.id));
  });

  it('jsonl format: plain {"instruction", "response"} lines', async () => {
    const rows = await valid(ids[0] ?? '');
    const out = path.join(dir, 'train', 'plain.jsonl');
    const m = await exportTrainingData(results, [ids[0] ?? ''], out, { format: 'jsonl' });
    assert.equal(m.systemPrompt, null);
    assert.deepEqual(fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown), rows.map((r) => ({ instruction: r.instruction, response: r.response })));
  });

  it('--exclude bad leaves out the latest-bad instances, current or stale, and the manifest says which', async () => {
    const id = ids[0] ?? '';
    const rows = await valid(id);
    const [a, b, c] = rows;
    assert.ok(a && b && c);
    const row = (await results.findDataset(id))!;
    const ddir = datasetDirOf(results, row);
    try {
      await annotate(results, id, { slots: [a.slot, b.slot, c.slot], label: 'bad', reason: 'off-topic', author: 't' });
      await annotate(results, id, { slots: [c.slot], label: 'good', author: 't' });
      // an annotation made on other content: stale, still left out
      fs.appendFileSync(annotationsPath(ddir), JSON.stringify({ instance: b.id, hash: 'old-hash', label: 'bad', reason: 'unsafe', author: 't', time: new Date(Date.now() + 1000).toISOString(), batch: 'x' }) + '\n');
      const m = await exportTrainingData(results, [id], path.join(dir, 'train', 'nobad.jsonl'), { format: 'chat', excludeCategories: ['bad', 'failed'] });
      assert.deepEqual([m.datasets[0]?.excludedBad, m.datasets[0]?.excludedBadStale, m.datasets[0]?.exported], [2, 1, rows.length - 2]);
      assert.deepEqual(m.excluded, [
        { id: a.id, why: 'bad', reason: 'off-topic', annotation: 'current' },
        { id: b.id, why: 'bad', reason: 'unsafe', annotation: 'stale' },
      ]);
      assert.ok(m.instances.some((i) => i.id === c.id), 'marked good again: exported');
      // without the category the annotations are not read
      const all = await exportTrainingData(results, [id], path.join(dir, 'train', 'withbad.jsonl'), { format: 'chat' });
      assert.equal(all.datasets[0]?.exported, rows.length);
    } finally {
      fs.rmSync(annotationsPath(ddir), { force: true });
    }
  });

  it('--exclude near-duplicates needs the metric, then keeps the first of each near-duplicate group', async () => {
    const id = ids[1] ?? '';
    const out = path.join(dir, 'train', 'nodup.jsonl');
    await assert.rejects(exportTrainingData(results, [id], out, { format: 'chat', excludeCategories: ['near-duplicates'] }), /has no near-duplicate metric \(instruction_near_dup@lexical\); run `agorabench metrics <config>` first/);
    const rows = await valid(id);
    assert.ok(rows.length >= 6, `${rows.length} valid`);
    const s = rows.map((r) => r.slot);
    const [s0, s1, s2, s3, s4] = s as [number, number, number, number, number];
    // a pair (s0, s1) and a chain s2 → s3 → s4 → s3; the last valid slot has no value (generated after the metric)
    const flags = new Map<number, number>([[s0, s1], [s1, s0], [s2, s3], [s3, s4], [s4, s3]]);
    const row = (await results.findDataset(id))!;
    const store = await DatasetStore.open(datasetDirOf(results, row), { id: row.id, run: row.run, generator: row.generator, setting: row.setting, target: row.target });
    try {
      await store.recordMetrics(s.slice(0, -1).map((slot) => ({ slot, key: NEAR_DUP_METRIC, value: flags.has(slot) ? 1 : 0, detail: flags.has(slot) ? { of: flags.get(slot), jaccard: 0.9 } : {} })));
    } finally {
      await store.close();
    }
    const m = await exportTrainingData(results, [id], out, { format: 'chat', excludeCategories: ['near-duplicates'] });
    assert.deepEqual(m.excluded.map((e) => [e.id, e.why, e.keptSlot]), [
      [rows[1]?.id, 'near-duplicate', s0],
      [rows[3]?.id, 'near-duplicate', s2],
      [rows[4]?.id, 'near-duplicate', s2],
    ]);
    assert.deepEqual([m.datasets[0]?.excludedNearDuplicates, m.datasets[0]?.nearDuplicatesUnchecked, m.datasets[0]?.exported], [3, 1, rows.length - 3]);
  });

  it('never replaces a file with other content unless asked; the same export again is fine', async () => {
    const out = path.join(dir, 'train', 'mine.jsonl');
    fs.writeFileSync(out, 'my own notes\n');
    await assert.rejects(exportTrainingData(results, [ids[0] ?? ''], out, { format: 'chat' }), (e: DataError) => e.message.includes(out) && /exists with other content/.test(e.message));
    assert.equal(fs.readFileSync(out, 'utf8'), 'my own notes\n');
    assert.deepEqual(fs.readdirSync(path.dirname(out)).filter((f) => f.includes('.tmp-')), [], 'no temp file left behind');
    const m = await exportTrainingData(results, [ids[0] ?? ''], out, { format: 'chat', overwrite: true });
    const again = await exportTrainingData(results, [ids[0] ?? ''], out, { format: 'chat' });
    assert.equal(again.sha256, m.sha256);
  });

  it('the CLI names an unknown dataset and writes the file for known ones', async () => {
    const bad = await cli(['export', 'ex__nope', '--out', path.join(dir, 'x.jsonl'), '--results', path.join(dir, '.agorabench')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /no dataset "ex__nope"/);
    const out = path.join(dir, 'cli.jsonl');
    const ok = await cli(['export', ...ids, '--out', out, '--format', 'llama3', '--results', path.join(dir, '.agorabench')]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /manifest: .*cli\.jsonl\.manifest\.json/);
    assert.ok(fs.existsSync(manifestPath(out)));
  });
});
