// Tells the scatter panel that a results folder changed on disk (a run or `agorabench metrics`
// writes the index, a store's checkpoint or journal), at most about once a second.
import * as vscode from 'vscode';

export const MIN_REFRESH_MS = 1000;

export class ResultsWatcher implements vscode.Disposable {
  private readonly watcher: vscode.FileSystemWatcher;
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

  constructor(
    resultsDir: string,
    private readonly onChange: () => void,
    private readonly minIntervalMs = MIN_REFRESH_MS,
  ) {
    this.watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(resultsDir), '{index.sqlite,datasets/*/dataset.sqlite,datasets/*/journal.jsonl}'),
    );
    const fire = () => this.schedule();
    this.watcher.onDidChange(fire);
    this.watcher.onDidCreate(fire);
    this.watcher.onDidDelete(fire);
  }

  /** Coalesces a burst into one call, never sooner than `minIntervalMs` after the previous one. */
  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(this.minIntervalMs, this.last + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.last = Date.now();
      this.onChange();
    }, wait);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher.dispose();
  }
}
