/** Starts one fake model server on loopback and routes requests to the OpenAI/Anthropic handlers. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicDialect } from './anthropic';
import { AnthropicBatches } from './batches-anthropic';
import { OpenAIBatches } from './batches-openai';
import type { Dialect } from './dialect';
import { handleEmbeddings } from './embeddings';
import { deleteFile, fileObject, getFile, listFiles, sendFileContent, uploadFile } from './files';
import { FineTuningJobs } from './fineTuning';
import { handleGenerate } from './generate';
import { HttpError, parseJson, readBody, sendJson } from './http';
import { openaiDialect } from './openai';
import { openaiCompletionsDialect } from './openaiCompletions';
import { handlePooling } from './pooling';
import type { FakeServerOptions, FakeServerStats } from './options';
import { ServerState } from './state';

export interface FakeServer {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  /** url + '/v1', for `new OpenAI({ baseURL })`. */
  openaiBaseURL: string;
  /** url, for `new Anthropic({ baseURL })`. */
  anthropicBaseURL: string;
  port: number;
  stats(): FakeServerStats;
  /**
   * The distinct API keys requests carried (`Authorization: Bearer …` or `x-api-key`, on any route),
   * in the order they first arrived, so a test can check which key a client really sent. Kept out of
   * stats() and the admin endpoints on purpose: stats get printed, keys must not be.
   */
  seenKeys(): string[];
  /** Change options at runtime (`port` is ignored once started). */
  configure(patch: Partial<FakeServerOptions>): void;
  /** Zero the stats and the keys seen (and the RPM window); files, batches and fine-tuning jobs are kept. */
  reset(): void;
  /** Closes the server and drops any open or hanging sockets at once. */
  close(): Promise<void>;
}

const MODEL_ID = 'fake-model';

