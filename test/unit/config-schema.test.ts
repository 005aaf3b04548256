import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import Ajv from 'ajv';
import { EDITOR_SCHEMA_KEYWORDS, loadConfig, parseConfig, schemaValidator } from '../../src/core/config/load';
import type { EndpointConfig, RunConfig } from '../../src/core/config/types';
import { PriceBook } from '../../src/core/cost/prices';
import { hfOfflineName, loadSeedsText } from '../../src/core/seeds/loadSeeds';
import { REPO_ROOT, tempDirs } from './helpers/engine';

// The schema is what users read in VS Code (hover, completion): every field says what it does,
// and every `default` it shows is the value the engine really applies when the field is left out.

type Schema = Record<string, unknown>;

const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'agorabench.schema.json'), 'utf8')) as Schema;
const ID = SCHEMA.$id as string;

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every subschema with its JSON pointer: properties, definitions, items, oneOf branches and the like. */
function subschemas(node: Schema, pointer = ''): Array<{ pointer: string; node: Schema }> {
  const out = [{ pointer, node }];
  const visit = (child: unknown, at: string) => {
    if (isObject(child)) out.push(...subschemas(child, at));
  };
  for (const key of ['properties', 'definitions', 'patternProperties']) {
    for (const [name, child] of Object.entries(isObject(node[key]) ? node[key] : {})) visit(child, `${pointer}/${key}/${escape(name)}`);
  }
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else']) visit(node[key], `${pointer}/${key}`);
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((child, i) => visit(child, `${pointer}/${key}/${i}`));
  }
  return out;
}

/** The definition a local `$ref` points at. */
function target(ref: string): Schema {
  let at: unknown = SCHEMA;
  for (const part of ref.replace(/^#\//, '').split('/')) at = isObject(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  assert.ok(isObject(at), `unresolvable $ref ${ref}`);
  return at;
}

/** What VS Code shows for a node: its own keywords, then those of its `$ref` target that it does not set itself. */
function merged(node: Schema): Schema {
  return typeof node.$ref === 'string' ? { ...merged(target(node.$ref)), ...node } : node;
}

const ALL = subschemas(SCHEMA);
const PROPERTIES = ALL.filter((s) => /\/properties\/[^/]+$/.test(s.pointer));
/** Where a user's value goes that is not a named property: a price or a teacher score keyed by name. */
const MAPPED = ALL.filter((s) => s.pointer.endsWith('/additionalProperties'));
const DEFINITIONS = ALL.filter((s) => /^\/definitions\/[^/]+$/.test(s.pointer));

/** Sentences in a description ("e.g." and file extensions do not end one). */
function sentences(text: string): number {
  return (text.replace(/\b(e\.g|i\.e)\./g, '').match(/[.!?](?=\s|$)/g) ?? []).length;
}

/** A defaultSnippets body as VS Code inserts it once the user accepts each placeholder as offered. */
function expandSnippet(body: unknown): unknown {
  if (typeof body === 'string') return body.replace(/\$\{\d+:((?:[^}\\]|\\.)*)\}/g, (_m, text: string) => text.replace(/\\(.)/g, '$1')).replace(/\$\d+/g, '');
  if (Array.isArray(body)) return body.map(expandSnippet);
  if (isObject(body)) return Object.fromEntries(Object.entries(body).map(([k, v]) => [expandSnippet(k) as string, expandSnippet(v)]));
  return body;
}

/** The schema compiled as strictly as Ajv allows (unknown keywords are errors), VS Code's keywords known as annotations. */
function strictAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strictTypes: true, strictTuples: true });
  ajv.addVocabulary([...EDITOR_SCHEMA_KEYWORDS]);
  ajv.addSchema(SCHEMA);
  return ajv;
}

