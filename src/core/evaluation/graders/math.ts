import { answerShape, type AnswerShape } from './answerShape';
import { lastAnswerPhrase, lastBoxed, lastResultTag } from './answerSpans';
import { constantValue, equationsEqual, expressionsEqual } from './evaluate';
import { normaliseLatex } from './latex';
import { latexToMathjs } from './latexToMathjs';
import type { GradeResult } from './types';

/**
 * MATH / MATH-500 grading: the final answer of an output (LaTeX) against the dataset's `answer`,
 * compared for mathematical equivalence rather than as strings.
 */

/**
 * The final answer of a model output: the last `\boxed{...}` (or `\boxed 5`, `\fbox{...}`), else
 * the last `[RESULT] ... [/RESULT]`, else the statement after the last "the answer is" /
 * "final answer is".
 */
export function extractMathAnswer(output: string): string | undefined {
  return findAnswer(output)?.answer;
}

/** Longer answers are compared as strings only: see `mathEquivalent`. */
const MAX_ANSWER_LENGTH = 1000;

/**
 * Whether two answers are mathematically the same (symmetric; never throws).
 * - numbers and expressions by value (mathjs): `\frac12` = `0.5` = `1/2`, `\sqrt2/2` = `\frac{\sqrt2}{2}`,
 *   `x^2+7x+10` = `(x+2)(x+5)` (compared at four points);
 * - a decimal against an exact non-decimal value counts when it is that value rounded to its own
 *   decimal places and has at least 4 significant digits (`6.2832` = `2\pi`; `6.28` and `0.33` do not);
 * - units, `^\circ`, `\%`, `\$`, `x =`, thousands separators and typesetting are ignored (`10\%` = `10`,
 *   not `0.1`);
 * - intervals and tuples: same brackets, same order; sets and bare lists (`1,-2`): any order;
 *   `a \pm b` is the list `a+b, a-b`; matrices cell by cell; `\cup` unions in any order;
 * - words case-insensitively (`\text{(C)}` = `C`, `\text{East}` = `east`); `52_8` = `52` (the base is asked).
 */
export function mathEquivalent(a: string, b: string): boolean {
  // a final answer is short (MATH-500's longest is 53 characters); a page of text is not compared, which
  // also bounds the time the string rules take
  if (a.length > MAX_ANSWER_LENGTH || b.length > MAX_ANSWER_LENGTH) return a.trim() === b.trim() && a.trim() !== '';
  try {
    const na = normaliseLatex(a);
    const nb = normaliseLatex(b);
    if (na === '' || nb === '') return false;
    return na === nb || elementsEqual(na, nb);
  } catch {
    return false; // a grader must never stop an evaluation run
  }
}

export function gradeMath(output: string, reference: string): GradeResult {
  const found = findAnswer(output);
  if (found === undefined) return { correct: false, extracted: undefined, reference, reason: `no final answer found in the output, reference "${reference}"` };
  const correct = mathEquivalent(found.answer, reference);
  return {
    correct,
    extracted: found.answer,
    reference,
    reason: `extracted "${found.answer}" from ${found.source}, reference "${reference}" (${correct ? 'equivalent' : 'not equivalent'})`,
  };
}

function findAnswer(output: string): { answer: string; source: string } | undefined {
  const boxed = lastBoxed(output);
  if (boxed !== undefined && boxed !== '') return { answer: boxed, source: '\\boxed{}' };
  const result = lastResultTag(output);
  if (result !== undefined) return { answer: lastAnswerPhrase(result) ?? result, source: '[RESULT]' };
  const phrase = lastAnswerPhrase(output);
  return phrase === undefined ? undefined : { answer: phrase, source: '"the answer is"' };
}

function elementsEqual(a: string, b: string): boolean {
  return a === b || shapesEqual(answerShape(a), answerShape(b));
}

function shapesEqual(a: AnswerShape, b: AnswerShape): boolean {
  if (a.kind === 'scalar' && b.kind === 'scalar') return scalarsEqual(a.text, b.text);
  if (a.kind === 'matrix' && b.kind === 'matrix') {
    return a.rows.length === b.rows.length && a.rows.every((row, r) => inOrder(row, b.rows[r] ?? []));
  }
  if (a.kind === 'ordered' && b.kind === 'ordered') return a.open === b.open && a.close === b.close && inOrder(a.items, b.items);
  if (a.kind === 'union' && b.kind === 'union') return anyOrder(a.parts, b.parts, shapesEqual);
  if (a.kind === 'equation' && b.kind === 'equation') return equationsMatch(a, b);
  const ua = listItems(a);
  const ub = listItems(b);
  if (ua !== undefined && ub !== undefined && (a.kind === 'unordered' || b.kind === 'unordered')) return anyOrder(ua, ub, elementsEqual);
  return false;
}

