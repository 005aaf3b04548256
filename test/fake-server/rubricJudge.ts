/**
 * A fake rubric judge for the product's single-instance judge prompts (instruction difficulty,
 * response quality, 1–5). Like the pairwise judge in judge.ts it recognises the prompt by its
 * layout, reads the graded text out of the delimited blocks, and answers like a judge: brief
 * feedback, then a verdict. The score follows the text (longer instructions are harder, longer
 * responses better, a math answer without a number is poor) plus a small hash term; the verdict's
 * wording varies among forms a real judge uses (`[RESULT] N`, a revised verdict, `Score: N/5`).
 * `judgeMalformedRate` turns that share of answers into unreadable ones.
 */
import { hashString } from './rng';

export interface RubricTask {
  metric: 'difficulty' | 'quality';
  domain: string;
  instruction: string;
  response: string;
}

const HEAD = /^Grade the (difficulty of the instruction|quality of the response) \(domain: ([a-z_]+)\)\./;

export function detectRubric(userText: string): RubricTask | undefined {
  const head = HEAD.exec(userText);
  if (!head) return undefined;
  const instruction = between(userText, 'INSTRUCTION');
  if (instruction === undefined) return undefined;
  const metric = head[1]?.startsWith('difficulty') ? 'difficulty' : 'quality';
  return { metric, domain: head[2] ?? '', instruction, response: between(userText, 'RESPONSE') ?? '' };
}

function between(text: string, name: string): string | undefined {
  const open = `<<<${name}>>>\n`;
  const from = text.indexOf(open);
  const to = text.indexOf(`\n<<<END ${name}>>>`, from);
  return from < 0 || to < 0 ? undefined : text.slice(from + open.length, to);
}

const words = (t: string): number => t.split(/\s+/).filter(Boolean).length;

function bucket(n: number, limits: number[]): number {
  const i = limits.findIndex((l) => n <= l);
  return i < 0 ? limits.length + 1 : i + 1;
}

/** The fake judge's score for a task (what a test expects a readable verdict to say). */
export function rubricScore(task: RubricTask): 1 | 2 | 3 | 4 | 5 {
  const text = task.metric === 'difficulty' ? task.instruction : task.response;
  let base = task.metric === 'difficulty' ? bucket(words(text), [10, 25, 50, 100]) : bucket(words(text), [5, 20, 60, 150]);
  if (task.metric === 'quality' && task.domain === 'math' && !/\d/.test(text)) base = 1;
  const jitter = (hashString(text, 0x5eed) % 3) - 1;
  return Math.min(5, Math.max(1, base + jitter)) as 1 | 2 | 3 | 4 | 5;
}

const PHRASE = {
  difficulty: ['it can be answered in one routine step.', 'a couple of familiar steps are enough.', 'it needs several connected steps.', 'it combines ideas and needs careful reasoning.', 'it demands a long chain of expert reasoning.'],
  quality: ['It does not answer the instruction.', 'It answers only part of the instruction, with errors.', 'It handles the main request but leaves gaps.', 'It is correct and complete, with minor issues.', 'It is correct, complete and clear.'],
};

/**
 * The judge's answer. `wholePrompt` salts the draws, so the same prompt always gets the same
 * answer and a retry (a different prompt) draws again.
 */
export function rubricAnswer(task: RubricTask, wholePrompt: string, seed: number, malformedRate: number): string {
  const score = rubricScore(task);
  const draw = hashString(wholePrompt, Math.floor(seed) ^ 0x2c1b3c6d);
  const feedback =
    task.metric === 'difficulty'
      ? `Feedback: The instruction has ${words(task.instruction)} words; ${PHRASE.difficulty[score - 1]}`
      : `Feedback: The response has ${words(task.response)} words. ${PHRASE.quality[score - 1]}`;
  if (draw / 4294967296 < malformedRate) {
    switch (draw % 4) {
      case 0:
        return `${feedback} Overall I would place it somewhere on the upper half of the scale.`;
      case 1:
        return `${feedback}\n[RESULT] 7`;
      case 2:
        return `${feedback}\n[RESULT] ${score}.5`;
      default:
        return `${feedback}\n[RESULT] ${score} or [RESULT] ${score === 5 ? 4 : score + 1}`;
    }
  }
  switch (draw % 4) {
    case 2:
      return `${feedback}\n\n**Score: ${score}/5**`;
    case 3:
      return `${feedback} At first sight I would say [RESULT] ${score === 5 ? 4 : score + 1}.\nOn a closer reading against the rubric I settle one level apart.\n[RESULT] ${score}`;
    default:
      return `${feedback}\n[RESULT] ${score}`;
  }
}
