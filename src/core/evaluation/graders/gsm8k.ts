import { lastAnswerPhrase, lastBoxed, lastHashMarker, lastResultTag } from './answerSpans';
import type { GradeResult } from './types';

/**
 * GSM8K grading: the final number of an output against the number after `####` in the dataset.
 * Numbers are compared as values, so units, currency signs, percent signs, thousands commas and
 * "42.0" against "42" make no difference; simple fractions count as their value (1/2 = 0.5).
 */

/** The dataset's `answer` field → the number after `####`, commas removed. */
export function gsm8kReference(answerField: string): string {
  const marked = answerField.slice(answerField.lastIndexOf('####') + 4);
  return marked.trim().replace(/,/g, '');
}

/** The final answer of a model output as a plain number ("1234.5", "-3", "1/2"), or undefined. */
export function extractGsm8kAnswer(output: string): string | undefined {
  return findAnswer(output)?.answer;
}

export function gradeGsm8k(output: string, reference: string): GradeResult {
  const found = findAnswer(output);
  const ref = firstNumber(reference) ?? reference.trim();
  if (found === undefined) return { correct: false, extracted: undefined, reference: ref, reason: `no number found in the output, reference ${ref}` };
  const a = numberValue(found.answer);
  const b = numberValue(ref);
  const correct = a !== undefined && b !== undefined && sameNumber(a, b);
  return {
    correct,
    extracted: found.answer,
    reference: ref,
    reason: `extracted "${found.answer}" from ${found.source}, reference ${ref}${correct ? '' : ' (different)'}`,
  };
}

interface Found {
  answer: string;
  /** Where it came from, quoted for the grade's reason. */
  source: string;
}

/** The priority of the usual answer forms; a marker that holds no number falls through to the next. */
function findAnswer(output: string): Found | undefined {
  const spans: [string | undefined, (span: string) => string][] = [
    [lastHashMarker(output), (s) => `"#### ${s}"`],
    [lastResultTag(output), (s) => `"[RESULT] ${s} [/RESULT]"`],
    [lastBoxed(output), (s) => `"\\boxed{${s}}"`],
    [lastAnswerPhrase(output), (s) => `"the answer is ${s}"`],
  ];
  for (const [span, quote] of spans) {
    if (span === undefined) continue;
    const answer = spanNumber(span);
    if (answer !== undefined) return { answer, source: quote(clip(span)) };
  }
  const numbers = allNumbers(output);
  const last = numbers[numbers.length - 1];
  return last === undefined ? undefined : { answer: last, source: 'the last number in the output' };
}

/** The number a marked span states: after its last "=" when it shows a computation, else its first. */
function spanNumber(span: string): string | undefined {
  const tex = span.replace(/\\[dt]?frac\s*\{\s*(-?[\d.,]+)\s*\}\s*\{\s*([\d.,]+)\s*\}/g, '$1/$2');
  const equals = tex.lastIndexOf('=');
  return firstNumber(equals < 0 ? tex : tex.slice(equals + 1)) ?? firstNumber(tex);
}

// a sign (not a minus between two operands: "16 - 3" holds 16 and 3), a currency sign, thousands-grouped or
// plain digits with an optional decimal part (or a leading-point decimal), optionally "/ denominator"
const NUMBER = /(?:(?<![\d)\]}]\s*)[-−])?(?:[$€£]\s*)?(?:(?<![\d)\]}]\s*)[-−])?(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:\s*\/\s*\d+(?:\.\d+)?)?/g;

function allNumbers(text: string): string[] {
  return [...text.matchAll(NUMBER)].map((m) => cleanNumber(m[0]));
}

function firstNumber(text: string): string | undefined {
  return allNumbers(text)[0];
}

function cleanNumber(raw: string): string {
  return raw.replace(/[\s,$€£]/g, '').replace(/−/g, '-').replace(/^--/, '');
}

function numberValue(text: string): number | undefined {
  const [num, den] = text.split('/');
  const n = Number(num);
  if (num === undefined || num === '' || !Number.isFinite(n)) return undefined;
  if (den === undefined) return n;
  const d = Number(den);
  return Number.isFinite(d) && d !== 0 ? n / d : undefined;
}

function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