describe('config schema: hover and completion text', () => {
  it('compiles in Ajv strict mode, so a misspelt keyword fails here instead of being ignored', () => {
    assert.doesNotThrow(() => strictAjv().getSchema(ID));
  });

  it('every property, keyed value and definition has a plain description of one or two sentences', () => {
    const problems: string[] = [];
    for (const { pointer, node } of [...PROPERTIES, ...MAPPED, ...DEFINITIONS]) {
      const d = merged(node).description;
      if (typeof d !== 'string' || !d.trim()) problems.push(`${pointer}: no description`);
      else if (!/[.)]$/.test(d)) problems.push(`${pointer}: the description does not end a sentence: ${d}`);
      else if (sentences(d) > 2) problems.push(`${pointer}: more than two sentences: ${d}`);
    }
    assert.deepEqual(problems, []);
    // the walk reaches every level: top, endpoints, nested objects, oneOf branches
    for (const p of ['/properties/name', '/definitions/limits/properties/rpm', '/definitions/evaluation/properties/sandbox/properties/memoryMb', '/definitions/seedSource/oneOf/1/properties/fields/properties/response', '/definitions/openaiLauncher/properties/hyperparameters/properties/n_epochs']) {
      assert.ok(PROPERTIES.some((s) => s.pointer === p), p);
    }
  });

  it('a description given beside a $ref is the one shown (the target has no markdownDescription to take its place)', () => {
    // VS Code prefers markdownDescription, and takes it from the $ref target when the node has none
    const shadowed = ALL.filter(({ node }) => typeof node.$ref === 'string' && node.description !== undefined && node.markdownDescription === undefined && target(node.$ref).markdownDescription !== undefined);
    assert.deepEqual(shadowed.map((s) => s.pointer), []);
  });

  it('enumDescriptions pair up with the enum values, one each', () => {
    for (const { pointer, node } of ALL) {
      if (node.enumDescriptions === undefined) continue;
      assert.ok(Array.isArray(node.enum), `${pointer}: enumDescriptions without an enum`);
      assert.equal((node.enumDescriptions as unknown[]).length, node.enum.length, pointer);
      for (const d of node.enumDescriptions as unknown[]) assert.ok(typeof d === 'string' && d.trim().length > 0, pointer);
    }
    // the enums users pick from are explained
    for (const p of ['/definitions/provider', '/definitions/settingKey', '/definitions/validation', '/definitions/evaluation/properties/benchmarks/items', '/definitions/training/properties/format']) {
      assert.ok(ALL.find((s) => s.pointer === p)?.node.enumDescriptions, p);
    }
  });

  it('every default, example and snippet is itself a valid value of its field', () => {
    const ajv = strictAjv();
    const problems: string[] = [];
    const check = (pointer: string, what: string, value: unknown) => {
      const validate = ajv.getSchema(`${ID}#${pointer}`);
      assert.ok(validate, pointer);
      if (!validate(value)) problems.push(`${pointer} ${what} ${JSON.stringify(value)}: ${ajv.errorsText(validate.errors)}`);
    };
    for (const { pointer, node } of ALL) {
      if ('default' in node) check(pointer, 'default', node.default);
      for (const example of (node.examples as unknown[] | undefined) ?? []) check(pointer, 'example', example);
      for (const snippet of (node.defaultSnippets as Array<{ body: unknown }> | undefined) ?? []) check(pointer, 'snippet', expandSnippet(snippet.body));
    }
    assert.deepEqual(problems, []);
  });
});

