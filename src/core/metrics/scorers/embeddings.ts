/**
 * Embeddings for the diversity metrics, through the official `openai` SDK (OpenAI or any
 * OpenAI-compatible server, e.g. vLLM). Texts go in batches; each batch's vectors are handed to
 * the caller as one Float32Array (rows × dims) in input order and then dropped, so a 10K × 1536
 * run never sits in memory as JS number arrays. Vectors are asked for as base64 and decoded
 * straight into the Float32Array (servers that answer with float lists are read too).
 *
 * Empty strings: the API refuses them, and a whole batch would fail with one. They are not sent;
 * their row is all zeros (a real embedding is never the zero vector, so the caller can tell) and
 * their indices are returned in `empty`. Very long texts are cut to `maxInputChars`, and a batch
 * whose texts are long in total goes out as several requests, so no request exceeds the API's
 * per-input and per-request token limits.
 */
import OpenAI from 'openai';
import { baseURLsFor } from '../../providers/clients';
import { toTransportError } from '../../providers/sdkErrors';
import { registerSecret } from '../../util/redact';
import { DEFAULT_RETRY, forEachLimited, withRetries, type RetryPolicy } from './retry';

export interface EmbeddingEndpoint {
  /** Default: OPENAI_BASE_URL, else OpenAI's API (as for generators). */
  baseURL?: string;
  apiKey?: string;
  model: string;
  /** Ask for vectors of this size (models that support shortening, e.g. text-embedding-3-*); checked on the answer. */
  dimensions?: number;
  /** Per request (default 120 s). */
  timeoutMs?: number;
}

export interface EmbedOptions {
  /** Texts per delivered batch (default 128). */
  batchSize?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called once per batch, in order: `vectors` holds its rows from text index `start` on. */
  onBatch?: (start: number, vectors: Float32Array) => void | Promise<void>;
  /** Characters kept of each text (default 20 000, about 5–7K tokens: under the 8K-token input limit). */
  maxInputChars?: number;
  /** Characters per request at most (default 600 000: well under OpenAI's 300K tokens per request). */
  maxRequestChars?: number;
  retry?: Partial<RetryPolicy>;
}

/** A batch failed for good (after retries, or with a non-retryable error such as 400). */
export class EmbeddingError extends Error {
  constructor(
    readonly start: number,
    readonly reasons: string[],
  ) {
    super(`embedding texts from ${start} failed: ${reasons[reasons.length - 1] ?? 'no answer'}`);
    this.name = 'EmbeddingError';
  }
}

/**
 * Embeds `texts` and delivers them batch by batch through `onBatch`. Resolves with the vector
 * size, the indices of empty texts (zero rows) and the tokens billed; rejects with EmbeddingError
 * when a batch cannot be embedded, or CancelledError on abort.
 */
export async function embedTexts(endpoint: EmbeddingEndpoint, texts: readonly string[], opts: EmbedOptions = {}): Promise<{ dims: number; empty: number[]; promptTokens: number }> {
  registerSecret(endpoint.apiKey);
  const [baseURL] = baseURLsFor({ provider: 'openai', baseURLs: endpoint.baseURL ? [endpoint.baseURL] : undefined });
  // our retries (shared back-off, recorded reasons) instead of the SDK's; key as clients.ts does
  const client = new OpenAI({ apiKey: endpoint.apiKey ?? 'not-needed', baseURL, timeout: endpoint.timeoutMs ?? 120_000, maxRetries: 0 });
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const size = Math.max(1, Math.floor(opts.batchSize ?? 128));
  const batches = Math.ceil(texts.length / size);
  const state = { dims: endpoint.dimensions, promptTokens: 0 };
  const empty: number[] = [];
  // each batch is delivered after the one before it; a worker holds its vectors until then
  let delivered: Promise<void> = Promise.resolve();
  let failed = false;

  await forEachLimited(batches, opts.concurrency ?? 4, opts.signal, async (b) => {
    const before = delivered;
    let done!: () => void;
    delivered = new Promise((resolve) => (done = resolve));
    try {
      const start = b * size;
      const slice = texts.slice(start, start + size);
      const rows = await embedBatch(client, endpoint, slice, start, policy, state, opts);
      for (let i = 0; i < slice.length; i++) if (!slice[i]) empty.push(start + i);
      await before;
      if (!failed) await opts.onBatch?.(start, rows);
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      done();
    }
  });
  return { dims: state.dims ?? 0, empty: empty.sort((a, b) => a - b), promptTokens: state.promptTokens };
}

