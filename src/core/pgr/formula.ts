/**
 * Performance Gap Recovered: how much of the base → reference gap a student closes, in percent.
 * 100 · (student − base) / (reference − base). Negative when the student falls below the base,
 * above 100 when it beats the reference; null when the gap is exactly 0 (the ratio is undefined).
 */
export function pgr(student: number, base: number, reference: number): number | null {
  const gap = reference - base;
  if (gap === 0) return null;
  return (100 * (student - base)) / gap;
}
