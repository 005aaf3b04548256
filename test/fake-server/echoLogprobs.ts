/**
 * Logprobs in OpenAI's legacy completions shape (`tokens`, `token_logprobs`, `top_logprobs`,
 * `text_offset`), with the prompt's tokens first when `echo` is set, as vLLM serves them for
 * perplexity scoring. A fake tokeniser and a fixed logprob per token make every value computable
 * by a test: tokens are runs of whitespace attached to the word after them, and a token's logprob
 * is −(1 + length mod 7) / 4. The echoed prompt's first token has no logprob (null), as on vLLM.
 */

/** The fake tokeniser: `\s*\S+` pieces (trailing whitespace is a piece of its own). */
export function fakeTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

/** The fake model's logprob of a token. */
export function fakeTokenLogprob(token: string): number {
  return -(1 + (token.length % 7)) / 4;
}

export interface LegacyLogprobs {
  tokens: string[];
  token_logprobs: Array<number | null>;
  top_logprobs: Array<Record<string, number> | null>;
  text_offset: number[];
}

/** The block for an answer: the echoed prompt's tokens (when `prompt` is given), then the output's. */
export function legacyLogprobs(prompt: string | undefined, output: string, top: number): LegacyLogprobs {
  const echoed = prompt === undefined ? [] : fakeTokens(prompt);
  const tokens = [...echoed, ...fakeTokens(output)];
  const out: LegacyLogprobs = { tokens, token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = 0;
  for (const [i, token] of tokens.entries()) {
    out.text_offset.push(offset);
    offset += token.length;
    if (i === 0 && echoed.length) {
      out.token_logprobs.push(null);
      out.top_logprobs.push(null);
      continue;
    }
    const logprob = fakeTokenLogprob(token);
    out.token_logprobs.push(logprob);
    // the chosen token plus up to `top` alternatives, as vLLM returns them
    const alternatives: Record<string, number> = { [token]: logprob };
    for (let k = 1; k <= top; k++) alternatives[`<alt${k}>`] = logprob - k;
    out.top_logprobs.push(alternatives);
  }
  return out;
}
