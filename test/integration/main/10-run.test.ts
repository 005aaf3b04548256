// "Run Benchmark" against the fake OpenAI-compatible server: the key comes from SecretStorage
// (set through "Set API Key"), the stores fill up, and bad configs and missing keys are reported.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results } from '../../../src/core';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { activeExtension, until, workspaceDir, writeConfig, writeFakeConfig } from '../support/fixtures';
import { QUICK_INPUT, uiSteps } from '../support/snapshots';

describe('Run Benchmark', () => {
  let server: FakeServer;

  before(async () => {
    await activeExtension();
    server = await startFakeServer({});
  });
  after(() => server.close());

  it('stores a key with Set API Key (returns the name, never the key)', async () => {
    const stored = await vscode.commands.executeCommand<string>('agorabench.setApiKey', { envVar: 'AGORABENCH_IT_KEY', value: 'sk-integration' });
    assert.equal(stored, 'AGORABENCH_IT_KEY');
    assert.equal(process.env.AGORABENCH_IT_KEY, undefined, 'the key is not in the environment: it must come from SecretStorage');
  });

  it('Set API Key through the UI: QuickPick of the config\'s key names, then a password InputBox', async () => {
    const file = writeFakeConfig({ name: 'it-ui-key', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_UI_KEY', instances: 2 });
    const pending = vscode.commands.executeCommand<string | undefined>('agorabench.setApiKey', { configFile: file });
    await uiSteps('set-api-key', [
      { waitFor: '.quick-input-widget .monaco-list-row[aria-label*="AGORABENCH_UI_KEY"]' },
      { fill: QUICK_INPUT, text: 'AGORABENCH_UI' },
      { waitFor: '.quick-input-widget .monaco-list-row.focused[aria-label*="AGORABENCH_UI_KEY"]' },
      { press: 'Enter', on: QUICK_INPUT },
      { waitFor: '.quick-input-widget input[type="password"]' },
      { fill: QUICK_INPUT, text: 'sk-typed-in-the-ui' },
      { press: 'Enter', on: QUICK_INPUT },
    ]);
    assert.equal(await pending, 'AGORABENCH_UI_KEY');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
  });

  it('runs a config given as an argument and fills the stores', async () => {
    const file = writeFakeConfig({ name: 'it-run', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 6, responses: true });
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    if (outcome.status !== 'finished') return;
    assert.equal(outcome.summary.status, 'completed');
    assert.equal(outcome.summary.resultsDir, path.join(workspaceDir(), '.agorabench'));
    assert.equal(server.stats().byStatus['401'], undefined, 'the key reached the server');

    const results = new Results(outcome.summary.resultsDir);
    const rows = await results.index.datasets('it-run');
    assert.deepEqual(rows.map((r) => r.setting).sort(), ['instance_generation.math', 'response_generation.math']);
    for (const row of rows) {
      const store = await results.openDataset(row);
      try {
        const t = store.totals();
        assert.equal(t.valid + t.failed, row.target, `${row.id}: every slot finished`);
        assert.ok(t.valid > 0, `${row.id}: some valid instances`);
        assert.equal(store.listInstances({ limit: 100 }).length, row.target);
      } finally {
        await store.close();
      }
    }
  });

  it('warns at the start when a setting has fewer seed rows than the instances it asks for', async () => {
    const file = writeConfig('it-few.agorabench.json', {
      name: 'it-few',
      generators: [{ id: 'fake', provider: 'openai', model: 'gpt-4o-mini', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY' }],
      settings: [{ setting: 'response_generation.math', seeds: 'seeds/math.jsonl', instances: 500 }],
    });
    await vscode.commands.executeCommand('notifications.clearAll');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    if (outcome.status !== 'finished') return;
    const seeds = outcome.summary.datasets[0]?.seeds ?? 0;
    assert.ok(seeds > 0 && seeds < 500);
    assert.deepEqual(outcome.summary.shortfalls.map((f) => [f.setting, f.requested, f.seeds]), [['response_generation.math', 500, seeds]]);
    assert.equal(outcome.summary.datasets[0]?.target, seeds);
    // the warning is on screen, with the numbers
    await vscode.commands.executeCommand('notifications.showList');
    await uiSteps('shortfall-warning', [{ waitFor: `.notifications-center .notification-list-item:has-text("${seeds} seed rows for 500 requested instances")` }]);
    await vscode.commands.executeCommand('notifications.hideList');
  });

  it('uses the active editor when no argument is given', async () => {
    const file = writeFakeConfig({ name: 'it-editor', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 3 });
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run');
    assert.equal(outcome.status, 'finished');
    if (outcome.status === 'finished') assert.equal(outcome.summary.run, 'it-editor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reports a bad config with file and line, as diagnostics on the document', async () => {
    // line 5 holds the bad provider
    const text = ['{', '  "name": "it-bad",', '  "generators": [', '    {', '      "provider": "opena1", "model": "m"', '    }', '  ],', '  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds/math.jsonl" }]', '}', ''].join('\n');
    const file = writeConfig('bad.agorabench.json', text);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', { configFile: file });
    assert.equal(outcome.status, 'config-error');
    if (outcome.status !== 'config-error') return;
    assert.equal(outcome.configFile, file);
    assert.ok(outcome.problems.some((p) => p.line === 5), JSON.stringify(outcome.problems));
    const diags = vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'agorabench');
    assert.ok(diags.length > 0, 'diagnostics published');
    assert.ok(diags.some((d) => d.range.start.line === 4 && /provider/.test(d.message)), diags.map((d) => `${d.range.start.line}: ${d.message}`).join('\n'));
  });

  it('clears the diagnostics once the config loads', async () => {
    const file = path.join(workspaceDir(), 'bad.agorabench.json');
    writeFakeConfigAt(file, server);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'finished');
    assert.equal(vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'agorabench').length, 0);
  });

  it('flags a wrong provider in a config copied elsewhere (no $schema) on open, and clears it on save once fixed', async () => {
    // an example copied into another folder: no "$schema"; line 5 holds the bad provider
    const text = ['{', '  "name": "it-copied",', '  "generators": [', '    {', '      "provider": "opena1", "model": "gpt-4o-mini"', '    }', '  ],', '  "settings": [{ "setting": "instance_generation.math", "seeds": "../seeds/math.jsonl", "instances": 2 }]', '}', ''].join('\n');
    fs.mkdirSync(path.join(workspaceDir(), 'copied'), { recursive: true });
    const file = writeConfig(path.join('copied', 'mine.agorabench.json'), text);
    const uri = vscode.Uri.file(file);
    // errors only: the fixed config still warns that no OPENAI_API_KEY is set (85-config-diagnostics)
    const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'agorabench' && d.severity === vscode.DiagnosticSeverity.Error);
    const editor = await vscode.window.showTextDocument(uri);
    await until(() => ours().some((d) => d.range.start.line === 4 && /provider/.test(d.message)), 10_000, 'a diagnostic on the provider line');
    await editor.edit((e) => e.replace(new vscode.Range(4, 0, 4, editor.document.lineAt(4).text.length), '      "provider": "openai", "model": "gpt-4o-mini"'));
    await editor.document.save();
    await until(() => ours().length === 0, 10_000, `the diagnostics to clear (now ${ours().map((d) => d.message).join('; ')})`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(workspaceDir(), 'copied'), { recursive: true, force: true });
  });

  it('reports a missing API key before any request, and its "Set API Key" button fixes it', async () => {
    const before = server.stats().requests;
    const file = writeFakeConfig({ name: 'it-nokey', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_LATE_KEY' });
    await vscode.commands.executeCommand('notifications.clearAll');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.deepEqual(outcome, { status: 'missing-key', configFile: file, envVar: 'AGORABENCH_IT_LATE_KEY', generator: 'fake' });
    assert.equal(server.stats().requests, before);

    // the error notification's button asks for exactly that key (no picker: the name is known)
    await vscode.commands.executeCommand('notifications.showList');
    await uiSteps('missing-key-button', [
      { click: '.notifications-center :is(a, button).monaco-button:has-text("Set API Key")' },
      { waitFor: '.quick-input-widget input[type="password"]' },
      { fill: QUICK_INPUT, text: 'sk-late' },
      { press: 'Enter', on: QUICK_INPUT },
    ]);
    await vscode.commands.executeCommand('notifications.hideList');
    await until(async () => (await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file)).status === 'finished', 10_000, 'the run to find the key');
  });

  it('asks which config to run when there is no argument and no config editor', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const pending = vscode.commands.executeCommand<RunOutcome>('agorabench.run');
    await uiSteps('pick-config', [
      { waitFor: '.quick-input-widget .monaco-list-row[aria-label*="it-run.agorabench.json"]' },
      { fill: QUICK_INPUT, text: 'it-run.agorabench' },
      // Enter only once the filter has made it the active row
      { waitFor: '.quick-input-widget .monaco-list-row.focused[aria-label*="it-run.agorabench.json"]' },
      { press: 'Enter', on: QUICK_INPUT },
      // then which generators and settings: all are ticked, Enter runs them
      { waitFor: '.quick-input-widget .monaco-list-row[aria-label*="response_generation.math"]' },
      { press: 'Enter', on: QUICK_INPUT },
    ]);
    const outcome = await pending;
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    if (outcome.status === 'finished') assert.equal(outcome.summary.run, 'it-run');
  });

  it('cancels a running benchmark gracefully: no new requests, every answer already paid for is kept', async () => {
    const slow = await startFakeServer({ latencyMs: 150 });
    try {
      const file = writeFakeConfig({ name: 'it-cancel', baseURL: slow.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 400, concurrency: 2 });
      const running = vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
      await until(() => slow.stats().requests >= 4, 20_000, 'the run to send requests');
      const again = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
      assert.equal(again.status, 'already-running');
      assert.equal(await vscode.commands.executeCommand<number>('agorabench.cancel'), 1);
      const outcome = await running;
      assert.equal(outcome.status, 'finished');
      if (outcome.status !== 'finished') return;
      assert.equal(outcome.summary.status, 'cancelled');
      const done = outcome.summary.datasets.reduce((n, d) => n + d.valid + d.failed, 0);
      assert.ok(done < 400, `stopped early (${done} done)`);
      // the requests in flight at Cancel finished and were recorded: the usage billed by the server
      // is exactly the usage in the stores (answers other tests already paid for came from the cache)
      const billed = slow.stats().usage;
      assert.ok(billed.outputTokens > 0);
      assert.deepEqual(outcome.summary.usage, billed);
    } finally {
      await slow.close();
    }
  });
});

function writeFakeConfigAt(file: string, server: FakeServer): void {
  writeConfig(path.basename(file), {
    name: 'it-fixed',
    generators: [{ id: 'fake', provider: 'openai', model: 'gpt-4o-mini', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY' }],
    settings: [{ setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 2 }],
  });
}
