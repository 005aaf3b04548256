// "AgoraBench: Compute Metrics": the intrinsic metrics of the config's datasets, with progress
// and Cancel; dataset figures go to the index (for the panels and `analyze`) and the Output channel.
import * as vscode from 'vscode';
import { runJobInWorker, type MetricsSummary, type RunConfig } from '../../core';
import { prepareLaunch, runWithProgress, type LaunchSpec } from '../run/launch';
import type { RunOutcome } from '../run/runOutcome';
import type { Services } from '../services';

export const METRICS_COMMAND = 'agorabench.computeMetrics';

const METRICS_LAUNCH: LaunchSpec = {
  kind: 'metrics',
  doing: 'computing metrics',
  question: 'Metrics of which config\'s datasets?',
  endpoints: (c: RunConfig) => [...c.metrics.judges, ...[c.metrics.perplexity, c.metrics.embeddings, c.metrics.reward].filter((e) => e !== undefined)],
  registryKey: (c) => `${c.file}#metrics`,
};

export type MetricsOutcome = Exclude<RunOutcome, { status: 'finished' }> | { status: 'computed'; summary: MetricsSummary };

export function registerMetricsCommand(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(METRICS_COMMAND, (arg?: unknown) => metrics(services, arg));
}

async function metrics(services: Services, arg: unknown): Promise<MetricsOutcome> {
  const ready = await prepareLaunch(services, arg, METRICS_LAUNCH);
  if ('outcome' in ready) return ready.outcome as MetricsOutcome;
  const { config } = ready;
  const done = await runWithProgress(services, config, METRICS_LAUNCH, (o) => runJobInWorker<MetricsSummary>('metrics', config, o));
  if ('outcome' in done) return done.outcome as MetricsOutcome;
  const { summary } = done;
  const datasets = new Set(summary.metrics.map((r) => r.dataset)).size;
  const lines = summary.metrics.map((r) => `  ${r.dataset}  ${r.key}  ${r.value === null ? '—' : r.value.toFixed(4)}  n=${r.n}${r.missing ? ` missing=${r.missing}` : ''}`);
  services.log.info(`metrics of "${config.name}":\n${lines.join('\n')}`);
  const missing = summary.metrics.filter((r) => r.missing > 0).length;
  const text = `AgoraBench: metrics of ${datasets} dataset(s) ${summary.status}${missing ? `; ${missing} figure(s) have instances without a value (see the log)` : ''}.`;
  void (summary.status === 'completed' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(text, 'Show Metrics').then((c) => c && services.log.show());
  return { status: 'computed', summary };
}
