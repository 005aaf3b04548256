// "AgoraBench: Run Benchmark": load the config (problems become diagnostics), run the engine
// under a cancellable progress notification, and report the counts and cost at the end.
import * as vscode from 'vscode';
import { priceUnknown, runJobInWorker, shortfallText, unpricedText, type RunConfig, type RunSummary, type SeedShortfall } from '../../core';
import { prepareLaunch, runWithProgress, type LaunchSpec, type RunOnly } from './launch';
import type { Services } from '../services';
import { formatUsd } from './progressReporter';
import type { RunOutcome } from './runOutcome';
import { stepDone } from '../walkthrough/walkthroughSteps';

export const RUN_COMMAND = 'agorabench.run';
export const RESUME_COMMAND = 'agorabench.resume';
export const RETRY_FAILED_COMMAND = 'agorabench.retryFailed';

/**
 * What the run commands accept: a config path or Uri (explorer, editor title), a Runs view item,
 * or `{ configFile, only, retryFailed }` (CodeLens "Run only this", tests). Without a config, the
 * config is picked, and "Run Benchmark" then asks which generators and settings.
 */
export type RunArgs = string | vscode.Uri | { configFile?: string; only?: RunOnly; retryFailed?: boolean } | undefined;

export function registerRunCommand(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(RUN_COMMAND, (arg?: RunArgs) => runCommand(services, arg, arg === undefined ? 'pick' : 'all')),
    // resuming is running again: every slot already done is skipped, nothing is asked
    vscode.commands.registerCommand(RESUME_COMMAND, (arg?: RunArgs) => runCommand(services, arg, 'all')),
    vscode.commands.registerCommand(RETRY_FAILED_COMMAND, (arg?: RunArgs) => runCommand(services, arg, 'all', true)),
  );
}

/** "Run Benchmark": generation needs the chosen generators' keys; one run per config at a time. */
export const RUN_LAUNCH: LaunchSpec = {
  kind: 'generation',
  doing: 'running a benchmark',
  question: 'Which benchmark config should run?',
  endpoints: (c, only) => c.generators.filter((g) => !only?.generators || only.generators.includes(g.id)),
  registryKey: (c) => c.file,
};

async function runCommand(services: Services, arg: RunArgs, scope: 'pick' | 'all', retry = false): Promise<RunOutcome> {
  const given = typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : undefined;
  const ready = await prepareLaunch(services, given && !given.configFile ? undefined : arg, RUN_LAUNCH, async (config) => given?.only ?? (scope === 'pick' ? pickSubset(config) : undefined));
  if ('outcome' in ready) return ready.outcome;
  return execute(services, ready.config, { only: ready.only, retryFailed: retry || given?.retryFailed === true });
}

/**
 * Which generators and settings to run: every one is ticked, so Enter runs the whole config.
 * Returns undefined for all of them, null when the pick was dismissed or left a group empty.
 */
async function pickSubset(config: RunConfig): Promise<RunOnly | undefined | null> {
  const settings = [...new Set(config.settings.map((s) => s.key))];
  if (config.generators.length < 2 && settings.length < 2) return undefined;
  type Item = vscode.QuickPickItem & { generator?: string; setting?: string };
  const items: Item[] = [
    { label: 'Generators', kind: vscode.QuickPickItemKind.Separator },
    ...config.generators.map((g) => ({ label: g.id, description: `${g.provider} · ${g.model}`, picked: true, generator: g.id })),
    { label: 'Settings', kind: vscode.QuickPickItemKind.Separator },
    ...settings.map((key) => ({ label: key, description: `${config.settings.filter((s) => s.key === key).reduce((n, s) => n + s.instances, 0)} instances`, picked: true, setting: key })),
  ];
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: `Run "${config.name}"`, placeHolder: 'Untick what should not run now (Enter runs what is ticked)' });
  if (!picked) return null;
  const generators = picked.flatMap((i) => (i.generator ? [i.generator] : []));
  const chosen = picked.flatMap((i) => (i.setting ? [i.setting] : []));
  if (!generators.length || !chosen.length) {
    void vscode.window.showWarningMessage(`AgoraBench: nothing to run: tick at least one generator and one setting.`);
    return null;
  }
  return {
    generators: generators.length === config.generators.length ? undefined : generators,
    settings: chosen.length === settings.length ? undefined : chosen,
  };
}

async function execute(services: Services, config: RunConfig, options: { only?: RunOnly; retryFailed: boolean }): Promise<RunOutcome> {
  const done = await runWithProgress(
    services,
    config,
    RUN_LAUNCH,
    (o) => runJobInWorker<RunSummary>('run', config, { ...o, only: options.only ? { ...options.only } : undefined, retryFailed: options.retryFailed }),
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
  // what to do next: look at the results; give failed slots another round; read why
  const actions = ['Open Results', ...(failed > 0 ? ['Retry Failed'] : []), ...(summary.status !== 'completed' || failed > 0 ? ['Show Log'] : [])];
  void show(text, ...actions).then((choice) => {
    if (choice === 'Open Results') void vscode.commands.executeCommand('agorabench.openInstances', { configFile: config.file, resultsDir: summary.resultsDir, run: summary.run });
    if (choice === 'Retry Failed') void vscode.commands.executeCommand(RETRY_FAILED_COMMAND, { configFile: config.file, only: options.only });
    if (choice === 'Show Log') services.log.show();
  });
  if (valid > 0) {
    // answers came back: whatever reached the endpoints (a stored key, the environment, a keyless server) works
    stepDone('key');
    stepDone('results');
  }
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
