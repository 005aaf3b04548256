import type { Tiktoken, TiktokenBPE } from 'js-tiktoken/lite';
import { llama3ChatText, PAPER_LENGTH_CHECK_SYSTEM, STUDENT_SYSTEM_PROMPT } from './chatFormat';

let cl100kEncoder: Tiktoken | undefined;

/**
 * Approximate token count for cost estimates (cl100k_base, close to what the commercial
 * generators bill for English text). Not used for the length rule: that counts with the
 * student's own tokenizer (`llama3Tokens`).
 */
export function estimateTokens(text: string): number {
  if (!cl100kEncoder) {
    // required on first use: its ranks are ~1 MB of text that most jobs never need
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { Tiktoken: Encoder } = require('js-tiktoken/lite') as typeof import('js-tiktoken/lite');
    const ranks = require('js-tiktoken/ranks/cl100k_base') as TiktokenBPE;
    /* eslint-enable @typescript-eslint/no-require-imports */
    cl100kEncoder = new Encoder(ranks);
  }
  return cl100kEncoder.encode(text, [], []).length;
}

interface Llama3Tokenizer {
  encode(text: string, options?: { bos?: boolean; eos?: boolean }): number[];
}
let llama3: Llama3Tokenizer | undefined;

/**
 * The Llama-3 / 3.1 tokenizer (llama3-tokenizer-js: the model's 128K BPE vocabulary and merges,
 * special tokens such as `<|eot_id|>` parsed as single tokens, as Hugging Face's tokenizer does).
 * Loaded on first use: decoding its vocabulary takes ~0.3 s and ~100 MB, and most instances are
 * decided by their byte size without it (see `fitsStudentTokens`).
 */
function llama3Tokenizer(): Llama3Tokenizer {
  // a require inside the function keeps the bundled module (and its vocabulary) unevaluated until needed
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  llama3 ??= (require('llama3-tokenizer-js/bundle/commonjs-llama3-tokenizer-with-baked-data.cjs') as { llama3Tokenizer: Llama3Tokenizer }).llama3Tokenizer;
  return llama3;
}

/** Llama-3 token ids of a text, without BOS/EOS added (special tokens written in the text count as one token each). */
export function llama3Encode(text: string): number[] {
  return llama3Tokenizer().encode(text, { bos: false, eos: false });
}

export function llama3Tokens(text: string): number {
  return llama3Encode(text).length;
}

/**
 * How the length rule renders an instance before counting:
 * - `paper`: exactly the released check — the Llama-3 header format with the system line "You are a
 *   helpful assistant", the response and `<|eot_id|>`, encoded the way Hugging Face's `encode` does
 *   by default, which adds a BOS in front of the `<|begin_of_text|>` already in the text (+1 token);
 * - `student`: the text the student is trained on (Llama-3 headers, the paper's training system
 *   prompt "You are a helpful AI assistant.", one BOS).
 */
export type LengthFormat = 'paper' | 'student';

/** Tokens an instance takes in the given chat format. */
export function instanceTokens(instruction: string, response: string, format: LengthFormat): number {
  if (format === 'paper') return llama3Tokens(llama3ChatText(PAPER_LENGTH_CHECK_SYSTEM, instruction, response)) + 1;
  return llama3Tokens(llama3ChatText(STUDENT_SYSTEM_PROMPT, instruction, response));
}

/**
 * Whether an instance fits `limit` tokens in the given format. Every token of the Llama-3
 * vocabulary covers at least one byte of text (a special token covers ten or more), so an
 * instance whose rendered UTF-8 size is within the limit fits without being tokenized; only
 * longer ones load the tokenizer.
 */
export function fitsStudentTokens(instruction: string, response: string, limit: number, format: LengthFormat): { fits: boolean; tokens?: number } {
  const system = format === 'paper' ? PAPER_LENGTH_CHECK_SYSTEM : STUDENT_SYSTEM_PROMPT;
  const bytes = Buffer.byteLength(llama3ChatText(system, instruction, response)) + (format === 'paper' ? 1 : 0);
  if (bytes <= limit) return { fits: true };
  const tokens = instanceTokens(instruction, response, format);
  return { fits: tokens <= limit, tokens };
}
