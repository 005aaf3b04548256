import type { BenchmarkName } from '../config/types';
import { DataError } from '../errors';
import { loadSeedsText } from '../seeds/loadSeeds';
import type { DataContext } from '../seeds/fetchData';
import { parseRows } from '../seeds/parse';
import { humanEvalItem, mbppItem, type CodeItem } from './graders/code';
import { gsm8kReference } from './graders/gsm8k';
import { extractMathAnswer } from './graders/math';

/** One benchmark question with what it is graded against. */
export interface BenchmarkItem {
  /** Stable id: the benchmark's own (task_id, unique_id, uid) or `<benchmark>/<index>`. */
  id: string;
  /** What the model is asked. */
  question: string;
  /** The gold answer (GSM8K, MATH), the reference output (AlpacaEval) or the baseline answer (Arena-Hard). */
  reference: string;
  /** Program parts for the code benchmarks. */
  code?: CodeItem;
  /** Subject, level, category… as the benchmark gives them. */
  meta?: Record<string, unknown>;
}

export type BenchmarkDomain = 'math' | 'code' | 'instruction_following';

/** How a benchmark is scored: an exact grader, the code sandbox, or a judge comparing two answers. */
export type BenchmarkKind = 'answer' | 'code' | 'pairwise';

export interface BenchmarkInfo {
  name: BenchmarkName;
  title: string;
  domain: BenchmarkDomain;
  kind: BenchmarkKind;
  /** Where the items come from (shown in errors and docs). */
  source: string;
}

export const BENCHMARK_INFO: Record<BenchmarkName, BenchmarkInfo> = {
  gsm8k: { name: 'gsm8k', title: 'GSM8K (test, 1,319)', domain: 'math', kind: 'answer', source: 'openai/grade-school-math test.jsonl' },
  math: { name: 'math', title: 'MATH-500', domain: 'math', kind: 'answer', source: 'openai/prm800k math_splits/test.jsonl' },
  'math-full': { name: 'math-full', title: 'MATH (test, 5,000)', domain: 'math', kind: 'answer', source: 'hf:EleutherAI/hendrycks_math, 7 subjects, test' },
  humaneval: { name: 'humaneval', title: 'HumanEval (164)', domain: 'code', kind: 'code', source: 'openai/human-eval HumanEval.jsonl.gz' },
  mbpp: { name: 'mbpp', title: 'MBPP (sanitized, EvalPlus 378)', domain: 'code', kind: 'code', source: 'hf:evalplus/mbppplus test' },
  'alpaca-eval': { name: 'alpaca-eval', title: 'AlpacaEval 2.0 (805)', domain: 'instruction_following', kind: 'pairwise', source: 'tatsu-lab/alpaca_eval results/gpt4_1106_preview/model_outputs.json' },
  'arena-hard': { name: 'arena-hard', title: 'Arena-Hard v0.1 (500)', domain: 'instruction_following', kind: 'pairwise', source: 'lmarena/arena-hard-auto data/arena-hard-v0.1' },
};

const RAW = 'https://raw.githubusercontent.com';
const MATH_SUBJECTS = ['algebra', 'counting_and_probability', 'geometry', 'intermediate_algebra', 'number_theory', 'prealgebra', 'precalculus'];

