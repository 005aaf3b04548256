import * as assert from 'node:assert/strict';
import { getEventListeners, setMaxListeners } from 'node:events';
import { CancelledError } from '../../src/core/errors';
import { EndpointPool, TransportFailure, type PoolOptions } from '../../src/core/jobs/endpointPool';
import { RateLimiter } from '../../src/core/jobs/rateLimiter';
import { TransportError, type ChatClient, type ChatRequest, type ChatResponse } from '../../src/core/providers/types';
import { isSettled } from './helpers/engine';

/** A clock the test moves by hand. */
class FakeClock {
  t = 0;
  readonly now = () => this.t;
}

function track<T>(p: Promise<T>, order: number[], i: number): Promise<T> {
  return p.then((v) => {
    order.push(i);
    return v;
  });
}

describe('RateLimiter', function () {
  // a broken limiter hangs; fail quickly instead of after the global 60 s
  this.timeout(5000);

  it('without limits every acquire resolves at once', async () => {
    const limiter = new RateLimiter(undefined, undefined);
    assert.equal(limiter.limited, false);
    const all = Array.from({ length: 100 }, () => limiter.acquire(10_000));
    assert.equal(await isSettled(Promise.all(all)), true);
  });

  it('rpm: the first request goes at once, the rest are paced one at a time, first come first served', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(6000, undefined, clock.now); // one request per 10 ms of (fake) time
    const order: number[] = [];
    const ps = Array.from({ length: 5 }, (_, i) => track(limiter.acquire(1), order, i));
    assert.equal(await isSettled(ps[0] as Promise<void>), true);
    assert.equal(await isSettled(ps[1] as Promise<void>), false, 'the clock has not moved: the second request must wait');
    assert.deepEqual(order, [0]);

    clock.t = 10;
    await ps[1];
    assert.equal(await isSettled(ps[2] as Promise<void>), false);
    // 20 ms more of budget, but the bucket holds a single request: no burst
    clock.t = 40;
    await ps[2];
    assert.equal(await isSettled(ps[3] as Promise<void>), false, 'requests are paced evenly, without bursts');
    clock.t = 50;
    await ps[3];
    clock.t = 60;
    await ps[4];
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  it('abort rejects a waiter with CancelledError and removes it from the queue', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(6000, undefined, clock.now);
    const order: number[] = [];
    const a0 = track(limiter.acquire(1), order, 0);
    const a1 = track(limiter.acquire(1), order, 1);
    const ac = new AbortController();
    const a2 = limiter.acquire(1, ac.signal);
    const a3 = track(limiter.acquire(1), order, 3);
    await a0;
    ac.abort();
    await assert.rejects(a2, CancelledError);
    clock.t = 10;
    await a1;
    // the aborted waiter no longer takes a turn: the next 10 ms go to a3
    clock.t = 20;
    await a3;
    assert.deepEqual(order, [0, 1, 3]);
  });

  it('an already aborted signal rejects at once and takes nothing', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(6000, undefined, clock.now);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(limiter.acquire(1, ac.signal), CancelledError);
    assert.equal(await isSettled(limiter.acquire(1)), true, 'the aborted request did not use the budget');
  });

  describe('tpm', () => {
    const pending: AbortController[] = [];
    afterEach(() => {
      for (const ac of pending.splice(0)) ac.abort();
    });
    const acquire = (limiter: RateLimiter, tokens: number) => {
      const ac = new AbortController();
      pending.push(ac);
      const p = limiter.acquire(tokens, ac.signal);
      p.catch(() => undefined);
      return p;
    };

    it('a request larger than the remaining budget waits; later small ones wait behind it (FIFO)', async () => {
      const clock = new FakeClock();
      const limiter = new RateLimiter(undefined, 600, clock.now); // bucket of 100 tokens (10 s worth)
      assert.equal(await isSettled(acquire(limiter, 95)), true);
      const big = acquire(limiter, 10);
      const small = acquire(limiter, 1);
      assert.equal(await isSettled(big), false, 'only 5 tokens are left');
      assert.equal(await isSettled(small), false, 'a later request must not overtake the one waiting');
    });

    it('refund() returns tokens and lets the blocked request go', async () => {
      const clock = new FakeClock();
      const limiter = new RateLimiter(undefined, 600, clock.now);
      await acquire(limiter, 95);
      const big = acquire(limiter, 10);
      const small = acquire(limiter, 1);
      assert.equal(await isSettled(big), false);
      limiter.refund(5); // the first request used 5 tokens less than estimated
      assert.equal(await isSettled(big), true, 'refunded tokens cover the waiting request, with no time passing');
      assert.equal(await isSettled(small), false, 'the bucket is empty again');
      limiter.refund(1);
      assert.equal(await isSettled(small), true);
    });

    it('refund() never fills the bucket beyond its size', async () => {
      const clock = new FakeClock();
      const limiter = new RateLimiter(undefined, 600, clock.now);
      limiter.refund(1000);
      assert.equal(await isSettled(acquire(limiter, 100)), true);
      assert.equal(await isSettled(acquire(limiter, 1)), false, 'a refund into a full bucket added nothing');
    });

    it('time refills the budget', async () => {
      const clock = new FakeClock();
      const limiter = new RateLimiter(undefined, 60_000, clock.now); // 1 token per ms, bucket 10 000
      await acquire(limiter, 10_000);
      const next = acquire(limiter, 5);
      assert.equal(await isSettled(next), false);
      clock.t = 5;
      await next;
    });

    it('a request larger than the whole bucket starts once the bucket is full', async () => {
      const clock = new FakeClock();
      const limiter = new RateLimiter(undefined, 600, clock.now); // bucket of 100 tokens
      // e.g. 4096 max_tokens + the prompt against a small TPM limit: it can never "fit", so it goes on a full bucket
      assert.equal(await isSettled(acquire(limiter, 150)), true, 'a full bucket lets an oversized request start');
      assert.equal(await isSettled(acquire(limiter, 1)), false, 'and that empties the bucket');
    });
  });
});

