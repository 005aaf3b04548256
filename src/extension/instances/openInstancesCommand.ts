// "AgoraBench: Open Instances": choose a dataset of a config's results and show its instances
// in a panel beside the editor.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Results, annotationCounts, type DatasetRow } from '../../core';
import { parseFilter, type FilterView } from '../../protocol/instancesProtocol';
import { configScope } from '../config/configScope';
import { formatUsd } from '../run/progressReporter';
import type { Services } from '../services';
import { stepDone } from '../walkthrough/walkthroughSteps';

export const OPEN_INSTANCES_COMMAND = 'agorabench.openInstances';

/** Optional argument (tests, the run's "Open Instances" button): skips the pickers it answers. */
export interface OpenInstancesArgs {
  configFile?: string;
  /** Results directory; defaults to the config's. */
  resultsDir?: string;
  /** Only this run's datasets; defaults to the config's run name (all runs when only resultsDir is given). */
  run?: string;
  datasetId?: string;
  /** Select this slot and show its detail (a click in the scatter panel). */
  reveal?: number;
  /** Show only these instances (a box-selection in the scatter panel). */
  filter?: FilterView;
}

/** What the command returns when a panel is shown. */
export interface OpenInstancesResult {
  panelId: string;
  datasetId: string;
  resultsDir: string;
}

export function registerOpenInstances(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_INSTANCES_COMMAND, (arg?: OpenInstancesArgs | vscode.Uri) =>
    openInstances(services, arg instanceof vscode.Uri ? { configFile: arg.fsPath } : (arg ?? {})),
  );
}

async function openInstances(services: Services, arg: OpenInstancesArgs): Promise<OpenInstancesResult | undefined> {
  const scope = arg.resultsDir ? { resultsDir: arg.resultsDir, run: arg.run } : await configScope(services, arg.configFile, arg.run, 'Whose results do you want to browse?');
  if (!scope) return undefined;
  const { resultsDir, run } = scope;
  const datasets = await new Results(resultsDir).index.datasets(run);
  if (!datasets.length) {
    void vscode.window.showInformationMessage(`AgoraBench: no datasets${run ? ` of run "${run}"` : ''} in ${resultsDir} yet. Run the benchmark first.`);
    return undefined;
  }
  const row = arg.datasetId ? datasets.find((d) => d.id === arg.datasetId) : await pickDataset(resultsDir, datasets);
  if (!row) {
    if (arg.datasetId) void vscode.window.showErrorMessage(`AgoraBench: no dataset "${arg.datasetId}" in ${resultsDir}.`);
    return undefined;
  }
  const panelId = services.panels.show(resultsDir, row.id);
  const panel = services.panels.get(panelId);
  const filter = arg.filter === undefined ? undefined : parseFilter(arg.filter);
  if (filter) panel?.setFilter(filter);
  if (typeof arg.reveal === 'number' && Number.isInteger(arg.reveal)) panel?.reveal(arg.reveal);
  stepDone('inspect');
  return { panelId, datasetId: row.id, resultsDir };
}

async function pickDataset(resultsDir: string, datasets: DatasetRow[]): Promise<DatasetRow | undefined> {
  if (datasets.length === 1) return datasets[0];
  const bad = (d: DatasetRow) => annotationCounts(path.join(resultsDir, d.dir)).bad;
  const picked = await vscode.window.showQuickPick(
    datasets.map((d) => ({
      label: `${d.generator} · ${d.setting}`,
      description: `${d.run} · ${d.status}`,
      detail: `${d.valid}/${d.target} valid, ${d.failed} failed, ${bad(d)} annotated bad, ${formatUsd(d.costUsd)}`,
      row: d,
    })),
    { placeHolder: 'Which dataset?', matchOnDescription: true },
  );
  return picked?.row;
}
