import { matchingBrace } from './answerSpans';

/**
 * String clean-up of a LaTeX answer before it is compared: what changes only the typesetting
 * (sizing and spacing commands, `\dfrac`, math delimiters) or what MATH answers state beside the
 * value (units, degree and percent signs, currency, a trailing period, thousands separators).
 * The result keeps LaTeX structure (`\frac`, `\sqrt`, `\{`, `\begin{pmatrix}`) for `answerShape.ts`.
 */
export function normaliseLatex(raw: string): string {
  let s = raw.trim();
  const boxed = /^\\(?:boxed|fbox)\{(.*)\}$/s.exec(s)?.[1];
  if (boxed !== undefined) s = boxed.trim();
  s = s.replace(/\\\$/g, '').replace(/\$/g, '');
  s = s.replace(/[−–]/g, '-').replace(/π/g, '\\pi ').replace(/∞/g, '\\infty ').replace(/√/g, '\\sqrt').replace(/×|·/g, '\\cdot ');
  s = s.replace(/\\(?:left|right|[bB]ig{1,2}[lr]?)\s*(\\[{}]|\\l?[vV]ert|\\[lr]angle|\\[lr]brace|[()[\]|.])/g, (_m, delim: string) => unsizedDelimiter(delim));
  s = s.replace(/(?<!\\)\\(?:displaystyle|textstyle|scriptstyle|quad|qquad|[!,;:> ])|~/g, ' '); // not the `\\` of a matrix row
  s = s.replace(/\\[dt]frac(?![A-Za-z])/g, '\\frac').replace(/\\(?:mbox|textrm|textnormal|textbf|textit|mathrm|mathbf|mathit|operatorname)\s*\{/g, '\\text{');
  s = s.replace(/\^\s*\{?\s*\\circ\s*\}?|\\circ|°|\^\s*\{?\s*\\degree\s*\}?|\\degree/g, '');
  s = s.replace(/\\?%/g, '');
  s = s.replace(/\\infinity|\\inf(?![a-z])/g, '\\infty');
  s = s.replace(/\\text\{\s*(?:and|or)\s*\}/g, ',');
  s = removeUnitTexts(s);
  s = s.replace(/(?<=[\d}])\s+(?:sq(?:uare|\.)?\s+|cubic\s+)?[A-Za-z]{2,}(?:\s+[A-Za-z]+)*\s*(?:\^\s*\{?\d\}?)?\s*$/, ''); // "5 cm", "12 square units"
  s = s.replace(/\s+/g, ' ').replace(/(?<!\\[A-Za-z]+) | (?![A-Za-z])/g, ''); // spaces only matter after a command name
  s = s.replace(/_\{(\w+)\}/g, '_$1');
  s = s.replace(/[.,]+$/, '');
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, ''); // 58,500 (not a list: a list has spaces or short groups)
  return s;
}

function unsizedDelimiter(delim: string): string {
  if (delim === '.') return '';
  if (delim === '\\lbrace') return '\\{';
  if (delim === '\\rbrace') return '\\}';
  if (/^\\l?[vV]ert$/.test(delim)) return '|';
  return delim;
}

/**
 * `\text{...}` holding only words is a unit ("5.4 \text{ cents}", "864 \mbox{ inches}^2") unless it is
 * the whole answer ("\text{Evelyn}", "\text{(C)}").
 */
function removeUnitTexts(s: string): string {
  let out = s;
  for (let from = out.lastIndexOf('\\text{'); from >= 0; from = from === 0 ? -1 : out.lastIndexOf('\\text{', from - 1)) {
    const close = matchingBrace(out, from + 5);
    if (close === undefined) continue;
    const content = out.slice(from + 6, close);
    const whole = out.slice(0, from).trim() === '' && out.slice(close + 1).trim() === '';
    if (whole || !/^[\sA-Za-z.]*$/.test(content)) continue;
    const power = /^\s*\^\s*(?:\{\s*\d\s*\}|\d)/.exec(out.slice(close + 1))?.[0] ?? '';
    out = out.slice(0, from) + out.slice(close + 1 + power.length);
  }
  return out.trim();
}

/** `x = 5`, `x \in [-2,7]`, `\theta = ...` → the right-hand side (the left names the unknown, not the value). */
export function stripUnknownPrefix(s: string): string {
  const m = /^(?:[A-Za-z](?:_\w+)?|\\[A-Za-z]+|[A-Za-z]\([A-Za-z]\))(?:=|\\in(?![A-Za-z]))(.*)$/.exec(s);
  if (m?.[1] === undefined || m[1].includes('=')) return s;
  return m[1];
}
