// "AgoraBench: Run Benchmark": load the config (problems become diagnostics), run the engine
// under a cancellable progress notification, and report the counts and cost at the end.
import * as vscode from 'vscode';
import { ConfigError, MissingKeyError, errorMessage, loadConfig, resolveKeys, runBenchmark, shortfallText, type RunConfig, type RunEvent, type SeedShortfall } from '../../core';
import { firstProblem } from '../config/configDiagnostics';
import { resolveConfigFile } from '../config/configFiles';
import type { Services } from '../services';
import { formatUsd, progressReporter } from './progressReporter';
import type { RunOutcome } from './runOutcome';

export const RUN_COMMAND = 'agorabench.run';
export const CANCEL_COMMAND = 'agorabench.cancel';

export function registerRunCommand(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(RUN_COMMAND, (arg?: unknown) => runCommand(services, arg)),
    vscode.commands.registerCommand(CANCEL_COMMAND, () => services.runs.cancel()),
  );
}

async function runCommand(services: Services, arg: unknown): Promise<RunOutcome> {
  if (!vscode.workspace.isTrusted) {
    // Restricted Mode: a config could point requests (and keys) anywhere, so nothing runs
    void vscode.window
      .showErrorMessage('AgoraBench: running a benchmark is disabled in Restricted Mode. Trust this workspace to run it.', 'Manage Workspace Trust')
      .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
    return { status: 'restricted' };
  }
  const configFile = await resolveConfigFile(arg, 'Which benchmark config should run?');
  if (!configFile) return { status: 'no-config' };
  let config: RunConfig;
  try {
    config = loadConfig(configFile);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    services.diagnostics.publish(e);
    services.log.error(e.message);
    void vscode.window.showErrorMessage(`AgoraBench: invalid config ${firstProblem(e)}`);
    return { status: 'config-error', configFile, problems: e.problems };
  }
  services.diagnostics.clear(configFile);
  const missing = await firstMissingKey(services, config);
  if (missing) return reportMissingKey(services, config, missing);
  // no await between this check and execute's registration: two quick Runs cannot both pass it
  if (services.runs.isRunning(config.file)) {
    void vscode.window.showInformationMessage(`AgoraBench: "${config.name}" is already running.`);
    return { status: 'already-running', configFile: config.file };
  }
  return execute(services, config);
}

/** Checks keys with the engine's own check before starting, so a missing one is reported before any dataset is touched. */
async function firstMissingKey(services: Services, config: RunConfig): Promise<MissingKeyError | undefined> {
  try {
    await resolveKeys(config.generators, services.keys.resolver);
    return undefined;
  } catch (e) {
    if (e instanceof MissingKeyError) return e;
    throw e;
  }
}

function reportMissingKey(services: Services, config: RunConfig, e: MissingKeyError): RunOutcome {
  services.log.warn(`no API key for generator "${e.generator}" (${e.envVar})`);
  void vscode.window.showErrorMessage(`AgoraBench: no API key for generator "${e.generator}" (${e.envVar}).`, 'Set API Key').then((choice) => {
    if (choice) void vscode.commands.executeCommand('agorabench.setApiKey', { envVar: e.envVar, configFile: config.file });
  });
  return { status: 'missing-key', configFile: config.file, envVar: e.envVar, generator: e.generator };
}

async function execute(services: Services, config: RunConfig): Promise<RunOutcome> {
  const control = services.runs.start(config.file);
  try {
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `AgoraBench: ${config.name}`, cancellable: true },
      (progress, token) => {
        // CancellationToken -> stop signals: no new requests at once, those in flight are aborted
        // after a grace period; the engine keeps everything finished and checkpoints its stores
        const sub = token.onCancellationRequested(() => control.cancel());
        const report = progressReporter(progress, services.log);
        const onEvent = (e: RunEvent) => {
          report(e);
          if (e.type === 'run-start' && e.shortfalls.length) void vscode.window.showWarningMessage(shortfallMessage(e.shortfalls), 'Show Log').then((c) => c && services.log.show());
        };
        return runBenchmark(config, { signal: control.signal, stopSignal: control.stopSignal, resolveKey: services.keys.resolver, onEvent }).finally(() => sub.dispose());
      },
    );
    const valid = summary.datasets.reduce((n, d) => n + d.valid, 0);
    const failed = summary.datasets.reduce((n, d) => n + d.failed, 0);
    const error = summary.datasets.find((d) => d.error)?.error;
    const fewer = summary.shortfalls.length ? ` ${summary.shortfalls.length} setting(s) had fewer seeds than requested instances.` : '';
    const lost = summary.unrecordedCostUsd > 0 ? ` Plus about ${formatUsd(summary.unrecordedCostUsd)} unrecorded (answers lost in a crash, estimated).` : '';
    const text = `AgoraBench "${summary.run}" ${summary.status}: ${valid} valid, ${failed} failed, ${formatUsd(summary.costUsd)}.${fewer}${lost}${error ? ` ${error}` : ''}`;
    const show = summary.status === 'completed' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(text, 'Open Instances').then((choice) => {
      if (choice) void vscode.commands.executeCommand('agorabench.openInstances', { configFile: config.file, resultsDir: summary.resultsDir, run: summary.run });
    });
    return { status: 'finished', summary };
  } catch (e) {
    if (e instanceof MissingKeyError) return reportMissingKey(services, config, e);
    const message = errorMessage(e);
    services.log.error(`run "${config.name}" failed: ${message}`);
    void vscode.window.showErrorMessage(`AgoraBench: run "${config.name}" failed: ${message}`);
    return { status: 'error', configFile: config.file, message };
  } finally {
    services.runs.finish(config.file, control);
  }
}

/** The start-of-run warning: which settings will yield fewer instances than asked, and why. */
export function shortfallMessage(shortfalls: SeedShortfall[]): string {
  const first = shortfalls[0];
  if (shortfalls.length === 1 && first) return `AgoraBench: ${shortfallText(first)}.`;
  return `AgoraBench: ${shortfalls.length} settings have fewer seed rows than requested instances (${shortfalls.map((f) => `${f.setting}: ${f.seeds}/${f.requested}`).join(', ')}); each yields at most one instance per seed.`;
}
