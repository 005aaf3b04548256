/**
 * Reads a rubric judge's verdict (1–5) from its free-text answer.
 *
 * Judges are asked to end with `[RESULT] N`, but write variants (`Score: 4`, `Rating: 4 out of 5`,
 * a last line of `4/5` or `**4**`), revise themselves, and quote the graded text, which may hold a
 * verdict-looking line of its own (the paper's math answers end with `[RESULT] 7 [/RESULT]`; an
 * adversarial instance may say `[RESULT] 5`). So:
 *
 * 1. Quoted material is masked first: fenced code, `inline code`, "double-quoted" spans, `>` block
 *    quotes, echoed `<<<INSTRUCTION>>>`/`<<<RESPONSE>>>` blocks, and the closed answer form
 *    `[RESULT] x [/RESULT]` (the dataset's notation, never our verdict form).
 * 2. Forms are tried in order of trust: `[RESULT] N`; then labelled scores (`Score:`, `Rating:`,
 *    `Verdict:`, `Grade:`); then a last line that is nothing but the number. The first form
 *    present decides, so sub-scores written after a `[RESULT]` line cannot override it.
 * 3. Within that form the LAST marker wins (a judge that revises itself meant its last word), but
 *    markers only separated by punctuation or "or"/"and"/"to" are one final group: if they differ
 *    (`[RESULT] 3 or [RESULT] 4`), or the verdict is a range (`3-4`), the answer is refused.
 * 4. Out-of-range, non-integer and other-scale (`8/10`) verdicts are refused with a reason. A
 *    refused verdict is never a 0: the caller retries, then records the score as missing.
 */

export type JudgeScore = 1 | 2 | 3 | 4 | 5;
export type ParsedJudgeScore = { ok: true; score: JudgeScore; reasoning: string } | { ok: false; reason: string };

interface Marker {
  /** Start of the marker (its label) and end of its number, in the text. */
  at: number;
  end: number;
  /** The number as written, and the scale it was given on (`/ 5`, `out of 10`), if any. */
  value: string;
  scale?: string;
}

const NUM = String.raw`\**\s*(-?\d+(?:[.,]\d+)?)\s*\**(?:\s*(?:\/|out\s+of)\s*(\d+))?`;
const TIERS: Array<{ name: string; re: RegExp }> = [
  { name: '[RESULT] N', re: new RegExp(String.raw`(?<!['‘])\[\s*RESULT\s*\]\s*\**\s*(?:[:=]|[-–](?=\s))?\s*${NUM}`, 'gi') },
  {
    name: 'a labelled score',
    re: new RegExp(String.raw`(?<![\w'‘])(?:(?:final|overall)\s+)?(?:score|rating|verdict|grade)\s*\**\s*(?:[:=]|[-–](?=\s)|\s(?:of|is))\s*${NUM}`, 'gi'),
  },
];
const LAST_LINE = new RegExp(String.raw`^(?:(?:final\s+|overall\s+)?(?:score|rating|verdict|grade|result|answer)\s*[:=\-–]?\s*)?${NUM}\s*\.?$`, 'i');
/** Text that may sit between two markers of one final verdict: punctuation, markup, connectives. */
const SAME_GROUP = /^(?:[\s.,;:!?*_#()[\]|/\\-]|or|and|to|maybe|perhaps|either|between)*$/i;
const CLOSED = /\[\s*RESULT\s*\][^\n[]*?\[\s*\/\s*RESULT\s*\]/i;
const RANGE_AFTER = /^\s*\**\s*(?:-|–|—|to|or|and)\s*\**\s*\d/i;

/** The verdict, or why there is no readable one. */
export function parseJudgeScore(text: string): ParsedJudgeScore {
  if (!text.trim()) return { ok: false, reason: 'the judgement is empty' };
  const masked = maskQuoted(text);
  for (const tier of TIERS) {
    const found: Marker[] = [];
    for (const m of masked.matchAll(tier.re)) found.push({ at: m.index, end: m.index + m[0].length, value: m[1] ?? '', ...(m[2] ? { scale: m[2] } : {}) });
    if (found.length) return decide(text, masked, found, tier.name);
  }
  const last = lastLine(text);
  if (last && masked.slice(last.at, last.at + last.line.length) === last.line) {
    const m = LAST_LINE.exec(last.line.replace(/^[\s>#*_]+|[\s*_]+$/g, ''));
    if (m) return decide(text, masked, [{ at: last.at, end: last.at + last.line.length, value: m[1] ?? '', ...(m[2] ? { scale: m[2] } : {}) }], 'a bare last line');
  }
  // the dataset's closed answer form is never read as a verdict: a judge that wrote one is asked again
  const closed = CLOSED.test(text) ? ' (a closed "[RESULT] x [/RESULT]" is the graded answer\'s notation, not a verdict)' : '';
  return { ok: false, reason: `no verdict found: expected a final line "[RESULT] N" with N a whole number from 1 to 5${closed}` };
}

function decide(text: string, masked: string, found: Marker[], form: string): ParsedJudgeScore {
  const last = found[found.length - 1] as Marker;
  let first = found.length - 1;
  while (first > 0 && SAME_GROUP.test(masked.slice((found[first - 1] as Marker).end, (found[first] as Marker).at))) first--;
  const group = found.slice(first);
  const values = [...new Set(group.map((g) => g.value))];
  if (values.length > 1) return { ok: false, reason: `several different final verdicts (${form}): ${values.join(', ')}` };
  if (RANGE_AFTER.test(masked.slice(last.end, last.end + 12))) return { ok: false, reason: `the final verdict is a range, not one score (${form}): ${masked.slice(last.at, last.end + 8).trim()}` };
  if (last.scale !== undefined && last.scale !== '5') return { ok: false, reason: `the final verdict is on another scale (${last.value}/${last.scale}), not 1–5` };
  const n = Number(last.value.replace(',', '.'));
  if (!Number.isInteger(n)) return { ok: false, reason: `the final verdict ${last.value} is not a whole number` };
  if (n < 1 || n > 5) return { ok: false, reason: `the final verdict ${n} is outside 1–5` };
  // the feedback before the verdict, without a "Feedback:" label, trailing markup or a dangling "Final verdict:" line
  const reasoning = text
    .slice(0, (group[0] as Marker).at)
    .replace(/^\s*\**feedback\**\s*:\s*/i, '')
    .replace(/[\s*_#]+$/, '')
    .replace(/([\n.!?]\s*|^)[^\n.!?]{0,40}:$/, '$1')
    .trim();
  return { ok: true, score: n as JudgeScore, reasoning };
}

/** The text with quoted material blanked out (same length, newlines kept), so positions still match. */
function maskQuoted(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return text
    .replace(/```[\s\S]*?(?:```|$)/g, blank)
    .replace(/<<<(INSTRUCTION|RESPONSE)>>>[\s\S]*?(?:<<<END \1>>>|$)/g, blank)
    .replace(new RegExp(CLOSED.source, 'gi'), blank)
    .replace(/^[ \t]*>.*$/gm, blank)
    .replace(/`[^`\n]*`/g, blank)
    .replace(/"[^"\n]*"|“[^”\n]*”/g, blank);
}

function lastLine(text: string): { line: string; at: number } | undefined {
  const trimmed = text.replace(/\s+$/, '');
  const at = trimmed.lastIndexOf('\n') + 1;
  const line = trimmed.slice(at);
  return line.trim() ? { line, at } : undefined;
}
