import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeServer, type FakeServer } from '../fake-server';
import { cli } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, fakeGenerator, tempDir, writeConfig } from './helpers/fixtures';

describe('agorabench CLI', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ latencyMs: 2 });
  });
  after(() => server.close());

  it('rejects a malformed config with a non-zero exit naming the file, line and field', async () => {
    const dir = tempDir('badcfg');
    const file = path.join(dir, 'bad.agorabench.json');
    fs.writeFileSync(file, ['{', '  "name": "bad",', '  "generators": [', '    { "provider": "openia", "model": "m" }', '  ],', '  "settings": []', '}'].join('\n'));
    const r = await cli(['run', file]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+ /generators/0/provider: must be one of "openai", "anthropic", "openai-compatible"`));
    assert.match(r.stderr, /\/settings: must NOT have fewer than 1 items/);
    assert.equal(fs.existsSync(path.join(dir, '.agorabench')), false, 'nothing written');
  });

  it('reports invalid JSON with its line', async () => {
    const dir = tempDir('badjson');
    const file = writeConfig(dir, {});
    fs.writeFileSync(file, '{\n  "name": "x",\n  "generators": [,]\n}');
    const r = await cli(['run', file]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /:3:\d+ \/: invalid JSON/);
  });

  it('names the missing environment variable and the extension command that sets it', async () => {
    const dir = tempDir('nokey');
    const file = writeConfig(dir, {
      name: 'nokey',
      generators: [{ provider: 'openai', model: 'gpt-4o-mini', baseURL: server.openaiBaseURL }],
      settings: [{ setting: 'response_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.math'] as string), instances: 2 }],
    });
    const r = await cli(['run', file], { OPENAI_API_KEY: '' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /OPENAI_API_KEY/);
    assert.match(r.stderr, /AgoraBench: Set API Key/);
  });

  it('names the seed file and line of a bad seed row', async () => {
    const dir = tempDir('badseed');
    fs.writeFileSync(path.join(dir, 'seeds.jsonl'), '{"instruction":"a","response":"b"}\n{"question":"no answer field"}\n{"instruction":"c","response":"d"}\n{"instruction":"e","response":"f"}\n');
    const file = writeConfig(dir, { name: 'badseed', generators: [fakeGenerator(server.openaiBaseURL)], settings: [{ setting: 'instance_generation.math', seeds: 'seeds.jsonl', instances: 2 }] });
    const r = await cli(['run', file]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /seeds\.jsonl:2: missing response/);
  });

  it('runs a config, then lists and shows what it wrote', async () => {
    const dir = tempDir('cliok');
    const file = writeConfig(dir, {
      name: 'cliok',
      generators: [fakeGenerator(server.openaiBaseURL)],
      settings: [{ setting: 'quality_enhancement.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['quality_enhancement.math'] as string), instances: 5 }],
      prices: { 'fake-model': { input: 1, output: 1 } },
    });
    const run = await cli(['run', file, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { datasets: { valid: number; costUsd: number }[] };
    assert.equal(summary.datasets[0]?.valid, 5);
    assert.ok((summary.datasets[0]?.costUsd ?? 0) > 0);
    const list = await cli(['list', '--config', file]);
    assert.equal(list.status, 0);
    assert.match(list.stdout, /cliok__fake__quality_enhancement\.math\s+completed\s+5\/5/);
    const show = await cli(['show', 'cliok__fake__quality_enhancement.math', '--config', file, '--json', '--limit', '3']);
    const rows = show.stdout.trim().split('\n').map((l) => JSON.parse(l) as { slot: number; status: string });
    assert.deepEqual(rows.map((r) => r.slot), [0, 1, 2]);
    const missing = await cli(['show', 'nope', '--config', file]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no dataset "nope"/);
  });

  it('says "price unknown" (and warns once) for a model without a price, not $0', async () => {
    const dir = tempDir('cliunpriced');
    const file = writeConfig(dir, {
      name: 'cliunpriced',
      generators: [fakeGenerator(server.openaiBaseURL)],
      settings: [{ setting: 'quality_enhancement.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['quality_enhancement.math'] as string), instances: 3 }],
    });
    const run = await cli(['run', file]);
    assert.equal(run.status, 0, run.stderr);
    const out = run.stdout + run.stderr;
    assert.equal(out.match(/warning: no price known for model "fake-model"/g)?.length, 1, out);
    assert.match(run.stdout, /tokens, price unknown/);
    assert.doesNotMatch(run.stdout, /\$0\.0000/);
    const json = await cli(['run', file, '--json']);
    assert.match(json.stderr, /warning: no price known for model "fake-model"/);
    assert.deepEqual((JSON.parse(json.stdout) as { unpriced: string[] }).unpriced, ['fake-model']);
    const list = await cli(['list', '--config', file]);
    assert.match(list.stdout, /cliunpriced__fake__quality_enhancement\.math\s+completed.*price unknown/);
    const est = await cli(['estimate', file]);
    assert.equal(est.status, 0, est.stderr);
    assert.match(est.stdout, /price unknown/);
    assert.match(est.stdout, /expected total price unknown/);
  });

  it('marks answers served from the cache (run summary, show header and rows)', async () => {
    const dir = tempDir('clicache');
    const settings = [{ setting: 'quality_enhancement.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['quality_enhancement.math'] as string), instances: 4 }];
    const base = { generators: [fakeGenerator(server.openaiBaseURL)], settings, prices: { 'fake-model': { input: 1, output: 1 } } };
    const first = await cli(['run', writeConfig(dir, { name: 'cache1', ...base }, 'a.agorabench.json')]);
    assert.equal(first.status, 0, first.stderr);
    assert.doesNotMatch(first.stdout, /from cache/);
    // the same prompts under another run name: every answer comes from the cache
    const file = writeConfig(dir, { name: 'cache2', ...base }, 'b.agorabench.json');
    const second = await cli(['run', file]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /\n4 from cache: answers an earlier run paid for/);
    const show = await cli(['show', 'cache2__fake__quality_enhancement.math', '--config', file]);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /4 requests \(4 from cache/);
    assert.equal(show.stdout.match(/0 tokens, answer from cache\)/g)?.length, 4, show.stdout);
  });

  it('estimates cost before a run from rendered prompts', async () => {
    const dir = tempDir('est');
    const file = writeConfig(dir, {
      name: 'est',
      generators: [{ provider: 'openai', model: 'gpt-4o-mini-2024-07-18' }],
      settings: [{ setting: 'instance_generation.math', seeds: path.join(SEED_SAMPLES, SAMPLE_SEEDS['instance_generation.math'] as string), instances: 1000 }],
    });
    const r = await cli(['estimate', file, '--json'], { OPENAI_API_KEY: '' });
    assert.equal(r.status, 0, r.stderr);
    const est = JSON.parse(r.stdout) as { datasets: { requests: number; inputTokens: number; costUsd: number; maxCostUsd: number }[] };
    const d = est.datasets[0];
    assert.ok(d);
    assert.equal(d.requests, 1150);
    // three math demonstrations plus the template: hundreds of tokens per prompt
    assert.ok(d.inputTokens / d.requests > 300 && d.inputTokens / d.requests < 5000);
    assert.ok(d.costUsd > 0 && d.maxCostUsd > d.costUsd);
  });
});
