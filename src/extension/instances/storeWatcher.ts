// Tells a panel that a dataset store changed on disk (a run appends to its journal and
// checkpoints its database) or only its annotations did, throttled so a busy run refreshes the
// panel about once a second — or less often when reading the store again costs more (`setDelay`).
import * as path from 'node:path';
import * as vscode from 'vscode';

export class StoreWatcher implements vscode.Disposable {
  private readonly watcher: vscode.FileSystemWatcher;
  private timer: NodeJS.Timeout | undefined;
  /** Whether every change since the last call was to annotations.jsonl. */
  private annotationsOnly = true;

  /** `storeRelDir` is relative to `resultsDir`, whose index.sqlite carries the dataset's status. */
  constructor(
    resultsDir: string,
    storeRelDir: string,
    private readonly onChange: (annotationsOnly: boolean) => void,
    private delayMs = 750,
  ) {
    const rel = storeRelDir.split(path.sep).join('/');
    this.watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(resultsDir), `{index.sqlite,${rel}/dataset.sqlite,${rel}/journal.jsonl,${rel}/annotations.jsonl}`),
    );
    const fire = (uri: vscode.Uri) => {
      if (path.basename(uri.fsPath) !== 'annotations.jsonl') this.annotationsOnly = false;
      this.schedule();
    };
    this.watcher.onDidChange(fire);
    this.watcher.onDidCreate(fire);
  }

  /** The pause between two refreshes from now on. */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const annotationsOnly = this.annotationsOnly;
      this.annotationsOnly = true;
      this.onChange(annotationsOnly);
    }, this.delayMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher.dispose();
  }
}

/**
 * How long to wait between refreshes during a run, given what the last reload of the store took:
 * at most 1/20 of the time spent reloading (a 100K store takes ~0.4 s to read again: every 8 s),
 * at least once a second, at most every 30 s.
 */
export function refreshDelayMs(lastReloadMs: number): number {
  return Math.min(30_000, Math.max(1000, Math.round(20 * lastReloadMs)));
}
