/**
 * The wording of the 1–5 rubrics the judge model grades instances with: instruction difficulty
 * and response quality, one rubric per domain. In the spirit of the paper's judges (GPT-4o and
 * Prometheus-2 with score rubrics), written in our own words. Any change here changes scores:
 * bump RUBRIC_VERSION in judgeRubric.ts with it.
 */
import type { Domain } from '../../types';

export type JudgedMetric = 'difficulty' | 'quality';

/** Five level descriptions, score 1 first. */
type Levels = readonly [string, string, string, string, string];

export interface Rubric {
  /** The question the score answers. */
  criterion: string;
  levels: Levels;
}

const DIFFICULTY_CRITERION =
  'How demanding is this instruction for a capable assistant? Weigh the number of reasoning steps it needs, the knowledge it assumes, and how many constraints must hold at the same time. Judge the task itself, not how well anyone answered it.';

const QUALITY_CRITERION =
  'How good is the response as a training example for this instruction? Weigh whether it is correct, whether it does everything the instruction asks, and whether it is clear.';

export const RUBRICS: Record<JudgedMetric, Record<Domain, Rubric>> = {
  difficulty: {
    math: {
      criterion: DIFFICULTY_CRITERION,
      levels: [
        'One routine operation or a fact to recall; nothing to plan.',
        'A short standard exercise: two or three familiar steps with school-level knowledge.',
        'Several connected steps or a standard technique that must be applied with care; slips are likely without attention.',
        'Multi-stage reasoning that combines ideas, needs a non-obvious approach or careful case analysis, or assumes knowledge beyond school level.',
        'A hard problem: a long chain of reasoning, a key insight or proof-like argument, or advanced mathematics that most solvers would get wrong.',
      ],
    },
    code: {
      criterion: DIFFICULTY_CRITERION,
      levels: [
        'A one-liner or a direct call of a built-in; no algorithmic thought.',
        'A short function with simple control flow over a basic data structure.',
        'A standard algorithm or data structure is needed, and a few edge cases must be handled.',
        'Non-trivial algorithm design (for example dynamic programming, graph search or a complexity bound) or several interacting requirements.',
        'Demanding design: advanced algorithms, strict efficiency or correctness constraints, many edge cases, or reasoning about a whole system.',
      ],
    },
    instruction_following: {
      criterion: DIFFICULTY_CRITERION,
      levels: [
        'A trivial request: one sentence of common knowledge answers it and nothing constrains the answer.',
        'A simple request with one explicit requirement or a little background knowledge.',
        'The answer needs some organisation or domain knowledge, or must meet two or three constraints on content or form.',
        'A multi-part request that combines specialised knowledge, reasoning and several constraints (format, length, style, audience) that must all hold.',
        'A complex, open-ended or expert-level request with many simultaneous constraints; only careful planning satisfies all of them.',
      ],
    },
  },
  quality: {
    math: {
      criterion: QUALITY_CRITERION,
      levels: [
        'The final answer is wrong or missing, and the reasoning is invalid or beside the point.',
        'Major errors: a wrong final answer, or a right-looking answer reached through invalid steps.',
        'Mostly on track but flawed: a small calculation slip, a gap in the justification, or a final answer that is hard to find.',
        'The final answer is correct and the steps are valid, with minor lapses in rigour or presentation.',
        'The final answer is correct, every step is valid and justified, and the solution is clear and well organised.',
      ],
    },
    code: {
      criterion: `${QUALITY_CRITERION} For code, ask whether it would run, pass reasonable tests, and handle edge cases.`,
      levels: [
        'The code does not address the task, would not run, or is fundamentally wrong.',
        'The code runs but fails on typical inputs or misses a main requirement.',
        'Typical inputs work, but some edge cases or requirements are missed, or the code is needlessly slow or hard to read.',
        'Correct on typical inputs and most edge cases, would pass reasonable tests; minor issues of style, efficiency or explanation.',
        'Correct, handles the edge cases, would pass thorough tests, efficient and readable; any explanation is accurate.',
      ],
    },
    instruction_following: {
      criterion: QUALITY_CRITERION,
      levels: [
        'Ignores or misreads the instruction, or is largely wrong or harmful.',
        'Addresses the instruction only in part, with significant errors or broken constraints.',
        'Handles the main request acceptably but misses a constraint, lacks depth, or has some inaccurate or unclear passages.',
        'Follows the instruction and every constraint with accurate, helpful content; small gaps in completeness or clarity.',
        'Meets every requirement and constraint, accurate and complete, clearly organised and genuinely helpful.',
      ],
    },
  },
};

/** How each domain's instance is named to the judge. */
export const DOMAIN_LABEL: Record<Domain, string> = {
  math: 'a math problem and its solution',
  code: 'a programming task and its solution',
  instruction_following: 'a general instruction and its answer',
};
