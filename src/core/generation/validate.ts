import type { Domain, Method } from '../types';
import { fitsChatTokens } from './tokens';

/** Phrases that mark chatty prose around code; forbidden outside the code block. */
export const CODE_FORBIDDEN_PHRASES = [
  'example usage', 'usage example', 'this function', 'test the function', 'test cases', 'this implementation',
  'explanation', 'this solution', 'here is', "here's",
];

export interface ValidationContext {
  method: Method;
  domain: Domain;
  /** Markers that must not appear in generated text (triggers, stop phrase, placeholders). */
  leakMarkers: string[];
  maxInstanceTokens: number;
}

/** Every rule an instance breaks, each as `rule: detail`; empty when the instance is valid. */
export function validateInstance(instruction: string, response: string, ctx: ValidationContext): string[] {
  const reasons: string[] = [];
  if (!instruction.trim()) reasons.push('empty-instruction: the instruction is empty');
  if (!response.trim()) reasons.push('empty-response: the response is empty');
  const generated = ctx.method === 'response_generation' ? [['response', response]] : [['instruction', instruction], ['response', response]];
  for (const [field, text] of generated) {
    for (const m of ctx.leakMarkers) if (text?.includes(m)) reasons.push(`leak: the ${field} contains the marker "${m}"`);
  }
  if (ctx.domain === 'math') reasons.push(...mathRules(instruction, response));
  if (ctx.domain === 'code') reasons.push(...codeRules(response, ctx.method === 'quality_enhancement'));
  const size = fitsChatTokens(instruction, response, ctx.maxInstanceTokens);
  if (!size.fits) reasons.push(`too-long: ${size.tokens} tokens in chat format, limit ${ctx.maxInstanceTokens}`);
  return reasons;
}

function mathRules(instruction: string, response: string): string[] {
  const out: string[] = [];
  const opens = count(response, '[RESULT]');
  const closes = count(response, '[/RESULT]');
  if (opens !== 1 || closes !== 1) {
    out.push(`math-result-count: needs exactly one [RESULT] … [/RESULT], found ${opens} [RESULT] and ${closes} [/RESULT]`);
    return out;
  }
  if (!response.trimEnd().endsWith('[/RESULT]')) out.push('math-result-not-last: the response must end with [/RESULT]');
  const answer = response.slice(response.indexOf('[RESULT]') + 8, response.indexOf('[/RESULT]')).trim();
  if (!answer) out.push('math-empty-result: nothing between [RESULT] and [/RESULT]');
  else if (/\b(prove|show) that\b/i.test(instruction) && !/^q\.?e\.?d\.?$/i.test(answer)) {
    out.push(`math-proof-without-qed: a proof must end with [RESULT] Q.E.D. [/RESULT], found "${answer.slice(0, 40)}"`);
  }
  return out;
}

function codeRules(response: string, needTests: boolean): string[] {
  const out: string[] = [];
  const fences = count(response, '```');
  if (fences % 2 === 1) out.push(`code-fence-unbalanced: ${fences} code fences (an odd number)`);
  const t = response.trim();
  if (!t.startsWith('```') || !t.endsWith('```')) out.push('code-not-single-block: the response must be one fenced code block, with nothing before or after it');
  else if (fences > 2) out.push(`code-not-single-block: ${fences / 2} code blocks, expected one`);
  const parts = response.split('```');
  const outside = parts.filter((_, i) => i % 2 === 0).join(' ').toLowerCase();
  for (const phrase of CODE_FORBIDDEN_PHRASES) if (outside.includes(phrase)) out.push(`code-forbidden-phrase: "${phrase}" outside the code block`);
  if (needTests && !/\bassert\w*\b/i.test(parts.filter((_, i) => i % 2 === 1).join('\n'))) {
    out.push('code-missing-tests: quality enhancement needs assertion tests inside the code block');
  }
  return out;
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
