// The Runs view of the AgoraBench activity-bar container: config → run → generator → dataset,
// kept current for runs made in VS Code and by the CLI in a terminal, with its item actions.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results } from '../../../src/core';
import type { OpenInstancesResult } from '../../../src/extension/instances/openInstancesCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import type { RunsTreeItemJson } from '../../../src/extension/tree/runsTree';
import type { DeleteRunOutcome } from '../../../src/extension/tree/registerRunsTree';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { EXTENSION_ID, activeExtension, until, writeFakeConfig } from '../support/fixtures';

const tree = () => vscode.commands.executeCommand<RunsTreeItemJson[]>('agorabench._runsTree');

async function configItem(name: string): Promise<RunsTreeItemJson | undefined> {
  return (await tree()).find((c) => c.label === name);
}

describe('Runs view', () => {
  let server: FakeServer;
  let file: string;
  let resultsDir: string;

  before(async () => {
    await activeExtension();
    server = await startFakeServer({});
    await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_IT_KEY', value: 'sk-integration' });
    file = writeFakeConfig({ name: 'it-tree', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 5, responses: true });
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    resultsDir = outcome.status === 'finished' ? outcome.summary.resultsDir : '';
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  it('is a view of the AgoraBench container that shows config → run → generator → dataset after a run', async () => {
    await vscode.commands.executeCommand('agorabench.runs.focus');
    let config: RunsTreeItemJson | undefined;
    await until(async () => (config = await configItem('it-tree'))?.children?.some((r) => r.label === 'it-tree') === true, 10_000, 'the run in the tree');
    assert.ok(config);
    assert.equal(config.kind, 'config');
    assert.equal(config.description, 'it-tree.agorabench.json');
    const run = config.children?.find((r) => r.label === 'it-tree');
    assert.ok(run);
    assert.equal(run.contextValue, 'agorabench.run');
    assert.equal(run.icon, 'pass');
    const datasets = await new Results(resultsDir).index.datasets('it-tree');
    const valid = datasets.reduce((n, d) => n + d.valid, 0);
    const failed = datasets.reduce((n, d) => n + d.failed, 0);
    assert.match(run.description, new RegExp(`^completed · ${valid}/9 valid · ${failed} failed · \\$\\d+\\.\\d+$`));
    assert.deepEqual(run.children?.map((g) => g.label), ['fake']);
    const items = run.children?.[0]?.children ?? [];
    assert.deepEqual(items.map((d) => d.label), ['instance_generation.math', 'response_generation.math']);
    for (const item of items) {
      const row = datasets.find((d) => d.setting === item.label);
      assert.ok(row);
      assert.equal(item.kind, 'dataset');
      assert.equal(item.contextValue, 'agorabench.dataset');
      assert.equal(item.icon, 'pass');
      assert.equal(item.description, `${row.valid}/${row.target} valid · ${row.failed} failed · $${row.costUsd.toFixed(row.costUsd > 0 && row.costUsd < 0.01 ? 4 : 2)}`);
      assert.match(item.tooltip, /annotated bad: 0/);
      assert.match(item.tooltip, new RegExp(`valid: ${row.valid} / ${row.target}`));
    }
  });

  it('shows a run made by the CLI in a terminal while VS Code is open', async function () {
    this.timeout(90_000);
    const cliFile = writeFakeConfig({ name: 'it-tree-cli', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 3 });
    // the config watcher shows the new config; its results appear only once the CLI writes them
    await until(async () => (await configItem('it-tree-cli')) !== undefined, 10_000, 'the new config in the tree');
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'dist', 'cli.js');
    const child = spawn(process.execPath, [cli, 'run', cliFile], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', AGORABENCH_IT_KEY: 'sk-integration' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, output);
    // no explicit refresh: the index.sqlite watcher picks the run up
    let config: RunsTreeItemJson | undefined;
    await until(
      async () => (config = await configItem('it-tree-cli'))?.children?.find((r) => r.label === 'it-tree-cli')?.icon === 'pass',
      20_000,
      'the CLI run in the tree',
      300,
    );
    const dataset = config?.children?.[0]?.children?.[0]?.children?.[0];
    assert.equal(dataset?.label, 'instance_generation.math');
    assert.match(dataset?.description ?? '', /^\d+\/3 valid · \d+ failed · \$/);
  });

  it('opens Instances from a dataset item and the config from a run item', async () => {
    const opened = await vscode.commands.executeCommand<OpenInstancesResult>('agorabench.openInstances', { resultsDir, datasetId: 'it-tree__fake__instance_generation.math' });
    assert.equal(opened?.datasetId, 'it-tree__fake__instance_generation.math');
    const shown = await vscode.commands.executeCommand<string>('agorabench.revealConfig', { configFile: file });
    assert.equal(shown, file);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
  });

  it('deletes the results of one run: its item and its dataset folders go, the other run stays', async () => {
    const datasets = await new Results(resultsDir).index.datasets('it-tree');
    assert.ok(datasets.length > 0);
    for (const d of datasets) assert.ok(fs.existsSync(path.join(resultsDir, d.dir)));
    const out = await vscode.commands.executeCommand<DeleteRunOutcome>('agorabench.deleteRunResults', { resultsDir, run: 'it-tree', confirm: true });
    assert.equal(out.status, 'deleted', JSON.stringify(out));
    assert.deepEqual(out.datasets?.sort(), datasets.map((d) => d.id).sort());
    for (const d of datasets) assert.equal(fs.existsSync(path.join(resultsDir, d.dir)), false, `${d.dir} is deleted`);
    assert.deepEqual(await new Results(resultsDir).index.datasets('it-tree'), []);
    const config = await configItem('it-tree');
    assert.ok(config, 'the config stays');
    assert.equal(config.children?.length, 0, 'its run is gone from the tree');
    assert.ok((await configItem('it-tree-cli'))?.children?.length, 'the CLI run stays');
  });

  it('offers welcome buttons that run registered commands; "Open the paper preset" and the like copy an example into the workspace', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const welcome = (ext?.packageJSON as { contributes: { viewsWelcome: { view: string; contents: string }[] } }).contributes.viewsWelcome.find((w) => w.view === 'agorabench.runs');
    assert.ok(welcome);
    const links = [...welcome.contents.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);
    assert.deepEqual(links, ['agorabench.newConfig', 'agorabench.openExample', 'agorabench.setApiKey', 'workbench.action.openWalkthrough']);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of links) assert.ok(c && registered.has(c), `${c} is registered`);
    const created = await vscode.commands.executeCommand<string>('agorabench.openExample', 'quickstart');
    try {
      assert.equal(path.basename(created), 'quickstart.agorabench.json');
      const content = JSON.parse(fs.readFileSync(created, 'utf8')) as { name: string; $schema?: string };
      assert.equal(content.name, 'quickstart');
      assert.equal(content.$schema, undefined);
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, created);
      await until(async () => (await configItem('quickstart')) !== undefined, 10_000, 'the new config in the tree');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(created, { force: true });
    }
  });

  it('refreshes on request', async () => {
    await vscode.commands.executeCommand('agorabench.refreshRuns');
    assert.ok((await tree()).length >= 2);
  });
});
