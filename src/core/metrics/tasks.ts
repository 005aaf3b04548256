/**
 * Judge and perplexity metrics as slot tasks: one slot per slot of the dataset (failed slots are
 * skipped), so they go through the same pool, cache, journal, batches and resume as generation.
 * A verdict that cannot be read is retried (shown its unreadable answer), then the slot fails
 * with the reason: a missing value, never a made-up score.
 */
import type { SlotTask, Settled } from '../jobs/slotRunner';
import type { ChatRequest, ChatResponse } from '../providers/types';
import type { Domain } from '../types';
import { judgeRequest, parseJudgeScore, perplexityFromLogprobs, perplexityRequest, type JudgedMetric } from './scorers';

/** The valid instances of a dataset, by slot. */
export type InstancesBySlot = Map<number, { instruction: string; response: string }>;

interface JudgeChoice {
  /** The judge's unreadable answer of the previous attempt, shown to it on this one. */
  previousAnswer?: string;
  retry?: boolean;
}

export class JudgeMetricTask implements SlotTask<JudgeChoice> {
  readonly slots: number;
  /** Unreadable answers of this process's attempts, until the slot's next choice is made. */
  private readonly unreadable = new Map<number, string>();

  constructor(
    private readonly metric: JudgedMetric,
    private readonly domain: Domain,
    private readonly judgeModel: string,
    private readonly instances: InstancesBySlot,
    slots: number,
  ) {
    this.slots = slots;
  }

  skip(slot: number): boolean {
    return !this.instances.has(slot);
  }

  choose(slot: number, attempt: number): { choice: JudgeChoice; journal: boolean } {
    if (attempt === 1) return { choice: {}, journal: false };
    const previousAnswer = this.unreadable.get(slot);
    this.unreadable.delete(slot);
    // journaled, so a resumed attempt shows the judge the same previous answer
    return previousAnswer !== undefined ? { choice: { previousAnswer }, journal: true } : { choice: { retry: true }, journal: true };
  }

  request(slot: number, c: JudgeChoice): ChatRequest | undefined {
    const inst = this.instances.get(slot);
    return inst ? judgeRequest(this.metric, this.domain, inst, this.judgeModel, c) : undefined;
  }

  settle(slot: number, _c: JudgeChoice, res: ChatResponse): Settled {
    const inst = this.instances.get(slot);
    if (!inst) return { ok: false, reasons: [`no instance at slot ${slot}`] };
    const p = parseJudgeScore(res.text);
    if (!p.ok) {
      this.unreadable.set(slot, res.text);
      return { ok: false, reasons: [`verdict-unreadable (judge): ${p.reason}`] };
    }
    return { ok: true, instruction: inst.instruction, response: res.text, meta: { score: p.score, reasoning: p.reasoning } };
  }
}

export class PerplexityTask implements SlotTask<Record<string, never>> {
  readonly slots: number;

  constructor(
    private readonly model: string,
    private readonly template: 'llama3' | 'plain',
    private readonly instances: InstancesBySlot,
    slots: number,
  ) {
    this.slots = slots;
  }

  skip(slot: number): boolean {
    return !this.instances.has(slot);
  }

  choose(): { choice: Record<string, never>; journal: boolean } {
    return { choice: {}, journal: false };
  }

  request(slot: number): ChatRequest | undefined {
    const inst = this.instances.get(slot);
    return inst ? perplexityRequest(inst, this.model, { template: this.template }).request : undefined;
  }

  settle(slot: number, _c: Record<string, never>, res: ChatResponse): Settled {
    const inst = this.instances.get(slot);
    if (!inst) return { ok: false, reasons: [`no instance at slot ${slot}`] };
    if (!res.logprobs) return { ok: false, reasons: ['no-logprobs (perplexity): the endpoint returned no prompt logprobs (it needs echo + logprobs, e.g. vLLM)'] };
    const { request, responseStart, responseEnd } = perplexityRequest(inst, this.model, { template: this.template });
    const r = perplexityFromLogprobs(res.logprobs, responseStart, responseEnd, request.prompt);
    if (!r.ok) return { ok: false, reasons: [`logprobs-unreadable (perplexity): ${r.reason}`] };
    // the stored response is the figure, not the echoed prompt: the store stays small
    return { ok: true, instruction: inst.instruction, response: String(r.perplexity), meta: { perplexity: r.perplexity, tokens: r.tokens, meanLogprob: r.meanLogprob } };
  }
}
