// Does the engine scale linearly? One 100K-instance dataset, then one run of 10 datasets × 10K,
// against the fake server (own process, 5 ms latency) at concurrency 64, with the run-wide stop
// signals the CLI passes. Prints instances per second over the first and the last 10K of each,
// their ratio (target >= 0.9), peak RSS and store sizes, and ends with one JSON line.
// BENCH_SCALE_ONLY=one|many runs one part. Sizes: BENCH_SCALE_INSTANCES (default 100000), BENCH_SCALE_DATASETS × BENCH_SCALE_PER_DATASET (10 × 10000).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { parseConfig, runBenchmark, type RunEvent } from '../src/core';
import { packageRoot } from '../src/core/util/assets';
import { startServerProcess, type ServerProcess } from './fakeServerProcess';

const INSTANCES = Number(process.env.BENCH_SCALE_INSTANCES ?? 100_000);
const DATASETS = Number(process.env.BENCH_SCALE_DATASETS ?? 10);
const PER_DATASET = Number(process.env.BENCH_SCALE_PER_DATASET ?? 10_000);
const WINDOW = Math.min(10_000, Math.floor(Math.min(INSTANCES, DATASETS * PER_DATASET) / 4));
const CONCURRENCY = 64;
const seedsFor = (setting: string) => path.join(packageRoot(), `examples/seeds/demo.${setting.split('.')[1]}.jsonl`);

let peakRss = 0;
let atPeak = process.memoryUsage();
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss > peakRss) [peakRss, atPeak] = [m.rss, m];
}, 100);
const mib = (n: number) => Math.round(n / 2 ** 20);

interface Measured {
  firstPerSec: number;
  lastPerSec: number;
  ratio: number;
  seconds: number;
  peakRssMiB: number;
  storeMiB: number;
  valid: number;
  failed: number;
}

/** Runs a config; instances/s over the first and the last WINDOW finished slots, from progress events. */
async function measure(dir: string, name: string, server: ServerProcess, generators: number, settings: string[], instances: number): Promise<Measured> {
  const cfg = {
    name,
    resultsDir: path.join(dir, name),
    generators: Array.from({ length: generators }, (_, i) => ({ id: `g${i}`, provider: 'openai-compatible', model: `scale-model-${i}`, baseURL: server.openaiBaseURL, limits: { concurrency: CONCURRENCY } })),
    settings: settings.map((setting) => ({ setting, seeds: seedsFor(setting), instances })),
  };
  const config = parseConfig(path.join(dir, `${name}.agorabench.json`), JSON.stringify(cfg));
  const total = generators * settings.length * instances;
  const marks: { done: number; t: number }[] = [];
  let snapped = false;
  const stop = new AbortController();
  const abort = new AbortController();
  peakRss = 0;
  const t0 = performance.now();
  const summary = await runBenchmark(config, {
    signal: abort.signal,
    stopSignal: stop.signal,
    progressIntervalMs: 200,
    onEvent: (e: RunEvent) => {
      if (e.type === 'progress') marks.push({ done: e.done, t: performance.now() });
      // BENCH_SCALE_HEAPSNAP=<dir>: one heap snapshot at 80 % (for finding what grows)
      if (e.type === 'progress' && process.env.BENCH_SCALE_HEAPSNAP && !snapped && e.done >= 0.8 * total) {
        snapped = true;
        console.log(`heap snapshot: ${writeHeapSnapshot(path.join(process.env.BENCH_SCALE_HEAPSNAP, `${name}.heapsnapshot`))}`);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const at = (n: number) => marks.find((m) => m.done >= n) ?? marks[marks.length - 1];
  const rate = (from: number, to: number) => {
    const a = at(from);
    const b = at(to);
    return a && b && b.t > a.t ? (b.done - a.done) / ((b.t - a.t) / 1000) : NaN;
  };
  if (process.env.BENCH_SCALE_DECILES) {
    const per = Array.from({ length: Math.floor(total / WINDOW) }, (_, i) => Math.round(rate(i * WINDOW, (i + 1) * WINDOW)));
    console.log(`  ${name}: instances/s per ${WINDOW}: ${per.join(' ')}`);
  }
  const firstPerSec = rate(0, WINDOW);
  const lastPerSec = rate(total - WINDOW, total);
  let storeBytes = 0;
  for (const d of summary.datasets) storeBytes += fs.statSync(path.join(config.resultsDir, d.dir, 'dataset.sqlite')).size;
  return {
    firstPerSec,
    lastPerSec,
    ratio: lastPerSec / firstPerSec,
    seconds,
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    storeMiB: Math.round(storeBytes / 2 ** 20),
    valid: summary.datasets.reduce((n, d) => n + d.valid, 0),
    failed: summary.datasets.reduce((n, d) => n + d.failed, 0),
  };
}

function line(label: string, m: Measured): void {
  console.log(`  at peak RSS: JS heap ${mib(atPeak.heapUsed)} MiB used of ${mib(atPeak.heapTotal)}, array buffers (sql.js memory, I/O) ${mib(atPeak.arrayBuffers)} MiB`);
  console.log(
    `${label}: ${m.valid} valid, ${m.failed} failed in ${m.seconds.toFixed(1)} s; first ${WINDOW}: ${m.firstPerSec.toFixed(0)}/s, last ${WINDOW}: ${m.lastPerSec.toFixed(0)}/s, ratio ${m.ratio.toFixed(3)} (target >= 0.9); peak RSS ${m.peakRssMiB} MiB; stores ${m.storeMiB} MiB`,
  );
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agb-scale-'));
  const server = await startServerProcess(['--latency', '5']);
  try {
    await measure(dir, 'warm-up', server, 1, ['instance_generation.math'], 2000);
    await server.reset();
    const only = process.env.BENCH_SCALE_ONLY;
    const none: Measured = { firstPerSec: NaN, lastPerSec: NaN, ratio: NaN, seconds: 0, peakRssMiB: 0, storeMiB: 0, valid: 0, failed: 0 };
    const one = only === 'many' ? none : await measure(dir, 'one', server, 1, ['instance_generation.math'], INSTANCES);
    if (only !== 'many') line(`1 dataset × ${INSTANCES}`, one);
    if (only === 'one') return;
    await server.reset();
    const gens = Math.max(1, Math.round(DATASETS / 2));
    const many = await measure(dir, 'many', server, gens, ['instance_generation.math', 'instance_generation.code'].slice(0, Math.ceil(DATASETS / gens)), PER_DATASET);
    line(`${gens * Math.ceil(DATASETS / gens)} datasets × ${PER_DATASET}`, many);
    const round = (n: number) => Number(n.toFixed(3));
    console.log(
      JSON.stringify({
        oneDataset: { instances: INSTANCES, firstPerSec: Math.round(one.firstPerSec), lastPerSec: Math.round(one.lastPerSec), ratio: round(one.ratio), peakRssMiB: one.peakRssMiB, storeMiB: one.storeMiB },
        manyDatasets: { datasets: DATASETS, each: PER_DATASET, firstPerSec: Math.round(many.firstPerSec), lastPerSec: Math.round(many.lastPerSec), ratio: round(many.ratio), peakRssMiB: many.peakRssMiB, storeMiB: many.storeMiB },
      }),
    );
  } finally {
    clearInterval(sampler);
    server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
