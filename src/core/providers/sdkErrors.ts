import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { TransportError, kindForStatus, retryAfterFrom } from './types';

/** Maps either SDK's errors onto TransportError, keeping status and retry-after. */
export function toTransportError(e: unknown): TransportError {
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
  return new TransportError('connection', e instanceof Error ? e.message : String(e));
}
