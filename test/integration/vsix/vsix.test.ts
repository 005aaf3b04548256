// The .vsix works on its own: installed from the package (no node_modules), it activates, runs a
// benchmark (bundled engine, sql.js wasm, prompt templates) and shows the instances webview.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results } from '../../../src/core';
import type { OpenInstancesResult } from '../../../src/extension/instances/openInstancesCommand';
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
    } finally {
      await server.close();
    }
  });
});
