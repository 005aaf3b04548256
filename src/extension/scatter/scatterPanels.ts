// The open Metric Scatter panels, one per results folder and run: opening the same run again
// reveals its panel where it is instead of adding a second one.
import * as vscode from 'vscode';
import { webviewOptions } from '../webview/webviewPanelHtml';
import type { ScatterDataSource } from './scatterData';
import { SCATTER_VIEW_TYPE, ScatterPanel, titleOf } from './scatterPanel';

export class ScatterPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ScatterPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** The run's numbers: by default the index and the browse worker. */
    private readonly dataSource: (resultsDir: string, run: string) => ScatterDataSource,
  ) {}

  /** Shows a run's scatter beside the active editor; returns the panel's id. */
  show(resultsDir: string, run: string): { panelId: string; created: boolean } {
    const id = scatterPanelId(resultsDir, run);
    const existing = this.panels.get(id);
    if (existing) {
      existing.panel.reveal(); // where it is: moving it would leave a stale tab behind
      return { panelId: id, created: false };
    }
    const panel = vscode.window.createWebviewPanel(SCATTER_VIEW_TYPE, titleOf(run), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(this.extensionUri));
    this.adopt(id, panel, resultsDir, run);
    return { panelId: id, created: true };
  }

  /** Takes over a panel VS Code restored after a reload (see the serializer). */
  restore(panel: vscode.WebviewPanel, resultsDir: string, run: string): void {
    const id = scatterPanelId(resultsDir, run);
    this.panels.get(id)?.dispose();
    this.adopt(id, panel, resultsDir, run);
  }

  get(id: string): ScatterPanel | undefined {
    return this.panels.get(id);
  }

  get size(): number {
    return this.panels.size;
  }

  private adopt(id: string, panel: vscode.WebviewPanel, resultsDir: string, run: string): void {
    const controller = new ScatterPanel(panel, this.dataSource(resultsDir, run), this.extensionUri, this.log);
    this.panels.set(id, controller);
    controller.onDidDispose(() => {
      if (this.panels.get(id) === controller) this.panels.delete(id);
    });
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}

export function scatterPanelId(resultsDir: string, run: string): string {
  return `${resultsDir}#${run}`;
}
