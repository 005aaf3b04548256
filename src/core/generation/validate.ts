import type { Placeholders } from '../config/types';
import type { Domain, Method } from '../types';
import { fitsStudentTokens } from './tokens';

/**
 * Which rules decide whether a generated instance is kept:
 * - `paper`: the rules of the paper's released pipeline, exactly (see docs/method.md);
 * - `strict`: every `paper` rule plus checks that catch more malformed data (empty fields, proofs
 *   without Q.E.D., more than one code block, prose phrases, tests in code quality enhancement,
 *   trigger leaks in the instruction) and the length counted in the student's training format.
 */
export type ValidationProfile = 'paper' | 'strict';

/** The released code validator's phrases that mark prose around code (checked outside code blocks, any case). */
export const PAPER_CODE_PHRASES = ['example usage', 'this function', 'test the function', 'test cases', 'this implementation', 'explanation', 'this solution'];
/** Phrases `strict` adds. */
export const STRICT_CODE_PHRASES = ['usage example', 'here is', "here's"];

export interface ValidationContext {
  method: Method;
  domain: Domain;
  profile: ValidationProfile;
  placeholders: Placeholders;
  maxInstanceTokens: number;
}

/** A broken rule, named with the profile that applies it: `rule (profile): detail`. */
export function reason(rule: string, profile: ValidationProfile, detail: string): string {
  return `${rule} (${profile}): ${detail}`;
}

/**
 * Markers whose appearance in a response means the model copied the prompt's scaffolding. The
 * released pipeline checks the values of its placeholder table for the setting: demonstration
 * slots in their `@` form, `<input>`, `<output>`, both triggers, the stop phrase, the theme slot,
 * and the opening-phrase slot only where it is used (instance generation, instruction following).
 */
export function paperLeakMarkers(p: Placeholders, method: Method, domain: Domain): string[] {
  const out = [p.demonstrationInput, p.demonstrationOutput, p.input, p.output, p.inputTrigger, p.outputTrigger, p.stopPhrase, p.theme];
  if (method === 'instance_generation' && domain === 'instruction_following') out.push(p.firstWord);
  return [...new Set(out.filter((m) => m.length > 0))];
}

