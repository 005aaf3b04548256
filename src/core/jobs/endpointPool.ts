import { CancelledError } from '../errors';
import { TransportError, type ChatClient, type ChatRequest, type ChatResponse } from '../providers/types';
import { linkedAbort } from '../util/abort';
import { sleep } from '../util/sleep';
import { RateLimiter } from './rateLimiter';

export interface PoolOptions {
  /** Requests in flight at once, per endpoint. */
  concurrency: number;
  rpm?: number;
  tpm?: number;
  /** Extra tries of one request after 429, 5xx, timeouts and connection errors. */
  maxTransportRetries: number;
  /**
   * Learn each endpoint's real capacity from overload answers (429, 503, 529): on one, its
   * concurrency drops to the requests it was serving; then it probes upwards slowly (additive
   * increase). `concurrency` stays the ceiling. Off when the user declared rpm/tpm: declared
   * limits win. Default: on exactly when neither is declared.
   */
  adaptive?: boolean;
  /** Back-off base and cap in ms (exponential with full jitter). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
}

/** Connection failures tolerated before the first answer, before a pool is declared unreachable. */
const UNREACHABLE_AFTER = 2;

/** A request that failed every transport try; `reasons` lists each failure. */
export class TransportFailure extends Error {
  constructor(
    readonly reasons: string[],
    /** True when no request to this generator can succeed (authentication refused, model not found, unreachable). */
    readonly fatal = false,
  ) {
    super(reasons[reasons.length - 1] ?? 'transport failure');
    this.name = 'TransportFailure';
  }
}

interface Endpoint {
  client: ChatClient;
  outstanding: number;
  /** No request starts on this endpoint before this time (after a 429). */
  pausedUntil: number;
  /** Requests it may serve at once: the declared concurrency, or less once it said it is overloaded. */
  limit: number;
  /** Whether it ever answered overload (probing is slow from then on). */
  overloaded: boolean;
}

/** After an overload, successes raise an endpoint's limit by one per this many full windows. */
const PROBE_WINDOWS = 10;

/**
 * "Too much at once" from a server that declares no limit: a 429 without a retry hint, or 503 /
 * 529 (overloaded). A 429 that says when to retry is a rate budget: the endpoint pauses instead.
 */
function isOverload(err: TransportError): boolean {
  return (err.kind === 'rate_limit' && err.retryAfterMs === undefined) || err.status === 503 || err.status === 529;
}

/** How a transport failure is named in log lines (one line per cause). */
function transportCause(err: TransportError): string {
  if (err.kind === 'rate_limit') return `429 rate limit${err.retryAfterMs !== undefined ? ' (endpoint paused as asked)' : ''}`;
  if (err.kind === 'timeout') return 'timeout';
  if (err.kind === 'server') return `server error${err.status ? ` ${err.status}` : ''}`;
  if (err.kind === 'connection') return 'connection error';
  if (err.kind === 'malformed') return 'malformed response';
  return err.kind;
}

export interface PoolResult {
  response: ChatResponse;
  endpoint: string;
  /** Failed tries before the one that succeeded. */
  retries: string[];
}

/**
 * Sends one generator's requests over its endpoints (several base URLs = vLLM replicas):
 * shared RPM/TPM budgets, a concurrency limit per endpoint, least-outstanding balancing,
 * retries with jittered exponential back-off on retryable failures, and a pause of the
 * endpoint for `retry-after` when it answers 429, so all waiting requests back off together.
 */
export class EndpointPool {
  private readonly endpoints: Endpoint[];
  private readonly limiter: RateLimiter;
  private waiters: (() => void)[] = [];
  /** Whether any request of this pool has been answered yet. */
  private reached = false;
  private readonly random: () => number;
  private readonly adaptive: boolean;
  /** Transport failures (retried or not) by cause since the last `takeTransportErrors`; touched only on failures. */
  private transportErrors = new Map<string, number>();

  constructor(
    clients: ChatClient[],
    private readonly opts: PoolOptions,
  ) {
    if (!clients.length) throw new Error('an endpoint pool needs at least one client');
    this.endpoints = clients.map((client) => ({ client, outstanding: 0, pausedUntil: 0, limit: opts.concurrency, overloaded: false }));
    this.limiter = new RateLimiter(opts.rpm, opts.tpm);
    this.adaptive = opts.adaptive ?? (opts.rpm === undefined && opts.tpm === undefined);
    this.random = opts.random ?? Math.random;
  }

  /** Total requests the pool runs at once. */
  get capacity(): number {
    return this.endpoints.length * this.opts.concurrency;
  }

