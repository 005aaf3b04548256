// VS Code side of the HTML helper: webview options limited to the built webview folder, and the
// HTML with a fresh nonce per render.
import * as vscode from 'vscode';
import { buildWebviewHtml, createNonce } from './webviewHtml';

/** dist/webview: the only folder a webview may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, enableFindWidget: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

export function renderWebview(webview: vscode.Webview, extensionUri: vscode.Uri, panel: string, title: string): void {
  webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
  webview.html = buildWebviewHtml({
    panel,
    title,
    cspSource: webview.cspSource,
    assetsBase: webview.asWebviewUri(webviewRoot(extensionUri)).toString(),
    nonce: createNonce(),
  });
}
