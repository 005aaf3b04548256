// Restores Instances panels after a window reload from the state their webview saved.
import * as vscode from 'vscode';
import { parsePanelState } from '../../protocol/instancesProtocol';
import type { Services } from '../services';
import { INSTANCES_VIEW_TYPE } from './instancesPanel';

export function registerInstancesSerializer(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(INSTANCES_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
      const state = parsePanelState(raw);
      if (state) services.panels.restore(panel, state);
      else panel.dispose(); // saved before the webview knew its dataset: nothing to show
      return Promise.resolve();
    },
  });
}
