// The compare view: the selected slot in every dataset of the run with this setting, one column
// per generator, each with the same rendering as the detail pane (compact).
import type { CompareResult } from '../../src/protocol/instancesProtocol';
import { h } from '../shared/dom';
import { renderCompact } from './detail';

export function renderCompare(slot: number, res: CompareResult, currentDatasetId: string, raw: boolean): HTMLElement {
  const cols = res.columns.map((c) =>
    h(
      'section',
      { class: `compare-col${c.datasetId === currentDatasetId ? ' current' : ''}`, 'data-dataset': c.datasetId, 'aria-label': c.generator },
      h('h3', { class: 'compare-title' }, c.generator, ' ', h('span', { class: 'muted' }, c.model)),
      ...(c.detail ? renderCompact(c.detail, raw) : [h('p', { class: 'muted' }, `No slot ${slot} in this dataset.`)]),
    ),
  );
  const grid = h('div', { class: 'compare-grid', id: 'compare-grid' }, ...cols);
  // one equal column per generator; CSSOM, as style attributes are blocked by the CSP
  grid.style.setProperty('--compare-cols', String(Math.max(1, cols.length)));
  return grid;
}
