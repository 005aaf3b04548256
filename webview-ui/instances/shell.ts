// The panel's fixed layout (header, toolbar, table, detail) and its render from a view model.
import type { DatasetView, PageResult, StatusFilter } from '../../src/protocol/instancesProtocol';
import { isStatusFilter } from '../../src/protocol/instancesProtocol';
import { detailView } from './detail';
import { byId, h } from './dom';
import { count, usd } from './format';
import { COLUMNS, tableRow } from './table';

export interface ViewModel {
  dataset: DatasetView | undefined;
  filter: StatusFilter;
  page: PageResult | undefined;
  selectedSlot: number | undefined;
  loading: boolean;
  error: string | undefined;
}

export interface ViewHandlers {
  onFilter(filter: StatusFilter): void;
  onPrevious(): void;
  onNext(): void;
  onSelect(slot: number): void;
}

interface Disableable extends HTMLElement {
  disabled: boolean;
}

export class Shell {
  private readonly title: HTMLElement;
  private readonly counts: HTMLElement;
  private readonly filter: HTMLElement & { value: string };
  private readonly prev: Disableable;
  private readonly next: Disableable;
  private readonly rangeInfo: HTMLElement;
  private readonly message: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly detail: HTMLElement;

  constructor(root: HTMLElement, handlers: ViewHandlers) {
    root.replaceChildren(
      h('header', {}, h('h1', { id: 'title' }, 'Instances'), h('div', { id: 'counts', class: 'counts' })),
      h(
        'div',
        { class: 'toolbar', role: 'toolbar' },
        h('label', { for: 'filter' }, 'Status'),
        h(
          'vscode-single-select',
          { id: 'filter', 'aria-label': 'Status filter' },
          h('vscode-option', { value: 'all' }, 'All'),
          h('vscode-option', { value: 'valid' }, 'Valid'),
          h('vscode-option', { value: 'failed' }, 'Failed'),
        ),
        h('vscode-button', { id: 'prev', secondary: true, 'aria-label': 'Previous page' }, 'Previous'),
        h('vscode-button', { id: 'next', 'aria-label': 'Next page' }, 'Next'),
        h('span', { id: 'range', class: 'range' }),
      ),
      h('div', { id: 'message', class: 'message', role: 'status' }),
      h('div', { class: 'table-wrap' }, h('table', { id: 'rows' }, h('thead', {}, h('tr', {}, ...COLUMNS.map((c) => h('th', { scope: 'col' }, c)))), h('tbody'))),
      h('div', { id: 'detail' }),
    );
    this.title = byId('title');
    this.counts = byId('counts');
    this.filter = byId('filter');
    this.prev = byId('prev');
    this.next = byId('next');
    this.rangeInfo = byId('range');
    this.message = byId('message');
    this.detail = byId('detail');
    const body = byId('rows').querySelector('tbody');
    if (!body) throw new Error('table body is missing');
    this.body = body;

    this.filter.addEventListener('change', () => {
      if (isStatusFilter(this.filter.value)) handlers.onFilter(this.filter.value);
    });
    this.prev.addEventListener('click', () => !this.prev.disabled && handlers.onPrevious());
    this.next.addEventListener('click', () => !this.next.disabled && handlers.onNext());
    const slotOf = (e: Event) => Number((e.target as HTMLElement).closest('tr')?.dataset.slot ?? NaN);
    this.body.addEventListener('click', (e) => {
      const slot = slotOf(e);
      if (Number.isInteger(slot)) handlers.onSelect(slot);
    });
    this.body.addEventListener('keydown', (e) => {
      const row = (e.target as HTMLElement).closest('tr');
      if (!row) return;
      if (e.key === 'Enter' || e.key === ' ') handlers.onSelect(slotOf(e));
      const to = e.key === 'ArrowDown' ? row.nextElementSibling : e.key === 'ArrowUp' ? row.previousElementSibling : null;
      if (to instanceof HTMLElement) {
        e.preventDefault();
        to.focus();
      }
    });
  }

  render(vm: ViewModel): void {
    const d = vm.dataset;
    this.title.textContent = d ? `${d.generator} · ${d.setting}` : 'Instances';
    this.counts.replaceChildren(
      ...(d
        ? [
            h('span', {}, `${d.run} · ${d.model} · ${d.status}`),
            h('vscode-badge', { title: 'valid' }, `${count(d.valid)} valid`),
            h('vscode-badge', { title: 'failed' }, `${count(d.failed)} failed`),
            h('span', {}, `of ${count(d.target)} · ${usd(d.costUsd)}`),
          ]
        : []),
    );
    if (this.filter.value !== vm.filter) this.filter.value = vm.filter;
    const rows = vm.page?.rows ?? [];
    this.prev.disabled = vm.loading || !vm.page?.hasPrevious;
    this.next.disabled = vm.loading || !vm.page?.hasNext;
    const first = rows[0];
    const last = rows[rows.length - 1];
    this.rangeInfo.textContent = first && last ? `slots ${first.slot}–${last.slot}` : '';
    this.message.textContent = vm.error ?? (vm.loading && !vm.page ? 'Loading…' : vm.page && !rows.length ? emptyText(vm.filter) : '');
    this.message.classList.toggle('error', vm.error !== undefined);
    this.body.replaceChildren(...rows.map((r) => tableRow(r, r.slot === vm.selectedSlot)));
    const selected = rows.find((r) => r.slot === vm.selectedSlot);
    this.detail.replaceChildren(...(selected ? [detailView(selected)] : []));
  }
}

function emptyText(filter: StatusFilter): string {
  return filter === 'all' ? 'No instances yet.' : `No ${filter} instances.`;
}
