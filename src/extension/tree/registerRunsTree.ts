// Registers the Runs view (AgoraBench activity-bar container), the watchers that keep it current
// — including runs made by the CLI in a terminal — and the commands of its items.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results, errorMessage } from '../../core';
import { CONFIG_GLOB } from '../config/configFiles';
import type { Services } from '../services';
import { computePgrData } from '../pgr/pgrCompute';
import { RunsTreeProvider, TREE_PGR_ROUNDS, type RunsNode, type RunsTreeItemJson } from './runsTree';

export const RUNS_VIEW = 'agorabench.runs';
export const REFRESH_RUNS_COMMAND = 'agorabench.refreshRuns';
export const DELETE_RUN_RESULTS_COMMAND = 'agorabench.deleteRunResults';
export const REVEAL_CONFIG_COMMAND = 'agorabench.revealConfig';
/** Tests: the Runs tree as plain data, after the pending refreshes. Not in the manifest. */
export const RUNS_TREE_TEST_COMMAND = 'agorabench._runsTree';

/** Watcher events closer together than this are read once. */
export const REFRESH_DEBOUNCE_MS = 500;

/** `agorabench.deleteRunResults` argument: a run item, or `{ resultsDir, run }` (`confirm: true` skips the dialog: tests). */
export interface DeleteRunArgs {
  resultsDir?: string;
  run?: string;
  confirm?: boolean;
}

export interface DeleteRunOutcome {
  status: 'deleted' | 'cancelled' | 'failed';
  datasets?: string[];
  error?: string;
}

export function registerRunsTree(context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const worker = vscode.Uri.joinPath(services.extensionUri, 'dist', 'pgrWorker.js').fsPath;
  const provider = new RunsTreeProvider(services.log, (configFile) => computePgrData(configFile, worker, { rounds: TREE_PGR_ROUNDS }));
  const view = vscode.window.createTreeView<RunsNode>(RUNS_VIEW, { treeDataProvider: provider, showCollapseAll: true });
  const refresher = new Refresher(provider);
  return vscode.Disposable.from(
    provider,
    view,
    refresher,
    vscode.commands.registerCommand(REFRESH_RUNS_COMMAND, () => provider.invalidate()),
    vscode.commands.registerCommand(DELETE_RUN_RESULTS_COMMAND, (arg?: DeleteRunArgs) => deleteRunResults(services, provider, arg)),
    vscode.commands.registerCommand(REVEAL_CONFIG_COMMAND, async (arg?: { configFile?: string } | vscode.Uri) => {
      const file = arg instanceof vscode.Uri ? arg.fsPath : arg?.configFile;
      if (!file) return undefined;
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
      return file;
    }),
    vscode.commands.registerCommand(RUNS_TREE_TEST_COMMAND, async (): Promise<RunsTreeItemJson[]> => {
      await refresher.flush();
      return provider.toJson();
    }),
  );
}

/** Follows `index.sqlite` files (the workspace's and those of results folders outside it) and config files. */
class Refresher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly outside = new Map<string, vscode.FileSystemWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private pendingDirs = new Set<string>();
  private pendingConfigs = false;

  constructor(private readonly provider: RunsTreeProvider) {
    const index = vscode.workspace.createFileSystemWatcher('**/index.sqlite');
    const configs = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    const onIndex = (uri: vscode.Uri) => this.schedule(path.dirname(uri.fsPath));
    const onConfig = () => this.schedule(undefined, true);
    this.disposables.push(
      index,
      configs,
      index.onDidChange(onIndex),
      index.onDidCreate(onIndex),
      index.onDidDelete(onIndex),
      configs.onDidChange(onConfig),
      configs.onDidCreate(onConfig),
      configs.onDidDelete(onConfig),
      vscode.workspace.onDidChangeWorkspaceFolders(onConfig),
    );
    void this.watchOutside();
  }

  private schedule(resultsDir: string | undefined, configs = false): void {
    if (resultsDir) this.pendingDirs.add(resultsDir);
    if (configs) this.pendingConfigs = true;
    // a burst (a run rewrites the index every few seconds, a store many times) is read once, at most 500 ms late
    this.timer ??= setTimeout(() => void this.flush(), REFRESH_DEBOUNCE_MS);
  }

  /** Applies what the watchers reported (now, without waiting for the debounce). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const dirs = [...this.pendingDirs];
    const configs = this.pendingConfigs;
    this.pendingDirs = new Set();
    this.pendingConfigs = false;
    if (configs) this.provider.invalidate({ configs: true });
    for (const dir of dirs) this.provider.invalidate({ resultsDir: dir });
    if (configs) await this.watchOutside();
  }

  /** Results folders outside every workspace folder get a watcher of their own. */
  private async watchOutside(): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const wanted = (await this.provider.resultsDirs()).filter((d) => !folders.some((f) => !path.relative(f, d).startsWith('..') && !path.isAbsolute(path.relative(f, d))));
    for (const [dir, w] of this.outside) {
      if (!wanted.includes(dir)) {
        w.dispose();
        this.outside.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.outside.has(dir)) continue;
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), 'index.sqlite'));
      const fire = () => this.schedule(dir);
      w.onDidChange(fire);
      w.onDidCreate(fire);
      w.onDidDelete(fire);
      this.outside.set(dir, w);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    for (const w of this.outside.values()) w.dispose();
  }
}

async function deleteRunResults(services: Services, provider: RunsTreeProvider, arg?: DeleteRunArgs): Promise<DeleteRunOutcome> {
  const resultsDir = typeof arg?.resultsDir === 'string' ? arg.resultsDir : undefined;
  const run = typeof arg?.run === 'string' ? arg.run : undefined;
  if (!resultsDir || !run) {
    void vscode.window.showInformationMessage('AgoraBench: choose a run in the Runs view to delete its results.');
    return { status: 'cancelled' };
  }
  if (arg?.confirm !== true) {
    const datasets = await new Results(resultsDir).index.datasets(run);
    const answer = await vscode.window.showWarningMessage(
      `Delete the results of run "${run}"?`,
      { modal: true, detail: `${datasets.length} dataset folder(s) under ${path.join(resultsDir, 'datasets')} and the run's rows in index.sqlite will be deleted (annotations.jsonl files are kept). This cannot be undone.` },
      'Delete',
    );
    if (answer !== 'Delete') return { status: 'cancelled' };
  }
  try {
    const out = await new Results(resultsDir).deleteRun(run);
    services.log.info(`deleted run "${run}" from ${resultsDir}: ${out.datasets.length} dataset(s), ${out.folders.length} folder(s)`);
    provider.invalidate({ resultsDir });
    return { status: 'deleted', datasets: out.datasets };
  } catch (e) {
    const error = errorMessage(e);
    services.log.error(`could not delete run "${run}" from ${resultsDir}: ${error}`);
    void vscode.window.showErrorMessage(`AgoraBench: could not delete the results of "${run}": ${error}`);
    return { status: 'failed', error };
  }
}
