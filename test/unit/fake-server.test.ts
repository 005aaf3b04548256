/**
 * The fake model server, exercised only through the real `openai` and `@anthropic-ai/sdk` clients,
 * so any wire-format mistake shows up the way it would for the product code.
 */
import { strict as assert } from 'node:assert';
import { Anthropic } from '@anthropic-ai/sdk';
import { OpenAI, toFile } from 'openai';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../fake-server/index';

type Domain = 'math' | 'code' | 'general';
type Trigger = 'INPUT:' | 'OUTPUT:' | 'Revised Question:';

const DEMO: Record<Domain, { q: string; a: string }> = {
  math: { q: 'Tom has 3 apples and buys 4 more. How many apples does he have?', a: 'Step 1: 3 + 4 = 7.\n[RESULT] 7 [/RESULT]' },
  code: { q: 'Write a function that doubles a number.', a: '```python\ndef double(x):\n    return 2 * x\n```' },
  general: { q: 'Why do people keep journals?', a: 'Journals help people reflect. They also record memories.' },
};

/** A tiny prompt in the paper's structure: a demo, then the trigger the method ends with. */
function prompt(domain: Domain, trigger: Trigger, extra = ''): string {
  const { q, a } = DEMO[domain];
  const demo = `INPUT: ${q}\nOUTPUT: ${a}\n[END]`;
  if (trigger === 'INPUT:') return `Generate a new item related to "beekeeping".${extra}\n\n${demo}\n\nINPUT:`;
  if (trigger === 'OUTPUT:') return `Answer the instruction like the example.${extra}\n\n${demo}\n\nINPUT: Another task.\nOUTPUT:`;
  return `Improve the question and answer.${extra}\n\nQuestion: ${q}\nAnswer: ${a}\n\nRevised Question:`;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The answer-shape rules per domain, as the product's parsers will expect them. */
function assertAnswer(domain: Domain, answer: string, withTests: boolean): void {
  const a = answer.trim();
  if (domain === 'math') {
    assert.equal(count(a, '[RESULT]'), 1, a);
    assert.match(a, /\n\[RESULT\] -?\d+ \[\/RESULT\]$/);
    assert.ok(a.split('\n').length >= 3, 'expected step lines before the result');
  } else if (domain === 'code') {
    assert.match(a, /^```python\n[\s\S]+\n```$/);
    assert.equal(count(a, '```'), 2, 'exactly one fenced block, nothing outside');
    assert.equal(a.includes('assert '), withTests);
  } else {
    assert.ok(!a.includes('```') && !a.includes('[RESULT]'), a);
    const sentences = a.match(/[.!?](\s|$)/g)?.length ?? 0;
    assert.ok(sentences >= 2 && sentences <= 4, `2-4 sentences, got ${sentences}: ${a}`);
  }
}

function openai(server: FakeServer, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({ apiKey: 'test-key', baseURL: server.openaiBaseURL, maxRetries: 0, ...extra });
}

function anthropic(server: FakeServer, extra: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL: server.anthropicBaseURL, maxRetries: 0, ...extra });
}

async function chat(client: OpenAI, content: string, more: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) {
  return client.chat.completions.create({ model: 'gen-a', messages: [{ role: 'user', content }], stop: ['[END]'], ...more });
}

async function withServer<T>(opts: FakeServerOptions, fn: (server: FakeServer) => Promise<T>): Promise<T> {
  const server = await startFakeServer(opts);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** Captures the rejection of a promise so its class and fields can be asserted. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected the request to fail');
}

