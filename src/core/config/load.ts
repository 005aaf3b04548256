import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigError, type ConfigProblem } from '../errors';
import { parseSettingKey, type SettingKey } from '../types';
import { assetPath } from '../util/assets';
import { parseLocated, type LocatedJson } from '../util/jsonLocate';
import { DEFAULT_GENERATION, DEFAULT_KEY_ENV, DEFAULT_LIMITS, DEFAULT_SYSTEM_PROMPT, PAPER_SAMPLING, defaultPlaceholders, defaultTemplateName } from './defaults';
import { DEFAULT_FIRST_WORDS, DEFAULT_THEMES } from '../generation/themes';
import type { ValidationProfile } from '../generation/validate';
import { STUDENT_SYSTEM_PROMPT } from '../generation/chatFormat';
import type { BenchmarkName, EndpointConfig, EvalModelConfig, EvaluationConfig, GeneratorConfig, PriceOverride, Provider, RunConfig, SeedSource, SettingConfig, TrainingConfig, TrainingLauncherConfig, MetricJudgeConfig, MetricsConfig } from './types';

let validator: ValidateFunction | undefined;

/**
 * VS Code's own schema keywords (hover text, completion, messages) that the schema uses. Ajv
 * knows them as annotations only, so they never change what validates, and a stricter Ajv (the
 * schema's unit test) still rejects a misspelt keyword.
 */
export const EDITOR_SCHEMA_KEYWORDS = ['markdownDescription', 'enumDescriptions', 'defaultSnippets', 'patternErrorMessage', 'deprecationMessage', 'allowComments'] as const;

/** Code of the "seed file not found" problem, which editors can fix by creating the file. */
export const SEED_NOT_FOUND = 'seed-not-found';

/** The one JSON Schema that both this loader and VS Code (contributes.jsonValidation) use. */
export function schemaValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(assetPath('schemas', 'agorabench.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addVocabulary([...EDITOR_SCHEMA_KEYWORDS]);
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Reads and validates a `*.agorabench.json` file; throws ConfigError naming file, line and JSON pointer. */
export function loadConfig(file: string): RunConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConfigError(abs, [{ pointer: '', message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, line: 1, column: 1 }]);
  }
  return parseConfig(abs, text);
}

export function parseConfig(file: string, text: string): RunConfig {
  const { config, problems } = readConfigText(file, text);
  if (!config || problems.length) throw new ConfigError(file, problems);
  return config;
}

/** The problems of a config's text, and the config itself once it has the schema's shape (even with other problems). */
export interface ConfigText {
  config: RunConfig | undefined;
  problems: ConfigProblem[];
  json: LocatedJson;
}

/** parseConfig without the throw: editors check configs that do not load yet (config/checks.ts). */
export function readConfigText(file: string, text: string): ConfigText {
  const json = parseLocated(text);
  if (json.syntaxErrors.length) {
    return { config: undefined, problems: json.syntaxErrors.map((e) => ({ pointer: '', message: `invalid JSON: ${e.message}`, line: e.line, column: e.column })), json };
  }
  const validate = schemaValidator();
  if (!validate(json.value)) return { config: undefined, problems: schemaProblems(validate.errors ?? [], json), json };
  const raw = json.value as RawConfig;
  const problems: ConfigProblem[] = [];
  const at = (pointer: string, message: string, code?: string) => problems.push({ pointer, message, ...json.locate(pointer), ...(code ? { code } : {}) });
  const config = resolve(file, raw, at);
  return { config, problems, json };
}

