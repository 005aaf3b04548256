import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadConfig, runBenchmark, type RunEvent } from '../../src/core';
import { levelOf, progressReporter, stoppingMessage } from '../../src/extension/run/progressReporter';
import { startFakeServer, type FakeServer } from '../fake-server';
import { SAMPLE_SEEDS, SEED_SAMPLES, fakeGenerator, tempDir, writeConfig } from './helpers/fixtures';

/** A stand-in for vscode.LogOutputChannel that keeps "level message" lines. */
function fakeLog(): { lines: string[]; log: never } {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } as never };
}

describe('run logging (Output channel)', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('logs dataset and run summaries with failures at warn, and nothing valid at error', () => {
    assert.equal(levelOf(5, 0, 'completed'), 'info');
    assert.equal(levelOf(3, 2, 'completed'), 'warn');
    assert.equal(levelOf(0, 120, 'completed'), 'error');
    const { lines, log } = fakeLog();
    const report = progressReporter({ report: () => undefined }, log);
    const plan = { id: 'd', generator: 'g', model: 'm', setting: 's', target: 120, requested: 120, seeds: 120, dir: 'd' };
    const events: RunEvent[] = [
      { type: 'dataset-done', datasetId: 'd', status: 'completed', valid: 0, failed: 120, costUsd: 0 },
      { type: 'dataset-done', datasetId: 'e', status: 'completed', valid: 100, failed: 20, costUsd: 0 },
      {
        type: 'run-done',
        summary: { run: 'r', resultsDir: '/r', status: 'completed', datasets: [{ ...plan, status: 'completed', valid: 0, failed: 120, attempts: 360, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, unrecordedCostUsd: 0, fromCache: 3, failureCauses: [], retriedCauses: [] }], usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, elapsedMs: 1000, shortfalls: [], unrecordedCostUsd: 0 },
      },
    ];
    for (const e of events) report(e);
    assert.match(lines[0] ?? '', /^error dataset d: completed, 0 valid, 120 failed/);
    assert.match(lines[1] ?? '', /^warn dataset e: completed, 100 valid, 20 failed/);
    assert.match(lines[2] ?? '', /^error run "r" completed in 1\.0s: 0 valid, 120 failed, \$0\.00 \(3 from cache/);
  });

  it('after Cancel the progress message says what the run still waits for', () => {
    const messages: string[] = [];
    let stopping = false;
    const inFlight: number[] = [];
    const report = progressReporter({ report: (v) => v.message && messages.push(v.message) }, fakeLog().log, { stopping: () => stopping, onInFlight: (n) => inFlight.push(n) });
    report({ type: 'progress', datasets: [], done: 10, totalTarget: 100, costUsd: 0.5, requestsInFlight: 8 });
    stopping = true;
    report({ type: 'progress', datasets: [], done: 12, totalTarget: 100, costUsd: 0.6, requestsInFlight: 6 });
    assert.equal(messages[0], '10/100 · $0.50 · 8 in flight');
    assert.equal(messages[1], 'stopping… 6 in flight · 12/100');
    assert.equal(stoppingMessage(3), 'stopping… 3 in flight');
    assert.deepEqual(inFlight, [8, 6]);
  });

  it('logs transport retries (429s, server errors) at warn, one line per cause with its count', async () => {
    server = await startFakeServer({ latencyMs: 1, faultRate: 0.4, faults: ['rate_limit', 'server_error'], retryAfterMs: 5, seed: 5 });
    const dir = tempDir('translog');
    const file = writeConfig(dir, {
      name: 'translog',
      generators: [fakeGenerator(server.openaiBaseURL, { limits: { maxTransportRetries: 30, retryBaseMs: 1 } })],
      settings: [{ setting: 'quality_enhancement.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['quality_enhancement.math'] as string), instances: 12 }],
      prices: { 'fake-model': { input: 1, output: 1 } },
    });
    const { lines, log } = fakeLog();
    const report = progressReporter({ report: () => undefined }, log);
    await runBenchmark(loadConfig(file), { onEvent: report });
    const faults = server.stats().faults;
    const transport = lines.filter((l) => l.includes('transport:'));
    assert.ok((faults.rate_limit ?? 0) > 0 && (faults.server_error ?? 0) > 0, JSON.stringify(faults));
    // a short run: one line per cause, at warn, whose counts add up to what the server injected
    const count = (re: RegExp) => transport.filter((l) => re.test(l)).reduce((n, l) => n + Number(/(\d+) ×/.exec(l)?.[1] ?? 0), 0);
    assert.ok(transport.every((l) => l.startsWith('warn ')), transport.join('\n'));
    assert.equal(transport.filter((l) => /429 rate limit/.test(l)).length, 1, transport.join('\n'));
    assert.equal(count(/429 rate limit/), faults.rate_limit);
    assert.equal(count(/server error/), faults.server_error);
  });
});
