/**
 * A fake reward model behind vLLM's pooling APIs: `POST /pooling` (`messages` or `input`),
 * `/classify` (`input`) and `/score` or `/v1/score` (`text_1`, `text_2`), each in vLLM's answer
 * shape. The reward is a deterministic function of the text: longer answers score higher (as
 * real reward models tend to), plus a hash term in [−0.5, 0.5).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { countTokens } from './completion';
import { HttpError, newId, nowSeconds } from './http';
import { hashString } from './rng';
import { scoringAnswer, scoringRequest, stringList } from './scoring';
import type { ServerState } from './state';

export type PoolingKind = 'pooling' | 'classify' | 'score';

/** The fake reward of a text (for messages: their contents joined by newlines; for score: text_1 + "\n" + text_2). */
export function fakeReward(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return 3 * Math.tanh((Math.log1p(words) - 3) / 2) + (hashString(text, 0x7e3a) / 4294967296 - 0.5);
}

/** The texts one request scores, one per result. */
function textsOf(kind: PoolingKind, body: Record<string, unknown>): string[] {
  if (kind === 'score') {
    const a = stringList(body.text_1, 'text_1');
    const b = stringList(body.text_2, 'text_2');
    if (a.length !== 1 && a.length !== b.length) throw new HttpError(400, "'text_1' must be one string or as many as 'text_2'");
    return b.map((t, i) => `${a[a.length === 1 ? 0 : i]}\n${t}`);
  }
  if (kind === 'pooling' && body.messages !== undefined) {
    const ok = Array.isArray(body.messages) && body.messages.length > 0 && body.messages.every((m) => typeof m === 'object' && m !== null && typeof (m as { content?: unknown }).content === 'string');
    if (!ok) throw new HttpError(400, "'messages' must be a non-empty array of { role, content }");
    return [(body.messages as Array<{ content: string }>).map((m) => m.content).join('\n')];
  }
  return stringList(body.input, 'input');
}

export async function handlePooling(state: ServerState, kind: PoolingKind, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await scoringRequest(state, `/${kind}`, req, res);
  if (!body) return;
  const texts = textsOf(kind, body);
  const data = texts.map((text, index) => {
    const r = fakeReward(text);
    if (kind === 'classify') return { index, label: 'LABEL_0', probs: [1 / (1 + Math.exp(-r))], num_classes: 1 };
    if (kind === 'score') return { index, object: 'score', score: r };
    return { index, object: 'pooling', data: [r] };
  });
  const tokens = texts.reduce((n, t) => n + countTokens(t), 0);
  const prefix = kind === 'pooling' ? 'pool-' : kind === 'classify' ? 'classify-' : 'score-';
  scoringAnswer(state, res, { id: newId(prefix), object: 'list', created: nowSeconds(), model: body.model, data, usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 } }, tokens);
}
