import type { Sampling } from '../config/types';
import type { Usage } from '../types';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** One request, provider-neutral: a chat, or (with `prompt`) a plain completion for base models. */
export interface ChatRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  sampling: Sampling;
  /** A completion prompt sent as is (the OpenAI-compatible /completions API; no chat template). */
  prompt?: string;
  /** Ask for the top N alternatives of the first output token with their logprobs (judges). */
  topLogprobs?: number;
  /**
   * With `prompt`: return the prompt in front of the output (the legacy completions `echo`), so
   * its tokens can be scored (perplexity). OpenAI-compatible servers only: Anthropic has no
   * completions API and returns no logprobs of input tokens, so it ignores this field.
   */
  echo?: boolean;
  /**
   * With `prompt`: per-token logprobs with this many alternatives (the legacy completions
   * `logprobs`); with `echo` they cover the prompt's tokens too (vLLM: its prompt logprobs).
   * OpenAI-compatible servers only, like `echo`.
   */
  promptLogprobs?: number;
  signal?: AbortSignal;
}

/** Per-token logprobs of a completion (legacy completions shape): the arrays run in parallel. */
export interface TextLogprobs {
  tokens: string[];
  /** null where the server has none (the first token of an echoed prompt). */
  tokenLogprobs: Array<number | null>;
  /** Character offset of each token in the returned text (prompt included when echoed). */
  textOffset: number[];
}

/** One alternative for an output token. */
export interface TokenLogprob {
  token: string;
  logprob: number;
}

export interface ChatResponse {
  text: string;
  finishReason: 'stop' | 'length' | 'other';
  usage: Usage;
  /** Provider's request id, for support tickets. */
  requestId?: string;
  /** The first output token's top alternatives, when asked for. */
  topLogprobs?: TokenLogprob[];
  /** Per-token logprobs of a plain completion, when asked for (`promptLogprobs`, with `echo` the prompt's too). */
  logprobs?: TextLogprobs;
}

/** One client for one base URL of one provider. */
export interface ChatClient {
  readonly baseURL: string;
  chat(req: ChatRequest): Promise<ChatResponse>;
}

/** Why a request produced no output. `malformed`: an answer came but its body was cut off or not the API's JSON. */
export type TransportKind = 'rate_limit' | 'server' | 'timeout' | 'connection' | 'malformed' | 'auth' | 'bad_request' | 'aborted';

/** A request that failed before producing an output; `retryable` says whether another try may succeed. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
  get retryable(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'connection' || this.kind === 'malformed';
  }
}

/** Reads `retry-after-ms` / `retry-after` (seconds or HTTP date) from response headers. */
export function retryAfterFrom(headers: Headers | Record<string, string | null | undefined> | undefined): number | undefined {
  if (!headers) return undefined;
  const get = (k: string) => (headers instanceof Headers ? headers.get(k) : headers[k]) ?? undefined;
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && get('retry-after-ms') !== undefined) return ms;
  const ra = get('retry-after');
  if (ra === undefined) return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Maps an HTTP status (and abort/timeout/connection failures) to a TransportError kind. */
export function kindForStatus(status: number | undefined): TransportKind {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status !== undefined && status >= 500) return 'server';
  if (status === 409) return 'server'; // lock timeouts on OpenAI's side: worth another try
  return 'bad_request';
}
