import type { EndpointConfig } from '../config/types';
import type { Settled, SlotTask } from '../jobs/slotRunner';
import type { ChatRequest, ChatResponse } from '../providers/types';
import type { BenchmarkItem } from './benchmarks';
import { ALPACA_JUDGE_OPTIONS, alpacaJudgeMessages, alpacaSwapOrder, alpacaUnswap, parseAlpacaPreference } from './judging/alpacaEval';
import { ARENA_FOLLOW_UP, ARENA_JUDGE_OPTIONS, arenaJudgeMessages, parseArenaVerdict } from './judging/arenaHard';

/** One verdict slot: the item, whether the evaluated model's answer is shown first, and whether to ask for the verdict label again. */
export interface JudgeChoice {
  item: number;
  modelFirst: boolean;
  /** A retry after a judgement without a verdict: the judge is reminded to end with its label. */
  followUp?: boolean;
}

/** What a verdict found; kept in the judge store's instance meta, item by item. */
export interface VerdictRecord {
  itemId: string;
  modelFirst: boolean;
  /** AlpacaEval: preference in [1, 2] on the model's side (2 = the model's answer is better). */
  preference?: number;
  /** Arena-Hard: the verdict label as the judge gave it (A = the answer shown first). */
  verdict?: string;
  reason: string;
}

/** How each judged benchmark asks its judge (the benchmark's setup; only the judge model is the user's choice). */
const JUDGE_SAMPLING = {
  // AlpacaEval 2.0's weighted annotator: one token, its top logprobs weigh m against M
  'alpaca-eval': { temperature: ALPACA_JUDGE_OPTIONS.temperature, top_p: 1, max_tokens: ALPACA_JUDGE_OPTIONS.maxTokens, stop: [] as string[] },
  // Arena-Hard's judge answers the prompt itself and compares before its verdict
  'arena-hard': { temperature: ARENA_JUDGE_OPTIONS.temperature, top_p: 1, max_tokens: ARENA_JUDGE_OPTIONS.maxTokens, stop: [] as string[] },
};

/**
 * Judges one model's answers against the benchmark's reference (AlpacaEval: gpt4_1106_preview's
 * outputs, one verdict per item, the order drawn per item) or baseline (Arena-Hard: gpt-4-0314's
 * answers, two verdicts per item, both orders). A verdict that cannot be read is retried, then
 * recorded as missing with its reason — never counted as a loss.
 */
export class JudgeTask implements SlotTask<JudgeChoice> {
  readonly slots: number;

  constructor(
    private readonly benchmark: 'alpaca-eval' | 'arena-hard',
    private readonly judge: EndpointConfig,
    private readonly items: BenchmarkItem[],
    /** The model's answer to an item (its first sample), or undefined while it has none. */
    private readonly answer: (item: number) => string | undefined,
  ) {
    this.slots = benchmark === 'arena-hard' ? items.length * 2 : items.length;
  }

  choose(slot: number, attempt: number): { choice: JudgeChoice; journal: boolean } {
    const followUp = attempt > 1 ? { followUp: true } : {};
    if (this.benchmark === 'arena-hard') return { choice: { item: Math.floor(slot / 2), modelFirst: slot % 2 === 0, ...followUp }, journal: false };
    // AlpacaEval shows the reference first and swaps the two for a seeded half of the instructions
    return { choice: { item: slot, modelFirst: alpacaSwapOrder(this.items[slot]?.question ?? String(slot)), ...followUp }, journal: false };
  }

  skip(slot: number): boolean {
    return this.answer(this.benchmark === 'arena-hard' ? Math.floor(slot / 2) : slot) === undefined;
  }

  request(_slot: number, c: JudgeChoice): ChatRequest | undefined {
    const item = this.items[c.item];
    const answer = this.answer(c.item);
    if (!item || answer === undefined) return undefined;
    const [a, b] = c.modelFirst ? [answer, item.reference] : [item.reference, answer];
    const m = this.benchmark === 'alpaca-eval' ? alpacaJudgeMessages(item.question, a, b) : arenaJudgeMessages(item.question, a, b);
    const user = c.followUp && this.benchmark === 'arena-hard' ? `${m.user}\n\n${ARENA_FOLLOW_UP}` : m.user;
    return {
      model: this.judge.model,
      system: m.system,
      messages: [{ role: 'user', content: user }],
      sampling: JUDGE_SAMPLING[this.benchmark],
      // Anthropic has no logprobs: its m/M answer token is read as is
      ...(this.benchmark === 'alpaca-eval' && this.judge.provider !== 'anthropic' ? { topLogprobs: ALPACA_JUDGE_OPTIONS.topLogprobs } : {}),
    };
  }

  settle(_slot: number, c: JudgeChoice, res: ChatResponse): Settled {
    const item = this.items[c.item];
    if (!item) return { ok: false, reasons: [`no item ${c.item}`] };
    if (this.benchmark === 'alpaca-eval') {
      const p = parseAlpacaPreference(res.text, res.topLogprobs);
      if (p.preference === undefined) return { ok: false, reasons: [`verdict-unreadable (judge): ${p.reason}`] };
      // the parser says which position won (2 = second); turn it into the model's side
      const preference = alpacaUnswap(p.preference, c.modelFirst);
      const v: VerdictRecord = { itemId: item.id, modelFirst: c.modelFirst, preference, reason: p.reason };
      return { ok: true, instruction: item.question, response: res.text, meta: { ...v } };
    }
    const p = parseArenaVerdict(res.text);
    if (!p.verdict) return { ok: false, reasons: [`verdict-unreadable (judge): ${p.reason}`] };
    const v: VerdictRecord = { itemId: item.id, modelFirst: c.modelFirst, verdict: p.verdict, reason: p.reason };
    return { ok: true, instruction: item.question, response: res.text, meta: { ...v } };
  }
}
