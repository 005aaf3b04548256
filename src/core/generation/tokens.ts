import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';

let encoder: Tiktoken | undefined;

/**
 * Token counts with a real BPE tokenizer. cl100k_base is the 100K-token core that the Llama-3
 * vocabulary (the paper's student) extends, so counts match the student's closely and never
 * undercount by much; the paper's 4096-token limit is applied to these counts.
 */
export function countTokens(text: string): number {
  encoder ??= new Tiktoken(cl100k);
  return encoder.encode(text, [], []).length;
}

const CHAT_OVERHEAD = 20; // Llama-3 header/eot tokens and the framing of the short system prompt
const SYSTEM_PROMPT = 'You are a helpful AI assistant.';

/** Tokens an instance takes in the student's chat format (system + user + assistant headers). */
export function chatTokens(instruction: string, response: string): number {
  return CHAT_OVERHEAD + countTokens(SYSTEM_PROMPT) + countTokens(instruction) + countTokens(response);
}

/**
 * Whether an instance fits `limit` tokens in chat format. A BPE token covers at least one byte,
 * so texts whose UTF-8 size is within the limit fit without being tokenized (most do).
 */
export function fitsChatTokens(instruction: string, response: string, limit: number): { fits: boolean; tokens?: number } {
  const bytes = Buffer.byteLength(instruction) + Buffer.byteLength(response) + Buffer.byteLength(SYSTEM_PROMPT) + CHAT_OVERHEAD;
  if (bytes <= limit) return { fits: true };
  const tokens = chatTokens(instruction, response);
  return { fits: tokens <= limit, tokens };
}
