// The .vsix works on its own: installed from the package (no node_modules), it activates, runs a
// benchmark (bundled engine, sql.js wasm, prompt templates) and shows the instances webview.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results } from '../../../src/core';
import type { OpenInstancesResult } from '../../../src/extension/instances/openInstancesCommand';
import type { EstimateResult } from '../../../src/extension/run/estimateCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import { startFakeServer } from '../../fake-server';
import { activeExtension, writeFakeConfig } from '../support/fixtures';
import { waitForWebviewText } from '../support/snapshots';

describe('installed .vsix', () => {
  it('is the installed package, not the development folder', async () => {
    const ext = await activeExtension();
    assert.ok(!ext.extensionPath.startsWith(path.resolve(__dirname, '../../..')), ext.extensionPath);
    assert.match(ext.extensionPath, /agorabench\.agorabench-\d+\.\d+\.\d+/);
  });

  it('runs a benchmark and shows its instances', async () => {
    const server = await startFakeServer({});
    try {
      await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_VSIX_KEY', value: 'sk-vsix' });
      const file = writeFakeConfig({ name: 'vsix', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_VSIX_KEY', instances: 3 });
      const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
      assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
      if (outcome.status !== 'finished') return;
      assert.equal(outcome.summary.status, 'completed');
      const datasetId = 'vsix__fake__instance_generation.math';
      const { rows } = await new Results(outcome.summary.resultsDir).page(datasetId, { limit: 10 });
      assert.equal(rows.length, 3);
      const opened = await vscode.commands.executeCommand<OpenInstancesResult>('agorabench.openInstances', { configFile: file, datasetId });
      assert.equal(opened?.datasetId, datasetId);
      const first = rows[0]?.instruction.replace(/\s+/g, ' ').trim().slice(0, 40) ?? '';
      await waitForWebviewText('vsix-instances', (t) => t.includes(first));
      // the cost estimate counts tokens with the shared tokenizer bundle (dist/vendor/)
      const estimate = await vscode.commands.executeCommand<EstimateResult>('agorabench.estimateCost', { configFile: file });
      assert.ok((estimate?.estimate.datasets[0]?.inputTokens ?? 0) > 0, JSON.stringify(estimate?.estimate));
    } finally {
      await server.close();
    }
  });

  it('ships the large libraries once, as bundles every other bundle requires', async () => {
    const ext = await activeExtension();
    const vendor = (name: string) => path.join(ext.extensionPath, 'dist', 'vendor', `${name}.js`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { llama3Tokenizer } = require(vendor('llama3-tokenizer')) as { llama3Tokenizer: { encode(t: string, o: { bos: boolean; eos: boolean }): number[] } };
    assert.ok(llama3Tokenizer.encode('Hello world', { bos: false, eos: false }).length >= 2);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mathjs = require(vendor('mathjs')) as { evaluate(e: string): number };
    assert.equal(mathjs.evaluate('2 + 3 * 4'), 14);
  });
});
