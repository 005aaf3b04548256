// Which config a command works on: an explicit argument, else the active editor's config file,
// else a QuickPick over the workspace's `*.agorabench.json` files.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const CONFIG_GLOB = '**/*.agorabench.json';
const EXCLUDE = '{**/node_modules/**,**/.agorabench/**}';

/** What commands accept: a path, a Uri (explorer/editor menus) or `{ configFile }` (tests, other commands). */
export type ConfigArg = string | vscode.Uri | { configFile?: string } | undefined;

export function isConfigFile(fsPath: string): boolean {
  return fsPath.endsWith('.agorabench.json');
}

/** The config path an argument names, if it names one. */
export function configFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return path.resolve(arg);
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { configFile?: unknown }).configFile === 'string') {
    return path.resolve((arg as { configFile: string }).configFile);
  }
  return undefined;
}

/**
 * Config files open in the editors the user sees, the active one first. The active editor is not
 * always the config the user looks at: the Output panel, a webview or another file beside it may
 * have the focus.
 */
export function openConfigFiles(): string[] {
  const editors = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors];
  const files = editors.map((e) => e?.document.uri).filter((u): u is vscode.Uri => u?.scheme === 'file' && isConfigFile(u.fsPath)).map((u) => u.fsPath);
  return [...new Set(files)];
}

export async function resolveConfigFile(arg: unknown, placeHolder: string): Promise<string | undefined> {
  const explicit = configFromArg(arg);
  if (explicit) return explicit;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && isConfigFile(active.fsPath)) return active.fsPath;
  // no config has the focus: the one config in sight is the one meant
  const open = openConfigFiles();
  if (open.length === 1) return open[0];
  const files = await vscode.workspace.findFiles(CONFIG_GLOB, EXCLUDE, 200);
  if (files.length === 0) {
    void vscode.window.showWarningMessage('AgoraBench: no *.agorabench.json config in this workspace.');
    return undefined;
  }
  if (files.length === 1) return files[0]?.fsPath;
  // configs open in an editor first (the first one is preselected), then the others by path
  const rank = (f: string) => (open.includes(f) ? open.indexOf(f) : open.length);
  const picked = await vscode.window.showQuickPick(
    files
      .map((f) => ({ label: path.basename(f.fsPath), description: vscode.workspace.asRelativePath(f, true), detail: open.includes(f.fsPath) ? 'open in an editor' : undefined, file: f.fsPath }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.description.localeCompare(b.description)),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.file;
}
