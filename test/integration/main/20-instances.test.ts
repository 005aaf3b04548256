// "Open Instances" shows a dataset's rows in a webview beside the editor, and follows a run
// that writes more.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results, type InstanceRow } from '../../../src/core';
import type { OpenInstancesResult } from '../../../src/extension/instances/openInstancesCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { activeExtension, writeFakeConfig } from '../support/fixtures';
import { uiSteps, waitForWebviewText } from '../support/snapshots';

/** The start of an instruction as the table shows it (whitespace collapsed). */
const head = (r: InstanceRow) => r.instruction.replace(/\s+/g, ' ').trim().slice(0, 40);

async function run(file: string): Promise<string> {
  const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
  assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
  return outcome.status === 'finished' ? outcome.summary.resultsDir : '';
}

async function instances(resultsDir: string, datasetId: string): Promise<InstanceRow[]> {
  return (await new Results(resultsDir).page(datasetId, { limit: 200 })).rows;
}

describe('Open Instances', () => {
  let server: FakeServer;
  let file: string;
  let resultsDir: string;
  const datasetId = 'it-browse__fake__instance_generation.math';

  before(async () => {
    await activeExtension();
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar'); // room for the panel in screenshots
    server = await startFakeServer({});
    await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_IT_KEY', value: 'sk-integration' });
    file = writeFakeConfig({ name: 'it-browse', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 8, responses: true });
    resultsDir = await run(file);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  it('opens a panel beside the config that shows the instances from the store', async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One });
    const opened = await vscode.commands.executeCommand<OpenInstancesResult>('agorabench.openInstances', { configFile: file, datasetId });
    assert.ok(opened, 'a panel was opened');
    assert.equal(opened.datasetId, datasetId);
    const rows = await instances(resultsDir, datasetId);
    assert.equal(rows.length, 8);
    const text = await waitForWebviewText('instances', (t) => rows.every((r) => t.includes(head(r))));
    assert.match(text, /fake · instance_generation\.math/);
    assert.match(text, /\d+ valid/);
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('agorabench.instances'));
    assert.equal(tab?.group.viewColumn, vscode.ViewColumn.Two, 'the panel opened beside the config editor');
  });

  it('reveals the same panel when the dataset is opened again', async () => {
    const a = await vscode.commands.executeCommand<OpenInstancesResult>('agorabench.openInstances', { configFile: file, datasetId });
    const b = await vscode.commands.executeCommand<OpenInstancesResult>('agorabench.openInstances', { resultsDir, datasetId });
    assert.equal(a?.panelId, b?.panelId);
  });

  it('refreshes when a run writes more instances into the open dataset', async () => {
    // same run name, larger target: the run resumes and adds slots 8..13
    writeFakeConfig({ name: 'it-browse', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 14, responses: true });
    await run(file);
    const rows = await instances(resultsDir, datasetId);
    assert.equal(rows.length, 14);
    const text = await waitForWebviewText('instances-refreshed', (t) => /of 14\b/.test(t) && rows.every((r) => t.includes(head(r))));
    for (const r of rows) assert.ok(text.includes(head(r)), `slot ${r.slot} is shown`);
  });

  it('shows a slot and a selection that another panel asks for (reveal, filter)', async () => {
    const rows = await instances(resultsDir, datasetId);
    const target = rows[5];
    assert.ok(target);
    await vscode.commands.executeCommand('agorabench.openInstances', { resultsDir, datasetId, reveal: target.slot });
    await waitForWebviewText('instances-reveal', (t) => new RegExp(`Slot ${target.slot}\\b`).test(t) && t.includes(head(target)));
    await vscode.commands.executeCommand('agorabench.openInstances', { resultsDir, datasetId, filter: { status: 'all', metrics: [], slots: [rows[1]?.slot, rows[3]?.slot] } });
    await waitForWebviewText('instances-selection', (t) => /2 selected slots/.test(t) && /of 2\b/.test(t));
  });

  it('opens another dataset in the same editor group instead of adding a column', async () => {
    const groups = vscode.window.tabGroups.all.length;
    const other = 'it-browse__fake__response_generation.math';
    const opened = await vscode.commands.executeCommand<OpenInstancesResult>('agorabench.openInstances', { resultsDir, datasetId: other });
    assert.equal(opened?.datasetId, other);
    await waitForWebviewText('instances-second', (t) => /fake · response_generation\.math/.test(t));
    assert.equal(vscode.window.tabGroups.all.length, groups, 'no new editor group');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('agorabench.instances')).map(() => g.viewColumn));
    assert.equal(new Set(tabs).size, 1, `both Instances panels share one group: ${JSON.stringify(tabs)}`);
  });

  it('opens from the "Open Instances" button of the run\'s final notification', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    const other = writeFakeConfig({ name: 'it-notify', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 3 });
    const dir = await run(other);
    const rows = await instances(dir, 'it-notify__fake__instance_generation.math');
    // toasts may be suppressed in this headless workbench: use the notification center
    await vscode.commands.executeCommand('notifications.showList');
    await uiSteps('notification-button', [{ click: '.notifications-center :is(a, button).monaco-button:has-text("Open Results")' }]);
    await waitForWebviewText('notification-panel', (t) => /of 3\b/.test(t) && rows.every((r) => t.includes(head(r))));
  });

  it('without a config argument, takes the config open in sight though another editor has the focus', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const configs = await vscode.workspace.findFiles('**/*.agorabench.json');
    assert.ok(configs.length > 1, 'several configs: a picker would be needed without the open one');
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One });
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(path.dirname(file), 'seeds', 'math.jsonl')), { viewColumn: vscode.ViewColumn.Two });
    assert.notEqual(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    // a QuickPick waits for a person: dismiss it after a while so that the test fails instead of hanging
    const dismiss = setTimeout(() => void vscode.commands.executeCommand('workbench.action.closeQuickOpen'), 5000);
    const opened = await vscode.commands.executeCommand<OpenInstancesResult | undefined>('agorabench.openInstances', { datasetId });
    clearTimeout(dismiss);
    assert.equal(opened?.datasetId, datasetId);
    assert.equal(opened?.resultsDir, resultsDir);
  });

  it('returns nothing for a dataset that does not exist', async () => {
    const none = await vscode.commands.executeCommand<OpenInstancesResult | undefined>('agorabench.openInstances', { resultsDir, datasetId: 'no-such-dataset' });
    assert.equal(none, undefined);
  });
});
