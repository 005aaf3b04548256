/**
 * Turns an AgoraBench-style prompt into output that follows the requested format, the way a
 * well-behaved model would: the domain decides the answer shape, the prompt's trailing trigger
 * decides whether we write a new item, an answer, or an improved item.
 */
import { codeAnswer, codeTask } from './gen-code';
import { mathProblem, mathSolution } from './gen-math';
import { proseAnswer, proseQuestion } from './gen-prose';
import { detectJudge, judgeAnswer, type JudgeTask } from './judge';
import { hashString, Rng } from './rng';
import { CHATTER, GREETINGS } from './wordbank';

export type Domain = 'math' | 'code' | 'general';
export type Method = 'instance' | 'response' | 'quality' | 'plain';

export interface PromptInfo {
  domain: Domain;
  method: Method;
  /** From a `related to "X"` line, when the prompt has one. */
  theme?: string;
  /** From a `start with "X"` / `starting with the word "X"` line, when present. */
  firstWord?: string;
  /** The last user turn (benchmark questions are answered from it). */
  prompt?: string;
  /** Set when the prompt is one of the pairwise judge prompts: the answer is a verdict. */
  judge?: JudgeTask;
}

/** The stop phrase the paper's prompts use; kept in raw output so clients' stop handling is exercised. */
export const END_MARK = '[END]';

export function analyzePrompt(wholePrompt: string, lastUserText: string): PromptInfo {
  const domain: Domain = wholePrompt.includes('[RESULT]') ? 'math' : wholePrompt.includes('```') ? 'code' : 'general';
  const tail = lastUserText.trimEnd();
  const method: Method = tail.endsWith('INPUT:')
    ? 'instance'
    : tail.endsWith('OUTPUT:')
      ? 'response'
      : tail.endsWith('Revised Question:')
        ? 'quality'
        : 'plain';
  const info: PromptInfo = { domain, method, prompt: lastUserText };
  const theme = lastMatch(wholePrompt, /(?:related to|about)\s+["“'](.+?)["”']/g);
  if (theme) info.theme = theme;
  // the instruction-following template asks: The INPUT begins with these words, or with words close to them: "<first_word>"
  const firstWord = lastMatch(wholePrompt, /(?:begin(?:s|ning)? with the words?|words close to them:) ["“']([^"”'\n]+)["”']/gi);
  if (firstWord) info.firstWord = firstWord;
  const judge = detectJudge(wholePrompt);
  if (judge) info.judge = judge;
  return info;
}

function lastMatch(text: string, re: RegExp): string | undefined {
  let found: string | undefined;
  for (const m of text.matchAll(re)) found = m[1]?.trim() || found;
  return found;
}

/** Seed for one prompt: same seed + model + prompt -> same text; anything different -> different text. */
export function contentRng(seed: number, model: string, wholePrompt: string): Rng {
  return new Rng(hashString(`${model}\u0000${wholePrompt}`, Math.floor(seed)));
}

/** The full raw completion (including the trailing [END] where the format has one). */
export function generateContent(info: PromptInfo, rng: Rng): string {
  if (info.judge) return judgeAnswer(info.judge, rng);
  const { instruction, answer } = makeItem(info, rng, info.method === 'quality');
  switch (info.method) {
    case 'instance':
      return `${withFirstWord(instruction, info.firstWord)}\nOUTPUT: ${answer}\n${END_MARK}`;
    case 'response':
      return `${answer}\n${END_MARK}`;
    case 'quality':
      return `${instruction} Make sure the answer is complete and easy to verify.\nRevised Answer: ${answer}\n${END_MARK}`;
    case 'plain':
      return benchmarkAnswer(info.prompt ?? '', rng) ?? proseAnswer(rng, info.theme, 2);
  }
}

/**
 * Answers shaped like a model's on the evaluation benchmarks, so graders have something to read:
 * math asks for \boxed{} (a number taken from the question: right now and then), code gets a
 * function with the asked name, few-shot "Answer:" prompts end with "#### N".
 */
function benchmarkAnswer(prompt: string, rng: Rng): string | undefined {
  const numbers = prompt.match(/-?\d+(?:\.\d+)?/g) ?? ['0'];
  const guess = () => numbers[rng.int(0, numbers.length - 1)] ?? "0";
  if (prompt.includes('\\boxed{ANSWER}')) return `Working through the problem step by step gives the result.\nThe final answer is $\\boxed{${guess()}}$.`;
  const fn = /def\s+([A-Za-z_]\w*)\s*\(([^)]*)\)/.exec(prompt);
  if (fn && /```python|def\s/.test(prompt)) {
    const body = `def ${fn[1]}(${fn[2]}):\n    return None\n`;
    return prompt.trimEnd().endsWith('```') ? `\`\`\`python\n${body}\`\`\`` : `    return None\n`;
  }
  if (/\nAnswer:\s*$/.test(prompt)) return ` Adding up what we know step by step.\n#### ${guess()}`;
  return undefined;
}

function makeItem(info: PromptInfo, rng: Rng, improved: boolean): { instruction: string; answer: string } {
  if (info.domain === 'math') {
    const problem = mathProblem(rng, info.theme);
    return { instruction: problem.question, answer: mathSolution(problem, improved) };
  }
  if (info.domain === 'code') {
    const task = codeTask(rng, info.theme);
    return { instruction: task.instruction, answer: codeAnswer(task, improved) };
  }
  return { instruction: proseQuestion(rng, info.theme), answer: proseAnswer(rng, info.theme) };
}

function withFirstWord(instruction: string, firstWord: string | undefined): string {
  if (!firstWord) return instruction;
  return `${firstWord} ${instruction.charAt(0).toLowerCase()}${instruction.slice(1)}`;
}

/** The 'malformed' fault: a chatty reply that ignores the requested format (no markers at all). */
export function malformedContent(rng: Rng): string {
  return `${rng.pick(GREETINGS)} ${rng.pick(CHATTER)} ${rng.pick(CHATTER)}`;
}