describe('config schema: each default is the engine\'s', () => {
  const mkdir = tempDirs('schema-defaults');
  let dir: string;
  let full: RunConfig;
  let command: RunConfig;
  let endpoints: EndpointConfig[];

  before(() => {
    dir = mkdir();
    fs.writeFileSync(path.join(dir, 'seeds.json'), JSON.stringify([{ instruction: 'q', response: 'a' }]));
    const file = path.join(dir, 'defaults.agorabench.json');
    // every section present, and in each one the fields that have a default left out
    const base = {
      name: 'defaults',
      generators: [{ provider: 'openai', model: 'gpt-4o-mini' }],
      settings: [{ setting: 'instance_generation.math', seeds: 'seeds.json' }],
      evaluations: [{ provider: 'openai-compatible', model: 'student', baseURL: 'http://127.0.0.1:8000/v1' }],
      metrics: {
        judges: [{ provider: 'openai', model: 'gpt-4o' }],
        reward: { provider: 'openai-compatible', model: 'rm', baseURL: 'http://127.0.0.1:8003' },
        perplexity: { provider: 'openai-compatible', model: 'lm', baseURL: 'http://127.0.0.1:8004/v1' },
        embeddings: { provider: 'openai', model: 'text-embedding-3-small' },
      },
      prices: { 'my-model': { input: 1, output: 2 } },
    };
    full = parseConfig(file, JSON.stringify({ ...base, training: { launcher: { type: 'openai', model: 'gpt-4o-mini-2024-07-18' } } }));
    command = parseConfig(file, JSON.stringify({ ...base, training: { launcher: { type: 'command', command: 'train {data} {output}' } } }));
    const m = full.metrics;
    endpoints = [full.generators[0], full.evaluations[0], full.evaluation.judge, m.judges[0], m.reward, m.perplexity, m.embeddings].filter((e): e is NonNullable<typeof e> => e !== undefined);
    assert.equal(endpoints.length, 7);
  });

  /** The value(s) the engine applied for each field with a schema default, keyed by the field's pointer in the schema. */
  const ENGINE: Record<string, () => unknown[] | Promise<unknown[]>> = {
    '/properties/resultsDir': () => [path.relative(dir, full.resultsDir)],
    '/properties/seed': () => [full.seed],
    '/definitions/timeoutMs': () => endpoints.map((e) => e.timeoutMs),
    '/definitions/generator/properties/batch': () => [full.generators[0]?.batch],
    '/definitions/generator/properties/batchMaxItems': () => [full.generators[0]?.batchMaxItems],
    '/definitions/generator/properties/batchPollSeconds': () => [full.generators[0]?.batchPollSeconds],
    '/definitions/sampling/properties/temperature': () => [full.generators[0]?.sampling.temperature],
    '/definitions/sampling/properties/top_p': () => [full.generators[0]?.sampling.top_p],
    '/definitions/sampling/properties/max_tokens': () => [full.generators[0]?.sampling.max_tokens],
    '/definitions/sampling/properties/stop': () => [full.generators[0]?.sampling.stop],
    '/definitions/limits/properties/concurrency': () => endpoints.map((e) => e.limits.concurrency),
    '/definitions/limits/properties/maxTransportRetries': () => endpoints.map((e) => e.limits.maxTransportRetries),
    '/definitions/limits/properties/retryBaseMs': () => endpoints.map((e) => e.limits.retryBaseMs),
    '/definitions/evalModel/properties/prompt/properties/format': () => [full.evaluations[0]?.prompt.format],
    '/definitions/evaluation/properties/benchmarks': () => [full.evaluation.benchmarks],
    '/definitions/evaluation/properties/judge': () => [{ id: full.evaluation.judge.id, provider: full.evaluation.judge.provider, model: full.evaluation.judge.model }],
    '/definitions/evaluation/properties/samples': () => [full.evaluation.samples],
    '/definitions/evaluation/properties/maxAttempts': () => [full.evaluation.maxAttempts],
    '/definitions/evaluation/properties/sandbox/properties/workers': () => [full.evaluation.sandbox.workers],
    '/definitions/evaluation/properties/sandbox/properties/timeoutMs': () => [full.evaluation.sandbox.timeoutMs],
    '/definitions/evaluation/properties/sandbox/properties/memoryMb': () => [full.evaluation.sandbox.memoryMb],
    '/definitions/evaluation/properties/sandbox/properties/allowNetwork': () => [full.evaluation.sandbox.allowNetwork],
    '/definitions/metricEndpoint/properties/batch': () => [full.metrics.judges[0]?.batch],
    '/definitions/metricEndpoint/properties/metrics': () => [full.metrics.judges[0]?.metrics],
    '/definitions/metricEndpoint/properties/template': () => [full.metrics.perplexity?.template],
    '/definitions/metricEndpoint/properties/path': () => [full.metrics.reward?.path],
    '/definitions/metricEndpoint/properties/request': () => [full.metrics.reward?.request],
    '/definitions/metrics/properties/lexical': () => [full.metrics.lexical],
    '/definitions/metrics/properties/nearDuplicate': () => [full.metrics.nearDuplicate],
    '/definitions/metrics/properties/maxAttempts': () => [full.metrics.maxAttempts],
    '/definitions/training/properties/format': () => [full.training.format],
    '/definitions/training/properties/systemPrompt': () => [full.training.systemPrompt],
    '/definitions/training/properties/concurrency': () => [full.training.concurrency],
    '/definitions/training/properties/pollSeconds': () => [full.training.pollSeconds],
    '/definitions/openaiLauncher/properties/apiKeyEnv': () => [full.training.launcher?.type === 'openai' ? full.training.launcher.apiKeyEnv : undefined],
    '/definitions/commandLauncher/properties/cwd': () => [command.training.launcher?.type === 'command' ? path.relative(dir, command.training.launcher.cwd) || '.' : undefined],
    '/definitions/generation/properties/instancesPerSetting': () => [full.settings[0]?.instances],
    '/definitions/generation/properties/demonstrations': () => [full.generation.demonstrations],
    '/definitions/generation/properties/demonstrationsFromSeed': () => [full.generation.demonstrationsFromSeed],
    '/definitions/generation/properties/maxAttempts': () => [full.generation.maxAttempts],
    '/definitions/generation/properties/maxInstanceTokens': () => [full.generation.maxInstanceTokens],
    '/definitions/generation/properties/checkpointSeconds': () => [full.generation.checkpointSeconds],
    '/definitions/generation/properties/validation': () => [full.settings[0]?.validation],
    '/definitions/generation/properties/systemPrompt': () => [full.settings[0]?.systemPrompt],
    '/definitions/placeholders/properties/demonstrationInput': () => [full.settings[0]?.placeholders.demonstrationInput],
    '/definitions/placeholders/properties/demonstrationOutput': () => [full.settings[0]?.placeholders.demonstrationOutput],
    '/definitions/placeholders/properties/input': () => [full.settings[0]?.placeholders.input],
    '/definitions/placeholders/properties/output': () => [full.settings[0]?.placeholders.output],
    '/definitions/placeholders/properties/stopPhrase': () => [full.settings[0]?.placeholders.stopPhrase],
    '/definitions/placeholders/properties/theme': () => [full.settings[0]?.placeholders.theme],
    '/definitions/placeholders/properties/firstWord': () => [full.settings[0]?.placeholders.firstWord],
    '/definitions/price/properties/batchDiscount': () => [new PriceBook(full.prices).lookup('my-model')?.batchDiscount],
    // the seed loader, not parseConfig, fills these: the offline file name spells out config and split
    '/definitions/seedSource/oneOf/1/properties/config': () => [hfOfflineName({ hf: 'owner/set' }).split(path.sep)[2]],
    '/definitions/seedSource/oneOf/1/properties/split': () => [path.basename(hfOfflineName({ hf: 'owner/set' }), '.jsonl')],
    '/definitions/seedSource/oneOf/1/properties/revision': () => hubRevisionRequested(mkdir()),
  };

  it('every default in the schema is checked here (a new one needs its engine value below)', () => {
    const withDefault = ALL.filter(({ node }) => 'default' in node).map((s) => s.pointer);
    assert.deepEqual([...withDefault].sort(), Object.keys(ENGINE).sort());
  });

  for (const [pointer, applied] of Object.entries(ENGINE)) {
    it(`${pointer.replace(/\/(definitions|properties)\//g, '/')}`, async () => {
      const node = ALL.find((s) => s.pointer === pointer)?.node;
      assert.ok(node && 'default' in node, `${pointer} has no default in the schema`);
      const values = await applied();
      assert.ok(values.length > 0);
      for (const v of values) assert.deepEqual(v, node.default);
    });
  }

  it('fields documented as having no fixed default get none in the schema (their default depends on something else)', () => {
    // e.g. apiKeyEnv follows the provider, instances follow generation.instancesPerSetting,
    // an evaluated model's sampling follows the benchmark, themes follow the domain
    for (const p of ['/definitions/apiKeyEnv', '/definitions/endpointId', '/definitions/setting/properties/instances', '/definitions/setting/properties/validation', '/definitions/setting/properties/systemPrompt', '/definitions/setting/properties/themes', '/definitions/placeholders/properties/inputTrigger', '/definitions/evalModel/properties/prompt/properties/shots', '/definitions/evalSampling/properties/temperature', '/definitions/metricEndpoint/properties/scorePath']) {
      const node = ALL.find((s) => s.pointer === p)?.node;
      assert.ok(node, p);
      assert.ok(!('default' in node), `${p} should not claim a default`);
    }
  });
});

