// The virtualised instances grid: one focusable element (role="grid") that scrolls, a sticky
// header, and a body as tall as all rows, in which only the rows in view (plus a small margin)
// exist as elements. Rows have a fixed height, so an index maps to a position without measuring.
// Chromium caps an element's height (~33.5M px); above MAX_BODY_PX the body is clamped and the
// scroll position maps to a row index proportionally instead of 1 px = 1 px.
import type { MetricColumnView, RowView, SortColumn, SortView } from '../../src/protocol/instancesProtocol';
import { h } from '../shared/dom';
import { int, metric, oneLine, STATUS_TEXT, usd } from './format';
import type { RowCache } from './rowCache';

export const ROW_HEIGHT = 28;
const MAX_BODY_PX = 8_000_000;
const OVERSCAN = 8;

interface Column {
  id: string;
  label: string;
  width: string;
  sort?: SortColumn;
  title?: string;
  numeric?: boolean;
  cell(row: RowView): Node | string;
}

export function statusBadge(status: 'valid' | 'failed'): HTMLElement {
  return h('span', { class: `badge ${status}` }, STATUS_TEXT[status]);
}

export interface TableEvents {
  sort(column: SortColumn): void;
  /** A row was clicked (keyboard moves go through the keyboard module). */
  rowClick(index: number): void;
  /** The rows in view changed (scroll, resize, new total). */
  range(first: number, last: number): void;
  /** What to say when the query matches nothing, and whether to offer "Clear filters". */
  empty(): { text: string; clear: boolean };
  clearFilters(): void;
}

export class VirtualTable {
  readonly el: HTMLElement;
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private readonly message: HTMLElement;
  private columns: Column[] = [];
  private rendered = new Map<number, { el: HTMLElement; row: RowView | undefined }>();
  private selectedIndex: number | undefined;
  private selectedSlot: number | undefined;
  private sort: SortView = { column: 'slot', dir: 'asc' };
  private frame = 0;
  private lastRange = '';

  constructor(
    private readonly cache: RowCache,
    private readonly events: TableEvents,
  ) {
    this.head = h('div', { class: 'grid-head', role: 'rowgroup' });
    this.message = h('div', { class: 'grid-message', hidden: true });
    this.body = h('div', { class: 'grid-body', role: 'rowgroup', id: 'grid-body' }, this.message);
    this.el = h('div', { class: 'grid', id: 'grid', role: 'grid', tabindex: 0, 'aria-label': 'Instances', 'aria-rowcount': 1, 'aria-multiselectable': 'false' }, this.head, this.body);
    this.el.addEventListener('scroll', () => this.schedule());
    this.body.addEventListener('click', (e) => {
      const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.row[data-index]');
      if (rowEl) this.events.rowClick(Number(rowEl.dataset.index));
    });
    new ResizeObserver(() => this.schedule()).observe(this.el);
  }

  setColumns(metrics: MetricColumnView[], annotation: boolean): void {
    const cols: Column[] = [
      { id: 'slot', label: 'Slot', width: '4em', sort: 'slot', numeric: true, cell: (r) => String(r.slot) },
      { id: 'status', label: 'Status', width: '6em', sort: 'status', cell: (r) => statusBadge(r.status) },
      { id: 'instruction', label: 'Instruction', width: 'minmax(8em, 2fr)', sort: 'instructionLength', title: 'Sort by length', cell: (r) => (r.reason && !r.instruction ? h('span', { class: 'row-reason' }, `✗ ${oneLine(r.reason)}`) : oneLine(r.instruction)) },
      { id: 'response', label: 'Response', width: 'minmax(8em, 2fr)', sort: 'responseLength', title: 'Sort by length', cell: (r) => oneLine(r.response) },
      ...metrics.map<Column>((m) => ({
        id: `metric:${m.key}`,
        label: m.label,
        title: `${m.key} (${int(m.n)} values, ${int(m.missing)} missing)`,
        width: '5em',
        sort: `metric:${m.key}`,
        numeric: true,
        cell: (r) => metric(r.metrics[m.key]),
      })),
      ...(annotation ? [{ id: 'annotation', label: 'Annotation', width: '8em', cell: (r: RowView) => r.annotation ?? '' }] : []),
      { id: 'attempts', label: 'Attempts', width: '6.2em', sort: 'attempts', numeric: true, cell: (r) => String(r.attempts) },
      { id: 'cost', label: 'Cost', width: '5.5em', sort: 'cost', numeric: true, cell: (r) => usd(r.costUsd) },
    ];
    this.columns = cols;
    // CSSOM, not a style attribute: the CSP allows the former only
    this.el.style.setProperty('--cols', cols.map((c) => c.width).join(' '));
    this.el.setAttribute('aria-colcount', String(cols.length));
    this.renderHead();
    // the rows again at once, with their new cells: waiting for the next frame would show an empty grid for one
    this.clearRows();
    this.renderNow();
  }

