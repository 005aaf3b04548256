// The open Instances panels, one per dataset: opening a dataset again reveals its panel, and a
// new dataset opens in the editor group the Instances panels already use (not one more column).
// One browse worker (shared with the scatter panels) serves them all; it ends itself when idle.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRegistry } from '../jobs/jobRegistry';
import { stoppingMessage } from '../run/progressReporter';
import { Results, type BrowseClient } from '../../core';
import type { InstancesPanelState } from '../../protocol/instancesProtocol';
import { webviewOptions } from '../webview/webviewPanelHtml';
import { DatasetSource, type LiveDataset } from './datasetSource';
import { INSTANCES_VIEW_TYPE, InstancesPanel } from './instancesPanel';

export class InstancesPanels implements vscode.Disposable {
  private readonly panels = new Map<string, InstancesPanel>();
  private readonly sub: vscode.Disposable;
  /** `resultsDir#run` of the runs being stopped, as last shown. */
  private stopping = '';

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly client: BrowseClient,
    private readonly runs: RunRegistry,
  ) {
    // Cancel shows in every open panel of the run at once, not when the store next changes
    this.sub = runs.onDidChange(() => {
      const now = this.stoppingRuns().join('\n');
      if (now === this.stopping) return;
      this.stopping = now;
      for (const p of this.panels.values()) void p.statusChanged();
    });
  }

  private stoppingRuns(): string[] {
    return this.runs
      .jobs()
      .filter((j) => j.phase === 'stopping' && j.resultsDir && j.run)
      .map((j) => `${path.resolve(j.resultsDir ?? '')}#${j.run ?? ''}`)
      .sort();
  }

  /** The generation job writing this run: its counts of the dataset, and "stopping… N in flight" once it is being stopped. */
  private live = (resultsDir: string, run: string, datasetId: string): LiveDataset | undefined => {
    const job = this.runs.jobs().find((j) => j.kind === 'generation' && j.run === run && path.resolve(j.resultsDir ?? '') === path.resolve(resultsDir));
    if (!job) return undefined;
    const d = job.datasets?.find((x) => x.id === datasetId);
    const counts = d?.valid !== undefined ? { valid: d.valid, failed: d.failed ?? 0, costUsd: d.costUsd ?? 0 } : {};
    return { ...counts, ...(job.phase === 'stopping' ? { status: stoppingMessage(job.inFlight ?? 0) } : {}) };
  };

  /** Shows a dataset beside the active editor; returns the panel's id. */
  show(resultsDir: string, datasetId: string): string {
    const id = panelId(resultsDir, datasetId);
    const existing = this.panels.get(id);
    if (existing) {
      existing.panel.reveal(); // where it is: moving it would leave a stale tab behind
      return id;
    }
    const column = [...this.panels.values()].reverse().find((p) => p.panel.viewColumn !== undefined)?.panel.viewColumn ?? vscode.ViewColumn.Beside;
    const panel = vscode.window.createWebviewPanel(INSTANCES_VIEW_TYPE, `Instances: ${datasetId}`, { viewColumn: column, preserveFocus: false }, webviewOptions(this.extensionUri));
    this.adopt(id, panel, resultsDir, datasetId);
    return id;
  }

  /** Takes over a panel VS Code restored after a reload (see the serializer). */
  restore(panel: vscode.WebviewPanel, state: InstancesPanelState): void {
    const id = panelId(state.resultsDir, state.datasetId);
    this.panels.get(id)?.dispose();
    this.adopt(id, panel, state.resultsDir, state.datasetId);
  }

  get(id: string): InstancesPanel | undefined {
    return this.panels.get(id);
  }

  get size(): number {
    return this.panels.size;
  }

  private adopt(id: string, panel: vscode.WebviewPanel, resultsDir: string, datasetId: string): void {
    const controller = new InstancesPanel(panel, new DatasetSource(new Results(resultsDir), datasetId, this.client, this.live), this.extensionUri, this.log);
    this.panels.set(id, controller);
    controller.onDidDispose(() => {
      if (this.panels.get(id) === controller) this.panels.delete(id);
    });
  }

  dispose(): void {
    this.sub.dispose();
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}

export function panelId(resultsDir: string, datasetId: string): string {
  return `${resultsDir}#${datasetId}`;
}
