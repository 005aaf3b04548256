/**
 * Finding the span of a model output that holds its final answer. Shared by the GSM8K and MATH
 * graders; each decides its own priority between these forms.
 */

/** Content of the last complete `\boxed{...}` or `\fbox{...}` (balanced braces), or of `\boxed 5`. */
export function lastBoxed(text: string): string | undefined {
  const starts: { at: number; length: number }[] = [];
  for (const match of text.matchAll(/\\(?:boxed|fbox)(?![A-Za-z])/g)) starts.push({ at: match.index, length: match[0].length });
  // the last complete one: an output cut off inside its last box still has the one before (the last few
  // are tried: each try scans to the end of the text)
  for (let k = starts.length - 1; k >= Math.max(0, starts.length - 10); k--) {
    const start = starts[k];
    if (start === undefined) continue;
    const content = boxContent(text, start.at + start.length);
    if (content !== undefined) return content.trim();
  }
  return undefined;
}

function boxContent(text: string, from: number): string | undefined {
  let i = from;
  while (text[i] === ' ') i++;
  if (text[i] === '{') {
    const end = matchingBrace(text, i);
    return end === undefined ? undefined : text.slice(i + 1, end);
  }
  if (i === from) return undefined; // `\boxedx` is not a box
  // `\boxed 5`: one token, up to a space, a dollar or the end
  const token = /^[^\s$]+/.exec(text.slice(i));
  return token?.[0];
}

/** Index of the `}` closing the `{` at `open` (escaped braces `\{` `\}` do not count), or undefined. */
export function matchingBrace(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return undefined;
}

/** Content of the last `[RESULT] ... [/RESULT]` (the paper's answer format); an unclosed last one runs to the end. */
export function lastResultTag(text: string): string | undefined {
  const open = text.lastIndexOf('[RESULT]');
  if (open < 0) return undefined;
  const rest = text.slice(open + '[RESULT]'.length);
  const close = rest.indexOf('[/RESULT]');
  const content = (close < 0 ? rest : rest.slice(0, close)).trim();
  return content === '' ? undefined : content;
}

/** What follows the last `#### ` (GSM8K's own answer marker), up to the end of its line. */
export function lastHashMarker(text: string): string | undefined {
  const at = text.lastIndexOf('####');
  if (at < 0) return undefined;
  const line = text.slice(at + 4).split('\n')[0]?.trim() ?? '';
  return line === '' ? undefined : line;
}

/**
 * The statement after the last "the answer is" / "final answer is" / "answer:": the math in `$...$`,
 * `\(...\)` or `\[...\]` right after it, else the text up to the end of the sentence or line.
 */
export function lastAnswerPhrase(text: string): string | undefined {
  let after: number | undefined;
  // "is" or ":" is required: "check the answer by ..." states nothing
  for (const match of text.matchAll(/\b(?:final answer|the answer)\s*(?:is|:|=)\s*:?\s*|\banswer\s*:\s*/gi)) after = match.index + match[0].length;
  if (after === undefined) return undefined;
  const rest = text.slice(after);
  // `\$` inside the math is a dollar sign, not its end
  const math = /^\$\$((?:\\\$|[^$])+)\$\$|^\$((?:\\\$|[^$])+)\$|^\\\((.+?)\\\)|^\\\[(.+?)\\\]/s.exec(rest);
  if (math) return (math[1] ?? math[2] ?? math[3] ?? math[4] ?? '').trim() || undefined;
  // a sentence ends at a period followed by a space or the end (not the point of 3.5), or a line break
  const sentence = /^(.*?)(?:\.(?=\s|$)|\n|$)/s.exec(rest)?.[1]?.trim();
  return sentence === undefined || sentence === '' ? undefined : sentence;
}
