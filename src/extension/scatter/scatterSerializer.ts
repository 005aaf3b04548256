// Restores Metric Scatter panels after a window reload from the state their webview saved.
import * as vscode from 'vscode';
import { parsePanelState } from '../../protocol/scatterProtocol';
import { SCATTER_VIEW_TYPE } from './scatterPanel';
import type { ScatterPanels } from './scatterPanels';

export function registerScatterSerializer(panels: ScatterPanels): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(SCATTER_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
      const state = parsePanelState(raw);
      if (state) panels.restore(panel, state.resultsDir, state.run);
      else panel.dispose(); // saved before the webview knew its run: nothing to show
      return Promise.resolve();
    },
  });
}
