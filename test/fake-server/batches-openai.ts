/**
 * OpenAI Batch API: input from an uploaded JSONL file, status derived from elapsed time (no timers),
 * results published as output/error files on first retrieval after the delay.
 */
import type { ServerResponse } from 'node:http';
import { runBatchItem, type BatchContext } from './batch-item';
import { getFile, storeFile } from './files';
import { HttpError, isRecord, newId, sendJson } from './http';
import { openaiDialect } from './openai';
import type { ServerState } from './state';

const ENDPOINT = '/v1/chat/completions';

interface InputLine {
  customId: string;
  body: unknown;
}

interface OpenAIBatch extends BatchContext {
  id: string;
  createdMs: number;
  inputFileId: string;
  completionWindow: string;
  metadata: unknown;
  lines: InputLine[];
  /** Set when the input file failed validation: the batch is 'failed' from the start. */
  errors?: Array<{ code: string; message: string; line: number | null }>;
  cancelledMs?: number;
  done?: { completedMs: number; outputFileId: string | null; errorFileId: string | null; completed: number; failed: number };
}

export class OpenAIBatches {
  private readonly batches = new Map<string, OpenAIBatch>();

  constructor(private readonly state: ServerState) {}

  create(body: unknown, res: ServerResponse): void {
    if (!isRecord(body) || typeof body.input_file_id !== 'string') throw new HttpError(400, "'input_file_id' is required");
    if (body.endpoint !== ENDPOINT) throw new HttpError(400, `'endpoint' must be ${ENDPOINT} on the fake server`);
    if (body.completion_window !== '24h') throw new HttpError(400, "'completion_window' must be '24h'");
    const file = getFile(this.state, body.input_file_id);
    const { lines, errors } = parseInput(file.content.toString('utf8'));
    const { batchDelayMs, batchFailRate, seed } = this.state.options;
    const batch: OpenAIBatch = {
      id: newId('batch_'),
      seq: ++this.state.batchSeq,
      delayMs: batchDelayMs,
      failRate: batchFailRate,
      seed,
      createdMs: Date.now(),
      inputFileId: file.id,
      completionWindow: body.completion_window,
      metadata: body.metadata ?? null,
      lines,
    };
    if (errors.length > 0) batch.errors = errors;
    this.batches.set(batch.id, batch);
    this.state.stats.batches.openai++;
    sendJson(res, 200, this.view(batch, 'validating'));
  }

  retrieve(id: string, res: ServerResponse): void {
    const batch = this.get(id);
    sendJson(res, 200, this.view(batch, this.status(batch)));
  }

  cancel(id: string, res: ServerResponse): void {
    const batch = this.get(id);
    const status = this.status(batch);
    if (status !== 'validating' && status !== 'in_progress') throw new HttpError(400, `Cannot cancel a batch with status '${status}'.`);
    batch.cancelledMs = Date.now();
    // Real batches pass through 'cancelling'; later retrievals report 'cancelled'.
    sendJson(res, 200, this.view(batch, 'cancelling'));
  }

