// What makes a config that loads run badly: models without a price, seed files that are not there,
// keys nobody has set, seed sets smaller than the instances asked for. Each finding is located in
// the text (for an editor's squiggle) and names its fix; the edits that fix the text are built here
// too, from the text as it is when the fix is applied. No editor API: the CLI can use all of it.
import * as fs from 'node:fs';
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { ConfigProblem } from '../errors';
import { PriceBook, unpricedText } from '../cost/prices';
import { BENCHMARK_INFO } from '../evaluation/benchmarks';
import { shortfallText } from '../run/prepare';
import { SeedRowCounter } from '../seeds/countRows';
import { exampleSeedText } from '../seeds/examples';
import { formatFromName } from '../seeds/parse';
import type { LocatedJson, TextSpan } from '../util/jsonLocate';
import { SEED_NOT_FOUND, readConfigText } from './load';
import type { EndpointConfig, RunConfig } from './types';

export type ConfigCheckCode = 'unpriced-model' | typeof SEED_NOT_FOUND | 'missing-key' | 'seed-shortfall';

/** What fixes a finding: the edits are made from the text at the time (addPriceEdit, setInstancesEdit). */
export type ConfigFix =
  | { kind: 'add-price'; model: string }
  /** Never overwrite: the file may have appeared since the check. */
  | { kind: 'create-seed-file'; file: string; content: string }
  | { kind: 'set-api-key'; envVar: string }
  | { kind: 'set-instances'; setting: number; instances: number };

export interface ConfigFinding {
  code: ConfigCheckCode;
  severity: 'error' | 'warning';
  message: string;
  /** JSON pointer of the value the finding is about. */
  pointer: string;
  span: TextSpan;
  fix?: ConfigFix;
}

export interface ConfigCheckOptions {
  /** Whether a key is set for an environment variable name (default: the environment, as the CLI reads keys). */
  hasKey?: (envVar: string) => boolean | Promise<boolean>;
  /** Counts seed rows (pass one that lives as long as the editor, to keep its cache). */
  rows?: SeedRowCounter;
}

export interface ConfigCheckResult {
  /** Why the config does not load, as parseConfig reports it (less the missing seed files, which are findings). */
  problems: ConfigProblem[];
  /** Empty when the config does not have the schema's shape: nothing can be said about it then. */
  findings: ConfigFinding[];
}

export async function checkConfig(file: string, text: string, opts: ConfigCheckOptions = {}): Promise<ConfigCheckResult> {
  const { config, problems, json } = readConfigText(file, text);
  if (!config) return { problems, findings: [] };
  const findings: ConfigFinding[] = [];
  const add = (code: ConfigCheckCode, severity: ConfigFinding['severity'], pointer: string, message: string, fix: ConfigFix | undefined) =>
    findings.push({ code, severity, message, pointer, span: json.span(pointer), ...(fix ? { fix } : {}) });

  const endpoints = usedEndpoints(config, json);
  const book = new PriceBook(config.prices);
  for (const e of endpoints) {
    if (e.priced && !book.has(e.model)) add('unpriced-model', 'warning', e.modelAt, unpricedText(e.model), { kind: 'add-price', model: e.model });
  }

  // one look-up per name: SecretStorage answers asynchronously
  const hasKey = opts.hasKey ?? ((v: string) => !!process.env[v]);
  const known = new Map<string, Promise<boolean>>();
  for (const e of endpoints) {
    const v = e.apiKeyEnv;
    if (!v) continue; // an openai-compatible endpoint without "apiKeyEnv" is sent no key (run/keys.ts)
    if (!known.has(v)) known.set(v, Promise.resolve().then(() => hasKey(v)).catch(() => false));
    if (!(await known.get(v))) add('missing-key', 'warning', e.keyAt, `no API key for ${e.label} (${v}): set it with "AgoraBench: Set API Key" or in the environment`, { kind: 'set-api-key', envVar: v });
  }

  const counter = opts.rows ?? new SeedRowCounter();
  for (const [i, s] of config.settings.entries()) {
    // URLs and Hugging Face datasets are fetched at run time: only local files are looked at
    const file = s.seeds.path;
    if (!file) continue;
    const at = json.has(`/settings/${i}/seeds/path`) ? `/settings/${i}/seeds/path` : `/settings/${i}/seeds`;
    const format = s.seeds.format ?? formatFromName(file) ?? 'json';
    if (!fs.existsSync(file)) {
      const fix: ConfigFix | undefined = /\.gz$/i.test(file) ? undefined : { kind: 'create-seed-file', file, content: exampleSeedText(s.domain, format, s.seeds.fields) };
      add(SEED_NOT_FOUND, 'error', at, `seed file not found: ${file}`, fix);
      continue;
    }
    // instance generation draws demonstrations from the seeds: it is never short of them
    if (s.method === 'instance_generation') continue;
    const upTo = Math.min(s.instances, s.seeds.limit ?? Infinity);
    const count = await counter.count(file, format, upTo);
    if (!count) continue;
    // a count that stopped early saw `upTo` rows: short only when "limit" is below the instances
    const rows = count.complete ? Math.min(count.rows, s.seeds.limit ?? Infinity) : upTo;
    if (rows >= s.instances) continue;
    const where = json.has(`/settings/${i}/instances`) ? `/settings/${i}/instances` : `/settings/${i}/setting`;
    // "instances" is at least 1: a file without rows has no number to offer
    add('seed-shortfall', 'warning', where, shortfallText({ setting: s.key, requested: s.instances, seeds: rows, source: file }), rows > 0 ? { kind: 'set-instances', setting: i, instances: rows } : undefined);
  }

  findings.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  return { problems: problems.filter((p) => p.code !== SEED_NOT_FOUND), findings };
}

