import { SingleBar } from 'cli-progress';
import { priceUnknown, shortfallText, unpricedText, type RunEvent } from '../core';
import { usd } from './format';

/** Progress for `agorabench run`: a live bar on a terminal, a line every few seconds otherwise. */
export function progressReporter(stream: NodeJS.WriteStream): (e: RunEvent) => void {
  const tty = Boolean(stream.isTTY);
  let bar: SingleBar | undefined;
  let total = 0;
  let state = { done: 0, valid: 0, failed: 0, cost: usd(0), inflight: 0 };
  let lastLine = 0;
  let unknown: 'all' | 'some' | undefined;
  const startBar = () => {
    bar = new SingleBar({
      stream,
      format: ' {bar} {percentage}% | {value}/{total} | valid {valid} failed {failed} | {cost} | {inflight} in flight | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      etaBuffer: 200,
    });
    bar.start(total, state.done, state);
  };
  return (e) => {
    switch (e.type) {
      case 'run-start':
        stream.write(`run "${e.run}": ${e.datasets.length} dataset(s), ${e.totalTarget} instance slots${e.alreadyDone ? `, ${e.alreadyDone} already done (resuming)` : ''}\n`);
        stream.write(`results: ${e.resultsDir}\n`);
        for (const f of e.shortfalls) stream.write(`warning: ${shortfallText(f)}\n`);
        for (const m of e.unpriced ?? []) stream.write(`warning: ${unpricedText(m)}\n`);
        unknown = priceUnknown(e.datasets.map((d) => d.model), e.unpriced);
        state = { ...state, cost: usd(0, unknown) };
        total = e.totalTarget;
        state = { ...state, done: e.alreadyDone };
        if (tty) startBar();
        break;
      case 'progress': {
        state = {
          done: e.done,
          valid: e.datasets.reduce((n, d) => n + d.valid, 0),
          failed: e.datasets.reduce((n, d) => n + d.failed, 0),
          cost: usd(e.costUsd, unknown),
          inflight: e.requestsInFlight,
        };
        if (bar) bar.update(e.done, state);
        else if (!tty && Date.now() - lastLine > 5000) {
          lastLine = Date.now();
          stream.write(`progress ${e.done}/${e.totalTarget} valid ${state.valid} failed ${state.failed} cost ${state.cost}\n`);
        }
        break;
      }
      case 'log':
        // print the message above the bar: stop it, write, start it again where it was
        if (bar) bar.stop();
        stream.write(`${e.level}: ${e.message}\n`);
        if (bar) startBar();
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
