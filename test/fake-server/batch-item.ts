/** One batch item: same content as a synchronous call, but no latency, RPM limit or faults. */
import { complete, type ChatRequest } from './completion';
import type { Dialect } from './dialect';
import { HttpError } from './http';
import { hashString, Rng } from './rng';

export type ItemOutcome =
  | { kind: 'ok'; body: Record<string, unknown>; inputTokens: number; outputTokens: number }
  /** The item's request body was invalid (a client bug, reported as a 400-style error). */
  | { kind: 'invalid'; message: string }
  /** Drawn by batchFailRate: a transient server-side failure; `variant` picks among error shapes. */
  | { kind: 'failed'; variant: number };

/** Settings captured when the batch was submitted, so a later configure() does not change it. */
export interface BatchContext {
  seq: number;
  failRate: number;
  delayMs: number;
  seed: number;
}

export function runBatchItem(dialect: Dialect, ctx: BatchContext, customId: string, body: unknown): ItemOutcome {
  // Keyed by seed + batch number + custom_id: reproducible per run, fresh for a resubmitted item.
  const failRng = new Rng(hashString(`${ctx.seq}\u0000${customId}`, Math.floor(ctx.seed)));
  let chat: ChatRequest;
  try {
    chat = dialect.parse(body);
  } catch (err) {
    if (err instanceof HttpError) return { kind: 'invalid', message: err.message };
    throw err;
  }
  if (failRng.chance(ctx.failRate)) return { kind: 'failed', variant: failRng.int(0, 1) };
  const out = complete(chat, ctx.seed);
  return { kind: 'ok', body: dialect.render(chat, out, { batch: true }), inputTokens: out.inputTokens, outputTokens: out.outputTokens };
}