interface UsedEndpoint {
  label: string;
  model: string;
  apiKeyEnv: string | undefined;
  /** Whether its work is costed with the price table (reward and embedding calls are not). */
  priced: boolean;
  modelAt: string;
  keyAt: string;
}

/** Every endpoint a command of this config calls, with where its model and its key are named. */
function usedEndpoints(config: RunConfig, json: LocatedJson): UsedEndpoint[] {
  const out: UsedEndpoint[] = [];
  const push = (at: string, label: string, e: Pick<EndpointConfig, 'model' | 'apiKeyEnv'>, priced: boolean, fallback = at) => {
    const written = json.has(at);
    const keyAt = json.has(`${at}/apiKeyEnv`) ? `${at}/apiKeyEnv` : json.has(`${at}/provider`) ? `${at}/provider` : `${at}/type`;
    out.push({ label, model: e.model, apiKeyEnv: e.apiKeyEnv, priced, modelAt: written ? `${at}/model` : fallback, keyAt: written ? keyAt : fallback });
  };
  config.generators.forEach((g, i) => push(`/generators/${i}`, `generator "${g.id}"`, g, true));
  config.evaluations.forEach((m, i) => push(`/evaluations/${i}`, `model "${m.id}"`, m, true));
  // the judge works only for AlpacaEval and Arena-Hard; left out of the config it is their own (GPT-4 Turbo)
  const ev = config.evaluation;
  if (config.evaluations.length && ev.benchmarks.some((b) => BENCHMARK_INFO[b].kind === 'pairwise')) {
    const fallback = json.has('/evaluation/benchmarks') ? '/evaluation/benchmarks' : '/evaluations';
    push('/evaluation/judge', json.has('/evaluation/judge') ? `judge "${ev.judge.id}"` : `the default judge "${ev.judge.model}"`, ev.judge, true, fallback);
  }
  const m = config.metrics;
  m.judges.forEach((j, i) => push(`/metrics/judges/${i}`, `metrics judge "${j.id}"`, j, true));
  if (m.perplexity) push('/metrics/perplexity', `perplexity model "${m.perplexity.id}"`, m.perplexity, true);
  if (m.reward) push('/metrics/reward', `reward model "${m.reward.id}"`, m.reward, false);
  if (m.embeddings) push('/metrics/embeddings', `embeddings model "${m.embeddings.id}"`, m.embeddings, false);
  const l = config.training.launcher;
  if (l?.type === 'openai') push('/training/launcher', 'training (OpenAI fine-tuning)', l, false);
  return out;
}

