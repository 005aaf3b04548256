import type { PriceOverride } from '../config/types';
import type { Usage } from '../types';

/** USD per 1M tokens. */
export interface Price {
  input: number;
  output: number;
  /** Fraction taken off for batch requests (OpenAI Batch and Anthropic Message Batches: 0.5). */
  batchDiscount: number;
  /**
   * USD per 1M training tokens of a fine-tuning job (trained tokens = the file's tokens × epochs),
   * where the provider publishes one.
   */
  training?: number;
  /** Where the figure comes from. */
  source: string;
}

/**
 * List prices of the paper's generators (USD per 1M tokens, as published by each provider;
 * Llama models at Together AI's serverless prices). Matched by longest model-name prefix;
 * a config's `prices` overrides any entry. `training`: OpenAI's fine-tuning price per 1M trained
 * tokens (platform.openai.com/docs/pricing, "Fine-tuning" table).
 */
export const PRICE_TABLE: Record<string, Price> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6, batchDiscount: 0.5, training: 3, source: 'OpenAI list price' },
  'gpt-4o': { input: 2.5, output: 10, batchDiscount: 0.5, training: 25, source: 'OpenAI list price (gpt-4o-2024-08-06)' },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, batchDiscount: 0.5, training: 1.5, source: 'OpenAI list price' },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, batchDiscount: 0.5, training: 5, source: 'OpenAI list price' },
  'gpt-4.1': { input: 2, output: 8, batchDiscount: 0.5, training: 25, source: 'OpenAI list price' },
  'claude-3-5-sonnet': { input: 3, output: 15, batchDiscount: 0.5, source: 'Anthropic list price' },
  'claude-3-5-haiku': { input: 0.8, output: 4, batchDiscount: 0.5, source: 'Anthropic list price' },
  'claude-3-haiku': { input: 0.25, output: 1.25, batchDiscount: 0.5, source: 'Anthropic list price' },
  'meta-llama/Meta-Llama-3.1-405B-Instruct': { input: 3.5, output: 3.5, batchDiscount: 0, source: 'Together AI serverless price' },
  'meta-llama/Meta-Llama-3.1-70B-Instruct': { input: 0.88, output: 0.88, batchDiscount: 0, source: 'Together AI serverless price' },
  'meta-llama/Meta-Llama-3.1-8B-Instruct': { input: 0.18, output: 0.18, batchDiscount: 0, source: 'Together AI serverless price' },
};

/** The longest key that the model name starts with (dated snapshots share their family's price). */
function longestPrefix(model: string, keys: string[]): string | undefined {
  let best: string | undefined;
  for (const k of keys) if (model.startsWith(k) && (!best || k.length > best.length)) best = k;
  return best;
}

/** Prices for one run: the table plus the config's overrides. */
export class PriceBook {
  constructor(private readonly overrides: Record<string, PriceOverride> = {}) {}

  /** The price of a model, or undefined when neither the config nor the table knows it. */
  lookup(model: string): Price | undefined {
    const o = longestPrefix(model, Object.keys(this.overrides));
    const over = o === undefined ? undefined : this.overrides[o];
    if (over) return { input: over.input, output: over.output, batchDiscount: over.batchDiscount ?? 0, source: 'config' };
    const t = longestPrefix(model, Object.keys(PRICE_TABLE));
    return t === undefined ? undefined : PRICE_TABLE[t];
  }

  /** Whether the config or the table prices the model (an unknown model costs 0 in `cost`, which is not "free"). */
  has(model: string): boolean {
    return this.lookup(model) !== undefined;
  }

  /** The models of `models` nobody priced, each once, in order. */
  unpriced(models: Iterable<string>): string[] {
    return [...new Set(models)].filter((m) => !this.has(m));
  }

  cost(model: string, usage: Usage, batch = false): number {
    const p = this.lookup(model);
    if (!p) return 0;
    const usd = (usage.inputTokens * p.input + usage.outputTokens * p.output) / 1e6;
    return batch ? usd * (1 - p.batchDiscount) : usd;
  }
}

/** The warning for a model without a price (CLI `warning:` line, VS Code warning, log). */
export function unpricedText(model: string): string {
  return `no price known for model "${model}": its cost shows as "price unknown" (add it under "prices" in the config)`;
}

/**
 * Whether the cost of work done by `models` is unknown: 'all' when none of them has a price,
 * 'some' when the figure leaves some out, undefined when every one is priced.
 */
export function priceUnknown(models: Iterable<string>, unpriced: readonly string[] | undefined): 'all' | 'some' | undefined {
  if (!unpriced?.length) return undefined;
  const ms = [...new Set(models)];
  const n = ms.filter((m) => unpriced.includes(m)).length;
  return n === 0 ? undefined : n === ms.length ? 'all' : 'some';
}

/** A formatted cost, or "price unknown" (all unpriced), or the figure + "price unknown" (some unpriced). */
export function costWithUnknown(formatted: string, unknown: 'all' | 'some' | undefined): string {
  return unknown === 'all' ? 'price unknown' : unknown === 'some' ? `${formatted} + price unknown` : formatted;
}
