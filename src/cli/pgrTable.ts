import { PAPER_TABLE2, type PgrCell, type PgrReport } from '../core/pgr';
import { table } from './format';

/** Plain-text markers (they survive terminals without colour): best and second best in a column. */
export const BEST_MARK = '*';
export const SECOND_MARK = '+';

const METHOD_SHORT: Record<string, string> = { instance_generation: 'IG', response_generation: 'RG', quality_enhancement: 'QE' };
const DOMAIN_SHORT: Record<string, string> = { math: 'math', code: 'code', instruction_following: 'IF' };

/** `IG·math`, `RG·IF`, `QE avg`: Table-2 column names short enough for a terminal. */
export function shortColumn(column: string): string {
  const [method = '', domain = ''] = column.split('.');
  const m = METHOD_SHORT[method] ?? method;
  return domain === 'avg' ? `${m} avg` : `${m}·${DOMAIN_SHORT[domain] ?? domain}`;
}

/**
 * The PGR report as a Table-2-style grid for the terminal: generators × the 12 columns, each cell
 * `PGR [95% CI]` with best/second-best markers, `—` where there is no value, then the warnings.
 * `perDollar` adds a grid of PGR points per USD; `reference` appends the paper's Table 2 rows.
 */
export function pgrGridText(report: PgrReport, opts: { reference?: boolean; perDollar?: boolean } = {}): string {
  const header = ['generator', ...report.columns.map(shortColumn)];
  const cellAt = new Map(report.cells.map((c) => [`${c.generator}\u0000${c.column}`, c]));
  const rowCells = (g: string): (PgrCell | undefined)[] => report.columns.map((col) => cellAt.get(`${g}\u0000${col}`));
  const rows = report.generators.map((g) => [g, ...rowCells(g).map(cellText)]);

  const out: string[] = [`PGR (%) per generator, 95% bootstrap intervals in brackets (${report.rounds} rounds, seed ${report.seed})`];
  if (opts.reference) {
    const paper = PAPER_TABLE2.rows.map((r) => [`paper: ${r.generator}`, ...paperCells(r.values, PAPER_TABLE2.rows.map((x) => x.values))]);
    const lines = table(header, [...rows, ...paper]).split('\n');
    const width = Math.max(...lines.map((l) => l.length));
    lines.splice(1 + rows.length, 0, `${'-'.repeat(width)}`, "The paper's Table 2 (Kim et al., AgoraBench; Llama-3.1-8B students; markers among the paper's generators):");
    out.push(...lines);
  } else {
    out.push(table(header, rows));
  }
  out.push(`${BEST_MARK} best, ${SECOND_MARK} second best in the column; — no value (see the report's notes)`);

  if (opts.perDollar) {
    const dollarRows = report.generators.map((g) => [g, ...rowCells(g).map((c) => (c?.pgrPerDollar !== undefined ? fixed(c.pgrPerDollar, 2) : '—'))]);
    out.push('', 'PGR points per USD of generation cost', table(header, dollarRows));
  }
  if (report.warnings.length) out.push('', 'Warnings:', ...report.warnings.map((w) => `  ! ${w}`));
  return out.join('\n');
}

function cellText(cell: PgrCell | undefined): string {
  if (!cell || cell.pgr === null) return '—';
  const ci = cell.ci95 ? ` [${fixed(cell.ci95[0], 1)}, ${fixed(cell.ci95[1], 1)}]` : '';
  return `${fixed(cell.pgr, 1)}${ci}${mark(cell.rank)}`;
}

/** The paper's values with markers recomputed among the paper's rows (the paper bolds/underlines them). */
function paperCells(values: readonly number[], all: readonly (readonly number[])[]): string[] {
  return values.map((v, i) => {
    const distinct = [...new Set(all.map((r) => r[i] as number))].sort((a, b) => b - a);
    return `${fixed(v, 1)}${mark(v === distinct[0] ? 1 : v === distinct[1] ? 2 : undefined)}`;
  });
}

function mark(rank: 1 | 2 | undefined): string {
  return rank === 1 ? BEST_MARK : rank === 2 ? SECOND_MARK : '';
}

/** toFixed without a "-0.0". */
function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}