/** A replacement of `length` characters at `offset`; `placeholders` are offsets in `text` of values to type over. */
export interface ConfigEdit {
  offset: number;
  length: number;
  text: string;
  placeholders: { offset: number; length: number }[];
}

export function applyConfigEdit(text: string, e: ConfigEdit): string {
  return text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length);
}

const PRICE_VALUE = '{ "input": 0, "output": 0 }';

/**
 * Adds `"<model>": { "input": 0, "output": 0 }` under "prices" (made if missing), laid out like its
 * neighbours; the two zeros are placeholders. Undefined if the text is not an object of the config's shape.
 */
export function addPriceEdit(text: string, model: string): ConfigEdit | undefined {
  const tree = parseTree(text);
  if (tree?.type !== 'object') return undefined;
  const f = layoutOf(text, tree);
  const prices = findNodeAtLocation(tree, ['prices']);
  if (prices && prices.type !== 'object') return undefined;
  const entry = `${JSON.stringify(model)}: ${PRICE_VALUE}`;
  const edit = prices
    ? insertProperty(text, prices, model, () => PRICE_VALUE, f)
    : insertProperty(text, tree, 'prices', (indent, multiline) => (multiline ? `{${f.eol}${indent}${f.unit}${entry}${f.eol}${indent}}` : `{ ${entry} }`), f);
  const at = edit.text.lastIndexOf(PRICE_VALUE);
  const input = PRICE_VALUE.indexOf('0');
  const output = PRICE_VALUE.indexOf('0', input + 1);
  return { ...edit, placeholders: [{ offset: at + input, length: 1 }, { offset: at + output, length: 1 }] };
}

/** Sets a setting's "instances" (added after its last field when missing). */
export function setInstancesEdit(text: string, setting: number, instances: number): ConfigEdit | undefined {
  const tree = parseTree(text);
  if (tree?.type !== 'object') return undefined;
  const value = findNodeAtLocation(tree, ['settings', setting, 'instances']);
  if (value) return { offset: value.offset, length: value.length, text: String(instances), placeholders: [] };
  const obj = findNodeAtLocation(tree, ['settings', setting]);
  if (obj?.type !== 'object') return undefined;
  return { ...insertProperty(text, obj, 'instances', () => String(instances), layoutOf(text, tree)), placeholders: [] };
}

interface Layout {
  eol: string;
  /** One level of indentation. */
  unit: string;
}

/** The file's line ends and indentation, read from its first field (2 spaces when it has none on a line of its own). */
function layoutOf(text: string, root: Node): Layout {
  const first = root.children?.[0];
  const unit = (first && ownLineIndent(text, first.offset)) || '  ';
  return { eol: text.includes('\r\n') ? '\r\n' : '\n', unit };
}

/**
 * Adds `"key": value` after an object's last property: on a line of its own, indented like it, in
 * an object laid out one property per line; inline in an object on one line; `{}` is opened up.
 */
function insertProperty(text: string, obj: Node, key: string, value: (indent: string, multiline: boolean) => string, f: Layout): Omit<ConfigEdit, 'placeholders'> {
  const name = JSON.stringify(key);
  const props = obj.children ?? [];
  const last = props[props.length - 1];
  if (!last) {
    const indent = lineIndent(text, obj.offset);
    return { offset: obj.offset, length: obj.length, text: `{${f.eol}${indent}${f.unit}${name}: ${value(indent + f.unit, true)}${f.eol}${indent}}` };
  }
  const end = last.offset + last.length;
  if (!text.slice(obj.offset, last.offset).includes('\n')) return { offset: end, length: 0, text: `, ${name}: ${value('', false)}` };
  const indent = ownLineIndent(text, last.offset) ?? lineIndent(text, obj.offset) + f.unit;
  return { offset: end, length: 0, text: `,${f.eol}${indent}${name}: ${value(indent, true)}` };
}

/** The whitespace before `offset` when nothing else precedes it on its line. */
function ownLineIndent(text: string, offset: number): string | undefined {
  const prefix = text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
  return /^[ \t]*$/.test(prefix) ? prefix : undefined;
}

/** The indentation of the line `offset` is on. */
function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', offset - 1) + 1))?.[0] ?? '';
}