function listItems(shape: AnswerShape): string[] | undefined {
  if (shape.kind === 'unordered') return shape.items;
  if (shape.kind === 'scalar') return [shape.text];
  return undefined;
}

function inOrder(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, k) => elementsEqual(item, b[k] ?? ''));
}

/**
 * A one-to-one matching in any order (greedy: answer lists are short and their items distinct).
 * Quadratic, so long lists (not answers, but an output can hold anything) are matched as strings.
 */
function anyOrder<T>(a: T[], b: T[], equal: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  if (a.length > 32) return JSON.stringify(a.map((x) => JSON.stringify(x)).sort()) === JSON.stringify(b.map((y) => JSON.stringify(y)).sort());
  const used = new Set<number>();
  return a.every((x) => {
    const k = b.findIndex((y, j) => !used.has(j) && equal(x, y));
    if (k < 0) return false;
    used.add(k);
    return true;
  });
}

function equationsMatch(a: { lhs: string; rhs: string }, b: { lhs: string; rhs: string }): boolean {
  const sides = [a.lhs, a.rhs, b.lhs, b.rhs].map(toExpression);
  const [al, ar, bl, br] = sides;
  if (al === undefined || ar === undefined || bl === undefined || br === undefined) return false;
  return equationsEqual([al, ar], [bl, br]);
}

function scalarsEqual(a: string, b: string): boolean {
  if (a === b) return true;
  const wa = words(a);
  const wb = words(b);
  if (wa !== undefined && wb !== undefined && (wa.wrapped || wb.wrapped || wa.text.length > 1)) {
    if (wa.text.toLowerCase() === wb.text.toLowerCase()) return true;
  }
  if (sameDigitsInBase(a, b)) return true;
  const ea = toExpression(a);
  const eb = toExpression(b);
  if (ea === undefined || eb === undefined) return false;
  return expressionsEqual(ea, eb) || roundedDecimalOf(a, eb, b) || roundedDecimalOf(b, ea, a);
}

/** An answer in words (`\text{East}`, `(C)`, `\text{(C)}`, `even`), or undefined. */
function words(s: string): { text: string; wrapped: boolean } | undefined {
  let text = s;
  let wrapped = false;
  for (;;) {
    const inner = /^\\text\{(.*)\}$/s.exec(text)?.[1] ?? /^\((.*)\)$/s.exec(text)?.[1];
    if (inner === undefined) break;
    text = inner.trim();
    wrapped = true;
  }
  text = text.replace(/[.\s]+$/, '');
  return /^[A-Za-z]+(?:\s+[A-Za-z]+)*$/.test(text) ? { text: text.replace(/\s+/g, ''), wrapped } : undefined;
}

/** `4210_5` against `4210`: the question asked for base 5, so the digits are the answer. */
function sameDigitsInBase(a: string, b: string): boolean {
  const ma = /^([0-9A-Za-z]+)_(\d+)$/.exec(a);
  const mb = /^([0-9A-Za-z]+)_(\d+)$/.exec(b);
  if (ma === null && mb === null) return false;
  const da = ma?.[1] ?? a;
  const db = mb?.[1] ?? b;
  if (ma !== null && mb !== null && ma[2] !== mb[2]) return false;
  // digits, not a subscripted variable (`x_1` is not `x`)
  return /^\d[0-9A-Za-z]*$/.test(da) && da.toLowerCase() === db.toLowerCase();
}

/** mathjs syntax of one element; a mixed number `1\frac{4}{5}` is 1 + 4/5, not 1 × 4/5. */
function toExpression(s: string): string | undefined {
  const mixed = /^(-?)(\d+)\\frac(?:\{(\d+)\}|(\d))(?:\{(\d+)\}|(\d))$/.exec(s);
  if (mixed) return `${mixed[1] ?? ''}(${mixed[2] ?? ''}+${mixed[3] ?? mixed[4] ?? ''}/${mixed[5] ?? mixed[6] ?? ''})`;
  return latexToMathjs(s);
}

const PLAIN_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)$/;

/**
 * `6.2832` for `2\pi`: a decimal written with at least 4 significant digits matches an exact value
 * that rounds to it. Not against another plain number: `326.5` and `326.53` differ.
 */
function roundedDecimalOf(decimal: string, otherExpression: string, other: string): boolean {
  if (!/^-?\d*\.\d+$/.test(decimal) || PLAIN_NUMBER.test(other)) return false;
  const digits = decimal.replace(/^-?0*\.?0*/, '').replace('.', '');
  if (digits.length < 4) return false;
  const places = decimal.length - decimal.indexOf('.') - 1;
  const exact = constantValue(otherExpression);
  if (exact === undefined || Math.abs(exact.im) > 1e-12) return false;
  return Math.abs(exact.re - Number(decimal)) <= 0.5 * 10 ** -places * (1 + 1e-9);
}
