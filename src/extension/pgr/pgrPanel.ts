// Host controller of one PGR Comparison panel: answers the webview's typed requests (data, PNG
// and CSV export, running the command that produces a missing part) and tells it when the
// results changed on disk, at most once a second.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core';
import { parsePgrWebviewMessage, type PgrDataView, type PgrHostMessage, type PgrTab, type PgrWebviewMessage } from '../../protocol/pgrProtocol';
import { renderWebview } from '../webview/webviewPanelHtml';
import { computePgrData } from './pgrCompute';
import { decodePngDataUrl, pgrGridCsv } from './pgrData';

export { PGR_VIEW_TYPE } from '../../protocol/pgrProtocol';

/** Minimum time between two `dataChanged` messages. */
export const REFRESH_MS = 1000;

export class PgrPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  private watchers: vscode.Disposable[] = [];
  private watchedDir: string | undefined;
  private cached: PgrDataView | undefined;
  private inFlight: Promise<PgrDataView> | undefined;
  private dirty = true;
  private timer: NodeJS.Timeout | undefined;
  private lastNotified = 0;
  private isDisposed = false;
  /** A tab to show once the webview is ready (the command asked for one). */
  private pendingTab: PgrTab | undefined;
  private ready = false;
  /** Fires once, when the panel closes. */
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly configFile: string,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'pgr.svg');
    this.disposables.push(
      this.disposed,
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    renderWebview(panel.webview, extensionUri, 'pgr', panel.title);
    this.watchConfig();
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = parsePgrWebviewMessage(raw);
    if (!msg) return this.rejectMalformed(raw);
    try {
      await this.handle(msg);
    } catch (e) {
      this.log.error(`PGR panel (${this.configFile}): ${errorMessage(e)}`);
      if (msg.type === 'request') await this.post({ type: 'response', id: msg.id, method: msg.method, ok: false, error: errorMessage(e) });
      else await this.post({ type: 'error', message: errorMessage(e) });
    }
  }

  private async handle(msg: PgrWebviewMessage): Promise<void> {
    if (msg.type === 'ready') {
      this.ready = true;
      await this.post({ type: 'init', configFile: this.configFile, title: this.panel.title });
      if (this.pendingTab) await this.post({ type: 'selectTab', tab: this.pendingTab });
      this.pendingTab = undefined;
      return;
    }
    switch (msg.method) {
      case 'data': {
        const data = await this.data();
        this.panel.title = `PGR: ${data.run}`;
        await this.post({ type: 'response', id: msg.id, method: 'data', ok: true, result: data });
        break;
      }
      case 'exportPng': {
        const bytes = decodePngDataUrl(msg.params.dataUrl);
        const run = this.cached?.run ?? path.basename(this.configFile, '.agorabench.json');
        const file = await this.saveAs(`${run}-${msg.params.chart}.png`, { 'PNG image': ['png'] }, bytes);
        await this.post({ type: 'response', id: msg.id, method: 'exportPng', ok: true, result: file ? { file, bytes: bytes.length } : null });
        break;
      }
      case 'exportCsv': {
        const data = await this.data();
        const csv = pgrGridCsv(data, msg.params.paper);
        const file = await this.saveAs(`${data.run}-pgr.csv`, { CSV: ['csv'] }, Buffer.from(csv.text, 'utf8'));
        await this.post({ type: 'response', id: msg.id, method: 'exportCsv', ok: true, result: file ? { file, rows: csv.rows } : null });
        break;
      }
      case 'runCommand':
        // not awaited: the command runs under its own progress notification
        void vscode.commands.executeCommand(msg.params.command, { configFile: this.configFile });
        await this.post({ type: 'response', id: msg.id, method: 'runCommand', ok: true, result: { started: true } });
        break;
    }
  }

  /** Shows a tab: now when the webview listens, else once it says `ready`. */
  selectTab(tab: PgrTab): void {
    this.pendingTab = tab;
    if (this.ready) {
      this.pendingTab = undefined;
      void this.post({ type: 'selectTab', tab });
    }
  }

  /** The current data: recomputed (in a worker thread) only after the results changed. */
  data(): Promise<PgrDataView> {
    // results that changed while a computation ran need the next one, not the running one
    if (this.inFlight) return this.dirty ? this.inFlight.then(() => this.data(), () => this.data()) : this.inFlight;
    if (this.cached && !this.dirty) return Promise.resolve(this.cached);
    this.dirty = false;
    const worker = vscode.Uri.joinPath(this.extensionUri, 'dist', 'pgrWorker.js').fsPath;
    const started = Date.now();
    this.inFlight = computePgrData(this.configFile, worker)
      .then((data) => {
        this.cached = data;
        this.log.info(`PGR panel: ${data.run} computed in ${Date.now() - started} ms (${data.computeMs} ms in the worker)`);
        this.watchResults(data.resultsDir);
        return data;
      })
      .catch((e: unknown) => {
        this.dirty = true;
        throw e;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async saveAs(name: string, filters: Record<string, string[]>, bytes: Uint8Array): Promise<string | undefined> {
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(path.dirname(this.configFile), name)), filters, saveLabel: 'Export' });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, bytes);
    this.log.info(`PGR panel: exported ${target.fsPath}`);
    return target.fsPath;
  }

  private async rejectMalformed(raw: unknown): Promise<void> {
    this.log.warn('PGR panel: ignored a malformed message from the webview');
    const r = raw as { type?: unknown; id?: unknown; method?: unknown };
    if (r && r.type === 'request' && typeof r.id === 'number') {
      await this.post({ type: 'response', id: r.id, method: 'data', ok: false, error: 'malformed request' });
    }
  }

  private watchConfig(): void {
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(this.configFile)), path.basename(this.configFile)));
    w.onDidChange(() => this.changed());
    this.disposables.push(w);
  }

  /** Watches the results folder's index (scores, metrics, datasets) and the students' records. */
  private watchResults(resultsDir: string): void {
    if (this.watchedDir === resultsDir || this.isDisposed) return;
    for (const w of this.watchers) w.dispose();
    this.watchedDir = resultsDir;
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(resultsDir), '{index.sqlite,training/*/*/student.json,training/*/*/job.json}'));
    w.onDidChange(() => this.changed());
    w.onDidCreate(() => this.changed());
    w.onDidDelete(() => this.changed());
    this.watchers = [w];
  }

  /** Something changed on disk: recompute on the next request; tell a visible webview, throttled. */
  private changed(): void {
    this.dirty = true;
    if (this.timer || this.isDisposed) return;
    const wait = Math.max(REFRESH_MS - (Date.now() - this.lastNotified), 250);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastNotified = Date.now();
      // a hidden webview is torn down and says `ready` again when shown, so it needs no message
      if (this.panel.visible) void this.post({ type: 'dataChanged' });
    }, wait);
  }

  private async post(m: PgrHostMessage): Promise<void> {
    if (!this.isDisposed) await this.panel.webview.postMessage(m);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.disposed.fire();
    for (const w of this.watchers) w.dispose();
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
