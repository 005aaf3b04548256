import { CancelledError } from '../errors';

interface Waiter {
  tokens: number;
  resolve: () => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Requests-per-minute and tokens-per-minute budgets.
 *
 * Requests are paced on a fixed schedule (virtual scheduling: request i may start at
 * start + i·interval). A timer that fires a little late does not push the schedule back, so
 * the long-run rate is the limit itself rather than the limit minus timer lag; the interval is
 * 60/(rpm − 1) s, which keeps any rolling minute at or under `rpm` requests even when a late
 * start is followed by on-time ones. Tokens come from a bucket refilled continuously (ten
 * seconds of budget). Waiters are served first come, first served.
 */
export class RateLimiter {
  /** When the next request may start on the schedule (ms, on the `now` clock). */
  private nextStart: number;
  private tokens: number;
  private last: number;
  private queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rpm: number | undefined,
    private readonly tpm: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = tpm ? tpm / 6 : 0;
    this.last = this.now();
    this.nextStart = this.last;
  }

  get limited(): boolean {
    return Boolean(this.rpm || this.tpm);
  }

  /** Waits until one request of `tokens` estimated tokens fits both budgets, then takes it. */
  acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    if (!this.limited) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      const w: Waiter = { tokens, resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          this.queue = this.queue.filter((q) => q !== w);
          reject(new CancelledError());
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.pump();
    });
  }

  /** Returns tokens taken for an estimate larger than what the request really used. */
  refund(tokens: number): void {
    if (!this.tpm || tokens <= 0) return;
    this.refill();
    this.tokens = Math.min(this.tokenCapacity(), this.tokens + tokens);
    // the head waiter's timer was set for the old balance: look again now
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  /** The token bucket holds ten seconds of budget. */
  private tokenCapacity(): number {
    return (this.tpm ?? 0) / 6;
  }

  private refill(): void {
    const t = this.now();
    const dt = (t - this.last) / 60_000;
    this.last = t;
    if (this.tpm) this.tokens = Math.min(this.tokenCapacity(), this.tokens + dt * this.tpm);
  }

  private pump(): void {
    if (this.timer) return;
    for (;;) {
      const w = this.queue[0];
      if (!w) return;
      this.refill();
      const needReq = this.rpm ? Math.max(0, this.nextStart - this.last) / 60_000 : 0;
      // a request larger than the whole bucket waits for a full bucket and takes all of it
      const want = Math.min(w.tokens, this.tokenCapacity());
      const needTok = this.tpm ? Math.max(0, want - this.tokens) / this.tpm : 0;
      const waitMs = Math.max(needReq, needTok) * 60_000;
      if (waitMs > 0.5) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.ceil(waitMs));
        return;
      }
      this.queue.shift();
      if (this.rpm) {
        const interval = 60_000 / Math.max(1, this.rpm - 1);
        // late by less than one interval: keep the schedule; idle for longer: start a new one
        this.nextStart = this.last - this.nextStart < interval ? this.nextStart + interval : this.last + interval;
      }
      if (this.tpm) this.tokens -= want;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
  }
}
