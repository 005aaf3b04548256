import type { GeneratorConfig, RunConfig, SettingConfig } from '../config/types';
import type { ResponseCache } from '../cache/responseCache';
import type { PriceBook } from '../cost/prices';
import { SlotRunner, type Requester, type Settled, type SlotDelta, type SlotOutcome, type SlotTask } from '../jobs/slotRunner';
import type { BatchClient } from '../providers/batch';
import type { ChatRequest, ChatResponse } from '../providers/types';
import type { DatasetStore } from '../store/datasetStore';
import type { Example } from '../types';
import { parseOutput } from './parse';
import { choosePrompt, renderPrompt, type PromptChoice, type PromptSources } from './prompts';
import type { Template } from './template';
import { validateInstance, type ValidationContext } from './validate';

export { GeneratorUnusableError, type Requester, type SlotDelta } from '../jobs/slotRunner';

export interface DatasetJob {
  store: DatasetStore;
  setting: SettingConfig;
  generator: GeneratorConfig;
  seeds: Example[];
  template: Template;
  runSeed: number;
  generation: RunConfig['generation'];
  cache: ResponseCache;
  prices: PriceBook;
  requester: Requester;
  /** Set when the generator uses its provider's batch API instead of one request per attempt. */
  batch?: BatchClient;
  retryFailed?: boolean;
  /** Hard stop: abort requests in flight. */
  signal?: AbortSignal;
  /** Graceful stop: start nothing new, let requests in flight finish and be recorded. */
  stopSignal?: AbortSignal;
  /** Called after every attempt (its cost) and when a slot finishes (valid or failed). */
  onProgress?: (delta: SlotDelta) => void;
  onLog?: (message: string, level?: 'info' | 'warn') => void;
}

export type DatasetOutcome = SlotOutcome;

/**
 * Generation as a slot task: a slot's request is the setting's meta-prompt (drawn demonstrations,
 * theme and opener for instance generation; the seed row otherwise); an answer is kept when it
 * parses and passes the setting's validation profile. Valid instances become demonstrations.
 */
class GenerationTask implements SlotTask<PromptChoice> {
  readonly slots: number;
  private readonly src: PromptSources;
  private readonly validation: ValidationContext;
  /** Valid instances not yet applied to the store; demonstrations are read from the store after that. */
  private readonly recent = new Map<number, Example>();

  constructor(private readonly job: DatasetJob) {
    const { store, setting, generation } = job;
    this.slots = DatasetGenerator.slotCount(setting, job.seeds.length);
    this.src = { seeds: job.seeds, generated: (slot) => this.recent.get(slot) ?? store.validInstance(slot), generatedOrder: store.validSlots() };
    this.validation = { method: setting.method, domain: setting.domain, profile: setting.validation, placeholders: setting.placeholders, maxInstanceTokens: generation.maxInstanceTokens };
  }

  choose(slot: number, attempt: number): { choice: PromptChoice; journal: boolean } {
    const { setting, template, generation, runSeed } = this.job;
    const choice = choosePrompt(setting, template, this.src, { total: generation.demonstrations, fromSeed: generation.demonstrationsFromSeed }, runSeed, slot, attempt);
    // only instance generation draws at random; the other methods' prompts follow from the slot
    return { choice, journal: setting.method === 'instance_generation' };
  }

  request(_slot: number, choice: PromptChoice): ChatRequest | undefined {
    const { setting, template, generator } = this.job;
    const prompt = renderPrompt(template, choice, this.src);
    if (prompt === undefined) return undefined;
    return { model: generator.model, system: setting.systemPrompt, messages: [{ role: 'user', content: prompt }], sampling: generator.sampling };
  }

  settle(_slot: number, choice: PromptChoice, res: ChatResponse): Settled {
    const { setting } = this.job;
    const given = choice.seed !== undefined ? this.src.seeds[choice.seed]?.instruction : undefined;
    const p = parseOutput(setting.method, { text: res.text, finishReason: res.finishReason }, setting.placeholders, setting.validation, given);
    if (!p.ok) return p;
    const reasons = validateInstance(p.instruction, p.response, this.validation);
    if (reasons.length) return { ok: false, reasons };
    // quality enhancement: the pair it revised, so the two can be read side by side
    const seed = setting.method === 'quality_enhancement' && choice.seed !== undefined ? this.src.seeds[choice.seed] : undefined;
    return { ok: true, instruction: p.instruction, response: p.response, ...(seed ? { meta: { original: { instruction: seed.instruction, response: seed.response } } } : {}) };
  }

  onValid(slot: number, instance: Example): void {
    this.recent.set(slot, instance);
    this.src.generatedOrder.push(slot);
  }

  onDurable(slot: number): void {
    this.recent.delete(slot);
  }
}

/** Generates one dataset: the generation task run by the shared slot runner. */
export class DatasetGenerator {
  private readonly runner: SlotRunner<PromptChoice>;

  constructor(job: DatasetJob) {
    const { generator } = job;
    this.runner = new SlotRunner({
      task: new GenerationTask(job),
      store: job.store,
      name: `generator "${generator.id}"`,
      provider: generator.provider,
      model: generator.model,
      maxAttempts: job.generation.maxAttempts,
      fallbackOutputTokens: generator.sampling.max_tokens / 4,
      cache: job.cache,
      prices: job.prices,
      requester: job.requester,
      batch: job.batch ? { client: job.batch, maxItems: generator.batchMaxItems, pollSeconds: generator.batchPollSeconds } : undefined,
      retryFailed: job.retryFailed,
      signal: job.signal,
      stopSignal: job.stopSignal,
      onProgress: job.onProgress,
      onLog: job.onLog,
    });
  }

  /** Slots this dataset has: one per instance (instance generation) or one per seed row. */
  static slotCount(setting: SettingConfig, seeds: number): number {
    return setting.method === 'instance_generation' ? setting.instances : Math.min(setting.instances, seeds);
  }

  pendingSlots(): number[] {
    return this.runner.pendingSlots();
  }

  unfinished(): number {
    return this.runner.unfinished();
  }

  run(): Promise<DatasetOutcome> {
    return this.runner.run();
  }
}
