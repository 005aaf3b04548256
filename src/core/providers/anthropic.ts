import Anthropic from '@anthropic-ai/sdk';
import { TransportError, type ChatClient, type ChatRequest, type ChatResponse } from './types';
import { toTransportError } from './sdkErrors';

/** Chat through the official `@anthropic-ai/sdk`. */
export class AnthropicChatClient implements ChatClient {
  private readonly client: Anthropic;
  constructor(
    readonly baseURL: string,
    apiKey: string,
    timeoutMs: number,
  ) {
    this.client = new Anthropic({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 0 });
  }

  get sdk(): Anthropic {
    return this.client;
  }

  async chat(req: ChatRequest): Promise<ChatResponse> {
    // the Messages API has no plain-completion form; the config check says so before a run
    if (req.prompt !== undefined) throw new TransportError('bad_request', 'Anthropic models take chat prompts only (prompt format "chat")');
    try {
      const res = await this.client.messages.create(anthropicBody(req), { signal: req.signal });
      return fromAnthropicMessage(res);
    } catch (e) {
      throw toTransportError(e);
    }
  }
}

/**
 * Sampling fields the SDK's current types no longer list but the Messages API still accepts for the
 * models the paper used (Claude 3.5 Sonnet); the SDK sends the body as given.
 */
type AnthropicBody = Anthropic.MessageCreateParamsNonStreaming & { temperature?: number; top_p?: number };

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

export function anthropicBody(req: ChatRequest): AnthropicBody {
  return {
    model: req.model,
    system: req.system,
    messages: req.messages,
    max_tokens: req.sampling.max_tokens,
    temperature: req.sampling.temperature,
    // newer Claude models refuse temperature and top_p together; top_p 1 means "not set"
    ...(req.sampling.top_p < 1 ? { top_p: req.sampling.top_p } : {}),
    ...(req.sampling.stop.length ? { stop_sequences: req.sampling.stop } : {}),
  };
}

export function fromAnthropicMessage(res: Anthropic.Message): ChatResponse {
  if (!Array.isArray(res.content) || !res.usage) throw new TransportError('malformed', 'the response has no content or usage');
  const text = res.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  return {
    text,
    finishReason: res.stop_reason === 'max_tokens' ? 'length' : res.stop_reason === 'end_turn' || res.stop_reason === 'stop_sequence' ? 'stop' : 'other',
    usage: { inputTokens: res.usage.input_tokens, outputTokens: res.usage.output_tokens },
    requestId: res.id,
  };
}
