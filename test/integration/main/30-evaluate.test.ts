// "Evaluate Models" in the extension host: a slice of GSM8K and AlpacaEval against the fake
// server (answers, grading, the judge), scores in the index and the Output channel, and Cancel.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IndexStore } from '../../../src/core/store/indexStore';
import type { EvalOutcome } from '../../../src/extension/eval/evaluateCommand';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { activeExtension, until, workspaceDir, writeConfig } from '../support/fixtures';

/** ../shared/data beside the checkout (the bundled test lives in out/integration/main). */
const BENCHMARK_DATA = path.resolve(__dirname, '../../../../shared/data/benchmarks');

describe('Evaluate Models', () => {
  let server: FakeServer;
  before(async () => {
    await activeExtension();
    server = await startFakeServer({});
  });
  after(() => server.close());

  function config(name: string, latencyServer: FakeServer, limit: number): string {
    return writeConfig(`${name}.agorabench.json`, {
      name,
      dataDir: BENCHMARK_DATA,
      evaluations: [{ id: 'student', role: 'student', provider: 'openai-compatible', model: 'fake-student', baseURL: latencyServer.openaiBaseURL, limits: { concurrency: 2 } }],
      evaluation: {
        benchmarks: ['gsm8k', 'alpaca-eval'],
        limit,
        judge: { id: 'judge', provider: 'openai-compatible', model: 'fake-judge', baseURL: latencyServer.openaiBaseURL },
      },
    });
  }

  it('evaluates the config\'s models and puts the scores in the index', async () => {
    const file = config('it-eval', server, 4);
    const outcome = await vscode.commands.executeCommand<EvalOutcome>('agorabench.evaluate', file);
    assert.equal(outcome.status, 'evaluated', JSON.stringify(outcome));
    if (outcome.status !== 'evaluated') return;
    assert.deepEqual(outcome.summary.scores.map((s) => [s.model, s.benchmark, s.n]), [
      ['student', 'gsm8k', 4],
      ['student', 'alpaca-eval', 4],
    ]);
    const rows = await new IndexStore(path.join(workspaceDir(), '.agorabench')).evaluations('it-eval');
    assert.deepEqual(rows.map((r) => [r.benchmark, r.role, r.metric]), [
      ['alpaca-eval', 'student', 'LC win rate'],
      ['gsm8k', 'student', 'accuracy'],
    ]);
  });

  it('Cancel stops an evaluation and keeps what was answered', async () => {
    const slow = await startFakeServer({ latencyMs: 200 });
    try {
      const file = config('it-eval-cancel', slow, 200);
      const running = vscode.commands.executeCommand<EvalOutcome>('agorabench.evaluate', file);
      await until(() => slow.stats().requests >= 3, 20_000, 'the evaluation to send requests');
      assert.equal(await vscode.commands.executeCommand<number>('agorabench.cancel'), 1);
      const outcome = await running;
      assert.equal(outcome.status, 'evaluated');
      if (outcome.status !== 'evaluated') return;
      assert.equal(outcome.summary.status, 'cancelled');
      const answered = outcome.summary.datasets.reduce((n, d) => n + d.valid, 0);
      assert.ok(answered > 0 && answered < 200, `${answered} answered before Cancel`);
    } finally {
      await slow.close();
    }
  });
});
