// What "Run Benchmark" and "Evaluate Models" share before any work starts: trust, which config,
// its problems as diagnostics, every key the job needs, and one job per config and kind at a time.
import * as vscode from 'vscode';
import { ConfigError, MissingKeyError, errorMessage, loadConfig, priceUnknown, resolveKeys, type KeyedEndpoint, type KeyResolver, type RunConfig, type RunEvent, type RunSummary } from '../../core';
import type { JobKind, RunControl } from '../jobs/jobRegistry';
import { progressReporter, stoppingMessage, type ProgressSink } from './progressReporter';
import { firstProblem } from '../config/configDiagnostics';
import { resolveConfigFile } from '../config/configFiles';
import type { Services } from '../services';
import type { RunOutcome } from './runOutcome';

export interface LaunchSpec {
  /** Which kind of job it is, for the Jobs view. */
  kind: JobKind;
  /** What the job is, in messages ("running a benchmark", "evaluating models"). */
  doing: string;
  /** The quick pick's question when no config is given. */
  question: string;
  /** The endpoints whose keys must be there before the job starts (of the chosen generators, when `only` names some). */
  endpoints: (config: RunConfig, only?: RunOnly) => KeyedEndpoint[];
  /** Key of the job in the registry (one job per config and kind). */
  registryKey: (config: RunConfig) => string;
}

/** Part of a config to run: generator ids and setting keys (`method.domain`); undefined = all. */
export interface RunOnly {
  generators?: string[];
  settings?: string[];
}

/**
 * The loaded config, ready to run; or the outcome that explains why not (already shown to the
 * user). `choose` narrows the job to part of the config once it is loaded (null: the user cancelled).
 */
export async function prepareLaunch(
  services: Services,
  arg: unknown,
  spec: LaunchSpec,
  choose?: (config: RunConfig) => Promise<RunOnly | undefined | null>,
): Promise<{ config: RunConfig; only?: RunOnly } | { outcome: RunOutcome }> {
  if (!vscode.workspace.isTrusted) {
    // Restricted Mode: a config could point requests (and keys) anywhere, so nothing runs
    void vscode.window
      .showErrorMessage(`AgoraBench: ${spec.doing} is disabled in Restricted Mode. Trust this workspace to run it.`, 'Manage Workspace Trust')
      .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
    return { outcome: { status: 'restricted' } };
  }
  const configFile = await resolveConfigFile(arg, spec.question);
  if (!configFile) return { outcome: { status: 'no-config' } };
  let config: RunConfig;
  try {
    config = loadConfig(configFile);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    services.diagnostics.publish(e);
    services.log.error(e.message);
    void vscode.window.showErrorMessage(`AgoraBench: invalid config ${firstProblem(e)}`);
    return { outcome: { status: 'config-error', configFile, problems: e.problems } };
  }
  services.diagnostics.clear(configFile);
  const only = choose ? await choose(config) : undefined;
  if (only === null) return { outcome: { status: 'no-config' } };
  const missing = await firstMissingKey(services, spec.endpoints(config, only));
  if (missing) return { outcome: reportMissingKey(services, config, missing) };
  // no await between this check and the registration that follows: two quick launches cannot both pass it
  if (services.runs.isRunning(spec.registryKey(config))) {
    void vscode.window.showInformationMessage(`AgoraBench: "${config.name}" is busy ${spec.doing} already.`);
    return { outcome: { status: 'already-running', configFile: config.file } };
  }
  return { config, only };
}

/** Checks keys with the engine's own check before starting, so a missing one is reported before any store is touched. */
async function firstMissingKey(services: Services, endpoints: KeyedEndpoint[]): Promise<MissingKeyError | undefined> {
  try {
    await resolveKeys(endpoints, services.keys.resolver);
    return undefined;
  } catch (e) {
    if (e instanceof MissingKeyError) return e;
    throw e;
  }
}

export function reportMissingKey(services: Services, config: RunConfig, e: MissingKeyError): RunOutcome {
  services.log.warn(`no API key for "${e.generator}" (${e.envVar})`);
  void vscode.window.showErrorMessage(`AgoraBench: no API key for "${e.generator}" (${e.envVar}).`, 'Set API Key').then((choice) => {
    if (choice) void vscode.commands.executeCommand('agorabench.setApiKey', { envVar: e.envVar, configFile: config.file });
  });
  return { status: 'missing-key', configFile: config.file, envVar: e.envVar, generator: e.generator };
}

