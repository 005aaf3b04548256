import type { BenchmarkName, EvalModelConfig } from '../config/types';
import type { Settled, SlotTask } from '../jobs/slotRunner';
import type { ChatRequest, ChatResponse } from '../providers/types';
import { BENCHMARK_INFO, type BenchmarkItem } from './benchmarks';
import { extractCode, testProgram } from './graders/code';
import { gradeGsm8k } from './graders/gsm8k';
import { gradeMath } from './graders/math';
import { benchmarkRequest, type Shot } from './prompting';
import type { SandboxPool } from './sandbox/sandbox';

/** One answer slot: which item, and which sample of it (pass@k asks several times). */
export interface AnswerChoice {
  item: number;
  sample: number;
}

/** What grading an answer found; kept in the instance's meta, item by item. */
export interface AnswerGrade {
  itemId: string;
  sample: number;
  /** Exact-answer and code benchmarks; absent for the judged ones (see the judge store). */
  correct?: boolean;
  extracted?: string;
  reference?: string;
  reason?: string;
  /** Sandbox verdict of a code answer (passed, failed, timeout, memory, output-limit, error). */
  verdict?: string;
}

/**
 * Asks one model every item of one benchmark (× samples) and grades each answer at once:
 * GSM8K/MATH by their answer graders, HumanEval/MBPP by running the tests in the sandbox.
 * Every answer is kept (a wrong answer is a result, not a failure); an item fails only when
 * no answer arrives after its attempts. AlpacaEval and Arena-Hard answers are judged later.
 */
export class AnswerTask implements SlotTask<AnswerChoice> {
  readonly slots: number;

  constructor(
    private readonly benchmark: BenchmarkName,
    private readonly model: EvalModelConfig,
    private readonly items: BenchmarkItem[],
    private readonly samples: number,
    private readonly shots: Shot[],
    private readonly sandbox: SandboxPool | undefined,
  ) {
    this.slots = items.length * samples;
  }

  choose(slot: number): { choice: AnswerChoice; journal: boolean } {
    return { choice: { item: Math.floor(slot / this.samples), sample: slot % this.samples }, journal: false };
  }

  request(_slot: number, c: AnswerChoice): ChatRequest | undefined {
    const item = this.items[c.item];
    return item ? benchmarkRequest(this.benchmark, this.model, item, this.samples, this.shots) : undefined;
  }

  sampleOf(slot: number, attempt: number): number {
    // samples of one item are the same request: keep their cached answers apart
    return (slot % this.samples) * 1000 + attempt;
  }

  async settle(_slot: number, c: AnswerChoice, res: ChatResponse): Promise<Settled> {
    const item = this.items[c.item];
    if (!item) return { ok: false, reasons: [`no item ${c.item}`] };
    const grade = await this.grade(item, c.sample, res.text);
    // the text the model saw (few-shot examples and answer-format line included), when it is more than the question
    const req = this.request(_slot, c);
    const prompt = req?.prompt ?? req?.messages.at(-1)?.content ?? item.question;
    return { ok: true, instruction: item.question, response: res.text, meta: { ...grade, ...(prompt !== item.question ? { prompt } : {}) } };
  }

  private async grade(item: BenchmarkItem, sample: number, output: string): Promise<AnswerGrade> {
    const base = { itemId: item.id, sample };
    switch (BENCHMARK_INFO[this.benchmark].kind) {
      case 'answer': {
        const g = this.benchmark === 'gsm8k' ? gradeGsm8k(output, item.reference) : gradeMath(output, item.reference);
        return { ...base, correct: g.correct, extracted: g.extracted, reference: g.reference, reason: g.reason };
      }
      case 'code': {
        if (!item.code || !this.sandbox) return { ...base, correct: false, reason: 'no sandbox to run the tests in' };
        const bench = this.benchmark === 'humaneval' ? 'humaneval' : 'mbpp';
        const code = extractCode(output, item.code, bench);
        const r = await this.sandbox.run(testProgram(item.code, code, bench));
        return { ...base, correct: r.verdict === 'passed', verdict: r.verdict, extracted: code, reason: r.reason };
      }
      case 'pairwise':
        return base;
    }
  }
}
