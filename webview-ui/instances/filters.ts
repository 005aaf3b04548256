// The filter toolbar: status (with the dataset's counts), debounced full-text search, metric
// ranges, and the list of active filters as removable chips. It only edits a FilterView and
// hands it to `change`; the host does the filtering.
import type { DatasetView, FilterView, MetricColumnView, MetricRange, StatusFilter } from '../../src/protocol/instancesProtocol';
import { h } from '../shared/dom';
import { int, metric } from './format';
import { clone, emptyFilter, hasFilters } from './state';

export const SEARCH_DEBOUNCE_MS = 250;

export class FiltersBar {
  readonly el: HTMLElement;
  private filter: FilterView = emptyFilter();
  private metrics: MetricColumnView[] = [];
  private readonly statusButtons = new Map<StatusFilter, HTMLButtonElement>();
  private readonly search: HTMLInputElement;
  private readonly metricRow: HTMLElement;
  private readonly metricSelect: HTMLSelectElement;
  private readonly min: HTMLInputElement;
  private readonly max: HTMLInputElement;
  private readonly missing: HTMLInputElement;
  private readonly chips: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly change: (f: FilterView) => void) {
    const status = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Status' });
    for (const s of ['all', 'valid', 'failed'] as const) {
      const b = h('button', { type: 'button', class: 'seg', 'data-status': s, 'aria-pressed': 'false' }, s);
      b.addEventListener('click', () => this.emit({ ...this.filter, status: s }));
      this.statusButtons.set(s, b);
      status.append(b);
    }
    this.search = h('input', { type: 'search', id: 'search', placeholder: 'Search text  ( / )', 'aria-label': 'Search instruction, response and reasons', maxlength: 500 });
    this.search.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.emitText(), SEARCH_DEBOUNCE_MS);
    });
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.emitText();
    });

    this.metricSelect = h('select', { id: 'metric-key', 'aria-label': 'Metric' });
    this.min = h('input', { type: 'number', id: 'metric-min', step: 'any', placeholder: 'min', 'aria-label': 'Minimum value', class: 'num-input' });
    this.max = h('input', { type: 'number', id: 'metric-max', step: 'any', placeholder: 'max', 'aria-label': 'Maximum value', class: 'num-input' });
    this.missing = h('input', { type: 'checkbox', id: 'metric-missing' });
    const add = h('button', { type: 'button', id: 'metric-add', class: 'secondary' }, 'Add range');
    add.addEventListener('click', () => this.addRange());
    this.metricRow = h(
      'div',
      { class: 'bar metric-bar', role: 'group', 'aria-label': 'Metric range filter' },
      this.metricSelect,
      this.min,
      this.max,
      h('label', { class: 'check' }, this.missing, ' missing only'),
      add,
    );
    this.metricRow.hidden = true;
    this.chips = h('div', { class: 'chips', id: 'active-filters', 'aria-label': 'Active filters' });

    this.el = h('div', { class: 'filters' }, h('div', { class: 'bar' }, status, this.search), this.metricRow, this.chips);
  }

  focusSearch(): void {
    this.search.focus();
    this.search.select();
  }

  setCounts(d: DatasetView): void {
    const n: Record<StatusFilter, number> = { all: d.valid + d.failed, valid: d.valid, failed: d.failed };
    for (const [s, b] of this.statusButtons) b.textContent = `${s === 'all' ? 'All' : s === 'valid' ? '✓ Valid' : '✗ Failed'} (${int(n[s])})`;
  }

  setMetrics(metrics: MetricColumnView[]): void {
    this.metrics = metrics;
    const current = this.metricSelect.value;
    this.metricSelect.replaceChildren(...metrics.map((m) => h('option', { value: m.key }, m.label)));
    if (metrics.some((m) => m.key === current)) this.metricSelect.value = current;
    this.metricRow.hidden = metrics.length === 0;
    this.renderChips();
  }

  /** Shows a filter that came from elsewhere (saved state, the host's setFilter). */
  setFilter(f: FilterView): void {
    this.filter = clone(f);
    if (document.activeElement !== this.search) this.search.value = f.text ?? '';
    for (const [s, b] of this.statusButtons) b.setAttribute('aria-pressed', String(s === f.status));
    this.renderChips();
  }

  private emit(f: FilterView): void {
    clearTimeout(this.timer);
    this.setFilter(f);
    this.change(clone(f));
  }

  private emitText(): void {
    clearTimeout(this.timer);
    const text = this.search.value.trim();
    if ((this.filter.text ?? '') === text) return;
    const { text: _old, ...rest } = this.filter;
    this.emit(text ? { ...rest, text } : rest);
  }

  private addRange(): void {
    const key = this.metricSelect.value;
    if (!key) return;
    const range: MetricRange = { key };
    if (this.missing.checked) range.missing = true;
    else {
      if (this.min.value !== '' && Number.isFinite(this.min.valueAsNumber)) range.min = this.min.valueAsNumber;
      if (this.max.value !== '' && Number.isFinite(this.max.valueAsNumber)) range.max = this.max.valueAsNumber;
      if (range.min === undefined && range.max === undefined) return;
    }
    this.emit({ ...this.filter, metrics: [...this.filter.metrics.filter((m) => m.key !== key), range] });
  }

  private label(key: string): string {
    return this.metrics.find((m) => m.key === key)?.label ?? key;
  }

  private renderChips(): void {
    const f = this.filter;
    const chips: Array<[string, () => FilterView]> = [];
    if (f.status !== 'all') chips.push([`status: ${f.status}`, () => ({ ...f, status: 'all' })]);
    if (f.text) chips.push([`text: “${f.text}”`, () => ({ ...f, text: undefined })]);
    for (const m of f.metrics) {
      const what = m.missing ? 'missing' : [m.min !== undefined ? `≥ ${metric(m.min)}` : '', m.max !== undefined ? `≤ ${metric(m.max)}` : ''].filter(Boolean).join(' ');
      chips.push([`${this.label(m.key)} ${what}`, () => ({ ...f, metrics: f.metrics.filter((x) => x !== m) })]);
    }
    if (f.slots) chips.push([`${int(f.slots.length)} selected slots`, () => ({ ...f, slots: undefined })]);
    if (f.annotation !== undefined) chips.push([`annotation: ${f.annotation || '(none)'}`, () => ({ ...f, annotation: undefined })]);
    const els = chips.map(([text, without]) => {
      const remove = h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove filter ${text}`, title: 'Remove' }, '×');
      remove.addEventListener('click', () => this.emit(stripUndefined(without())));
      return h('span', { class: 'chip' }, text, remove);
    });
    if (hasFilters(f)) {
      const clear = h('button', { type: 'button', class: 'link-button', id: 'clear-filters' }, 'Clear filters');
      clear.addEventListener('click', () => this.emit(emptyFilter()));
      els.push(clear);
    }
    this.chips.replaceChildren(...els);
    this.chips.hidden = els.length === 0;
  }
}

function stripUndefined(f: FilterView): FilterView {
  return JSON.parse(JSON.stringify(f)) as FilterView;
}
