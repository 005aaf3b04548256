/**
 * Anthropic Message Batches: status derived from elapsed time (no timers); results are a JSONL
 * download at an absolute `results_url` on this server, which is what the SDK's results() fetches.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { anthropicDialect } from './anthropic';
import { runBatchItem, type BatchContext } from './batch-item';
import { HttpError, isRecord, newId, send, sendJson } from './http';
import type { ServerState } from './state';

interface AnthropicBatch extends BatchContext {
  id: string;
  createdMs: number;
  requests: Array<{ customId: string; params: unknown }>;
  cancelledMs?: number;
  done?: { endedMs: number; lines: string[]; succeeded: number; errored: number; canceled: number };
}

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export class AnthropicBatches {
  private readonly batches = new Map<string, AnthropicBatch>();

  constructor(private readonly state: ServerState) {}

  create(body: unknown, headers: IncomingHttpHeaders, res: ServerResponse): void {
    if (!isRecord(body) || !Array.isArray(body.requests) || body.requests.length === 0) {
      throw new HttpError(400, 'requests: must be a non-empty list');
    }
    const list: unknown[] = body.requests;
    const seen = new Set<string>();
    const requests = list.map((r, i) => {
      // The real API enforces this pattern; enforcing it here catches client ids that would fail there.
      if (!isRecord(r) || typeof r.custom_id !== 'string' || !CUSTOM_ID.test(r.custom_id)) {
        throw new HttpError(400, `requests.${i}.custom_id: must match ${CUSTOM_ID.source}`);
      }
      if (seen.has(r.custom_id)) throw new HttpError(400, `requests.${i}.custom_id: duplicate '${r.custom_id}'`);
      if (!isRecord(r.params)) throw new HttpError(400, `requests.${i}.params: Field required`);
      seen.add(r.custom_id);
      return { customId: r.custom_id, params: r.params };
    });
    const { batchDelayMs, batchFailRate, seed } = this.state.options;
    const batch: AnthropicBatch = {
      id: newId('msgbatch_'),
      seq: ++this.state.batchSeq,
      delayMs: batchDelayMs,
      failRate: batchFailRate,
      seed,
      createdMs: Date.now(),
      requests,
    };
    this.batches.set(batch.id, batch);
    this.state.stats.batches.anthropic++;
    sendJson(res, 200, this.view(batch, headers));
  }

  retrieve(id: string, headers: IncomingHttpHeaders, res: ServerResponse): void {
    sendJson(res, 200, this.view(this.get(id), headers));
  }

  cancel(id: string, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const batch = this.get(id);
    if (!this.ended(batch)) batch.cancelledMs = Date.now();
    sendJson(res, 200, this.view(batch, headers, batch.cancelledMs !== undefined && !batch.done));
  }

  results(id: string, res: ServerResponse): void {
    const batch = this.get(id);
    if (!this.ended(batch)) throw new HttpError(404, `Batch ${id} has not ended yet; results are not available.`);
    const lines = this.finish(batch).lines;
    send(res, 200, lines.map((l) => l + '\n').join(''), 'application/x-jsonl');
  }

  list(query: URLSearchParams, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const all = [...this.batches.values()].reverse();
    const after = query.get('after_id');
    const start = after ? all.findIndex((b) => b.id === after) + 1 : 0;
    const limit = Math.min(1000, Math.max(1, Number(query.get('limit') ?? 20) || 20));
    const page = all.slice(start, start + limit);
    sendJson(res, 200, {
      data: page.map((b) => this.view(b, headers)),
      has_more: start + limit < all.length,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    });
  }

  remove(id: string, res: ServerResponse): void {
    const batch = this.get(id);
    if (!this.ended(batch)) throw new HttpError(400, 'Batch must have ended before it can be deleted.');
    this.batches.delete(id);
    sendJson(res, 200, { id, type: 'message_batch_deleted' });
  }

  private get(id: string): AnthropicBatch {
    const batch = this.batches.get(id);
    if (!batch) throw new HttpError(404, `No message batch found with id '${id}'.`);
    return batch;
  }

  private ended(batch: AnthropicBatch): boolean {
    return batch.cancelledMs !== undefined || Date.now() - batch.createdMs >= batch.delayMs;
  }

  /** Runs every item once (or marks them canceled); usage of succeeded items counts in stats now. */
  private finish(batch: AnthropicBatch): NonNullable<AnthropicBatch['done']> {
    if (batch.done) return batch.done;
    const done = { endedMs: batch.cancelledMs ?? Date.now(), lines: [] as string[], succeeded: 0, errored: 0, canceled: 0 };
    for (const r of batch.requests) {
      if (batch.cancelledMs !== undefined) {
        done.canceled++;
        done.lines.push(JSON.stringify({ custom_id: r.customId, result: { type: 'canceled' } }));
        continue;
      }
      const outcome = runBatchItem(anthropicDialect, batch, r.customId, r.params);
      if (outcome.kind === 'ok') {
        done.succeeded++;
        this.state.addUsage(outcome.inputTokens, outcome.outputTokens);
        done.lines.push(JSON.stringify({ custom_id: r.customId, result: { type: 'succeeded', message: outcome.body } }));
        continue;
      }
      done.errored++;
      const error =
        outcome.kind === 'invalid'
          ? anthropicDialect.errorBody('invalid_request', outcome.message)
          : anthropicDialect.errorBody('server_error', 'Internal server error (injected batch failure).');
      done.lines.push(JSON.stringify({ custom_id: r.customId, result: { type: 'errored', error } }));
    }
    batch.done = done;
    return done;
  }

  private view(batch: AnthropicBatch, headers: IncomingHttpHeaders, canceling = false): Record<string, unknown> {
    const ended = !canceling && this.ended(batch);
    const done = ended ? this.finish(batch) : undefined;
    const iso = (ms: number): string => new Date(ms).toISOString();
    // Absolute URL built from the Host the client used, so it works behind any loopback alias.
    const origin = `http://${headers.host ?? '127.0.0.1'}`;
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: canceling ? 'canceling' : ended ? 'ended' : 'in_progress',
      request_counts: {
        processing: done ? 0 : batch.requests.length,
        succeeded: done?.succeeded ?? 0,
        errored: done?.errored ?? 0,
        canceled: done?.canceled ?? 0,
        expired: 0,
      },
      created_at: iso(batch.createdMs),
      expires_at: iso(batch.createdMs + 24 * 3600 * 1000),
      ended_at: done ? iso(done.endedMs) : null,
      archived_at: null,
      cancel_initiated_at: batch.cancelledMs !== undefined ? iso(batch.cancelledMs) : null,
      results_url: done ? `${origin}/v1/messages/batches/${batch.id}/results` : null,
    };
  }
}
