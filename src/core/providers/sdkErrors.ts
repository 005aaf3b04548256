import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { redact } from '../util/redact';
import { TransportError, kindForStatus, retryAfterFrom } from './types';

/**
 * Maps either SDK's errors onto TransportError, keeping status and retry-after. Messages are
 * redacted here, the one place provider text enters the engine, so no key quoted back by a
 * server reaches a terminal, a log or a store.
 */
export function toTransportError(e: unknown): TransportError {
  const t = classify(e);
  const clean = redact(t.message);
  return clean === t.message ? t : new TransportError(t.kind, clean, t.status, t.retryAfterMs);
}

function classify(e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  if (e instanceof OpenAI.APIUserAbortError || e instanceof Anthropic.APIUserAbortError) return new TransportError('aborted', 'request aborted');
  if (e instanceof OpenAI.APIConnectionTimeoutError || e instanceof Anthropic.APIConnectionTimeoutError) {
    return new TransportError('timeout', 'request timed out');
  }
  if (e instanceof OpenAI.APIConnectionError || e instanceof Anthropic.APIConnectionError) {
    return new TransportError('connection', `connection failed: ${e.message}`);
  }
  if (e instanceof OpenAI.APIError || e instanceof Anthropic.APIError) {
    const status = typeof e.status === 'number' ? e.status : undefined;
    const headers = e.headers as Headers | Record<string, string> | undefined;
    return new TransportError(kindForStatus(status), `HTTP ${status ?? '?'}: ${e.message}`.slice(0, 500), status, retryAfterFrom(headers));
  }
  if (e instanceof Error && e.name === 'AbortError') return new TransportError('aborted', 'request aborted');
  // errors while reading the body of an answer that did arrive: the body, not the connection, is broken
  if (e instanceof SyntaxError) return new TransportError('malformed', `the response body is not valid JSON (${e.message})`);
  if (e instanceof TypeError && e.message === 'terminated') return new TransportError('malformed', 'the response body was cut off before its end');
  return new TransportError('connection', e instanceof Error ? e.message : String(e));
}
