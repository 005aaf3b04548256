// "AgoraBench: Open Metric Scatter Plot": one metric against another for a run's datasets, in a
// panel beside the config. Registers the command, the panels and their serializer.
import * as vscode from 'vscode';
import { configScope } from '../config/configScope';
import type { Services } from '../services';
import { createScatterDataSource } from './scatterData';
import { ScatterPanels } from './scatterPanels';
import { registerScatterSerializer } from './scatterSerializer';

export const OPEN_SCATTER_COMMAND = 'agorabench.openScatter';

/** Optional argument (tests, other commands): `{ configFile }`, or `{ resultsDir, run }`. */
export interface OpenScatterArgs {
  configFile?: string;
  resultsDir?: string;
  /** Run name; defaults to the config's ('' or absent with only resultsDir = every run). */
  run?: string;
}

export interface OpenScatterResult {
  resultsDir: string;
  run: string;
  panelId: string;
  /** False when an open panel of the same run was revealed. */
  created: boolean;
}

export function registerScatter(context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const panels = new ScatterPanels(context.extensionUri, services.log, (resultsDir, run) => createScatterDataSource(resultsDir, run, services.browse));
  return vscode.Disposable.from(
    panels,
    registerScatterSerializer(panels),
    vscode.commands.registerCommand(OPEN_SCATTER_COMMAND, (arg?: OpenScatterArgs | vscode.Uri) =>
      openScatter(services, panels, arg instanceof vscode.Uri ? { configFile: arg.fsPath } : (arg ?? {})),
    ),
  );
}

async function openScatter(services: Services, panels: ScatterPanels, arg: OpenScatterArgs): Promise<OpenScatterResult | undefined> {
  const scope = typeof arg.resultsDir === 'string' && arg.resultsDir ? { resultsDir: arg.resultsDir, run: arg.run ?? '' } : await configScope(services, arg.configFile, arg.run, 'Plot the metrics of which config\'s run?');
  if (!scope) return undefined;
  return { ...scope, ...panels.show(scope.resultsDir, scope.run) };
}

