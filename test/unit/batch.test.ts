import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, Results } from '../../src/core';
import { PriceBook } from '../../src/core/cost/prices';
import { startFakeServer, type FakeServer } from '../fake-server';
import { cli, cliChild, collect } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, tempDir, writeConfig } from './helpers/fixtures';

interface BatchEntry {
  type: string;
  id: string;
  status: string;
  items: { slot: number; attempt: number }[];
}

function batchEntries(journal: string): BatchEntry[] {
  return fs
    .readFileSync(journal, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"batch"'))
    .map((l) => JSON.parse(l) as BatchEntry);
}

for (const provider of ['openai', 'anthropic'] as const) {
  describe(`${provider} batch API`, () => {
    let server: FakeServer;
    before(async () => {
      server = await startFakeServer({ batchDelayMs: 400, batchFailRate: 0.2, seed: provider === 'openai' ? 3 : 4 });
    });
    after(() => server.close());

    it('completes after a process restart between submit and collect; failed items are resubmitted; batch prices apply', async function () {
      this.timeout(120_000);
      const dir = tempDir(`batch-${provider}`);
      const model = provider === 'openai' ? 'gpt-4o-mini-2024-07-18' : 'claude-3-5-sonnet-20240620';
      const file = writeConfig(dir, {
        name: 'batch',
        generators: [{ id: 'g', provider, model, baseURL: provider === 'openai' ? server.openaiBaseURL : server.anthropicBaseURL, batch: true, batchPollSeconds: 0.05, batchMaxItems: 25 }],
        settings: [
          { setting: 'instance_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['instance_generation.math'] as string), instances: 30 },
          { setting: 'response_generation.code', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.code'] as string), instances: 20 },
        ],
      });
      const env = { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' };
      const config = loadConfig(file);

      // first process: killed as soon as it has durably recorded a submitted batch
      const child = cliChild(['run', file], env);
      const done = collect(child);
      let seen = '';
      await new Promise<void>((resolve) => {
        child.stderr?.on('data', (d: Buffer) => {
          seen += d.toString();
          if (/submitted batch/.test(seen)) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('close', () => resolve());
      });
      const first = await done;
      assert.equal(first.signal, 'SIGKILL', `the first process was killed after submitting (${first.stderr.slice(-500)})`);
      const submittedBefore = server.stats().batches[provider];
      assert.ok(submittedBefore >= 1);

      // second process: collects what the first submitted, then finishes
      const second = await cli(['run', file, '--json'], env);
      assert.equal(second.status, 0, second.stderr);
      const summary = JSON.parse(second.stdout) as { datasets: { id: string; valid: number; failed: number; target: number }[]; costUsd: number };
      for (const d of summary.datasets) assert.equal(d.valid + d.failed, d.target, d.id);
      assert.equal(summary.datasets.reduce((n, d) => n + d.valid, 0), 50);

      const results = new Results(config.resultsDir);
      const allBatches: BatchEntry[] = [];
      let resubmitted = 0;
      for (const d of summary.datasets) {
        const entries = batchEntries(path.join(config.resultsDir, 'datasets', d.id, 'journal.jsonl'));
        allBatches.push(...entries);
        // every submitted batch was collected exactly once
        const ids = [...new Set(entries.map((e) => e.id))];
        for (const id of ids) {
          assert.equal(entries.filter((e) => e.id === id && e.status === 'submitted').length, 1);
          assert.equal(entries.filter((e) => e.id === id && e.status === 'collected').length, 1, `batch ${id} collected`);
        }
        resubmitted += entries.filter((e) => e.status === 'submitted').flatMap((e) => e.items).filter((i) => i.attempt > 1).length;
        const row = await results.findDataset(d.id);
        assert.ok(row);
        const store = await results.openDataset(row);
        try {
          for (const r of store.listInstances({ limit: 1000 })) assert.equal(r.meta.via, 'batch');
        } finally {
          await store.close();
        }
      }
      // the batch the killed process submitted is among those collected, and nothing went sync
      assert.ok(allBatches.some((b) => b.status === 'collected'));
      assert.equal(server.stats().requests, 0, 'no synchronous requests');
      assert.ok(resubmitted > 0, 'items that failed in a batch were resubmitted');
      // cost: the usage the server reported, at the batch discount
      const expected = new PriceBook({}).cost(model, server.stats().usage, true);
      assert.ok(expected > 0);
      assert.ok(Math.abs(summary.costUsd - expected) < 1e-9, `${summary.costUsd} vs ${expected}`);
    });
  });
}
