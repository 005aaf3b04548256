// Annotations of bad samples: the append-only sidecar (latest by time wins, history kept),
// malformed lines reported and never rewritten, stale detection by content hash, merging a
// teammate's file, undo, and the CLI round trip through a re-run and a clean export.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BAD_REASONS,
  Results,
  annotate,
  annotationCounts,
  annotationStatus,
  annotationsBySlot,
  annotationsPath,
  contentHashOf,
  datasetDirOf,
  loadConfig,
  manifestPath,
  mergeAnnotations,
  readAnnotations,
  runBenchmark,
  undoLast,
  type Annotation,
  type ExportManifest,
  type InstanceRow,
} from '../../src/core';
import { startFakeServer, type FakeServer } from '../fake-server';
import { cli } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, fakeGenerator, tempDir, writeConfig } from './helpers/fixtures';

const SETTING = 'instance_generation.math';

describe('annotations', function () {
  this.timeout(120_000);
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ latencyMs: 1 });
  });
  after(() => server.close());

  describe('the sidecar and its API', () => {
    let results: Results;
    let dir: string;
    let rows: InstanceRow[];
    const id = `ann__fake__${SETTING}`;

    before(async () => {
      const root = tempDir('ann');
      const file = writeConfig(root, { name: 'ann', generators: [fakeGenerator(server.openaiBaseURL)], settings: [{ setting: SETTING, seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS[SETTING] ?? ''), instances: 6 }] });
      await runBenchmark(loadConfig(file), {});
      results = new Results(path.join(root, '.agorabench'));
      const row = await results.findDataset(id);
      assert.ok(row);
      dir = datasetDirOf(results, row);
      rows = (await results.page(id, { status: 'valid', limit: 100 })).rows;
      assert.equal(rows.length, 6);
    });
    beforeEach(() => fs.rmSync(annotationsPath(dir), { force: true }));

    it('the content hash is the store\'s (instruction + response) and the reasons have human labels', () => {
      for (const r of rows) assert.equal(contentHashOf(r.instruction, r.response), r.contentHash);
      assert.deepEqual(BAD_REASONS.map((r) => r.id), ['incorrect-answer', 'ill-posed', 'hallucination', 'formatting', 'near-duplicate', 'unsafe', 'off-topic', 'other']);
      assert.ok(BAD_REASONS.every((r) => r.label.length > 0));
    });

    it('appends one line per instance, the latest per instance wins, history is kept', async () => {
      const first = await annotate(results, id, { slots: [0, 1], label: 'bad', reason: 'hallucination', note: 'made-up fact', author: 'alice' });
      assert.deepEqual(first.map((a) => [a.instance, a.hash, a.label, a.reason, a.note, a.author, a.slot]), [
        [rows[0]?.id, rows[0]?.contentHash, 'bad', 'hallucination', 'made-up fact', 'alice', 0],
        [rows[1]?.id, rows[1]?.contentHash, 'bad', 'hallucination', 'made-up fact', 'alice', 1],
      ]);
      assert.equal(first[0]?.batch, first[1]?.batch, 'one call, one batch');
      await annotate(results, id, { instanceIds: [rows[0]?.id ?? ''], label: 'good', author: 'bob' });
      await annotate(results, id, { slots: [1], label: 'clear', author: 'bob' });
      const log = readAnnotations(dir);
      assert.deepEqual(log.problems, []);
      assert.equal(log.history.length, 4);
      assert.deepEqual([...log.latest.values()].map((a) => [a.slot, a.label, a.author]), [[0, 'good', 'bob']]);
      assert.deepEqual(annotationCounts(dir), { bad: 0, good: 1, problems: 0 });
      // JSONL with the required fields, one object per line
      const lines = fs.readFileSync(annotationsPath(dir), 'utf8').split('\n');
      assert.equal(lines.pop(), '');
      for (const l of lines) {
        const o = JSON.parse(l) as Record<string, unknown>;
        for (const k of ['instance', 'hash', 'label', 'author', 'time', 'batch']) assert.ok(k in o, `${k} in ${l}`);
        assert.ok(Number.isFinite(Date.parse(o.time as string)));
      }
    });

    it('rejects bad input with errors naming the dataset, the slot and the valid reasons; nothing is written', async () => {
      await assert.rejects(annotate(results, id, { slots: [99], label: 'good', author: 'a' }), /dataset "ann__fake__instance_generation\.math" has no instance at slot 99/);
      await assert.rejects(annotate(results, 'ann__nope', { slots: [0], label: 'good', author: 'a' }), /no dataset "ann__nope"/);
      await assert.rejects(annotate(results, id, { slots: [0], label: 'bad', author: 'a' }), /needs a reason, one of: incorrect-answer, ill-posed/);
      await assert.rejects(annotate(results, id, { slots: [0], label: 'bad', reason: 'boring', author: 'a' }), /unknown reason "boring"; valid reasons: incorrect-answer, .*other/);
      await assert.rejects(annotate(results, id, { slots: [0], label: 'good', reason: 'unsafe', author: 'a' }), /reason goes with a bad label only/);
      await assert.rejects(annotate(results, id, { instanceIds: ['other__x/000001'], label: 'good', author: 'a' }), /not an instance of dataset/);
      assert.equal(fs.existsSync(annotationsPath(dir)), false);
    });

    it('a malformed line is reported with its line number and skipped, and the file is never rewritten', async () => {
      await annotate(results, id, { slots: [2], label: 'bad', reason: 'formatting', author: 'alice' });
      const file = annotationsPath(dir);
      fs.appendFileSync(file, '{not json\n\n{"instance":"x","hash":"h","label":"bad","author":"a","time":"2024-01-01T00:00:00Z"}\n{"instance":"y","hash":"h","label":"meh","author":"a","time":"2024-01-01T00:00:00Z"}\n{"instance":"torn","ha');
      const before = fs.readFileSync(file);
      const log = readAnnotations(dir);
      assert.deepEqual(log.problems.map((p) => [p.file, p.line]), [[file, 2], [file, 4], [file, 5], [file, 6]]);
      assert.match(log.problems[0]?.message ?? '', /not valid JSON/);
      assert.match(log.problems[1]?.message ?? '', /needs "reason"/);
      assert.match(log.problems[2]?.message ?? '', /"label" must be one of bad, good, clear/);
      assert.deepEqual([...log.latest.values()].map((a) => a.slot), [2]);
      assert.ok(fs.readFileSync(file).equals(before), 'reading changes nothing');
      // appending after a torn last line: a newline first, the old bytes untouched, the new line intact
      await annotate(results, id, { slots: [3], label: 'good', author: 'alice' });
      const after = fs.readFileSync(file);
      assert.ok(after.subarray(0, before.length).equals(before));
      const again = readAnnotations(dir);
      assert.equal(again.problems.length, 4);
      assert.deepEqual([...again.latest.values()].map((a) => [a.slot, a.label]), [[2, 'bad'], [3, 'good']]);
    });

    it('an annotation whose instance content changed is stale', async () => {
      await annotate(results, id, { slots: [0, 1], label: 'bad', reason: 'incorrect-answer', author: 'alice' });
      const current = annotationsBySlot(dir, rows);
      assert.deepEqual([...current].map(([slot, s]) => [slot, s.status]), [[0, 'current'], [1, 'current']]);
      const changed = rows.map((r) => (r.slot === 1 ? { ...r, contentHash: contentHashOf(r.instruction, `${r.response} (edited)`) } : r));
      const after = annotationsBySlot(dir, changed);
      assert.deepEqual([...after].map(([slot, s]) => [slot, s.status]), [[0, 'current'], [1, 'stale']]);
      const a = after.get(1)?.annotation as Annotation;
      assert.equal(annotationStatus(a, rows[1]?.contentHash), 'current');
      assert.equal(annotationStatus(a, undefined), 'stale');
    });

    it("merges a teammate's file: nothing twice, the latest by time wins, bad lines and other datasets skipped", async () => {
      const mine = await annotate(results, id, { slots: [0, 1], label: 'bad', reason: 'ill-posed', author: 'alice', time: new Date('2025-06-01T10:00:00Z') });
      const mineText = fs.readFileSync(annotationsPath(dir), 'utf8').split('\n');
      const other = path.join(tempDir('teammate'), 'annotations.jsonl');
      const line = (o: Record<string, unknown>) => JSON.stringify(o);
      fs.writeFileSync(
        other,
        [
          mineText[0], // the identical line, already present
          line({ instance: rows[1]?.id, hash: rows[1]?.contentHash, label: 'good', author: 'bob', time: '2025-05-01T00:00:00Z', batch: 'b1' }), // older: does not override
          line({ instance: rows[0]?.id, hash: rows[0]?.contentHash, label: 'good', author: 'bob', time: '2025-07-01T00:00:00Z', batch: 'b2' }), // newer: wins
          line({ instance: rows[4]?.id, hash: rows[4]?.contentHash, label: 'bad', reason: 'unsafe', author: 'bob', time: '2025-07-01T00:00:00Z', batch: 'b2' }),
          '{"broken": ',
          line({ instance: 'another__ds/000001', hash: 'h', label: 'good', author: 'bob', time: '2025-07-01T00:00:00Z', batch: 'b2' }),
        ].join('\n') + '\n',
      );
      const r = mergeAnnotations(dir, other, { datasetId: id });
      assert.equal(r.added.length, 3);
      assert.equal(r.duplicates, 1);
      assert.deepEqual(r.problems.map((p) => p.line), [5, 6]);
      const log = readAnnotations(dir);
      assert.equal(log.history.length, 5);
      assert.deepEqual([...log.latest.values()].sort((a, b) => a.instance.localeCompare(b.instance)).map((a) => [a.instance, a.label, a.author]), [
        [rows[0]?.id, 'good', 'bob'],
        [rows[1]?.id, 'bad', 'alice'],
        [rows[4]?.id, 'bad', 'bob'],
      ]);
      assert.equal(mine.length, 2);
      // merging again adds nothing
      const again = mergeAnnotations(dir, other, { datasetId: id });
      assert.deepEqual([again.added.length, again.duplicates], [0, 4]);
      assert.equal(readAnnotations(dir).history.length, 5);
      assert.throws(() => mergeAnnotations(dir, path.join(path.dirname(other), 'missing.jsonl')), /no such file to merge/);
    });

    it("undo takes back the author's last batch, then the one before, and leaves others' batches alone", async () => {
      await annotate(results, id, { slots: [2, 3], label: 'bad', reason: 'formatting', note: 'n1', author: 'alice' });
      await annotate(results, id, { slots: [5], label: 'bad', reason: 'other', author: 'bob' });
      await annotate(results, id, { slots: [3, 4], label: 'good', author: 'alice' });
      const state = () => [...readAnnotations(dir).latest.values()].map((a) => [a.slot, a.label, a.reason ?? null, a.note ?? null]).sort((a, b) => Number(a[0]) - Number(b[0]));
      assert.deepEqual(state(), [[2, 'bad', 'formatting', 'n1'], [3, 'good', null, null], [4, 'good', null, null], [5, 'bad', 'other', null]]);
      const u1 = undoLast(dir, { author: 'alice' });
      assert.ok(u1);
      assert.ok(u1.written.every((a) => a.undoes === u1.undone && a.author === 'alice'));
      assert.deepEqual(state(), [[2, 'bad', 'formatting', 'n1'], [3, 'bad', 'formatting', 'n1'], [5, 'bad', 'other', null]]);
      undoLast(dir, { author: 'alice' });
      assert.deepEqual(state(), [[5, 'bad', 'other', null]]);
      assert.equal(undoLast(dir, { author: 'alice' }), undefined, 'nothing left to undo');
      undoLast(dir, 'bob');
      assert.deepEqual(state(), []);
      assert.equal(readAnnotations(dir).history.length, 5 + 2 + 2 + 1, 'history kept: undo appends');
    });
  });

  it('the CLI round trip: annotate, re-run with a larger target, export --exclude bad leaves out exactly those', async () => {
    const root = tempDir('anncli');
    const cfg = (instances: number) => writeConfig(root, { name: 'anncli', generators: [fakeGenerator(server.openaiBaseURL)], settings: [{ setting: SETTING, seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS[SETTING] ?? ''), instances }] });
    const file = cfg(5);
    const id = `anncli__fake__${SETTING}`;
    const run = await cli(['run', file, '--json']);
    assert.equal(run.status, 0, run.stderr);

    // bad input: exit 2 with a clear message
    const usage = async (args: string[], re: RegExp) => {
      const r = await cli(['annotate', ...args, '--config', file]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    };
    await usage(['anncli__nope', '--slot', '1', '--good'], /no dataset "anncli__nope"/);
    await usage([id, '--slot', '1', '--bad'], /--bad needs --reason, one of:\n\s+incorrect-answer/);
    await usage([id, '--slot', '1', '--bad', '--reason', 'meh'], /unknown reason "meh"; valid reasons:[\s\S]*off-topic/);
    await usage([id, '--slot', '42', '--good'], /dataset "anncli__fake__instance_generation\.math" has no instance at slot 42/);
    await usage([id, '--slot', '1'], /give exactly one of --bad, --good, --clear/);

    const ann = await cli(['annotate', id, '--slot', '1,3', '--bad', '--reason', 'incorrect-answer', '--note', 'wrong sum', '--author', 'carol', '--config', file]);
    assert.equal(ann.status, 0, ann.stderr);
    assert.match(ann.stdout, /2 instance\(s\) marked bad \(incorrect-answer\): slot\(s\) 1, 3 — by carol/);
    const list = await cli(['list', '--config', file]);
    assert.match(list.stdout, /anncli__fake__instance_generation\.math\s+completed\s+5\/5\s+0\s+2\s/);

    // the same config with a larger target: a resume; the annotations stay current
    const rerun = await cli(['run', cfg(8), '--json']);
    assert.equal(rerun.status, 0, rerun.stderr);
    const results = new Results(loadConfig(file).resultsDir);
    const row = await results.findDataset(id);
    assert.ok(row);
    const rows = (await results.page(id, { status: 'valid', limit: 100 })).rows;
    assert.equal(rows.length, 8);
    const dir = datasetDirOf(results, row);
    assert.deepEqual([...annotationsBySlot(dir, rows)].map(([slot, s]) => [slot, s.status, s.annotation.reason, s.annotation.note]), [
      [1, 'current', 'incorrect-answer', 'wrong sum'],
      [3, 'current', 'incorrect-answer', 'wrong sum'],
    ]);

    const out = path.join(root, 'clean.jsonl');
    const exp = await cli(['export', id, '--format', 'jsonl', '--exclude', 'bad,failed', '--out', out, '--config', file]);
    assert.equal(exp.status, 0, exp.stderr);
    assert.match(exp.stdout, /6 instances \(left out: 2 annotated bad\)/);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { instruction: string; response: string });
    const bad = new Set([1, 3]);
    assert.deepEqual(lines, rows.filter((r) => !bad.has(r.slot)).map((r) => ({ instruction: r.instruction, response: r.response })));
    const m = JSON.parse(fs.readFileSync(manifestPath(out), 'utf8')) as ExportManifest;
    assert.deepEqual(m.exclude, ['bad', 'failed']);
    assert.deepEqual([m.datasets[0]?.excludedBad, m.datasets[0]?.excludedBadStale, m.datasets[0]?.exported], [2, 0, 6]);
    assert.deepEqual(m.excluded, rows.filter((r) => bad.has(r.slot)).map((r) => ({ id: r.id, why: 'bad', reason: 'incorrect-answer', annotation: 'current' })));

    // the sidecar is JSONL with the fields
    const sidecar = fs.readFileSync(annotationsPath(dir), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(sidecar.length, 2);
    for (const o of sidecar) assert.deepEqual(Object.keys(o).filter((k) => ['instance', 'hash', 'label', 'reason', 'note', 'author', 'time'].includes(k)), ['instance', 'hash', 'label', 'reason', 'note', 'author', 'time']);

    // undo through the CLI, then an unknown --exclude
    const undo = await cli(['annotate', id, '--undo', '--author', 'carol', '--config', file]);
    assert.equal(undo.status, 0, undo.stderr);
    assert.equal(readAnnotations(dir).latest.size, 0);
    // a teammate's file merged through the CLI
    const theirs = path.join(root, 'theirs.jsonl');
    fs.writeFileSync(theirs, JSON.stringify({ instance: rows[0]?.id, hash: rows[0]?.contentHash, label: 'bad', reason: 'unsafe', author: 'dan', time: new Date(Date.now() + 60_000).toISOString(), batch: 'd1' }) + '\n{oops\n');
    const merged = await cli(['annotate', id, '--merge', theirs, '--config', file]);
    assert.equal(merged.status, 0, merged.stderr);
    assert.match(merged.stdout, /merged 1 annotation line\(s\) .* 0 already present, 1 skipped/);
    assert.match(merged.stderr, /warning: .*theirs\.jsonl:2: not valid JSON/);
    assert.deepEqual([...readAnnotations(dir).latest.values()].map((a) => [a.instance, a.author]), [[rows[0]?.id, 'dan']]);
    const badExclude = await cli(['export', id, '--exclude', 'bad,ugly', '--out', out, '--config', file]);
    assert.equal(badExclude.status, 2);
    assert.match(badExclude.stderr, /unknown --exclude "ugly"; known: bad, failed, near-duplicates/);
  });
});
