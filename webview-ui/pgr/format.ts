// Labels and number formats of the PGR panel.

const METHOD_SHORT: Record<string, string> = { instance_generation: 'IG', response_generation: 'RG', quality_enhancement: 'QE' };
const METHOD_LONG: Record<string, string> = { instance_generation: 'instance generation', response_generation: 'response generation', quality_enhancement: 'quality enhancement' };
const DOMAIN_SHORT: Record<string, string> = { math: 'math', code: 'code', instruction_following: 'IF', avg: 'avg' };
const DOMAIN_LONG: Record<string, string> = { math: 'math', code: 'code', instruction_following: 'instruction following', avg: 'average' };

function split(column: string): [string, string] {
  const [m = '', d = ''] = column.split('.');
  return [m, d];
}

/** "IG · math", "QE · avg". */
export function columnLabel(column: string): string {
  const [m, d] = split(column);
  return `${METHOD_SHORT[m] ?? m} · ${DOMAIN_SHORT[d] ?? d}`;
}

/** "instance generation, math". */
export function columnLongLabel(column: string): string {
  const [m, d] = split(column);
  return `${METHOD_LONG[m] ?? m}, ${DOMAIN_LONG[d] ?? d}`;
}

export function methodOf(column: string): string {
  return split(column)[0];
}

export function methodLabel(method: string): string {
  return METHOD_LONG[method] ?? method;
}

export function domainShort(column: string): string {
  const d = split(column)[1];
  return DOMAIN_SHORT[d] ?? d;
}

export const fmtPgr = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(1));
export const fmtUsd = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`);
export const fmtNum = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
export const fmtP = (p: number | null | undefined): string => (p === null || p === undefined ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/**
 * Rank 1 (best) and 2 (second best) of each value among the non-missing ones (higher is better);
 * ties share a rank, and the second rank goes to the next distinct value.
 */
export function ranks(values: Array<number | null>): Array<1 | 2 | undefined> {
  const distinct = [...new Set(values.filter((v): v is number => v !== null && Number.isFinite(v)))].sort((a, b) => b - a);
  return values.map((v) => (v === null ? undefined : v === distinct[0] ? 1 : v === distinct[1] ? 2 : undefined));
}
