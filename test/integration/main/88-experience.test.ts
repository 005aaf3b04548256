// The surfaces that tie the capabilities together: the Jobs view and status bar, CodeLens on
// configs, Run with a subset, Resume and Retry Failed, Estimate Cost, New Config, Clear API Key,
// Show Log, and the walkthrough's wiring.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JobState } from '../../../src/extension/jobs/jobRegistry';
import type { EstimateResult } from '../../../src/extension/run/estimateCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { waitForWebviewText } from '../support/snapshots';
import { EXTENSION_ID, activeExtension, until, workspaceDir, writeConfig } from '../support/fixtures';

interface JobsJson {
  jobs: (JobState & { description: string })[];
  statusBar: { visible: boolean; text: string; tooltip: string; command: string };
}
const jobs = () => vscode.commands.executeCommand<JobsJson>('agorabench._jobs');

/** Two generators (the first reads a key nobody set) and two settings, on the fake server. */
function twoByTwo(name: string, server: FakeServer, extra: Record<string, unknown> = {}): string {
  return writeConfig(`${name}.agorabench.json`, {
    name,
    generators: [
      { id: 'nokey', provider: 'openai', model: 'gpt-4o-mini', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_UNSET_KEY' },
      { id: 'keyed', provider: 'openai', model: 'gpt-4o', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY' },
    ],
    settings: [
      { setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 3 },
      { setting: 'response_generation.math', seeds: 'seeds/math.jsonl', instances: 3 },
    ],
    ...extra,
  });
}

function finished(outcome: RunOutcome): Extract<RunOutcome, { status: 'finished' }> {
  assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
  return outcome as Extract<RunOutcome, { status: 'finished' }>;
}

describe('VS Code experience', () => {
  let server: FakeServer;

  before(async () => {
    await activeExtension();
    server = await startFakeServer({});
    await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_IT_KEY', value: 'sk-integration' });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  it('shows a running job in the Jobs view and the status bar, and stops it from its item', async function () {
    this.timeout(90_000);
    // answers take 5 s: the stopping phase lasts long enough to be seen
    const slow = await startFakeServer({ latencyMs: 5000 });
    try {
      const file = writeConfig('it-jobs.agorabench.json', {
        name: 'it-jobs',
        generators: [{ id: 'fake', provider: 'openai', model: 'gpt-4o-mini', baseURL: slow.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', limits: { concurrency: 2 } }],
        settings: [{ setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 300 }],
      });
      assert.deepEqual((await jobs()).jobs, []);
      await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const running = vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
      await until(async () => (await jobs()).jobs[0]?.total === 300, 30_000, 'the run to start');
      await vscode.commands.executeCommand('agorabench.jobs.focus');
      // the dataset's Instances panel is open while the run writes it
      const resultsDir = (await jobs()).jobs[0]?.resultsDir;
      await vscode.commands.executeCommand('agorabench.openInstances', { resultsDir, datasetId: 'it-jobs__fake__instance_generation.math' });
      await waitForWebviewText('jobs-panel-running', (t) => t.includes('gpt-4o-mini · running'));
      // right after an answer arrives the next requests have just been sent: Cancel then leaves them ~5 s in flight
      const before = (await jobs()).jobs[0]?.done ?? 0;
      let state: JobsJson | undefined;
      await until(async () => ((state = await jobs()).jobs[0]?.done ?? 0) > before, 30_000, 'the job to make progress', 50);
      const job = state?.jobs[0];
      assert.ok(job && state);
      assert.equal(job.kind, 'generation');
      assert.equal(job.configFile, file);
      assert.equal(job.phase, 'running');
      assert.match(job.description, /^\d+\/300 · \$\d+\.\d+ · \d+ in flight$/);
      assert.equal(job.datasets?.length, 1);
      assert.equal(state.statusBar.visible, true);
      assert.match(state.statusBar.text, /^\$\(sync~spin\) AgoraBench: generation · \d+\/300 · \$/);
      assert.equal(state.statusBar.command, 'agorabench.jobs.focus');
      // the CodeLens above the running config is "Stop" instead of "Run"
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(file));
      assert.ok(lenses.some((l) => l.command?.title === '$(debug-stop) Stop'), lenses.map((l) => l.command?.title).join(', '));
      // Cancel from the job's item: it says at once that it is stopping, in the view, the status bar and the panel
      assert.equal(await vscode.commands.executeCommand<number>('agorabench.cancel', { job }), 1);
      const stopping = (await jobs()).jobs[0];
      assert.equal(stopping?.phase, 'stopping');
      assert.match(stopping?.description ?? '', /^stopping… \d+ in flight · \d+\/300$/);
      assert.match((await jobs()).statusBar.text, /^\$\(debug-stop\) AgoraBench: generation stopping… \d+ in flight · \d+\/300/);
      // the panel's counts are the job's (the index is written every few seconds): nothing arrives while the requests in flight take 5 s
      const valid = stopping?.datasets?.[0]?.valid;
      assert.ok(valid !== undefined && valid > 0, JSON.stringify(stopping?.datasets));
      await waitForWebviewText('jobs-panel-stopping', (t) => new RegExp(`gpt-4o-mini · stopping… \\d+ in flight · ${valid} valid`).test(t) && t.includes(`Valid (${valid})`), 4000);
      const outcome = finished(await running);
      assert.equal(outcome.summary.status, 'cancelled');
      const after = await jobs();
      assert.deepEqual(after.jobs, []);
      assert.equal(after.statusBar.visible, false);
    } finally {
      await slow.close();
    }
  });

  it('shows Run, Estimate cost and Open results above a config, and Run only this above each generator and setting', async () => {
    const file = twoByTwo('it-lens', server);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const at = (title: string) => lenses.filter((l) => l.command?.title === title).map((l) => l.range.start.line);
    const nameLine = doc.getText().split('\n').findIndex((l) => l.includes('"name"'));
    assert.deepEqual(at('$(play) Run'), [nameLine]);
    assert.deepEqual(at('$(credit-card) Estimate cost'), [nameLine]);
    assert.deepEqual(at('$(table) Open results'), [nameLine]);
    // each "only this" lens sits on the line that opens its object
    assert.deepEqual(at('$(play) Run only this generator').map((l) => doc.lineAt(l + 1).text.trim()), ['"id": "nokey",', '"id": "keyed",']);
    assert.deepEqual(at('$(play) Run only this setting').map((l) => doc.lineAt(l + 1).text.trim()), ['"setting": "instance_generation.math",', '"setting": "response_generation.math",']);
  });

  it('runs only the generator and the setting a CodeLens names, needing only that generator\'s key', async () => {
    const file = twoByTwo('it-only', server);
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(file));
    const keyed = lenses.find((l) => l.command?.title === '$(play) Run only this generator' && JSON.stringify(l.command.arguments).includes('"keyed"'));
    assert.ok(keyed?.command);
    const outcome = finished(await vscode.commands.executeCommand<RunOutcome>(keyed.command.command, ...(keyed.command.arguments ?? [])));
    assert.deepEqual([...new Set(outcome.summary.datasets.map((d) => d.generator))], ['keyed']);
    assert.equal(outcome.summary.datasets.length, 2);
    // the whole config still needs the unset key: it is reported, nothing runs
    const all = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(all.status, 'missing-key', JSON.stringify(all));
    const setting = finished(await vscode.commands.executeCommand<RunOutcome>('agorabench.run', { configFile: file, only: { generators: ['keyed'], settings: ['response_generation.math'] } }));
    assert.deepEqual(setting.summary.datasets.map((d) => `${d.generator}/${d.setting}`), ['keyed/response_generation.math']);
  });

  it('resumes without retrying failed slots, and Retry Failed gives them another round', async function () {
    this.timeout(90_000);
    const bad = await startFakeServer({ faultRate: 1, faults: ['malformed'] });
    try {
      const file = writeConfig('it-retry.agorabench.json', {
        name: 'it-retry',
        // a model no other test asks: no answer of theirs comes from the response cache
        generators: [{ id: 'fake', provider: 'openai', model: 'it-retry-model', baseURL: bad.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY' }],
        settings: [{ setting: 'response_generation.math', seeds: 'seeds/math.jsonl', instances: 3 }],
        generation: { maxAttempts: 1 },
      });
      const first = finished(await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file));
      assert.equal(first.summary.datasets[0]?.failed, 3);
      const sent = bad.stats().requests;
      bad.configure({ faultRate: 0 });
      const resumed = finished(await vscode.commands.executeCommand<RunOutcome>('agorabench.resume', { configFile: file }));
      assert.equal(resumed.summary.datasets[0]?.failed, 3, 'resume leaves failed slots alone');
      assert.equal(bad.stats().requests, sent, 'and sends nothing');
      const retried = finished(await vscode.commands.executeCommand<RunOutcome>('agorabench.retryFailed', { configFile: file }));
      assert.equal(retried.summary.datasets[0]?.failed, 0);
      assert.equal(retried.summary.datasets[0]?.valid, 3);
    } finally {
      await bad.close();
    }
  });

  it('estimates the cost as a table beside the config before anything is sent', async () => {
    const file = twoByTwo('it-estimate', server);
    const before = server.stats().requests;
    const result = await vscode.commands.executeCommand<EstimateResult>('agorabench.estimateCost', { configFile: file });
    assert.ok(result);
    assert.equal(server.stats().requests, before, 'no request is sent');
    assert.equal(result.estimate.datasets.length, 4);
    const lines = result.markdown.split('\n');
    assert.equal(lines[0], '# Cost estimate: it-estimate');
    assert.ok(lines.includes('| generator | setting | instances | requests | input tok | output tok | expected | max | mode |'), result.markdown);
    const rows = lines.filter((l) => /^\| (nokey|keyed) \|/.test(l));
    assert.equal(rows.length, 4);
    for (const d of result.estimate.datasets) assert.ok(rows.some((r) => r.startsWith(`| ${d.generator} | ${d.setting} | ${d.instances} |`)), `${d.id} has its row`);
    assert.ok(lines.some((l) => l.startsWith('- expected total $')));
    // shown beside the config (the Markdown preview, or the document itself without it), served read-only
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    await until(() => tabs().some((t) => t.includes('it-estimate estimate')), 10_000, `the estimate's tab (tabs: ${tabs().join(', ')})`);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.uri));
    assert.equal(doc.getText(), result.markdown);
  });

  it('writes a new config from a template under a name of the user\'s, never over an existing file', async () => {
    const file = await vscode.commands.executeCommand<string | undefined>('agorabench.newConfig', { template: 'empty', name: 'it-new' });
    assert.equal(file, path.join(workspaceDir(), 'it-new.agorabench.json'));
    const content = JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string; generators: unknown[]; settings: { setting: string }[] };
    assert.equal(content.name, 'it-new');
    assert.equal(content.generators.length, 1);
    assert.deepEqual(content.settings.map((s) => s.setting), ['instance_generation.math']);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    fs.writeFileSync(file, '{ "name": "it-new", "mine": true }\n');
    assert.equal(await vscode.commands.executeCommand('agorabench.newConfig', { template: 'quickstart', name: 'it-new' }), undefined);
    assert.equal(fs.readFileSync(file, 'utf8'), '{ "name": "it-new", "mine": true }\n', 'the user\'s file is untouched');
    const quick = await vscode.commands.executeCommand<string>('agorabench.newConfig', { template: 'quickstart', name: 'it-quick' });
    const q = JSON.parse(fs.readFileSync(quick, 'utf8')) as { name: string; settings: unknown[]; $schema?: string };
    assert.equal(q.name, 'it-quick');
    assert.equal(q.settings.length, 3);
    assert.equal(q.$schema, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file);
    fs.rmSync(quick);
  });

  it('clears a stored API key: the next run reports the key missing', async () => {
    const file = writeConfig('it-clear.agorabench.json', {
      name: 'it-clear',
      generators: [{ id: 'fake', provider: 'openai', model: 'gpt-4o-mini', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_CLEAR_KEY' }],
      settings: [{ setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 2 }],
    });
    await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_IT_CLEAR_KEY', value: 'sk-to-clear' });
    finished(await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file));
    assert.equal(await vscode.commands.executeCommand('agorabench.clearApiKey', { envVar: 'AGORABENCH_IT_CLEAR_KEY' }), 'AGORABENCH_IT_CLEAR_KEY');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'missing-key', JSON.stringify(outcome));
  });

  it('shows the log, and lists every command in the palette under "AgoraBench" with a registered handler', async () => {
    await vscode.commands.executeCommand('agorabench.showLog');
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { commands: { command: string; category: string }[]; menus: Record<string, { command: string; when?: string }[]> };
    };
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, 'AgoraBench', c.command);
      assert.ok(registered.has(c.command), `${c.command} is registered`);
    }
    const palette = new Map(manifest.contributes.menus.commandPalette?.map((m) => [m.command, m.when]));
    assert.equal(palette.get('agorabench.cancel'), 'agorabench.jobsRunning', 'Cancel shows only while jobs run');
    for (const c of ['agorabench.newConfig', 'agorabench.run', 'agorabench.resume', 'agorabench.retryFailed', 'agorabench.estimateCost', 'agorabench.openInstances', 'agorabench.openScatter', 'agorabench.openPgr', 'agorabench.openDatasetInEditor', 'agorabench.exportTrainingData', 'agorabench.setApiKey', 'agorabench.clearApiKey', 'agorabench.showLog']) {
      assert.notEqual(palette.get(c), 'false', `${c} is in the palette`);
      assert.ok(manifest.contributes.commands.some((m) => m.command === c), `${c} is contributed`);
    }
  });

  it('has a walkthrough whose buttons run registered commands and whose steps complete on the real outcomes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const manifest = ext?.packageJSON as { contributes: { walkthroughs: { id: string; steps: { id: string; description: string; media: { markdown: string }; completionEvents: string[] }[] }[] } };
    const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === 'agorabench.start');
    assert.ok(walkthrough);
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['key', 'config', 'estimate', 'run', 'inspect', 'evaluate']);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough.steps) {
      const links = [...step.description.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);
      assert.equal(links.length, 1, step.id);
      assert.ok(registered.has(links[0] ?? ''), `${step.id}: ${links[0]} is registered`);
      assert.ok(fs.existsSync(path.join(ext?.extensionPath ?? '', step.media.markdown)), `${step.id}: ${step.media.markdown} exists`);
      assert.ok(step.completionEvents.every((e) => e.startsWith('onContext:agorabench.')), `${step.id} completes on an outcome, not a click`);
    }
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#agorabench.start`, false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
