import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, Results, runBenchmark } from '../../src/core';
import { PriceBook } from '../../src/core/cost/prices';
import { Rng } from '../../src/core/util/rng';
import { startFakeServer, type FakeServer } from '../fake-server';
import { cli, cliChild, collect } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, fakeGenerator, tempDir, writeConfig } from './helpers/fixtures';

/** Instance entries per slot in a dataset's journal. */
function journaledInstances(journal: string): Map<number, { contentHash: string; status: string }[]> {
  const out = new Map<number, { contentHash: string; status: string }[]>();
  for (const line of fs.readFileSync(journal, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { type: string; slot: number; contentHash: string; status: string };
    if (e.type === 'instance') out.set(e.slot, [...(out.get(e.slot) ?? []), e]);
  }
  return out;
}

describe('reliability', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ latencyMs: 25 });
  });
  after(() => server.close());

  it('SIGKILL at seeded random points, then resume: every journaled instance is there exactly once', async function () {
    this.timeout(180_000);
    const dir = tempDir('kill');
    const file = writeConfig(dir, {
      name: 'kill',
      generators: [fakeGenerator(server.openaiBaseURL, { limits: { concurrency: 6 } })],
      settings: [
        { setting: 'instance_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['instance_generation.math'] as string), instances: 120 },
        { setting: 'response_generation.code', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.code'] as string), instances: 20 },
      ],
      generation: { checkpointSeconds: 0.2 },
    });
    const config = loadConfig(file);
    const igDir = path.join(config.resultsDir, 'datasets', 'kill__fake__instance_generation.math');
    const journal = path.join(igDir, 'journal.jsonl');
    const rng = new Rng(20261125);
    let kills = 0;
    let lastCount = 0;
    for (let round = 0; round < 5; round++) {
      // kill once the journal has grown by a random number of instances (a random point in the run)
      const target = lastCount + 3 + rng.int(20);
      const child = cliChild(['run', file]);
      const done = collect(child);
      let count = 0;
      while (child.exitCode === null && child.signalCode === null) {
        count = fs.existsSync(journal) ? (fs.readFileSync(journal, 'utf8').match(/"type":"instance"/g)?.length ?? 0) : 0;
        if (count >= target) {
          child.kill('SIGKILL');
          kills++;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const r = await done;
      if (r.signal !== 'SIGKILL') break; // finished before the kill point
      lastCount = count;
    }
    assert.ok(kills >= 3, `killed ${kills} times`);
    const final = await cli(['run', file, '--json']);
    assert.equal(final.status, 0, final.stderr);
    const results = new Results(config.resultsDir);
    for (const [id, target] of [['kill__fake__instance_generation.math', 120], ['kill__fake__response_generation.code', 20]] as const) {
      const { rows } = await results.page(id, { limit: 1000 });
      assert.deepEqual(rows.map((r) => r.slot), Array.from({ length: target }, (_, i) => i), `${id}: each slot once`);
      const journaled = journaledInstances(path.join(config.resultsDir, 'datasets', id, 'journal.jsonl'));
      for (const [slot, entries] of journaled) {
        assert.equal(entries.length, 1, `${id} slot ${slot} journaled ${entries.length} times`);
        assert.equal(rows[slot]?.contentHash, entries[0]?.contentHash, `${id} slot ${slot} matches its journal entry`);
      }
      assert.equal(journaled.size, target);
    }
  });

  it('20 % injected faults: the run completes, every failure is recorded with its reason, cost equals reported usage', async function () {
    this.timeout(120_000);
    const faulty = await startFakeServer({ latencyMs: 5, faultRate: 0.2, retryAfterMs: 40, timeoutHangMs: 5000, seed: 7 });
    try {
      const dir = tempDir('faults');
      const file = writeConfig(dir, {
        name: 'faults',
        generators: [fakeGenerator(faulty.openaiBaseURL, { timeoutMs: 1500, limits: { concurrency: 8, maxTransportRetries: 30, retryBaseMs: 10 } })],
        settings: [
          { setting: 'instance_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['instance_generation.math'] as string), instances: 40 },
          // settings whose format rules reject a chatty, marker-free answer (a free-form response would be valid)
          { setting: 'response_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.math'] as string), instances: 20 },
          { setting: 'quality_enhancement.code', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['quality_enhancement.code'] as string), instances: 20 },
        ],
        prices: { 'fake-model': { input: 0.5, output: 1.5 } },
      });
      const config = loadConfig(file);
      const summary = await runBenchmark(config);
      assert.equal(summary.status, 'completed');
      const stats = faulty.stats();
      for (const kind of ['rate_limit', 'server_error', 'timeout', 'malformed', 'truncated']) assert.ok((stats.faults[kind] ?? 0) > 0, `server injected ${kind}`);

      // gather every attempt the stores recorded
      const results = new Results(config.resultsDir);
      const transport: string[] = [];
      const invalid: string[][] = [];
      let usage = 0;
      let cost = 0;
      let slots = 0;
      for (const d of summary.datasets) {
        const row = await results.findDataset(d.id);
        assert.ok(row);
        const store = await results.openDataset(row);
        try {
          for (let slot = 0; slot < d.target; slot++) {
            for (const a of store.attemptsFor(slot)) {
              transport.push(...a.transport);
              if (a.outcome === 'invalid') invalid.push(a.reasons);
              usage += a.usage.inputTokens + a.usage.outputTokens;
              cost += a.costUsd;
            }
          }
          slots += d.valid + d.failed;
        } finally {
          await store.close();
        }
      }
      assert.equal(slots, 80, 'every slot has an outcome');
      const count = (re: RegExp) => transport.filter((t) => re.test(t)).length;
      assert.equal(count(/^transport-rate_limit/), stats.faults.rate_limit, '429s recorded');
      assert.equal(count(/^transport-server/), stats.faults.server_error, '500s recorded');
      assert.equal(count(/^transport-timeout/), stats.faults.timeout, 'timeouts recorded');
      assert.equal(invalid.filter((r) => r.some((x) => x.startsWith('unfinished (paper): the output hit max_tokens'))).length, stats.faults.truncated, 'truncated outputs recorded');
      assert.equal(
        invalid.length,
        (stats.faults.truncated ?? 0) + (stats.faults.malformed ?? 0),
        `malformed outputs recorded as invalid: ${JSON.stringify(stats)} ${JSON.stringify(invalid.map((r) => r[0]))}`,
      );
      for (const reasons of invalid) assert.ok(reasons.length > 0 && reasons.every((r) => /^[a-z-]+ \(paper\): /.test(r)), `reasons name their rule and profile: ${reasons.join(' | ')}`);
      // totals equal the sum of what the server reported, priced with the config's prices
      assert.equal(usage, stats.usage.inputTokens + stats.usage.outputTokens);
      const expected = new PriceBook(config.prices).cost('fake-model', stats.usage);
      assert.ok(Math.abs(cost - expected) < 1e-9, `${cost} vs ${expected}`);
      assert.ok(Math.abs(summary.costUsd - expected) < 1e-9);
    } finally {
      await faulty.close();
    }
  });
});

