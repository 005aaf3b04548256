// Entry of the window-restore suite. It runs twice in one host run: phase 1 leaves an Instances
// panel open and reloads the window; the workbench then starts a new extension host that runs
// this suite again, and phase 2 expects the panel back through the WebviewPanelSerializer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { workspaceDir } from '../support/fixtures';
import { runMochaSuite } from '../support/mochaRunner';

export async function run(): Promise<void> {
  const marker = path.join(workspaceDir(), '.restore-phase-1-done');
  if (fs.existsSync(marker)) return runMochaSuite(__dirname, { only: (f) => f.startsWith('2-'), addToPrevious: true });
  await runMochaSuite(__dirname, { only: (f) => f.startsWith('1-') });
  fs.writeFileSync(marker, '');
  await vscode.commands.executeCommand('workbench.action.reloadWindow');
  // this extension host ends with the reload; the suite's result comes from phase 2
  return new Promise<void>(() => undefined);
}
