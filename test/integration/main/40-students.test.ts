// From datasets to PGR inside the extension host: Export Training Data, Train Students (a command
// launcher), Evaluate Models (which picks the trained students up) and Compute PGR, against the
// fake server.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvalOutcome } from '../../../src/extension/eval/evaluateCommand';
import type { MetricsOutcome } from '../../../src/extension/metrics/metricsCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import type { ExportOutcome } from '../../../src/extension/training/exportCommand';
import type { PgrOutcome } from '../../../src/extension/training/pgrCommand';
import type { TrainOutcome } from '../../../src/extension/training/trainCommand';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { activeExtension, workspaceDir, writeConfig } from '../support/fixtures';

const BENCHMARK_DATA = path.resolve(__dirname, '../../../../shared/data/benchmarks');

describe('Students and PGR', () => {
  let server: FakeServer;
  let file: string;
  before(async () => {
    await activeExtension();
    server = await startFakeServer({});
    const fake = (id: string, model: string, extra: Record<string, unknown> = {}) => ({ id, provider: 'openai-compatible', model, baseURL: server.openaiBaseURL, ...extra });
    file = writeConfig('it-students.agorabench.json', {
      name: 'it-students',
      dataDir: BENCHMARK_DATA,
      generators: [fake('fake', 'fake-generator', { limits: { concurrency: 4 } })],
      settings: [{ setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 6 }],
      training: { launcher: { type: 'command', command: 'test -s {data} && echo trained {name}', model: 'student-{name}', endpoint: server.openaiBaseURL }, pollSeconds: 0.05 },
      evaluations: [fake('base', 'fake-base', { role: 'base' }), fake('reference', 'fake-reference', { role: 'reference' })],
      evaluation: { benchmarks: ['gsm8k'], limit: 8 },
    });
  });
  after(() => server.close());

  it('exports a dataset as chat JSONL with its manifest', async () => {
    const run = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(run.status, 'finished', JSON.stringify(run));
    const out = path.join(workspaceDir(), 'it-students-chat.jsonl');
    const outcome = await vscode.commands.executeCommand<ExportOutcome>('agorabench.exportTrainingData', { configFile: file, datasets: ['it-students__fake__instance_generation.math'], format: 'chat', out });
    assert.equal(outcome.status, 'exported', JSON.stringify(outcome));
    if (outcome.status !== 'exported') return;
    assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, outcome.manifest.lines);
    assert.ok(outcome.manifest.lines > 0 && fs.existsSync(`${out}.manifest.json`));
  });

  it('trains a student per dataset, evaluates it with the base and reference, and computes PGR', async () => {
    const trained = await vscode.commands.executeCommand<TrainOutcome>('agorabench.trainStudents', file);
    assert.equal(trained.status, 'trained', JSON.stringify(trained));
    if (trained.status !== 'trained') return;
    assert.deepEqual(trained.students.map((s) => [s.id, s.job?.status, s.job?.model]), [['fake__instance_generation.math', 'succeeded', 'student-fake__instance_generation.math']]);

    const evaluated = await vscode.commands.executeCommand<EvalOutcome>('agorabench.evaluate', file);
    assert.equal(evaluated.status, 'evaluated', JSON.stringify(evaluated));
    if (evaluated.status !== 'evaluated') return;
    assert.deepEqual(evaluated.summary.scores.map((s) => s.model).sort(), ['base', 'fake__instance_generation.math', 'reference']);

    const pgr = await vscode.commands.executeCommand<PgrOutcome>('agorabench.computePgr', file);
    assert.equal(pgr.status, 'computed', JSON.stringify(pgr));
    if (pgr.status !== 'computed') return;
    const cell = pgr.report.cells.find((c) => c.generator === 'fake' && c.column === 'instance_generation.math');
    assert.ok(cell, 'a cell for the generator on its setting');
    // the fake models guess, so base and reference may tie: then PGR is undefined and the cell says why
    assert.ok(cell.pgr !== null || cell.notes.length > 0, JSON.stringify(cell));
    // the grid opened beside the config, with the paper's rows for comparison
    const doc = vscode.workspace.textDocuments.find((d) => d.getText() === pgr.text);
    assert.ok(doc, 'the PGR document is open');
    assert.match(pgr.text, /IG·math/);
    assert.match(pgr.text, /paper: GPT-4o/);
  });

  it('computes the datasets\' metrics with no API configured (lexical figures)', async () => {
    const outcome = await vscode.commands.executeCommand<MetricsOutcome>('agorabench.computeMetrics', file);
    assert.equal(outcome.status, 'computed', JSON.stringify(outcome));
    if (outcome.status !== 'computed') return;
    const keys = new Set(outcome.summary.metrics.map((r) => r.key));
    for (const k of ['instruction_tfidf_diversity@lexical', 'response_distinct2@lexical', 'response_words@lexical']) assert.ok(keys.has(k), k);
  });
});
