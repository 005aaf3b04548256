/**
 * Reward-model scores (the paper: Skywork-Reward-Llama-3.1-8B) from a model served over HTTP,
 * vLLM's pooling APIs by default. Not an OpenAI API, so plain `fetch`:
 *
 * - `POST /pooling` with `{ model, messages: [user, assistant] }` (the server applies the reward
 *   model's own chat template) or `{ model, input: text }`; answer
 *   `{ data: [{ index, object: "pooling", data: number[] | number[][] }] }`: one value for a
 *   sequence-classification reward model, one row per token for a token-level one (ALL pooling),
 *   where the reward is the last token's.
 * - `POST /classify` with `{ model, input }`; answer `{ data: [{ probs: number[], label }] }`.
 *   Its default activation squashes a one-label reward (send `extraBody: { use_activation: false }`
 *   on servers that support it for the raw logit).
 * - `POST /score` or `/v1/score` (cross-encoder style) with `{ model, text_1, text_2 }`; answer
 *   `{ data: [{ score }] }`.
 *
 * Path, request shape and the JSON path of the score are configurable; defaults follow the path.
 */
import { CancelledError } from '../../errors';
import { registerSecret } from '../../util/redact';
import { DEFAULT_RETRY, forEachLimited, postJson, withRetries, type RetryPolicy } from './retry';

export type RewardShape = 'messages' | 'text' | 'pair';

