/**
 * The synchronous chat/messages pipeline shared by both APIs:
 * auth -> validate -> RPM limit -> latency -> fault or answer. Stats are recorded on the way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { complete, type ChatRequest, type Completion } from './completion';
import { ERROR_STATUS, type Dialect, type ErrorKind } from './dialect';
import { drawFault } from './faults';
import { HttpError, newId, parseJson, readBody, sendJson } from './http';
import type { ServerState } from './state';

export async function handleGenerate(state: ServerState, dialect: Dialect, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.stats.requests++;
  state.enter();
  res.once('close', () => state.leave());
  const requestId = newId('req_');

  const sent = dialect.keyOf(req.headers);
  const fail = (kind: ErrorKind, message: string, headers: Record<string, string> = {}): void => {
    const text = state.options.echoKeyInErrors && sent && kind !== 'authentication' ? `${message} (request key: ${sent})` : message;
    answer(state, res, ERROR_STATUS[kind], dialect.errorBody(kind, text, requestId), { [dialect.requestIdHeader]: requestId, ...headers });
  };

  const body = await readBody(req);
  if (state.options.requireKey && !dialect.hasKey(req.headers)) {
    return fail('authentication', dialect.name === 'openai' ? "You didn't provide an API key. Send it as 'Authorization: Bearer KEY'." : 'x-api-key header is required');
  }
  if (sent && state.options.rejectKeys.includes(sent)) {
    // real APIs quote the refused key (OpenAI: "Incorrect API key provided: sk-…"), which clients must not echo
    return fail('authentication', `Incorrect API key provided: ${sent}. You can find your API key in your account settings.`);
  }
  if (state.options.concurrencyLimit !== undefined && state.inFlight > state.options.concurrencyLimit) {
    state.countStatus(429);
    state.stats.overCapacity = (state.stats.overCapacity ?? 0) + 1;
    return sendJson(res, 429, dialect.errorBody('rate_limit', 'The server is overloaded; try again later.', requestId), { [dialect.requestIdHeader]: requestId });
  }
  let chat: ChatRequest;
  try {
    chat = dialect.parse(parseJson(body));
  } catch (err) {
    if (err instanceof HttpError) return fail('invalid_request', err.message);
    throw err;
  }

  const wait = state.limiter.tryAccept(Date.now(), state.options.rpmLimit);
  if (wait > 0) {
    return fail('rate_limit', `Rate limit reached: ${state.options.rpmLimit} requests per minute.`, dialect.retryHeaders(wait));
  }

  const acceptedAt = Date.now();
  const fault = drawFault(state.faultRng, state.options.faultRate, state.options.faults);
  if (fault) state.countFault(fault);
  if (fault === 'timeout') return hang(state, res);

  const { latencyMs, latencyJitterMs } = state.options;
  const delay = latencyMs + (latencyJitterMs > 0 ? state.latencyRng.next() * latencyJitterMs : 0);
  if (delay > 0) {
    try {
      await sleep(delay, undefined, { signal: state.shutdown.signal });
    } catch {
      return; // server closing
    }
  }

  if (fault === 'rate_limit') {
    return fail('rate_limit', 'Rate limit reached (injected fault).', dialect.retryHeaders(state.options.retryAfterMs));
  }
  if (fault === 'server_error') return fail('server_error', 'The server had an error while processing your request (injected fault).');

  const out: Completion = complete(chat, state.options.seed, fault === 'broken_body' ? undefined : fault, state.options.answerKey, state.options.judgeMalformedRate);
  if (fault === 'broken_body') return breakBody(state, res, dialect.render(chat, out));
  if (answer(state, res, 200, dialect.render(chat, out), { [dialect.requestIdHeader]: requestId })) {
    state.addUsage(out.inputTokens, out.outputTokens);
    const now = Date.now();
    const served = (state.stats.served ??= { busyMs: 0, firstAt: acceptedAt, lastAt: now });
    served.busyMs += now - acceptedAt;
    served.firstAt = Math.min(served.firstAt, acceptedAt);
    served.lastAt = Math.max(served.lastAt, now);
  }
}

/** Sends and records the status; returns false (recorded as "aborted") if the client already left. */
function answer(state: ServerState, res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): boolean {
  if (res.destroyed) {
    state.countStatus('aborted');
    return false;
  }
  state.countStatus(status);
  sendJson(res, status, body, headers);
  return true;
}

/** The 'broken_body' fault: a 200 whose body stops half-way (the connection drops mid-answer). */
function breakBody(state: ServerState, res: ServerResponse, body: unknown): void {
  state.countStatus('broken_body');
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.write(text.slice(0, Math.floor(text.length / 2)));
  setTimeout(() => res.socket?.destroy(), 5);
}

/** The 'timeout' fault: never answer; drop the socket after timeoutHangMs (or at once on close()). */
function hang(state: ServerState, res: ServerResponse): void {
  state.countStatus('timeout');
  const drop = (): void => {
    res.socket?.destroy();
  };
  const timer = setTimeout(drop, state.options.timeoutHangMs);
  state.shutdown.signal.addEventListener('abort', drop, { once: true });
  res.once('close', () => {
    clearTimeout(timer);
    state.shutdown.signal.removeEventListener('abort', drop);
  });
}
