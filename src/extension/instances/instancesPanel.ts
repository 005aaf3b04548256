// Host controller of one Instances panel: answers the webview's typed requests from a
// DatasetSource (the browse worker), tells it when the store changed on disk, and forwards what
// other panels ask it to show (a slot, a selection).
import * as vscode from 'vscode';
import { errorMessage } from '../../core';
import { DEFAULT_QUERY, MAX_SELECTED_SLOTS, parseWebviewMessage, type AnnotateTarget, type AnnotationLabel, type FilterView, type HostMessage, type InstancesRequests, type RequestMethod, type RowsResult, type WebviewMessage } from '../../protocol/instancesProtocol';
import { renderWebview } from '../webview/webviewPanelHtml';
import type { DatasetSource } from './datasetSource';
import { StoreWatcher, refreshDelayMs } from './storeWatcher';

export const INSTANCES_VIEW_TYPE = 'agorabench.instances';
/** Rows the webview asks for at a time. */
export const PAGE_SIZE = 200;
/** How long `init` waits for the prefetched first page before going without it. */
const FIRST_PAGE_WAIT_MS = 300;
const sleep = (ms: number) => new Promise<undefined>((r) => setTimeout(() => r(undefined), ms));

export class InstancesPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  private watcher: StoreWatcher | undefined;
  /** The store was dropped for a refresh: the next rows query reads it again (and tells what that costs). */
  private reloading = false;
  private isDisposed = false;
  private ready = false;
  /** The first page, read while the webview loads (used by the first `init` only). */
  private prefetch: Promise<RowsResult | undefined> | undefined;
  /** Messages for a webview that has not said `ready` yet (a reveal right after opening). */
  private queued: HostMessage[] = [];
  /** Fires once, when the panel closes. */
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly source: DatasetSource,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'instances.svg');
    this.disposables.push(
      this.disposed,
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    renderWebview(panel.webview, extensionUri, 'instances', panel.title);
    // open the store in the worker while the webview loads: the first page goes with `init`
    this.prefetch = this.source.rows(DEFAULT_QUERY, 0, PAGE_SIZE).catch(() => undefined);
    void this.watch();
  }

  get datasetId(): string {
    return this.source.datasetId;
  }

  get resultsDir(): string {
    return this.source.resultsDir;
  }

  /** Selects a slot and shows its detail (a click in the scatter panel). */
  reveal(slot: number): void {
    this.send({ type: 'reveal', slot });
  }

  /** Replaces the filter (a box-selection in the scatter panel). */
  setFilter(filter: FilterView): void {
    this.send({ type: 'setFilter', filter });
  }

  private send(m: HostMessage): void {
    if (this.ready) void this.post(m);
    else this.queued.push(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) return this.rejectMalformed(raw);
    try {
      await this.handle(msg);
    } catch (e) {
      this.log.error(`instances panel (${this.datasetId}): ${errorMessage(e)}`);
      if (msg.type === 'request') await this.post({ type: 'response', id: msg.id, method: msg.method, ok: false, error: errorMessage(e) });
      else await this.post({ type: 'error', message: errorMessage(e) });
    }
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    if (msg.type === 'ready') {
      // the prefetched first page, if it is there within a moment (a huge store is not waited for)
      const prefetch = this.prefetch;
      this.prefetch = undefined;
      const [dataset, siblings, firstPage] = await Promise.all([this.source.dataset(), this.source.siblings(), prefetch ? Promise.race([prefetch, sleep(FIRST_PAGE_WAIT_MS)]) : undefined]);
      this.panel.title = `Instances: ${dataset.generator} · ${dataset.setting}`;
      await this.post({ type: 'init', dataset, resultsDir: this.resultsDir, pageSize: PAGE_SIZE, siblings: siblings.map((s) => ({ datasetId: s.id, generator: s.generator })), ...(firstPage ? { firstPage } : {}) });
      this.ready = true;
      const queued = this.queued;
      this.queued = [];
      for (const m of queued) await this.post(m);
      return;
    }
    const result = await this.answer(msg);
    await this.post({ type: 'response', id: msg.id, method: msg.method, ok: true, result } as HostMessage);
  }

  private async answer(msg: Extract<WebviewMessage, { type: 'request' }>): Promise<InstancesRequests[RequestMethod]['result']> {
    switch (msg.method) {
      case 'rows': {
        const t0 = Date.now();
        const rows = await this.source.rows(msg.params.query, msg.params.offset, msg.params.limit);
        // the first query after a refresh read the store again: pace the next refreshes by what that cost
        if (this.reloading) {
          this.reloading = false;
          this.watcher?.setDelay(refreshDelayMs(Date.now() - t0));
        }
        return rows;
      }
      case 'detail':
        return this.source.detail(msg.params.slot);
      case 'indexOf':
        return this.source.indexOf(msg.params.query, msg.params.slot);
      case 'columns':
        return { metrics: await this.source.columns() };
      case 'compare':
        return this.source.compare(msg.params.slot);
      case 'annotate':
        return this.annotate(msg.params.label, msg.params.target);
      case 'exportCsv': {
        const target = await vscode.window.showSaveDialog({
          title: 'Export instances as CSV',
          defaultUri: vscode.Uri.file(`${this.resultsDir}/${this.datasetId.replace(/[^\w.-]+/g, '_')}.csv`),
          filters: { CSV: ['csv'] },
        });
        if (!target) return null;
        const rows = await this.source.exportCsv(msg.params.query, target.fsPath);
        this.log.info(`instances panel: wrote ${rows} rows of ${this.datasetId} to ${target.fsPath}`);
        return { file: target.fsPath, rows };
      }
    }
  }

  /**
   * Annotates the selected slot or every valid instance the query keeps, through the editor's
   * annotation commands (they ask for the reason and write annotations.jsonl); the watcher then
   * refreshes the table. A bulk action asks for confirmation first.
   */
  private async annotate(label: AnnotationLabel, target: AnnotateTarget): Promise<{ annotated: number } | null> {
    // failed instances have no content to judge: a query's bulk action covers its valid ones
    const slots = 'slots' in target ? target.slots : target.query.filter.status === 'failed' ? [] : await this.source.slots({ ...target.query, filter: { ...target.query.filter, status: 'valid' } }, MAX_SELECTED_SLOTS);
    if (!slots.length) {
      void vscode.window.showInformationMessage('AgoraBench: no valid instance to annotate in this view (failed ones have no content).');
      return null;
    }
    if (slots.length > 1) {
      const verb = label === 'clear' ? 'Clear the annotations of' : `Mark ${label === 'bad' ? 'as bad' : 'as good'}`;
      const ok = await vscode.window.showWarningMessage(`${verb} ${slots.length.toLocaleString('en-US')} instances of ${this.datasetId}?`, { modal: true }, 'Annotate');
      if (ok !== 'Annotate') return null;
    }
    const command = label === 'bad' ? 'agorabench.markBad' : label === 'good' ? 'agorabench.markGood' : 'agorabench.clearAnnotation';
    const written = await vscode.commands.executeCommand<unknown[] | undefined>(command, { resultsDir: this.resultsDir, datasetId: this.datasetId, slots });
    if (!written) return null;
    await this.source.annotationsChanged();
    return { annotated: written.length };
  }

  private async rejectMalformed(raw: unknown): Promise<void> {
    this.log.warn('instances panel: ignored a malformed message from the webview');
    const r = raw as { type?: unknown; id?: unknown; method?: unknown };
    if (r && r.type === 'request' && typeof r.id === 'number') {
      await this.post({ type: 'response', id: r.id, method: 'rows', ok: false, error: 'malformed request' });
    }
  }

  private async watch(): Promise<void> {
    try {
      const rel = await this.source.storeRelDir();
      if (this.isDisposed) return;
      this.watcher = new StoreWatcher(this.resultsDir, rel, (annotationsOnly) => void this.refresh(annotationsOnly), 1000);
    } catch (e) {
      this.log.warn(`instances panel: not watching ${this.datasetId}: ${errorMessage(e)}`);
    }
  }

  /** A job's phase changed (Cancel was asked for, or the job ended): show the dataset's status again. */
  async statusChanged(): Promise<void> {
    if (this.isDisposed || !this.panel.visible || !this.ready) return;
    await this.post({ type: 'datasetChanged', dataset: await this.source.dataset() }).catch(() => undefined);
  }

  /** The store changed: drop the snapshot (or re-read only the annotations) and let a visible webview re-query what it shows. */
  private async refresh(annotationsOnly = false): Promise<void> {
    try {
      if (annotationsOnly) await this.source.annotationsChanged();
      else {
        await this.source.invalidate();
        this.reloading = true;
      }
      // a hidden webview is torn down and says `ready` again when shown, so it needs no message
      if (this.isDisposed || !this.panel.visible || !this.ready) return;
      await this.post({ type: 'datasetChanged', dataset: await this.source.dataset() });
    } catch (e) {
      this.log.warn(`instances panel: refresh of ${this.datasetId} failed: ${errorMessage(e)}`);
    }
  }

  private async post(m: HostMessage): Promise<void> {
    if (!this.isDisposed) await this.panel.webview.postMessage(m);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
    this.watcher?.dispose();
    void this.source.invalidate().catch(() => undefined);
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