export interface RawEndpoint {
  id?: string;
  provider: Provider;
  model: string;
  baseURL?: string | string[];
  apiKeyEnv?: string;
  sampling?: Partial<GeneratorConfig['sampling']>;
  limits?: { concurrency?: number; rpm?: number; tpm?: number; maxTransportRetries?: number; retryBaseMs?: number };
  timeoutMs?: number;
}
interface RawGenerator extends RawEndpoint {
  batch?: boolean;
  batchMaxItems?: number;
  batchPollSeconds?: number;
}
export interface RawEvalModel extends RawEndpoint {
  role?: string;
  prompt?: { format?: 'chat' | 'completion'; system?: string; shots?: number };
  trainedOn?: { generator: string; setting: SettingKey };
}
interface RawMetricEndpoint extends RawEndpoint {
  batch?: boolean;
  metrics?: Array<'difficulty' | 'quality'>;
  template?: 'llama3' | 'plain';
  dimensions?: number;
  path?: string;
  request?: 'messages' | 'text';
  scorePath?: string;
}
interface RawMetrics {
  lexical?: boolean;
  judges?: RawMetricEndpoint[];
  reward?: RawMetricEndpoint;
  perplexity?: RawMetricEndpoint;
  embeddings?: RawMetricEndpoint;
  nearDuplicate?: number;
  maxAttempts?: number;
  teacherScores?: Record<string, number>;
}
interface RawTraining {
  format?: TrainingConfig['format'];
  systemPrompt?: string;
  concurrency?: number;
  pollSeconds?: number;
  launcher?:
    | { type: 'openai'; model: string; hyperparameters?: Record<string, number>; suffix?: string; seed?: number; baseURL?: string; apiKeyEnv?: string }
    | { type: 'command'; command: string; cwd?: string; model?: string; endpoint?: string; costPerHourUsd?: number };
}
interface RawEvaluation {
  benchmarks?: BenchmarkName[];
  judge?: RawEndpoint;
  limit?: number;
  samples?: number;
  maxAttempts?: number;
  sandbox?: { workers?: number; timeoutMs?: number; memoryMb?: number; allowNetwork?: boolean };
}
interface RawSetting {
  setting: SettingKey;
  seeds: string | SeedSource;
  instances?: number;
  template?: string;
  systemPrompt?: string;
  placeholders?: Partial<SettingConfig['placeholders']>;
  themes?: string[];
  firstWords?: string[];
  validation?: ValidationProfile;
}
interface RawConfig {
  name: string;
  resultsDir?: string;
  dataDir?: string;
  seed?: number;
  generators?: RawGenerator[];
  settings?: RawSetting[];
  evaluations?: RawEvalModel[];
  evaluation?: RawEvaluation;
  training?: RawTraining;
  metrics?: RawMetrics;
  generation?: Partial<typeof DEFAULT_GENERATION> & { systemPrompt?: string; /** deprecated: extra attempts after the first */ maxRetries?: number };
  prices?: Record<string, PriceOverride>;
}

