import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { loadConfig, Results, runBenchmark, type RunEvent } from '../../src/core';
import { validateInstance } from '../../src/core/generation/validate';
import { startFakeServer, type FakeServer } from '../fake-server';
import { SAMPLE_SEEDS, SEED_SAMPLES, fakeGenerator, tempDir, writeConfig } from './helpers/fixtures';

describe('generation against the fake server', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ latencyMs: 5 });
  });
  after(() => server.close());

  it('produces valid instances for each of the 9 settings, through both SDKs', async () => {
    const dir = tempDir('gen9');
    const file = writeConfig(dir, {
      name: 'nine',
      generators: [
        fakeGenerator(server.openaiBaseURL),
        { id: 'claude', provider: 'anthropic', model: 'claude-fake', baseURL: server.anthropicBaseURL, apiKeyEnv: 'AGB_TEST_KEY' },
      ],
      settings: Object.entries(SAMPLE_SEEDS).map(([setting, f]) => ({ setting, seeds: path.join(SEED_SAMPLES, f), instances: 6 })),
      prices: { 'fake-model': { input: 1, output: 2 }, 'claude-fake': { input: 3, output: 15, batchDiscount: 0.5 } },
    });
    process.env.AGB_TEST_KEY = 'test-key';
    const config = loadConfig(file);
    const events: RunEvent[] = [];
    const summary = await runBenchmark(config, { onEvent: (e) => events.push(e) });
    assert.equal(summary.status, 'completed');
    assert.equal(summary.datasets.length, 18);
    const results = new Results(config.resultsDir);
    for (const d of summary.datasets) {
      assert.equal(d.valid, 6, `${d.id}: ${JSON.stringify(d.retriedCauses)}`);
      assert.equal(d.failed, 0);
      const setting = config.settings.find((s) => s.key === d.setting);
      assert.ok(setting);
      const { rows } = await results.page(d.id, { limit: 100 });
      assert.equal(rows.length, 6);
      for (const r of rows) {
        // what the store holds passes validation again, and carries usage, cost and a content hash
        const reasons = validateInstance(r.instruction, r.response, { method: setting.method, domain: setting.domain, profile: setting.validation, placeholders: setting.placeholders, maxInstanceTokens: 4096 });
        assert.deepEqual(reasons, [], `${d.id} #${r.slot}`);
        assert.ok(r.usage.inputTokens > 0 && r.usage.outputTokens > 0);
        assert.match(r.contentHash, /^[0-9a-f]{64}$/);
        assert.ok(r.costUsd > 0);
        if (setting.method === 'response_generation') assert.ok(r.instruction.length > 0);
        // quality enhancement keeps the pair it revised beside the revision
        if (setting.method === 'quality_enhancement') {
          const original = r.meta.original as { instruction?: string; response?: string } | undefined;
          assert.ok(original?.instruction && original.response !== undefined && typeof r.meta.seed === 'number', JSON.stringify(r.meta));
        }
      }
    }
    // the summary's cost is the price table applied to the usage the server reported
    const stats = server.stats();
    const usage = summary.usage;
    assert.equal(usage.inputTokens + usage.outputTokens, stats.usage.inputTokens + stats.usage.outputTokens);
    assert.ok(events.some((e) => e.type === 'progress'));
    assert.equal(events.at(-1)?.type, 'run-done');
  });

  it('shows every generator the same seed demonstrations and themes for the same slot', async () => {
    const dir = tempDir('fair');
    const file = writeConfig(dir, {
      name: 'fair',
      generators: [fakeGenerator(server.openaiBaseURL, { id: 'a', model: 'model-a' }), fakeGenerator(server.openaiBaseURL, { id: 'b', model: 'model-b' })],
      settings: [{ setting: 'instance_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['instance_generation.math'] as string), instances: 8 }],
      generation: { demonstrations: 3, demonstrationsFromSeed: 3 },
    });
    const config = loadConfig(file);
    await runBenchmark(config);
    const results = new Results(config.resultsDir);
    const a = (await results.page('fair__a__instance_generation.math', { limit: 10 })).rows;
    const b = (await results.page('fair__b__instance_generation.math', { limit: 10 })).rows;
    assert.equal(a.length, 8);
    for (let i = 0; i < 8; i++) {
      assert.deepEqual(a[i]?.meta.demos, b[i]?.meta.demos);
      assert.equal(a[i]?.meta.theme, b[i]?.meta.theme);
    }
    // and different models wrote different data
    assert.notEqual(a[0]?.instruction, b[0]?.instruction);
  });

  it('uses generated instances as demonstrations once some exist (2 seed + 1 generated)', async () => {
    const dir = tempDir('demos');
    const file = writeConfig(dir, {
      name: 'demos',
      generators: [fakeGenerator(server.openaiBaseURL, { limits: { concurrency: 1 } })],
      settings: [{ setting: 'instance_generation.code', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['instance_generation.code'] as string), instances: 5 }],
    });
    const config = loadConfig(file);
    await runBenchmark(config);
    const { rows } = await new Results(config.resultsDir).page('demos__fake__instance_generation.code', { limit: 10 });
    const demos = rows.map((r) => r.meta.demos as ({ s: number } | { g: number })[]);
    assert.deepEqual(demos[0]?.map((d) => ('s' in d ? 's' : 'g')).sort(), ['s', 's', 's'], 'first slot: seeds only');
    for (const [i, d] of demos.entries()) {
      if (i === 0) continue;
      assert.equal(d.filter((x) => 'g' in x).length, 1, `slot ${i}: one generated demonstration`);
      assert.equal(d.filter((x) => 's' in x).length, 2);
      for (const x of d) if ('g' in x) assert.ok(x.g < rows[i]!.slot, 'a generated demo comes from an earlier instance');
    }
  });

  it('sends to OPENAI_BASE_URL / ANTHROPIC_BASE_URL when a generator has no baseURL (proxies, gateways)', async () => {
    const dir = tempDir('envbase');
    const file = writeConfig(dir, {
      name: 'envbase',
      generators: [
        { id: 'oa', provider: 'openai', model: 'gpt-env', apiKeyEnv: 'AGB_TEST_KEY' },
        { id: 'an', provider: 'anthropic', model: 'claude-env', apiKeyEnv: 'AGB_TEST_KEY' },
        // an explicit baseURL still wins over the environment
        { id: 'own', provider: 'openai', model: 'gpt-own', apiKeyEnv: 'AGB_TEST_KEY', baseURL: server.openaiBaseURL },
      ],
      settings: [{ setting: 'response_generation.instruction_following', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.instruction_following'] as string), instances: 2 }],
      prices: { 'gpt-env': { input: 1, output: 1 }, 'claude-env': { input: 1, output: 1 }, 'gpt-own': { input: 1, output: 1 } },
    });
    const saved = { o: process.env.OPENAI_BASE_URL, a: process.env.ANTHROPIC_BASE_URL };
    process.env.AGB_TEST_KEY = 'test-key';
    process.env.OPENAI_BASE_URL = server.openaiBaseURL;
    process.env.ANTHROPIC_BASE_URL = server.anthropicBaseURL;
    try {
      const before = server.stats().requests;
      const summary = await runBenchmark(loadConfig(file));
      assert.equal(summary.status, 'completed', JSON.stringify(summary.datasets.map((d) => d.error)));
      for (const d of summary.datasets) assert.equal(d.valid, 2, d.id);
      assert.equal(server.stats().requests - before, 6);
    } finally {
      for (const [k, v] of [['OPENAI_BASE_URL', saved.o], ['ANTHROPIC_BASE_URL', saved.a]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('resumes a finished run without sending a request', async () => {
    const dir = tempDir('again');
    const file = writeConfig(dir, {
      name: 'again',
      generators: [fakeGenerator(server.openaiBaseURL)],
      settings: [{ setting: 'response_generation.code', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.code'] as string), instances: 7 }],
    });
    const config = loadConfig(file);
    const first = await runBenchmark(config);
    const before = server.stats().requests;
    const second = await runBenchmark(config);
    assert.equal(server.stats().requests, before);
    assert.equal(second.datasets[0]?.valid, first.datasets[0]?.valid);
  });

  it('stops a generator the API refuses (404: wrong URL or model) instead of burning every attempt', async () => {
    const dir = tempDir('auth');
    const file = writeConfig(dir, {
      name: 'auth',
      generators: [{ id: 'nokey', provider: 'anthropic', model: 'claude-fake', baseURL: server.anthropicBaseURL, apiKeyEnv: 'AGB_EMPTYISH_KEY' }],
      settings: [{ setting: 'response_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.math'] as string), instances: 20 }],
    });
    process.env.AGB_EMPTYISH_KEY = 'x';
    const config = loadConfig(file);
    config.generators[0]!.baseURLs = [`${server.url}/nowhere`];
    const before = server.stats().requests;
    const summary = await runBenchmark(config);
    assert.equal(summary.status, 'failed');
    assert.match(summary.datasets[0]?.error ?? '', /unusable/);
    assert.ok(server.stats().requests - before <= 20, 'gives up early');
  });

  it('runs a subset of the generators with only their keys: a generator left out needs none', async () => {
    const server = await startFakeServer({});
    try {
      const dir = tempDir('only-keys');
      const file = writeConfig(dir, {
        name: 'only-keys',
        generators: [fakeGenerator(server.openaiBaseURL, { id: 'keyless', provider: 'openai', apiKeyEnv: 'AGORABENCH_UNIT_UNSET_KEY' }), fakeGenerator(server.openaiBaseURL, { id: 'open' })],
        settings: [{ setting: 'response_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.math'] as string), instances: 2 }],
      });
      const config = loadConfig(file);
      const asked: string[] = [];
      const resolveKey = (envVar: string) => {
        asked.push(envVar);
        return undefined;
      };
      const summary = await runBenchmark(config, { only: { generators: ['open'] }, resolveKey });
      assert.deepEqual(summary.datasets.map((d) => d.generator), ['open']);
      assert.equal(summary.datasets[0]?.valid, 2);
      assert.deepEqual(asked, [], 'the left-out generator\'s key is not asked for');
      await assert.rejects(runBenchmark(config, { resolveKey }), { name: 'MissingKeyError' });
      assert.deepEqual(asked, ['AGORABENCH_UNIT_UNSET_KEY']);
    } finally {
      await server.close();
    }
  });

  it('gives failed slots another round with --retry-failed, keeping the earlier reasons', async () => {
    const bad = await startFakeServer({ faultRate: 1, faults: ['malformed'] });
    try {
      const dir = tempDir('retryfailed');
      const file = writeConfig(dir, {
        name: 'retryfailed',
        generators: [fakeGenerator(bad.openaiBaseURL)],
        settings: [{ setting: 'response_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.math'] as string), instances: 4 }],
        generation: { maxAttempts: 2 },
      });
      const config = loadConfig(file);
      const first = await runBenchmark(config);
      assert.equal(first.datasets[0]?.failed, 4);
      assert.equal(bad.stats().requests, 8, 'two attempts per slot');
      // each rejected answer is on record with its attempt, so a failed slot can be inspected
      const results = new Results(config.resultsDir);
      const row = await results.findDataset(first.datasets[0]!.id);
      const store = await results.openDataset(row!);
      try {
        const tries = store.attemptsFor(0);
        assert.equal(tries.length, 2);
        assert.ok(tries.every((t) => t.outcome === 'invalid' && (t.rawOutput ?? '').length > 0), JSON.stringify(tries));
      } finally {
        await store.close();
      }
      // without --retry-failed a second run leaves failed slots alone
      await runBenchmark(config);
      assert.equal(bad.stats().requests, 8);
      bad.configure({ faultRate: 0 });
      const again = await runBenchmark(config, { retryFailed: true });
      assert.equal(again.datasets[0]?.valid, 4);
      assert.equal(again.datasets[0]?.failed, 0);
      const { rows } = await new Results(config.resultsDir).page(again.datasets[0]!.id, { limit: 10 });
      for (const r of rows) {
        assert.equal(r.attempts, 3, 'attempt numbers continue');
        const attempts = new Set(r.reasons.map((x) => /^attempt (\d+): /.exec(x)?.[1]));
        assert.deepEqual([...attempts].sort(), ['1', '2'], 'the two failed attempts are still on record');
      }
    } finally {
      await bad.close();
    }
  });

  it('stops a generator whose endpoint cannot be reached, after a few tries, naming the URL', async () => {
    const dir = tempDir('unreachable');
    const closed = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(port));
      });
    });
    const file = writeConfig(dir, {
      name: 'unreachable',
      generators: [fakeGenerator(`http://127.0.0.1:${closed}/v1`, { limits: { retryBaseMs: 5 } })],
      settings: [{ setting: 'response_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.math'] as string), instances: 10 }],
    });
    const summary = await runBenchmark(loadConfig(file));
    assert.equal(summary.status, 'failed');
    assert.match(summary.datasets[0]?.error ?? '', new RegExp(`unusable: cannot reach http://127\\.0\\.0\\.1:${closed}/v1`));
    assert.equal(summary.datasets[0]?.valid, 0);
  });
});
