import type { GeneratorConfig, RunConfig, SettingConfig } from '../config/types';
import { CancelledError } from '../errors';
import type { ResponseCache } from '../cache/responseCache';
import type { PriceBook } from '../cost/prices';
import { TransportFailure, type PoolResult } from '../jobs/endpointPool';
import type { ChatRequest, ChatResponse } from '../providers/types';
import type { AttemptRecord, DatasetStore } from '../store/datasetStore';
import { ZERO_USAGE, addUsage, type Example, type Usage } from '../types';
import { sha256 } from '../util/rng';
import { parseOutput } from './parse';
import { choosePrompt, renderPrompt, type PromptChoice, type PromptSources } from './prompts';
import { leakMarkers, type Template } from './template';
import { validateInstance, type ValidationContext } from './validate';

/** The generator cannot serve any request (bad key, unknown model): its datasets stop with this error. */
export class GeneratorUnusableError extends Error {
  constructor(
    readonly generator: string,
    detail: string,
  ) {
    super(`generator "${generator}" is unusable: ${detail}`);
    this.name = 'GeneratorUnusableError';
  }
}

/** Sends one chat request for a generator (its endpoint pool). */
export interface Requester {
  chat(req: ChatRequest, estimatedTokens: number, signal?: AbortSignal): Promise<PoolResult>;
  readonly capacity: number;
}

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
  retryFailed?: boolean;
  /** Hard stop: abort requests in flight. */
  signal?: AbortSignal;
  /** Graceful stop: start nothing new, let requests in flight finish and be recorded. */
  stopSignal?: AbortSignal;
  /** Called when a slot finishes, with what it added. */
  onProgress?: (delta: { valid: number; failed: number; costUsd: number }) => void;
}

/** What one dataset's generation did. */
export interface DatasetOutcome {
  status: 'completed' | 'cancelled';
}

/** The result of asking for one attempt (from the cache or the provider). */
interface Answer {
  /** Missing when every transport try failed. */
  response?: ChatResponse;
  cached: boolean;
  transport: string[];
  latencyMs: number;
}

/**
 * Generates one dataset: every unfinished slot gets attempts until one passes parsing and
 * validation or the retry budget is used up. Each step is journaled (prompt choice, attempt,
 * instance) before it counts, so a resumed run continues exactly where this one stopped.
 */
export class DatasetGenerator {
  private readonly src: PromptSources;
  private readonly validation: ValidationContext;
  private readonly intents: Map<string, Record<string, unknown>>;
  private readonly lastAttempt: Map<number, number>;

  constructor(private readonly job: DatasetJob) {
    const { store, setting, template, generation } = job;
    this.src = { seeds: job.seeds, generated: new Map(), generatedOrder: [] };
    for (const row of store.listInstances({ status: 'valid', limit: Number.MAX_SAFE_INTEGER })) {
      this.src.generated.set(row.slot, { instruction: row.instruction, response: row.response });
      this.src.generatedOrder.push(row.slot);
    }
    this.validation = { method: setting.method, domain: setting.domain, leakMarkers: leakMarkers(template), maxInstanceTokens: generation.maxInstanceTokens };
    this.intents = store.intents();
    this.lastAttempt = store.lastAttempts();
  }

  /** Slots this dataset has: one per instance (instance generation) or one per seed row. */
  static slotCount(setting: SettingConfig, seeds: number): number {
    return setting.method === 'instance_generation' ? setting.instances : Math.min(setting.instances, seeds);
  }

  /** Slots still to do: never finished, or failed when `retryFailed` is set. */
  pendingSlots(): number[] {
    const finished = this.job.store.finishedSlots();
    const out: number[] = [];
    for (let slot = 0; slot < DatasetGenerator.slotCount(this.job.setting, this.job.seeds.length); slot++) {
      const st = finished.get(slot);
      if (st === undefined || (st === 'failed' && this.job.retryFailed)) out.push(slot);
    }
    return out;
  }

