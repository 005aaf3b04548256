// How fast does the extension activate, and how big is its package? Runs the `bench` host suite
// (test/integration/bench) BENCH_ACTIVATION_RUNS times (default 5), each in a fresh VS Code
// extension host whose folder holds no config, so the extension's first activation is the one the
// test times: loading the production dist/extension.js plus activate(). A cold host varies, so it
// prints min / median / max and every run. Also: the bundle's bare load in the host's Node (a
// `vscode` stub, no extension host; it also pays for Node built-ins the host has already loaded),
// the dist/ files activation loaded, then `npm run package` and the .vsix size. Targets: activation
// < 50 ms, .vsix < 5 MB (10^6 bytes; vsce prints MiB). The machine's load average goes with the
// figures: a busy machine makes a cold host slower. Ends with one JSON line.
// Expects `node scripts/build.mjs --production` first (the npm script does it).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BENCH_OUT_ENV, type ActivationFigures } from '../test/integration/support/benchFigures';
import { ROOT, buildHostTests } from '../test/vscode-host/buildTests';
import { hostNode, serverMain } from '../test/vscode-host/hostPaths';
import { runHostSuite } from '../test/vscode-host/runHostSuite';

const RUNS = Number(process.env.BENCH_ACTIVATION_RUNS ?? 5);
const LOAD_RUNS = 10;
const TARGETS = { activateMs: 50, vsixMB: 5 };
const MAIN = path.join(ROOT, 'dist', 'extension.js');
const VSIX = path.join(ROOT, 'dist', 'agorabench.vsix');

const round = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const spread = (xs: number[]) => ({ min: round(Math.min(...xs)), median: round(median(xs)), max: round(Math.max(...xs)), runs: xs.map(round) });

/** One fresh extension host per run: activation happens once per host. */
async function hostActivations(): Promise<ActivationFigures[]> {
  const out: ActivationFigures[] = [];
  for (let i = 0; i < RUNS; i++) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agorabench-bench-activation-')), 'figures.json');
    const run = await runHostSuite('bench', { env: { [BENCH_OUT_ENV]: file } });
    if (run.failed || run.exitCode || !fs.existsSync(file)) {
      for (const f of run.failures) console.error(`  ✗ ${f.title}\n    ${f.error.split('\n').join('\n    ')}`);
      throw new Error(`host run ${i + 1} failed (exit code ${run.exitCode}; kept ${run.runDir})`);
    }
    const figures = JSON.parse(fs.readFileSync(file, 'utf8')) as ActivationFigures;
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    console.error(`[bench] host run ${i + 1}/${RUNS}: activation ${figures.activateMs.toFixed(1)} ms (host ${run.seconds.toFixed(1)} s)`);
    out.push(figures);
  }
  return out;
}

/** require() of the bundle alone, in a fresh process of the host's Node with a stub for `vscode`. */
function bundleLoadMs(): number[] | { unavailable: string } {
  // the bundle reads `vscode`'s exports through esbuild's __toESM, which copies the names it finds: give it the API's names
  const api = fs.readFileSync(path.join(ROOT, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const names = [...new Set([...api.matchAll(/^\s*export (?:class|enum|namespace|const|let|function) (\w+)/gm)].map((m) => m[1] as string))];
  const script = `
    const Module = require('node:module');
    const stub = new Proxy(function () {}, { get: (_t, k) => (k === Symbol.toPrimitive ? () => '' : stub), apply: () => stub, construct: () => stub });
    const api = Object.fromEntries(JSON.parse(process.env.VSCODE_NAMES).map((n) => [n, stub]));
    const load = Module._load;
    Module._load = function (request, ...rest) { return request === 'vscode' ? api : load.call(this, request, ...rest); };
    const t0 = performance.now();
    require(process.argv[1]);
    process.stdout.write(String(performance.now() - t0));`;
  const times: number[] = [];
  for (let i = 0; i < LOAD_RUNS; i++) {
    const r = spawnSync(hostNode(), ['-e', script, MAIN], { encoding: 'utf8', env: { ...process.env, VSCODE_NAMES: JSON.stringify(names) } });
    if (r.status !== 0) return { unavailable: (r.stderr.split('\n').find((l) => /Error/.test(l)) ?? `exit code ${String(r.status)}`).trim() };
    times.push(Number(r.stdout));
  }
  return times;
}

/** `npm run package`, quietly unless it fails. */
function packageVsix(): number {
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error('npm run package failed');
  }
  return fs.statSync(VSIX).size;
}

async function main(): Promise<void> {
  const loadAvg1m = round2(os.loadavg()[0] ?? 0);
  if (!fs.existsSync(MAIN)) throw new Error(`no ${MAIN}: run \`node scripts/build.mjs --production\` first`);
  if (fs.existsSync(`${MAIN}.map`) && fs.statSync(`${MAIN}.map`).mtimeMs >= fs.statSync(MAIN).mtimeMs) {
    console.error('[bench] warning: dist/extension.js looks like a development build (it has a fresh source map)');
  }
  if (!fs.existsSync(serverMain())) execFileSync(path.join(ROOT, 'test', 'vscode-host', 'install.sh'), { stdio: 'inherit' });
  await buildHostTests();

  const host = await hostActivations();
  const activate = spread(host.map((h) => h.activateMs));
  const load = bundleLoadMs();
  const loadFigures = Array.isArray(load) ? (({ runs: _, ...rest }) => rest)(spread(load)) : load;
  if (Array.isArray(load)) console.error(`[bench] bare require of dist/extension.js (node ${execFileSync(hostNode(), ['--version'], { encoding: 'utf8' }).trim()}, ${LOAD_RUNS} processes): median ${median(load).toFixed(1)} ms`);
  const extensionJsKB = round(fs.statSync(MAIN).size / 1000);
  const vsixBytes = packageVsix();
  const vsixMB = round2(vsixBytes / 1e6);
  console.error(`[bench] activation min ${activate.min} / median ${activate.median} / max ${activate.max} ms over ${RUNS} hosts (target < ${TARGETS.activateMs}); .vsix ${vsixMB} MB (target < ${TARGETS.vsixMB})`);
  console.log(
    JSON.stringify({
      bench: 'activation',
      hosts: RUNS,
      activateMs: activate,
      loadedOnActivation: host[0]?.loaded,
      bundleRequireMs: loadFigures,
      extensionJsKB,
      vsixBytes,
      vsixMB,
      vsixMiB: round2(vsixBytes / 2 ** 20),
      vscode: host[0]?.vscodeVersion,
      node: host[0]?.node,
      loadAvg1m,
      targets: TARGETS,
      ratioToTarget: { activateMs: round2(activate.median / TARGETS.activateMs), vsixMB: round2(vsixMB / TARGETS.vsixMB) },
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
