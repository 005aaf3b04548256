import type { EndpointConfig } from '../config/types';
import { AnthropicChatClient, ANTHROPIC_DEFAULT_BASE_URL } from './anthropic';
import { OpenAIChatClient } from './openai';
import type { ChatClient } from './types';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * The base URLs a generator's requests go to: its own `baseURL`s, else the SDKs' environment
 * conventions (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, which proxies and gateways rely on), else
 * the provider's public API.
 */
export function baseURLsFor(g: Pick<EndpointConfig, 'provider' | 'baseURLs'>, env: NodeJS.ProcessEnv = process.env): string[] {
  if (g.baseURLs?.length) return g.baseURLs;
  if (g.provider === 'anthropic') return [env.ANTHROPIC_BASE_URL || ANTHROPIC_DEFAULT_BASE_URL];
  return [env.OPENAI_BASE_URL || OPENAI_DEFAULT_BASE_URL];
}

/** One chat client per base URL of a generator. */
export function chatClients(g: EndpointConfig, apiKey: string | undefined): ChatClient[] {
  // local OpenAI-compatible servers often need no key, but the SDK insists on a non-empty one
  const key = apiKey ?? 'not-needed';
  const urls = baseURLsFor(g);
  if (g.provider === 'anthropic') return urls.map((u) => new AnthropicChatClient(u, key, g.timeoutMs));
  return urls.map((u) => new OpenAIChatClient(u, key, g.timeoutMs));
}