export interface RewardConfig {
  /** Server root, e.g. `http://gpu1:8000` (vLLM serves the pooling APIs outside /v1). */
  baseURL: string;
  model: string;
  /** Default '/pooling'. */
  path?: string;
  /** Default: 'pair' for …/score, 'text' for …/classify, else 'messages'. */
  shape?: RewardShape;
  /** Dot path of the score in the answer, numeric parts index arrays (−1 = last). Default: by path, see `defaultScorePath`. */
  scorePath?: string;
  /** How shape 'text' renders the pair: the Llama-3 chat turns (default; the server adds BOS) or plain. */
  template?: 'llama3' | 'plain';
  /** Extra request fields (e.g. `use_activation`, `truncate_prompt_tokens`). */
  extraBody?: Record<string, unknown>;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

export interface RewardInstance {
  instruction: string;
  response: string;
}

export type RewardParse = { ok: true; reward: number } | { ok: false; reason: string };
/** One instance's outcome; `retries`/`reasons` list each failed try. */
export type RewardOutcome = { ok: true; reward: number; retries: string[] } | { ok: false; reason: string; reasons: string[] };

function pathOf(cfg: RewardConfig): string {
  const p = cfg.path ?? '/pooling';
  return p.startsWith('/') ? p : `/${p}`;
}

function shapeOf(cfg: RewardConfig): RewardShape {
  if (cfg.shape) return cfg.shape;
  const p = pathOf(cfg);
  return p.endsWith('/score') ? 'pair' : p.endsWith('/classify') ? 'text' : 'messages';
}

/** Where the score is by default: pooling `data.0.data`, classify `data.0.probs`, score `data.0.score`. */
export function defaultScorePath(path: string): string {
  if (path.endsWith('/score')) return 'data.0.score';
  if (path.endsWith('/classify')) return 'data.0.probs';
  return 'data.0.data';
}

/** The request for one instance: path (relative to baseURL) and JSON body. */
export function rewardRequest(cfg: RewardConfig, instance: RewardInstance): { path: string; body: Record<string, unknown> } {
  const shape = shapeOf(cfg);
  const input =
    shape === 'messages'
      ? {
          messages: [
            { role: 'user', content: instance.instruction },
            { role: 'assistant', content: instance.response },
          ],
        }
      : shape === 'pair'
        ? { text_1: instance.instruction, text_2: instance.response }
        : { input: renderPair(instance, cfg.template ?? 'llama3') };
  return { path: pathOf(cfg), body: { model: cfg.model, ...input, ...cfg.extraBody } };
}

function renderPair(instance: RewardInstance, template: 'llama3' | 'plain'): string {
  if (template === 'plain') return `${instance.instruction}\n\n${instance.response}`;
  const turn = (role: string, text: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n${text}<|eot_id|>`;
  return turn('user', instance.instruction) + turn('assistant', instance.response);
}

/**
 * The reward in an answer. Arrays are reduced when that is unambiguous: a one-element array to
 * its element, rows of per-token values to the last row (the reward at the final token). A flat
 * list of several numbers is refused: name the one you want in `scorePath` (e.g. `data.0.data.-1`).
 */
export function parseReward(json: unknown, cfg: Pick<RewardConfig, 'path' | 'scorePath'>): RewardParse {
  const scorePath = cfg.scorePath ?? defaultScorePath(cfg.path ?? '/pooling');
  let at: unknown = json;
  for (const part of scorePath.split('.').filter(Boolean)) {
    if (Array.isArray(at) && /^-?\d+$/.test(part)) {
      const i = Number(part);
      at = at[i < 0 ? at.length + i : i];
    } else if (typeof at === 'object' && at !== null && !Array.isArray(at)) {
      at = (at as Record<string, unknown>)[part];
    } else {
      at = undefined;
    }
    if (at === undefined) return { ok: false, reason: `the answer has nothing at "${part}" of ${scorePath}` };
  }
  for (;;) {
    if (typeof at === 'number') return Number.isFinite(at) ? { ok: true, reward: at } : { ok: false, reason: `the score at ${scorePath} is not finite` };
    if (!Array.isArray(at) || !at.length) return { ok: false, reason: `the value at ${scorePath} is ${describe(at)}, not a number` };
    if (at.length === 1) at = at[0];
    else if (at.every(Array.isArray)) at = at[at.length - 1];
    else return { ok: false, reason: `the value at ${scorePath} holds ${at.length} numbers; set scorePath to the one that is the reward` };
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an empty array';
  return v === null ? 'null' : typeof v === 'string' ? `a string (${JSON.stringify(v.slice(0, 20))})` : typeof v;
}

/**
 * Scores instances with at most `concurrency` requests in flight. Every instance ends in
 * `onResult` (in completion order): a reward, or why there is none after the retries (failures
 * are per instance, never thrown). An abort stops new requests and rejects with CancelledError.
 */
export async function scoreReward(
  cfg: RewardConfig,
  instances: readonly RewardInstance[],
  opts: { concurrency: number; signal?: AbortSignal; apiKey?: string; onResult: (index: number, outcome: RewardOutcome) => void | Promise<void> },
): Promise<{ scored: number; failed: number }> {
  registerSecret(opts.apiKey);
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...cfg.retry };
  const root = cfg.baseURL.replace(/\/+$/, '');
  const counts = { scored: 0, failed: 0 };
  await forEachLimited(instances.length, opts.concurrency, opts.signal, async (i) => {
    const { path, body } = rewardRequest(cfg, instances[i] as RewardInstance);
    const sent = await withRetries(policy, opts.signal, (signal) => postJson(root + path, body, { apiKey: opts.apiKey, timeoutMs: cfg.timeoutMs ?? 60_000, signal }));
    if (opts.signal?.aborted) throw new CancelledError();
    let outcome: RewardOutcome;
    if (!sent.ok) outcome = { ok: false, reason: sent.reasons[sent.reasons.length - 1] ?? 'no answer', reasons: sent.reasons };
    else {
      // a well-formed answer of the wrong shape would come back the same: not retried
      const parsed = parseReward(sent.value, { path, scorePath: cfg.scorePath });
      outcome = parsed.ok ? { ok: true, reward: parsed.reward, retries: sent.retries } : { ok: false, reason: `unreadable-reward: ${parsed.reason}`, reasons: [...sent.retries, parsed.reason] };
    }
    counts[outcome.ok ? 'scored' : 'failed']++;
    await opts.onResult(i, outcome);
  });
  return counts;
}
