// One whole flow driven like a person, through the workbench in the headless browser: the command
// palette with the keyboard, quick picks and an input box, the final notification, the Runs tree.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results } from '../../../src/core';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { QUICK_INPUT, uiSteps, waitForWebviewText, type UiStep } from '../support/snapshots';
import { activeExtension, until, workspaceDir } from '../support/fixtures';

/** F1, the command's name, Enter once the palette has made it the focused row. */
function palette(title: string): UiStep[] {
  return [
    { press: 'F1' },
    { waitFor: QUICK_INPUT },
    { fill: QUICK_INPUT, text: `>${title}` },
    { waitFor: `.quick-input-widget .monaco-list-row.focused[aria-label*="${title}"]` },
    { press: 'Enter', on: QUICK_INPUT },
  ];
}

/** Types into the open quick pick and takes the row it focuses. */
function choose(label: string): UiStep[] {
  return [
    { waitFor: `.quick-input-widget .monaco-list-row[aria-label*="${label}"]` },
    { fill: QUICK_INPUT, text: label },
    { waitFor: `.quick-input-widget .monaco-list-row.focused[aria-label*="${label}"]` },
    { press: 'Enter', on: QUICK_INPUT },
  ];
}

describe('a person\'s flow through the UI', () => {
  let server: FakeServer;
  // sorts first among the workspace's configs, so its rows are in sight in the Runs view without scrolling
  const name = 'a-person';
  const file = () => path.join(workspaceDir(), `${name}.agorabench.json`);

  before(async () => {
    await activeExtension();
    server = await startFakeServer({});
    await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_IT_KEY', value: 'sk-integration' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  it('creates a config from the palette, estimates it, runs part of it, and opens the results from the notification and the Runs tree', async function () {
    this.timeout(180_000);
    // New Config: template, then name
    await uiSteps('new-config', [...palette('AgoraBench: New Config'), ...choose('Empty'), { waitFor: QUICK_INPUT }, { fill: QUICK_INPUT, text: name }, { press: 'Enter', on: QUICK_INPUT }]);
    await until(() => vscode.window.activeTextEditor?.document.uri.fsPath === file(), 10_000, 'the new config in the editor');
    // the person points it at their own endpoint and adds a second setting
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    const config = JSON.parse(editor.document.getText()) as { name: string; generators: Record<string, unknown>[]; settings: Record<string, unknown>[] };
    assert.equal(config.name, name);
    config.generators = [{ id: 'fake', provider: 'openai', model: 'gpt-4o-mini', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY' }];
    config.settings = [
      { setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 3 },
      { setting: 'response_generation.math', seeds: 'seeds/math.jsonl', instances: 3 },
    ];
    const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
    await editor.edit((e) => e.replace(whole, JSON.stringify(config, null, 2) + '\n'));
    await editor.document.save();

    // Estimate Cost from the palette: the table opens beside the config
    await uiSteps('estimate', palette('AgoraBench: Estimate Cost'));
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    await until(() => tabs().some((t) => t.includes(`${name} estimate`)), 20_000, 'the estimate beside the config');
    assert.equal(server.stats().requests, 0, 'estimating sends nothing');

    // back to the config (the preview, a webview, keeps F1 to itself), then Run Benchmark from the
    // palette: untick one setting in the quick pick, Enter
    await uiSteps('focus-config', [{ click: `.tabs-container .tab[aria-label*="${name}.agorabench.json"]` }]);
    await uiSteps('run', [
      ...palette('AgoraBench: Run Benchmark'),
      { waitFor: '.quick-input-widget .monaco-list-row[aria-label*="response_generation.math"]' },
      { click: '.quick-input-widget .monaco-list-row[aria-label*="response_generation.math"]' },
      { press: 'Enter', on: QUICK_INPUT },
    ]);
    const results = new Results(path.join(workspaceDir(), '.agorabench'));
    await until(async () => (await results.index.runs()).some((r) => r.name === name && r.status === 'completed'), 60_000, 'the run to complete', 300);
    const datasets = await results.index.datasets(name);
    assert.deepEqual(datasets.map((d) => d.setting), ['instance_generation.math'], 'the unticked setting did not run');
    const dataset = datasets[0];
    assert.ok(dataset && dataset.valid > 0);

    // the final notification's "Open Results"
    await vscode.commands.executeCommand('notifications.showList');
    await uiSteps('open-results', [{ click: `.notifications-center .notification-list-item:has-text("${name}") :is(a, button).monaco-button:has-text("Open Results")` }]);
    await waitForWebviewText('results-panel', (t) => t.includes(`of ${dataset.target}`) && t.includes('instance_generation.math'));
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // the Runs tree: the activity bar icon, a click on the run, then on its dataset (which opens it)
    const runs = '.pane:has(.pane-header[aria-label*="Runs"])';
    // from another view, so that the click opens the AgoraBench container rather than closing it
    await vscode.commands.executeCommand('workbench.view.explorer');
    await uiSteps('tree', [
      { click: '.activitybar a.action-label[aria-label="AgoraBench"]' },
      { waitFor: `${runs} .monaco-list-row[aria-label*="${name}.agorabench.json"]` },
      { click: `${runs} .monaco-list-row[aria-level="2"][aria-label*="${name}"]` },
      // its generator opens expanded
      { waitFor: `${runs} .monaco-list-row[aria-level="3"][aria-label*="fake"]` },
      { waitFor: `${runs} .monaco-list-row[aria-level="4"][aria-label*="instance_generation.math"]` },
      { click: `${runs} .monaco-list-row[aria-level="4"][aria-label*="instance_generation.math"]` },
    ]);
    await waitForWebviewText('tree-panel', (t) => t.includes(`of ${dataset.target}`) && t.includes('instance_generation.math'));
    fs.rmSync(file());
  });
});
