import type { EvalFunction, MathJsInstance, MathNode } from 'mathjs';
import { VARIABLE_PREFIX } from './latexToMathjs';

/**
 * Numeric equivalence of two mathjs expressions (from `latexToMathjs`): equal values, or, when
 * they have variables, equal values at a few fixed points (a polynomial and its factored form
 * agree everywhere; two different ones almost never agree at four points). Never throws.
 */

let mathjs: MathJsInstance | undefined;

/** mathjs is loaded on first use (~0.5 s): most runs of the CLI and extension never grade MATH. */
function math(): MathJsInstance {
  // a require inside the function keeps the module unevaluated until needed
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mathjs ??= require('mathjs') as MathJsInstance;
  return mathjs;
}

interface Compiled {
  code: EvalFunction;
  variables: string[];
}

const compiled = new Map<string, Compiled | null>();

function compile(expr: string): Compiled | undefined {
  const known = compiled.get(expr);
  if (known !== undefined) return known ?? undefined;
  let result: Compiled | null = null;
  // mathjs computes factorials and binomials of numbers by loops: a huge argument would hang the grader
  if (/!|combinations/.test(expr) && /\d{5}/.test(expr)) return undefined;
  try {
    const node: MathNode = math().parse(expr);
    const variables = new Set<string>();
    node.traverse((n) => {
      if ('name' in n && typeof n.name === 'string' && n.type === 'SymbolNode' && n.name.startsWith(VARIABLE_PREFIX)) variables.add(n.name);
    });
    result = { code: node.compile(), variables: [...variables] };
  } catch {
    result = null;
  }
  if (compiled.size > 5000) compiled.clear(); // a bound, not an LRU: grading runs repeat few distinct answers
  compiled.set(expr, result);
  return result ?? undefined;
}

/** A value as a complex number, or undefined for what is not a number (a matrix, a unit, an error). */
interface Value {
  re: number;
  im: number;
}

function valueOf(code: EvalFunction, scope: Map<string, number>): Value | undefined {
  try {
    const v: unknown = code.evaluate(scope);
    if (typeof v === 'number') return { re: v, im: 0 };
    if (math().isComplex(v)) return { re: v.re, im: v.im };
    return undefined;
  } catch {
    return undefined;
  }
}

/** The value of a constant expression, or undefined (variables, not a number). */
export function constantValue(expr: string): Value | undefined {
  const c = compile(expr);
  if (c === undefined || c.variables.length > 0) return undefined;
  return valueOf(c.code, new Map());
}

/** Points where the variables are evaluated: positive and away from 0 and 1, so roots and logs stay real. */
const POINTS = [1.3183, 2.4719, 0.6371, 1.8837, 3.1961, 0.8453, 2.0729];
const POINT_COUNT = 4;

function scopeAt(variables: string[], point: number): Map<string, number> {
  return new Map(variables.map((name, j) => [name, POINTS[(point * 3 + j) % POINTS.length] ?? 1.5]));
}

/** Whether two expressions are equal as numbers, or as functions of their variables. */
export function expressionsEqual(a: string, b: string): boolean {
  const ca = compile(a);
  const cb = compile(b);
  if (ca === undefined || cb === undefined) return false;
  const variables = [...new Set([...ca.variables, ...cb.variables])];
  if (variables.length === 0) {
    const va = valueOf(ca.code, new Map());
    const vb = valueOf(cb.code, new Map());
    if (va === undefined || vb === undefined) return false;
    // infinite only as `\infty` (interval ends), not by overflow: 2^{2^{100}} and 3^{2^{100}} differ
    if (!finite(va) || !finite(vb)) return a.includes('Infinity') && b.includes('Infinity') && close(va, vb, 0);
    return close(va, vb, 1e-9);
  }
  let compared = 0;
  for (let p = 0; p < POINT_COUNT; p++) {
    const scope = scopeAt(variables, p);
    const va = valueOf(ca.code, scope);
    const vb = valueOf(cb.code, scope);
    if (va === undefined || vb === undefined || !finite(va) || !finite(vb)) continue;
    if (!close(va, vb, 1e-8)) return false;
    compared++;
  }
  return compared >= 2;
}

/**
 * Whether two equations describe the same relation: `lhs - rhs` of one is a non-zero constant
 * multiple of the other's (`5x - 7y + 4 = 0` is `-5x + 7y = 4`).
 */
export function equationsEqual(a: [string, string], b: [string, string]): boolean {
  const ca = compile(`(${a[0]})-(${a[1]})`);
  const cb = compile(`(${b[0]})-(${b[1]})`);
  if (ca === undefined || cb === undefined) return false;
  const variables = [...new Set([...ca.variables, ...cb.variables])];
  if (variables.length === 0) return false;
  let ratio: Value | undefined;
  let compared = 0;
  for (let p = 0; p < POINT_COUNT; p++) {
    const scope = scopeAt(variables, p);
    const va = valueOf(ca.code, scope);
    const vb = valueOf(cb.code, scope);
    if (va === undefined || vb === undefined || !finite(va) || !finite(vb)) continue;
    if (magnitude(vb) < 1e-12) {
      if (magnitude(va) < 1e-12) continue;
      return false;
    }
    const r = divide(va, vb);
    if (magnitude(r) < 1e-12) return false;
    if (ratio === undefined) ratio = r;
    else if (!close(r, ratio, 1e-8)) return false;
    compared++;
  }
  return compared >= 2;
}

export function close(a: Value, b: Value, relative: number): boolean {
  if ([a.re, a.im, b.re, b.im].some(Number.isNaN)) return false;
  if (!finite(a) || !finite(b)) return a.re === b.re && a.im === b.im;
  // integers are compared exactly: 11111111100 and 11111111101 differ
  if (a.im === 0 && b.im === 0 && Number.isInteger(a.re) && Number.isInteger(b.re) && Math.abs(a.re) < 2 ** 53) return a.re === b.re;
  const scale = Math.max(magnitude(a), magnitude(b));
  return magnitude({ re: a.re - b.re, im: a.im - b.im }) <= relative * scale + 1e-12;
}

function finite(v: Value): boolean {
  return Number.isFinite(v.re) && Number.isFinite(v.im);
}

function magnitude(v: Value): number {
  return Math.hypot(v.re, v.im);
}

function divide(a: Value, b: Value): Value {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}
