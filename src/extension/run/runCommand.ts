// "AgoraBench: Run Benchmark": load the config (problems become diagnostics), run the engine
// under a cancellable progress notification, and report the counts and cost at the end.
import * as vscode from 'vscode';
import { priceUnknown, runJobInWorker, shortfallText, unpricedText, type RunConfig, type RunSummary, type SeedShortfall } from '../../core';
import { prepareLaunch, runWithProgress, type LaunchSpec } from './launch';
import type { Services } from '../services';
import { formatUsd } from './progressReporter';
import type { RunOutcome } from './runOutcome';

export const RUN_COMMAND = 'agorabench.run';
export const CANCEL_COMMAND = 'agorabench.cancel';

export function registerRunCommand(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(RUN_COMMAND, (arg?: unknown) => runCommand(services, arg)),
    vscode.commands.registerCommand(CANCEL_COMMAND, () => services.runs.cancel()),
  );
}

/** "Run Benchmark": generation needs the generators' keys; one run per config at a time. */
export const RUN_LAUNCH: LaunchSpec = {
  doing: 'running a benchmark',
  question: 'Which benchmark config should run?',
  endpoints: (c) => c.generators,
  registryKey: (c) => c.file,
};

async function runCommand(services: Services, arg: unknown): Promise<RunOutcome> {
  const ready = await prepareLaunch(services, arg, RUN_LAUNCH);
  if ('outcome' in ready) return ready.outcome;
  return execute(services, ready.config);
}

async function execute(services: Services, config: RunConfig): Promise<RunOutcome> {
  const done = await runWithProgress(
    services,
    config,
    RUN_LAUNCH,
    (o) => runJobInWorker<RunSummary>('run', config, o),
    (e) => {
      if (e.type === 'run-start' && e.shortfalls.length) void vscode.window.showWarningMessage(shortfallMessage(e.shortfalls), 'Show Log').then((c) => c && services.log.show());
      if (e.type === 'run-start' && e.unpriced?.length) void vscode.window.showWarningMessage(unpricedMessage(e.unpriced), 'Show Log').then((c) => c && services.log.show());
    },
  );
  if ('outcome' in done) return done.outcome;
  const { summary } = done;
  const valid = summary.datasets.reduce((n, d) => n + d.valid, 0);
  const failed = summary.datasets.reduce((n, d) => n + d.failed, 0);
  const error = summary.datasets.find((d) => d.error)?.error;
  const fewer = summary.shortfalls.length ? ` ${summary.shortfalls.length} setting(s) had fewer seeds than requested instances.` : '';
  const lost = summary.unrecordedCostUsd > 0 ? ` Plus about ${formatUsd(summary.unrecordedCostUsd)} unrecorded (answers lost in a crash, estimated).` : '';
  const text = `AgoraBench "${summary.run}" ${summary.status}: ${valid} valid, ${failed} failed, ${formatUsd(summary.costUsd, priceUnknown(summary.datasets.map((d) => d.model), summary.unpriced))}.${fewer}${lost}${error ? ` ${error}` : ''}`;
  const show = summary.status === 'completed' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(text, 'Open Instances').then((choice) => {
    if (choice) void vscode.commands.executeCommand('agorabench.openInstances', { configFile: config.file, resultsDir: summary.resultsDir, run: summary.run });
  });
  return { status: 'finished', summary };
}

/** The start-of-run warning for models without a price (once per model, in one message). */
export function unpricedMessage(models: string[]): string {
  const first = models[0];
  if (models.length === 1 && first) return `AgoraBench: ${unpricedText(first)}.`;
  return `AgoraBench: no price known for ${models.map((m) => `"${m}"`).join(', ')}: their cost shows as "price unknown" (add them under "prices" in the config).`;
}

/** The start-of-run warning: which settings will yield fewer instances than asked, and why. */
export function shortfallMessage(shortfalls: SeedShortfall[]): string {
  const first = shortfalls[0];
  if (shortfalls.length === 1 && first) return `AgoraBench: ${shortfallText(first)}.`;
  return `AgoraBench: ${shortfalls.length} settings have fewer seed rows than requested instances (${shortfalls.map((f) => `${f.setting}: ${f.seeds}/${f.requested}`).join(', ')}); each yields at most one instance per seed.`;
}
