import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addPriceEdit, applyConfigEdit, checkConfig, setInstancesEdit, type ConfigFinding } from '../../src/core/config/checks';
import { parseConfig } from '../../src/core/config/load';
import { PriceBook } from '../../src/core/cost/prices';
import { SeedRowCounter, countSeedRows } from '../../src/core/seeds/countRows';
import { exampleSeedText } from '../../src/core/seeds/examples';
import { parseSeeds } from '../../src/core/seeds/parse';
import { DOMAINS } from '../../src/core/types';
import { parseLocated } from '../../src/core/util/jsonLocate';
import { positionOf, tempDirs } from './helpers/engine';

const ALL_KEYS = { hasKey: () => true };

/** A config text, one field per line, with `seeds.jsonl` (4 rows) beside it. */
function configText(parts: { generators?: unknown[]; settings?: unknown[]; rest?: Record<string, unknown> }): string {
  return JSON.stringify(
    {
      name: 'checks',
      generators: parts.generators ?? [{ id: 'g', provider: 'openai', model: 'gpt-4o-mini' }],
      settings: parts.settings ?? [{ setting: 'instance_generation.math', seeds: 'seeds.jsonl' }],
      ...parts.rest,
    },
    null,
    2,
  );
}

function codes(findings: ConfigFinding[]): string[] {
  return findings.map((f) => f.code);
}

