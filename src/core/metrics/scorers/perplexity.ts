/**
 * Response perplexity under a scoring model (the paper: Llama-3.1-8B), read from the prompt-token
 * logprobs an OpenAI-compatible /v1/completions endpoint returns with `echo: true` and `logprobs`
 * (vLLM turns that into prompt logprobs; `max_tokens: 1` because it must still generate a token).
 * The instance is rendered as the student sees it in training, and only the response's tokens
 * count: the instruction and the template are context, as in loss-on-response-only SFT.
 *
 * Anthropic has no completions endpoint and no logprobs of input tokens: perplexity needs an
 * OpenAI-compatible server (vLLM, or a legacy OpenAI completions model).
 */
import { STUDENT_SYSTEM_PROMPT, llama3Prompt } from '../../generation/chatFormat';
import type { ChatRequest, TextLogprobs } from '../../providers/types';

export interface PerplexityOptions {
  /** 'llama3' (default): the student's Llama-3 chat template; 'plain': system, instruction and response separated by blank lines. */
  template?: 'llama3' | 'plain';
  /** System prompt (llama3 default: the student training prompt; plain default: none). */
  system?: string;
}

/** Alternatives asked per token. 1, not 0: some servers read a falsy 0 as "no logprobs". */
const PROMPT_LOGPROBS = 1;
const BOS = '<|begin_of_text|>';

/**
 * The scoring request and where the response sits in its prompt (character offsets, end
 * exclusive). The Llama-3 text is sent without its leading `<|begin_of_text|>`: servers add BOS
 * themselves (vLLM's `add_special_tokens` defaults to true), and a doubled BOS would change the
 * scores. Pass `request.prompt` to `perplexityFromLogprobs`, which finds where the echoed prompt
 * starts after any BOS the server prepended.
 */
export function perplexityRequest(
  instance: { instruction: string; response: string },
  model: string,
  opts: PerplexityOptions = {},
): { request: ChatRequest; responseStart: number; responseEnd: number } {
  let prompt: string;
  let responseStart: number;
  if ((opts.template ?? 'llama3') === 'llama3') {
    // the student's text is llama3Prompt + response + <|eot_id|> (llama3ChatText)
    const head = llama3Prompt(opts.system ?? STUDENT_SYSTEM_PROMPT, instance.instruction).slice(BOS.length);
    prompt = `${head}${instance.response}<|eot_id|>`;
    responseStart = head.length;
  } else {
    const head = `${opts.system ? `${opts.system}\n\n` : ''}${instance.instruction}\n\n`;
    prompt = head + instance.response;
    responseStart = head.length;
  }
  const request: ChatRequest = {
    model,
    system: '',
    messages: [],
    prompt,
    echo: true,
    promptLogprobs: PROMPT_LOGPROBS,
    sampling: { temperature: 0, top_p: 1, max_tokens: 1, stop: [] },
  };
  return { request, responseStart, responseEnd: responseStart + instance.response.length };
}

export type PerplexityResult = { ok: true; perplexity: number; tokens: number; meanLogprob: number } | { ok: false; reason: string };

/**
 * exp(−mean logprob) over the tokens of the response span [responseStart, responseEnd).
 *
 * A token counts when its text overlaps the span, so a token straddling a boundary (a merge of the
 * template's "\n\n" with the response's first word, or of its last word with what follows) counts
 * whole: its probability cannot be split, and dropping it would lose the response's first word
 * under tokenisers that attach leading whitespace. An empty token text (part of a multi-byte
 * character) counts as one character wide. Tokens without a logprob (the first) are skipped.
 *
 * `prompt`, when given, is the prompt as sent: offsets are then realigned to it when the server
 * echoed extra text in front (its own BOS), and a mismatch is refused instead of scoring the wrong
 * tokens.
 */
export function perplexityFromLogprobs(lp: TextLogprobs, responseStart: number, responseEnd: number, prompt?: string): PerplexityResult {
  const n = lp.tokens.length;
  if (lp.tokenLogprobs.length !== n || lp.textOffset.length !== n) return { ok: false, reason: 'the logprobs arrays differ in length' };
  if (!n) return { ok: false, reason: 'no tokens were returned (was echo with logprobs honoured?)' };
  if (responseEnd <= responseStart) return { ok: false, reason: 'the response is empty' };
  let shift = 0;
  if (prompt !== undefined) {
    const found = echoStart(lp, prompt);
    if (found === undefined) return { ok: false, reason: 'the echoed tokens do not reproduce the prompt, so their offsets cannot be trusted' };
    shift = found;
  }
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const start = (lp.textOffset[i] as number) - shift;
    const end = start + Math.max(1, (lp.tokens[i] as string).length);
    const value = lp.tokenLogprobs[i];
    if (start >= responseEnd || end <= responseStart || typeof value !== 'number' || Number.isNaN(value)) continue;
    sum += value;
    count++;
  }
  if (!count) return { ok: false, reason: 'no token with a logprob lies in the response span (was echo with logprobs honoured?)' };
  const meanLogprob = sum / count;
  return { ok: true, perplexity: Math.exp(-meanLogprob), tokens: count, meanLogprob };
}

/** Offset at which the echoed text starts repeating `prompt` (0 when nothing was prepended). */
function echoStart(lp: TextLogprobs, prompt: string): number | undefined {
  const echoed = lp.tokens.join('');
  const base = lp.textOffset[0] as number;
  const head = prompt.slice(0, 32);
  // a prepended BOS is one or two tokens; look a little further for servers that add more
  for (let i = 0; i < Math.min(lp.tokens.length, 8); i++) {
    const at = (lp.textOffset[i] as number) - base;
    if (echoed.startsWith(head, at)) return lp.textOffset[i] as number;
  }
  return undefined;
}