type Row = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Rows of a public file: the offline directory first (by the path the tests' data uses), else the cache, else a download. */
async function rows(ctx: DataContext, url: string, offlineNames: string[], format: 'json' | 'jsonl'): Promise<Row[]> {
  const { text, label } = await loadSeedsText({ url }, ctx, offlineNames);
  return parseRows(text, format, label).map((r) => r.row as Row);
}

/**
 * Loads a benchmark's items from its public source (cached and checksummed; an offline directory
 * — `dataDir` or AGORABENCH_DATA_DIR — is searched first, e.g. `<dir>/gsm8k/test.jsonl`).
 */
export async function loadBenchmark(name: BenchmarkName, ctx: DataContext, limit?: number): Promise<BenchmarkItem[]> {
  const items = await loadAll(name, ctx);
  if (!items.length) throw new DataError('no items found', BENCHMARK_INFO[name].source);
  return limit !== undefined ? items.slice(0, limit) : items;
}

async function loadAll(name: BenchmarkName, ctx: DataContext): Promise<BenchmarkItem[]> {
  switch (name) {
    case 'gsm8k': {
      const r = await rows(ctx, `${RAW}/openai/grade-school-math/master/grade_school_math/data/test.jsonl`, ['gsm8k/test.jsonl'], 'jsonl');
      return r.map((x, i) => ({ id: `gsm8k/${i}`, question: str(x.question), reference: gsm8kReference(str(x.answer)) }));
    }
    case 'math': {
      const r = await rows(ctx, `${RAW}/openai/prm800k/main/prm800k/math_splits/test.jsonl`, ['math500/test.jsonl'], 'jsonl');
      return r.map((x, i) => ({ id: str(x.unique_id) || `math/${i}`, question: str(x.problem), reference: str(x.answer), meta: { subject: x.subject, level: x.level } }));
    }
    case 'math-full': {
      const out: BenchmarkItem[] = [];
      for (const subject of MATH_SUBJECTS) {
        const { text, label } = await loadSeedsText({ hf: 'EleutherAI/hendrycks_math', config: subject, split: 'test' }, ctx);
        parseRows(text, 'jsonl', label).forEach(({ row }, i) => {
          const x = row as Row;
          // the full MATH test set gives worked solutions; the gold answer is the last boxed expression
          out.push({ id: `math-full/${subject}/${i}`, question: str(x.problem), reference: extractMathAnswer(str(x.solution)) ?? '', meta: { subject, level: x.level } });
        });
      }
      return out;
    }
    case 'humaneval': {
      const r = await rows(ctx, `${RAW}/openai/human-eval/master/data/HumanEval.jsonl.gz`, ['humaneval/HumanEval.jsonl.gz'], 'jsonl');
      return r.map((x) => {
        const code = humanEvalItem({ task_id: str(x.task_id), prompt: str(x.prompt), entry_point: str(x.entry_point), test: str(x.test) });
        return { id: code.id, question: code.prompt, reference: str(x.canonical_solution), code };
      });
    }
    case 'mbpp': {
      const { text, label } = await loadSeedsText({ hf: 'evalplus/mbppplus', split: 'test' }, ctx, ['mbpp/mbpp-sanitized.jsonl']);
      return parseRows(text, 'jsonl', label).map(({ row }) => {
        const x = row as Row;
        const tests = Array.isArray(x.test_list) ? x.test_list.map(str).join('\n') : str(x.test_list);
        const imports = Array.isArray(x.test_imports) ? x.test_imports.map(str).join('\n') : str(x.imports ?? x.test_imports);
        const code = mbppItem({ task_id: str(x.task_id), prompt: str(x.prompt), entry_point: str(x.entry_point), test_list: tests, imports, code: str(x.code ?? x.canonical_solution) });
        return { id: code.id, question: code.prompt, reference: str(x.code ?? x.canonical_solution), code };
      });
    }
    case 'alpaca-eval': {
      const r = await rows(ctx, `${RAW}/tatsu-lab/alpaca_eval/main/results/gpt4_1106_preview/model_outputs.json`, ['alpaca-eval/reference-gpt4_1106_preview.json', 'gpt4_1106_preview/model_outputs.json'], 'json');
      return r.map((x, i) => ({ id: `alpaca-eval/${i}`, question: str(x.instruction), reference: str(x.output), meta: { dataset: x.dataset } }));
    }
    case 'arena-hard': {
      const base = `${RAW}/lmarena/arena-hard-auto/main/data/arena-hard-v0.1`;
      const questions = await rows(ctx, `${base}/question.jsonl`, ['arena-hard-v0.1/question.jsonl'], 'jsonl');
      const answers = await rows(ctx, `${base}/model_answer/gpt-4-0314.jsonl`, ['arena-hard-v0.1/baseline-gpt-4-0314.jsonl', 'arena-hard-v0.1/model_answer/gpt-4-0314.jsonl'], 'jsonl');
      const baseline = new Map(answers.map((a) => [str(a.uid ?? a.question_id), arenaAnswerText(a)]));
      return questions.map((q) => {
        const id = str(q.uid ?? q.question_id);
        const turns = q.turns as { content?: unknown }[] | undefined;
        const question = str(q.prompt ?? turns?.[0]?.content);
        const reference = baseline.get(id);
        if (reference === undefined) throw new DataError(`no gpt-4-0314 baseline answer for question ${id}`, 'arena-hard');
        return { id, question, reference, meta: { category: q.category, cluster: q.cluster } };
      });
    }
  }
}

/** The baseline's answer in either of the layouts arena-hard-auto has published. */
function arenaAnswerText(a: Row): string {
  const messages = a.messages as { role?: string; content?: unknown }[] | undefined;
  const last = messages?.filter((m) => m.role === 'assistant').at(-1)?.content;
  if (last !== undefined) return typeof last === 'object' && last !== null ? str((last as Row).answer) : str(last);
  const choices = a.choices as { turns?: { content?: unknown }[] }[] | undefined;
  return str(choices?.[0]?.turns?.[0]?.content);
}