/** What the engine needs from a launch: its stop signals, keys and an event sink. */
export interface EngineOptions {
  signal: AbortSignal;
  stopSignal: AbortSignal;
  resolveKey: KeyResolver;
  onEvent: (e: RunEvent) => void;
}

/**
 * Runs an engine job under a cancellable progress notification: Cancel stops new requests at
 * once and aborts those in flight after a grace period; the engine keeps everything finished.
 * Errors become an error notification and an outcome, never a second generic error.
 */
export async function runWithProgress<S extends RunSummary>(
  services: Services,
  config: RunConfig,
  spec: LaunchSpec,
  job: (o: EngineOptions) => Promise<S>,
  onEvent?: (e: RunEvent) => void,
): Promise<{ summary: S } | { outcome: RunOutcome }> {
  const key = spec.registryKey(config);
  const control = services.runs.start(key, { kind: spec.kind, configFile: config.file, configName: config.name });
  const follow = jobFollower(control);
  try {
    const title = `AgoraBench: ${config.name}`;
    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      // where progress goes: this notification, or the "stopping" one once Cancel closed it
      let sink: ProgressSink = progress;
      let inFlight = 0;
      const report = progressReporter({ report: (v) => sink.report(v) }, services.log, { stopping: () => control.stopSignal.aborted, onInFlight: (n) => (inFlight = n) });
      const running = job({
        signal: control.signal,
        stopSignal: control.stopSignal,
        resolveKey: services.keys.resolver,
        onEvent: (e) => {
          report(e);
          follow(e);
          onEvent?.(e);
        },
      });
      // Cancel (the notification's button or the Cancel command): say at once what the run still waits for
      const onStop = () => {
        const message = stoppingMessage(inFlight);
        services.log.info(`${spec.doing} "${config.name}": ${message}`);
        if (!token.isCancellationRequested) return progress.report({ message });
        // the notification closes on its Cancel button: a second one stays until the job has ended
        void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, (p) => {
          sink = p;
          p.report({ message });
          return running.then(
            () => undefined,
            () => undefined,
          );
        });
      };
      control.stopSignal.addEventListener('abort', onStop, { once: true });
      const sub = token.onCancellationRequested(() => control.cancel());
      return running.finally(() => {
        sub.dispose();
        control.stopSignal.removeEventListener('abort', onStop);
      });
    });
    return { summary };
  } catch (e) {
    if (e instanceof MissingKeyError) return { outcome: reportMissingKey(services, config, e) };
    const message = errorMessage(e);
    services.log.error(`${spec.doing} "${config.name}" failed: ${message}`);
    void vscode.window.showErrorMessage(`AgoraBench: ${spec.doing} "${config.name}" failed: ${message}`);
    return { outcome: { status: 'error', configFile: config.file, message } };
  } finally {
    services.runs.finish(key, control);
  }
}

/** Keeps a job's state (for the Jobs view and the status bar) current from the engine's events. */
function jobFollower(control: RunControl): (e: RunEvent) => void {
  let unpriced: string[] = [];
  const models = new Map<string, string>();
  return (e) => {
    if (e.type === 'run-start') {
      unpriced = e.unpriced ?? [];
      for (const d of e.datasets) models.set(d.id, d.model);
      control.update({ phase: 'running', done: e.alreadyDone, total: e.totalTarget, resultsDir: e.resultsDir, run: e.run, datasets: e.datasets.map((d) => ({ id: d.id, done: 0, target: d.target })) });
    } else if (e.type === 'progress') {
      control.update({
        phase: 'running',
        done: e.done,
        total: e.totalTarget,
        costUsd: e.costUsd,
        costUnknown: priceUnknown(models.values(), unpriced),
        inFlight: e.requestsInFlight,
        datasets: e.datasets.map((d) => ({ id: d.datasetId, done: d.valid + d.failed, target: d.target, valid: d.valid, failed: d.failed, costUsd: d.costUsd })),
      });
    }
  };
}
