// The panel's controller: owns the layout, the query, the selection and the views, and talks to
// the host through the typed RPC. The pieces it composes (filters, virtual table, detail, compare,
// keyboard) know nothing of each other.
import {
  DEFAULT_QUERY,
  type AnnotateTarget,
  type AnnotationLabel,
  type DatasetView,
  type DetailView,
  type FilterView,
  type HostMessage,
  type InstancesRequests,
  type MetricColumnView,
  type QueryView,
  type RowsResult,
  type RowView,
  type SortColumn,
} from '../../src/protocol/instancesProtocol';
import { h } from '../shared/dom';
import type { Rpc } from '../shared/rpc';
import { renderCompare } from './compare';
import { renderDetail } from './detail';
import { loadMarkdown } from './renderer';
import { FiltersBar } from './filters';
import { int, usd } from './format';
import { attachDetailKeys, attachGlobalKeys, attachGridKeys } from './keyboard';
import { RowCache } from './rowCache';
import { clone, hasFilters, queryKey, type PanelState } from './state';
import { VirtualTable } from './table';

/** At most this many chunks of rows stay cached (20 × 100 = 2,000 rows). */
const MAX_CHUNKS = 20;

export class InstancesPanel {
  private dataset: DatasetView | undefined;
  private siblings: Array<{ datasetId: string; generator: string }> = [];
  private metrics: MetricColumnView[] = [];
  private annotation = false;
  private selectedIndex: number | undefined;
  /** Bumped by every selection, so a late row or detail answer for an older one is ignored. */
  private selectSeq = 0;
  private raw = false;
  private detail: DetailView | undefined;
  private pendingScroll: number | undefined;
  private started = false;

  private readonly cache: RowCache;
  private readonly table: VirtualTable;
  private readonly filters: FiltersBar;
  private readonly shell: HTMLElement;
  private readonly title: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly split: HTMLElement;
  private readonly detailPane: HTMLElement;
  private readonly detailBody: HTMLElement;
  private readonly rawToggle: HTMLInputElement;
  private readonly compareView: HTMLElement;
  private readonly compareBody: HTMLElement;
  private readonly compareButton: HTMLButtonElement;
  private readonly statusLine: HTMLElement;
  private readonly fatal: HTMLElement;

