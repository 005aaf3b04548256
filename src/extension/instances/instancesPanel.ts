// Host controller of one Instances panel: answers the webview's typed requests from a
// DatasetPager and tells it when the store changed on disk.
import * as vscode from 'vscode';
import { errorMessage } from '../../core';
import { parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../protocol/instancesProtocol';
import { renderWebview } from '../webview/webviewPanelHtml';
import type { DatasetPager } from './datasetPager';
import { StoreWatcher } from './storeWatcher';

export const INSTANCES_VIEW_TYPE = 'agorabench.instances';
export const PAGE_SIZE = 50;

export class InstancesPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  private watcher: StoreWatcher | undefined;
  private isDisposed = false;
  /** Fires once, when the panel closes. */
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly pager: DatasetPager,
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
    void this.watch();
  }

  get datasetId(): string {
    return this.pager.datasetId;
  }

  get resultsDir(): string {
    return this.pager.resultsDir;
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
    switch (msg.type) {
      case 'ready': {
        const dataset = await this.pager.dataset();
        this.panel.title = `Instances: ${dataset.generator} · ${dataset.setting}`;
        await this.post({ type: 'init', dataset, resultsDir: this.resultsDir, pageSize: PAGE_SIZE });
        break;
      }
      case 'request':
        await this.post({ type: 'response', id: msg.id, method: msg.method, ok: true, result: await this.pager.page(msg.params) });
        break;
    }
  }

  private async rejectMalformed(raw: unknown): Promise<void> {
    this.log.warn('instances panel: ignored a malformed message from the webview');
    const r = raw as { type?: unknown; id?: unknown };
    if (r && r.type === 'request' && typeof r.id === 'number') {
      await this.post({ type: 'response', id: r.id, method: 'page', ok: false, error: 'malformed request' });
    }
  }

  private async watch(): Promise<void> {
    try {
      const rel = await this.pager.storeRelDir();
      if (this.isDisposed) return;
      this.watcher = new StoreWatcher(this.resultsDir, rel, () => void this.refresh());
    } catch (e) {
      this.log.warn(`instances panel: not watching ${this.datasetId}: ${errorMessage(e)}`);
    }
  }

  /** The store changed: read a fresh snapshot and let a visible webview reload its page. */
  private async refresh(): Promise<void> {
    try {
      await this.pager.invalidate();
      // a hidden webview is torn down and says `ready` again when shown, so it needs no message
      if (this.isDisposed || !this.panel.visible) return;
      await this.post({ type: 'datasetChanged', dataset: await this.pager.dataset() });
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
    void this.pager.dispose();
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
