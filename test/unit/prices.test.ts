import * as assert from 'node:assert/strict';
import { PRICE_TABLE, PriceBook } from '../../src/core/cost/prices';

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
});
