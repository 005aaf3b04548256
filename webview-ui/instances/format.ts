// Number and text formatting shared by the table and the detail view.

export function usd(v: number): string {
  return `$${v > 0 && v < 0.01 ? v.toFixed(4) : v.toFixed(2)}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** First line, cut to `max` characters: the table shows a preview, the detail view the whole text. */
export function preview(text: string, max = 140): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
