import * as assert from 'node:assert/strict';
import { PRICE_TABLE, PriceBook, costWithUnknown, priceUnknown, unpricedText } from '../../src/core/cost/prices';
import { usd } from '../../src/cli/format';
import { formatUsd, progressReporter } from '../../src/extension/run/progressReporter';
import type { RunEvent } from '../../src/core/run/types';

const USAGE = { inputTokens: 1_000_000, outputTokens: 2_000_000 };

describe('prices', () => {
  it('matches the longest model-name prefix (a dated gpt-4o-mini is gpt-4o-mini, not gpt-4o)', () => {
    const book = new PriceBook();
    assert.equal(book.lookup('gpt-4o-mini-2024-07-18'), PRICE_TABLE['gpt-4o-mini']);
    assert.equal(book.lookup('gpt-4o-2024-08-06'), PRICE_TABLE['gpt-4o']);
    assert.equal(book.lookup('gpt-4.1-mini-2025-04-14'), PRICE_TABLE['gpt-4.1-mini']);
    assert.equal(book.lookup('claude-3-5-haiku-20241022'), PRICE_TABLE['claude-3-5-haiku']);
    assert.equal(book.lookup('meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo'), PRICE_TABLE['meta-llama/Meta-Llama-3.1-70B-Instruct']);
    // an exact name matches itself
    assert.equal(book.lookup('gpt-4o'), PRICE_TABLE['gpt-4o']);
  });

  it('computes USD per 1M tokens', () => {
    const book = new PriceBook();
    // gpt-4o-mini: 0.15 in, 0.6 out
    assert.ok(Math.abs(book.cost('gpt-4o-mini-2024-07-18', USAGE) - (0.15 + 2 * 0.6)) < 1e-12);
    assert.ok(Math.abs(book.cost('gpt-4o', { inputTokens: 1000, outputTokens: 500 }) - (1000 * 2.5 + 500 * 10) / 1e6) < 1e-12);
    assert.equal(book.cost('gpt-4o', { inputTokens: 0, outputTokens: 0 }), 0);
  });

  it('a config override wins over the table, for that exact model name', () => {
    const book = new PriceBook({ 'gpt-4o-mini': { input: 1, output: 2 } });
    const p = book.lookup('gpt-4o-mini');
    assert.deepEqual(p, { input: 1, output: 2, batchDiscount: 0, source: 'config' });
    assert.equal(book.cost('gpt-4o-mini', USAGE), 1 + 4);
    // other models still come from the table
    assert.equal(book.lookup('gpt-4o'), PRICE_TABLE['gpt-4o']);
  });

  it('an override can price a model the table does not know', () => {
    const book = new PriceBook({ 'my-local-model': { input: 0.5, output: 0.5, batchDiscount: 0.25 } });
    assert.equal(book.cost('my-local-model', USAGE), 1.5);
    assert.equal(book.cost('my-local-model', USAGE, true), 1.5 * 0.75);
  });

  it('applies the batch discount only to batch requests', () => {
    const book = new PriceBook();
    const sync = book.cost('claude-3-5-sonnet-20241022', USAGE);
    assert.equal(sync, 3 + 2 * 15);
    assert.equal(book.cost('claude-3-5-sonnet-20241022', USAGE, true), sync * 0.5);
    // Together's Llama prices have no batch discount
    const llama = book.cost('meta-llama/Meta-Llama-3.1-8B-Instruct', USAGE);
    assert.equal(book.cost('meta-llama/Meta-Llama-3.1-8B-Instruct', USAGE, true), llama);
  });

  it('an unknown model has no price and costs 0', () => {
    const book = new PriceBook({ 'gpt-4o': { input: 9, output: 9 } });
    assert.equal(book.lookup('mistral-large'), undefined);
    assert.equal(book.cost('mistral-large', USAGE), 0);
    assert.equal(book.cost('mistral-large', USAGE, true), 0);
    // a prefix of a table entry is not a match
    assert.equal(new PriceBook().lookup('gpt-4'), undefined);
  });

  it('tells an unknown model ("price unknown") from a free one ($0)', () => {
    const book = new PriceBook({ 'free-local': { input: 0, output: 0 } });
    assert.equal(book.has('free-local'), true);
    assert.equal(book.has('gpt-4o-mini-2024-07-18'), true);
    assert.equal(book.has('mystery-model'), false);
    assert.deepEqual(book.unpriced(['mystery-model', 'free-local', 'mystery-model', 'other']), ['mystery-model', 'other']);
    assert.equal(priceUnknown(['a', 'b'], ['a', 'b']), 'all');
    assert.equal(priceUnknown(['a', 'b'], ['b']), 'some');
    assert.equal(priceUnknown(['a'], ['b']), undefined);
    assert.equal(priceUnknown(['a'], undefined), undefined);
    assert.equal(costWithUnknown('$1.00', 'some'), '$1.00 + price unknown');
    // the CLI's and the extension's formatters
    assert.equal(usd(0, 'all'), 'price unknown');
    assert.equal(usd(0), '$0.0000');
    assert.equal(formatUsd(0, 'all'), 'price unknown');
    assert.equal(formatUsd(2, 'some'), '$2.00 + price unknown');
    assert.equal(formatUsd(0), '$0.00');
    assert.match(unpricedText('mystery-model'), /no price known for model "mystery-model".*"prices"/);
  });

  it('the Output channel warns once per unpriced model and never shows its cost as $0.00', () => {
    const lines: string[] = [];
    const messages: string[] = [];
    const log = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
    const report = progressReporter({ report: (v) => v.message && messages.push(v.message) }, log as never);
    const plan = (id: string, model: string) => ({ id, generator: id, model, setting: 's', target: 2, requested: 2, seeds: 2, dir: id });
    const events: RunEvent[] = [
      { type: 'run-start', run: 'r', resultsDir: '/tmp/r', datasets: [plan('a', 'mystery'), plan('b', 'mystery')], totalTarget: 4, alreadyDone: 0, shortfalls: [], unpriced: ['mystery'] },
      { type: 'progress', datasets: [], done: 1, totalTarget: 4, costUsd: 0, requestsInFlight: 3 },
      { type: 'dataset-done', datasetId: 'a', status: 'completed', valid: 2, failed: 0, costUsd: 0 },
    ];
    for (const e of events) report(e);
    assert.equal(lines.filter((l) => l.startsWith('warn') && l.includes('"mystery"')).length, 1);
    assert.ok(messages.some((m) => m.includes('price unknown')), messages.join('\n'));
    assert.ok(!messages.some((m) => m.includes('$0.00')), messages.join('\n'));
    assert.ok(lines.some((l) => /dataset a: completed.*price unknown/.test(l)), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('$0.00')), lines.join('\n'));
  });
});
