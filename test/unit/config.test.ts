import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, parseConfig } from '../../src/core/config/load';
import { ConfigError, type ConfigProblem } from '../../src/core/errors';
import { DOMAINS, METHODS } from '../../src/core/types';
import { REPO_ROOT, positionOf, tempDirs } from './helpers/engine';

/** Parses `text` as if it were `<dir>/test.agorabench.json`, expecting a ConfigError. */
function configError(file: string, text: string): ConfigError {
  try {
    parseConfig(file, text);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ConfigError, but the config was accepted');
}

function only(e: ConfigError): ConfigProblem {
  assert.equal(e.problems.length, 1, `expected exactly one problem, got ${JSON.stringify(e.problems)}`);
  return e.problems[0] as ConfigProblem;
}

describe('config: parseConfig / loadConfig', () => {
  const mkdir = tempDirs('config');
  let dir: string;
  let file: string;

  before(() => {
    dir = mkdir();
    file = path.join(dir, 'test.agorabench.json');
    fs.writeFileSync(path.join(dir, 'seeds.json'), JSON.stringify([{ instruction: 'q', response: 'a' }]));
    fs.writeFileSync(path.join(dir, 'custom.txt'), 'INPUT: <input>\nOUTPUT: ');
  });

  describe('a valid minimal config', () => {
    const text = `{
  "name": "mini",
  "generators": [{ "provider": "openai", "model": "gpt-4o-mini" }],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }]
}`;

    it('fills in the paper sampling defaults', () => {
      const cfg = parseConfig(file, text);
      const g = cfg.generators[0];
      assert.ok(g);
      assert.deepEqual(g.sampling, { temperature: 1.0, top_p: 0.9, max_tokens: 4096, stop: ['[END]'] });
      assert.equal(g.id, 'gpt-4o-mini');
      assert.equal(g.batch, false);
      assert.equal(g.timeoutMs, 600_000);
      assert.equal(g.baseURLs, undefined);
    });

    it('fills in generation defaults, the run seed and the per-setting instance count', () => {
      const cfg = parseConfig(file, text);
      assert.deepEqual(cfg.generation, { demonstrations: 3, demonstrationsFromSeed: 2, maxAttempts: 10, maxInstanceTokens: 4096, checkpointSeconds: 5 });
      assert.equal(cfg.settings[0]?.validation, 'paper');
      assert.equal(cfg.seed, 42);
      assert.equal(cfg.settings[0]?.instances, 10000);
      assert.deepEqual(cfg.prices, {});
      assert.equal(cfg.dataDir, undefined);
    });

    it('validation: the paper profile by default, "strict" for the run or per setting', () => {
      const run = parseConfig(file, text.replace('"settings": [', '"generation": { "validation": "strict" },\n  "settings": ['));
      assert.equal(run.settings[0]?.validation, 'strict');
      const one = parseConfig(file, text.replace('"seeds": "seeds.json" }', '"seeds": "seeds.json", "validation": "strict" }'));
      assert.equal(one.settings[0]?.validation, 'strict');
      assert.throws(() => parseConfig(file, text.replace('"seeds": "seeds.json" }', '"seeds": "seeds.json", "validation": "lenient" }')), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /\/settings\/0\/validation: must be one of "paper", "strict"/);
        return true;
      });
    });

    it('maxAttempts counts every attempt; the older maxRetries still means retries after the first', () => {
      const withGen = (gen: string) => parseConfig(file, text.replace('"settings": [', `"generation": ${gen},\n  "settings": [`));
      assert.equal(withGen('{ "maxAttempts": 3 }').generation.maxAttempts, 3);
      assert.equal(withGen('{ "maxRetries": 2 }').generation.maxAttempts, 3);
      assert.throws(() => withGen('{ "maxRetries": 2, "maxAttempts": 3 }'), /\/generation\/maxRetries: give either "maxAttempts" or the older "maxRetries"/);
    });

    it('resolves the seed path and resultsDir relative to the config file, not the cwd', () => {
      fs.writeFileSync(file, text);
      const cfg = loadConfig(path.relative(process.cwd(), file));
      assert.equal(cfg.file, file);
      assert.equal(cfg.resultsDir, path.join(dir, '.agorabench'));
      assert.deepEqual(cfg.settings[0]?.seeds, { path: path.join(dir, 'seeds.json') });
      const custom = parseConfig(file, text.replace('"name": "mini",', '"name": "mini", "resultsDir": "out/results", "dataDir": "../data",'));
      assert.equal(custom.resultsDir, path.join(dir, 'out', 'results'));
      assert.equal(custom.dataDir, path.resolve(dir, '..', 'data'));
    });

    it('uses the shipped template of each setting, and those files exist', () => {
      for (const method of METHODS) {
        for (const domain of DOMAINS) {
          const cfg = parseConfig(file, text.replace('instance_generation.math', `${method}.${domain}`));
          const s = cfg.settings[0];
          assert.ok(s);
          assert.equal(s.method, method);
          assert.equal(s.domain, domain);
          assert.equal(s.template, path.join(REPO_ROOT, 'prompts', `${method}.${domain}.txt`));
          assert.ok(fs.existsSync(s.template), s.template);
        }
      }
    });

    it('uses the paper placeholders; quality enhancement uses the Revised Question/Answer triggers', () => {
      const ig = parseConfig(file, text).settings[0];
      assert.equal(ig?.placeholders.inputTrigger, 'INPUT:');
      assert.equal(ig?.placeholders.outputTrigger, 'OUTPUT:');
      assert.equal(ig?.placeholders.demonstrationInput, '<input@>');
      assert.equal(ig?.placeholders.theme, '<input_theme>');
      const qe = parseConfig(file, text.replace('instance_generation.math', 'quality_enhancement.code')).settings[0];
      assert.equal(qe?.placeholders.inputTrigger, 'Revised Question:');
      assert.equal(qe?.placeholders.outputTrigger, 'Revised Answer:');
      assert.equal(qe?.placeholders.stopPhrase, '[END]');
    });

    it('defaults apiKeyEnv per provider (none for openai-compatible)', () => {
      const cfg = parseConfig(
        file,
        `{
  "name": "keys",
  "generators": [
    { "provider": "openai", "model": "gpt-4o" },
    { "provider": "anthropic", "model": "claude-3-5-sonnet-20241022" },
    { "provider": "openai-compatible", "model": "meta-llama/Meta-Llama-3.1-8B-Instruct", "baseURL": "http://127.0.0.1:8000/v1" },
    { "id": "mine", "provider": "openai", "model": "gpt-4o-mini", "apiKeyEnv": "MY_KEY" }
  ],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }]
}`,
      );
      assert.deepEqual(
        cfg.generators.map((g) => g.apiKeyEnv),
        ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', undefined, 'MY_KEY'],
      );
      // a model name with '/' gives an id usable as a folder name
      assert.equal(cfg.generators[2]?.id, 'meta-llama_Meta-Llama-3.1-8B-Instruct');
      assert.deepEqual(cfg.generators[2]?.baseURLs, ['http://127.0.0.1:8000/v1']);
    });

    it('merges a partial sampling block over the paper defaults', () => {
      const cfg = parseConfig(file, text.replace('"model": "gpt-4o-mini"', '"model": "gpt-4o-mini", "sampling": { "temperature": 0.2 }'));
      assert.deepEqual(cfg.generators[0]?.sampling, { temperature: 0.2, top_p: 0.9, max_tokens: 4096, stop: ['[END]'] });
    });

    it('accepts comments (the file is edited by hand)', () => {
      const cfg = parseConfig(file, `// my run\n${text}`);
      assert.equal(cfg.name, 'mini');
    });
  });

  describe('located errors', () => {
    it('a syntax error reports the line where the JSON breaks', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }]
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }]
}`;
      const e = configError(file, text);
      const p = only(e);
      assert.equal(p.line, positionOf(text, '"settings"').line);
      assert.equal(p.column, positionOf(text, '"settings"').column);
      assert.equal(p.message, 'invalid JSON: expected a comma');
      assert.equal(p.pointer, '');
      assert.equal(e.file, file);
      assert.ok(e.message.startsWith(`${file}:4:3 `), e.message);
    });

    it('syntax errors are said in words, not the parser\'s codes', () => {
      const cases: [string, string][] = [
        ['{ "name": }', 'invalid JSON: expected a value'],
        ['{ "name" "x" }', 'invalid JSON: expected a colon after the property name'],
        ['{ name: "x" }', 'invalid JSON: unexpected character (names and strings need double quotes)'],
        ['{ "name": "x", }', 'invalid JSON: expected a property name in double quotes'],
        ['{ "name": "x"', 'invalid JSON: expected "}"'],
        ['{ "name": "x\n', 'invalid JSON: unterminated string'],
      ];
      for (const [text, message] of cases) {
        const first = configError(file, text).problems[0];
        assert.equal(first?.message, message, text);
        assert.doesNotMatch(first?.message ?? '', /[A-Z][a-z]+Expected|InvalidSymbol|Unexpected/);
      }
    });

    it('an unknown field reports the field name, its pointer and the line of its key', () => {
      const text = `{
  "name": "x",
  "generators": [
    {
      "provider": "openai",
      "model": "gpt-4o",
      "temprature": 0.5
    }
  ],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }]
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/generators/0/temprature');
      assert.match(p.message, /unknown field "temprature"/);
      assert.deepEqual({ line: p.line, column: p.column }, positionOf(text, '"temprature"'));
    });

    it('an unknown top-level field is located too', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }],
  "extra": true
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/extra');
      assert.equal(p.line, 5);
    });

    it('a missing required field names the field and points at the object lacking it', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }],
  "settings": [
    { "setting": "instance_generation.math" }
  ]
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/settings/0');
      assert.match(p.message, /missing required field "seeds"/);
      assert.deepEqual({ line: p.line, column: p.column }, positionOf(text, '{ "setting"'));
    });

    it('generators without settings, or a config with nothing to do, is reported at the root', () => {
      const text = `{\n  "name": "x",\n  "generators": [{ "provider": "openai", "model": "gpt-4o" }]\n}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/settings');
      assert.match(p.message, /the generators need at least one setting/);
      assert.equal(p.line, 1);
      const none = only(configError(file, '{ "name": "x" }'));
      assert.equal(none.pointer, '');
      assert.match(none.message, /needs "generators" and "settings" \(to generate data\), or "evaluations"/);
    });

    it('an evaluation-only config: models with greedy decoding, the default benchmarks and judge', () => {
      const cfg = parseConfig(
        file,
        JSON.stringify({
          name: 'ev',
          evaluations: [
            { id: 'student', role: 'student', provider: 'openai-compatible', model: 'llama-student', baseURL: 'http://gpu:8000/v1' },
            { id: 'base', role: 'base', provider: 'openai-compatible', model: 'llama-base', baseURL: 'http://gpu:8001/v1', prompt: { format: 'completion', shots: 4 } },
          ],
        }),
      );
      assert.deepEqual(cfg.generators, []);
      assert.deepEqual(cfg.evaluations.map((m) => [m.id, m.role, m.prompt.format, m.sampling.temperature]), [
        ['student', 'student', 'chat', 0],
        ['base', 'base', 'completion', 0],
      ]);
      assert.deepEqual(cfg.evaluation.benchmarks, ['gsm8k', 'math', 'humaneval', 'mbpp', 'alpaca-eval', 'arena-hard']);
      assert.equal(cfg.evaluation.judge.model, 'gpt-4-1106-preview');
      assert.equal(cfg.evaluation.sandbox.allowNetwork, false);
      const anthropicBase = configError(file, JSON.stringify({ name: 'ev', evaluations: [{ provider: 'anthropic', model: 'claude', prompt: { format: 'completion' } }] }));
      assert.match(anthropicBase.message, /\/evaluations\/0\/prompt\/format: Anthropic models take chat prompts only/);
    });

    it('students and training: trainedOn places a student, the launchers get their defaults, paths resolve from the file', () => {
      const cfg = parseConfig(
        file,
        JSON.stringify({
          name: 'tr',
          evaluations: [{ id: 's1', provider: 'openai-compatible', model: 'student-1', baseURL: 'http://gpu:8000/v1', trainedOn: { generator: 'gpt-4o', setting: 'instance_generation.math' } }],
          training: { launcher: { type: 'command', command: 'bash train.sh {data} {output}', cwd: 'jobs', endpoint: 'http://gpu:9000/v1' } },
        }),
      );
      assert.deepEqual([cfg.evaluations[0]?.role, cfg.evaluations[0]?.trainedOn], ['student', { generator: 'gpt-4o', setting: 'instance_generation.math' }]);
      assert.deepEqual(cfg.training, {
        format: 'chat',
        systemPrompt: 'You are a helpful AI assistant.',
        concurrency: 2,
        pollSeconds: 10,
        launcher: { type: 'command', command: 'bash train.sh {data} {output}', cwd: path.join(dir, 'jobs'), model: undefined, endpoint: 'http://gpu:9000/v1', costPerHourUsd: undefined },
      });
      const openai = parseConfig(file, JSON.stringify({ name: 'tr', evaluations: [{ provider: 'openai', model: 'gpt-4o-mini' }], training: { launcher: { type: 'openai', model: 'gpt-4o-mini-2024-07-18' } } }));
      assert.equal(openai.training.launcher?.type === 'openai' && openai.training.launcher.apiKeyEnv, 'OPENAI_API_KEY');
      const notStudent = configError(file, JSON.stringify({ name: 'tr', evaluations: [{ role: 'base', provider: 'openai', model: 'm', trainedOn: { generator: 'g', setting: 'instance_generation.math' } }] }));
      assert.match(only(notStudent).message, /only a student is trained on a dataset/);
      assert.equal(only(notStudent).pointer, '/evaluations/0/trainedOn');
      const badSetting = configError(file, JSON.stringify({ name: 'tr', evaluations: [{ provider: 'openai', model: 'm', trainedOn: { generator: 'g', setting: 'math' } }] }));
      assert.match(only(badSetting).pointer, /\/evaluations\/0\/trainedOn\/setting/);
    });

    it('metrics: lexical by default; judges, reward, perplexity and embeddings with their defaults and checks', () => {
      const none = parseConfig(file, JSON.stringify({ name: 'm', evaluations: [{ provider: 'openai', model: 'x' }] }));
      assert.deepEqual(none.metrics, { lexical: true, judges: [], reward: undefined, perplexity: undefined, embeddings: undefined, nearDuplicate: 0.95, maxAttempts: 3, teacherScores: {} });
      const cfg = parseConfig(
        file,
        JSON.stringify({
          name: 'm',
          evaluations: [{ provider: 'openai', model: 'x' }],
          metrics: {
            judges: [{ provider: 'openai', model: 'gpt-4o' }, { id: 'prometheus', provider: 'openai-compatible', model: 'prometheus-7b', baseURL: 'http://gpu:8000/v1', metrics: ['quality'] }],
            reward: { provider: 'openai-compatible', model: 'skywork-rm', baseURL: 'http://gpu:8001' },
            perplexity: { provider: 'openai-compatible', model: 'llama-8b', baseURL: 'http://gpu:8002/v1' },
            teacherScores: { 'gpt-4o': 71.5 },
          },
        }),
      );
      assert.deepEqual(cfg.metrics.judges.map((j) => [j.id, j.metrics, j.sampling.temperature]), [['gpt-4o', ['difficulty', 'quality'], 0], ['prometheus', ['quality'], 0]]);
      assert.deepEqual([cfg.metrics.reward?.path, cfg.metrics.reward?.request, cfg.metrics.perplexity?.template], ['/pooling', 'messages', 'llama3']);
      const bad = configError(file, JSON.stringify({ name: 'm', evaluations: [{ provider: 'openai', model: 'x' }], metrics: { perplexity: { provider: 'anthropic', model: 'claude' } } }));
      assert.equal(only(bad).pointer, '/metrics/perplexity/provider');
      assert.match(only(bad).message, /perplexity needs an "openai-compatible" or "openai" endpoint/);
    });

    it('a generator does not accept the keys of other sections', () => {
      const e = configError(file, JSON.stringify({ name: 'g', generators: [{ provider: 'openai', model: 'm', evaluation: {} }], settings: [{ setting: 'instance_generation.math', seeds: 'seeds.json' }] }));
      assert.match(only(e).message, /evaluation/);
      assert.equal(only(e).pointer, '/generators/0/evaluation');
    });

    it('a wrong enum value lists the allowed values', () => {
      const text = `{
  "name": "x",
  "generators": [
    { "provider": "azure", "model": "gpt-4o" }
  ],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }]
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/generators/0/provider');
      for (const v of ['"openai"', '"anthropic"', '"openai-compatible"']) assert.ok(p.message.includes(v), p.message);
      assert.deepEqual({ line: p.line, column: p.column }, positionOf(text, '"azure"'));
    });

    it('a wrong setting name lists the nine settings', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }],
  "settings": [
    { "setting": "instance_generation.physics", "seeds": "seeds.json" }
  ]
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/settings/0/setting');
      assert.equal(p.line, 5);
      for (const m of METHODS) for (const d of DOMAINS) assert.ok(p.message.includes(`"${m}.${d}"`), p.message);
    });

    it('a seeds object with an unknown key is reported as that unknown key, not as "must be string"', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }],
  "settings": [
    {
      "setting": "instance_generation.math",
      "seeds": {
        "path": "seeds.json",
        "colums": { "instruction": "q" }
      }
    }
  ]
}`;
      const e = configError(file, text);
      const p = only(e);
      assert.equal(p.pointer, '/settings/0/seeds/colums');
      assert.match(p.message, /unknown field "colums"/);
      assert.doesNotMatch(e.message, /must be string/);
      assert.equal(p.line, positionOf(text, '"colums"').line);
    });

    it('a seeds object naming two sources says to give exactly one, not that "path" is missing', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }],
  "settings": [
    { "setting": "instance_generation.math", "seeds": { "url": "https://example.com/a.json", "hf": "openai/gsm8k" } }
  ]
}`;
      const e = configError(file, text);
      const p = only(e);
      assert.equal(p.pointer, '/settings/0/seeds');
      assert.equal(p.line, 5);
      assert.doesNotMatch(p.message, /missing required field "path"/);
      assert.match(p.message, /exactly one of "path", "url" or "hf"/);
    });

    it('openai-compatible without baseURL is an error at the generator', () => {
      const text = `{
  "name": "x",
  "generators": [
    { "provider": "openai", "model": "gpt-4o" },
    { "provider": "openai-compatible", "model": "llama" }
  ],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }]
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/generators/1');
      assert.match(p.message, /openai-compatible.*baseURL/);
      assert.deepEqual({ line: p.line, column: p.column }, positionOf(text, '{ "provider": "openai-compatible"'));
    });

    it('a baseURL that is not http(s) is an error at that URL', () => {
      const text = `{
  "name": "x",
  "generators": [
    { "provider": "openai-compatible", "model": "llama", "baseURL": ["http://a:1/v1", "ftp://b/v1"] }
  ],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }]
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/generators/0/baseURL/1');
      assert.match(p.message, /ftp:\/\/b\/v1/);
      assert.deepEqual({ line: p.line, column: p.column }, positionOf(text, '"ftp://b/v1"'));
    });

    it('duplicate generator ids are reported at the second one (explicit id or model name)', () => {
      const explicit = `{
  "name": "x",
  "generators": [
    { "id": "a", "provider": "openai", "model": "gpt-4o" },
    { "id": "a", "provider": "openai", "model": "gpt-4o-mini" }
  ],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }]
}`;
      const p = only(configError(file, explicit));
      assert.equal(p.pointer, '/generators/1/id');
      assert.match(p.message, /"a" is used twice/);
      assert.equal(p.line, 5);

      const implicit = `{
  "name": "x",
  "generators": [
    { "provider": "openai", "model": "gpt-4o" },
    { "provider": "openai", "model": "gpt-4o", "batch": true }
  ],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }]
}`;
      const q = only(configError(file, implicit));
      assert.equal(q.pointer, '/generators/1/model');
      assert.equal(q.line, 5);
    });

    it('a setting listed twice is reported at the second one', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }],
  "settings": [
    { "setting": "instance_generation.math", "seeds": "seeds.json" },
    { "setting": "instance_generation.math", "seeds": "seeds.json" }
  ]
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/settings/1/setting');
      assert.match(p.message, /listed twice/);
      assert.equal(p.line, 6);
    });

    it('demonstrationsFromSeed larger than demonstrations is an error at that field', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }],
  "settings": [{ "setting": "instance_generation.math", "seeds": "seeds.json" }],
  "generation": {
    "demonstrations": 2,
    "demonstrationsFromSeed": 3
  }
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/generation/demonstrationsFromSeed');
      assert.match(p.message, /\(2\)/);
      assert.equal(p.line, 7);
      // equal is fine
      assert.equal(parseConfig(file, text.replace('"demonstrationsFromSeed": 3', '"demonstrationsFromSeed": 2')).generation.demonstrationsFromSeed, 2);
    });

    it('a missing seed file is reported with its absolute path (string and object form)', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }],
  "settings": [
    { "setting": "instance_generation.math", "seeds": "nope.json" },
    { "setting": "instance_generation.code", "seeds": { "path": "sub/nope.jsonl" } }
  ]
}`;
      const e = configError(file, text);
      assert.equal(e.problems.length, 2);
      const [a, b] = e.problems;
      assert.equal(a?.pointer, '/settings/0/seeds');
      assert.ok(a?.message.includes(path.join(dir, 'nope.json')), a?.message);
      assert.equal(a?.line, 5);
      assert.equal(b?.pointer, '/settings/1/seeds/path');
      assert.ok(b?.message.includes(path.join(dir, 'sub', 'nope.jsonl')), b?.message);
      assert.equal(b?.line, 6);
    });

    it('a missing template is reported at the template field; an existing relative one is resolved', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai", "model": "gpt-4o" }],
  "settings": [
    {
      "setting": "response_generation.math",
      "seeds": "seeds.json",
      "template": "missing.txt"
    }
  ]
}`;
      const p = only(configError(file, text));
      assert.equal(p.pointer, '/settings/0/template');
      assert.ok(p.message.includes(path.join(dir, 'missing.txt')), p.message);
      assert.equal(p.line, 8);
      assert.equal(parseConfig(file, text.replace('missing.txt', 'custom.txt')).settings[0]?.template, path.join(dir, 'custom.txt'));
    });

    it('collects every semantic problem of a file at once', () => {
      const text = `{
  "name": "x",
  "generators": [{ "provider": "openai-compatible", "model": "m" }],
  "settings": [
    { "setting": "instance_generation.math", "seeds": "nope.json" },
    { "setting": "instance_generation.math", "seeds": "seeds.json", "template": "gone.txt" }
  ]
}`;
      const e = configError(file, text);
      assert.deepEqual(e.problems.map((p) => p.pointer).sort(), ['/generators/0', '/settings/0/seeds', '/settings/1/setting', '/settings/1/template']);
    });

    it('an unreadable file is a ConfigError naming the file', () => {
      const missing = path.join(dir, 'absent.agorabench.json');
      assert.throws(
        () => loadConfig(missing),
        (e: unknown) => e instanceof ConfigError && e.file === missing && /cannot read the file \(ENOENT\)/.test(e.message),
      );
    });
  });
});

describe('config: the shipped examples', () => {
  // the README points users at these; a schema or loader change must keep them loading
  for (const name of fs.readdirSync(path.join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.agorabench.json'))) {
    it(`${name} loads without problems`, () => {
      const config = loadConfig(path.join(REPO_ROOT, 'examples', name));
      assert.ok(config.generators.length + config.evaluations.length > 0);
    });
    it(`${name} has no relative $schema (a copied example would lose the extension's schema)`, () => {
      const raw = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', name), 'utf8')) as Record<string, unknown>;
      assert.equal(raw.$schema, undefined);
    });
  }
  it('the README evaluation example declares a student, a base model on completion prompts and a reference', () => {
    const c = loadConfig(path.join(REPO_ROOT, 'examples', 'evaluate.agorabench.json'));
    assert.deepEqual(c.evaluations.map((m) => [m.role, m.prompt.format]), [['student', 'chat'], ['base', 'completion'], ['reference', 'chat']]);
    assert.equal(c.evaluation.benchmarks.length, 6);
  });
});