describe('spend after a crash', () => {
  it('requests sent but never settled when the process died are reported on resume as unrecorded, estimated spend', async function () {
    this.timeout(60_000);
    const slow = await startFakeServer({ latencyMs: 300 });
    try {
      const dir = tempDir('crashspend');
      const file = writeConfig(dir, {
        name: 'crashspend',
        generators: [fakeGenerator(slow.openaiBaseURL, { limits: { concurrency: 8 } })],
        settings: [{ setting: 'response_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.math'] as string), instances: 20 }],
        prices: { 'fake-model': { input: 1, output: 2 } },
      });
      const config = loadConfig(file);
      const child = cliChild(['run', file]);
      const done = collect(child);
      // kill while a second wave of requests is in flight (the first wave has been answered)
      while (slow.stats().requests < 12) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
      assert.equal((await done).signal, 'SIGKILL');

      // what the journal knows: requests sent whose attempt was never recorded
      const journal = path.join(config.resultsDir, 'datasets', 'crashspend__fake__response_generation.math', 'journal.jsonl');
      const entries = fs.readFileSync(journal, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { type: string; slot: number; attempt: number });
      const recorded = new Set(entries.filter((e) => e.type === 'attempt').map((e) => `${e.slot}:${e.attempt}`));
      const lost = entries.filter((e) => e.type === 'sent' && !recorded.has(`${e.slot}:${e.attempt}`)).length;
      assert.ok(lost > 0, 'requests were in flight at the kill');

      const resumed = await cli(['run', file, '--json']);
      assert.equal(resumed.status, 0, resumed.stderr);
      const summary = JSON.parse(resumed.stdout) as { unrecordedCostUsd: number; datasets: { valid: number }[] };
      assert.equal(summary.datasets[0]?.valid, 20);
      assert.ok(summary.unrecordedCostUsd > 0);
      assert.match(resumed.stderr, new RegExp(`${lost} request\\(s\\) sent before the last stop were never recorded: \\d+ answer\\(s\\) found in the cache \\(billed when used\\), \\d+ lost`));
      const store = await new Results(config.resultsDir).openDataset((await new Results(config.resultsDir).findDataset('crashspend__fake__response_generation.math'))!);
      try {
        const t = store.totals();
        assert.ok(t.unrecorded.requests <= lost && t.unrecorded.requests > 0);
        // at most what the server saw go unanswered to a live client
        assert.ok(t.unrecorded.requests <= (slow.stats().byStatus.aborted ?? 0) + lost);
      } finally {
        await store.close();
      }
      // reported once: a third run adds nothing
      const third = await cli(['run', file, '--json']);
      assert.equal((JSON.parse(third.stdout) as { unrecordedCostUsd: number }).unrecordedCostUsd, summary.unrecordedCostUsd);
      assert.doesNotMatch(third.stderr, /never recorded/);
    } finally {
      await slow.close();
    }
  });
});
