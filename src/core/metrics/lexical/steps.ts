/**
 * Long computations written as generators that yield between chunks of work (≈ 1,000 texts).
 * The synchronous API runs them straight through (`drain`); the asynchronous one lets the event
 * loop run at every yield (`drainAsync`), so a thread shared with an editor never stops for the
 * whole job, only for one chunk at a time.
 */
import { CancelledError } from '../../errors';

export type Steps<T> = Generator<void, T, void>;

/** Texts per chunk between two yields. */
export const CHUNK = 1000;

export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs the steps, letting the event loop run between them; rejects with CancelledError once `signal` aborts. */
export async function drainAsync<T>(steps: Steps<T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    if (signal?.aborted) throw new CancelledError();
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