function resolve(file: string, raw: RawConfig, at: (pointer: string, message: string, code?: string) => void): RunConfig {
  const dir = path.dirname(file);
  const gen = { ...DEFAULT_GENERATION, ...raw.generation };
  if (raw.generation?.maxRetries !== undefined && raw.generation.maxAttempts !== undefined) {
    at('/generation/maxRetries', 'give either "maxAttempts" or the older "maxRetries", not both');
  }
  // "maxRetries" (extra attempts after the first) is still read, as maxRetries + 1 attempts in total
  const maxAttempts = raw.generation?.maxAttempts ?? (raw.generation?.maxRetries !== undefined ? raw.generation.maxRetries + 1 : DEFAULT_GENERATION.maxAttempts);
  if (gen.demonstrationsFromSeed > gen.demonstrations) {
    at('/generation/demonstrationsFromSeed', `must not exceed generation.demonstrations (${gen.demonstrations})`);
  }
  if (!raw.generators?.length && !raw.evaluations?.length) at('', 'a config needs "generators" and "settings" (to generate data), or "evaluations" (to evaluate models), or both');
  if (raw.generators?.length && !raw.settings?.length) at('/settings', 'the generators need at least one setting');
  const ids = new Set<string>();
  const generators = (raw.generators ?? []).map((g, i): GeneratorConfig => {
    const e = resolveEndpoint(g, `/generators/${i}`, PAPER_SAMPLING, at);
    if (ids.has(e.id)) at(`/generators/${i}${g.id ? '/id' : '/model'}`, `generator id "${e.id}" is used twice; give one of them an "id"`);
    ids.add(e.id);
    if (g.batch && g.provider === 'openai-compatible') at(`/generators/${i}/batch`, 'batch APIs exist for providers "openai" and "anthropic" only');
    return { ...e, batch: g.batch ?? false, batchMaxItems: g.batchMaxItems ?? 2000, batchPollSeconds: g.batchPollSeconds ?? 30 };
  });
  const evalIds = new Set<string>();
  const evaluations = (raw.evaluations ?? []).map((m, i): EvalModelConfig => {
    const e = resolveEndpoint(m, `/evaluations/${i}`, GREEDY_SAMPLING, at);
    if (evalIds.has(e.id)) at(`/evaluations/${i}${m.id ? '/id' : '/model'}`, `model id "${e.id}" is used twice; give one of them an "id"`);
    evalIds.add(e.id);
    const format = m.prompt?.format ?? 'chat';
    if (format === 'completion' && m.provider === 'anthropic') at(`/evaluations/${i}/prompt/format`, 'Anthropic models take chat prompts only');
    if (m.trainedOn && m.role !== undefined && m.role !== 'student') at(`/evaluations/${i}/trainedOn`, `only a student is trained on a dataset (this model's role is "${m.role}")`);
    return { ...e, role: m.trainedOn ? 'student' : m.role, prompt: { format, system: m.prompt?.system, shots: m.prompt?.shots }, samplingOverride: { ...m.sampling }, ...(m.trainedOn ? { trainedOn: { ...m.trainedOn } } : {}) };
  });
  const ev = raw.evaluation ?? {};
  const judge = resolveEndpoint(ev.judge ?? DEFAULT_JUDGE, '/evaluation/judge', GREEDY_SAMPLING, at);
  const evaluation: EvaluationConfig = {
    benchmarks: ev.benchmarks ?? ['gsm8k', 'math', 'humaneval', 'mbpp', 'alpaca-eval', 'arena-hard'],
    judge,
    limit: ev.limit,
    samples: ev.samples ?? 1,
    maxAttempts: ev.maxAttempts ?? 3,
    sandbox: { workers: ev.sandbox?.workers ?? 2, timeoutMs: ev.sandbox?.timeoutMs ?? 10_000, memoryMb: ev.sandbox?.memoryMb ?? 1024, allowNetwork: ev.sandbox?.allowNetwork ?? false },
  };
  const training = resolveTraining(raw.training ?? {}, dir);
  const metrics = resolveMetrics(raw.metrics ?? {}, at);
  const seen = new Set<string>();
  const settings = (raw.settings ?? []).map((s, i): SettingConfig => {
    if (seen.has(s.setting)) at(`/settings/${i}/setting`, `setting "${s.setting}" is listed twice`);
    seen.add(s.setting);
    const { method, domain } = parseSettingKey(s.setting) ?? { method: 'instance_generation', domain: 'math' };
    const seeds: SeedSource = typeof s.seeds === 'string' ? { path: s.seeds } : { ...s.seeds };
    if (seeds.path) {
      seeds.path = path.resolve(dir, seeds.path);
      if (!fs.existsSync(seeds.path)) at(`/settings/${i}/seeds${typeof s.seeds === 'string' ? '' : '/path'}`, `seed file not found: ${seeds.path}`, SEED_NOT_FOUND);
    }
    const template = s.template ? path.resolve(dir, s.template) : assetPath('prompts', defaultTemplateName(method, domain));
    if (!fs.existsSync(template)) at(`/settings/${i}/template`, `template file not found: ${template}`);
    return {
      key: s.setting,
      method,
      domain,
      seeds,
      instances: s.instances ?? gen.instancesPerSetting,
      template,
      systemPrompt: s.systemPrompt ?? gen.systemPrompt ?? DEFAULT_SYSTEM_PROMPT,
      placeholders: { ...defaultPlaceholders(method), ...s.placeholders },
      themes: s.themes ?? DEFAULT_THEMES[domain],
      firstWords: s.firstWords ?? DEFAULT_FIRST_WORDS,
      validation: s.validation ?? gen.validation,
    };
  });
  return {
    file,
    name: raw.name,
    resultsDir: path.resolve(dir, raw.resultsDir ?? '.agorabench'),
    dataDir: raw.dataDir ? path.resolve(dir, raw.dataDir) : undefined,
    seed: raw.seed ?? 42,
    generators,
    settings,
    generation: {
      demonstrations: gen.demonstrations,
      demonstrationsFromSeed: gen.demonstrationsFromSeed,
      maxAttempts,
      maxInstanceTokens: gen.maxInstanceTokens,
      checkpointSeconds: gen.checkpointSeconds,
    },
    prices: raw.prices ?? {},
    evaluations,
    evaluation,
    training,
    metrics,
  };
}

