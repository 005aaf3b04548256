/**
 * What the scoring routes (embeddings, pooling, classify, score) share: the request count per
 * route, the queued faults of `scoringFaults`, and a body parser that answers 400 like the APIs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, isRecord, parseJson, readBody, sendJson } from './http';
import { openaiDialect } from './openai';
import type { ServerState } from './state';

/**
 * Counts the request and reads its JSON object body; when a queued fault is due, answers with it
 * and returns undefined (the route has nothing more to do).
 */
export async function scoringRequest(state: ServerState, route: string, req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown> | undefined> {
  const counts = (state.stats.scoring ??= {});
  counts[route] = (counts[route] ?? 0) + 1;
  const body = parseJson(await readBody(req));
  const fault = state.options.scoringFaults.shift();
  if (fault) state.countFault(`scoring_${fault}`);
  if (fault === 'server_error') {
    state.countStatus(503);
    sendJson(res, 503, openaiDialect.errorBody('server_error', 'The server is temporarily unavailable (injected fault).'));
    return undefined;
  }
  if (fault === 'rate_limit') {
    state.countStatus(429);
    sendJson(res, 429, openaiDialect.errorBody('rate_limit', 'Rate limit reached (injected fault).'), openaiDialect.retryHeaders(state.options.retryAfterMs));
    return undefined;
  }
  if (fault === 'malformed') {
    state.countStatus(200);
    sendJson(res, 200, { object: 'list', model: isRecord(body) ? body.model : null, data: null });
    return undefined;
  }
  if (!isRecord(body)) throw new HttpError(400, 'body must be a JSON object');
  if (typeof body.model !== 'string' || !body.model) throw new HttpError(400, "'model' is required");
  return body;
}

/** Sends a 200 and records it. */
export function scoringAnswer(state: ServerState, res: ServerResponse, body: unknown, inputTokens: number): void {
  state.countStatus(200);
  state.addUsage(inputTokens, 0);
  sendJson(res, 200, body);
}

/** A string, or a non-empty list of strings, as a list (the APIs' `input`). */
export function stringList(value: unknown, field: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v): v is string => typeof v === 'string')) return value;
  throw new HttpError(400, `'${field}' must be a string or a non-empty array of strings`);
}
