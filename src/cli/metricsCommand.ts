// `agorabench metrics`: intrinsic metrics of a run's datasets, as dataset-level figures.
import { computeMetrics, loadConfig, type DatasetMetricRow } from '../core';
import { interruptible, list, runExitCode, type Io } from './commands';
import { table } from './format';
import { progressReporter } from './progress';

export interface MetricsFlags {
  generators?: string;
  settings?: string;
  retryFailed?: boolean;
  json?: boolean;
}

/** `agorabench metrics <config>`: intrinsic metrics of the run's datasets (resumable; judges cached). */
export async function metricsCommand(configFile: string, flags: MetricsFlags, io: Io): Promise<number> {
  const config = loadConfig(configFile);
  const summary = await interruptible(io, (signals) =>
    computeMetrics(config, {
      ...signals,
      only: { generators: list(flags.generators), settings: list(flags.settings) },
      retryFailed: flags.retryFailed,
      onEvent: flags.json ? (e) => e.type === 'log' && e.level !== 'info' && io.err.write(`${e.level}: ${e.message}\n`) : progressReporter(io.err),
    }),
  );
  if (flags.json) io.out.write(JSON.stringify(summary) + '\n');
  else io.out.write(`${metricsText(summary.metrics)}\n`);
  return runExitCode(summary);
}

/** One block per dataset: each metric key with its value, and how many instances it is over. */
export function metricsText(rows: DatasetMetricRow[]): string {
  const out: string[] = [];
  for (const dataset of [...new Set(rows.map((r) => r.dataset))]) {
    out.push(dataset);
    const own = rows.filter((r) => r.dataset === dataset);
    out.push(
      table(
        ['metric', 'value', 'n', 'missing'],
        own.map((r) => [r.key, r.value === null ? '—' : Math.abs(r.value) >= 100 ? r.value.toFixed(1) : r.value.toFixed(4), r.n, r.missing || '']),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    out.push('');
  }
  return out.join('\n');
}
