// The PGR Comparison panel's protocol validators (untrusted webview messages, restored state from
// older versions) and its host data (missing parts, PGR equal to computePgr's, costs and PGR per
// dollar, paper rows, CSV, PNG checks, the worker-thread path).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computePgr, loadConfig, runPgrInputs } from '../../src/core';
import { IndexStore, type DatasetRow, type EvaluationRow } from '../../src/core/store/indexStore';
import { computePgrData } from '../../src/extension/pgr/pgrCompute';
import { decodePngDataUrl, loadPgrData, matchPaperRow, pgrGridCsv } from '../../src/extension/pgr/pgrData';
import { MAX_PNG_DATA_URL, parsePgrPanelState, parsePgrWebviewMessage } from '../../src/protocol/pgrProtocol';
import { tempDir, writeConfig } from './helpers/fixtures';

/** The smallest valid PNG (1×1, transparent). */
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('PGR panel protocol', () => {
  it('accepts the messages the webview sends', () => {
    assert.deepEqual(parsePgrWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePgrWebviewMessage({ type: 'request', id: 1, method: 'data', params: {} }), { type: 'request', id: 1, method: 'data', params: {} });
    assert.deepEqual(parsePgrWebviewMessage({ type: 'request', id: 2, method: 'exportCsv', params: { paper: true } }), { type: 'request', id: 2, method: 'exportCsv', params: { paper: true } });
    assert.deepEqual(parsePgrWebviewMessage({ type: 'request', id: 3, method: 'exportCsv', params: {} })?.type, 'request');
    const png = { type: 'request', id: 4, method: 'exportPng', params: { chart: 'pgr', dataUrl: `data:image/png;base64,${PNG_1PX}` } };
    assert.deepEqual(parsePgrWebviewMessage(png), png);
    const run = { type: 'request', id: 5, method: 'runCommand', params: { command: 'agorabench.evaluate' } };
    assert.deepEqual(parsePgrWebviewMessage(run), run);
  });

  it('rejects malformed or dangerous messages', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [],
      { type: 'nope' },
      { type: 'request', method: 'data', params: {} }, // no id
      { type: 'request', id: -1, method: 'data', params: {} },
      { type: 'request', id: 1.5, method: 'data', params: {} },
      { type: 'request', id: 1, method: 'data' }, // no params
      { type: 'request', id: 1, method: 'deleteEverything', params: {} },
      { type: 'request', id: 1, method: 'exportCsv', params: { paper: 'yes' } },
      { type: 'request', id: 1, method: 'exportPng', params: { chart: 'pgr', dataUrl: 'data:image/svg+xml;base64,PHN2Zz4=' } },
      { type: 'request', id: 1, method: 'exportPng', params: { chart: 'pgr', dataUrl: 'data:image/png;base64,<script>' } },
      { type: 'request', id: 1, method: 'exportPng', params: { chart: '../../etc', dataUrl: `data:image/png;base64,${PNG_1PX}` } },
      { type: 'request', id: 1, method: 'exportPng', params: { chart: 'pgr', dataUrl: `data:image/png;base64,${'A'.repeat(MAX_PNG_DATA_URL)}` } },
      { type: 'request', id: 1, method: 'runCommand', params: { command: 'workbench.action.terminal.sendSequence' } },
      { type: 'request', id: 1, method: 'runCommand', params: {} },
    ];
    for (const m of bad) assert.equal(parsePgrWebviewMessage(m), undefined, JSON.stringify(m)?.slice(0, 200));
  });

  it('restores state, tolerating older or damaged versions', () => {
    const state = { version: 1, configFile: '/ws/a.agorabench.json', tab: 'grid', overlay: true, paperRows: true };
    assert.deepEqual(parsePgrPanelState(state), state);
    // an older state without version, tab or toggles gets the defaults
    assert.deepEqual(parsePgrPanelState({ configFile: '/ws/a.agorabench.json' }), { version: 1, configFile: '/ws/a.agorabench.json', tab: 'chart', overlay: false, paperRows: false });
    assert.deepEqual(parsePgrPanelState({ configFile: '/ws/a.agorabench.json', tab: 'removed-tab', overlay: 'yes', extra: 1 }), { version: 1, configFile: '/ws/a.agorabench.json', tab: 'chart', overlay: false, paperRows: false });
    for (const bad of [undefined, null, {}, { configFile: '' }, { configFile: 3 }, { configFile: 'x'.repeat(5000) }]) assert.equal(parsePgrPanelState(bad), undefined);
  });
});

