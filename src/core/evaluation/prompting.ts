import type { BenchmarkName, EvalModelConfig, Sampling } from '../config/types';
import type { ChatRequest } from '../providers/types';
import type { BenchmarkItem } from './benchmarks';

/** What a score was measured with: recorded next to it, so scores compare like with like. */
export interface RecordedPromptFormat {
  format: 'chat' | 'completion';
  system: string | null;
  shots: number;
  temperature: number;
  top_p: number;
  max_tokens: number;
  stop: string[];
}

/** Worked examples for few-shot completion prompts, written for this project. */
export interface Shot {
  question: string;
  answer: string;
}

/** Greedy decoding; more than one sample per code problem samples at 0.8 (pass@k). */
function sampling(benchmark: BenchmarkName, m: EvalModelConfig, samples: number): Sampling {
  const long = benchmark === 'alpaca-eval' || benchmark === 'arena-hard' || benchmark === 'math' || benchmark === 'math-full';
  const base: Sampling = { temperature: 0, top_p: 1, max_tokens: long ? 2048 : 1024, stop: m.prompt.format === 'completion' ? COMPLETION_STOPS[benchmark] : [] };
  const sampled = samples > 1 && (benchmark === 'humaneval' || benchmark === 'mbpp') ? { temperature: 0.8, top_p: 0.95 } : {};
  return { ...base, ...sampled, ...m.samplingOverride };
}

/** Where a base model's continuation ends (the next question, function or test). */
const COMPLETION_STOPS: Record<BenchmarkName, string[]> = {
  gsm8k: ['\n\nQuestion:', 'Question:'],
  math: ['\n\nProblem:', 'Problem:'],
  'math-full': ['\n\nProblem:', 'Problem:'],
  humaneval: ['\ndef ', '\nclass ', '\nif __name__', '\nprint('],
  mbpp: ['\nassert', '\nif __name__', '\nprint(', '\n# Tests'],
  'alpaca-eval': ['\n\nQuestion:'],
  'arena-hard': ['\n\nQuestion:'],
};

/** Default shots for completion prompts (chat prompts are zero-shot unless configured). */
function shotsFor(benchmark: BenchmarkName, m: EvalModelConfig): number {
  if (m.prompt.shots !== undefined) return m.prompt.shots;
  return m.prompt.format === 'completion' && (benchmark === 'gsm8k' || benchmark === 'math' || benchmark === 'math-full') ? 4 : 0;
}

export function promptFormat(benchmark: BenchmarkName, m: EvalModelConfig, samples: number): RecordedPromptFormat {
  const s = sampling(benchmark, m, samples);
  return { format: m.prompt.format, system: m.prompt.system ?? null, shots: shotsFor(benchmark, m), temperature: s.temperature, top_p: s.top_p, max_tokens: s.max_tokens, stop: s.stop };
}

const BOXED = 'Solve the problem step by step. End with the final answer written as \\boxed{ANSWER}.';

/** The user turn of a chat prompt: the question, with the answer format each grader reads. */
function chatText(benchmark: BenchmarkName, item: BenchmarkItem): string {
  switch (benchmark) {
    case 'gsm8k':
    case 'math':
    case 'math-full':
      return `${item.question}\n\n${BOXED}`;
    case 'humaneval':
      return `Complete this Python function. Reply with the whole function in a single \`\`\`python code block.\n\n\`\`\`python\n${item.question}\`\`\``;
    case 'mbpp':
      return `${item.question.trim()}\n\nWrite this Python function. Reply with the code in a single \`\`\`python code block. It must pass tests like these:\n${item.code?.tests ?? ''}`;
    case 'alpaca-eval':
    case 'arena-hard':
      return item.question;
  }
}

/** A plain-text prompt for a base model: optional worked examples, then the question. */
function completionText(benchmark: BenchmarkName, item: BenchmarkItem, shots: Shot[]): string {
  switch (benchmark) {
    case 'gsm8k':
      return [...shots.map((s) => `Question: ${s.question}\nAnswer: ${s.answer}\n\n`), `Question: ${item.question}\nAnswer:`].join('');
    case 'math':
    case 'math-full':
      return [...shots.map((s) => `Problem:\n${s.question}\n\nSolution:\n${s.answer}\n\n`), `Problem:\n${item.question}\n\nSolution:\n`].join('');
    case 'humaneval':
      // the model continues the function body; the grader puts the prompt back in front
      return item.question;
    case 'mbpp':
      return `${item.question}${item.question.endsWith('\n') ? '' : '\n'}# Tests this code must pass:\n${(item.code?.tests ?? '').replace(/^/gm, '# ')}\n`;
    case 'alpaca-eval':
    case 'arena-hard':
      return `Question: ${item.question}\n\nAnswer:`;
  }
}

/** The request that puts one benchmark item to a model. */
export function benchmarkRequest(benchmark: BenchmarkName, m: EvalModelConfig, item: BenchmarkItem, samples: number, shots: Shot[]): ChatRequest {
  const s = sampling(benchmark, m, samples);
  if (m.prompt.format === 'completion') {
    return { model: m.model, system: '', messages: [], prompt: completionText(benchmark, item, shots.slice(0, shotsFor(benchmark, m))), sampling: s };
  }
  const examples = shots.slice(0, shotsFor(benchmark, m)).flatMap((x) => [
    { role: 'user' as const, content: x.question },
    { role: 'assistant' as const, content: x.answer },
  ]);
  return { model: m.model, system: m.prompt.system ?? '', messages: [...examples, { role: 'user', content: chatText(benchmark, item) }], sampling: s };
}

/**
 * Worked MATH-style examples for few-shot completion prompts (our own problems and solutions,
 * in the benchmark's style: the answer in \boxed{}).
 */
export const MATH_SHOTS: Shot[] = [
  {
    question: 'Find the sum of all values of $x$ such that $x^2 - 7x + 12 = 0$.',
    answer: 'The roots of $x^2 - 7x + 12 = (x-3)(x-4)$ are $3$ and $4$, so their sum is $\\boxed{7}$.',
  },
  {
    question: 'What is the remainder when $2^{10}$ is divided by $7$?',
    answer: 'Since $2^3 = 8 \\equiv 1 \\pmod 7$, we have $2^{10} = (2^3)^3 \\cdot 2 \\equiv 2 \\pmod 7$. The remainder is $\\boxed{2}$.',
  },
  {
    question: 'Simplify $\\frac{3}{4} + \\frac{5}{6}$.',
    answer: 'With the common denominator $12$: $\\frac{9}{12} + \\frac{10}{12} = \\boxed{\\frac{19}{12}}$.',
  },
  {
    question: 'A circle has circumference $10\\pi$. What is its area? Express your answer in terms of $\\pi$.',
    answer: 'The radius is $r = \\frac{10\\pi}{2\\pi} = 5$, so the area is $\\pi r^2 = \\boxed{25\\pi}$.',
  },
];