describe('config checks: what makes a loadable config run badly', () => {
  const mkdir = tempDirs('checks');
  let dir: string;
  let file: string;

  before(() => {
    dir = mkdir();
    file = path.join(dir, 'c.agorabench.json');
    fs.writeFileSync(path.join(dir, 'seeds.jsonl'), exampleSeedText('math', 'jsonl'));
  });

  it('a config with priced models, keys and enough seeds has no findings', async () => {
    const r = await checkConfig(file, configText({}), ALL_KEYS);
    assert.deepEqual(r, { problems: [], findings: [] });
  });

  it('a config that does not have the schema\'s shape: its problems, and no findings', async () => {
    const r = await checkConfig(file, configText({ generators: [{ provider: 'opena1', model: 'x' }] }), ALL_KEYS);
    assert.ok(r.problems.length > 0);
    assert.deepEqual(r.findings, []);
  });

  describe('a. models without a price', () => {
    it('flags generators, evaluated models and judges by the line of their "model", once each', async () => {
      const text = configText({
        generators: [
          { id: 'a', provider: 'openai', model: 'gpt-4o-mini-2024-07-18' },
          { id: 'b', provider: 'openai-compatible', model: 'my-local-model', baseURL: 'http://127.0.0.1:8000/v1' },
        ],
        rest: {
          evaluations: [{ id: 's', provider: 'openai-compatible', model: 'student-x', baseURL: 'http://127.0.0.1:8000/v1' }],
          evaluation: { benchmarks: ['gsm8k', 'alpaca-eval'], judge: { provider: 'openai', model: 'judge-y' } },
          metrics: { judges: [{ id: 'mj', provider: 'openai', model: 'gpt-4o' }] },
        },
      });
      const r = await checkConfig(file, text, ALL_KEYS);
      const unpriced = r.findings.filter((f) => f.code === 'unpriced-model');
      assert.deepEqual(unpriced.map((f) => f.fix), [
        { kind: 'add-price', model: 'my-local-model' },
        { kind: 'add-price', model: 'student-x' },
        { kind: 'add-price', model: 'judge-y' },
      ]);
      const first = unpriced[0] as ConfigFinding;
      assert.equal(first.severity, 'warning');
      assert.match(first.message, /no price known for model "my-local-model".*price unknown/);
      assert.equal(first.pointer, '/generators/1/model');
      const at = positionOf(text, '"my-local-model"');
      assert.deepEqual(first.span, { line: at.line, column: at.column, endLine: at.line, endColumn: at.column + '"my-local-model"'.length });
    });

    it('a config price (longest prefix) counts; the judge is only checked when a judged benchmark runs', async () => {
      const text = configText({
        generators: [{ id: 'a', provider: 'openai-compatible', model: 'org/model-7b-chat', baseURL: 'http://127.0.0.1:1/v1' }],
        rest: { prices: { 'org/model-7b': { input: 0, output: 0 } }, evaluations: [{ provider: 'openai', model: 'gpt-4o' }], evaluation: { benchmarks: ['gsm8k'] } },
      });
      assert.deepEqual((await checkConfig(file, text, ALL_KEYS)).findings, []);
    });

    it('the default judge (not written in the config) is flagged where the benchmarks are', async () => {
      const text = configText({ rest: { evaluations: [{ provider: 'openai', model: 'gpt-4o' }], evaluation: { benchmarks: ['arena-hard'] } } });
      const r = await checkConfig(file, text, ALL_KEYS);
      assert.deepEqual(r.findings.map((f) => [f.code, f.pointer, f.fix]), [['unpriced-model', '/evaluation/benchmarks', { kind: 'add-price', model: 'gpt-4-1106-preview' }]]);
      // a multi-line value is marked by its property name, not over several lines
      const f = r.findings[0] as ConfigFinding;
      assert.equal(f.span.line, f.span.endLine);
      assert.equal(text.split('\n')[f.span.line - 1]?.slice(f.span.column - 1, f.span.endColumn - 1), '"benchmarks"');
    });

    it('"Add a price": under an existing "prices", laid out like it, valid JSON, the model priced, the zeros placeholders', async () => {
      const text = configText({ generators: [{ provider: 'openai-compatible', model: 'org/m~1', baseURL: 'http://127.0.0.1:1/v1' }], rest: { prices: { other: { input: 1, output: 2 } } } });
      const edit = addPriceEdit(text, 'org/m~1');
      assert.ok(edit);
      const after = applyConfigEdit(text, edit);
      const cfg = parseConfig(file, after);
      assert.ok(new PriceBook(cfg.prices).has('org/m~1'));
      assert.deepEqual(cfg.prices.other, { input: 1, output: 2 });
      assert.match(after, /\n {4}"other": \{\n[^]*\n {4}\},\n {4}"org\/m~1": \{ "input": 0, "output": 0 \}\n {2}\}/);
      assert.deepEqual(edit.placeholders.map((p) => edit.text.slice(p.offset, p.offset + p.length)), ['0', '0']);
      assert.ok(edit.text.slice(0, edit.placeholders[0]?.offset).endsWith('"input": '));
      assert.ok(edit.text.slice(0, edit.placeholders[1]?.offset).endsWith('"output": '));
      assert.deepEqual(codes((await checkConfig(file, after, ALL_KEYS)).findings), []);
    });

    it('"Add a price": makes "prices" when missing or opens up an empty one; keeps tabs, CRLF and one-line objects', () => {
      const cases: Array<[string, RegExp]> = [
        ['{\n  "name": "x",\n  "generators": []\n}', /\n {2}"generators": \[\],\n {2}"prices": \{\n {4}"m": \{ "input": 0, "output": 0 \}\n {2}\}\n\}$/],
        ['{\n\t"name": "x",\n\t"prices": {}\n}', /\n\t"prices": \{\n\t\t"m": \{ "input": 0, "output": 0 \}\n\t\}\n\}$/],
        ['{\r\n  "name": "x"\r\n}\r\n', /"name": "x",\r\n {2}"prices": \{\r\n {4}"m": \{ "input": 0, "output": 0 \}\r\n {2}\}\r\n\}\r\n$/],
        ['{"name":"x","prices":{"a":{"input":1,"output":1}}}', /^\{"name":"x","prices":\{"a":\{"input":1,"output":1\}, "m": \{ "input": 0, "output": 0 \}\}\}$/],
        ['{"name":"x"}', /^\{"name":"x", "prices": \{ "m": \{ "input": 0, "output": 0 \} \}\}$/],
      ];
      for (const [text, expected] of cases) {
        const edit = addPriceEdit(text, 'm');
        assert.ok(edit, text);
        const after = applyConfigEdit(text, edit);
        assert.match(after, expected, JSON.stringify(after));
        assert.deepEqual((JSON.parse(after) as { prices: Record<string, unknown> }).prices.m, { input: 0, output: 0 });
      }
      assert.equal(addPriceEdit('{"prices": 3}', 'm'), undefined);
      assert.equal(addPriceEdit('[]', 'm'), undefined);
    });
  });

  describe('b. seed files that are not there', () => {
    it('an error on the path as written (string or "path"), with a starter file for the domain; URLs and datasets are not looked at', async () => {
      const text = configText({
        settings: [
          { setting: 'instance_generation.code', seeds: 'data/code seeds.jsonl' },
          { setting: 'response_generation.math', seeds: { path: 'missing.csv', fields: { instruction: 'question', response: 'answer' } } },
          { setting: 'quality_enhancement.math', seeds: { url: 'https://example.invalid/seeds.json' } },
          { setting: 'instance_generation.math', seeds: { hf: 'openai/gsm8k', config: 'main' } },
        ],
      });
      const r = await checkConfig(file, text, ALL_KEYS);
      // the loader's own problem for the same thing is not repeated
      assert.deepEqual(r.problems, []);
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity, f.pointer]), [
        ['seed-not-found', 'error', '/settings/0/seeds'],
        ['seed-not-found', 'error', '/settings/1/seeds/path'],
      ]);
      const [code, csv] = r.findings as [ConfigFinding, ConfigFinding];
      assert.equal(code.message, `seed file not found: ${path.join(dir, 'data', 'code seeds.jsonl')}`);
      assert.equal(code.span.line, positionOf(text, '"data/code seeds.jsonl"').line);
      assert.equal(code.fix?.kind, 'create-seed-file');
      assert.equal(csv.fix?.kind, 'create-seed-file');
      if (code.fix?.kind !== 'create-seed-file' || csv.fix?.kind !== 'create-seed-file') return;
      assert.equal(code.fix.file, path.join(dir, 'data', 'code seeds.jsonl'));
      // read back by the seed loader, as the run would
      const codeRows = parseSeeds(code.fix.content, { format: 'jsonl', label: 'x', needResponse: true });
      assert.equal(codeRows.length, 4);
      assert.match(codeRows[0]?.response ?? '', /^```python\n/);
      const csvRows = parseSeeds(csv.fix.content, { format: 'csv', label: 'x', needResponse: true, fields: { instruction: 'question', response: 'answer' } });
      assert.equal(csvRows.length, 4);
      assert.match(csv.fix.content, /^question,answer\n/);
      assert.match(csvRows[0]?.response ?? '', /\[RESULT\] \S+ \[\/RESULT\]$/);
    });

    it('starter files load in every format and domain, with enough rows for the default demonstrations', () => {
      for (const domain of DOMAINS) {
        for (const format of ['json', 'jsonl', 'csv'] as const) {
          const rows = parseSeeds(exampleSeedText(domain, format), { format, label: `${domain}.${format}`, needResponse: true });
          assert.ok(rows.length >= 3, `${domain} ${format}`);
          assert.ok(rows.every((r) => r.instruction.trim() && r.response.trim()));
        }
      }
    });

    it('a file that exists clears the finding', async () => {
      const text = configText({ settings: [{ setting: 'instance_generation.math', seeds: 'later/seeds.json' }] });
      assert.deepEqual(codes((await checkConfig(file, text, ALL_KEYS)).findings), ['seed-not-found']);
      fs.mkdirSync(path.join(dir, 'later'));
      fs.writeFileSync(path.join(dir, 'later', 'seeds.json'), exampleSeedText('math', 'json'));
      assert.deepEqual(codes((await checkConfig(file, text, ALL_KEYS)).findings), []);
    });
  });

  describe('c. keys nobody has set', () => {
    it('flags each endpoint whose key (apiKeyEnv or the provider\'s default) is not set, at apiKeyEnv or the provider', async () => {
      const text = configText({
        generators: [
          { id: 'a', provider: 'openai', model: 'gpt-4o' },
          { id: 'b', provider: 'anthropic', model: 'claude-3-5-haiku-latest', apiKeyEnv: 'MY_ANTHROPIC' },
          { id: 'local', provider: 'openai-compatible', model: 'gpt-4o', baseURL: 'http://127.0.0.1:8000/v1' },
          { id: 'proxy', provider: 'openai-compatible', model: 'gpt-4o', baseURL: 'https://proxy.example/v1', apiKeyEnv: 'PROXY_KEY' },
        ],
        rest: { training: { launcher: { type: 'openai', model: 'gpt-4o-mini-2024-07-18' } } },
      });
      const asked: string[] = [];
      const r = await checkConfig(file, text, {
        hasKey: async (v) => {
          asked.push(v);
          return v === 'PROXY_KEY';
        },
      });
      const keys = r.findings.filter((f) => f.code === 'missing-key');
      assert.deepEqual(keys.map((f) => [f.pointer, f.fix]), [
        ['/generators/0/provider', { kind: 'set-api-key', envVar: 'OPENAI_API_KEY' }],
        ['/generators/1/apiKeyEnv', { kind: 'set-api-key', envVar: 'MY_ANTHROPIC' }],
        ['/training/launcher/type', { kind: 'set-api-key', envVar: 'OPENAI_API_KEY' }],
      ]);
      assert.equal(keys[0]?.message, 'no API key for generator "a" (OPENAI_API_KEY): set it with "AgoraBench: Set API Key" or in the environment');
      assert.equal(keys[0]?.span.line, positionOf(text, '"provider": "openai"').line);
      // one look-up per name; none for the local endpoint without "apiKeyEnv"
      assert.deepEqual(asked.sort(), ['MY_ANTHROPIC', 'OPENAI_API_KEY', 'PROXY_KEY']);
    });

    it('reads the environment by default (as the CLI does); a failing look-up counts as no key', async () => {
      const text = configText({ generators: [{ provider: 'openai', model: 'gpt-4o', apiKeyEnv: 'AGB_CHECKS_TEST_KEY' }] });
      assert.deepEqual(codes((await checkConfig(file, text)).findings), ['missing-key']);
      process.env.AGB_CHECKS_TEST_KEY = 'x';
      try {
        assert.deepEqual(codes((await checkConfig(file, text)).findings), []);
      } finally {
        delete process.env.AGB_CHECKS_TEST_KEY;
      }
      const failing = await checkConfig(file, text, { hasKey: () => Promise.reject(new Error('locked')) });
      assert.deepEqual(codes(failing.findings), ['missing-key']);
    });
  });

  describe('d. fewer seed rows than instances', () => {
    it('flags response generation and quality enhancement (not instance generation) at "instances", with the counts', async () => {
      const text = configText({
        settings: [
          { setting: 'instance_generation.math', seeds: 'seeds.jsonl', instances: 50 },
          { setting: 'response_generation.math', seeds: 'seeds.jsonl', instances: 10 },
          { setting: 'quality_enhancement.math', seeds: 'seeds.jsonl', instances: 4 },
        ],
      });
      const r = await checkConfig(file, text, ALL_KEYS);
      assert.deepEqual(r.findings.map((f) => [f.code, f.pointer, f.fix]), [['seed-shortfall', '/settings/1/instances', { kind: 'set-instances', setting: 1, instances: 4 }]]);
      const f = r.findings[0] as ConfigFinding;
      assert.match(f.message, /^response_generation\.math: 4 seed rows for 10 requested instances, so at most 4/);
      const at = positionOf(text, '"instances": 10');
      assert.equal(f.span.line, at.line);
      assert.equal(f.span.column, at.column + '"instances": '.length);
    });

    it('without "instances" (the default 10000): flagged on the setting, and the fix adds the field', async () => {
      const text = configText({ settings: [{ setting: 'response_generation.math', seeds: 'seeds.jsonl' }] });
      const r = await checkConfig(file, text, ALL_KEYS);
      assert.deepEqual(r.findings.map((f) => [f.pointer, f.fix]), [['/settings/0/setting', { kind: 'set-instances', setting: 0, instances: 4 }]]);
      assert.match(r.findings[0]?.message ?? '', /4 seed rows for 10,000 requested instances/);
      const edit = setInstancesEdit(text, 0, 4);
      assert.ok(edit);
      const after = applyConfigEdit(text, edit);
      assert.match(after, /"seeds": "seeds\.jsonl",\n {6}"instances": 4\n {4}\}/);
      assert.deepEqual((await checkConfig(file, after, ALL_KEYS)).findings, []);
    });

    it('"Set instances" replaces the value in place', () => {
      const text = '{"settings": [{"setting": "response_generation.math", "seeds": "s", "instances": 500}, {"setting": "quality_enhancement.math", "seeds": "s"}]}';
      assert.equal(applyConfigEdit(text, setInstancesEdit(text, 0, 7) ?? assert.fail()), text.replace('500', '7'));
      assert.equal(applyConfigEdit(text, setInstancesEdit(text, 1, 7) ?? assert.fail()), text.replace('"seeds": "s"}]', '"seeds": "s", "instances": 7}]'));
      assert.equal(setInstancesEdit(text, 5, 7), undefined);
    });

    it('"limit" caps the rows; CSV records with line breaks count once; a JSON {"data": [...]} wrapper counts its rows', async () => {
      fs.writeFileSync(path.join(dir, 'seeds.csv'), exampleSeedText('code', 'csv'));
      fs.writeFileSync(path.join(dir, 'wrapped.json'), JSON.stringify({ data: JSON.parse(exampleSeedText('math', 'json')) as unknown[] }));
      const text = configText({
        settings: [
          { setting: 'response_generation.math', seeds: { path: 'seeds.jsonl', limit: 2 }, instances: 3 },
          { setting: 'response_generation.code', seeds: 'seeds.csv', instances: 5 },
          { setting: 'quality_enhancement.math', seeds: 'wrapped.json', instances: 6 },
          { setting: 'quality_enhancement.code', seeds: 'seeds.csv', instances: 4 },
        ],
      });
      const r = await checkConfig(file, text, ALL_KEYS);
      assert.deepEqual(r.findings.map((f) => f.fix), [
        { kind: 'set-instances', setting: 0, instances: 2 },
        { kind: 'set-instances', setting: 1, instances: 4 },
        { kind: 'set-instances', setting: 2, instances: 4 },
      ]);
    });

    it('an empty seed file: the warning, but no number to set', async () => {
      fs.writeFileSync(path.join(dir, 'empty.jsonl'), '\n\n');
      const r = await checkConfig(file, configText({ settings: [{ setting: 'response_generation.math', seeds: 'empty.jsonl', instances: 3 }] }), ALL_KEYS);
      assert.deepEqual(r.findings.map((f) => [f.code, f.fix]), [['seed-shortfall', undefined]]);
    });
  });

  describe('counting seed rows without reading more than needed', () => {
    it('JSONL: stops once enough rows are seen; counts non-blank lines to the end otherwise', async () => {
      const big = path.join(dir, 'big.jsonl');
      // ~12 MB: far more than the rows asked for
      const line = JSON.stringify({ instruction: 'q'.repeat(100), response: 'a'.repeat(100) }) + '\n';
      fs.writeFileSync(big, line.repeat(60_000));
      assert.deepEqual(await countSeedRows(big, 'jsonl', 10), { rows: 10, complete: false });
      assert.deepEqual(await countSeedRows(big, 'jsonl', 1e9), { rows: 60_000, complete: true });
      fs.writeFileSync(path.join(dir, 'tail.jsonl'), '{"a":1}\n\n  \n{"a":2}');
      assert.deepEqual(await countSeedRows(path.join(dir, 'tail.jsonl'), 'jsonl', 100), { rows: 2, complete: true });
    });

    it('unreadable, invalid or compressed files are not counted (the run reports them)', async () => {
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"nope": 1}');
      fs.writeFileSync(path.join(dir, 'bad.csv'), 'a,b\n1,2,3\n');
      assert.equal(await countSeedRows(path.join(dir, 'bad.json'), 'json', 10), undefined);
      assert.equal(await countSeedRows(path.join(dir, 'bad.csv'), 'csv', 10), undefined);
      assert.equal(await countSeedRows(path.join(dir, 'none.jsonl'), 'jsonl', 10), undefined);
      assert.equal(await countSeedRows(path.join(dir, 'x.jsonl.gz'), 'jsonl', 10), undefined);
    });

    it('the counter reads a file again only once it changed, or when more rows are asked for than it saw', async () => {
      const f = path.join(dir, 'cached.jsonl');
      fs.writeFileSync(f, '{"a":1}\n{"a":2}\n{"a":3}\n');
      const counter = new SeedRowCounter();
      assert.deepEqual(await counter.count(f, 'jsonl', 2), { rows: 2, complete: false });
      assert.deepEqual(await counter.count(f, 'jsonl', 1), { rows: 2, complete: false });
      assert.deepEqual(await counter.count(f, 'jsonl', 10), { rows: 3, complete: true });
      fs.appendFileSync(f, '{"a":4}\n');
      assert.deepEqual(await counter.count(f, 'jsonl', 10), { rows: 4, complete: true });
    });
  });

  describe('spans of JSON pointers', () => {
    it('a value on one line is marked whole; a missing one at its nearest parent', () => {
      const text = '{\n  "a": { "b": [1, 22] },\n  "c": [\n    { "d": 1 },\n    {\n      "e": 2\n    }\n  ]\n}';
      const json = parseLocated(text);
      assert.deepEqual(json.span('/a/b/1'), { line: 2, column: 19, endLine: 2, endColumn: 21 });
      assert.deepEqual(json.span('/c'), { line: 3, column: 3, endLine: 3, endColumn: 6 });
      assert.deepEqual(json.span('/c/1'), { line: 5, column: 5, endLine: 5, endColumn: 6 });
      assert.deepEqual(json.span('/a/x'), json.span('/a'));
      assert.equal(json.has('/c/0/d'), true);
      assert.equal(json.has('/c/0/x'), false);
    });
  });
});
