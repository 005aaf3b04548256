// Jobs in a worker thread (what the extension does so a run never stalls the editor): the same
// results as in process, keys asked of the caller's resolver, events and stop signals across the
// thread boundary, and the engine's errors rebuilt on the caller's side.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadConfig, MissingKeyError, Results, runJobInWorker, type RunEvent, type RunSummary } from '../../src/core';
import { startFakeServer, type FakeServer } from '../fake-server';
import { SAMPLE_SEEDS, SEED_SAMPLES, tempDir, writeConfig } from './helpers/fixtures';

describe('jobs in a worker thread', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ latencyMs: 5 });
  });
  after(() => server.close());

  const configFor = (name: string, instances: number) =>
    loadConfig(
      writeConfig(tempDir('job'), {
        name,
        generators: [{ id: 'oa', provider: 'openai', model: 'fake-model', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGB_JOB_WORKER_KEY' }],
        settings: [{ setting: 'instance_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['instance_generation.math'] as string), instances }],
        prices: { 'fake-model': { input: 1, output: 2 } },
      }),
    );

  it('runs a benchmark with the key from the caller, its events, and the summary the store agrees with', async () => {
    delete process.env.AGB_JOB_WORKER_KEY;
    const config = configFor('worker-run', 12);
    const asked: string[] = [];
    const events: RunEvent[] = [];
    const summary = await runJobInWorker<RunSummary>('run', config, {
      resolveKey: (envVar) => {
        asked.push(envVar);
        return 'sk-from-the-caller';
      },
      onEvent: (e) => events.push(e),
    });
    assert.deepEqual(asked, ['AGB_JOB_WORKER_KEY']);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.datasets[0]?.valid, 12);
    assert.equal(events[0]?.type, 'run-start');
    assert.ok(events.some((e) => e.type === 'progress'));
    const { rows } = await new Results(config.resultsDir).page(summary.datasets[0]?.id ?? '', { limit: 100 });
    assert.equal(rows.filter((r) => r.status === 'valid').length, 12);
  });

  it('rebuilds a missing key as MissingKeyError with its fields', async () => {
    delete process.env.AGB_JOB_WORKER_KEY;
    await assert.rejects(runJobInWorker('run', configFor('worker-nokey', 2), { resolveKey: () => undefined }), (e: unknown) => e instanceof MissingKeyError && e.envVar === 'AGB_JOB_WORKER_KEY' && e.generator === 'oa');
  });

  it('stops gracefully when the caller stops: what finished is kept and the run says cancelled', async () => {
    const config = configFor('worker-stop', 400);
    const stop = new AbortController();
    let progressed = 0;
    const summary = await runJobInWorker<RunSummary>('run', config, {
      stopSignal: stop.signal,
      resolveKey: () => 'sk',
      onEvent: (e) => {
        if (e.type === 'progress' && ++progressed === 1) stop.abort();
      },
    });
    const done = (summary.datasets[0]?.valid ?? 0) + (summary.datasets[0]?.failed ?? 0);
    assert.equal(summary.status, 'cancelled');
    assert.ok(done < 400, `${done} of 400 finished before the stop`);
    const { rows } = await new Results(config.resultsDir).page(summary.datasets[0]?.id ?? '', { limit: 1000 });
    assert.equal(rows.length, done, 'every finished slot is in the store');
  });
});
