// "Open Metric Scatter Plot" in the real extension host: a panel beside the config that first says
// how to get metrics, follows `Compute Metrics` as it writes them (lexical figures, no API), shows
// the run's generators, and is revealed — not duplicated — when opened again.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MetricsOutcome } from '../../../src/extension/metrics/metricsCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import type { OpenScatterResult } from '../../../src/extension/scatter/openScatterCommand';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { activeExtension, writeConfig } from '../support/fixtures';
import { waitForWebviewText } from '../support/snapshots';

const RUN = 'it-scatter';
const isScatterTab = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('agorabench.scatter');
const scatterTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(isScatterTab);

describe('Open Metric Scatter Plot', () => {
  let server: FakeServer;
  let file: string;
  let resultsDir: string;

  before(async () => {
    await activeExtension();
    // earlier suites leave unsaved documents (the PGR grid): revert them so closing asks nothing
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    server = await startFakeServer({});
    await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_IT_KEY', value: 'sk-integration' });
    const generator = (id: string) => ({ id, provider: 'openai', model: 'gpt-4o-mini', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', limits: { concurrency: 4 } });
    file = writeConfig(`${RUN}.agorabench.json`, {
      name: RUN,
      generators: [generator('alpha'), generator('beta')],
      settings: [
        { setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 5 },
        { setting: 'response_generation.math', seeds: 'seeds/math.jsonl', instances: 3 },
      ],
    });
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    resultsDir = outcome.status === 'finished' ? outcome.summary.resultsDir : '';
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  it('opens beside the config and names the command that computes metrics while there are none', async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One });
    const opened = await vscode.commands.executeCommand<OpenScatterResult>('agorabench.openScatter', { configFile: file });
    assert.ok(opened, 'a panel was opened');
    assert.equal(opened.run, RUN);
    assert.equal(opened.resultsDir, resultsDir);
    assert.equal(opened.created, true);
    const text = await waitForWebviewText('scatter-empty', (t) => t.includes('Metric Scatter') && t.includes('Compute Metrics (agorabench metrics)'));
    assert.match(text, /No instance metrics for this run yet/);
    const tabs = scatterTabs();
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0]?.group.viewColumn, vscode.ViewColumn.Two, 'the panel opened beside the config editor');
  });

  it('plots the metrics once Compute Metrics has written them, with the run\'s generators', async () => {
    const outcome = await vscode.commands.executeCommand<MetricsOutcome>('agorabench.computeMetrics', file);
    assert.equal(outcome.status, 'computed', JSON.stringify(outcome));
    // the panel follows the results folder (≤ 1 refresh/s): no reopening needed
    const text = await waitForWebviewText('scatter-plotted', (t) => /\d+ instances · drawn in \d+ ms/.test(t) && t.includes('alpha') && t.includes('beta'));
    assert.match(text, /Per instance/);
    assert.match(text, /@ lexical/);
  });

  it('reveals the open panel when the same run is opened again', async () => {
    const a = await vscode.commands.executeCommand<OpenScatterResult>('agorabench.openScatter', { resultsDir, run: RUN });
    const b = await vscode.commands.executeCommand<OpenScatterResult>('agorabench.openScatter', { configFile: file });
    assert.equal(a?.created, false);
    assert.equal(b?.created, false);
    assert.equal(a?.panelId, b?.panelId);
    assert.equal(scatterTabs().length, 1, 'still one scatter panel');
    assert.equal(vscode.window.tabGroups.all.length, 2, 'no third editor column');
  });
});
