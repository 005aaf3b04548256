/** Math items: word problems whose worked solution ends in exactly one `[RESULT] n [/RESULT]`. */
import type { Rng } from './rng';
import { CONTAINERS, ITEMS, NAMES } from './wordbank';

export interface MathProblem {
  question: string;
  steps: string[];
  answer: number;
}

/** One of a few problem shapes; numbers and nouns vary, the arithmetic in the steps is correct. */
export function mathProblem(rng: Rng, theme?: string): MathProblem {
  const name = rng.pick(NAMES);
  const item = rng.pick(ITEMS);
  const intro = theme ? `In a story about ${theme}, ` : '';
  const shape = rng.int(0, 2);
  if (shape === 0) {
    const a = rng.int(3, 25);
    const b = rng.int(2, 12);
    const c = rng.int(1, a * b - 1);
    return {
      question: `${intro}${name} collects ${a} ${item} every day for ${b} days and then gives ${c} of them to a friend. How many ${item} does ${name} have left at the end?`,
      steps: [
        `Step 1: ${name} collects ${a} ${item} per day for ${b} days, so ${a} × ${b} = ${a * b} ${item}.`,
        `Step 2: After giving away ${c}, ${name} has ${a * b} - ${c} = ${a * b - c} ${item}.`,
      ],
      answer: a * b - c,
    };
  }
  if (shape === 1) {
    const per = rng.int(2, 15);
    const groups = rng.int(2, 9);
    const box = rng.pick(CONTAINERS);
    return {
      question: `${intro}${name} has ${per * groups} ${item} and wants to place them equally into ${groups} ${box} with nothing left over. How many ${item} go into each of the ${box}?`,
      steps: [
        `Step 1: The ${item} are shared equally, so we divide the total by the number of ${box}.`,
        `Step 2: ${per * groups} ÷ ${groups} = ${per}, so each one holds ${per} ${item}.`,
      ],
      answer: per,
    };
  }
  const count = rng.int(2, 9);
  const price = rng.int(2, 14);
  const cost = count * price;
  const paid = (Math.floor(cost / 10) + 1) * 10;
  return {
    question: `${intro}${name} buys ${count} ${item} that cost $${price} each and pays with a single $${paid} bill at the counter. How much change, in dollars, does ${name} receive?`,
    steps: [
      `Step 1: The total cost is ${count} × $${price} = $${cost}.`,
      `Step 2: The change is $${paid} - $${cost} = $${paid - cost}.`,
    ],
    answer: paid - cost,
  };
}

/** Worked solution text; `verify` adds a check line as an "improved" answer would. */
export function mathSolution(problem: MathProblem, verify: boolean): string {
  const lines = [...problem.steps];
  if (verify) lines.push(`Check: substituting ${problem.answer} back into the problem gives consistent totals.`);
  return `${lines.join('\n')}\n[RESULT] ${problem.answer} [/RESULT]`;
}
