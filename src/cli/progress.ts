import { SingleBar } from 'cli-progress';
import type { RunEvent } from '../core';
import { usd } from './format';

/** Progress for `agorabench run`: a live bar on a terminal, a line every few seconds otherwise. */
export function progressReporter(stream: NodeJS.WriteStream): (e: RunEvent) => void {
  const tty = Boolean(stream.isTTY);
  let bar: SingleBar | undefined;
  let lastLine = 0;
  return (e) => {
    switch (e.type) {
      case 'run-start':
        stream.write(`run "${e.run}": ${e.datasets.length} dataset(s), ${e.totalTarget} instance slots${e.alreadyDone ? `, ${e.alreadyDone} already done (resuming)` : ''}\n`);
        stream.write(`results: ${e.resultsDir}\n`);
        if (tty) {
          bar = new SingleBar({
            stream,
            format: ' {bar} {percentage}% | {value}/{total} | valid {valid} failed {failed} | {cost} | {inflight} in flight | ETA {eta_formatted}',
            barsize: 24,
            hideCursor: true,
            etaBuffer: 200,
          });
          bar.start(e.totalTarget, e.alreadyDone, { valid: 0, failed: 0, cost: usd(0), inflight: 0 });
        }
        break;
      case 'progress': {
        const valid = e.datasets.reduce((n, d) => n + d.valid, 0);
        const failed = e.datasets.reduce((n, d) => n + d.failed, 0);
        if (bar) bar.update(e.done, { valid, failed, cost: usd(e.costUsd), inflight: e.requestsInFlight });
        else if (Date.now() - lastLine > 5000) {
          lastLine = Date.now();
          stream.write(`progress ${e.done}/${e.totalTarget} valid ${valid} failed ${failed} cost ${usd(e.costUsd)}\n`);
        }
        break;
      }
      case 'log':
        if (bar) bar.stop();
        stream.write(`${e.level}: ${e.message}\n`);
        bar = undefined;
        break;
      case 'run-done':
        bar?.stop();
        bar = undefined;
        break;
      default:
        break;
    }
  };
}