  async run(): Promise<DatasetOutcome> {
    const pending = this.pendingSlots();
    let next = 0;
    const stopped = () => Boolean(this.job.signal?.aborted || this.job.stopSignal?.aborted);
    // as many workers as the pool runs at once: a prompt is drawn only when its request can start,
    // so instance generation sees every instance finished before it as a possible demonstration
    const workers = Math.min(pending.length, this.job.requester.capacity);
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (!stopped() && next < pending.length) {
          const slot = pending[next++] as number;
          try {
            this.job.onProgress?.(await this.runSlot(slot));
          } catch (e) {
            if (e instanceof CancelledError) return;
            throw e;
          }
        }
      }),
    );
    await this.job.store.flush();
    return { status: this.unfinished() === 0 ? 'completed' : 'cancelled' };
  }

  /** Slots with no recorded outcome yet. */
  unfinished(): number {
    return DatasetGenerator.slotCount(this.job.setting, this.job.seeds.length) - this.job.store.finishedSlots().size;
  }

  private async runSlot(slot: number): Promise<{ valid: number; failed: number; costUsd: number }> {
    const { store, generation, setting } = this.job;
    const first = (this.lastAttempt.get(slot) ?? 0) + 1;
    const last = (this.job.retryFailed ? first - 1 : 0) + generation.maxRetries + 1;
    const started = new Date().toISOString();
    const history: string[] = store.attemptsFor(slot).flatMap((a) => a.reasons.map((r) => `attempt ${a.attempt}: ${r}`));
    let usage: Usage = ZERO_USAGE;
    let cost = 0;
    let latency = 0;
    let lastRaw = '';
    let lastMeta: Record<string, unknown> = {};
    for (let attempt = first; attempt <= last; attempt++) {
      if (this.job.stopSignal?.aborted) throw new CancelledError();
      const { choice, prompt } = await this.prompt(slot, attempt);
      const req: ChatRequest = {
        model: this.job.generator.model,
        system: setting.systemPrompt,
        messages: [{ role: 'user', content: prompt }],
        sampling: this.job.generator.sampling,
      };
      const answer = await this.ask(req, attempt);
      const given = choice.seed !== undefined ? this.src.seeds[choice.seed]?.instruction : undefined;
      const meta = { ...choice, attempt, ...(answer.cached ? { cached: true } : {}) };
      if (!answer.response) {
        const reasons = [`transport: gave up after ${answer.transport.length} tries`];
        await this.recordAttempt(slot, attempt, 'transport', reasons, ZERO_USAGE, 0, answer);
        history.push(...reasons.map((r) => `attempt ${attempt}: ${r}`));
        continue;
      }
      const res = answer.response;
      const billed = answer.cached ? ZERO_USAGE : res.usage;
      const attemptCost = this.job.prices.cost(this.job.generator.model, billed);
      usage = addUsage(usage, billed);
      cost += attemptCost;
      latency += answer.latencyMs;
      lastRaw = res.text;
      lastMeta = meta;
      const parsed = parseOutput(setting.method, { text: res.text, finishReason: res.finishReason }, setting.placeholders, given);
      const reasons = parsed.ok ? validateInstance(parsed.instruction, parsed.response, this.validation) : parsed.reasons;
      await this.recordAttempt(slot, attempt, reasons.length ? 'invalid' : 'valid', reasons, billed, attemptCost, answer);
      if (parsed.ok && !reasons.length) {
        await store.recordInstance({
          slot,
          status: 'valid',
          instruction: parsed.instruction,
          response: parsed.response,
          rawOutput: res.text,
          reasons: history,
          attempts: attempt,
          usage,
          costUsd: cost,
          latencyMs: Math.round(latency),
          startedAt: started,
          finishedAt: new Date().toISOString(),
          contentHash: sha256(`${parsed.instruction}\u0000${parsed.response}`),
          meta: { ...meta, finishReason: res.finishReason },
        });
        this.src.generated.set(slot, { instruction: parsed.instruction, response: parsed.response });
        this.src.generatedOrder.push(slot);
        return { valid: 1, failed: 0, costUsd: cost };
      }
      history.push(...reasons.map((r) => `attempt ${attempt}: ${r}`));
    }
    await store.recordInstance({
      slot,
      status: 'failed',
      instruction: '',
      response: '',
      rawOutput: lastRaw,
      reasons: history,
      attempts: last,
      usage,
      costUsd: cost,
      latencyMs: Math.round(latency),
      startedAt: started,
      finishedAt: new Date().toISOString(),
      contentHash: '',
      meta: lastMeta,
    });
    return { valid: 0, failed: 1, costUsd: cost };
  }

  /** The prompt for an attempt: the journaled choice when resuming, else a new draw (journaled first). */
  private async prompt(slot: number, attempt: number): Promise<{ choice: PromptChoice; prompt: string }> {
    const key = `${slot}:${attempt}`;
    const recorded = this.intents.get(key) as PromptChoice | undefined;
    if (recorded) {
      const prompt = renderPrompt(this.job.template, recorded, this.src);
      if (prompt !== undefined) return { choice: recorded, prompt };
    }
    const { setting, template, generation, runSeed } = this.job;
    const choice = choosePrompt(setting, template, this.src, { total: generation.demonstrations, fromSeed: generation.demonstrationsFromSeed }, runSeed, slot, attempt);
    const prompt = renderPrompt(template, choice, this.src);
    if (prompt === undefined) throw new Error(`slot ${slot}: prompt refers to a missing example`);
    if (setting.method === 'instance_generation') await this.job.store.recordIntent(slot, attempt, { ...choice });
    this.intents.set(key, { ...choice });
    return { choice, prompt };
  }

  private async ask(req: ChatRequest, attempt: number): Promise<Answer> {
    const key = this.job.cache.key(this.job.generator.provider, req, attempt);
    const hit = this.job.cache.get(key);
    if (hit) return { response: hit, cached: true, transport: [], latencyMs: 0 };
    const estimate = Math.ceil((req.system.length + (req.messages[0]?.content.length ?? 0)) / 4) + req.sampling.max_tokens;
    const t0 = performance.now();
    try {
      const r = await this.job.requester.chat(req, estimate, this.job.signal);
      this.job.cache.put(key, r.response);
      return { response: r.response, cached: false, transport: r.retries, latencyMs: performance.now() - t0 };
    } catch (e) {
      if (e instanceof TransportFailure) {
        if (e.fatal) throw new GeneratorUnusableError(this.job.generator.id, e.message);
        return { cached: false, transport: e.reasons, latencyMs: performance.now() - t0 };
      }
      throw e;
    }
  }

  private recordAttempt(slot: number, attempt: number, outcome: AttemptRecord['outcome'], reasons: string[], usage: Usage, costUsd: number, a: Answer): Promise<unknown> {
    return this.job.store.recordAttempt({
      slot,
      attempt,
      outcome,
      reasons,
      usage,
      costUsd,
      latencyMs: Math.round(a.latencyMs),
      cached: a.cached,
      via: 'sync',
      transport: a.transport,
      at: new Date().toISOString(),
    });
  }
}
