// Turns the engine's RunEvents into `withProgress` reports (percent increments and a short
// message) and Output channel lines.
import type * as vscode from 'vscode';
import { shortfallText, type RunEvent } from '../../core';

export interface ProgressSink {
  report(value: { message?: string; increment?: number }): void;
}

export function formatUsd(usd: number): string {
  return `$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

export function progressReporter(progress: ProgressSink, log: vscode.LogOutputChannel): (e: RunEvent) => void {
  let reportedPct = 0;
  const advance = (done: number, total: number, message: string) => {
    const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
    progress.report({ message, increment: Math.max(0, pct - reportedPct) });
    reportedPct = Math.max(reportedPct, pct);
  };
  return (e) => {
    switch (e.type) {
      case 'run-start':
        log.info(`run "${e.run}": ${e.datasets.length} datasets, ${e.totalTarget} instances (${e.alreadyDone} already done) -> ${e.resultsDir}`);
        for (const f of e.shortfalls) log.warn(shortfallText(f));
        advance(e.alreadyDone, e.totalTarget, `${e.alreadyDone}/${e.totalTarget}`);
        break;
      case 'progress':
        advance(e.done, e.totalTarget, `${e.done}/${e.totalTarget} · ${formatUsd(e.costUsd)} · ${e.requestsInFlight} in flight`);
        break;
      case 'dataset-done':
        log.info(`dataset ${e.datasetId}: ${e.status}, ${e.valid} valid, ${e.failed} failed, ${formatUsd(e.costUsd)}`);
        break;
      case 'log':
        log[e.level](e.message);
        break;
      case 'run-done':
        log.info(`run "${e.summary.run}" ${e.summary.status} in ${(e.summary.elapsedMs / 1000).toFixed(1)}s, ${formatUsd(e.summary.costUsd)}`);
        break;
    }
  };
}
