/** OpenAI Chat Completions wire format (request validation, response and error bodies). */
import type { ChatRequest, Completion } from './completion';
import { bearerKey, contentText, type Dialect, type ErrorKind } from './dialect';
import { HttpError, isRecord, newId, nowSeconds } from './http';
import type { FakeTokenLogprob } from './judge';

const ERROR_TYPES: Record<ErrorKind, { type: string; code: string | null }> = {
  invalid_request: { type: 'invalid_request_error', code: null },
  authentication: { type: 'invalid_request_error', code: 'invalid_api_key' },
  not_found: { type: 'invalid_request_error', code: 'not_found' },
  rate_limit: { type: 'requests', code: 'rate_limit_exceeded' },
  server_error: { type: 'server_error', code: 'server_error' },
};

export const openaiDialect: Dialect = {
  name: 'openai',
  requestIdHeader: 'x-request-id',

  hasKey: (headers) => bearerKey(headers) !== '',
  keyOf: (headers) => bearerKey(headers),

  parse(body) {
    if (!isRecord(body)) throw new HttpError(400, 'body must be a JSON object');
    if (typeof body.model !== 'string' || !body.model) throw new HttpError(400, "'model' is required");
    if (body.stream === true) throw new HttpError(400, 'stream=true is not supported by the fake server; use non-streaming requests');
    if (body.n !== undefined && body.n !== null && body.n !== 1) throw new HttpError(400, "only 'n' = 1 is supported");
    if (!Array.isArray(body.messages) || body.messages.length === 0) throw new HttpError(400, "'messages' must be a non-empty array");
    const system: string[] = [];
    const messages: ChatRequest['messages'] = [];
    const list: unknown[] = body.messages;
    for (const [i, m] of list.entries()) {
      const text = isRecord(m) ? contentText(m.content) : undefined;
      if (!isRecord(m) || typeof m.role !== 'string' || text === undefined) throw new HttpError(400, `invalid message at messages[${i}]`);
      // system/developer turns are the system prompt; keeping them separate mirrors Anthropic's model.
      if (m.role === 'system' || m.role === 'developer') system.push(text);
      else messages.push({ role: m.role, text });
    }
    const topLogprobs = parseLogprobs(body);
    return { model: body.model, system: system.join('\n'), messages, stop: parseStop(body.stop), maxTokens: parseMax(body), ...(topLogprobs !== undefined ? { topLogprobs } : {}) };
  },

  render(req, out: Completion) {
    return {
      id: newId('chatcmpl-'),
      object: 'chat.completion',
      created: nowSeconds(),
      model: req.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: out.text, refusal: null, annotations: [] },
          logprobs: out.logprobs ? { content: out.logprobs.map(renderLogprob), refusal: null } : null,
          finish_reason: out.finish,
        },
      ],
      usage: {
        prompt_tokens: out.inputTokens,
        completion_tokens: out.outputTokens,
        total_tokens: out.inputTokens + out.outputTokens,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
      system_fingerprint: 'fp_fake',
      service_tier: 'default',
    };
  },

  errorBody(kind, message) {
    const { type, code } = ERROR_TYPES[kind];
    return { error: { message, type, param: null, code } };
  },

  retryHeaders: (ms) => ({ 'retry-after': String(Math.ceil(ms / 1000)), 'retry-after-ms': String(Math.ceil(ms)) }),
};

function parseStop(stop: unknown): string[] {
  if (stop === undefined || stop === null) return [];
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.length <= 4 && stop.every((s): s is string => typeof s === 'string')) return stop;
  throw new HttpError(400, "'stop' must be a string or an array of up to 4 strings");
}

/** `logprobs: true` (+ `top_logprobs` 0–20, which requires it) → the number of alternatives; undefined when not asked. */
function parseLogprobs(body: Record<string, unknown>): number | undefined {
  const top = body.top_logprobs;
  if (top !== undefined && top !== null) {
    if (typeof top !== 'number' || !Number.isInteger(top) || top < 0 || top > 20) throw new HttpError(400, "'top_logprobs' must be an integer between 0 and 20");
    if (body.logprobs !== true) throw new HttpError(400, "'top_logprobs' requires 'logprobs' to be true");
  }
  if (body.logprobs !== undefined && body.logprobs !== null && typeof body.logprobs !== 'boolean') throw new HttpError(400, "'logprobs' must be a boolean");
  return body.logprobs === true ? (typeof top === 'number' ? top : 0) : undefined;
}

function renderLogprob(t: FakeTokenLogprob): Record<string, unknown> {
  const bytes = (token: string): number[] => [...Buffer.from(token, 'utf8')];
  return { token: t.token, logprob: t.logprob, bytes: bytes(t.token), top_logprobs: t.top.map((a) => ({ token: a.token, logprob: a.logprob, bytes: bytes(a.token) })) };
}

function parseMax(body: Record<string, unknown>): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new HttpError(400, "'max_tokens' must be a positive integer");
  return value;
}
