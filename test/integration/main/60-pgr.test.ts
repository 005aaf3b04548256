// "Open PGR Comparison" in the real extension host: the panel opens beside the config and says
// what is missing, follows a run and an evaluation live (the results folder is watched), then
// shows each generator's PGR exactly as computePgr gives it; opening it again reveals the panel.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { computePgr, loadConfig, runPgrInputs, type BenchmarkName } from '../../../src/core';
import { loadBenchmark } from '../../../src/core/evaluation/benchmarks';
import type { EvalOutcome } from '../../../src/extension/eval/evaluateCommand';
import type { OpenPgrOutcome } from '../../../src/extension/pgr/openPgrCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import type { RunsTreeItemJson } from '../../../src/extension/tree/runsTree';
import { startFakeServer, type FakeServer } from '../../fake-server';
import type { AnswerKeyEntry } from '../../fake-server/options';
import { activeExtension, workspaceDir, writeConfig } from '../support/fixtures';
import { waitForWebviewText } from '../support/snapshots';

const BENCHMARK_DATA = path.resolve(__dirname, '../../../../shared/data/benchmarks');
const SETTING = 'instance_generation.math';
const SLICE = 10;
/** Items each model answers right, by index: base 20 %, reference 90 %, students 50 % and 30 % (model names of
 * their own: the response cache would replay other suites' answers of the same model and prompt). */
const RIGHT: Record<string, (i: number) => boolean> = {
  'pgr-base': (i) => i % 5 === 0,
  'pgr-reference': (i) => i % 10 !== 0,
  'student-alpha': (i) => i % 2 === 0,
  'student-beta': (i) => i % 4 === 0,
};

async function answerKey(): Promise<AnswerKeyEntry[]> {
  const ctx = { dataDir: BENCHMARK_DATA, cacheDir: path.join(workspaceDir(), '.pgr-key-cache'), offline: true };
  return (await loadBenchmark('gsm8k' as BenchmarkName, ctx, SLICE)).map((item, i) => ({
    question: item.question,
    answers: Object.fromEntries(Object.entries(RIGHT).map(([model, right]) => [model, right(i) ? `The final answer is $\\boxed{${item.reference}}$.` : 'The final answer is $\\boxed{\\text{unknown}}$.'])),
  }));
}

