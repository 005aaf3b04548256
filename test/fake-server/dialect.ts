/** What differs between the OpenAI and Anthropic wire formats, so one pipeline serves both. */
import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest, Completion } from './completion';

export type ErrorKind = 'invalid_request' | 'authentication' | 'not_found' | 'rate_limit' | 'server_error';

export const ERROR_STATUS: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  not_found: 404,
  rate_limit: 429,
  server_error: 500,
};

export interface Dialect {
  readonly name: 'openai' | 'anthropic';
  /** Header carrying our request id, where each SDK looks for it. */
  readonly requestIdHeader: string;
  hasKey(headers: IncomingHttpHeaders): boolean;
  /** The key the client sent ('' when none). */
  keyOf(headers: IncomingHttpHeaders): string;
  /** Validates a request body; throws HttpError(400) with a readable message. */
  parse(body: unknown): ChatRequest;
  /** The success body for a completion. */
  render(req: ChatRequest, out: Completion, opts?: { batch?: boolean }): Record<string, unknown>;
  errorBody(kind: ErrorKind, message: string, requestId?: string): Record<string, unknown>;
  /** Retry hint headers for a 429. */
  retryHeaders(ms: number): Record<string, string>;
}

/** Joins text parts of a content field given as a string or an array of `{type:'text', text}` parts. */
export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string') parts.push(part.text);
  }
  return parts.join('\n');
}

export function bearerKey(headers: IncomingHttpHeaders): string {
  const auth = headers.authorization ?? '';
  return /^Bearer\s+(\S+)/i.exec(auth)?.[1] ?? '';
}