  setSort(sort: SortView): void {
    this.sort = sort;
    this.renderHead();
  }

  private renderHead(): void {
    const row = h('div', { class: 'row head', role: 'row', 'aria-rowindex': 1 });
    this.columns.forEach((c, i) => {
      const active = c.sort !== undefined && this.sort.column === c.sort;
      const ariaSort = active ? (this.sort.dir === 'asc' ? 'ascending' : 'descending') : c.sort ? 'none' : undefined;
      const label = h('span', {}, c.label, active ? h('span', { class: 'arrow', 'aria-hidden': 'true' }, this.sort.dir === 'asc' ? ' ▲' : ' ▼') : undefined);
      const content = c.sort
        ? h('button', { type: 'button', class: 'sort', 'data-sort': c.sort, title: c.title ?? `Sort by ${c.label}`, tabindex: -1 }, label)
        : label;
      if (c.sort) {
        const s = c.sort;
        content.addEventListener('click', () => this.events.sort(s));
      }
      row.append(h('div', { class: `cell${c.numeric ? ' num' : ''}`, role: 'columnheader', 'aria-colindex': i + 1, 'aria-sort': ariaSort, 'data-col': c.id }, content));
    });
    this.head.replaceChildren(row);
  }

  // ---- geometry -------------------------------------------------------------------------

  private get total(): number {
    return this.cache.total ?? 0;
  }

  private get viewHeight(): number {
    return Math.max(ROW_HEIGHT, this.el.clientHeight - this.head.offsetHeight);
  }

  /** Rows that fit in the viewport (fractional). */
  get viewRows(): number {
    return this.viewHeight / ROW_HEIGHT;
  }

  private get bodyHeight(): number {
    return Math.min(this.total * ROW_HEIGHT, MAX_BODY_PX);
  }

  /** Scroll pixels per row: ROW_HEIGHT unless the body is clamped. */
  private get pxPerRow(): number {
    const rowsBeyond = this.total - this.viewRows;
    const maxScroll = this.bodyHeight - this.viewHeight;
    return rowsBeyond > 0 && maxScroll > 0 ? maxScroll / rowsBeyond : ROW_HEIGHT;
  }

  /** The (fractional) index of the first row in view. */
  private get firstFloat(): number {
    return this.el.scrollTop / this.pxPerRow;
  }

  visibleRange(): { first: number; last: number } {
    const first = Math.min(Math.floor(this.firstFloat), Math.max(0, this.total - 1));
    const last = Math.min(this.total - 1, Math.ceil(this.firstFloat + this.viewRows) - 1);
    return { first, last: Math.max(first, last) };
  }

  /** Scrolls so that `index` is the first row in view. */
  scrollToIndex(index: number): void {
    this.el.scrollTop = Math.max(0, index) * this.pxPerRow;
    this.renderNow();
  }

  /** Scrolls the least needed to show `index` whole. */
  ensureVisible(index: number): void {
    const first = this.firstFloat;
    const fit = Math.floor(this.viewRows);
    if (index < first) this.scrollToIndex(index);
    else if (index + 1 > first + fit) this.scrollToIndex(index + 1 - fit);
  }

  // ---- rows -----------------------------------------------------------------------------

  select(index: number | undefined, slot: number | undefined): void {
    this.selectedIndex = index;
    this.selectedSlot = slot;
    for (const [i, r] of this.rendered) this.markSelected(r.el, i, r.row);
    this.updateActive();
  }

