// The largest stall of the calling thread while a run writes into a large store: it opens the
// 100K store (loading and replaying it), adds instances, checkpoints and closes it (saving the
// whole database). Measured twice on copies of the same store: the run in this thread (as the CLI
// runs it) and in the job worker (as the extension runs it). A 1 ms timer on this thread records
// the longest gap between its ticks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig, runBenchmark, runJobInWorker, type RunSummary } from '../src/core';
import { packageRoot } from '../src/core/util/assets';
import { startServerProcess } from './fakeServerProcess';
import { benchInfo } from './panels';

const EXTRA = Number(process.env.BENCH_PANELS_EXTRA ?? 3000);

function probe(): () => number {
  let last = performance.now();
  let max = 0;
  const t = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last - 1);
    last = now;
  }, 1);
  return () => {
    clearInterval(t);
    return max;
  };
}

export async function stallFigures(storeDir: string, n: number): Promise<Record<string, unknown>> {
  const server = await startServerProcess(['--latency', '5']);
  const info = benchInfo(n);
  const out: Record<string, number> = {};
  try {
    for (const mode of ['inProcess', 'worker'] as const) {
      const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agb-stall-'));
      try {
        fs.cpSync(storeDir, path.join(resultsDir, 'datasets', info.id), { recursive: true });
        fs.rmSync(path.join(resultsDir, 'datasets', info.id, 'complete'));
        const config = parseConfig(
          path.join(resultsDir, 'stall.agorabench.json'),
          JSON.stringify({
            name: info.run,
            resultsDir,
            generators: [{ id: info.generator, provider: 'openai-compatible', model: 'stall-model', baseURL: server.openaiBaseURL, limits: { concurrency: 32 } }],
            settings: [{ setting: info.setting, seeds: path.join(packageRoot(), 'examples/seeds/demo.math.jsonl'), instances: n + EXTRA }],
            generation: { checkpointSeconds: 1 },
          }),
        );
        const stop = probe();
        const t0 = performance.now();
        const summary = mode === 'worker' ? await runJobInWorker<RunSummary>('run', config, {}) : await runBenchmark(config, {});
        out[`${mode}RunMs`] = Math.round(performance.now() - t0);
        out[`${mode}MaxStallMs`] = Math.round(stop() * 10) / 10;
        const d = summary.datasets[0];
        if ((d?.valid ?? 0) + (d?.failed ?? 0) < n + EXTRA) throw new Error(`the ${mode} run ended with ${JSON.stringify(d)}`);
      } finally {
        fs.rmSync(resultsDir, { recursive: true, force: true });
      }
    }
  } finally {
    server.stop();
  }
  return { maxStallMs: out.workerMaxStallMs, stall: { addedInstances: EXTRA, ...out } };
}
