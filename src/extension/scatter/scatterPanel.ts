// Host controller of one Metric Scatter panel: answers the webview's typed requests from a
// ScatterDataSource, saves exports, opens the Instances panel for clicks and selections, and
// tells the webview when the results folder changed.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core';
import {
  PNG_DATA_URL_PREFIX,
  parseWebviewMessage,
  type HostMessage,
  type RequestMessage,
  type SelectionPart,
  type WebviewMessage,
} from '../../protocol/scatterProtocol';
import { renderWebview } from '../webview/webviewPanelHtml';
import { ResultsWatcher } from './resultsWatcher';
import { pointsToCsv, type ScatterDataSource } from './scatterData';

export const SCATTER_VIEW_TYPE = 'agorabench.scatter';
const OPEN_INSTANCES = 'agorabench.openInstances';

export class ScatterPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  private readonly watcher: ResultsWatcher;
  private isDisposed = false;
  /** Reads (axes, points) being answered; a change seen meanwhile is told once they are done. */
  private reading = 0;
  private changedWhileReading = false;
  /** Fires once, when the panel closes. */
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly data: ScatterDataSource,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    panel.title = titleOf(data.run);
    this.disposables.push(
      this.disposed,
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    renderWebview(panel.webview, extensionUri, 'scatter', panel.title);
    this.watcher = new ResultsWatcher(data.resultsDir, () => void this.refresh());
  }

  get resultsDir(): string {
    return this.data.resultsDir;
  }

  get run(): string {
    return this.data.run;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) return this.rejectMalformed(raw);
    try {
      await this.handle(msg);
    } catch (e) {
      this.log.error(`scatter panel (${this.resultsDir} ${this.run}): ${errorMessage(e)}`);
      if (msg.type === 'request') await this.post({ type: 'response', id: msg.id, method: msg.method, ok: false, error: errorMessage(e) });
      else await this.post({ type: 'error', message: errorMessage(e) });
    }
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    if (msg.type === 'ready') return this.post({ type: 'init', resultsDir: this.resultsDir, run: this.run });
    await this.post({ type: 'response', id: msg.id, method: msg.method, ok: true, result: await this.answer(msg) } as HostMessage);
  }

  private async answer(msg: RequestMessage): Promise<unknown> {
    switch (msg.method) {
      case 'axes':
        return this.read(() => this.data.axes());
      case 'points':
        return this.read(() => this.data.points(msg.params));
      case 'exportCsv': {
        const target = await this.saveTarget(`scatter-${slug(msg.params.x)}-vs-${slug(msg.params.y)}.csv`, { CSV: ['csv'] });
        if (!target) return null;
        const { csv, rows } = pointsToCsv(await this.data.points(msg.params));
        await vscode.workspace.fs.writeFile(target, Buffer.from(csv, 'utf8'));
        return { file: target.fsPath, rows };
      }
      case 'exportPng': {
        const bytes = Buffer.from(msg.params.dataUrl.slice(PNG_DATA_URL_PREFIX.length), 'base64');
        if (!isPng(bytes)) throw new Error('not a PNG image');
        const target = await this.saveTarget('scatter.png', { PNG: ['png'] });
        if (!target) return null;
        await vscode.workspace.fs.writeFile(target, bytes);
        return { file: target.fsPath };
      }
      case 'reveal': {
        const { datasetId, slot } = msg.params;
        const opened = await vscode.commands.executeCommand(OPEN_INSTANCES, { resultsDir: this.resultsDir, datasetId, ...(slot !== undefined ? { reveal: slot } : {}) });
        return { opened: opened !== undefined };
      }
      case 'showSelection':
        return { opened: await this.showSelection(msg.params.parts) };
      case 'markSelectionBad': {
        // the editor's annotation command asks for the reason once for every dataset of the selection
        const written = await vscode.commands.executeCommand<unknown[] | undefined>('agorabench.markBad', { resultsDir: this.resultsDir, datasetId: msg.params.parts[0]?.datasetId ?? '', parts: msg.params.parts });
        return written ? { annotated: written.length } : null;
      }
    }
  }

  /**
   * One Instances panel per dataset of the selection, filtered to its slots. A selection that spans
   * several datasets asks which ones (all picked by default), so a wide box does not open many
   * panels unasked.
   */
  private async showSelection(parts: SelectionPart[]): Promise<number> {
    let chosen = parts;
    if (parts.length > 1) {
      const picked = await vscode.window.showQuickPick(
        parts.map((p) => ({ label: p.datasetId, description: `${p.slots.length} selected`, picked: true, part: p })),
        { canPickMany: true, placeHolder: 'The selection spans several datasets: open which in Instances?' },
      );
      if (!picked) return 0;
      chosen = picked.map((p) => p.part);
    }
    let opened = 0;
    for (const p of chosen) {
      const r = await vscode.commands.executeCommand(OPEN_INSTANCES, { resultsDir: this.resultsDir, datasetId: p.datasetId, filter: { status: 'all', metrics: [], slots: p.slots } });
      if (r !== undefined) opened++;
    }
    return opened;
  }

  private async saveTarget(name: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(this.resultsDir);
    return vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(folder, name)), filters, saveLabel: 'Export' });
  }

  private async rejectMalformed(raw: unknown): Promise<void> {
    this.log.warn('scatter panel: ignored a malformed message from the webview');
    const r = raw as { type?: unknown; id?: unknown; method?: unknown };
    if (r && r.type === 'request' && typeof r.id === 'number') {
      await this.post({ type: 'response', id: r.id, method: 'points', ok: false, error: 'malformed request' });
    }
  }

  /** Counts a read, so a busy run's changes do not pile up new reads behind slow ones. */
  private async read<T>(f: () => Promise<T>): Promise<T> {
    this.reading++;
    try {
      return await f();
    } finally {
      if (--this.reading === 0 && this.changedWhileReading) {
        this.changedWhileReading = false;
        setTimeout(() => void this.refresh(), 0);
      }
    }
  }

  /** The results changed: drop cached reads and let a visible webview ask again. */
  private async refresh(): Promise<void> {
    if (this.reading > 0) {
      this.changedWhileReading = true;
      return;
    }
    this.data.invalidate();
    // a hidden webview is torn down and says `ready` again when shown, so it needs no message
    if (this.isDisposed || !this.panel.visible) return;
    await this.post({ type: 'dataChanged' });
  }

  private async post(m: HostMessage): Promise<void> {
    if (!this.isDisposed) await this.panel.webview.postMessage(m);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
    this.watcher.dispose();
    void this.data.dispose();
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export function titleOf(run: string): string {
  return run ? `Metric Scatter: ${run}` : 'Metric Scatter';
}

function slug(key: string): string {
  return key.replace(/[^\w.-]+/g, '_').slice(0, 60);
}

function isPng(b: Buffer): boolean {
  return b.length > 8 && b[0] === 0x89 && b.subarray(1, 4).toString('latin1') === 'PNG';
}
