/**
 * The one tokeniser and the one text normalisation every lexical figure uses, so "words",
 * distinct-n, TF-IDF and duplicate detection all agree on what a word and a duplicate are.
 */

const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * Words of a text: maximal runs of Unicode letters, digits or underscores, lowercased.
 * Punctuation and whitespace only separate words ("x+1=2?" → x, 1, 2), which keeps
 * the tokeniser language-neutral and deterministic (no model vocabulary).
 */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Lowercased, whitespace runs collapsed to one space, trimmed: two texts equal after this are exact duplicates. */
export function normalizeText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Length in Unicode code points (a surrogate pair — an emoji, a rare CJK character — counts once). */
export function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = text.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}
