/** Anthropic Messages wire format (request validation, response and error bodies). */
import type { ChatRequest, Completion } from './completion';
import { bearerKey, contentText, type Dialect, type ErrorKind } from './dialect';
import { HttpError, isRecord, newId } from './http';

const ERROR_TYPES: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  not_found: 'not_found_error',
  rate_limit: 'rate_limit_error',
  server_error: 'api_error',
};

export const anthropicDialect: Dialect = {
  name: 'anthropic',
  requestIdHeader: 'request-id',

  // x-api-key is the normal route; a Bearer token is what the SDK's `authToken` sends.
  hasKey: (headers) => (typeof headers['x-api-key'] === 'string' && headers['x-api-key'] !== '') || bearerKey(headers) !== '',
  keyOf: (headers) => (typeof headers['x-api-key'] === 'string' && headers['x-api-key'] !== '' ? headers['x-api-key'] : bearerKey(headers)),

  parse(body) {
    if (!isRecord(body)) throw new HttpError(400, 'body must be a JSON object');
    if (typeof body.model !== 'string' || !body.model) throw new HttpError(400, 'model: Field required');
    if (body.stream === true) throw new HttpError(400, 'stream=true is not supported by the fake server; use non-streaming requests');
    const max = body.max_tokens;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) throw new HttpError(400, 'max_tokens: must be a positive integer');
    if (!Array.isArray(body.messages) || body.messages.length === 0) throw new HttpError(400, 'messages: must be a non-empty array');
    const messages: ChatRequest['messages'] = [];
    const list: unknown[] = body.messages;
    for (const [i, m] of list.entries()) {
      const text = isRecord(m) ? contentText(m.content) : undefined;
      if (!isRecord(m) || (m.role !== 'user' && m.role !== 'assistant') || text === undefined) {
        throw new HttpError(400, `messages.${i}: role must be user or assistant with text content`);
      }
      messages.push({ role: m.role, text });
    }
    const system = contentText(body.system);
    if (system === undefined) throw new HttpError(400, 'system: must be a string or a list of text blocks');
    const stop = body.stop_sequences ?? [];
    if (!Array.isArray(stop) || !stop.every((s): s is string => typeof s === 'string')) {
      throw new HttpError(400, 'stop_sequences: must be a list of strings');
    }
    return { model: body.model, system, messages, stop, maxTokens: max };
  },

  render(req, out: Completion, opts) {
    return {
      id: newId('msg_'),
      type: 'message',
      role: 'assistant',
      model: req.model,
      content: [{ type: 'text', text: out.text, citations: null }],
      stop_reason: out.finish === 'length' ? 'max_tokens' : out.stopSequence !== null ? 'stop_sequence' : 'end_turn',
      stop_sequence: out.stopSequence,
      usage: {
        input_tokens: out.inputTokens,
        output_tokens: out.outputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        server_tool_use: null,
        service_tier: opts?.batch ? 'batch' : 'standard',
      },
    };
  },

  errorBody(kind, message, requestId) {
    return { type: 'error', error: { type: ERROR_TYPES[kind], message }, request_id: requestId ?? null };
  },

  // Anthropic only documents whole seconds here.
  retryHeaders: (ms) => ({ 'retry-after': String(Math.ceil(ms / 1000)) }),
};
