// The AgoraBench loop from the command line: generate two datasets, train a student on each
// (a command launcher), evaluate the students with the base and reference models on slices of
// GSM8K and MATH through the fake server, and read PGR with its interval. The fake models'
// right answers are chosen here, so every PGR is known exactly.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Results, type BenchmarkName, type PgrReport } from '../../src/core';
import { loadBenchmark } from '../../src/core/evaluation/benchmarks';
import { startFakeServer, type FakeServer } from '../fake-server';
import type { AnswerKeyEntry } from '../fake-server/options';
import { cli } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, SHARED_DATA, tempDir, writeConfig } from './helpers/fixtures';

const SLICE = 20;
const SETTING = 'instance_generation.math';
const STUDENT_A = `student-fake-a__${SETTING}`;
const STUDENT_B = `student-fake-b__${SETTING}`;
/** Items each model answers right, by index in the slice. */
const RIGHT: Record<string, (i: number) => boolean> = {
  [STUDENT_A]: (i) => i % 2 === 0, // 50 %
  [STUDENT_B]: (i) => i % 4 === 0, // 25 %
  'fake-base': (i) => i % 5 === 0, // 20 %
  'fake-reference': (i) => i % 10 !== 0, // 90 %
};
const share = (model: string) => Array.from({ length: SLICE }, (_, i) => i).filter(RIGHT[model] as (i: number) => boolean).length / SLICE;
/** PGR of a student, the same on both benchmarks (the answer pattern is per index). */
const expectedPgr = (student: string) => (100 * (share(student) - share('fake-base'))) / (share('fake-reference') - share('fake-base'));

async function answerKey(): Promise<AnswerKeyEntry[]> {
  const ctx = { dataDir: path.join(SHARED_DATA, 'benchmarks'), cacheDir: tempDir('pgr-key-cache'), offline: true };
  const key: AnswerKeyEntry[] = [];
  for (const b of ['gsm8k', 'math'] as BenchmarkName[]) {
    (await loadBenchmark(b, ctx, SLICE)).forEach((item, i) => {
      const text = (right: boolean) => (right ? `The final answer is $\\boxed{${item.reference}}$.` : 'The final answer is $\\boxed{\\text{unknown}}$.');
      key.push({ question: item.question, answers: Object.fromEntries(Object.entries(RIGHT).map(([model, right]) => [model, text(right(i))])) });
    });
  }
  return key;
}

