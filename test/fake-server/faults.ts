/** Rate limiting and fault injection: the misbehaviour a real provider shows under load. */
import type { FaultKind } from './options';
import type { Rng } from './rng';

const WINDOW_MS = 60_000;

/** Rolling 60 s window of accepted requests. Rejected requests are not recorded. */
export class RpmLimiter {
  private accepted: number[] = [];

  /** Records the request and returns 0 if it fits, else how many ms until a slot frees up. */
  tryAccept(now: number, limit: number | undefined): number {
    while (this.accepted.length > 0 && (this.accepted[0] ?? 0) <= now - WINDOW_MS) this.accepted.shift();
    if (limit !== undefined && this.accepted.length >= limit) {
      const oldest = this.accepted[this.accepted.length - limit] ?? now;
      return Math.max(1, oldest + WINDOW_MS - now);
    }
    this.accepted.push(now);
    return 0;
  }

  clear(): void {
    this.accepted = [];
  }
}

/** One draw per request that passed the limiter, so the fault sequence depends only on the seed. */
export function drawFault(rng: Rng, rate: number, kinds: readonly FaultKind[]): FaultKind | undefined {
  if (!rng.chance(rate) || kinds.length === 0) return undefined;
  return rng.pick(kinds);
}
