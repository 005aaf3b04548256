// Throughput of the generation engine against a fake server with real latency, printed as
// ratios against the ideal (requests × latency / concurrency) and against an enforced RPM limit.
// Ends with one JSON line, e.g. {"idealRatio":1.05,"rawSdkRatio":1.04,"rpmFraction":0.99,"lost":0,"peakRssMiB":200}
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { parseConfig, Results, runBenchmark, type RunSummary } from '../src/core';
import { packageRoot } from '../src/core/util/assets';
import { startServerProcess, type ServerProcess } from './fakeServerProcess';

const LATENCY_MS = 200;
const CONCURRENCY = 32;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const RPM = Number(process.env.BENCH_RPM ?? 1200);
const RPM_REQUESTS = Number(process.env.BENCH_RPM_REQUESTS ?? 600);
const SEEDS = path.join(packageRoot(), 'examples/seeds/demo.math.jsonl');

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

function config(dir: string, name: string, server: ServerProcess, instances: number, limits: Record<string, unknown>) {
  const cfg = {
    name,
    resultsDir: path.join(dir, name),
    generators: [{ id: 'fake', provider: 'openai-compatible', model: 'bench-model', baseURL: server.openaiBaseURL, limits: { maxTransportRetries: 50, retryBaseMs: 100, ...limits } }],
    settings: [{ setting: 'instance_generation.math', seeds: SEEDS, instances }],
  };
  return parseConfig(path.join(dir, `${name}.agorabench.json`), JSON.stringify(cfg));
}

async function lost(summary: RunSummary): Promise<number> {
  let missing = 0;
  const results = new Results(summary.resultsDir);
  for (const d of summary.datasets) {
    const { rows } = await results.page(d.id, { limit: d.target + 1 });
    missing += d.target - new Set(rows.map((r) => r.slot)).size;
  }
  return missing;
}

/**
 * The peer: the same number of requests through the bare OpenAI SDK, 32 at a time, with a prompt
 * of the same size and nothing else (no parsing, validation, journal or cache). Its ratio to
 * the ideal is what the fake server and the SDK cost on this machine; the engine's own cost is
 * the difference.
 */
async function rawSdkRatio(server: ServerProcess, requests: number): Promise<number> {
  const client = new OpenAI({ apiKey: 'bench', baseURL: server.openaiBaseURL, maxRetries: 0 });
  const prompt = fs.readFileSync(path.join(packageRoot(), 'prompts', 'instance_generation.math.txt'), 'utf8') + fs.readFileSync(SEEDS, 'utf8').slice(0, 1500);
  const one = () => client.chat.completions.create({ model: 'bench-raw', messages: [{ role: 'user', content: prompt }], max_tokens: 4096, stop: ['[END]'] });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < requests) await one();
  }));
  return (performance.now() - t0) / 1000 / ((requests * LATENCY_MS) / 1000 / CONCURRENCY);
}

function report(r: { idealRatio: number; rawSdkRatio: number; rpmFraction?: number; lost: number; valid: number }): void {
  console.log(`instances: ${r.valid} valid, ${r.lost} lost; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  const round = (n: number) => Number(n.toFixed(3));
  console.log(
    JSON.stringify({
      idealRatio: round(r.idealRatio),
      rawSdkRatio: round(r.rawSdkRatio),
      ...(r.rpmFraction !== undefined ? { rpmFraction: round(r.rpmFraction) } : {}),
      lost: r.lost,
      peakRssMiB: Math.round(peakRss / 2 ** 20),
    }),
  );
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agb-bench-'));
  const server = await startServerProcess(['--latency', String(LATENCY_MS)]);
  try {
    // warm-up (module loading, JIT), not measured
    await runBenchmark(config(dir, 'warm-up', server, 64, { concurrency: CONCURRENCY }));
    const raw = await rawSdkRatio(server, REQUESTS);
    console.log(`peer, bare SDK loop: ${REQUESTS} requests at concurrency ${CONCURRENCY}: ratio to ideal ${raw.toFixed(3)} (the fake server and the SDK alone)`);
    await server.reset();
    // 1. latency-bound: how close to requests × latency / concurrency
    const t0 = performance.now();
    const s1 = await runBenchmark(config(dir, 'ideal', server, REQUESTS, { concurrency: CONCURRENCY }));
    const wall1 = (performance.now() - t0) / 1000;
    const st1 = await server.stats();
    const ideal = (st1.requests * LATENCY_MS) / 1000 / CONCURRENCY;
    const idealRatio = wall1 / ideal;
    console.log(`latency-bound: ${st1.requests} requests at concurrency ${CONCURRENCY}, ${LATENCY_MS} ms each: ${wall1.toFixed(2)} s, ideal ${ideal.toFixed(2)} s, ratio ${idealRatio.toFixed(3)} (target <= 1.10); server saw at most ${st1.maxConcurrent} at once`);

    // 2. rate-bound: the server enforces RPM (a rolling minute, the strictest way to count) and the
    //    client is told the limit. (A client that is not told learns it from 429 + retry-after; the
    //    unit tests cover that path, but a rolling window lets the first minute burst, so its
    //    throughput says little about the limit.)
    if (process.env.BENCH_ONLY === 'latency') return report({ idealRatio, rawSdkRatio: raw, lost: await lost(s1), valid: s1.datasets[0]?.valid ?? 0 });
    await server.reset();
    await server.configure({ rpmLimit: RPM });
    const t1 = performance.now();
    const s2 = await runBenchmark(config(dir, 'rpm', server, RPM_REQUESTS, { concurrency: CONCURRENCY, rpm: RPM }));
    const wall2 = (performance.now() - t1) / 1000;
    const st2 = await server.stats();
    const accepted2 = st2.byStatus['200'] ?? 0;
    const rpmFraction = accepted2 / ((wall2 / 60) * RPM);
    console.log(`rate-bound (limit known): ${accepted2} requests in ${wall2.toFixed(2)} s under ${RPM} RPM: ${(rpmFraction * 100).toFixed(1)} % of the limit, ${st2.byStatus['429'] ?? 0} answered 429`);

    report({ idealRatio, rawSdkRatio: raw, rpmFraction, lost: (await lost(s1)) + (await lost(s2)), valid: [s1, s2].flatMap((x) => x.datasets).reduce((n, d) => n + d.valid, 0) });
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
