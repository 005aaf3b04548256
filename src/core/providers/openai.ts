import OpenAI from 'openai';
import { TransportError, type ChatClient, type ChatRequest, type ChatResponse, type TextLogprobs } from './types';
import { toTransportError } from './sdkErrors';

/** Chat through the official `openai` SDK: OpenAI itself or any OpenAI-compatible server (vLLM, Ollama…). */
export class OpenAIChatClient implements ChatClient {
  private readonly client: OpenAI;
  constructor(
    readonly baseURL: string,
    apiKey: string,
    timeoutMs: number,
  ) {
    // retries happen in our scheduler, which shares back-off across requests and records every reason
    this.client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 0 });
  }

  /** The SDK client, for the batch API. */
  get sdk(): OpenAI {
    return this.client;
  }

  async chat(req: ChatRequest): Promise<ChatResponse> {
    try {
      if (req.prompt !== undefined) return fromOpenAITextCompletion(await this.client.completions.create(openAICompletionBody(req), { signal: req.signal }));
      const res = await this.client.chat.completions.create(openAIChatBody(req), { signal: req.signal });
      return fromOpenAICompletion(res);
    } catch (e) {
      throw toTransportError(e);
    }
  }
}

/** A plain completion (base models served without a chat template, e.g. by vLLM). */
export function openAICompletionBody(req: ChatRequest): OpenAI.CompletionCreateParamsNonStreaming {
  return {
    model: req.model,
    prompt: req.prompt ?? '',
    temperature: req.sampling.temperature,
    top_p: req.sampling.top_p,
    max_tokens: req.sampling.max_tokens,
    ...(req.sampling.stop.length ? { stop: req.sampling.stop } : {}),
    ...(req.echo ? { echo: true } : {}),
    ...(req.promptLogprobs !== undefined ? { logprobs: req.promptLogprobs } : {}),
  };
}

export function fromOpenAITextCompletion(res: OpenAI.Completion): ChatResponse {
  const choice = res.choices?.[0];
  if (!choice) throw new TransportError('malformed', 'the response has no choices');
  const reason = choice.finish_reason;
  return {
    text: choice.text ?? '',
    finishReason: reason === 'length' ? 'length' : reason === 'stop' ? 'stop' : 'other',
    usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: res.usage?.completion_tokens ?? 0 },
    requestId: res.id,
    ...textLogprobs(choice.logprobs),
  };
}

/** The legacy completions logprobs block, when it holds parallel arrays of tokens, logprobs and offsets. */
function textLogprobs(lp: OpenAI.CompletionChoice['logprobs'] | undefined): { logprobs?: TextLogprobs } {
  const tokens = lp?.tokens;
  // the SDK's type says number[], but servers send null for an echoed prompt's first token
  const values = lp?.token_logprobs as Array<number | null> | undefined;
  const offsets = lp?.text_offset;
  if (!tokens || !values || !offsets) return {};
  if (values.length !== tokens.length || offsets.length !== tokens.length) throw new TransportError('malformed', 'the logprobs arrays differ in length');
  return { logprobs: { tokens, tokenLogprobs: values.map((v) => (typeof v === 'number' ? v : null)), textOffset: offsets } };
}

export function openAIChatBody(req: ChatRequest): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  return {
    model: req.model,
    messages: [{ role: 'system', content: req.system }, ...req.messages],
    temperature: req.sampling.temperature,
    top_p: req.sampling.top_p,
    max_tokens: req.sampling.max_tokens,
    ...(req.sampling.stop.length ? { stop: req.sampling.stop } : {}),
    ...(req.topLogprobs ? { logprobs: true, top_logprobs: req.topLogprobs } : {}),
  };
}

export function fromOpenAICompletion(res: OpenAI.Chat.ChatCompletion): ChatResponse {
  const choice = res.choices?.[0];
  // a 200 without a choice is not an answer; say so instead of recording an empty output
  if (!choice) throw new TransportError('malformed', 'the response has no choices');
  const reason = choice?.finish_reason;
  return {
    text: choice?.message?.content ?? '',
    finishReason: reason === 'length' ? 'length' : reason === 'stop' ? 'stop' : 'other',
    usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: res.usage?.completion_tokens ?? 0 },
    requestId: res.id,
    ...(choice.logprobs?.content?.[0]?.top_logprobs ? { topLogprobs: choice.logprobs.content[0].top_logprobs.map((t) => ({ token: t.token, logprob: t.logprob })) } : {}),
  };
}