  get inFlight(): number {
    return this.endpoints.reduce((n, e) => n + e.outstanding, 0);
  }

  async chat(req: ChatRequest, estimatedTokens: number, signal?: AbortSignal): Promise<PoolResult> {
    const retries: string[] = [];
    for (let attempt = 0; ; attempt++) {
      await this.limiter.acquire(estimatedTokens, signal);
      const ep = await this.takeEndpoint(signal);
      const link = linkedAbort(signal);
      try {
        const response = await ep.client.chat({ ...req, signal: link.signal });
        this.reached = true;
        this.grow(ep);
        this.limiter.refund(estimatedTokens - response.usage.inputTokens - response.usage.outputTokens);
        return { response, endpoint: ep.client.baseURL, retries };
      } catch (e) {
        if (signal?.aborted) throw new CancelledError();
        const err = e instanceof TransportError ? e : new TransportError('connection', String(e));
        retries.push(`transport-${err.kind}: ${err.message} (${ep.client.baseURL})`);
        const cause = transportCause(err);
        this.transportErrors.set(cause, (this.transportErrors.get(cause) ?? 0) + 1);
        // an endpoint that has never answered and refuses connections is misconfigured or
        // unreachable: say so after a few tries instead of backing off for minutes per request
        const unreachable = !this.reached && err.kind === 'connection' && attempt >= UNREACHABLE_AFTER;
        if (!err.retryable || attempt >= this.opts.maxTransportRetries || unreachable) {
          throw new TransportFailure(unreachable ? [...retries, `cannot reach ${ep.client.baseURL}`] : retries, err.kind === 'auth' || err.status === 404 || unreachable);
        }
        if (this.adaptive && isOverload(err)) this.shrink(ep);
        const backoff = this.backoff(attempt);
        if (err.kind === 'rate_limit') {
          const wait = err.retryAfterMs ?? backoff;
          ep.pausedUntil = Math.max(ep.pausedUntil, Date.now() + wait);
        } else {
          await sleep(backoff, signal);
        }
      } finally {
        link.release();
        ep.outstanding--;
        this.wakeOne();
      }
    }
  }

  /** Transport failures by cause since the last call (then cleared): for rate-limited log lines. */
  takeTransportErrors(): Map<string, number> {
    const m = this.transportErrors;
    if (m.size) this.transportErrors = new Map();
    return m;
  }

  /** Current concurrency limit of each endpoint (adaptive concurrency), for progress and tests. */
  get limits(): number[] {
    return this.endpoints.map((e) => Math.floor(e.limit));
  }

  /**
   * An overload answer while `outstanding` requests (this one included) were out: the endpoint
   * served the others, so its capacity is at most `outstanding - 1`. Every overload can only
   * lower the limit to that, so a burst of rejections settles on the real capacity at once.
   */
  private shrink(ep: Endpoint): void {
    ep.limit = Math.max(1, Math.min(ep.limit, ep.outstanding - 1));
    ep.overloaded = true;
  }

  /** Additive increase after an overload: one more request per PROBE_WINDOWS windows of successes. */
  private grow(ep: Endpoint): void {
    if (!ep.overloaded || ep.limit >= this.opts.concurrency) return;
    ep.limit = Math.min(this.opts.concurrency, ep.limit + 1 / (PROBE_WINDOWS * Math.floor(ep.limit)));
  }

  private backoff(attempt: number): number {
    const base = this.opts.backoffBaseMs ?? 1000;
    const cap = this.opts.backoffCapMs ?? 60_000;
    return this.random() * Math.min(cap, base * 2 ** attempt);
  }

  /** The free endpoint with the fewest outstanding requests; waits while all are full or paused. */
  private async takeEndpoint(signal?: AbortSignal): Promise<Endpoint> {
    for (;;) {
      if (signal?.aborted) throw new CancelledError();
      const now = Date.now();
      let best: Endpoint | undefined;
      let soonest = Infinity;
      for (const e of this.endpoints) {
        if (e.pausedUntil > now) {
          soonest = Math.min(soonest, e.pausedUntil);
          continue;
        }
        if (e.outstanding < Math.floor(e.limit) && (!best || e.outstanding < best.outstanding)) best = e;
      }
      if (best) {
        best.outstanding++;
        return best;
      }
      await this.waitForChange(soonest === Infinity ? undefined : soonest - now, signal);
    }
  }

  private waitForChange(timeoutMs: number | undefined, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== done);
        if (timer) clearTimeout(timer);
        reject(new CancelledError());
      };
      this.waiters.push(done);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== done);
          done();
        }, Math.max(1, timeoutMs));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wakeOne(): void {
    this.waiters.shift()?.();
  }
}
