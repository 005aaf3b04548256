// Damaged results and honest exit codes: stores set aside and rebuilt with nothing lost, a damaged
// journal line named with its offset and repaired by the command the error gives, failed slots
// and unwritable results folders reported as the README promises.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, Results, runBenchmark, type RunEvent } from '../../src/core';
import { startFakeServer, type FakeServer } from '../fake-server';
import { cli } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, fakeGenerator, tempDir, writeConfig } from './helpers/fixtures';

const seeds = (setting: string) => path.join(SEED_SAMPLES, SAMPLE_SEEDS[setting] as string);

describe('self-healing stores and exit codes', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ latencyMs: 1 });
  });
  after(() => server.close());

  /** A finished two-dataset run; returns its config file, config and the instances it holds. */
  async function finishedRun(name: string) {
    const dir = tempDir(name);
    const file = writeConfig(dir, {
      name,
      generators: [fakeGenerator(server.openaiBaseURL)],
      settings: [
        { setting: 'instance_generation.math', seeds: seeds('instance_generation.math'), instances: 12 },
        { setting: 'response_generation.code', seeds: seeds('response_generation.code'), instances: 8 },
      ],
      generation: { checkpointSeconds: 0.05 },
    });
    const config = loadConfig(file);
    const summary = await runBenchmark(config);
    assert.equal(summary.status, 'completed');
    const results = new Results(config.resultsDir);
    const before = new Map<string, string[]>();
    for (const d of summary.datasets) before.set(d.id, (await results.page(d.id, { limit: 100 })).rows.map((r) => `${r.slot}:${r.contentHash}`));
    return { file, config, summary, before, results };
  }

  it('a corrupt dataset.sqlite is set aside (not deleted) and rebuilt from the journal, with a warning naming both files', async () => {
    const { config, before, results } = await finishedRun('corrupt-db');
    const id = 'corrupt-db__fake__instance_generation.math';
    const dbFile = path.join(config.resultsDir, 'datasets', id, 'dataset.sqlite');
    const garbage = Buffer.from('this is not a database '.repeat(200));
    fs.writeFileSync(dbFile, garbage);
    const requests = server.stats().requests;
    const events: RunEvent[] = [];
    const again = await runBenchmark(config, { onEvent: (e) => events.push(e) });
    assert.equal(again.status, 'completed');
    assert.equal(server.stats().requests, requests, 'nothing was generated again');
    const warning = events.find((e) => e.type === 'log' && e.level === 'warn');
    assert.ok(warning?.type === 'log');
    const aside = fs.readdirSync(path.dirname(dbFile)).find((f) => f.startsWith('dataset.sqlite.corrupt-'));
    assert.ok(aside, 'the unreadable file is kept');
    assert.deepEqual(fs.readFileSync(path.join(path.dirname(dbFile), aside)), garbage);
    assert.ok(warning.message.includes(dbFile) && warning.message.includes(aside) && warning.message.includes('journal.jsonl'), warning.message);
    for (const [d, rows] of before) assert.deepEqual((await results.page(d, { limit: 100 })).rows.map((r) => `${r.slot}:${r.contentHash}`), rows, d);
  });

  it('a truncated dataset.sqlite is found by the integrity check and rebuilt with nothing lost', async () => {
    const { config, before, results } = await finishedRun('truncated-db');
    const id = 'truncated-db__fake__response_generation.code';
    const dbFile = path.join(config.resultsDir, 'datasets', id, 'dataset.sqlite');
    const size = fs.statSync(dbFile).size;
    fs.truncateSync(dbFile, Math.floor(size / 2));
    const again = await runBenchmark(config);
    assert.equal(again.status, 'completed');
    assert.ok(fs.readdirSync(path.dirname(dbFile)).some((f) => f.startsWith('dataset.sqlite.corrupt-')));
    for (const [d, rows] of before) assert.deepEqual((await results.page(d, { limit: 100 })).rows.map((r) => `${r.slot}:${r.contentHash}`), rows, d);
  });

  it('a corrupt index.sqlite is rebuilt from datasets/ by `list`, which warns and prints no stack trace', async () => {
    const { file, config, summary } = await finishedRun('corrupt-index');
    const index = path.join(config.resultsDir, 'index.sqlite');
    fs.writeFileSync(index, 'garbage');
    const r = await cli(['list', '--config', file, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^warning: .*index\.sqlite could not be read .*set aside as .*index\.sqlite\.corrupt-.* rebuilt from .*datasets \(2 datasets of 1 runs\)/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const listed = JSON.parse(r.stdout) as { runs: { name: string; configFile: string; status: string }[]; datasets: { id: string; valid: number; failed: number; costUsd: number; model: string }[] };
    assert.deepEqual(listed.runs.map((x) => [x.name, x.configFile, x.status]), [['corrupt-index', file, 'completed']]);
    for (const d of summary.datasets) {
      const row = listed.datasets.find((x) => x.id === d.id);
      assert.ok(row, d.id);
      assert.deepEqual([row.valid, row.failed, row.model], [d.valid, d.failed, 'fake-model']);
      assert.ok(Math.abs(row.costUsd - d.costUsd) < 1e-12);
    }
    assert.ok(fs.readdirSync(config.resultsDir).some((f) => f.startsWith('index.sqlite.corrupt-')));
  });

  it('an unreadable journal line stops that dataset with the file, the byte offset and the repair command; repair keeps every readable line', async () => {
    const { file, config, before, results } = await finishedRun('bad-journal');
    const id = 'bad-journal__fake__instance_generation.math';
    const dir = path.join(config.resultsDir, 'datasets', id);
    const journal = path.join(dir, 'journal.jsonl');
    // the checkpoint is gone too, so the journal is all there is
    fs.rmSync(path.join(dir, 'dataset.sqlite'));
    const text = fs.readFileSync(journal, 'utf8');
    const lines = text.split('\n');
    const bad = 5;
    const offset = Buffer.byteLength(lines.slice(0, bad).join('\n') + '\n');
    lines[bad] = '{"seq": 6, "type": "attempt", garbled';
    fs.writeFileSync(journal, lines.join('\n'));

    const r = await cli(['run', file]);
    assert.equal(r.status, 1);
    const message = `${journal}: unreadable journal line at byte ${offset}`;
    assert.ok(r.stdout.includes(message) || r.stderr.includes(message), r.stdout + r.stderr);
    const repair = `agorabench repair ${id} --results ${config.resultsDir}`;
    assert.ok((r.stdout + r.stderr).includes(repair), 'names the command that repairs it');
    // the other dataset was not affected
    assert.deepEqual((await results.page('bad-journal__fake__response_generation.code', { limit: 100 })).rows.map((x) => `${x.slot}:${x.contentHash}`), before.get('bad-journal__fake__response_generation.code'));

    const fixed = await cli(['repair', id, '--results', config.resultsDir]);
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.match(fixed.stdout, /set 1 unreadable line\(s\) aside/);
    const kept = fs.readdirSync(dir);
    assert.ok(kept.some((f) => f.startsWith('journal.jsonl.before-repair-')), 'the original journal is kept');
    const damaged = kept.find((f) => f.startsWith('journal.jsonl.damaged-'));
    assert.ok(damaged);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, damaged), 'utf8')), { offset, text: lines[bad] });

    const resumed = await cli(['run', file]);
    assert.equal(resumed.status, 0, resumed.stderr);
    const rows = (await results.page(id, { limit: 100 })).rows;
    assert.equal(rows.length, 12);
    const was = new Set(before.get(id));
    assert.ok(rows.filter((x) => was.has(`${x.slot}:${x.contentHash}`)).length >= 11, 'every instance whose lines were readable is still there');
  });

  it('a run with failed slots exits 1 and its summary says why', async () => {
    const bad = await startFakeServer({ faultRate: 1, faults: ['malformed'] });
    try {
      const dir = tempDir('failexit');
      const file = writeConfig(dir, {
        name: 'failexit',
        generators: [fakeGenerator(bad.openaiBaseURL)],
        settings: [{ setting: 'response_generation.math', seeds: seeds('response_generation.math'), instances: 2 }],
        generation: { maxAttempts: 2 },
      });
      const r = await cli(['run', file]);
      assert.equal(r.status, 1);
      assert.match(r.stdout, /failexit.*|completed/);
      assert.match(r.stdout, /math-result-count \(paper\)/);
    } finally {
      await bad.close();
    }
  });

  it('a results folder that cannot be written exits 2 with one line naming the path and the cause', async () => {
    const dir = tempDir('unwritable');
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'a file where the results folder should go');
    const file = writeConfig(dir, {
      name: 'unwritable',
      resultsDir: path.join('not-a-folder', 'results'),
      generators: [fakeGenerator(server.openaiBaseURL)],
      settings: [{ setting: 'response_generation.math', seeds: seeds('response_generation.math'), instances: 2 }],
    });
    const r = await cli(['run', file]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), `error: ${path.join(blocker, 'results')}: cannot write the results folder: a part of the path is a file, not a folder (ENOTDIR)`);
    assert.equal(fs.readFileSync(blocker, 'utf8'), 'a file where the results folder should go', 'nothing overwritten');
  });
});