  /** The unfiltered first page the host sent with init, used once. */
  private firstPage: { limit: number; result: RowsResult } | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly rpc: Rpc<InstancesRequests>,
    private readonly state: PanelState,
  ) {
    this.cache = new RowCache(
      (query, offset, limit) => {
        // the first page may have come with init (the host read it while this page loaded)
        const first = this.firstPage;
        this.firstPage = undefined;
        if (first && offset === 0 && limit === first.limit && queryKey(query) === queryKey(DEFAULT_QUERY)) return Promise.resolve(first.result);
        return this.rpc.request('rows', { query, offset, limit });
      },
      100,
      MAX_CHUNKS,
      (rows) => this.rowsArrived(rows),
      (e) => this.showError(e),
    );
    this.table = new VirtualTable(this.cache, {
      sort: (c) => this.sortBy(c),
      rowClick: (i) => void this.selectIndex(i, false),
      range: (first, last) => this.rangeChanged(first, last),
      empty: () => this.emptyText(),
      clearFilters: () => this.setFilter({ status: 'all', metrics: [] }),
    });
    this.filters = new FiltersBar((f) => this.setFilter(f));

    this.title = h('h1', { id: 'title' }, 'Instances');
    this.summary = h('span', { class: 'summary muted', id: 'summary' });

    const jump = h('input', { type: 'number', id: 'jump', min: 0, step: 1, placeholder: 'slot', 'aria-label': 'Jump to slot', class: 'num-input' });
    const go = h('button', { type: 'button', class: 'secondary', id: 'jump-go' }, 'Go');
    const doJump = () => {
      if (jump.value !== '' && Number.isInteger(jump.valueAsNumber)) void this.jumpTo(jump.valueAsNumber);
    };
    go.addEventListener('click', doJump);
    jump.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') doJump();
    });
    this.compareButton = h('button', { type: 'button', id: 'compare-toggle', class: 'secondary', 'aria-pressed': 'false', disabled: true }, 'Compare across generators');
    this.compareButton.addEventListener('click', () => void (this.state.view === 'compare' ? this.showTable() : this.showCompare()));
    const exportButton = h('button', { type: 'button', id: 'export', class: 'secondary' }, 'Export CSV');
    exportButton.addEventListener('click', () => void this.exportCsv());
    // every valid instance this view shows (filters included): the host asks the reason and confirms
    const markAllBad = h('button', { type: 'button', id: 'mark-view-bad', class: 'secondary', title: 'Annotate every valid instance this view shows as bad (asks for the reason)' }, 'Mark view as bad…');
    markAllBad.addEventListener('click', () => void this.annotate('bad', { query: this.state.query }));
    this.notice = h('span', { class: 'notice-line', id: 'notice', role: 'status' });
    const actions = h('div', { class: 'bar actions' }, h('label', { class: 'inline', for: 'jump' }, 'Jump to slot'), jump, go, this.compareButton, exportButton, markAllBad, this.notice);

    this.banner = h('div', { class: 'banner', id: 'banner', role: 'alert', hidden: true });

    this.rawToggle = h('input', { type: 'checkbox', id: 'raw-toggle' });
    this.rawToggle.addEventListener('change', () => {
      this.raw = this.rawToggle.checked;
      this.renderDetailView();
      if (this.state.view === 'compare') void this.showCompare();
    });
    this.detailBody = h('div', { class: 'detail-body', id: 'detail-body' }, h('p', { class: 'muted' }, 'Select a row to see the instance.'));
    this.detailPane = h(
      'section',
      { class: 'detail-pane', id: 'detail', tabindex: -1, 'aria-label': 'Instance detail' },
      h('div', { class: 'detail-tools' }, ...this.annotateButtons(), h('label', { class: 'check' }, this.rawToggle, ' Raw text')),
      this.detailBody,
    );
    attachDetailKeys(this.detailPane, () => this.focusGrid());

    const splitter = h('div', { class: 'splitter', role: 'separator', tabindex: 0, 'aria-orientation': 'vertical', 'aria-label': 'Resize table and detail', 'aria-valuemin': 20, 'aria-valuemax': 80, 'aria-valuenow': 60 });
    this.split = h('div', { class: 'split', id: 'split' }, h('div', { class: 'table-pane' }, this.table.el), splitter, this.detailPane);
    this.attachSplitter(splitter);

    const back = h('button', { type: 'button', id: 'compare-back', class: 'secondary' }, '← Back to table');
    back.addEventListener('click', () => this.showTable());
    this.compareBody = h('div', { class: 'compare-body' });
    this.compareView = h('section', { class: 'compare-view', id: 'compare-view', hidden: true, tabindex: -1, 'aria-label': 'Compare across generators' }, h('div', { class: 'bar' }, back), this.compareBody);
    this.compareView.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.showTable();
    });

    this.statusLine = h('div', { class: 'status-line', id: 'status-line', role: 'status', 'aria-live': 'polite' }, 'Loading…');
    this.shell = h(
      'div',
      { class: 'shell', hidden: true },
      h('header', { class: 'top' }, this.title, this.summary),
      this.filters.el,
      actions,
      this.banner,
      this.split,
      this.compareView,
      this.statusLine,
    );
    this.fatal = h('div', { class: 'fatal', id: 'fatal', role: 'alert', hidden: true });
    this.loading = h('p', { class: 'muted boot' }, 'Loading…');
    // the page's container is a live region; our own status line announces what matters instead
    this.root.removeAttribute('aria-live');
    this.root.replaceChildren(this.loading, this.shell, this.fatal);

    attachGridKeys(this.table.el, {
      current: () => this.selectedIndex,
      total: () => this.cache.total ?? 0,
      pageRows: () => Math.max(1, Math.floor(this.table.viewRows)),
      moveTo: (i) => void this.selectIndex(i, true),
      openDetail: () => this.openDetail(),
    });
    attachGlobalKeys(() => this.filters.focusSearch());
  }

  private readonly loading: HTMLElement;

  // ---- host messages ----------------------------------------------------------------------

  onMessage(m: HostMessage): void {
    switch (m.type) {
      case 'response':
        this.rpc.handle(m);
        return;
      case 'init':
        void this.init(m);
        return;
      case 'datasetChanged':
        this.datasetChanged(m.dataset);
        return;
      case 'reveal':
        void this.reveal(m.slot);
        return;
      case 'setFilter':
        this.setFilter(m.filter);
        return;
      case 'error':
        this.showFatal(m.message);
        return;
    }
  }

  private async init(m: Extract<HostMessage, { type: 'init' }>): Promise<void> {
    this.siblings = m.siblings;
    this.setDataset(m.dataset);
    const restored = this.state.begin(m.resultsDir, m.dataset.id);
    this.cache.chunkSize = Math.max(20, Math.min(500, m.pageSize || 100));
    this.firstPage = m.firstPage ? { limit: this.cache.chunkSize, result: m.firstPage } : undefined;
    this.fatal.hidden = true;
    this.loading.hidden = true;
    this.shell.hidden = false;
    this.started = true;
    // rows and metric columns are asked for at once: the rows show first and gain their metric
    // cells when the columns arrive (a large store's metric keys take longer than a page)
    this.table.setColumns(this.metrics, this.annotation);
    const columns = this.loadColumns();
    const selected = restored ? this.state.selectedSlot : undefined;
    if (selected === undefined && this.state.view === 'compare') this.state.update({ view: 'table' });
    const seq = ++this.selectSeq;
    // also finds the restored selection's row under the restored query
    this.applyQuery(this.state.query, restored ? this.state.scrollIndex : 0);
    if (selected !== undefined) {
      this.table.select(undefined, selected);
      if (this.state.view === 'compare') void this.showCompare();
      else void this.showDetail(selected, seq);
    }
    if (this.state.view === 'table') this.table.el.focus({ preventScroll: true });
    await columns;
    // the rows are on screen: fetch the Markdown renderer before anyone opens a detail
    void loadMarkdown().catch(() => undefined);
  }

  private setDataset(d: DatasetView): void {
    this.dataset = d;
    this.title.textContent = `${d.generator} · ${d.setting}`;
    this.summary.textContent = `${d.model} · ${d.status} · ${int(d.valid)} valid, ${int(d.failed)} failed of ${int(d.target)} · ${usd(d.costUsd)}`;
    this.filters.setCounts(d);
  }

  private async loadColumns(): Promise<void> {
    try {
      const { metrics } = await this.rpc.request('columns', {});
      if (JSON.stringify(metrics) === JSON.stringify(this.metrics) && this.table.el.querySelector('.row.head')) return;
      this.metrics = metrics;
    } catch (e) {
      this.showError(e);
    }
    this.table.setColumns(this.metrics, this.annotation);
    this.filters.setMetrics(this.metrics);
  }

  private datasetChanged(d: DatasetView): void {
    if (!this.started) return;
    this.setDataset(d);
    // new rows may match, counts change: fetch what is in view again, keep scroll and selection
    this.cache.refresh();
    this.table.invalidate();
    void this.loadColumns();
    if (this.state.selectedSlot !== undefined && this.state.view === 'table') void this.showDetail(this.state.selectedSlot, this.selectSeq, true);
  }

  // ---- query --------------------------------------------------------------------------------

  private applyQuery(q: QueryView, scrollIndex = 0): void {
    this.state.update({ query: clone(q), scrollIndex });
    this.filters.setFilter(q.filter);
    this.table.setSort(q.sort);
    this.cache.setQuery(clone(q));
    this.table.clearRows();
    this.selectedIndex = undefined;
    this.table.select(undefined, this.state.selectedSlot);
    this.table.el.scrollTop = 0;
    this.pendingScroll = scrollIndex > 0 ? scrollIndex : undefined;
    this.statusLine.textContent = 'Loading…';
    this.table.invalidate();
    if (this.state.selectedSlot !== undefined) void this.locateSelection();
  }

  private setFilter(f: FilterView): void {
    this.applyQuery({ filter: f, sort: this.state.query.sort });
  }

  private sortBy(column: SortColumn): void {
    const s = this.state.query.sort;
    const dir = s.column === column && s.dir === 'asc' ? 'desc' : 'asc';
    this.applyQuery({ filter: this.state.query.filter, sort: { column, dir } });
  }

  private rowsArrived(rows: RowView[]): void {
    // the annotation column appears once any row has one (annotations are rare and optional)
    if (!this.annotation && rows.some((r) => r.annotation !== undefined)) {
      this.annotation = true;
      this.table.setColumns(this.metrics, true);
    }
    if (this.pendingScroll !== undefined && this.cache.total !== undefined) {
      const to = Math.min(this.pendingScroll, Math.max(0, this.cache.total - 1));
      this.pendingScroll = undefined;
      this.table.renderNow(); // sets the body height, so the scroll position can be reached
      this.table.scrollToIndex(to);
    }
    this.table.invalidate();
    if (this.cache.total === 0) this.statusLine.textContent = this.emptyText().text;
  }

  private emptyText(): { text: string; clear: boolean } {
    const f = this.state.query.filter;
    if (!hasFilters(f)) return { text: 'No instances yet.', clear: false };
    const onlyStatus = !f.text && f.metrics.length === 0 && f.slots === undefined && f.annotation === undefined;
    if (onlyStatus) return { text: f.status === 'failed' ? 'No failed instances.' : 'No valid instances.', clear: true };
    return { text: 'No instance matches these filters.', clear: true };
  }

  private rangeChanged(first: number, last: number): void {
    const total = this.cache.total ?? 0;
    if (total === 0) return;
    const per = Math.max(1, Math.floor(this.table.viewRows));
    const page = Math.floor(first / per) + 1;
    const pages = Math.max(1, Math.ceil(total / per));
    this.statusLine.textContent = `rows ${int(first + 1)}–${int(last + 1)} of ${int(total)} · page ${int(page)} of ${int(pages)}`;
    if (this.pendingScroll === undefined && first !== this.state.scrollIndex) this.state.update({ scrollIndex: first });
  }

  // ---- selection and detail ---------------------------------------------------------------

  /** Selects the row at `index` (fetching it if needed), shows its detail; `scroll` keeps it in view. */
  private async selectIndex(index: number, scroll: boolean): Promise<void> {
    const seq = ++this.selectSeq;
    this.selectedIndex = index;
    if (scroll) this.table.ensureVisible(index);
    const row = this.cache.row(index) ?? (await this.cache.rowAt(index));
    if (seq !== this.selectSeq || !row) return;
    this.state.update({ selectedSlot: row.slot });
    this.table.select(index, row.slot);
    this.compareButton.disabled = this.siblings.length === 0;
    if (this.state.view === 'compare') void this.showCompare();
    else await this.showDetail(row.slot, seq);
  }

  /** Finds the selected slot's row index under the current query (after a query change or restore). */
  private async locateSelection(): Promise<void> {
    const slot = this.state.selectedSlot;
    if (slot === undefined) return;
    const key = queryKey(this.state.query);
    const seq = this.selectSeq;
    try {
      const index = await this.rpc.request('indexOf', { query: this.state.query, slot });
      if (key !== queryKey(this.state.query) || seq !== this.selectSeq || index < 0) return;
      this.selectedIndex = index;
      this.table.select(index, slot);
      this.compareButton.disabled = this.siblings.length === 0;
    } catch (e) {
      this.showError(e);
    }
  }

  private async showDetail(slot: number, seq: number, quiet = false): Promise<void> {
    if (!quiet) {
      this.detailBody.replaceChildren(h('p', { class: 'muted' }, `Loading slot ${slot}…`));
      this.detailPane.scrollTop = 0;
    }
    try {
      const [d] = await Promise.all([this.rpc.request('detail', { slot }), loadMarkdown().catch((e: unknown) => this.showError(e))]);
      if (seq !== this.selectSeq) return;
      this.detail = d ?? undefined;
      if (!d) {
        this.detailBody.replaceChildren(h('p', { class: 'muted' }, `Slot ${slot} is not in this dataset.`));
        return;
      }
      const keep = this.detailPane.scrollTop;
      this.renderDetailView();
      if (quiet) this.detailPane.scrollTop = keep;
    } catch (e) {
      if (seq === this.selectSeq) this.detailBody.replaceChildren(h('p', { class: 'error-text' }, `Could not load slot ${slot}.`));
      this.showError(e);
    }
  }

  private renderDetailView(): void {
    if (!this.detail) return;
    // re-rendering removes the focused element (a <summary>, say): keep focus in the pane, not on <body>
    const hadFocus = this.detailBody.contains(document.activeElement);
    this.detailBody.replaceChildren(...renderDetail(this.detail, { dataset: this.dataset, raw: this.raw }));
    if (hadFocus) this.detailPane.focus({ preventScroll: true });
  }

  private openDetail(): void {
    if (this.state.selectedSlot === undefined) return;
    this.detailPane.focus({ preventScroll: true });
    // stacked layout: the pane may be below the fold
    this.detailPane.scrollIntoView({ block: 'nearest' });
  }

  private focusGrid(): void {
    if (this.selectedIndex !== undefined) this.table.ensureVisible(this.selectedIndex);
    this.table.el.focus({ preventScroll: true });
  }

  private async jumpTo(slot: number): Promise<void> {
    this.notice.textContent = '';
    try {
      const index = await this.rpc.request('indexOf', { query: this.state.query, slot });
      if (index < 0) {
        this.notice.textContent = `slot ${slot} is not in this view`;
        return;
      }
      await this.revealIndex(index);
    } catch (e) {
      this.showError(e);
    }
  }

  private async revealIndex(index: number): Promise<void> {
    // wait for the first answer so the scroll height is known
    if (this.cache.total === undefined) await this.cache.ensure(0, 1);
    this.table.renderNow();
    this.table.scrollToIndex(Math.max(0, index - Math.floor(this.table.viewRows / 3)));
    await this.selectIndex(index, true);
  }

  /** Another panel asks to show a slot: under the current query if it is there, else unfiltered. */
  private async reveal(slot: number): Promise<void> {
    if (!this.started) return;
    try {
      let index = await this.rpc.request('indexOf', { query: this.state.query, slot });
      if (index < 0 && queryKey(this.state.query) !== queryKey(DEFAULT_QUERY)) {
        this.applyQuery(clone(DEFAULT_QUERY));
        index = await this.rpc.request('indexOf', { query: this.state.query, slot });
      }
      if (index < 0) {
        this.notice.textContent = `slot ${slot} is not in this dataset`;
        return;
      }
      if (this.state.view === 'compare') this.showTable();
      await this.revealIndex(index);
    } catch (e) {
      this.showError(e);
    }
  }

  // ---- compare, export ------------------------------------------------------------------------

  private async showCompare(): Promise<void> {
    const slot = this.state.selectedSlot;
    if (slot === undefined) return;
    this.state.update({ view: 'compare' });
    this.split.hidden = true;
    this.compareView.hidden = false;
    this.compareButton.setAttribute('aria-pressed', 'true');
    this.compareButton.disabled = false;
    // keyboard users land in the view (Escape there goes back)
    if (!this.compareView.contains(document.activeElement) && document.activeElement !== this.compareButton) this.compareView.focus({ preventScroll: true });
    this.compareBody.replaceChildren(h('p', { class: 'muted' }, `Loading slot ${slot} across generators…`));
    const seq = this.selectSeq;
    try {
      const [res] = await Promise.all([this.rpc.request('compare', { slot }), loadMarkdown().catch((e: unknown) => this.showError(e))]);
      if (seq !== this.selectSeq || this.state.view !== 'compare') return;
      this.compareBody.replaceChildren(h('h2', {}, `Slot ${slot} across generators`), renderCompare(slot, res, this.dataset?.id ?? '', this.raw));
    } catch (e) {
      this.compareBody.replaceChildren();
      this.showError(e);
    }
  }

  private showTable(): void {
    this.state.update({ view: 'table' });
    this.compareView.hidden = true;
    this.split.hidden = false;
    this.compareButton.setAttribute('aria-pressed', 'false');
    if (this.state.selectedSlot !== undefined) void this.showDetail(this.state.selectedSlot, this.selectSeq);
    this.focusGrid();
  }

  /** Mark bad / good / clear for the selected slot (shown above its detail). */
  private annotateButtons(): HTMLElement[] {
    const make = (label: AnnotationLabel, text: string, title: string) => {
      const b = h('button', { type: 'button', class: 'secondary', id: `annotate-${label}`, title }, text);
      b.addEventListener('click', () => {
        const slot = this.state.selectedSlot;
        if (slot !== undefined) void this.annotate(label, { slots: [slot] });
      });
      return b;
    };
    return [make('bad', 'Mark bad…', 'Annotate this instance as bad (asks for the reason)'), make('good', 'Mark good', 'Annotate this instance as good'), make('clear', 'Clear', 'Clear its annotation')];
  }

  private async annotate(label: AnnotationLabel, target: AnnotateTarget): Promise<void> {
    this.notice.textContent = '';
    try {
      const res = await this.rpc.request('annotate', { label, target });
      // the host's watcher then sends datasetChanged, which refreshes the rows and their annotation column
      if (res) this.notice.textContent = `Annotated ${int(res.annotated)} instance${res.annotated === 1 ? '' : 's'} ${label === 'clear' ? '(cleared)' : `as ${label}`}`;
    } catch (e) {
      this.showError(e);
    }
  }

  private async exportCsv(): Promise<void> {
    this.notice.textContent = '';
    try {
      const res = await this.rpc.request('exportCsv', { query: this.state.query });
      if (res) this.notice.textContent = `Saved ${int(res.rows)} rows to ${res.file}`;
    } catch (e) {
      this.showError(e);
    }
  }

  // ---- errors, layout -------------------------------------------------------------------------

  private showError(e: unknown): void {
    const text = e instanceof Error ? e.message : String(e);
    const dismiss = h('button', { type: 'button', class: 'link-button', 'aria-label': 'Dismiss error' }, 'Dismiss');
    dismiss.addEventListener('click', () => {
      this.banner.hidden = true;
      this.banner.replaceChildren();
    });
    this.banner.replaceChildren(h('span', {}, text), dismiss);
    this.banner.hidden = false;
  }

  private showFatal(message: string): void {
    this.shell.hidden = true;
    this.loading.hidden = true;
    this.fatal.replaceChildren(h('h2', {}, 'This dataset cannot be shown'), h('p', {}, message));
    this.fatal.hidden = false;
  }

  /** Drag (or arrow keys) moves the split between table and detail; a CSS variable set through CSSOM. */
  private attachSplitter(splitter: HTMLElement): void {
    let pct = 60;
    const apply = () => {
      pct = Math.max(20, Math.min(80, pct));
      this.split.style.setProperty('--split', `${pct}%`);
      splitter.setAttribute('aria-valuenow', String(Math.round(pct)));
    };
    splitter.addEventListener('pointerdown', (e) => {
      splitter.setPointerCapture(e.pointerId);
      const move = (ev: PointerEvent) => {
        const r = this.split.getBoundingClientRect();
        pct = ((ev.clientX - r.left) / r.width) * 100;
        apply();
      };
      const up = () => {
        splitter.removeEventListener('pointermove', move);
        splitter.removeEventListener('pointerup', up);
      };
      splitter.addEventListener('pointermove', move);
      splitter.addEventListener('pointerup', up);
    });
    splitter.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowLeft') pct -= 5;
      else if (e.key === 'ArrowRight') pct += 5;
      else return;
      e.preventDefault();
      apply();
    });
  }
}