describe('students and PGR end to end (CLI, fake server, command launcher)', function () {
  this.timeout(120_000);
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ latencyMs: 2, answerKey: await answerKey() });
  });
  after(() => server.close());

  it('run → train → eval → pgr gives each generator the PGR its student earned, with an interval around it', async () => {
    const dir = tempDir('pgr-e2e');
    const fake = (id: string, model: string, extra: Record<string, unknown> = {}) => ({ id, provider: 'openai-compatible', model, baseURL: server.openaiBaseURL, limits: { concurrency: 4 }, ...extra });
    const file = writeConfig(dir, {
      name: 'loop',
      dataDir: path.join(SHARED_DATA, 'benchmarks'),
      generators: [fake('fake-a', 'fake-generator-a'), fake('fake-b', 'fake-generator-b')],
      settings: [{ setting: SETTING, seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS[SETTING] ?? ''), instances: 10 }],
      prices: { 'fake-generator-a': { input: 1, output: 1 }, 'fake-generator-b': { input: 10, output: 10 } },
      // the "training" checks its data is there and says where the student is served
      training: { launcher: { type: 'command', command: 'test -s {data} && echo trained {name} on $(wc -l < {data}) lines', model: 'student-{name}', endpoint: server.openaiBaseURL } },
      evaluations: [fake('base', 'fake-base', { role: 'base' }), fake('reference', 'fake-reference', { role: 'reference' })],
      evaluation: { benchmarks: ['gsm8k', 'math', 'alpaca-eval'], limit: SLICE, judge: fake('judge', 'fake-judge') },
    });
    const env = { AGORABENCH_OFFLINE: '1', AGORABENCH_CACHE_DIR: tempDir('pgr-cache') };
    const run = await cli(['run', file], env);
    assert.equal(run.status, 0, run.stderr);

    // one of fake-a's samples annotated bad: its student trains without it
    const aId = `loop__fake-a__${SETTING}`;
    const aValid = (await new Results(path.join(dir, '.agorabench')).page(aId, { limit: 100 })).rows.filter((r) => r.status === 'valid');
    const marked = await cli(['annotate', aId, '--slot', String(aValid[0]?.slot), '--bad', '--reason', 'incorrect-answer', '--config', file], env);
    assert.equal(marked.status, 0, marked.stderr);

    const train = await cli(['train', file, '--json'], env);
    assert.equal(train.status, 0, train.stderr);
    const students = JSON.parse(train.stdout) as Array<{ id: string; instances: number; job: { status: string; model: string; logTail: string[] } }>;
    assert.equal(students.find((s) => s.id === `fake-a__${SETTING}`)?.instances, aValid.length - 1, 'the bad sample is left out of the training data');
    assert.deepEqual(students.map((s) => [s.id, s.job.status, s.job.model]), [
      [`fake-a__${SETTING}`, 'succeeded', STUDENT_A],
      [`fake-b__${SETTING}`, 'succeeded', STUDENT_B],
    ]);
    assert.ok(students.every((s) => s.instances > 0 && s.job.logTail.some((l) => l === `trained ${s.id} on ${s.instances} lines`)), JSON.stringify(students.map((s) => s.job.logTail)));

    // the students are evaluated on their own domain's benchmarks only; base and reference on all
    const ev = await cli(['eval', file, '--json'], env);
    assert.ok(ev.status === 0 || ev.status === 1, ev.stderr);
    const scores = (JSON.parse(ev.stdout) as { scores: Array<{ model: string; benchmark: string; score: number }> }).scores;
    assert.deepEqual(scores.filter((s) => s.model.startsWith('fake-a')).map((s) => s.benchmark), ['gsm8k', 'math']);
    assert.equal(scores.filter((s) => s.model === 'base').length, 3);

    const pgr = await cli(['pgr', file, '--json', '--rounds', '400'], env);
    assert.equal(pgr.status, 0, pgr.stderr);
    const report = JSON.parse(pgr.stdout) as PgrReport;
    for (const [generator, student] of [['fake-a', STUDENT_A], ['fake-b', STUDENT_B]] as const) {
      const cell = report.cells.find((c) => c.generator === generator && c.column === SETTING);
      assert.ok(cell && cell.pgr !== null && cell.ci95, JSON.stringify(cell));
      assert.ok(Math.abs(cell.pgr - expectedPgr(student)) < 1e-9, `${generator}: ${cell.pgr} ≠ ${expectedPgr(student)}`);
      assert.ok(cell.ci95[0] <= cell.pgr && cell.pgr <= cell.ci95[1]);
      assert.equal(cell.interval, 'items', 'graded benchmarks resample items jointly');
      assert.ok((cell.pgrPerDollar ?? 0) > 0 && (cell.costUsd ?? 0) > 0, 'PGR per dollar of generation');
    }
    assert.equal(report.cells.find((c) => c.column === SETTING && c.rank === 1)?.generator, 'fake-a');

    // the grid as text: the setting's column with both generators, the interval, and the paper's rows under it
    const text = await cli(['pgr', file, '--reference', '--rounds', '200'], env);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`fake-a.*${expectedPgr(STUDENT_A).toFixed(1)} \\[`));
    assert.match(text.stdout, /GPT-4o/);

    // a paired comparison on the same setting: A's student is clearly better
    const cmp = await cli(['pgr', file, '--compare', 'fake-a,fake-b', '--setting', SETTING, '--json', '--rounds', '400'], env);
    const c = JSON.parse(cmp.stdout) as { probabilityAGreater: number; difference: number };
    assert.ok(c.probabilityAGreater > 0.9 && Math.abs(c.difference - (expectedPgr(STUDENT_A) - expectedPgr(STUDENT_B))) < 1e-9, cmp.stdout);
    assert.ok(fs.existsSync(path.join(dir, '.agorabench', 'training', 'loop', `fake-a__${SETTING}`, 'data.jsonl.manifest.json')));

    // the run's own analysis table: lexical metrics (no API needed) beside each dataset's PGR
    const metrics = await cli(['metrics', file], env);
    assert.equal(metrics.status, 0, metrics.stderr);
    const analysis = await cli(['analyze', file, '--json'], env);
    assert.equal(analysis.status, 0, analysis.stderr);
    const a = JSON.parse(analysis.stdout) as { target: string; table: { rows: Array<{ id: string; values: Record<string, number | null> }> } };
    assert.equal(a.target, 'pgr');
    const pgrOf = (g: string) => a.table.rows.find((r) => r.id === `loop__${g}__${SETTING}`)?.values.pgr;
    assert.ok(Math.abs((pgrOf('fake-a') ?? NaN) - expectedPgr(STUDENT_A)) < 1e-9 && Math.abs((pgrOf('fake-b') ?? NaN) - expectedPgr(STUDENT_B)) < 1e-9);
    assert.ok(a.table.rows.every((r) => typeof r.values['response_tfidf_diversity@lexical'] === 'number'));
  });
});
