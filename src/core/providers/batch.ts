import OpenAI, { toFile } from 'openai';
import type Anthropic from '@anthropic-ai/sdk';
import type { GeneratorConfig } from '../config/types';
import { AnthropicChatClient, anthropicBody, fromAnthropicMessage } from './anthropic';
import { chatClients } from './clients';
import { OpenAIChatClient, fromOpenAICompletion, openAIChatBody } from './openai';
import { redact } from '../util/redact';
import { toTransportError } from './sdkErrors';
import type { ChatRequest, ChatResponse } from './types';

export interface BatchItem {
  customId: string;
  req: ChatRequest;
}

/** Where a batch is: still running, finished (results can be read), or over without results. */
export type BatchState = 'running' | 'ended';

/** One item's outcome: an answer, or the reason there is none (error, expired, cancelled). */
export type BatchItemResult = { response: ChatResponse } | { error: string };

/**
 * A provider's asynchronous batch API (OpenAI Batch, Anthropic Message Batches): half price,
 * results within 24 h. Submit and collect are separate so the batch id can be stored in between
 * and a restarted process collects what an earlier one submitted.
 */
export interface BatchClient {
  readonly provider: 'openai' | 'anthropic';
  submit(items: BatchItem[]): Promise<string>;
  state(id: string): Promise<{ state: BatchState; detail: string }>;
  /** Results by custom id; items missing from the map got no result (e.g. the batch expired first). */
  results(id: string): Promise<Map<string, BatchItemResult>>;
  cancel(id: string): Promise<void>;
}

/** One result item: its answer, or why it is not one (a malformed body). */
function settled(read: () => ChatResponse): BatchItemResult {
  try {
    return { response: read() };
  } catch (e) {
    return { error: `transport-malformed: ${toTransportError(e).message}` };
  }
}

export function batchClient(g: GeneratorConfig, apiKey: string | undefined): BatchClient {
  const client = chatClients(g, apiKey)[0];
  if (client instanceof AnthropicChatClient) return new AnthropicBatches(client.sdk);
  if (client instanceof OpenAIChatClient) return new OpenAIBatches(client.sdk);
  throw new Error(`generator "${g.id}": no batch API for provider ${g.provider}`);
}

class OpenAIBatches implements BatchClient {
  readonly provider = 'openai' as const;
  constructor(private readonly sdk: OpenAI) {}

  async submit(items: BatchItem[]): Promise<string> {
    try {
      const lines = items.map((i) => JSON.stringify({ custom_id: i.customId, method: 'POST', url: '/v1/chat/completions', body: openAIChatBody(i.req) }));
      const file = await this.sdk.files.create({ file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'agorabench-batch.jsonl'), purpose: 'batch' });
      const batch = await this.sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      return batch.id;
    } catch (e) {
      throw toTransportError(e);
    }
  }

  async state(id: string): Promise<{ state: BatchState; detail: string }> {
    const b = await this.sdk.batches.retrieve(id).catch((e: unknown) => {
      throw toTransportError(e);
    });
    const counts = b.request_counts ? ` (${b.request_counts.completed}/${b.request_counts.total} done, ${b.request_counts.failed} failed)` : '';
    const running = b.status === 'validating' || b.status === 'in_progress' || b.status === 'finalizing' || b.status === 'cancelling';
    return { state: running ? 'running' : 'ended', detail: `${b.status}${counts}` };
  }

  async results(id: string): Promise<Map<string, BatchItemResult>> {
    const b = await this.sdk.batches.retrieve(id);
    const out = new Map<string, BatchItemResult>();
    for (const fileId of [b.output_file_id, b.error_file_id]) {
      if (!fileId) continue;
      const text = await (await this.sdk.files.content(fileId)).text();
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as { custom_id: string; response?: { status_code: number; body: unknown } | null; error?: { code?: string; message?: string } | null };
        if (r.response && r.response.status_code === 200) out.set(r.custom_id, settled(() => fromOpenAICompletion(r.response?.body as OpenAI.Chat.ChatCompletion)));
        else {
          const body = r.response?.body as { error?: { message?: string } } | undefined;
          const why = r.error ? `${r.error.code ?? 'error'}: ${r.error.message ?? ''}` : `HTTP ${r.response?.status_code ?? '?'}: ${body?.error?.message ?? ''}`;
          out.set(r.custom_id, { error: redact(`batch-${why}`.trim()) });
        }
      }
    }
    return out;
  }

  async cancel(id: string): Promise<void> {
    await this.sdk.batches.cancel(id);
  }
}

class AnthropicBatches implements BatchClient {
  readonly provider = 'anthropic' as const;
  constructor(private readonly sdk: Anthropic) {}

  async submit(items: BatchItem[]): Promise<string> {
    try {
      const b = await this.sdk.messages.batches.create({ requests: items.map((i) => ({ custom_id: i.customId, params: anthropicBody(i.req) })) });
      return b.id;
    } catch (e) {
      throw toTransportError(e);
    }
  }

  async state(id: string): Promise<{ state: BatchState; detail: string }> {
    const b = await this.sdk.messages.batches.retrieve(id).catch((e: unknown) => {
      throw toTransportError(e);
    });
    const c = b.request_counts;
    return { state: b.processing_status === 'ended' ? 'ended' : 'running', detail: `${b.processing_status} (${c.succeeded} succeeded, ${c.errored} errored, ${c.expired} expired, ${c.processing} processing)` };
  }

  async results(id: string): Promise<Map<string, BatchItemResult>> {
    const out = new Map<string, BatchItemResult>();
    for await (const r of await this.sdk.messages.batches.results(id)) {
      const res = r.result;
      if (res.type === 'succeeded') out.set(r.custom_id, settled(() => fromAnthropicMessage(res.message)));
      else if (res.type === 'errored') out.set(r.custom_id, { error: redact(`batch-errored: ${JSON.stringify(res.error).slice(0, 300)}`) });
      else out.set(r.custom_id, { error: `batch-${res.type}` });
    }
    return out;
  }

  async cancel(id: string): Promise<void> {
    await this.sdk.messages.batches.cancel(id);
  }
}
