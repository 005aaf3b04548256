import { stripUnknownPrefix } from './latex';

/**
 * The structure of a normalised MATH answer: what has to match element by element before the
 * elements themselves are compared (`scalarEquivalent`).
 */
export type AnswerShape =
  /** `\begin{pmatrix} ... \end{pmatrix}` (any matrix environment): rows of cells. */
  | { kind: 'matrix'; rows: string[][] }
  /** A point, tuple or interval: `(3,4]`. Brackets must match and order counts. */
  | { kind: 'ordered'; open: string; close: string; items: string[] }
  /** Intervals joined by `\cup`, in any order. */
  | { kind: 'union'; parts: AnswerShape[] }
  /** `\{1,2\}`, a bare list `1, -2` ("enter all solutions") or a `\pm` expansion: order does not count. */
  | { kind: 'unordered'; items: string[] }
  /** `5x - 7y + 11z + 4 = 0`. */
  | { kind: 'equation'; lhs: string; rhs: string }
  | { kind: 'scalar'; text: string };

export function answerShape(normalised: string): AnswerShape {
  const s = stripUnknownPrefix(normalised);
  const matrix = /^\\begin\{([pbBvV]?matrix|array)\}(?:\{[^}]*\})?(.*)\\end\{\1\}$/s.exec(s);
  if (matrix?.[2] !== undefined) return { kind: 'matrix', rows: splitTop(matrix[2], '\\\\').map((row) => splitTop(row, '&')) };
  const union = splitTop(s, '\\cup');
  if (union.length > 1) return { kind: 'union', parts: union.map(answerShape) };
  if (s.startsWith('\\{') && s.endsWith('\\}') && closingOf(s, 0) === s.length - 2) {
    return { kind: 'unordered', items: expandPlusMinus(splitTop(s.slice(2, -2), ',')) };
  }
  if (/^[([]/.test(s) && /[)\]]$/.test(s) && closingOf(s, 0) === s.length - 1) {
    const items = splitTop(s.slice(1, -1), ',');
    if (items.length > 1) return { kind: 'ordered', open: s.charAt(0), close: s.charAt(s.length - 1), items };
  }
  const list = splitTop(s, ',');
  if (list.length > 1) return { kind: 'unordered', items: expandPlusMinus(list) };
  const sides = splitTop(s, '=');
  if (sides.length === 2 && sides[0] !== undefined && sides[1] !== undefined) return { kind: 'equation', lhs: sides[0], rhs: sides[1] };
  const expanded = expandPlusMinus([s]);
  if (expanded.length > 1) return { kind: 'unordered', items: expanded };
  return { kind: 'scalar', text: s };
}

/** Splits at `separator` outside braces and brackets (`\{ \}` count as brackets). */
export function splitTop(s: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && (s[i + 1] === '{' || s[i + 1] === '}')) {
      depth += s[i + 1] === '{' ? 1 : -1;
      i++;
      continue;
    }
    if (ch === '{' || ch === '(' || ch === '[') depth++;
    else if (ch === '}' || ch === ')' || ch === ']') depth--;
    else if (depth === 0 && s.startsWith(separator, i) && !(separator.startsWith('\\') && /[A-Za-z]/.test(s[i + separator.length] ?? ''))) {
      parts.push(s.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

/** Index of the bracket closing the one at `open` (any of `( [ { \{` closes with any of `) ] } \}`: intervals mix them). */
function closingOf(s: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    let delta = 0;
    if (ch === '\\' && (s[i + 1] === '{' || s[i + 1] === '}')) delta = s[i + 1] === '{' ? 1 : -1;
    else if (ch === '{' || ch === '(' || ch === '[') delta = 1;
    else if (ch === '}' || ch === ')' || ch === ']') delta = -1;
    depth += delta;
    if (delta < 0 && depth === 0) return i;
    if (ch === '\\') i++;
  }
  return undefined;
}

/**
 * `1 \pm \sqrt{19}` → `1 + \sqrt{19}`, `1 - \sqrt{19}` (each `\pm` or `\mp` doubles the list; beyond
 * 16 items the list is left as it is).
 */
function expandPlusMinus(items: string[]): string[] {
  const count = items.reduce((n, item) => n + 2 ** (item.match(/\\(?:pm|mp)(?![A-Za-z])/g)?.length ?? 0), 0);
  if (count > 16) return items;
  const out: string[] = [];
  for (const item of items) {
    const m = /\\(pm|mp)(?![A-Za-z])/.exec(item);
    if (m === null) {
      out.push(item);
      continue;
    }
    const before = item.slice(0, m.index);
    const after = item.slice(m.index + m[0].length);
    out.push(...expandPlusMinus([`${before}+${after}`, `${before}-${after}`]));
  }
  return out;
}
