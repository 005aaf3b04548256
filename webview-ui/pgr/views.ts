// DOM of the PGR panel's tables and notices (plain DOM through `h`, text only, no inline styles).
import type { MissingPart, MissingView, PgrDataView, RunnableCommand } from '../../src/protocol/pgrProtocol';
import { h } from '../shared/dom';
import { columnLabel, columnLongLabel, domainShort, fmtNum, fmtP, fmtPgr, fmtUsd, methodLabel, methodOf, ranks } from './format';

/** Text only screen readers read ("(best)"). */
const srOnly = (text: string) => h('span', { class: 'sr-only' }, text);

/** The missing parts in `parts` (all when omitted), each with a button that runs the command producing it. */
export function missingNotices(data: PgrDataView, onRun: (c: RunnableCommand) => void, parts?: MissingPart[]): HTMLElement | undefined {
  const shown = data.missing.filter((m) => !parts || parts.includes(m.part));
  if (!shown.length) return undefined;
  return h('ul', { class: 'notices', 'aria-label': 'What is missing' }, ...shown.map((m) => notice(m, onRun)));
}

function notice(m: MissingView, onRun: (c: RunnableCommand) => void): HTMLElement {
  const li = h('li', { class: 'notice', 'data-part': m.part }, h('span', { class: 'notice-text' }, m.message));
  if (m.command) {
    const command = m.command;
    const button = h('button', { type: 'button', class: 'secondary', 'aria-label': `Run ${m.commandLabel ?? command}` }, `Run ${(m.commandLabel ?? command).replace(/^AgoraBench: /, '').replace(/ \(.*\)$/, '')}`);
    button.addEventListener('click', () => onRun(command));
    li.append(' ', button);
  }
  return li;
}

function cellTitle(ci: [number, number] | null, interval: string, notes: string[]): string {
  const parts = [ci ? `95 % interval [${ci[0].toFixed(1)}, ${ci[1].toFixed(1)}] (${interval})` : 'no interval'];
  return [...parts, ...notes].join('\n');
}

/** The Table-2 grid: generators × 12 columns + mean, best bold and second best underlined per column. */
export function pgrGrid(data: PgrDataView, paperRows: boolean): HTMLElement {
  const methods = [...new Set(data.columns.map(methodOf))];
  const head1 = h('tr', {}, h('th', { scope: 'col', rowspan: 2, class: 'rowhead' }, 'Generator'));
  for (const m of methods) head1.append(h('th', { scope: 'colgroup', colspan: data.columns.filter((c) => methodOf(c) === m).length, class: 'method' }, methodLabel(m)));
  head1.append(h('th', { scope: 'col', rowspan: 2, class: 'mean', title: 'mean PGR over the settings that have one' }, 'Mean'));
  const head2 = h('tr', {}, ...data.columns.map((c) => h('th', { scope: 'col', title: columnLongLabel(c), class: c.endsWith('.avg') ? 'avg' : undefined }, domainShort(c))));

  const columnRanks = data.columns.map((_, k) => ranks(data.generators.map((g) => g.cells[k]?.pgr ?? null)));
  const meanRanks = ranks(data.generators.map((g) => g.avgPgr));
  const body = h('tbody');
  const rank = (r: 1 | 2 | undefined, text: string): HTMLElement => {
    if (r === 1) return h('span', { class: 'value' }, h('strong', {}, text), srOnly(' (best)'));
    if (r === 2) return h('span', { class: 'value' }, h('u', {}, text), srOnly(' (second best)'));
    return h('span', { class: 'value' }, text);
  };
  data.generators.forEach((g, i) => {
    const row = h('tr', { 'data-generator': g.id }, h('th', { scope: 'row', title: g.model ?? '' }, g.id));
    g.cells.forEach((c, k) => {
      const r = columnRanks[k]?.[i];
      row.append(
        h(
          'td',
          { class: `num${r ? ` rank-${r}` : ''}${c.column.endsWith('.avg') ? ' avg' : ''}`, 'data-column': c.column, 'data-rank': r, 'data-bad-rate': c.badRate ?? undefined, title: cellTitle(c.ci95, c.interval, c.badRate === undefined || c.badRate === null ? c.notes : [...c.notes, `${(c.badRate * 100).toFixed(1)} % of its data annotated bad`]) },
          rank(r, fmtPgr(c.pgr)),
        ),
      );
    });
    const mr = meanRanks[i];
    row.append(h('td', { class: `num mean${mr ? ` rank-${mr}` : ''}`, 'data-column': 'mean', 'data-rank': mr, title: `mean over ${g.avgOver} of 9 settings` }, rank(mr, fmtPgr(g.avgPgr))));
    body.append(row);
    if (paperRows && g.paperRow) body.append(paperRow(data, g.paperRow, `paper: ${g.paperRow}`));
  });
  if (paperRows) {
    const matched = new Set(data.generators.map((g) => g.paperRow));
    const others = data.paper.rows.filter((r) => !matched.has(r.generator));
    if (others.length) {
      body.append(h('tr', { class: 'paper-heading' }, h('th', { scope: 'rowgroup', colspan: data.columns.length + 2 }, "The paper's Table 2 (no generator of this run uses these models)")));
      for (const r of others) body.append(paperRow(data, r.generator, r.generator));
    }
  }
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'grid', 'aria-label': 'PGR (%) per generator and setting; best per column in bold, second best underlined' },
      h('caption', { class: 'sr-only' }, 'PGR per generator and setting. Best per column marked (best), second best marked (second best).'),
      h('thead', {}, head1, head2),
      body,
    ),
  );
}