async function waitFor<T>(what: string, poll: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await poll();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

describe('fake model server', function () {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer();
  });
  after(async () => {
    await server.close();
  });

  describe('OpenAI chat completions follow the requested format', () => {
    for (const domain of ['math', 'code', 'general'] as const) {
      it(`instance generation (${domain})`, async () => {
        const res = await chat(openai(server), prompt(domain, 'INPUT:'));
        const choice = res.choices[0];
        assert.ok(choice);
        assert.equal(choice.finish_reason, 'stop');
        const text = choice.message.content ?? '';
        assert.ok(!text.includes('[END]'), 'stop sequence must be excluded');
        const parts = text.split('\nOUTPUT: ');
        assert.equal(parts.length, 2, text);
        const [instruction = '', answer = ''] = parts;
        assert.ok(instruction.trim().split(/\s+/).length >= 15, `instruction too short: ${instruction}`);
        assert.ok(instruction.includes('beekeeping'), 'theme should be mentioned');
        assertAnswer(domain, answer, false);
      });

      it(`response generation (${domain})`, async () => {
        const res = await chat(openai(server), prompt(domain, 'OUTPUT:'));
        assert.equal(res.choices[0]?.finish_reason, 'stop');
        const text = res.choices[0]?.message.content ?? '';
        assert.ok(!text.includes('[END]') && !text.includes('OUTPUT:'));
        assertAnswer(domain, text, false);
      });

      it(`quality enhancement (${domain})`, async () => {
        const res = await chat(openai(server), prompt(domain, 'Revised Question:'));
        const text = res.choices[0]?.message.content ?? '';
        const parts = text.split('\nRevised Answer: ');
        assert.equal(parts.length, 2, text);
        assert.ok((parts[0] ?? '').trim().length > 20);
        assertAnswer(domain, parts[1] ?? '', domain === 'code');
      });
    }

    it('is deterministic per prompt and varies across prompts', async () => {
      const client = openai(server);
      const a1 = await chat(client, prompt('general', 'INPUT:'));
      const a2 = await chat(client, prompt('general', 'INPUT:'));
      const texts = new Set<string>();
      for (let i = 0; i < 5; i++) texts.add((await chat(client, prompt('general', 'INPUT:', ` Variant ${i}.`))).choices[0]?.message.content ?? '');
      assert.equal(a1.choices[0]?.message.content, a2.choices[0]?.message.content);
      assert.ok(texts.size >= 4, `expected varied outputs, got ${texts.size} distinct`);
    });

    it('answers a prompt without a trigger with plain prose, and keeps [END] when no stop is sent', async () => {
      const plain = await chat(openai(server), 'Tell me something nice.');
      assert.ok(!/OUTPUT:|\[RESULT\]|```/.test(plain.choices[0]?.message.content ?? ''));
      const raw = await chat(openai(server), prompt('math', 'OUTPUT:'), { stop: null });
      assert.match(raw.choices[0]?.message.content ?? '', /\[\/RESULT\]\n\[END\]$/);
      assert.equal(raw.choices[0]?.finish_reason, 'stop');
      const single = await chat(openai(server), prompt('math', 'OUTPUT:'), { stop: '[RESULT]' });
      assert.match(single.choices[0]?.message.content ?? '', /^Step 1:[\s\S]*\n$/);
      assert.ok(!(single.choices[0]?.message.content ?? '').includes('[RESULT]'));
    });

    it('truncates to max_tokens with finish_reason "length"', async () => {
      const res = await chat(openai(server), prompt('general', 'INPUT:'), { max_tokens: 5 });
      assert.equal(res.choices[0]?.finish_reason, 'length');
      assert.equal(res.usage?.completion_tokens, 5);
      assert.ok((res.choices[0]?.message.content ?? '').length <= 20);
      const viaNewName = await chat(openai(server), prompt('general', 'INPUT:'), { max_completion_tokens: 7 });
      assert.equal(viaNewName.usage?.completion_tokens, 7);
    });

    it('rejects streaming and n > 1 with 400', async () => {
      const client = openai(server);
      const streamErr = await rejection(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }));
      assert.ok(streamErr instanceof OpenAI.BadRequestError, String(streamErr));
      assert.match(streamErr.message, /stream/);
      const nErr = await rejection(chat(client, 'hi', { n: 2 }));
      assert.ok(nErr instanceof OpenAI.BadRequestError);
    });

    it('lists a model', async () => {
      const models = await openai(server).models.list();
      assert.equal(models.data.length, 1);
      assert.equal(typeof models.data[0]?.id, 'string');
    });
  });

  describe('Anthropic messages follow the requested format', () => {
    it('response generation (math) stops at the stop sequence', async () => {
      const msg = await anthropic(server).messages.create({
        model: 'claude-fake',
        max_tokens: 1024,
        system: [{ type: 'text', text: 'You are a data generator.' }],
        messages: [{ role: 'user', content: prompt('math', 'OUTPUT:') }],
        stop_sequences: ['[END]'],
      });
      assert.equal(msg.type, 'message');
      assert.equal(msg.stop_reason, 'stop_sequence');
      assert.equal(msg.stop_sequence, '[END]');
      const block = msg.content[0];
      assert.ok(block?.type === 'text');
      assertAnswer('math', block.text, false);
    });

    it('quality enhancement (code) puts asserts inside the single block', async () => {
      const msg = await anthropic(server).messages.create({
        model: 'claude-fake',
        max_tokens: 1024,
        messages: [{ role: 'user', content: [{ type: 'text', text: prompt('code', 'Revised Question:') }] }],
        stop_sequences: ['[END]'],
      });
      const block = msg.content[0];
      assert.ok(block?.type === 'text');
      const [, answer = ''] = block.text.split('\nRevised Answer: ');
      assertAnswer('code', answer, true);
    });

    it('ends with end_turn without stop sequences and max_tokens when cut', async () => {
      const client = anthropic(server);
      const params = { model: 'claude-fake', messages: [{ role: 'user' as const, content: prompt('general', 'OUTPUT:') }] };
      const full = await client.messages.create({ ...params, max_tokens: 1024 });
      assert.equal(full.stop_reason, 'end_turn');
      assert.equal(full.stop_sequence, null);
      const cut = await client.messages.create({ ...params, max_tokens: 3 });
      assert.equal(cut.stop_reason, 'max_tokens');
      assert.equal(cut.usage.output_tokens, 3);
    });
  });

  describe('authentication', () => {
    it('answers 401 without a key (OpenAI)', async () => {
      const client = openai(server, { defaultHeaders: { Authorization: null } });
      const err = await rejection(chat(client, 'hi'));
      assert.ok(err instanceof OpenAI.AuthenticationError, String(err));
      assert.equal(err.status, 401);
    });

    it('answers 401 without a key (Anthropic), and accepts a bearer token', async () => {
      const noKey = new Anthropic({ apiKey: null, authToken: null, baseURL: server.anthropicBaseURL, maxRetries: 0, defaultHeaders: { Authorization: null } });
      const err = await rejection(noKey.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
      assert.ok(err instanceof Anthropic.AuthenticationError, String(err));
      const bearer = new Anthropic({ apiKey: null, authToken: 'tok', baseURL: server.anthropicBaseURL, maxRetries: 0 });
      const ok = await bearer.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(ok.type, 'message');
    });

    it('records the distinct keys requests carried, on every route, until reset', async () => {
      await withServer({}, async (s) => {
        assert.deepEqual(s.seenKeys(), []);
        await chat(openai(s, { apiKey: 'key-one' }), 'hi');
        await chat(openai(s, { apiKey: 'key-one' }), 'hi again');
        await new Anthropic({ apiKey: 'key-two', baseURL: s.anthropicBaseURL, maxRetries: 0 }).messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
        await openai(s, { apiKey: 'key-three' }).embeddings.create({ model: 'e', input: 'hello' });
        await rejection(chat(openai(s, { defaultHeaders: { Authorization: null } }), 'no key'));
        assert.deepEqual(s.seenKeys(), ['key-one', 'key-two', 'key-three']);
        assert.equal(JSON.stringify(s.stats()).includes('key-one'), false, 'keys stay out of the stats');
        s.reset();
        assert.deepEqual(s.seenKeys(), []);
      });
    });

    it('quotes the request\'s key in its error answers with echoKeyInErrors', async () => {
      await withServer({ faultRate: 1, faults: ['server_error'], echoKeyInErrors: true }, async (s) => {
        const err = await rejection(chat(openai(s, { apiKey: 'echoed-key' }), 'hi'));
        assert.ok(err instanceof OpenAI.InternalServerError, String(err));
        assert.match(err.message, /\(request key: echoed-key\)/);
        s.configure({ echoKeyInErrors: false });
        const quiet = await rejection(chat(openai(s, { apiKey: 'echoed-key' }), 'hi'));
        assert.doesNotMatch(String(quiet), /echoed-key/);
      });
    });

    it('lets requests through without a key when requireKey is false', async () => {
      await withServer({ requireKey: false }, async (s) => {
        const res = await chat(openai(s, { defaultHeaders: { Authorization: null } }), 'hi');
        assert.equal(res.object, 'chat.completion');
      });
    });
  });

  describe('rate limits and faults', () => {
    it('enforces the RPM limit with retry-after headers', async () => {
      await withServer({ rpmLimit: 2 }, async (s) => {
        const client = openai(s);
        await chat(client, 'one');
        await chat(client, 'two');
        const err = await rejection(chat(client, 'three'));
        assert.ok(err instanceof OpenAI.RateLimitError, String(err));
        const ms = Number(err.headers?.get('retry-after-ms'));
        assert.ok(ms > 55_000 && ms <= 60_000, `retry-after-ms ${ms}`);
        assert.equal(err.headers?.get('retry-after'), '60');
        // Anthropic shares the same window.
        const anErr = await rejection(anthropic(s).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
        assert.ok(anErr instanceof Anthropic.RateLimitError);
        assert.equal(anErr.headers?.get('retry-after'), '60');
        const stats = s.stats();
        assert.deepEqual(stats.byStatus, { '200': 2, '429': 2 });
        assert.equal(stats.requests, 4);
        s.configure({ rpmLimit: undefined });
        assert.equal((await chat(client, 'four')).object, 'chat.completion');
      });
    });

    it('injects rate_limit faults with the configured retry hint', async () => {
      await withServer({ faultRate: 1, faults: ['rate_limit'], retryAfterMs: 250 }, async (s) => {
        const err = await rejection(chat(openai(s), 'hi'));
        assert.ok(err instanceof OpenAI.RateLimitError);
        assert.equal(err.headers?.get('retry-after-ms'), '250');
        assert.equal(err.headers?.get('retry-after'), '1');
        const anErr = await rejection(anthropic(s).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
        assert.ok(anErr instanceof Anthropic.RateLimitError);
        assert.equal(s.stats().faults.rate_limit, 2);
      });
    });

    it('injects server_error faults as 500', async () => {
      await withServer({ faultRate: 1, faults: ['server_error'] }, async (s) => {
        const err = await rejection(chat(openai(s), 'hi'));
        assert.ok(err instanceof OpenAI.InternalServerError);
        const anErr = await rejection(anthropic(s).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
        assert.ok(anErr instanceof Anthropic.InternalServerError);
        assert.equal(s.stats().byStatus['500'], 2);
      });
    });

    it('injects timeout faults that the client times out on', async () => {
      await withServer({ faultRate: 1, faults: ['timeout'], timeoutHangMs: 5000 }, async (s) => {
        const started = Date.now();
        const err = await rejection(chat(openai(s, { timeout: 300 }), 'hi'));
        assert.ok(err instanceof OpenAI.APIConnectionTimeoutError, String(err));
        const anErr = await rejection(
          anthropic(s, { timeout: 300 }).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
        );
        assert.ok(anErr instanceof Anthropic.APIConnectionTimeoutError, String(anErr));
        assert.ok(Date.now() - started < 2000);
        assert.equal(s.stats().byStatus.timeout, 2);
      });
    });

    it('drops the socket after timeoutHangMs, and close() ends hanging requests at once', async () => {
      await withServer({ faultRate: 1, faults: ['timeout'], timeoutHangMs: 100 }, async (s) => {
        const err = await rejection(chat(openai(s, { timeout: 5000 }), 'hi'));
        assert.ok(err instanceof OpenAI.APIConnectionError && !(err instanceof OpenAI.APIConnectionTimeoutError), String(err));
      });
      const s = await startFakeServer({ faultRate: 1, faults: ['timeout'] });
      const pending = rejection(chat(openai(s, { timeout: 20_000 }), 'hi'));
      await waitFor('request in flight', async () => s.stats().requests, (n) => n === 1);
      const started = Date.now();
      await s.close();
      assert.ok((await pending) instanceof OpenAI.APIConnectionError);
      assert.ok(Date.now() - started < 1000, 'close() should not wait for the 30 s hang');
    });

    it('injects malformed content that ignores the format', async () => {
      await withServer({ faultRate: 1, faults: ['malformed'] }, async (s) => {
        const res = await chat(openai(s), prompt('math', 'INPUT:'));
        const text = res.choices[0]?.message.content ?? '';
        assert.ok(text.length > 20);
        assert.ok(!/OUTPUT:|\[RESULT\]|```|Revised Answer:/.test(text), text);
        assert.ok((res.usage?.completion_tokens ?? 0) > 0);
        assert.equal(s.stats().faults.malformed, 1);
      });
    });

    it('injects truncated content: a prefix of the real answer, finish_reason length', async () => {
      const full = await chat(openai(server), prompt('code', 'INPUT:'));
      await withServer({ faultRate: 1, faults: ['truncated'] }, async (s) => {
        const res = await chat(openai(s), prompt('code', 'INPUT:'));
        const text = res.choices[0]?.message.content ?? '';
        const fullText = full.choices[0]?.message.content ?? '';
        assert.equal(res.choices[0]?.finish_reason, 'length');
        assert.ok(text.length > 0 && text.length < fullText.length);
        assert.ok(fullText.startsWith(text));
        const msg = await anthropic(s).messages.create({ model: 'm', max_tokens: 500, messages: [{ role: 'user', content: prompt('math', 'OUTPUT:') }] });
        assert.equal(msg.stop_reason, 'max_tokens');
      });
    });

    it('draws the same faults for the same seed', async () => {
      const outcomes = async (seed: number): Promise<string> =>
        withServer({ seed, faultRate: 0.5, faults: ['server_error', 'rate_limit', 'malformed'] }, async (s) => {
          const seen: string[] = [];
          for (let i = 0; i < 12; i++) {
            const res = await chat(openai(s), prompt('general', 'OUTPUT:')).catch((e: unknown) => e);
            seen.push(res instanceof OpenAI.APIError ? String(res.status) : (res as OpenAI.ChatCompletion).choices[0]?.message.content?.slice(0, 12) ?? '');
          }
          return seen.join('|');
        });
      const a = await outcomes(7);
      assert.equal(a, await outcomes(7));
      assert.notEqual(a, await outcomes(8));
    });
  });

  describe('stats', () => {
    it('usage equals the sum of usage the SDKs reported', async () => {
      await withServer({ faultRate: 0.4, faults: ['server_error', 'malformed', 'truncated'], seed: 3 }, async (s) => {
        let input = 0;
        let output = 0;
        for (let i = 0; i < 8; i++) {
          const res = await chat(openai(s), prompt('math', 'INPUT:', ` Try ${i}.`)).catch(() => undefined);
          input += res?.usage?.prompt_tokens ?? 0;
          output += res?.usage?.completion_tokens ?? 0;
          const msg = await anthropic(s)
            .messages.create({ model: 'm', max_tokens: 300, messages: [{ role: 'user', content: prompt('code', 'OUTPUT:', ` ${i}`) }] })
            .catch(() => undefined);
          input += msg?.usage.input_tokens ?? 0;
          output += msg?.usage.output_tokens ?? 0;
        }
        const stats = s.stats();
        assert.ok(input > 0 && output > 0);
        assert.deepEqual(stats.usage, { inputTokens: input, outputTokens: output });
        assert.equal(stats.requests, 16);
        assert.ok((stats.byStatus['500'] ?? 0) > 0, 'seed 3 should inject some server errors');
      });
    });

    it('tracks peak concurrency and applies latency', async () => {
      await withServer({ latencyMs: 150 }, async (s) => {
        const started = Date.now();
        await Promise.all(Array.from({ length: 5 }, (_, i) => chat(openai(s), `hello ${i}`)));
        assert.ok(Date.now() - started >= 140);
        assert.equal(s.stats().maxConcurrent, 5);
      });
    });

    it('serves stats, config and reset over HTTP', async () => {
      await withServer({}, async (s) => {
        await chat(openai(s), 'hi');
        const stats = (await (await fetch(`${s.url}/_admin/stats`)).json()) as { requests: number; byStatus: Record<string, number> };
        assert.equal(stats.requests, 1);
        assert.deepEqual(stats, s.stats());
        const cfg = await fetch(`${s.url}/_admin/config`, { method: 'POST', body: JSON.stringify({ faultRate: 1, faults: ['server_error'] }) });
        assert.equal(cfg.status, 200);
        assert.ok((await rejection(chat(openai(s), 'hi'))) instanceof OpenAI.InternalServerError);
        const bad = await fetch(`${s.url}/_admin/config`, { method: 'POST', body: JSON.stringify({ faultRate: 2 }) });
        assert.equal(bad.status, 400);
        assert.equal((await fetch(`${s.url}/_admin/reset`, { method: 'POST' })).status, 200);
        assert.equal(s.stats().requests, 0);
      });
    });
  });

  describe('batches', () => {
    it('runs an OpenAI batch through files + batches, collectable by a fresh client', async () => {
      await withServer({ batchDelayMs: 150 }, async (s) => {
        const ids = ['a-1', 'b-2', 'c-3'];
        const jsonl = ids
          .map((id, i) =>
            JSON.stringify({
              custom_id: id,
              method: 'POST',
              url: '/v1/chat/completions',
              body: { model: 'gen-a', messages: [{ role: 'user', content: prompt('math', 'OUTPUT:', ` #${i}`) }], stop: ['[END]'] },
            }),
          )
          .join('\n');
        const client = openai(s);
        const file = await client.files.create({ file: await toFile(Buffer.from(jsonl), 'batch.jsonl'), purpose: 'batch' });
        assert.equal(file.bytes, Buffer.byteLength(jsonl));
        assert.equal((await client.files.retrieve(file.id)).filename, 'batch.jsonl');
        const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
        assert.equal(created.status, 'validating');
        assert.equal(s.stats().usage.outputTokens, 0);

        const restarted = openai(s); // a new client process only knows the batch id
        const done = await waitFor('batch completion', () => restarted.batches.retrieve(created.id), (b) => b.status === 'completed');
        assert.deepEqual(done.request_counts, { total: 3, completed: 3, failed: 0 });
        assert.equal(done.error_file_id, null);
        const text = await (await restarted.files.content(done.output_file_id ?? '')).text();
        const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number; body: OpenAI.ChatCompletion } });
        assert.deepEqual(rows.map((r) => r.custom_id).sort(), ids);
        let output = 0;
        for (const row of rows) {
          assert.equal(row.response.status_code, 200);
          assertAnswer('math', row.response.body.choices[0]?.message.content ?? '', false);
          output += row.response.body.usage?.completion_tokens ?? 0;
        }
        assert.equal(s.stats().usage.outputTokens, output, 'batch usage counts in stats');
        assert.equal(s.stats().batches.openai, 1);
        const listed = await restarted.batches.list();
        assert.ok(listed.data.some((b) => b.id === created.id));
      });
    });

    it('reports OpenAI batch item failures in an error file', async () => {
      await withServer({ batchDelayMs: 0, batchFailRate: 0.5 }, async (s) => {
        const ids = Array.from({ length: 20 }, (_, i) => `req-${i}`);
        const jsonl = ids
          .map((id) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: id }] } }))
          .join('\n');
        const client = openai(s);
        const file = await client.files.create({ file: await toFile(Buffer.from(jsonl), 'in.jsonl'), purpose: 'batch' });
        const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
        const done = await waitFor('batch', () => client.batches.retrieve(created.id), (b) => b.status === 'completed');
        const counts = done.request_counts;
        assert.ok(counts && counts.failed > 0 && counts.completed > 0 && counts.completed + counts.failed === 20, JSON.stringify(counts));
        const errors = (await (await client.files.content(done.error_file_id ?? '')).text()).trim().split('\n');
        const outputs = (await (await client.files.content(done.output_file_id ?? '')).text()).trim().split('\n');
        assert.equal(errors.length, counts?.failed);
        const seen: string[] = [];
        for (const line of errors) {
          const row = JSON.parse(line) as { custom_id: string; response: { status_code: number } | null; error: { code: string } | null };
          assert.ok(row.response?.status_code === 500 || typeof row.error?.code === 'string', line);
          seen.push(row.custom_id);
        }
        for (const line of outputs) seen.push((JSON.parse(line) as { custom_id: string }).custom_id);
        assert.deepEqual(seen.sort(), [...ids].sort());
      });
    });

    it('runs an Anthropic message batch and iterates results() through the SDK', async () => {
      await withServer({ batchDelayMs: 150 }, async (s) => {
        const client = anthropic(s);
        const requests = ['x1', 'x2', 'x3'].map((custom_id) => ({
          custom_id,
          params: { model: 'claude-fake', max_tokens: 1024, stop_sequences: ['[END]'], messages: [{ role: 'user' as const, content: prompt('code', 'INPUT:', custom_id) }] },
        }));
        const created = await client.messages.batches.create({ requests });
        assert.equal(created.processing_status, 'in_progress');
        assert.equal(created.request_counts.processing, 3);
        const ended = await waitFor('batch end', () => client.messages.batches.retrieve(created.id), (b) => b.processing_status === 'ended');
        assert.equal(ended.request_counts.succeeded, 3);
        assert.ok(ended.results_url?.startsWith(s.url));
        const seen: string[] = [];
        let output = 0;
        for await (const entry of await client.messages.batches.results(created.id)) {
          seen.push(entry.custom_id);
          assert.equal(entry.result.type, 'succeeded');
          if (entry.result.type !== 'succeeded') continue;
          const block = entry.result.message.content[0];
          assert.ok(block?.type === 'text');
          assert.equal(block.text.split('\nOUTPUT: ').length, 2);
          output += entry.result.message.usage.output_tokens;
        }
        assert.deepEqual(seen.sort(), ['x1', 'x2', 'x3']);
        assert.equal(s.stats().usage.outputTokens, output);
      });
    });

    it('reports Anthropic batch failures as errored results, and cancels', async () => {
      await withServer({ batchDelayMs: 0, batchFailRate: 0.5 }, async (s) => {
        const client = anthropic(s);
        const requests = Array.from({ length: 12 }, (_, i) => ({
          custom_id: `r${i}`,
          params: { model: 'm', max_tokens: 100, messages: [{ role: 'user' as const, content: `q ${i}` }] },
        }));
        const created = await client.messages.batches.create({ requests });
        const types: string[] = [];
        for await (const entry of await client.messages.batches.results(created.id)) {
          types.push(entry.result.type);
          if (entry.result.type === 'errored') assert.equal(entry.result.error.error.type, 'api_error');
        }
        assert.equal(types.length, 12);
        assert.ok(types.includes('errored') && types.includes('succeeded'), types.join());

        s.configure({ batchDelayMs: 60_000 });
        const slow = await client.messages.batches.create({ requests: requests.slice(0, 2) });
        assert.equal((await client.messages.batches.cancel(slow.id)).processing_status, 'canceling');
        const after = await client.messages.batches.retrieve(slow.id);
        assert.equal(after.processing_status, 'ended');
        assert.equal(after.request_counts.canceled, 2);
      });
    });
  });
});
