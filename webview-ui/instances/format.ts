// Number and text formatting shared by the table, the detail pane and the compare view.

const INT = new Intl.NumberFormat('en-US');

export const int = (n: number): string => INT.format(n);

/** Two or three significant digits: enough to compare metric values at a glance. */
export function metric(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  if (Math.abs(v) >= 1000) return INT.format(Math.round(v));
  if (v === 0) return '0';
  return String(Number(v.toPrecision(3)));
}

export function usd(v: number): string {
  if (!v) return '$0';
  if (v >= 1) return `$${v.toFixed(2)}`;
  return `$${Number(v.toPrecision(2))}`;
}

export function ms(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${INT.format(Math.round(v))} ms`;
}

/** A table cell shows one line: newlines and runs of spaces become single spaces. */
export const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

export const STATUS_TEXT = { valid: '✓ valid', failed: '✗ failed' } as const;