  /** The rows of the cache changed (new chunk, new total, new query). */
  invalidate(): void {
    this.schedule();
  }

  clearRows(): void {
    for (const r of this.rendered.values()) r.el.remove();
    this.rendered.clear();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderNow();
    });
  }

  renderNow(): void {
    // hidden (the compare view is shown): nothing to measure; the ResizeObserver calls again on return
    if (this.el.clientHeight === 0) return;
    const total = this.total;
    this.el.setAttribute('aria-rowcount', String(total + 1));
    this.body.style.height = `${Math.max(this.bodyHeight, this.cache.total === 0 || this.cache.total === undefined ? this.viewHeight : 0)}px`;
    this.renderMessage();
    if (this.cache.total === undefined && this.rendered.size === 0) {
      void this.cache.ensure(0, Math.ceil(this.viewRows) + OVERSCAN);
      return;
    }
    const { first, last } = this.visibleRange();
    const from = Math.max(0, first - OVERSCAN);
    const to = Math.min(total, last + 1 + OVERSCAN);
    void this.cache.ensure(from, to);
    for (const [i, r] of this.rendered) {
      if (i < from || i >= to) {
        r.el.remove();
        this.rendered.delete(i);
      }
    }
    const top = this.el.scrollTop;
    const firstF = this.firstFloat;
    for (let i = from; i < to; i++) {
      const row = this.cache.row(i);
      let r = this.rendered.get(i);
      if (!r || r.row !== row) {
        const el = this.rowElement(i, row);
        if (r) r.el.replaceWith(el);
        else this.body.append(el);
        r = { el, row };
        this.rendered.set(i, r);
      }
      // CSSOM positioning (allowed by the CSP, unlike style attributes)
      r.el.style.top = `${top + (i - firstF) * ROW_HEIGHT}px`;
    }
    this.updateActive();
    const key = `${first}:${last}:${total}`;
    if (key !== this.lastRange) {
      this.lastRange = key;
      this.events.range(first, last);
    }
  }

  private rowElement(index: number, row: RowView | undefined): HTMLElement {
    const el = h('div', { class: 'row', role: 'row', id: `row-${index}`, 'aria-rowindex': index + 2, 'data-index': index });
    if (!row) {
      el.classList.add('loading');
      el.append(h('div', { class: 'cell', role: 'gridcell', 'aria-colindex': 1 }, '…'));
      return el;
    }
    el.dataset.slot = String(row.slot);
    el.classList.add(row.status);
    this.columns.forEach((c, i) => {
      const v = c.cell(row);
      el.append(h('div', { class: `cell${c.numeric ? ' num' : ''}`, role: 'gridcell', 'aria-colindex': i + 1, 'data-col': c.id, title: typeof v === 'string' && !c.numeric ? v.slice(0, 300) : undefined }, v));
    });
    this.markSelected(el, index, row);
    return el;
  }

  private markSelected(el: HTMLElement, index: number, row: RowView | undefined): void {
    const on = row !== undefined ? row.slot === this.selectedSlot && (this.selectedIndex === undefined || this.selectedIndex === index) : false;
    el.classList.toggle('selected', on);
    el.setAttribute('aria-selected', String(on));
  }

  private updateActive(): void {
    const i = this.selectedIndex;
    if (i !== undefined && this.rendered.has(i)) this.el.setAttribute('aria-activedescendant', `row-${i}`);
    else this.el.removeAttribute('aria-activedescendant');
  }

  /** Loading and empty states live inside the body, under the header. */
  private renderMessage(): void {
    if (this.cache.total === undefined && this.rendered.size === 0) {
      this.message.hidden = false;
      this.message.replaceChildren(h('span', { class: 'muted' }, 'Loading…'));
    } else if (this.cache.total === 0) {
      const { text, clear } = this.events.empty();
      const button = clear ? h('button', { type: 'button', class: 'secondary', id: 'empty-clear' }, 'Clear filters') : undefined;
      button?.addEventListener('click', () => this.events.clearFilters());
      this.message.hidden = false;
      this.message.replaceChildren(h('p', { class: 'empty-text' }, text), button ?? '');
    } else {
      this.message.hidden = true;
      this.message.replaceChildren();
    }
  }
}
