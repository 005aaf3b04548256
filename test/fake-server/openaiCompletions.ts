/** OpenAI's (legacy) Completions wire format, as vLLM serves base models: a plain prompt in, text out. */
import type { Completion } from './completion';
import type { Dialect } from './dialect';
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
    return { model: body.model, system: '', messages: [{ role: 'user', text: body.prompt }], stop, maxTokens };
  },

  render(req, out: Completion) {
    return {
      id: newId('cmpl-'),
      object: 'text_completion',
      created: nowSeconds(),
      model: req.model,
      choices: [{ index: 0, text: out.text, logprobs: null, finish_reason: out.finish }],
      usage: { prompt_tokens: out.inputTokens, completion_tokens: out.outputTokens, total_tokens: out.inputTokens + out.outputTokens },
    };
  },
};