describe('config schema: the shipped examples', () => {
  const examples = fs.readdirSync(path.join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.agorabench.json'));

  it('there are examples to check', () => {
    assert.ok(examples.length >= 4, examples.join(', '));
  });

  for (const name of examples) {
    it(`${name} validates against the schema (the loader's Ajv and a strict one) and loads`, () => {
      const file = path.join(REPO_ROOT, 'examples', name);
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      const loaderValidate = schemaValidator();
      assert.ok(loaderValidate(json), JSON.stringify(loaderValidate.errors));
      const strict = strictAjv().getSchema(ID);
      assert.ok(strict?.(json), JSON.stringify(strict?.errors));
      assert.ok(loadConfig(file).name);
    });
  }
});

/** Downloads a file of a Hugging Face dataset from a fake hub on loopback; returns the revision the URL asked for. */
async function hubRevisionRequested(cacheDir: string): Promise<string[]> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    res.end('{"instruction": "q", "response": "a"}\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const saved = process.env.HF_ENDPOINT;
  process.env.HF_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await loadSeedsText({ hf: 'owner/set', file: 'seeds.jsonl' }, { cacheDir });
  } finally {
    if (saved === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = saved;
    server.close();
  }
  assert.equal(paths.length, 1);
  const m = /^\/datasets\/owner\/set\/resolve\/([^/]+)\/seeds\.jsonl$/.exec(paths[0] ?? '');
  assert.ok(m, paths[0]);
  return [decodeURIComponent(m[1] ?? '')];
}
