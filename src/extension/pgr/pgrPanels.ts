// The open PGR Comparison panels, one per config: opening a config again reveals its panel
// where it is (never a second column for the same config).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PgrTab } from '../../protocol/pgrProtocol';
import { webviewOptions } from '../webview/webviewPanelHtml';
import { PGR_VIEW_TYPE, PgrPanel } from './pgrPanel';

export class PgrPanels implements vscode.Disposable {
  private readonly panels = new Map<string, PgrPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Shows a config's panel beside the active editor, or reveals the one already open. */
  show(configFile: string, tab?: PgrTab): { configFile: string; panel: 'created' | 'revealed' } {
    const key = path.resolve(configFile);
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal(); // where it is: moving it would leave a stale tab behind
      if (tab) existing.selectTab(tab);
      return { configFile: key, panel: 'revealed' };
    }
    const title = `PGR: ${path.basename(key, '.agorabench.json')}`;
    const panel = vscode.window.createWebviewPanel(PGR_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(this.extensionUri));
    const controller = this.adopt(key, panel);
    if (tab) controller.selectTab(tab);
    return { configFile: key, panel: 'created' };
  }

  /** Takes over a panel VS Code restored after a reload (see the serializer). */
  restore(panel: vscode.WebviewPanel, configFile: string): void {
    const key = path.resolve(configFile);
    this.panels.get(key)?.dispose();
    this.adopt(key, panel);
  }

  get(configFile: string): PgrPanel | undefined {
    return this.panels.get(path.resolve(configFile));
  }

  get size(): number {
    return this.panels.size;
  }

  private adopt(key: string, panel: vscode.WebviewPanel): PgrPanel {
    const controller = new PgrPanel(panel, key, this.extensionUri, this.log);
    this.panels.set(key, controller);
    controller.onDidDispose(() => {
      if (this.panels.get(key) === controller) this.panels.delete(key);
    });
    return controller;
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}
