// Composition root: build the services once, register each feature, own every disposable.
import * as vscode from 'vscode';
import { registerAnnotations } from './annotations/registerAnnotations';
import { registerConfigFixes } from './config/configFixes';
import { registerEvaluateCommand } from './eval/evaluateCommand';
import { registerJobs } from './jobs/registerJobs';
import { registerConfigLens } from './config/configLens';
import { registerNewConfig } from './config/newConfigCommand';
import { registerEstimateCommand } from './run/estimateCommand';
import { registerInstancesSerializer } from './instances/instancesSerializer';
import { registerMetricsCommand } from './metrics/metricsCommand';
import { registerOpenInstances } from './instances/openInstancesCommand';
import { registerOpenPgr } from './pgr/openPgrCommand';
import { registerRunCommand } from './run/runCommand';
import { registerScatter } from './scatter/openScatterCommand';
import { registerSetApiKey } from './secrets/setApiKeyCommand';
import { createServices } from './services';
import { registerExportCommand } from './training/exportCommand';
import { registerPgrCommand } from './training/pgrCommand';
import { registerTrainCommand } from './training/trainCommand';
import { registerRunsTree } from './tree/registerRunsTree';

export function activate(context: vscode.ExtensionContext): void {
  const services = createServices(context);
  context.subscriptions.push(
    registerRunCommand(context, services),
    registerEvaluateCommand(context, services),
    registerExportCommand(context, services),
    registerTrainCommand(context, services),
    registerPgrCommand(context, services),
    registerMetricsCommand(context, services),
    registerSetApiKey(context, services),
    registerOpenInstances(context, services),
    registerInstancesSerializer(context, services),
    registerOpenPgr(context, services),
    registerScatter(context, services),
    registerAnnotations(context, services),
    registerRunsTree(context, services),
    registerJobs(context, services),
    registerConfigLens(services),
    registerNewConfig(context, services),
    registerEstimateCommand(context, services),
    registerConfigFixes(context, services),
  );
  services.log.info(`activated ${context.extension.id} ${String(context.extension.packageJSON.version)} (workspace trusted: ${String(vscode.workspace.isTrusted)})`);
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
