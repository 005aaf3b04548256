import type { RunConfig } from '../config/types';
import { DatasetGenerator } from '../generation/datasetGenerator';
import { choosePrompt, renderPrompt, seedsOnly } from '../generation/prompts';
import { estimateTokens } from '../generation/tokens';
import { prepareSettings, planDatasets, seedShortfalls, shortfallText, type SeedShortfall } from '../run/prepare';
import type { RunOptions } from '../run/types';
import { PriceBook, costWithUnknown, priceUnknown } from './prices';

/** Expected size and price of one dataset before it is generated. */
export interface DatasetEstimate {
  id: string;
  generator: string;
  model: string;
  setting: string;
  /** Instances the dataset will have (the request, capped by the seed rows where each instance answers one seed). */
  instances: number;
  /** Instances the config asks for. */
  requested: number;
  /** Seed rows of the setting. */
  seeds: number;
  /** Expected requests: instances × attempts per slot. */
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Cost if every output used max_tokens: an upper bound without retries. */
  maxCostUsd: number;
  priced: boolean;
  batch: boolean;
}

export interface RunEstimate {
  datasets: DatasetEstimate[];
  costUsd: number;
  maxCostUsd: number;
  unpriced: string[];
  /** Assumed attempts per slot (validation retries). */
  attemptsPerSlot: number;
  /** Settings whose seed set is smaller than the instances they ask for. */
  shortfalls: SeedShortfall[];
}

const SAMPLE_PROMPTS = 24;
const ATTEMPTS_PER_SLOT = 1.15; // measured validation failure rates are low single digits to ~15 %

/**
 * Estimates requests, tokens and cost from real prompts: a sample of each setting's prompts is
 * rendered and counted with the tokenizer; outputs are assumed as long as the seed examples the
 * method writes (instruction + response, response, or both revised).
 */
export async function estimateRun(config: RunConfig, only?: RunOptions['only']): Promise<RunEstimate> {
  const settings = await prepareSettings(config, only);
  const plans = planDatasets(config, settings, only);
  const prices = new PriceBook(config.prices);
  const perSetting = new Map<string, { prompt: number; output: number }>();
  for (const s of settings) {
    const slots = DatasetGenerator.slotCount(s.setting, s.seeds.length);
    const n = Math.min(SAMPLE_PROMPTS, slots);
    let prompt = 0;
    let output = 0;
    const src = seedsOnly(s.seeds);
    for (let i = 0; i < n; i++) {
      const slot = Math.floor((i * slots) / n);
      const choice = choosePrompt(s.setting, s.template, src, { total: config.generation.demonstrations, fromSeed: config.generation.demonstrationsFromSeed }, config.seed, slot, 1);
      prompt += estimateTokens(s.setting.systemPrompt) + estimateTokens(renderPrompt(s.template, choice, src) ?? '');
      const ex = s.seeds[slot % s.seeds.length];
      const written = s.setting.method === 'response_generation' ? ex?.response ?? '' : `${ex?.instruction ?? ''}\n${ex?.response ?? ''}`;
      // response generation seeds may hold no response: assume a medium-length answer
      output += written.trim() ? estimateTokens(written) + 4 : 400;
    }
    perSetting.set(s.setting.key, { prompt: prompt / Math.max(1, n), output: output / Math.max(1, n) });
  }
  const datasets: DatasetEstimate[] = plans.map((p) => {
    const g = config.generators.find((x) => x.id === p.generator);
    const per = perSetting.get(p.setting) ?? { prompt: 0, output: 0 };
    const requests = Math.ceil(p.target * ATTEMPTS_PER_SLOT);
    const outPer = Math.min(per.output, g?.sampling.max_tokens ?? per.output);
    const usage = { inputTokens: Math.round(requests * per.prompt), outputTokens: Math.round(requests * outPer) };
    const batch = g?.batch ?? false;
    return {
      id: p.id,
      generator: p.generator,
      model: p.model,
      setting: p.setting,
      instances: p.target,
      requested: p.requested,
      seeds: p.seeds,
      requests,
      ...usage,
      costUsd: prices.cost(p.model, usage, batch),
      maxCostUsd: prices.cost(p.model, { inputTokens: p.target * per.prompt, outputTokens: p.target * (g?.sampling.max_tokens ?? 0) }, batch),
      priced: prices.lookup(p.model) !== undefined,
      batch,
    };
  });
  return {
    datasets,
    costUsd: datasets.reduce((n, d) => n + d.costUsd, 0),
    maxCostUsd: datasets.reduce((n, d) => n + d.maxCostUsd, 0),
    unpriced: [...new Set(datasets.filter((d) => !d.priced).map((d) => d.model))],
    attemptsPerSlot: ATTEMPTS_PER_SLOT,
    shortfalls: seedShortfalls(settings),
  };
}

/** Dollars as every report shows them; `unknown` = some or all of the work is by models without a price. */
export function usd(n: number, unknown?: 'all' | 'some'): string {
  return costWithUnknown(n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`, unknown);
}

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** An estimate as a table and notes: the CLI prints it as text, VS Code as Markdown. */
export interface EstimateReport {
  header: string[];
  rows: string[][];
  /** Sentences under the table: the totals and what they assume, shortfalls, unpriced models. */
  notes: string[];
}

export function estimateReport(est: RunEstimate): EstimateReport {
  const rows = est.datasets.map((d) => [d.generator, d.setting, int(d.instances), int(d.requests), int(d.inputTokens), int(d.outputTokens), d.priced ? usd(d.costUsd) : 'price unknown', d.priced ? usd(d.maxCostUsd) : '-', d.batch ? 'batch' : '']);
  const unknown = priceUnknown(est.datasets.map((d) => d.model), est.unpriced);
  const notes = [
    ...est.shortfalls.map((f) => `fewer seeds than requested instances: ${shortfallText(f)}`),
    `expected total ${usd(est.costUsd, unknown)} (assumes ${est.attemptsPerSlot} attempts per slot; outputs as long as the seed examples)`,
    `upper bound ${usd(est.maxCostUsd, unknown)} (every output at max_tokens, no retries)`,
    ...(est.unpriced.length ? [`no price known for ${est.unpriced.join(', ')}: add them under "prices" in the config`] : []),
  ];
  return { header: ['generator', 'setting', 'instances', 'requests', 'input tok', 'output tok', 'expected', 'max', ''], rows, notes };
}