/** One batch's rows; empty texts stay zero. Several requests when the texts are long. */
async function embedBatch(
  client: OpenAI,
  endpoint: EmbeddingEndpoint,
  slice: readonly string[],
  start: number,
  policy: RetryPolicy,
  state: { dims: number | undefined; promptTokens: number },
  opts: EmbedOptions,
): Promise<Float32Array> {
  const maxChars = opts.maxInputChars ?? 20_000;
  const budget = opts.maxRequestChars ?? 600_000;
  const pending = slice.flatMap((t, row) => (t ? [{ row, text: t.length > maxChars ? t.slice(0, maxChars) : t }] : []));
  // a batch of only empty texts before any vector size is known: one throw-away probe learns it
  if (!pending.length && !state.dims) pending.push({ row: -1, text: ' ' });
  const parts: Array<typeof pending> = [];
  for (let i = 0, chars = Infinity; i < pending.length; i++) {
    const item = pending[i] as (typeof pending)[number];
    if (chars + item.text.length > budget) {
      parts.push([]);
      chars = 0;
    }
    (parts[parts.length - 1] as typeof pending).push(item);
    chars += item.text.length;
  }
  let out: Float32Array | undefined = state.dims ? new Float32Array(slice.length * state.dims) : undefined;
  for (const part of parts) {
    const sent = await withRetries(policy, opts.signal, async (signal) => {
      try {
        return await client.embeddings.create(
          { model: endpoint.model, input: part.map((p) => p.text), encoding_format: 'base64', ...(endpoint.dimensions ? { dimensions: endpoint.dimensions } : {}) },
          { signal },
        );
      } catch (e) {
        throw toTransportError(e);
      }
    });
    if (!sent.ok) throw new EmbeddingError(start, sent.reasons);
    const data: unknown = sent.value.data;
    if (!Array.isArray(data) || data.length !== part.length) throw new EmbeddingError(start, [`malformed: ${part.length} texts sent, ${Array.isArray(data) ? data.length : 'no'} vectors returned`]);
    state.promptTokens += sent.value.usage?.prompt_tokens ?? 0;
    for (const [k, item] of data.entries()) {
      const { index, embedding } = item as { index?: unknown; embedding?: unknown };
      const at = typeof index === 'number' && index >= 0 && index < part.length ? index : k;
      const vector = decode(embedding, start);
      state.dims ??= vector.length;
      if (vector.length !== state.dims) throw new EmbeddingError(start, [`malformed: a vector of ${vector.length} dimensions where ${state.dims} were expected`]);
      out ??= new Float32Array(slice.length * state.dims);
      const row = (part[at] as (typeof part)[number]).row;
      if (row >= 0) out.set(vector, row * state.dims);
    }
  }
  return out ?? new Float32Array(slice.length * (state.dims ?? 0));
}

/** A base64 string of little-endian float32s, or a list of numbers, as a Float32Array. */
function decode(embedding: unknown, start: number): Float32Array {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.length % 4) throw new EmbeddingError(start, [`malformed: a base64 vector of ${bytes.length} bytes`]);
    const v = new Float32Array(bytes.length / 4);
    new Uint8Array(v.buffer).set(bytes);
    return v;
  }
  if (Array.isArray(embedding) && embedding.every((x) => typeof x === 'number')) return Float32Array.from(embedding as number[]);
  throw new EmbeddingError(start, [`malformed: a vector is ${typeof embedding}, not base64 or numbers`]);
}
