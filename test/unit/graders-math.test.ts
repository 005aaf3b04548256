import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractGsm8kAnswer, gradeGsm8k, gsm8kReference } from '../../src/core/evaluation/graders/gsm8k';
import { extractMathAnswer, gradeMath, mathEquivalent } from '../../src/core/evaluation/graders/math';
import { SHARED_DATA } from './helpers/fixtures';

function readJsonl<T>(relative: string): T[] {
  const text = fs.readFileSync(path.join(SHARED_DATA, relative), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}

interface Gsm8kRow {
  question: string;
  answer: string;
}
interface Math500Row {
  problem: string;
  solution: string;
  answer: string;
}

const gsm8k = readJsonl<Gsm8kRow>('benchmarks/gsm8k/test.jsonl');
const math500 = readJsonl<Math500Row>('benchmarks/math500/test.jsonl');

/** The failures of `check` over `items`, as readable lines (an assertion message lists the first ones). */
function failures<T>(items: T[], check: (item: T) => string | undefined): string[] {
  return items.map(check).filter((line): line is string => line !== undefined);
}

describe('GSM8K grader', () => {
  it('reads the reference number after #### in all 1,319 test answers', () => {
    assert.equal(gsm8k.length, 1319);
    const refs = gsm8k.map((row) => gsm8kReference(row.answer));
    assert.deepEqual(failures(refs, (r) => (/^-?\d+$/.test(r) ? undefined : r)), []);
    assert.equal(gsm8kReference('so 1,000 + 450 = 1,450\n#### 1,450'), '1450');
    assert.equal(refs.filter((r) => r.startsWith('-')).length, 2); // -10 and -3: negatives exist in the data
  });

  it('grades every gold answer correct in the usual output forms, and wrong when changed by one', () => {
    const withCommas = (n: number): string => n.toLocaleString('en-US');
    const wrappings: ((n: number) => string)[] = [
      (n) => `Step by step...\n#### ${n}`,
      (n) => `We add them up. The answer is ${n}.`,
      (n) => `The final answer is $\\boxed{${n}}$. I hope it is correct.`,
      (n) => `Feedback: ok. [RESULT] ${n} [/RESULT]`,
      (n) => `#### $${withCommas(n)}`,
      (n) => `So the answer is ${withCommas(n)} dollars per week.`,
      (n) => `[RESULT] $${withCommas(n)}.00 [/RESULT]`,
      (n) => `First 3 + 4 = 7, so in total she has ${withCommas(n)} apples left.`, // last number
      (n) => `\\boxed{${n}.0}`,
    ];
    let graded = 0;
    const wrongWhenRight = failures(gsm8k, (row) => {
      const ref = gsm8kReference(row.answer);
      const n = Number(ref);
      if (!gradeGsm8k(row.answer, ref).correct) return `own solution: ${ref}`;
      for (const [k, wrap] of wrappings.entries()) {
        graded++;
        const result = gradeGsm8k(wrap(n), ref);
        if (!result.correct) return `form ${k} of ${ref}: ${result.reason}`;
      }
      return undefined;
    });
    assert.deepEqual(wrongWhenRight.slice(0, 5), []);
    assert.equal(graded, 1319 * wrappings.length);

    const rightWhenWrong = failures(gsm8k, (row) => {
      const ref = gsm8kReference(row.answer);
      const n = Number(ref);
      for (const [k, wrap] of wrappings.entries()) {
        for (const changed of [n + 1, n - 1, n * 10]) {
          const result = gradeGsm8k(wrap(changed), ref);
          if (result.correct) return `form ${k} of ${ref} with ${changed}: ${result.reason}`;
        }
      }
      return undefined;
    });
    assert.deepEqual(rightWhenWrong.slice(0, 5), []);
  });

  it('pairs each reference with the next item: wrong unless the numbers are equal', () => {
    const refs = gsm8k.map((row) => gsm8kReference(row.answer));
    const pairs = refs.map((ref, i) => [ref, refs[(i + 1) % refs.length] ?? ''] as const);
    const misjudged = pairs.filter(([gold, other]) => gradeGsm8k(`#### ${other}`, gold).correct !== (Number(gold) === Number(other)));
    assert.deepEqual(misjudged, []);
    assert.ok(pairs.filter(([gold, other]) => gold !== other).length > 1300);
  });

  it('extracts in priority order: ####, [RESULT], \\boxed, "the answer is", then the last number', () => {
    assert.equal(extractGsm8kAnswer('The answer is 5.\n#### 7'), '7');
    assert.equal(extractGsm8kAnswer('[RESULT] 8 [/RESULT] and \\boxed{9}'), '8');
    assert.equal(extractGsm8kAnswer('The answer is 3, so \\boxed{4}. Later 99.'), '4');
    assert.equal(extractGsm8kAnswer('The answer is 3. Check: 3 + 5 = 8'), '3');
    assert.equal(extractGsm8kAnswer('I think the answer is 12. No wait, the final answer is 14 cookies.'), '14');
    assert.equal(extractGsm8kAnswer('She had 16 - 3 - 4 = 9 eggs, 9 * 2 = 18'), '18');
    assert.equal(extractGsm8kAnswer('#### no idea\nso it is 5'), '5'); // a marker without a number falls through
    assert.equal(extractGsm8kAnswer('no digits here'), undefined);
    assert.equal(extractGsm8kAnswer('[RESULT] 20 + 5 = 25 [/RESULT]'), '25'); // a computation: the number after "="
    assert.equal(extractGsm8kAnswer('\\boxed{\\frac{3}{4}}'), '3/4');
  });

  it('compares values: signs, decimals, fractions, percent, currency and units do not matter', () => {
    const same: [string, string][] = [
      ['#### -10', '-10'],
      ['The answer is −3.', '-3'], // Unicode minus
      ['The temperature dropped to -3 degrees', '-3'],
      ['He lost $-5 overall. #### -$5', '-5'],
      ['#### 3.50', '3.5'],
      ['#### 42.0', '42'],
      ['#### 1/2', '0.5'],
      ['The answer is 0.5 of the pie', '1/2'],
      ['The answer is 25%.', '25'],
      ['#### €1,450,000', '1450000'],
      ['#### £12', '12'],
      ['The answer is .75', '0.75'],
    ];
    for (const [output, ref] of same) assert.equal(gradeGsm8k(output, ref).correct, true, `${output} vs ${ref}`);
    const different: [string, string][] = [
      ['#### 10', '-10'],
      ['#### 3.5', '35'],
      ['#### 1/3', '0.33'],
      ['#### 1,450,001', '1450000'],
      ['no number', '5'],
    ];
    for (const [output, ref] of different) assert.equal(gradeGsm8k(output, ref).correct, false, `${output} vs ${ref}`);
  });

  it('explains its verdict', () => {
    const dataset = gsm8k[0];
    assert.ok(dataset);
    const ref = gsm8kReference(dataset.answer);
    assert.deepEqual(gradeGsm8k('#### 18', ref), { correct: true, extracted: '18', reference: '18', reason: 'extracted "18" from "#### 18", reference 18' });
    const wrong = gradeGsm8k('so 17 in total', ref);
    assert.equal(wrong.reason, 'extracted "17" from the last number in the output, reference 18 (different)');
    assert.deepEqual(gradeGsm8k('I cannot tell', ref), { correct: false, extracted: undefined, reference: '18', reason: 'no number found in the output, reference 18' });
  });
});

describe('MATH grader', () => {
  it('grades every MATH-500 gold answer correct against itself, boxed and in [RESULT]', () => {
    assert.equal(math500.length, 500);
    assert.deepEqual(failures(math500, (row) => (gradeMath(`Therefore $\\boxed{${row.answer}}$.`, row.answer).correct ? undefined : row.answer)), []);
    assert.deepEqual(failures(math500, (row) => (gradeMath(`[RESULT] ${row.answer} [/RESULT]`, row.answer).correct ? undefined : row.answer)), []);
    assert.deepEqual(failures(math500, (row) => (gradeMath(`So the final answer is $${row.answer}$. I hope it is correct.`, row.answer).correct ? undefined : row.answer)), []);
  });

  it('grades all 500 official solutions correct (the boxed answer inside each solution)', () => {
    // MATH-500's answer field is the official solution's last box verbatim for all 500 items, so this
    // checks the extraction (nested braces, `\boxed` inside `$...$` and align environments) end to end
    assert.deepEqual(failures(math500, (row) => (extractMathAnswer(row.solution) === row.answer ? undefined : row.answer)), []);
    const missed = failures(math500, (row) => {
      const result = gradeMath(row.solution, row.answer);
      return result.correct ? undefined : result.reason;
    });
    assert.deepEqual(missed, []);
  });

  it('grades MATH-500 integer and fraction answers by value: decimals and a/b correct, off by a little wrong', () => {
    // values computed here with plain JS from the answer's digits, independently of the grader
    let numbers = 0;
    const misjudged = failures(math500, (row) => {
      const fraction = /^(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}$/.exec(row.answer);
      const value = /^-?\d+$/.test(row.answer) ? Number(row.answer) : fraction ? Number(`${fraction[1]}1`) * (Number(fraction[2]) / Number(fraction[3])) : undefined;
      if (value === undefined) return undefined;
      numbers++;
      const right = [value.toPrecision(8), `${value.toPrecision(12)}\\text{ units}`, `x = ${value}`];
      if (fraction) right.push(`${fraction[1]}${fraction[2]}/${fraction[3]}`);
      else right.push(`${value}.00`, `\\$${value.toLocaleString('en-US')}`);
      const wrong = [String(value + 1), (value + 0.001).toPrecision(8), String(-value || 1)];
      const bad = [...right.filter((r) => !gradeMath(`\\boxed{${r}}`, row.answer).correct), ...wrong.filter((w) => gradeMath(`\\boxed{${w}}`, row.answer).correct)];
      return bad.length === 0 ? undefined : `${row.answer}: ${bad.join(' ; ')}`;
    });
    assert.deepEqual(misjudged, []);
    assert.ok(numbers > 350, `${numbers} integer or fraction answers`);
  });

  it("grades each MATH-500 answer wrong against the next item's answer, except where they are the same value", () => {
    const accepted = math500
      .map((row, i) => [row.answer, math500[(i + 1) % math500.length]?.answer ?? ''] as const)
      .filter(([gold, other]) => gradeMath(`\\boxed{${other}}`, gold).correct);
    // the only accepted pairs are the same value written alike: 5 / x=5, 7 / 7, 3 / 3
    assert.deepEqual(accepted.map(([gold, other]) => `${gold} | ${other}`), ['5 | x=5', '7 | 7', '3 | 3']);
    assert.ok(500 - accepted.length >= 497);
  });

  it('also grades each answer wrong against the answers 7 and 100 items later (about 1,000 more pairs)', () => {
    const accepted: string[] = [];
    for (const offset of [7, 100]) {
      for (const [i, row] of math500.entries()) {
        const other = math500[(i + offset) % math500.length]?.answer ?? '';
        if (mathEquivalent(other, row.answer) && row.answer.replace(/^x=/, '') !== other.replace(/^x=/, '')) accepted.push(`${row.answer} | ${other}`);
      }
    }
    // integer answers repeat in the data (many items answer 2, 3 ...): pairs of equal strings are excluded above
    assert.deepEqual(accepted, []);
  });

  describe('equivalent rewrites (hand-written, per category)', () => {
    const equivalent: [category: string, a: string, b: string][] = [
      ['fraction', '\\frac{1}{2}', '0.5'],
      ['fraction', '\\frac{1}{2}', '1/2'],
      ['fraction', '\\frac{1}{2}', '\\dfrac12'],
      ['fraction', '0.5', '\\tfrac{1}{2}'],
      ['fraction', '\\frac{14}{3}', '4\\frac{2}{3}'],
      ['fraction', '\\frac{14}{3}', '\\frac{28}{6}'],
      ['fraction', '-\\frac{35}{9}', '\\frac{-35}{9}'],
      ['fraction', '1.25', '\\frac54'],
      ['fraction', '.35625', '0.35625'],
      ['fraction', '137 \\frac{1}{2}', '137.5'],
      ['root', '\\sqrt{2}/2', '\\frac{\\sqrt2}{2}'],
      ['root', '\\frac{\\sqrt{3}}{3}', '\\frac{1}{\\sqrt{3}}'],
      ['root', '3\\sqrt{13}', '\\sqrt{117}'],
      ['root', '11\\sqrt2', '11 \\sqrt{2}'],
      ['root', '2\\sqrt[3]{2}', '\\sqrt[3]{16}'],
      ['pi', '2\\pi', '6.2832'], // a decimal counts when it is the exact value rounded, with >= 4 significant digits
      ['pi', '\\frac{20000}{\\pi}', '20000/\\pi'],
      ['pi', '18+2\\pi', '2\\pi + 18'],
      ['decimal', '\\frac{1}{3}', '0.3333'],
      ['decimal', '.0000672', '6.72\\times10^{-5}'],
      ['interval', '(3,4]', '\\left( 3, 4 \\right]'],
      ['interval', '[-2,7]', 'x \\in [-2,7]'],
      ['interval', '(-\\infty, 0]', '(-\\infty,0]'],
      ['interval', '\\left(\\frac{3}{5},\\frac{8}{3}\\right]', '(0.6, 8/3]'],
      ['interval', '(0,9) \\cup (9,36)', '(9,36) \\cup (0,9)'],
      ['set', '\\{1\\pm\\sqrt{5},-2\\}', '\\{-2, 1-\\sqrt5, 1+\\sqrt5\\}'],
      ['set', '1,-2', '-2, 1'],
      ['set', '3, 5, 7', '\\{7,5,3\\}'],
      ['set', '1 \\pm \\sqrt{19}', '1+\\sqrt{19}, 1-\\sqrt{19}'],
      ['set', '-2,1', 'x = -2 \\text{ or } x = 1'],
      ['tuple', '\\left( 3, \\frac{\\pi}{2} \\right)', '(3, \\pi/2)'],
      ['tuple', '(6,31,-1)', '\\left(6, 31, -1\\right)'],
      ['tuple', '\\left( \\frac{3}{2}, -13 \\right)', '(1.5,-13)'],
      ['matrix', '\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}', '\\begin{pmatrix} -\\frac{1}{3} \\\\ \\frac{2}{3} \\\\ \\frac{5}{3} \\end{pmatrix}'],
      ['matrix', '\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}', '\\begin{bmatrix} -1 & 0 \\\\ 0 & -1 \\end{bmatrix}'],
      ['degree', '90^\\circ', '90'],
      ['degree', '145^\\circ', '145^{\\circ}'],
      ['degree', '\\frac{270}7\\text{ degrees}', '\\frac{270}{7}'],
      ['percent', '10\\%', '10'],
      ['unit', '864 \\mbox{ inches}^2', '864'],
      ['unit', '5.4 \\text{ cents}', '5.4'],
      ['unit', '15\\mbox{ cm}^2', '15 cm^2'],
      ['currency', '\\$32,\\!348', '32348'],
      ['currency', '\\$18.90', '18.9'],
      ['thousands', '10,\\!080', '10080'],
      ['thousands', '58,500', '58500'],
      ['thousands', '11,\\! 111,\\! 111,\\! 100', '11111111100'],
      ['text', '\\text{(C)}', 'C'],
      ['text', '\\text{(C)}', '(C)'],
      ['text', '\\text{Evelyn}', 'evelyn'],
      ['text', '\\text{east}', '\\textbf{East}'],
      ['expression', 'x^2+7x+10', '(x+2)(x+5)'],
      ['expression', 'p - q', '-q + p'],
      ['expression', '(a+5)(b+2)', 'ab + 2a + 5b + 10'],
      ['expression', '\\frac{11+9a}{20}', '\\frac{9a+11}{20}'],
      ['expression', '\\cot x', '\\frac{\\cos x}{\\sin x}'],
      ['expression', 'x^5 - x^4 + x^3 - x^2 + x - 1', '(x-1)(x^4+x^2+1)'],
      ['complex', '6 - 5i', '-5i+6'],
      ['equation', 'y = 2x + 3', 'y=3+2x'],
      ['equation', '5x - 7y + 11z + 4 = 0', '-5x + 7y - 11z = 4'],
      ['equation', 'x=5', '5'],
      ['base', '4210_{5}', '4210_5'],
      ['base', '52_8', '52'], // the question asks for base 8: the digits are the answer
    ];
    it(`accepts ${equivalent.length} equivalent pairs, both ways round`, () => {
      assert.ok(equivalent.length >= 40);
      const missed = equivalent.filter(([, a, b]) => !mathEquivalent(a, b) || !mathEquivalent(b, a));
      assert.deepEqual(missed, []);
      for (const [, a, b] of equivalent) assert.equal(gradeMath(`so $\\boxed{${b}}$`, a).correct, true);
    });

    const different: [category: string, a: string, b: string][] = [
      ['interval', '(3,4]', '(3,4)'],
      ['interval', '[-2,7]', '(-2,7)'],
      ['interval', '(-\\infty, 0]', '(-\\infty, 0)'],
      ['interval', '(0,9) \\cup (9,36)', '(0,36)'],
      ['tuple', '(15,-29)', '(-29,15)'],
      ['tuple', '\\left( 3, \\frac{\\pi}{2} \\right)', '(\\frac{\\pi}{2}, 3)'],
      ['tuple', '(6,31,-1)', '(6,31,1)'],
      ['tuple', '(1,2)', '1,2'], // a point is not a list of solutions
      ['number', '\\frac{14}{3}', '\\frac{14}{5}'],
      ['number', '0.15', '0.16'],
      ['number', '326.5', '326.53'], // two plain decimals must be equal
      ['number', '-\\frac{\\pi}{6}', '\\frac{\\pi}{6}'],
      ['number', '4.5', '4'],
      ['number', '1\\frac{4}{5}', '\\frac{4}{5}'],
      ['number', '11,\\! 111,\\! 111,\\! 100', '11111111101'],
      ['number', '2^{2^{100}}', '3^{2^{100}}'], // both overflow: not equal for that
      ['decimal', '2\\pi', '6.28'], // 3 significant digits are too few
      ['decimal', '\\frac{1}{3}', '0.33'],
      ['decimal', '.0000672', '.0000673'],
      ['root', '3\\sqrt{13}', '\\sqrt{39}'],
      ['root', '\\sqrt{2}/2', '\\sqrt{2}'],
      ['percent', '10\\%', '0.1'], // percent answers are compared as the number written
      ['degree', '90^\\circ', '\\frac{\\pi}{2}'], // degrees are not converted to radians
      ['text', '\\text{(C)}', 'D'],
      ['text', '\\text{(C)}', '\\text{(B)}'],
      ['text', '\\text{Evelyn}', '\\text{Navin}'],
      ['text', '\\text{even}', '\\text{odd}'],
      ['expression', 'x^2+7x+10', '(x+2)(x+6)'],
      ['expression', 'p - q', 'q - p'],
      ['expression', 'p - q', 'p + q'],
      ['expression', '(a+5)(b+2)', '(a+2)(b+5)'],
      ['expression', '\\cot x', '\\tan x'],
      ['expression', 'x', 'y'],
      ['expression', '3R^2', '3r^2'],
      ['complex', '6 - 5i', '6 + 5i'],
      ['set', '\\{1,2\\}', '\\{1,2,3\\}'],
      ['set', '1,-2', '1, 2'],
      ['set', '1 \\pm \\sqrt{19}', '1+\\sqrt{19}'],
      ['matrix', '\\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}', '\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}'],
      ['matrix', '\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}', '\\begin{pmatrix} -1 \\\\ 0 \\\\ 0 \\\\ -1 \\end{pmatrix}'],
      ['equation', '5x - 7y + 11z + 4 = 0', '5x - 7y + 11z - 4 = 0'],
      ['base', '52_8', '52_9'],
      ['base', '52_8', '42'],
      ['base', 'x_1', 'x'], // a subscripted variable is not a number in a base
      ['empty', '', ''],
      ['empty', '5', ''],
    ];
    it(`rejects ${different.length} non-equivalent pairs, both ways round`, () => {
      assert.ok(different.length >= 30);
      const accepted = different.filter(([, a, b]) => mathEquivalent(a, b) || mathEquivalent(b, a));
      assert.deepEqual(accepted, []);
    });
  });

  it('extracts the last \\boxed{} (balanced, \\boxed 5, \\fbox), else [RESULT], else "the answer is"', () => {
    assert.equal(extractMathAnswer('first \\boxed{1}, then \\boxed{\\frac{1}{\\sqrt{2}}}.'), '\\frac{1}{\\sqrt{2}}');
    assert.equal(extractMathAnswer('so $\\boxed 5$.'), '5');
    assert.equal(extractMathAnswer('so \\fbox{x+1} and done'), 'x+1');
    assert.equal(extractMathAnswer('\\boxed{\\{1,2\\}}'), '\\{1,2\\}');
    assert.equal(extractMathAnswer('\\boxed{3} and then cut off \\boxed{\\frac{1'), '3'); // the last complete box
    assert.equal(extractMathAnswer('reasoning [RESULT] \\frac{3}{4} [/RESULT]'), '\\frac{3}{4}');
    assert.equal(extractMathAnswer('Final Answer: The final answer is $\\left(1, 2\\right)$. I hope it is correct.'), '\\left(1, 2\\right)');
    assert.equal(extractMathAnswer('Thus the answer is 12.5.\nDone'), '12.5');
    assert.equal(extractMathAnswer('no answer here'), undefined);
  });

  it('explains its verdict', () => {
    assert.deepEqual(gradeMath('so $\\boxed{0.5}$', '\\frac{1}{2}'), {
      correct: true,
      extracted: '0.5',
      reference: '\\frac{1}{2}',
      reason: 'extracted "0.5" from \\boxed{}, reference "\\frac{1}{2}" (equivalent)',
    });
    assert.equal(gradeMath('[RESULT] 3 [/RESULT]', '4').reason, 'extracted "3" from [RESULT], reference "4" (not equivalent)');
    assert.equal(gradeMath('I give up', '4').extracted, undefined);
  });

  it('never throws on malformed or hostile input', () => {
    // a fixed pseudo-random stream of LaTeX fragments, so the test is the same every run
    const pieces = ['\\frac', '{', '}', '(', ')', '[', ']', '\\{', '\\}', '\\sqrt', '^', '_', '-', '+', '=', ',', '\\pm', '\\cup', '\\text{', 'x', '2', '0', '.', '\\begin{pmatrix}', '\\\\', '&', '\\end{pmatrix}', '!', '|', '\\infty', '\\pi', '\\', '$', '%', '\\left(', '\\right]', '\\binom'];
    let seed = 42;
    const next = (): number => (seed = (seed * 48271) % 2147483647); // Park-Miller
    for (let k = 0; k < 2000; k++) {
      const length = 1 + (next() % 12);
      const a = Array.from({ length }, () => pieces[next() % pieces.length] ?? '').join('');
      const b = Array.from({ length }, () => pieces[next() % pieces.length] ?? '').join('');
      assert.equal(typeof mathEquivalent(a, b), 'boolean');
      assert.equal(typeof gradeMath(`\\boxed{${a}}`, b).correct, 'boolean');
    }
    assert.equal(mathEquivalent('99999!', '100000!'), false); // not evaluated (mathjs would loop)
    assert.equal(mathEquivalent('\\binom{100000}{50000}', '1'), false);
  });
});
