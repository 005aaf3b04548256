import type { GeneratorConfig } from '../config/types';
import { AnthropicChatClient, ANTHROPIC_DEFAULT_BASE_URL } from './anthropic';
import { OpenAIChatClient } from './openai';
import type { ChatClient } from './types';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** One chat client per base URL of a generator. */
export function chatClients(g: GeneratorConfig, apiKey: string | undefined): ChatClient[] {
  // local OpenAI-compatible servers often need no key, but the SDK insists on a non-empty one
  const key = apiKey ?? 'not-needed';
  if (g.provider === 'anthropic') return (g.baseURLs ?? [ANTHROPIC_DEFAULT_BASE_URL]).map((u) => new AnthropicChatClient(u, key, g.timeoutMs));
  return (g.baseURLs ?? [OPENAI_DEFAULT_BASE_URL]).map((u) => new OpenAIChatClient(u, key, g.timeoutMs));
}
