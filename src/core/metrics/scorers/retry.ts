import { CancelledError } from '../../errors';
import { TransportError, kindForStatus, retryAfterFrom } from '../../providers/types';
import { linkedAbort } from '../../util/abort';
import { redact } from '../../util/redact';
import { sleep } from '../../util/sleep';

/**
 * Retries for scoring endpoints that are not chat models (reward model, embeddings), on the same
 * rules as the endpoint pool: 429, 5xx, timeouts, connection failures and cut-off bodies are tried
 * again after an exponential back-off with full jitter; a 429's `retry-after` wins over it.
 */
export interface RetryPolicy {
  /** Extra tries after the first. */
  maxRetries: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, backoffBaseMs: 1000, backoffCapMs: 60_000 };

/** What a request with retries came to: its value and the failed tries before it, or every reason. */
export type Retried<T> = { ok: true; value: T; retries: string[] } | { ok: false; reasons: string[] };

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries are used up. Only a
 * TransportError marked retryable is tried again; anything else is a final reason. An abort of
 * `signal` rejects with CancelledError (a stop is not a failure of the item).
 */
export async function withRetries<T>(policy: RetryPolicy, signal: AbortSignal | undefined, attempt: (signal: AbortSignal | undefined) => Promise<T>): Promise<Retried<T>> {
  const reasons: string[] = [];
  const random = policy.random ?? Math.random;
  for (let i = 0; ; i++) {
    if (signal?.aborted) throw new CancelledError();
    const link = linkedAbort(signal);
    try {
      return { ok: true, value: await attempt(link.signal), retries: reasons };
    } catch (e) {
      if (signal?.aborted) throw new CancelledError();
      const err = e instanceof TransportError ? e : new TransportError('connection', e instanceof Error ? e.message : String(e));
      reasons.push(redact(`transport-${err.kind}: ${err.message}`));
      if (!err.retryable || i >= policy.maxRetries) return { ok: false, reasons };
      const backoff = random() * Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** i);
      await sleep(err.kind === 'rate_limit' && err.retryAfterMs !== undefined ? err.retryAfterMs : backoff, signal);
    } finally {
      link.release();
    }
  }
}

/**
 * One JSON POST with plain `fetch`, failures mapped to TransportError kinds (status, retry hint,
 * a redacted excerpt of the error body). A 200 whose body is not JSON is `malformed` (retryable:
 * usually a cut-off answer); a well-formed body of the wrong shape is for the caller to judge.
 */
export async function postJson(url: string, body: unknown, opts: { apiKey?: string; timeoutMs: number; signal?: AbortSignal }): Promise<unknown> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), opts.timeoutMs);
  const onAbort = () => timeout.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: timeout.signal,
    });
    const text = await res.text();
    if (!res.ok) {
      throw new TransportError(kindForStatus(res.status), redact(`HTTP ${res.status}: ${text.slice(0, 300)}`), res.status, retryAfterFrom(res.headers));
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TransportError('malformed', `the response body is not JSON (${text.length} bytes: ${redact(text.slice(0, 80))})`);
    }
  } catch (e) {
    if (e instanceof TransportError) throw e;
    if (opts.signal?.aborted) throw new TransportError('aborted', 'request aborted');
    if (timeout.signal.aborted) throw new TransportError('timeout', `no answer within ${opts.timeoutMs} ms`);
    // undici reports refused connections as TypeError('fetch failed') with the reason in `cause`
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    throw new TransportError('connection', redact(`${e instanceof Error ? e.message : String(e)}${cause}`));
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs `work(i)` for i = 0 … n − 1 with at most `concurrency` at once, in order of i. Stops
 * starting new items once `signal` aborts or an item throws; rejects with the first error.
 */
export async function forEachLimited(n: number, concurrency: number, signal: AbortSignal | undefined, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const workers = Math.max(1, Math.min(n, Math.floor(concurrency) || 1));
  await Promise.all(
    Array.from({ length: workers }, async () => {
      // after one worker failed the others finish their item and take no more
      while (next < n && !failed) {
        if (signal?.aborted) throw new CancelledError();
        try {
          await work(next++);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    }),
  );
}