describe('PGR panel data', () => {
  it('matches generator models to the paper\'s rows, and only exact models', () => {
    assert.equal(matchPaperRow('gpt-4o-2024-08-06', 'a'), 'GPT-4o');
    assert.equal(matchPaperRow('gpt-4o-mini', 'a'), 'GPT-4o-mini');
    assert.equal(matchPaperRow('claude-3-5-sonnet-20240620', 'a'), 'Claude-3.5-Sonnet');
    assert.equal(matchPaperRow('meta-llama/Meta-Llama-3.1-70B-Instruct', 'a'), 'Llama-3.1-70B-Instruct');
    assert.equal(matchPaperRow('accounts/fireworks/models/llama-v3p1-8b-instruct', 'Llama-3.1-8B-Instruct'), 'Llama-3.1-8B-Instruct', 'falls back to the generator id');
    assert.equal(matchPaperRow('gpt-4o-mini-tts', 'x'), undefined);
    assert.equal(matchPaperRow('fake-generator', 'fake'), undefined);
  });

  it('decodes PNG data URLs and refuses anything else', () => {
    assert.equal(decodePngDataUrl(`data:image/png;base64,${PNG_1PX}`).subarray(1, 4).toString(), 'PNG');
    assert.throws(() => decodePngDataUrl(`data:image/png;base64,${Buffer.from('GIF89a not a png at all').toString('base64')}`), /not a PNG/);
    assert.throws(() => decodePngDataUrl('data:text/html;base64,PGgxPg=='), /not a base64 PNG/);
  });

  it('says what is missing for a config without results, naming the commands that produce it', async () => {
    const dir = tempDir('pgr-panel-empty');
    fs.writeFileSync(path.join(dir, 'seeds.jsonl'), '{"instruction":"1+1?","response":"2"}\n');
    const file = writeConfig(dir, { name: 'empty', generators: [{ id: 'g', provider: 'openai', model: 'gpt-4o', apiKeyEnv: 'NOPE_KEY' }], settings: [{ setting: 'instance_generation.math', seeds: 'seeds.jsonl', instances: 2 }] });
    const view = await loadPgrData(file);
    assert.deepEqual(view.missing.map((m) => [m.part, m.command]), [
      ['datasets', 'agorabench.run'],
      ['scores', 'agorabench.evaluate'],
      ['metrics', 'agorabench.computeMetrics'],
    ]);
    assert.match(view.missing[1]?.message ?? '', /^no evaluation scores yet: run AgoraBench: Evaluate Models \(agorabench eval\)$/);
    assert.deepEqual(view.generators.map((g) => [g.id, g.paperRow, g.costUsd, g.avgPgr]), [['g', 'GPT-4o', null, null]]);
    assert.equal(view.generators[0]?.cells.length, 12);
    assert.equal(view.analysis, null);
    assert.equal(view.paper.rows.length, 6);
  });

  it('computes PGR equal to computePgr\'s, costs, PGR per dollar and the CSV, in a worker thread too', async function () {
    this.timeout(60_000);
    const dir = tempDir('pgr-panel-data');
    fs.writeFileSync(path.join(dir, 'seeds.jsonl'), '{"instruction":"1+1?","response":"2"}\n');
    const setting = 'instance_generation.math';
    const file = writeConfig(dir, {
      name: 'loop',
      generators: [
        { id: 'a', provider: 'openai', model: 'gpt-4o-mini', apiKeyEnv: 'NOPE_KEY' },
        { id: 'b', provider: 'openai', model: 'other-model', apiKeyEnv: 'NOPE_KEY' },
      ],
      settings: [{ setting, seeds: 'seeds.jsonl', instances: 2 }],
      evaluations: [
        { id: 'base', provider: 'openai', model: 'base', apiKeyEnv: 'NOPE_KEY', role: 'base' },
        { id: 'reference', provider: 'openai', model: 'reference', apiKeyEnv: 'NOPE_KEY', role: 'reference' },
        { id: 'sa', provider: 'openai', model: 'sa', apiKeyEnv: 'NOPE_KEY', trainedOn: { generator: 'a', setting } },
        { id: 'sb', provider: 'openai', model: 'sb', apiKeyEnv: 'NOPE_KEY', trainedOn: { generator: 'b', setting } },
      ],
    });
    const config = loadConfig(file);
    fs.mkdirSync(config.resultsDir, { recursive: true });
    const index = new IndexStore(config.resultsDir);
    const now = new Date().toISOString();
    const dataset = (generator: string, costUsd: number): DatasetRow => ({
      id: `loop__${generator}__${setting}`, run: 'loop', generator, model: generator, setting, status: 'completed', target: 2, valid: 2, failed: 0, attempts: 2, inputTokens: 10, outputTokens: 10, costUsd, dir: `loop__${generator}__${setting}`, updatedAt: now,
    });
    await index.upsertDatasets([dataset('a', 0.5), dataset('b', 2)]);
    // one of a's two instances annotated bad beside its store
    fs.mkdirSync(path.join(config.resultsDir, `loop__a__${setting}`), { recursive: true });
    fs.writeFileSync(path.join(config.resultsDir, `loop__a__${setting}`, 'annotations.jsonl'), JSON.stringify({ instance: `loop__a__${setting}/000001`, hash: 'h', label: 'bad', reason: 'incorrect-answer', author: 't', time: now, batch: 'b1' }) + '\n');
    const score = (model: string, role: string, benchmark: string, s: number): EvaluationRow => ({
      run: 'loop', model, modelName: model, role, benchmark, judge: '', metric: 'accuracy', score: s, ciLow: null, ciHigh: null, n: 200, missing: 0, detail: {}, promptFormat: {}, updatedAt: now,
    });
    await index.upsertEvaluations(['gsm8k', 'math'].flatMap((b) => [score('base', 'base', b, 20), score('reference', 'reference', b, 60), score('sa', 'student', b, 40), score('sb', 'student', b, 30)]));

    const view = await loadPgrData(file, { rounds: 200 });
    const report = computePgr((await runPgrInputs(config)).inputs, { rounds: 200 });
    assert.deepEqual(view.missing.map((m) => m.part), ['metrics']);
    for (const g of view.generators) {
      for (const c of g.cells) {
        const expected = report.cells.find((x) => x.generator === g.id && x.column === c.column);
        assert.equal(c.pgr, expected?.pgr ?? null, `${g.id} ${c.column}`);
        assert.deepEqual(c.ci95, expected?.ci95 ?? null);
      }
    }
    const a = view.generators.find((g) => g.id === 'a');
    assert.equal(a?.cells.find((c) => c.column === setting)?.pgr, 50);
    assert.deepEqual([a?.paperRow, a?.costUsd, a?.avgPgr, a?.avgOver, a?.pgrPerDollar], ['GPT-4o-mini', 0.5, 50, 1, 100]);
    assert.equal(view.generators.find((g) => g.id === 'b')?.pgrPerDollar, 12.5);
    assert.deepEqual([a?.bad, a?.badRate], [1, 0.5]);
    assert.equal(a?.cells.find((c) => c.column === setting)?.badRate, 0.5, 'per setting too');
    assert.equal(a?.cells.find((c) => c.column === 'instance_generation.code')?.badRate, undefined, 'no dataset, no rate');
    assert.deepEqual([view.generators.find((g) => g.id === 'b')?.bad, view.generators.find((g) => g.id === 'b')?.badRate], [0, 0]);

    const csv = pgrGridCsv(view, true);
    assert.equal(csv.rows, 2 + 6);
    const lines = csv.text.trim().split('\n');
    assert.match(lines[0] ?? '', /^source,generator,model,cost_usd,avg_pgr,pgr_per_dollar,bad_samples,bad_rate,instance_generation\.math,instance_generation\.math_ci_low,/);
    assert.match(lines[1] ?? '', /^run,a,gpt-4o-mini,0\.5,50,100,1,0\.5,50,/);
    assert.match(lines[3] ?? '', /^paper,GPT-4o,GPT-4o,,,,,,20\.6,,,73\.6,/);

    // the bundled worker gives the same numbers off the main thread
    const worker = path.resolve(__dirname, '../../dist/pgrWorker.js');
    if (fs.existsSync(worker)) {
      const off = await computePgrData(file, worker, { rounds: 200 });
      assert.deepEqual(off.generators, view.generators);
    }
  });
});