function paperRow(data: PgrDataView, generator: string, label: string): HTMLElement {
  const row = data.paper.rows.find((r) => r.generator === generator);
  const tr = h('tr', { class: 'paper-row', 'data-paper': generator }, h('th', { scope: 'row' }, label));
  for (const c of data.columns) {
    const k = data.paper.columns.indexOf(c);
    tr.append(h('td', { class: `num${c.endsWith('.avg') ? ' avg' : ''}`, 'data-column': c, title: 'published in the paper (Table 2)' }, fmtPgr(k >= 0 ? row?.values[k] : null)));
  }
  const settings = data.columns
    .filter((c) => !c.endsWith('.avg'))
    .map((c) => row?.values[data.paper.columns.indexOf(c)])
    .filter((v): v is number => typeof v === 'number');
  tr.append(h('td', { class: 'num mean' }, fmtPgr(settings.length ? settings.reduce((s, v) => s + v, 0) / settings.length : null)));
  return tr;
}

/** Cost, mean PGR and PGR per dollar per generator (and per method average). */
export function costTable(data: PgrDataView): HTMLElement {
  const avgColumns = data.columns.filter((c) => c.endsWith('.avg'));
  const perDollarRanks = ranks(data.generators.map((g) => g.pgrPerDollar));
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'Generator'),
    h('th', { scope: 'col' }, 'Model'),
    h('th', { scope: 'col', class: 'num' }, 'Datasets'),
    h('th', { scope: 'col', class: 'num' }, 'Generation cost'),
    h('th', { scope: 'col', class: 'num' }, 'Mean PGR'),
    h('th', { scope: 'col', class: 'num', title: 'mean PGR ÷ generation cost of all its datasets' }, 'PGR per $'),
    h('th', { scope: 'col', class: 'num', title: 'instances annotated bad (agorabench annotate) ÷ valid instances of its datasets' }, 'Bad samples'),
    ...avgColumns.map((c) => h('th', { scope: 'col', class: 'num', title: `${columnLongLabel(c)}: PGR ÷ cost of the method's datasets` }, `${columnLabel(c)} per $`)),
  );
  const body = h('tbody');
  data.generators.forEach((g, i) => {
    const r = perDollarRanks[i];
    body.append(
      h(
        'tr',
        { 'data-generator': g.id },
        h('th', { scope: 'row' }, g.id),
        h('td', {}, g.model ?? ''),
        h('td', { class: 'num' }, String(g.datasets)),
        h('td', { class: 'num' }, fmtUsd(g.costUsd)),
        h('td', { class: 'num', title: `over ${g.avgOver} of 9 settings` }, fmtPgr(g.avgPgr)),
        h('td', { class: `num${r ? ` rank-${r}` : ''}`, 'data-rank': r }, r === 1 ? h('strong', {}, fmtNum(g.pgrPerDollar)) : fmtNum(g.pgrPerDollar), r === 1 ? srOnly(' (best)') : undefined),
        h('td', { class: 'num', 'data-column': 'bad', title: `${g.bad} annotated bad` }, g.badRate === null ? '—' : `${(g.badRate * 100).toFixed(1)} %`),
        ...avgColumns.map((c) => h('td', { class: 'num' }, fmtNum(g.cells.find((x) => x.column === c)?.pgrPerDollar))),
      ),
    );
  });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'costs', 'aria-label': 'Generation cost and PGR per dollar per generator' }, h('thead', {}, head), body));
}

