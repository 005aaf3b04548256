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

/** Tokens an instance takes in the student's chat format (system + user + assistant headers). */
export function chatTokens(instruction: string, response: string): number {
  const CHAT_OVERHEAD = 20; // Llama-3 header/eot tokens and the short system prompt's framing
  return CHAT_OVERHEAD + countTokens('You are a helpful AI assistant.') + countTokens(instruction) + countTokens(response);
}
