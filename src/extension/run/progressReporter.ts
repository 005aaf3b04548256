// Turns the engine's RunEvents into `withProgress` reports (percent increments and a short
// message) and Output channel lines.
import type * as vscode from 'vscode';
import { costWithUnknown, priceUnknown, shortfallText, unpricedText, type RunEvent } from '../../core';

export interface ProgressSink {
  report(value: { message?: string; increment?: number }): void;
}

/** Dollars; `unknown` = some or all of the work is by models without a price ("price unknown", not "$0.00"). */
export function formatUsd(usd: number, unknown?: 'all' | 'some'): string {
  return costWithUnknown(`$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`, unknown);
}

/** The progress message once Cancel was asked for: nothing new starts, what is in flight finishes. */
export function stoppingMessage(inFlight: number): string {
  return `stopping… ${inFlight} in flight`;
}

/**
 * `stopping`: whether Cancel was asked for; from then on the message says what the run still
 * waits for. `requestsInFlight` (optional) gets the latest count, for a message shown at once.
 */
export function progressReporter(
  progress: ProgressSink,
  log: vscode.LogOutputChannel,
  opts: { stopping?: () => boolean; onInFlight?: (n: number) => void } = {},
): (e: RunEvent) => void {
  let reportedPct = 0;
  // models without a price (from run-start) and the model of each dataset
  let unpriced: string[] = [];
  const modelOf = new Map<string, string>();
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
        unpriced = e.unpriced ?? [];
        for (const d of e.datasets) modelOf.set(d.id, d.model);
        for (const m of unpriced) log.warn(unpricedText(m));
        advance(e.alreadyDone, e.totalTarget, `${e.alreadyDone}/${e.totalTarget}`);
        break;
      case 'progress':
        opts.onInFlight?.(e.requestsInFlight);
        advance(
          e.done,
          e.totalTarget,
          opts.stopping?.()
            ? `${stoppingMessage(e.requestsInFlight)} · ${e.done}/${e.totalTarget}`
            : `${e.done}/${e.totalTarget} · ${formatUsd(e.costUsd, priceUnknown(modelOf.values(), unpriced))} · ${e.requestsInFlight} in flight`,
        );
        break;
      case 'dataset-done':
        // failures are worth a warning; a dataset with nothing valid is an error
        log[levelOf(e.valid, e.failed, e.status)](`dataset ${e.datasetId}: ${e.status}, ${e.valid} valid, ${e.failed} failed, ${formatUsd(e.costUsd, priceUnknown([modelOf.get(e.datasetId) ?? ''], unpriced))}`);
        break;
      case 'log':
        log[e.level](e.message);
        break;
      case 'run-done': {
        const valid = e.summary.datasets.reduce((n, d) => n + d.valid, 0);
        const failed = e.summary.datasets.reduce((n, d) => n + d.failed, 0);
        const cost = formatUsd(e.summary.costUsd, priceUnknown(e.summary.datasets.map((d) => d.model), e.summary.unpriced));
        const fromCache = e.summary.datasets.reduce((n, d) => n + (d.fromCache ?? 0), 0);
        const cached = fromCache ? ` (${fromCache} from cache: 0 tokens, no cost)` : '';
        log[levelOf(valid, failed, e.summary.status)](`run "${e.summary.run}" ${e.summary.status} in ${(e.summary.elapsedMs / 1000).toFixed(1)}s: ${valid} valid, ${failed} failed, ${cost}${cached}`);
        break;
      }
    }
  };
}

/** Info when all went well, warn when slots failed (or the run did not complete), error when nothing is valid. */
export function levelOf(valid: number, failed: number, status: string): 'info' | 'warn' | 'error' {
  if (valid === 0 && (failed > 0 || status === 'failed')) return 'error';
  return failed > 0 || status !== 'completed' ? 'warn' : 'info';
}