  list(query: URLSearchParams, res: ServerResponse): void {
    const all = [...this.batches.values()].reverse(); // newest first, like the real list
    const after = query.get('after');
    const start = after ? all.findIndex((b) => b.id === after) + 1 : 0;
    const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 20) || 20));
    const page = all.slice(start, start + limit);
    const data = page.map((b) => this.view(b, this.status(b)));
    sendJson(res, 200, { object: 'list', data, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null, has_more: start + limit < all.length });
  }

  private get(id: string): OpenAIBatch {
    const batch = this.batches.get(id);
    if (!batch) throw new HttpError(404, `No batch found with id '${id}'.`);
    return batch;
  }

  private status(batch: OpenAIBatch): string {
    if (batch.errors) return 'failed';
    if (batch.cancelledMs !== undefined) return 'cancelled';
    if (batch.done) return 'completed';
    const elapsed = Date.now() - batch.createdMs;
    if (elapsed < batch.delayMs / 4) return 'validating';
    if (elapsed < batch.delayMs) return 'in_progress';
    this.finish(batch);
    return 'completed';
  }

  /** Runs every item once and publishes the JSONL files; usage counts in stats now. */
  private finish(batch: OpenAIBatch): void {
    const output: string[] = [];
    const errors: string[] = [];
    for (const line of batch.lines) {
      const outcome = runBatchItem(openaiDialect, batch, line.customId, line.body);
      const base = { id: newId('batch_req_'), custom_id: line.customId };
      if (outcome.kind === 'ok') {
        this.state.addUsage(outcome.inputTokens, outcome.outputTokens);
        output.push(JSON.stringify({ ...base, response: { status_code: 200, request_id: newId('req_'), body: outcome.body }, error: null }));
      } else if (outcome.kind === 'invalid') {
        const body = openaiDialect.errorBody('invalid_request', outcome.message);
        errors.push(JSON.stringify({ ...base, response: { status_code: 400, request_id: newId('req_'), body }, error: null }));
      } else if (outcome.variant === 0) {
        // Both shapes occur in real error files: an HTTP error response, or a request-level error.
        const body = openaiDialect.errorBody('server_error', 'The server had an error processing this request (injected batch failure).');
        errors.push(JSON.stringify({ ...base, response: { status_code: 500, request_id: newId('req_'), body }, error: null }));
      } else {
        errors.push(JSON.stringify({ ...base, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }));
      }
    }
    const jsonl = (rows: string[]): Buffer => Buffer.from(rows.map((r) => r + '\n').join(''));
    batch.done = {
      completedMs: Date.now(),
      outputFileId: output.length > 0 ? storeFile(this.state, `${batch.id}_output.jsonl`, 'batch_output', jsonl(output)).id : null,
      errorFileId: errors.length > 0 ? storeFile(this.state, `${batch.id}_error.jsonl`, 'batch_output', jsonl(errors)).id : null,
      completed: output.length,
      failed: errors.length,
    };
  }

  private view(batch: OpenAIBatch, status: string): Record<string, unknown> {
    const created = Math.floor(batch.createdMs / 1000);
    const done = status === 'completed' ? batch.done : undefined;
    const doneAt = done ? Math.floor(done.completedMs / 1000) : null;
    const cancelledAt = batch.cancelledMs !== undefined ? Math.floor(batch.cancelledMs / 1000) : null;
    return {
      id: batch.id,
      object: 'batch',
      endpoint: ENDPOINT,
      errors: batch.errors ? { object: 'list', data: batch.errors.map((e) => ({ ...e, param: null })) } : null,
      input_file_id: batch.inputFileId,
      completion_window: batch.completionWindow,
      status,
      output_file_id: done?.outputFileId ?? null,
      error_file_id: done?.errorFileId ?? null,
      created_at: created,
      in_progress_at: status === 'validating' || batch.errors ? null : created,
      expires_at: created + 24 * 3600,
      finalizing_at: doneAt,
      completed_at: doneAt,
      failed_at: batch.errors ? created : null,
      expired_at: null,
      cancelling_at: cancelledAt,
      cancelled_at: status === 'cancelled' ? cancelledAt : null,
      request_counts: { total: batch.lines.length, completed: done?.completed ?? 0, failed: done?.failed ?? 0 },
      metadata: batch.metadata,
    };
  }
}

/** Validates the JSONL input the way the real service does before accepting a batch. */
function parseInput(text: string): { lines: InputLine[]; errors: NonNullable<OpenAIBatch['errors']> } {
  const lines: InputLine[] = [];
  const errors: NonNullable<OpenAIBatch['errors']> = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split('\n').entries()) {
    if (!raw.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch {
      errors.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', line: i + 1 });
      continue;
    }
    if (!isRecord(row) || typeof row.custom_id !== 'string' || row.method !== 'POST' || row.url !== ENDPOINT || !isRecord(row.body)) {
      errors.push({ code: 'invalid_request', message: `Each line needs custom_id, method "POST", url "${ENDPOINT}" and a body object.`, line: i + 1 });
      continue;
    }
    if (seen.has(row.custom_id)) {
      errors.push({ code: 'duplicate_custom_id', message: `The custom_id '${row.custom_id}' is used more than once.`, line: i + 1 });
      continue;
    }
    seen.add(row.custom_id);
    lines.push({ customId: row.custom_id, body: row.body });
  }
  if (lines.length === 0 && errors.length === 0) errors.push({ code: 'empty_file', message: 'The input file has no requests.', line: null });
  return { lines, errors };
}
