// `agorabench metrics` end to end against the fake servers: lexical figures without any API,
// two judges as separate columns (one whose verdicts can never be read: missing, never 0), a
// reward model, perplexity and embeddings; instance values in the dataset store, summaries in
// the index, and a second run that asks for nothing again.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Results, loadConfig, runBenchmark, type DatasetMetricRow } from '../../src/core';
import { RUBRIC_VERSION } from '../../src/core/metrics/scorers';
import { startFakeServer, type FakeServer } from '../fake-server';
import { cli } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, fakeGenerator, tempDir, writeConfig } from './helpers/fixtures';

const SETTING = 'instance_generation.math';

describe('intrinsic metrics end to end', function () {
  this.timeout(90_000);
  let server: FakeServer;
  let broken: FakeServer;
  before(async () => {
    // a local vLLM-like server: no key asked for on any route
    server = await startFakeServer({ latencyMs: 1, requireKey: false });
    broken = await startFakeServer({ judgeMalformedRate: 1 });
  });
  after(async () => {
    await server.close();
    await broken.close();
  });

  it('computes every configured metric once, keeps missing verdicts missing, and adds a judge as new columns', async () => {
    const dir = tempDir('metrics');
    const base = {
      name: 'met',
      generators: [fakeGenerator(server.openaiBaseURL, { id: 'gen-a', model: 'fake-generator-a' }), fakeGenerator(server.openaiBaseURL, { id: 'gen-b', model: 'fake-generator-b' })],
      settings: [{ setting: SETTING, seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS[SETTING] ?? ''), instances: 12 }],
    };
    const judge = (id: string, s: FakeServer) => ({ id, provider: 'openai-compatible', model: `${id}-model`, baseURL: s.openaiBaseURL });
    const metrics = {
      judges: [judge('judge', server), { ...judge('broken', broken), metrics: ['quality'] }],
      reward: { provider: 'openai-compatible', model: 'fake-rm', baseURL: server.url },
      perplexity: { provider: 'openai-compatible', model: 'fake-scorer', baseURL: server.openaiBaseURL },
      embeddings: { provider: 'openai-compatible', model: 'fake-embed', baseURL: server.openaiBaseURL, dimensions: 64 },
      teacherScores: { 'gen-a': 70, 'gen-b': 40 },
    };
    const file = writeConfig(dir, { ...base, metrics });
    await runBenchmark(loadConfig(file), {});
    const results = new Results(path.join(dir, '.agorabench'));
    const datasets = await results.index.datasets('met');
    const valid = new Map(datasets.map((d) => [d.id, d.valid]));

    const first = await cli(['metrics', file, '--json']);
    assert.ok(first.stdout.trim(), first.stderr);
    assert.equal(first.status, 1, 'the broken judge leaves slots without a verdict: a run with failures');
    const rows = (JSON.parse(first.stdout) as { metrics: DatasetMetricRow[] }).metrics;
    const row = (dataset: string, key: string) => rows.find((r) => r.dataset === dataset && r.key === key);
    for (const id of valid.keys()) {
      const n = valid.get(id) ?? 0;
      for (const key of [`difficulty@judge-model#${RUBRIC_VERSION}`, `quality@judge-model#${RUBRIC_VERSION}`, 'perplexity@fake-scorer#llama3', 'reward@fake-rm', 'response_nn_cosine@emb:fake-embed']) {
        const r = row(id, key);
        assert.ok(r && r.n === n && r.missing === 0 && r.value !== null, `${id} ${key}: ${JSON.stringify(r)}`);
      }
      const judged = row(id, `difficulty@judge-model#${RUBRIC_VERSION}`);
      assert.ok(judged?.value !== null && (judged?.value ?? 0) >= 1 && (judged?.value ?? 0) <= 5);
      // the judge whose verdicts never parse: every instance missing, no value made up
      const b = row(id, `quality@broken-model#${RUBRIC_VERSION}`);
      assert.deepEqual([b?.value, b?.n, b?.missing], [null, 0, n]);
      for (const key of ['instruction_diversity@emb:fake-embed', 'response_tfidf_diversity@lexical', 'instruction_distinct2@lexical', 'response_near_dup_rate@lexical']) assert.ok(row(id, key), `${id} ${key}`);
      assert.equal(row(id, 'teacher_problem_solving')?.value, id.includes('gen-a') ? 70 : 40);
    }
    // instance level, in the dataset's own store: the judge's reasoning, and the reason a value is missing
    const d = datasets.find((x) => x.generator === 'gen-a');
    assert.ok(d);
    const store = await results.openDataset(d);
    try {
      const [slot] = store.validSlots();
      const m = store.instanceMetrics(slot ?? 0);
      assert.ok(m.some((x) => x.key.startsWith('quality@judge-model') && typeof x.detail.reasoning === 'string'));
      const missing = m.find((x) => x.key.startsWith('quality@broken-model'));
      assert.ok(missing && missing.value === null && /verdict-unreadable/.test(String(missing.detail.reason)), JSON.stringify(missing));
    } finally {
      await store.close();
    }
    // index summaries equal what `metrics --json` printed
    const indexed = await results.index.datasetMetrics('met');
    assert.equal(indexed.length, rows.length);

    // again: nothing asked of any endpoint, the same figures
    const before = { judge: server.stats().requests, broken: broken.stats().requests };
    const again = await cli(['metrics', file, '--json']);
    const rows2 = (JSON.parse(again.stdout) as { metrics: DatasetMetricRow[] }).metrics;
    assert.deepEqual(
      rows2.map((r) => [r.dataset, r.key, r.value]),
      rows.map((r) => [r.dataset, r.key, r.value]),
    );
    assert.equal(server.stats().requests, before.judge, 'judges and perplexity answered from the journal');
    assert.equal(broken.stats().requests, before.broken);

    // another judge: its columns are added, the first judge's stay as they were
    writeConfig(dir, { ...base, metrics: { ...metrics, judges: [...metrics.judges, { ...judge('second', server), metrics: ['difficulty'] }] } });
    const third = await cli(['metrics', file, '--json']);
    const rows3 = (JSON.parse(third.stdout) as { metrics: DatasetMetricRow[] }).metrics;
    assert.ok(rows3.some((r) => r.key === `difficulty@second-model#${RUBRIC_VERSION}`));
    const firstJudge = (rs: DatasetMetricRow[]) => rs.filter((r) => r.key.startsWith('difficulty@judge-model')).map((r) => r.value);
    assert.deepEqual(firstJudge(rows3), firstJudge(rows));
  });
});