function resolveMetrics(m: RawMetrics, at: (pointer: string, message: string) => void): MetricsConfig {
  const judgeIds = new Set<string>();
  const judges = (m.judges ?? []).map((j, i): MetricJudgeConfig => {
    const e = resolveEndpoint(j, `/metrics/judges/${i}`, GREEDY_SAMPLING, at);
    if (judgeIds.has(e.id)) at(`/metrics/judges/${i}${j.id ? '/id' : '/model'}`, `judge id "${e.id}" is used twice; give one of them an "id"`);
    judgeIds.add(e.id);
    if (j.batch && j.provider === 'openai-compatible') at(`/metrics/judges/${i}/batch`, 'batch APIs exist for providers "openai" and "anthropic" only');
    return { ...e, metrics: j.metrics ?? ['difficulty', 'quality'], batch: j.batch ?? false };
  });
  const only = (j: RawMetricEndpoint | undefined, where: string, providers: Provider[]) => {
    if (j && !providers.includes(j.provider)) at(`/metrics/${where}/provider`, `${where} needs an ${providers.map((p) => `"${p}"`).join(' or ')} endpoint`);
  };
  only(m.perplexity, 'perplexity', ['openai-compatible', 'openai']);
  only(m.embeddings, 'embeddings', ['openai-compatible', 'openai']);
  only(m.reward, 'reward', ['openai-compatible']);
  return {
    lexical: m.lexical ?? true,
    judges,
    reward: m.reward ? { ...resolveEndpoint(m.reward, '/metrics/reward', GREEDY_SAMPLING, at), path: m.reward.path ?? '/pooling', request: m.reward.request ?? 'messages', scorePath: m.reward.scorePath } : undefined,
    perplexity: m.perplexity ? { ...resolveEndpoint(m.perplexity, '/metrics/perplexity', GREEDY_SAMPLING, at), template: m.perplexity.template ?? 'llama3' } : undefined,
    embeddings: m.embeddings ? { ...resolveEndpoint(m.embeddings, '/metrics/embeddings', GREEDY_SAMPLING, at), dimensions: m.embeddings.dimensions } : undefined,
    nearDuplicate: m.nearDuplicate ?? 0.95,
    maxAttempts: m.maxAttempts ?? 3,
    teacherScores: { ...m.teacherScores },
  };
}

function resolveTraining(t: RawTraining, dir: string): TrainingConfig {
  const l = t.launcher;
  const launcher: TrainingLauncherConfig | undefined =
    l?.type === 'openai'
      ? { type: 'openai', model: l.model, hyperparameters: { ...l.hyperparameters }, suffix: l.suffix, seed: l.seed, baseURL: l.baseURL, apiKeyEnv: l.apiKeyEnv ?? 'OPENAI_API_KEY' }
      : l?.type === 'command'
        ? { type: 'command', command: l.command, cwd: path.resolve(dir, l.cwd ?? '.'), model: l.model, endpoint: l.endpoint, costPerHourUsd: l.costPerHourUsd }
        : undefined;
  return { format: t.format ?? 'chat', systemPrompt: t.systemPrompt ?? STUDENT_SYSTEM_PROMPT, concurrency: t.concurrency ?? 2, pollSeconds: t.pollSeconds ?? 10, launcher };
}

/**
 * A model to evaluate built outside a config file (a student found on disk), with the defaults a
 * config's "evaluations" entry would get; a bad field throws a ConfigError naming `where`.
 */
export function evalModelFrom(raw: RawEvalModel, where: string): EvalModelConfig {
  const problems: ConfigProblem[] = [];
  const e = resolveEndpoint(raw, '', GREEDY_SAMPLING, (pointer, message) => problems.push({ line: 1, column: 1, pointer, message }));
  if (problems.length) throw new ConfigError(where, problems);
  return { ...e, role: raw.role, prompt: { format: raw.prompt?.format ?? 'chat', system: raw.prompt?.system, shots: raw.prompt?.shots }, samplingOverride: { ...raw.sampling }, ...(raw.trainedOn ? { trainedOn: { ...raw.trainedOn } } : {}) };
}