/** PCA loadings (features × components) with each component's explained variance. */
export function loadingsTable(pca: NonNullable<NonNullable<PgrDataView['analysis']>['pca']>): HTMLElement {
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Feature'), ...pca.components.map((c, k) => h('th', { scope: 'col', class: 'num' }, `${c} (${fmtNum(100 * (pca.explainedVarianceRatio[k] ?? 0), 1)} %)`)));
  const body = h('tbody');
  pca.features.forEach((f, i) => {
    body.append(h('tr', {}, h('th', { scope: 'row' }, f), ...pca.components.map((_, k) => h('td', { class: 'num' }, fmtNum(pca.loadings[i]?.[k], 2)))));
  });
  body.append(h('tr', { class: 'cumulative' }, h('th', { scope: 'row' }, 'cumulative variance'), ...pca.components.map((_, k) => h('td', { class: 'num' }, `${fmtNum(100 * (pca.cumulativeVarianceRatio[k] ?? 0), 1)} %`))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'loadings', 'aria-label': 'PCA loadings' }, h('thead', {}, head), body));
}

/** Pearson and Spearman correlation of each feature and component with the target; p < 0.05 marked. */
export function correlationTable(analysis: NonNullable<PgrDataView['analysis']>): HTMLElement {
  const sig = (p: number | null) => p !== null && p < 0.05;
  const pCell = (p: number | null) => h('td', { class: `num${sig(p) ? ' significant' : ''}` }, fmtP(p), sig(p) ? h('span', { 'aria-hidden': 'true' }, ' *') : undefined, sig(p) ? srOnly(' (significant at 0.05)') : undefined);
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'Variable'),
    h('th', { scope: 'col' }, 'Kind'),
    h('th', { scope: 'col', class: 'num' }, 'n'),
    h('th', { scope: 'col', class: 'num' }, 'Pearson r'),
    h('th', { scope: 'col', class: 'num' }, 'p'),
    h('th', { scope: 'col', class: 'num' }, 'Spearman ρ'),
    h('th', { scope: 'col', class: 'num' }, 'p'),
  );
  const body = h('tbody');
  for (const c of analysis.correlations) {
    body.append(
      h(
        'tr',
        { 'data-variable': c.variable },
        h('th', { scope: 'row' }, c.variable),
        h('td', {}, c.kind),
        h('td', { class: 'num' }, String(c.n)),
        h('td', { class: 'num' }, fmtNum(c.pearson.r, 3)),
        pCell(c.pearson.p),
        h('td', { class: 'num' }, fmtNum(c.spearman.r, 3)),
        pCell(c.spearman.p),
      ),
    );
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'correlations', 'aria-label': `Correlation with ${analysis.target}; * marks p < 0.05` }, h('thead', {}, head), body));
}