// ---------------------------------------------------------------------------------------------

interface Call {
  at: number;
  req: ChatRequest;
  resolve: (r?: ChatResponse) => void;
  reject: (e: Error) => void;
}

const OK: ChatResponse = { text: 'ok', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };

/**
 * A ChatClient (our own interface) whose requests are answered by the test: `behave` decides per call
 * whether to answer at once, fail, or hold the request until the test resolves it.
 */
class TestClient implements ChatClient {
  readonly calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    readonly baseURL: string,
    private readonly behave: (n: number, call: Call) => void = (_, c) => c.resolve(),
  ) {}

  chat(req: ChatRequest): Promise<ChatResponse> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<ChatResponse>((resolve, reject) => {
      const call: Call = { at: Date.now(), req, resolve: (r) => resolve(r ?? { ...OK, text: this.baseURL }), reject };
      this.calls.push(call);
      this.behave(this.calls.length - 1, call);
    }).finally(() => this.inFlight--);
  }
}

const hold = () => undefined;

const REQ: ChatRequest = {
  model: 'm',
  system: 's',
  messages: [{ role: 'user', content: 'hi' }],
  sampling: { temperature: 1, top_p: 0.9, max_tokens: 16, stop: ['[END]'] },
};

function pool(clients: ChatClient[], opts: Partial<PoolOptions> = {}): EndpointPool {
  return new EndpointPool(clients, { concurrency: 4, maxTransportRetries: 3, backoffBaseMs: 1, random: () => 0, ...opts });
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

async function failure(p: Promise<unknown>): Promise<TransportFailure> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TransportFailure, `expected a TransportFailure, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a TransportFailure');
}

describe('EndpointPool', function () {
  this.timeout(5000);

  it('needs at least one client', () => {
    assert.throws(() => pool([]), /at least one client/);
  });

  it('balances by least outstanding requests across endpoints', async () => {
    const clients = ['a', 'b', 'c'].map((u) => new TestClient(u, hold));
    const [a, b, c] = clients as [TestClient, TestClient, TestClient];
    const p = pool(clients, { concurrency: 10 });
    const first = Array.from({ length: 9 }, () => p.chat(REQ, 10));
    await until(() => a.calls.length + b.calls.length + c.calls.length === 9);
    assert.deepEqual(
      clients.map((x) => x.calls.length),
      [3, 3, 3],
    );
    assert.equal(p.inFlight, 9);
    // b finishes its three; the next three all go to b, which now has the fewest outstanding
    for (const call of b.calls) call.resolve();
    await until(() => p.inFlight === 6);
    const more = Array.from({ length: 3 }, () => p.chat(REQ, 10));
    await until(() => p.inFlight === 9);
    assert.deepEqual(
      clients.map((x) => x.calls.length),
      [3, 6, 3],
    );
    for (const x of clients) for (const call of x.calls) call.resolve();
    const results = await Promise.all([...first, ...more]);
    assert.deepEqual(
      results.map((r) => r.endpoint).sort(),
      ['a', 'a', 'a', 'b', 'b', 'b', 'b', 'b', 'b', 'c', 'c', 'c'],
    );
    assert.ok(results.every((r) => r.retries.length === 0 && r.response.text === r.endpoint));
  });

  it('never exceeds the concurrency limit per endpoint, and uses all of it', async () => {
    let maxTotal = 0;
    // each request is answered after a few event-loop turns (deterministic pseudo-random)
    const answerLater = (n: number, call: Call) => {
      maxTotal = Math.max(maxTotal, clients.reduce((sum, x) => sum + x.inFlight, 0));
      let turns = (n * 7) % 5;
      const tick = () => (turns-- > 0 ? setImmediate(tick) : call.resolve());
      setImmediate(tick);
    };
    const clients: TestClient[] = ['a', 'b', 'c'].map((u) => new TestClient(u, answerLater));
    const p = pool(clients, { concurrency: 2 });
    assert.equal(p.capacity, 6);
    const results = await Promise.all(Array.from({ length: 30 }, () => p.chat(REQ, 10)));
    assert.equal(results.length, 30);
    assert.equal(clients.reduce((n, x) => n + x.calls.length, 0), 30);
    assert.deepEqual(
      clients.map((x) => x.maxInFlight),
      [2, 2, 2],
      'at most 2 in flight per endpoint, and each endpoint reached its limit',
    );
    assert.equal(maxTotal, 6);
    assert.equal(p.inFlight, 0);
  });

  it('a 429 with retry-after pauses that endpoint: no request reaches it before the pause ends', async () => {
    const PAUSE = 150;
    let rateLimitedAt = 0;
    const a = new TestClient('a', (n, call) => {
      if (n === 0) {
        rateLimitedAt = Date.now();
        call.reject(new TransportError('rate_limit', 'HTTP 429', 429, PAUSE));
      } else call.resolve();
    });
    const b = new TestClient('b', hold);
    const p = pool([a, b], { concurrency: 1 });
    const first = p.chat(REQ, 10);
    // the first request is refused by a, retried at once on b (which holds it)
    await until(() => b.calls.length === 1);
    assert.equal(a.calls.length, 1);
    // a is paused and b is full: the second request must wait for the pause to end, then go to a
    const second = p.chat(REQ, 10);
    const r2 = await second;
    assert.equal(r2.endpoint, 'a');
    assert.equal(a.calls.length, 2);
    assert.ok((a.calls[1] as Call).at >= rateLimitedAt + PAUSE, `a was called ${(a.calls[1] as Call).at - rateLimitedAt} ms after its 429`);
    assert.equal(b.calls.length, 1);
    (b.calls[0] as Call).resolve();
    const r1 = await first;
    assert.equal(r1.endpoint, 'b');
    assert.deepEqual(r1.retries, ['transport-rate_limit: HTTP 429 (a)']);
  });

  it('a non-retryable error (bad_request) fails at once with its reason', async () => {
    const a = new TestClient('a', (_, c) => c.reject(new TransportError('bad_request', 'HTTP 400: unknown parameter', 400)));
    const f = await failure(pool([a], { maxTransportRetries: 5 }).chat(REQ, 10));
    assert.deepEqual(f.reasons, ['transport-bad_request: HTTP 400: unknown parameter (a)']);
    assert.equal(f.fatal, false);
    assert.equal(f.message, f.reasons[0]);
    assert.equal(a.calls.length, 1);
  });

  it('an auth error (and a 404) is fatal for the generator', async () => {
    const a = new TestClient('a', (_, c) => c.reject(new TransportError('auth', 'HTTP 401: invalid key', 401)));
    const f = await failure(pool([a]).chat(REQ, 10));
    assert.equal(f.fatal, true);
    assert.deepEqual(f.reasons, ['transport-auth: HTTP 401: invalid key (a)']);
    assert.equal(a.calls.length, 1);
    const nf = new TestClient('nf', (_, c) => c.reject(new TransportError('bad_request', 'HTTP 404: model not found', 404)));
    assert.equal((await failure(pool([nf]).chat(REQ, 10))).fatal, true);
  });

  it('when retries run out, the failure lists every reason', async () => {
    const a = new TestClient('a', (n, c) => c.reject(new TransportError('server', `HTTP 50${n}`, 500 + n)));
    const f = await failure(pool([a], { maxTransportRetries: 3 }).chat(REQ, 10));
    assert.deepEqual(f.reasons, ['transport-server: HTTP 500 (a)', 'transport-server: HTTP 501 (a)', 'transport-server: HTTP 502 (a)', 'transport-server: HTTP 503 (a)']);
    assert.equal(f.fatal, false);
    assert.equal(f.message, 'transport-server: HTTP 503 (a)');
    assert.equal(a.calls.length, 4);
  });

  it('a retry that succeeds reports the failed tries; unknown errors count as connection errors', async () => {
    const a = new TestClient('a', (n, c) => (n === 0 ? c.reject(new TypeError('fetch failed')) : n === 1 ? c.reject(new TransportError('timeout', 'timed out')) : c.resolve()));
    const r = await pool([a]).chat(REQ, 10);
    assert.deepEqual(r.retries, ['transport-connection: TypeError: fetch failed (a)', 'transport-timeout: timed out (a)']);
    assert.equal(r.endpoint, 'a');
  });

  it('abort while waiting for a free endpoint rejects with CancelledError', async () => {
    const a = new TestClient('a', hold);
    const p = pool([a], { concurrency: 1 });
    const first = p.chat(REQ, 10);
    await until(() => a.calls.length === 1);
    const ac = new AbortController();
    const second = p.chat(REQ, 10, ac.signal);
    assert.equal(await isSettled(second), false);
    ac.abort();
    await assert.rejects(second, CancelledError);
    (a.calls[0] as Call).resolve();
    await first;
    assert.equal(a.calls.length, 1, 'the aborted request was never sent');
    // the pool still works afterwards
    const third = p.chat(REQ, 10);
    await until(() => a.calls.length === 2);
    (a.calls[1] as Call).resolve();
    assert.equal((await third).endpoint, 'a');
  });

  it('abort during a request rejects with CancelledError, not a transport failure', async () => {
    const a = new TestClient('a', (_, c) => c.req.signal?.addEventListener('abort', () => c.reject(new TransportError('aborted', 'aborted'))));
    const ac = new AbortController();
    const p = pool([a]).chat(REQ, 10, ac.signal);
    await until(() => a.calls.length === 1);
    const passed = (a.calls[0] as Call).req.signal;
    assert.ok(passed && passed !== ac.signal && !passed.aborted, 'the client gets its own signal, linked to the caller\'s');
    ac.abort();
    assert.equal(passed.aborted, true, 'aborting the caller\'s signal aborts the request');
    await assert.rejects(p, CancelledError);
  });

  it('leaves no listener on a long-lived signal, however many requests used it', async () => {
    // the SDKs add a listener to the signal they are given and never remove it
    const a = new TestClient('a', (_, c) => {
      c.req.signal?.addEventListener('abort', () => undefined);
      c.resolve();
    });
    const run = new AbortController();
    setMaxListeners(0, run.signal); // requests waiting for a slot hold one listener each, as runBenchmark allows
    const p = pool([a], { concurrency: 8 });
    await Promise.all(Array.from({ length: 500 }, () => p.chat(REQ, 10, run.signal)));
    assert.equal(a.calls.length, 500);
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  });
});

describe('adaptive concurrency against a server with an undeclared cap (fake server on loopback)', () => {
  it('converges to the cap: >= 90 % of the throughput of a pool told the cap, with few 429s; declared limits still win', async () => {
    const { startFakeServer } = await import('../fake-server');
    const { OpenAIChatClient } = await import('../../src/core/providers/openai');
    const cap = 8;
    const server = await startFakeServer({ latencyMs: 50, concurrencyLimit: cap });
    try {
      const client = new OpenAIChatClient(server.openaiBaseURL, 'test-key', 10_000);
      const requests = 400;
      /** Runs `requests` through a pool; how busy the server was kept (its answered time over span × cap). */
      const drive = async (pool: EndpointPool) => {
        server.reset();
        let next = 0;
        await Promise.all(
          Array.from({ length: pool.capacity }, async () => {
            while (next++ < requests) await pool.chat({ ...REQ, model: 'fake-model' }, 10);
          }),
        );
        const stats = server.stats();
        assert.equal(stats.byStatus['200'], requests);
        const served = stats.served;
        assert.ok(served);
        return { busy: served.busyMs / ((served.lastAt - served.firstAt) * cap), refused: stats.overCapacity ?? 0 };
      };
      // the peer: told the exact cap, so nothing to learn (what this machine and the SDK allow)
      const peer = await drive(new EndpointPool([client], { concurrency: cap, adaptive: false, maxTransportRetries: 0 }));
      assert.equal(peer.refused, 0);
      // nothing declared but a generous concurrency: the pool must learn the cap from 429s
      const adaptive = new EndpointPool([client], { concurrency: 32, maxTransportRetries: 50, backoffBaseMs: 20 });
      const learned = await drive(adaptive);
      if (process.env.AGB_PRINT) console.log({ peer, learned, limit: adaptive.limits });
      assert.ok(learned.busy / peer.busy >= 0.9, `adaptive: ${(learned.busy * 100).toFixed(1)} % busy, peer ${(peer.busy * 100).toFixed(1)} %`);
      assert.ok(learned.refused / requests <= 0.1, `${learned.refused} requests refused with 429 of ${requests}`);
      const limit = adaptive.limits[0] ?? 0;
      assert.ok(limit >= cap - 1 && limit <= cap + 1, `limit ${limit}`);

      // a declared rate limit turns learning off: the configured concurrency is used as given
      server.reset();
      const declared = new EndpointPool([client], { concurrency: 4, rpm: 1_000_000, maxTransportRetries: 50, backoffBaseMs: 5 });
      await Promise.all(Array.from({ length: 40 }, () => declared.chat({ ...REQ, model: 'fake-model' }, 10)));
      assert.ok(server.stats().maxConcurrent <= 4);
      assert.deepEqual(declared.limits, [4]);
    } finally {
      await server.close();
    }
  });
});
