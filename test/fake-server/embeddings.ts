/**
 * `POST /v1/embeddings`, OpenAI's shape. Vectors are a signed hashed bag of words projected to
 * `dimensions` (default 256) and L2-normalised: identical texts get identical vectors, texts that
 * share words get similar ones. `encoding_format` 'base64' (what SDK v6 asks for unless told
 * otherwise) sends little-endian float32 bytes; 'float' (the API's default) sends numbers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { countTokens } from './completion';
import { HttpError } from './http';
import { hashString } from './rng';
import { scoringAnswer, scoringRequest, stringList } from './scoring';
import type { ServerState } from './state';

export const FAKE_EMBEDDING_DIMS = 256;
/** OpenAI's limit on inputs per request. */
const MAX_INPUTS = 2048;

/** The fake model's embedding of a text. */
export function fakeEmbedding(text: string, dims = FAKE_EMBEDDING_DIMS): Float32Array {
  const v = new Float64Array(dims);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [text];
  for (const w of words) {
    // two hashed features per word halve the damage of a collision
    for (const salt of [0x51ed27, 0x2b9d1f3]) {
      const h = hashString(w, salt);
      v[h % dims] = (v[h % dims] ?? 0) + (h & 0x80000000 ? 1 : -1);
    }
  }
  const norm = Math.hypot(...v) || 1;
  return Float32Array.from(v, (x) => x / norm);
}

export async function handleEmbeddings(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await scoringRequest(state, '/v1/embeddings', req, res);
  if (!body) return;
  const inputs = stringList(body.input, 'input');
  if (inputs.length > MAX_INPUTS) throw new HttpError(400, `at most ${MAX_INPUTS} inputs per request`);
  // OpenAI refuses empty strings with a 400 for the whole request
  const blank = inputs.findIndex((t) => t === '');
  if (blank >= 0) throw new HttpError(400, `'$.input[${blank}]' is invalid: empty strings are not allowed`);
  const dims = body.dimensions ?? FAKE_EMBEDDING_DIMS;
  if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1 || dims > 4096) throw new HttpError(400, "'dimensions' must be an integer between 1 and 4096");
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') throw new HttpError(400, "'encoding_format' must be 'float' or 'base64'");
  const data = inputs.map((text, index) => {
    const v = fakeEmbedding(text, dims);
    return { object: 'embedding', index, embedding: format === 'base64' ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v) };
  });
  const tokens = inputs.reduce((n, t) => n + countTokens(t), 0);
  scoringAnswer(state, res, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } }, tokens);
}
