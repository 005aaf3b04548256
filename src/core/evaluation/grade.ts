import type { BenchmarkName } from '../config/types';
import { DataError } from '../errors';
import type { DataContext } from '../seeds/fetchData';
import { parseRows } from '../seeds/parse';
import { BENCHMARK_INFO, loadBenchmark, type BenchmarkItem } from './benchmarks';
import { extractCode, testProgram } from './graders/code';
import { gradeGsm8k } from './graders/gsm8k';
import { gradeMath } from './graders/math';
import { parseArenaVerdict, type ArenaVerdict } from './judging/arenaHard';
import { SandboxPool, sandboxCapabilities } from './sandbox/sandbox';
import { answerScore, judgedScore, type EvalScore, type StoredResult } from './scores';

/** One graded line of an outputs file. */
export interface ItemGrade {
  id: string;
  /** Exact-answer and code benchmarks. */
  correct?: boolean;
  /** AlpacaEval: the preference on the model's side; Arena-Hard: the two verdicts. */
  verdict?: string | number;
  extracted?: string;
  reference?: string;
  reason: string;
}

export interface GradeOptions {
  /** Sandbox for the code benchmarks. */
  workers?: number;
  timeoutMs?: number;
  allowNetwork?: boolean;
}

/**
 * Grades outputs produced elsewhere with the same graders `eval` uses. Each line is
 * `{"id"?, "question"?, "output"}`, matched to a benchmark item by id (task_id for code) or by the
 * exact question text. For AlpacaEval a line may instead carry a verdict already made
 * (`preference` in [1, 2], AlpacaEval's annotation format, 2 = the model's `output_2` is better);
 * for Arena-Hard, arena-hard-auto's judgment lines (`games[].score`, game 1 with the baseline as A).
 */
export async function gradeOutputs(benchmark: BenchmarkName, text: string, label: string, ctx: DataContext, opts: GradeOptions = {}): Promise<{ grades: ItemGrade[]; score: Omit<EvalScore, 'model' | 'role' | 'promptFormat'> }> {
  const items = await loadBenchmark(benchmark, ctx);
  const byId = new Map(items.map((i) => [i.id, i]));
  const byQuestion = new Map(items.map((i) => [i.question.trim(), i]));
  const lines = parseRows(text, 'jsonl', label);
  const matched: { item: BenchmarkItem; row: Record<string, unknown>; line: number }[] = [];
  for (const { row, line } of lines) {
    if (!row || typeof row !== 'object') throw new DataError('expected a JSON object', `${label}:${line}`);
    const r = row as Record<string, unknown>;
    const id = r.id ?? r.task_id ?? r.question_id ?? r.uid;
    const question = r.question ?? r.instruction ?? r.prompt;
    const item = (id !== undefined ? byId.get(String(id)) : undefined) ?? (typeof question === 'string' ? byQuestion.get(question.trim()) : undefined);
    if (!item) throw new DataError(`matches no ${benchmark} item (by "id" or by the exact question text)`, `${label}:${line}`);
    matched.push({ item, row: r, line });
  }
  const kind = BENCHMARK_INFO[benchmark].kind;
  if (kind === 'pairwise') return gradeVerdicts(benchmark as 'alpaca-eval' | 'arena-hard', items, matched, label);

  let sandbox: SandboxPool | undefined;
  if (kind === 'code') {
    const caps = await sandboxCapabilities();
    if (caps.network !== 'namespace' && !opts.allowNetwork) throw new DataError(`code cannot be isolated from the network here (${caps.warnings.join(" ") || caps.mode}); pass --allow-network to run it anyway`, 'sandbox');
    sandbox = new SandboxPool(opts.workers ?? 2, { timeoutMs: opts.timeoutMs ?? 10_000, allowNetwork: opts.allowNetwork ?? false });
  }
  const grades = await Promise.all(
    matched.map(async ({ item, row, line }): Promise<ItemGrade> => {
      if (typeof row.output !== 'string') throw new DataError('missing "output" (a string)', `${label}:${line}`);
      const output = row.output;
      if (kind === 'answer') {
        const g = benchmark === 'gsm8k' ? gradeGsm8k(output, item.reference) : gradeMath(output, item.reference);
        return { id: item.id, correct: g.correct, extracted: g.extracted, reference: g.reference, reason: g.reason };
      }
      const bench = benchmark === 'humaneval' ? 'humaneval' : 'mbpp';
      const code = item.code ? extractCode(output, item.code, bench) : output;
      const r = item.code && sandbox ? await sandbox.run(testProgram(item.code, code, bench)) : undefined;
      return { id: item.id, correct: r?.verdict === 'passed', verdict: r?.verdict, extracted: code, reason: r?.reason ?? 'not run' };
    }),
  );
  const results: StoredResult[] = grades.map((g, slot) => ({ slot, status: 'valid', response: '', meta: { itemId: g.id, correct: g.correct } }));
  const samples = Math.max(1, ...countBy(grades.map((g) => g.id)).values());
  return { grades, score: answerScore(benchmark, items, samples, results) };
}

function gradeVerdicts(
  benchmark: 'alpaca-eval' | 'arena-hard',
  items: BenchmarkItem[],
  matched: { item: BenchmarkItem; row: Record<string, unknown>; line: number }[],
  label: string,
): { grades: ItemGrade[]; score: Omit<EvalScore, 'model' | 'role' | 'promptFormat'> } {
  const grades: ItemGrade[] = [];
  const verdicts: StoredResult[] = [];
  const answers = new Map<string, string>();
  for (const { item, row, line } of matched) {
    if (benchmark === 'alpaca-eval') {
      const p = Number(row.preference);
      if (!(p >= 1 && p <= 2)) throw new DataError('AlpacaEval needs verdicts here: "preference" in [1, 2] (2 = the model\'s output_2 is better); to judge outputs, use `agorabench eval` with a judge', `${label}:${line}`);
      const output = typeof row.output_2 === 'string' ? row.output_2 : typeof row.output === 'string' ? row.output : '';
      answers.set(item.id, output);
      verdicts.push({ slot: verdicts.length, status: 'valid', response: '', meta: { itemId: item.id, modelFirst: false, preference: p } });
      grades.push({ id: item.id, verdict: p, reason: `preference ${p} (given)` });
      continue;
    }
    const games = row.games as { score?: unknown }[] | undefined;
    if (!Array.isArray(games) || !games.length) throw new DataError('Arena-Hard needs judgments here: "games" with a "score" label each (arena-hard-auto\'s format)', `${label}:${line}`);
    const labels: (ArenaVerdict | undefined)[] = games.map((g) => (typeof g.score === 'string' ? parseArenaVerdict(`[[${g.score.replace(/^\[+|\]+$/g, '')}]]`).verdict : undefined));
    // game 1 shows the baseline as A and the model as B; game 2 the other way round
    const [baselineFirst, modelFirst] = labels;
    if (baselineFirst) verdicts.push({ slot: verdicts.length, status: 'valid', response: '', meta: { itemId: item.id, modelFirst: false, verdict: baselineFirst } });
    if (modelFirst) verdicts.push({ slot: verdicts.length, status: 'valid', response: '', meta: { itemId: item.id, modelFirst: true, verdict: modelFirst } });
    grades.push({ id: item.id, verdict: `${baselineFirst ?? '?'} / ${modelFirst ?? '?'}`, reason: 'verdicts given (baseline first / model first)' });
  }
  return { grades, score: judgedScore(benchmark, items, answers, verdicts) };
}

function countBy(ids: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}