export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const state = new ServerState(opts);
  const openaiBatches = new OpenAIBatches(state);
  const anthropicBatches = new AnthropicBatches(state);
  const fineTuning = new FineTuningJobs(state);

  const server = createServer((req, res) => {
    const dialect = dialectFor(req);
    const key = dialect.keyOf(req.headers);
    if (key) state.keysSeen.add(key);
    route(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      sendJson(res, status, dialect.errorBody(kindFor(status), message));
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const is = (m: string, re: RegExp): RegExpExecArray | null => (m === method ? re.exec(path) : null);
    let m: RegExpExecArray | null;

    // Admin endpoints: for other processes (benchmarks, the CLI) to observe and steer the server.
    if (is('GET', /^\/_admin\/stats$/)) return sendJson(res, 200, state.snapshot());
    if (is('POST', /^\/_admin\/reset$/)) {
      state.reset();
      return sendJson(res, 200, state.snapshot());
    }
    if (is('POST', /^\/_admin\/config$/)) {
      try {
        state.configure(parseJson(await readBody(req)) as Partial<FakeServerOptions>);
      } catch (err) {
        throw err instanceof HttpError ? err : new HttpError(400, err instanceof Error ? err.message : String(err));
      }
      return sendJson(res, 200, { ...state.options, rpmLimit: state.options.rpmLimit ?? null });
    }

    if (is('POST', /^\/v1\/chat\/completions$/)) return handleGenerate(state, openaiDialect, req, res);
    if (is('POST', /^\/v1\/completions$/)) return handleGenerate(state, openaiCompletionsDialect, req, res);
    if (is('POST', /^\/v1\/messages$/)) return handleGenerate(state, anthropicDialect, req, res);

    const dialect = dialectFor(req);
    if (state.options.requireKey && !dialect.hasKey(req.headers)) throw new HttpError(401, 'missing API key');
    const sent = dialect.keyOf(req.headers);
    // as on chat requests: a refused key is quoted back, as real APIs do, and clients must not echo it
    if (sent && state.options.rejectKeys.includes(sent)) throw new HttpError(401, `Incorrect API key provided: ${sent}. You can find your API key in your account settings.`);

    if (is('GET', /^\/v1\/models$/)) return sendModels(dialect, res);
    // Scoring models: embeddings (OpenAI), a reward model behind vLLM's pooling APIs.
    if (is('POST', /^\/v1\/embeddings$/)) return handleEmbeddings(state, req, res);
    if (is('POST', /^\/pooling$/)) return handlePooling(state, 'pooling', req, res);
    if (is('POST', /^\/classify$/)) return handlePooling(state, 'classify', req, res);
    if (is('POST', /^(?:\/v1)?\/score$/)) return handlePooling(state, 'score', req, res);
    // OpenAI files and batches.
    if (is('POST', /^\/v1\/files$/)) return uploadFile(state, req, res);
    if (is('GET', /^\/v1\/files$/)) return listFiles(state, res);
    if ((m = is('GET', /^\/v1\/files\/([^/]+)$/))) return sendJson(res, 200, fileObject(getFile(state, m[1] ?? '')));
    if ((m = is('GET', /^\/v1\/files\/([^/]+)\/content$/))) return sendFileContent(getFile(state, m[1] ?? ''), res);
    if ((m = is('DELETE', /^\/v1\/files\/([^/]+)$/))) return deleteFile(state, m[1] ?? '', res);
    if (is('POST', /^\/v1\/batches$/)) return openaiBatches.create(parseJson(await readBody(req)), res);
    if (is('GET', /^\/v1\/batches$/)) return openaiBatches.list(url.searchParams, res);
    if ((m = is('GET', /^\/v1\/batches\/([^/]+)$/))) return openaiBatches.retrieve(m[1] ?? '', res);
    if ((m = is('POST', /^\/v1\/batches\/([^/]+)\/cancel$/))) return openaiBatches.cancel(m[1] ?? '', res);
    // OpenAI fine-tuning jobs (training files come through the Files API above, purpose 'fine-tune').
    if (is('POST', /^\/v1\/fine_tuning\/jobs$/)) return fineTuning.create(parseJson(await readBody(req)), res);
    if (is('GET', /^\/v1\/fine_tuning\/jobs$/)) return fineTuning.list(url.searchParams, res);
    if ((m = is('GET', /^\/v1\/fine_tuning\/jobs\/([^/]+)$/))) return fineTuning.retrieve(m[1] ?? '', res);
    if ((m = is('GET', /^\/v1\/fine_tuning\/jobs\/([^/]+)\/events$/))) return fineTuning.events(m[1] ?? '', url.searchParams, res);
    if ((m = is('POST', /^\/v1\/fine_tuning\/jobs\/([^/]+)\/cancel$/))) return fineTuning.cancel(m[1] ?? '', res);
    // Anthropic message batches.
    if (is('POST', /^\/v1\/messages\/batches$/)) return anthropicBatches.create(parseJson(await readBody(req)), req.headers, res);
    if (is('GET', /^\/v1\/messages\/batches$/)) return anthropicBatches.list(url.searchParams, req.headers, res);
    if ((m = is('GET', /^\/v1\/messages\/batches\/([^/]+)$/))) return anthropicBatches.retrieve(m[1] ?? '', req.headers, res);
    if ((m = is('GET', /^\/v1\/messages\/batches\/([^/]+)\/results$/))) return anthropicBatches.results(m[1] ?? '', res);
    if ((m = is('POST', /^\/v1\/messages\/batches\/([^/]+)\/cancel$/))) return anthropicBatches.cancel(m[1] ?? '', req.headers, res);
    if ((m = is('DELETE', /^\/v1\/messages\/batches\/([^/]+)$/))) return anthropicBatches.remove(m[1] ?? '', res);

    throw new HttpError(404, `no route for ${method} ${path}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(state.options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    port,
    stats: () => state.snapshot(),
    seenKeys: () => [...state.keysSeen],
    configure: (patch) => state.configure(patch),
    reset: () => state.reset(),
    close: () =>
      new Promise<void>((resolve) => {
        state.shutdown.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Errors and /v1/models are shaped for whichever SDK is asking (the Anthropic SDK always sends anthropic-version). */
function dialectFor(req: IncomingMessage): Dialect {
  return req.url?.startsWith('/v1/messages') || req.headers['anthropic-version'] !== undefined ? anthropicDialect : openaiDialect;
}

function sendModels(dialect: Dialect, res: ServerResponse): void {
  if (dialect.name === 'anthropic') {
    const model = { type: 'model', id: MODEL_ID, display_name: 'Fake Model', created_at: '2025-01-01T00:00:00Z' };
    return sendJson(res, 200, { data: [model], has_more: false, first_id: MODEL_ID, last_id: MODEL_ID });
  }
  sendJson(res, 200, { object: 'list', data: [{ id: MODEL_ID, object: 'model', created: 1735689600, owned_by: 'agorabench-fake' }] });
}

function kindFor(status: number): 'invalid_request' | 'authentication' | 'not_found' | 'rate_limit' | 'server_error' {
  if (status === 401) return 'authentication';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}