const isPgrTab = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('agorabench.pgr');
const pgrTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(isPgrTab);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('Open PGR Comparison', () => {
  let server: FakeServer;
  let file: string;
  before(async () => {
    await activeExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    server = await startFakeServer({ answerKey: await answerKey() });
    const fake = (id: string, model: string, extra: Record<string, unknown> = {}) => ({ id, provider: 'openai-compatible', model, baseURL: server.openaiBaseURL, limits: { concurrency: 4 }, ...extra });
    file = writeConfig('it-pgr.agorabench.json', {
      name: 'it-pgr',
      dataDir: BENCHMARK_DATA,
      generators: [fake('alpha', 'gpt-4o-mini'), fake('beta', 'fake-generator-b')],
      settings: [{ setting: SETTING, seeds: 'seeds/math.jsonl', instances: 4 }],
      evaluations: [
        fake('base', 'pgr-base', { role: 'base' }),
        fake('reference', 'pgr-reference', { role: 'reference' }),
        fake('sa', 'student-alpha', { trainedOn: { generator: 'alpha', setting: SETTING } }),
        fake('sb', 'student-beta', { trainedOn: { generator: 'beta', setting: SETTING } }),
      ],
      evaluation: { benchmarks: ['gsm8k'], limit: SLICE },
    });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  it('opens beside the config and names the command for each missing part', async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One });
    const opened = await vscode.commands.executeCommand<OpenPgrOutcome>('agorabench.openPgr', { configFile: file, tab: 'grid' });
    assert.deepEqual(opened, { status: 'opened', configFile: file, panel: 'created' });
    const text = await waitForWebviewText('pgr-empty', (t) => t.includes('PGR Comparison') && t.includes('no evaluation scores yet'));
    assert.match(text, /no generated datasets yet: run AgoraBench: Run Benchmark \(agorabench run\)/);
    assert.match(text, /no evaluation scores yet: run AgoraBench: Evaluate Models \(agorabench eval\)/);
    assert.match(text, /no metrics yet: run AgoraBench: Compute Metrics \(agorabench metrics\)/);
    assert.match(text, /alpha/);
    const tabs = pgrTabs();
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0]?.group.viewColumn, vscode.ViewColumn.Two, 'beside the config editor');
  });

  it('follows a run and an evaluation, and shows the PGR computePgr gives', async function () {
    this.timeout(180_000);
    const run = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(run.status, 'finished', JSON.stringify(run));
    const evaluated = await vscode.commands.executeCommand<EvalOutcome>('agorabench.evaluate', file);
    assert.equal(evaluated.status, 'evaluated', JSON.stringify(evaluated));

    const report = computePgr((await runPgrInputs(loadConfig(file))).inputs);
    const figure = (g: string) => {
      const cell = report.cells.find((c) => c.generator === g && c.column === SETTING);
      assert.ok(cell?.pgr !== null && cell?.pgr !== undefined, JSON.stringify(cell));
      return cell.pgr.toFixed(1);
    };
    // the fake students' right answers were chosen: 100 × (50 − 20) / (90 − 20) and 100 × (30 − 20) / (90 − 20)
    assert.equal(figure('alpha'), '42.9');
    assert.equal(figure('beta'), '14.3');
    // no command is run here: the panel's watcher on the results folder brings the new figures
    const text = await waitForWebviewText('pgr-scores', (t) => new RegExp(`alpha\\s+${escape(figure('alpha'))}\\s+\\(best\\)`).test(t) && new RegExp(`beta\\s+${escape(figure('beta'))}\\s+\\(second best\\)`).test(t), 60_000);
    assert.doesNotMatch(text, /no evaluation scores yet/);
    assert.match(text, /paper|Paper rows/);
  });

  it('shows the evaluation scores and each generator\'s PGR in the Runs tree', async () => {
    await vscode.commands.executeCommand('agorabench.refreshRuns');
    const tree = await vscode.commands.executeCommand<RunsTreeItemJson[]>('agorabench._runsTree');
    const run = tree.find((c) => c.label === 'it-pgr')?.children?.find((r) => r.label === 'it-pgr');
    assert.ok(run, JSON.stringify(tree.map((c) => c.label)));
    // base, reference and two students on one benchmark
    assert.match(run.description, / · 4 scores$/);
    assert.match(run.tooltip, /student-alpha|sa/);
    const generator = (id: string) => run.children?.find((g) => g.label === id);
    assert.match(generator('alpha')?.description ?? '', / · PGR 42\.9%$/);
    assert.match(generator('beta')?.description ?? '', / · PGR 14\.3%$/);
    const dataset = generator('alpha')?.children?.[0];
    assert.match(dataset?.description ?? '', / · PGR 42\.9%$/);
    assert.match(dataset?.tooltip ?? '', /PGR of its student: 42\.9%/);
  });

  it('reveals the open panel instead of adding a column when opened again', async () => {
    const groups = vscode.window.tabGroups.all.length;
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One });
    const again = await vscode.commands.executeCommand<OpenPgrOutcome>('agorabench.openPgr', { configFile: file, tab: 'cost' });
    assert.deepEqual(again, { status: 'opened', configFile: file, panel: 'revealed' });
    assert.equal(pgrTabs().length, 1);
    assert.equal(vscode.window.tabGroups.all.length, groups);
    assert.equal(pgrTabs()[0]?.group.viewColumn, vscode.ViewColumn.Two);
    // the tab it was asked for: generation cost and PGR per dollar
    await waitForWebviewText('pgr-cost', (t) => t.includes('PGR per dollar') && /alpha\s+gpt-4o-mini\s+1\s+\$/.test(t));
  });
});
