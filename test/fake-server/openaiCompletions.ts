/**
 * OpenAI's (legacy) Completions wire format, as vLLM serves base models: a plain prompt in, text
 * out; `echo` puts the prompt in front, `logprobs: N` adds per-token logprobs (see echoLogprobs.ts).
 */
import type { Completion } from './completion';
import type { Dialect } from './dialect';
import { legacyLogprobs } from './echoLogprobs';
import { HttpError, isRecord, newId, nowSeconds } from './http';
import { openaiDialect } from './openai';

export const openaiCompletionsDialect: Dialect = {
  ...openaiDialect,

  parse(body) {
    if (!isRecord(body)) throw new HttpError(400, 'body must be a JSON object');
    if (typeof body.model !== 'string' || !body.model) throw new HttpError(400, "'model' is required");
    if (typeof body.prompt !== 'string') throw new HttpError(400, "'prompt' must be a string (the fake server takes one prompt per request)");
    // the chat parser checks stop and max_tokens the same way; borrow it with the prompt as the user turn
    const { stop, maxTokens } = openaiDialect.parse({ model: body.model, messages: [{ role: 'user', content: body.prompt }], stop: body.stop, max_tokens: body.max_tokens });
    if (body.echo !== undefined && body.echo !== null && typeof body.echo !== 'boolean') throw new HttpError(400, "'echo' must be a boolean");
    const lp = body.logprobs;
    if (lp !== undefined && lp !== null && (typeof lp !== 'number' || !Number.isInteger(lp) || lp < 0 || lp > 20)) throw new HttpError(400, "'logprobs' must be an integer between 0 and 20");
    return {
      model: body.model,
      system: '',
      messages: [{ role: 'user', text: body.prompt }],
      stop,
      maxTokens,
      ...(body.echo === true ? { echo: true } : {}),
      ...(typeof lp === 'number' ? { legacyLogprobs: lp } : {}),
    };
  },

  render(req, out: Completion) {
    // with echo the prompt comes first, in the text and (vLLM's prompt logprobs) in the logprobs
    const prompt = req.echo ? (req.messages[0]?.text ?? '') : undefined;
    const logprobs = req.legacyLogprobs !== undefined ? legacyLogprobs(prompt, out.text, req.legacyLogprobs) : null;
    return {
      id: newId('cmpl-'),
      object: 'text_completion',
      created: nowSeconds(),
      model: req.model,
      choices: [{ index: 0, text: (prompt ?? '') + out.text, logprobs, finish_reason: out.finish }],
      usage: { prompt_tokens: out.inputTokens, completion_tokens: out.outputTokens, total_tokens: out.inputTokens + out.outputTokens },
    };
  },
};