/** `strict` also looks for every slot of any setting and for numbered demonstration slots (`<input1>`, `<output12>`…). */
function strictLeakMarkers(p: Placeholders): { literal: string[]; numbered: RegExp[] } {
  const literal = [p.inputTrigger, p.outputTrigger, p.stopPhrase, p.input, p.output, p.theme, p.firstWord, p.demonstrationInput, p.demonstrationOutput];
  const numbered = [p.demonstrationInput, p.demonstrationOutput]
    .filter((m) => m.includes('@'))
    .map((m) => new RegExp(m.split('@').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\d+')));
  return { literal: [...new Set(literal.filter((m) => m.length > 0))], numbered };
}

/** Every rule an instance breaks under its profile; empty when the instance is kept. */
export function validateInstance(instruction: string, response: string, ctx: ValidationContext): string[] {
  const { profile, placeholders: p } = ctx;
  const out: string[] = [];
  const strict = profile === 'strict';
  if (strict) {
    if (!instruction.trim()) out.push(reason('empty-instruction', profile, 'the instruction is empty'));
    if (!response.trim()) out.push(reason('empty-response', profile, 'the response is empty'));
  }
  // the released check: the response, lower-cased, must not contain any marker, lower-cased
  const lower = response.toLowerCase();
  const extra = strict ? strictLeakMarkers(p) : { literal: [], numbered: [] };
  const markers = [...new Set([...paperLeakMarkers(p, ctx.method, ctx.domain), ...extra.literal])];
  for (const m of markers) if (lower.includes(m.toLowerCase())) out.push(reason('leak', profile, `the response contains the marker "${m}" (any case)`));
  for (const re of extra.numbered) {
    const m = re.exec(response);
    if (m) out.push(reason('leak', profile, `the response contains the demonstration slot "${m[0]}"`));
  }
  // strict: the instruction too (except response generation, whose instruction is a seed), exact case,
  // so "Input: [1, 2]" in a programming task is fine but a copied "INPUT:" trigger is not
  if (strict && ctx.method !== 'response_generation') {
    for (const m of markers) if (instruction.includes(m)) out.push(reason('leak', profile, `the instruction contains the marker "${m}"`));
    for (const re of extra.numbered) {
      const m = re.exec(instruction);
      if (m) out.push(reason('leak', profile, `the instruction contains the demonstration slot "${m[0]}"`));
    }
  }
  if (ctx.domain === 'math') out.push(...mathRules(instruction, response, profile));
  if (ctx.domain === 'code') out.push(...codeRules(response, profile, ctx.method === 'quality_enhancement'));
  const size = fitsStudentTokens(instruction, response, ctx.maxInstanceTokens, strict ? 'student' : 'paper');
  if (!size.fits) {
    const format = strict ? "the student's chat format" : 'the Llama-3 chat format of the released check';
    out.push(reason('too-long', profile, `${size.tokens} Llama-3 tokens in ${format}, limit ${ctx.maxInstanceTokens}`));
  }
  return out;
}

function mathRules(instruction: string, response: string, profile: ValidationProfile): string[] {
  const out: string[] = [];
  const opens = count(response, '[RESULT]');
  const closes = count(response, '[/RESULT]');
  if (opens !== 1 || closes !== 1) {
    out.push(reason('math-result-count', profile, `needs exactly one [RESULT] and one [/RESULT], found ${opens} [RESULT] and ${closes} [/RESULT]`));
  }
  // the released check: the (already trimmed) response ends with the closing tag
  if (!response.trimEnd().endsWith('[/RESULT]')) out.push(reason('math-result-not-last', profile, 'the response must end with [/RESULT]'));
  if (profile === 'strict' && opens === 1 && closes === 1) {
    const answer = response.slice(response.indexOf('[RESULT]') + 8, response.indexOf('[/RESULT]')).trim();
    if (!answer) out.push(reason('math-empty-result', profile, 'nothing between [RESULT] and [/RESULT]'));
    else if (/\b(prove|show) that\b/i.test(instruction) && !/^q\.?e\.?d\.?$/i.test(answer)) {
      out.push(reason('math-proof-without-qed', profile, `a proof must end with [RESULT] Q.E.D. [/RESULT], found "${answer.slice(0, 40)}"`));
    }
  }
  return out;
}

function codeRules(response: string, profile: ValidationProfile, needTests: boolean): string[] {
  const out: string[] = [];
  const fences = count(response, '```');
  if (fences % 2 === 1) out.push(reason('code-fence-unbalanced', profile, `${fences} code fences (an odd number)`));
  const parts = response.split('```');
  const outside = parts.filter((_, i) => i % 2 === 0).join(' ').toLowerCase();
  const phrases = profile === 'strict' ? [...PAPER_CODE_PHRASES, ...STRICT_CODE_PHRASES] : PAPER_CODE_PHRASES;
  for (const phrase of phrases) if (outside.includes(phrase)) out.push(reason('code-forbidden-phrase', profile, `"${phrase}" outside the code block`));
  if (!response.startsWith('```') || !response.endsWith('```')) {
    out.push(reason('code-not-fenced', profile, 'the response must start and end with a code fence, with nothing before or after'));
  } else if (profile === 'strict' && fences > 2) {
    out.push(reason('code-not-single-block', profile, `${Math.floor(fences / 2)} code blocks, expected one`));
  }
  if (profile === 'strict' && needTests && !/\bassert\w*\b/i.test(parts.filter((_, i) => i % 2 === 1).join('\n'))) {
    out.push(reason('code-missing-tests', profile, 'quality enhancement needs assertion tests inside the code block'));
  }
  return out;
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