/** Greedy decoding, the default for evaluation (benchmarks set their own lengths and stops). */
const GREEDY_SAMPLING = { temperature: 0, top_p: 1, max_tokens: 2048, stop: [] as string[] };

/** AlpacaEval 2.0's and Arena-Hard v0.1's judge. */
const DEFAULT_JUDGE: RawEndpoint = { id: 'judge', provider: 'openai', model: 'gpt-4-1106-preview' };

/** The fields every endpoint has (generator, evaluated model, judge), defaults filled and checked. */
function resolveEndpoint(g: RawEndpoint, at0: string, sampling: GeneratorConfig['sampling'], at: (pointer: string, message: string) => void): EndpointConfig {
  const id = g.id ?? g.model.replace(/[^A-Za-z0-9._-]+/g, '_');
  const baseURLs = g.baseURL === undefined ? undefined : Array.isArray(g.baseURL) ? g.baseURL : [g.baseURL];
  if (g.provider === 'openai-compatible' && !baseURLs) at(at0, 'provider "openai-compatible" needs a "baseURL"');
  for (const [j, u] of (baseURLs ?? []).entries()) {
    if (!/^https?:\/\/[^\s]+$/.test(u)) at(`${at0}/baseURL${Array.isArray(g.baseURL) ? `/${j}` : ''}`, `"${u}" is not an http(s) URL`);
  }
  return {
    id,
    provider: g.provider,
    model: g.model,
    baseURLs,
    apiKeyEnv: g.apiKeyEnv ?? DEFAULT_KEY_ENV[g.provider],
    sampling: { ...sampling, ...g.sampling },
    limits: {
      concurrency: g.limits?.concurrency ?? DEFAULT_LIMITS.concurrency,
      rpm: g.limits?.rpm,
      tpm: g.limits?.tpm,
      maxTransportRetries: g.limits?.maxTransportRetries ?? DEFAULT_LIMITS.maxTransportRetries,
      retryBaseMs: g.limits?.retryBaseMs ?? DEFAULT_LIMITS.retryBaseMs,
    },
    timeoutMs: g.timeoutMs ?? 600_000,
  };
}

/** Turns Ajv's errors into located, readable problems, dropping the noise of failed oneOf branches. */
function schemaProblems(errors: ErrorObject[], json: LocatedJson): ConfigProblem[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const deeper = (p: string) => errors.some((e) => e.instancePath.startsWith(p + '/') && e.keyword !== 'oneOf');
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const [p, list] of byPath) {
    // a value that matched several oneOf branches (e.g. both "url" and "hf"): only the oneOf error tells why
    const ambiguous = list.find((e) => e.keyword === 'oneOf' && Array.isArray((e.params as { passingSchemas?: unknown }).passingSchemas));
    let keep = ambiguous ? [ambiguous] : list.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
    // a value that failed every branch of a oneOf: report the branch closest to what was written
    if (keep.some((e) => e.keyword !== 'type') || deeper(p)) keep = keep.filter((e) => e.keyword !== 'type');
    if (!keep.length && !deeper(p)) keep = list.slice(0, 1);
    if (ambiguous) keep = [ambiguous];
    for (const e of keep) {
      const { pointer, message } = describe(e);
      const k = `${pointer}\u0000${message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ pointer, message, ...json.locate(pointer, e.keyword === 'additionalProperties') });
    }
  }
  return out;
}

function describe(e: ErrorObject): { pointer: string; message: string } {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { pointer: e.instancePath, message: `missing required field "${String(params.missingProperty)}"` };
    case 'additionalProperties':
      return { pointer: `${e.instancePath}/${String(params.additionalProperty)}`, message: `unknown field "${String(params.additionalProperty)}"` };
    case 'enum':
      return { pointer: e.instancePath, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'oneOf':
      return { pointer: e.instancePath, message: 'must be either a file path or an object with exactly one of "path", "url" or "hf"' };
    default:
      return { pointer: e.instancePath, message: e.message ?? e.keyword };
  }
}
