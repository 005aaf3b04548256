// Throughput of the code sandbox: the 164 HumanEval canonical solutions (with their tests) through
// a SandboxPool of 2 workers, next to the peer, a bare `python -I -B` loop over the same programs,
// 2 at a time, without isolation. Rounds alternate (peer, sandbox, peer, …) so a busy machine
// slows both alike; the medians are compared. Ends with one JSON line, e.g.
// {"samplesPerSecond":19.5,"bareSamplesPerSecond":28.1,"ratio":0.69,"passed":164,"programs":164,"mode":"root"}
// HumanEval from AGB_HUMANEVAL, else ../shared/data beside the checkout. BENCH_ROUNDS (default 3).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { extractCode, humanEvalItem, testProgram } from '../src/core/evaluation/graders/code';
import { SandboxPool, sandboxCapabilities } from '../src/core/evaluation/sandbox/sandbox';
import { packageRoot } from '../src/core/util/assets';

const WORKERS = 2;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HUMANEVAL = process.env.AGB_HUMANEVAL ?? path.resolve(packageRoot(), '../shared/data/benchmarks/humaneval/HumanEval.jsonl.gz');

interface Row {
  task_id: string;
  prompt: string;
  canonical_solution: string;
  test: string;
  entry_point: string;
}

function programs(): string[] {
  const raw = fs.readFileSync(HUMANEVAL);
  const text = HUMANEVAL.endsWith('.gz') ? zlib.gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const row = JSON.parse(l) as Row;
      const item = humanEvalItem(row);
      return testProgram(item, extractCode(row.canonical_solution, item, 'humaneval'), 'humaneval');
    });
}

/** Seconds for every program through the sandbox; how many passed. */
async function sandboxRound(progs: string[]): Promise<{ seconds: number; passed: number }> {
  const pool = new SandboxPool(WORKERS);
  const t0 = performance.now();
  const results = await pool.runAll(progs);
  return { seconds: (performance.now() - t0) / 1000, passed: results.filter((r) => r.verdict === 'passed').length };
}

/** The peer: the same programs as files, `python -I -B file`, WORKERS at a time, nothing else. */
async function bareRound(python: string, files: string[]): Promise<{ seconds: number; passed: number }> {
  let next = 0;
  let passed = 0;
  const one = (file: string) =>
    new Promise<number | null>((resolve) => {
      const child = spawn(python, ['-I', '-B', file], { cwd: path.dirname(file), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.resume();
      child.stderr.resume();
      child.on('close', (code) => resolve(code));
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      for (let i = next++; i < files.length; i = next++) if ((await one(files[i] ?? '')) === 0) passed++;
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, passed };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const progs = programs();
  const caps = await sandboxCapabilities();
  console.log(`sandbox mode ${caps.mode} (network ${caps.network}, user ${caps.user}, filesystem ${caps.filesystem}), ${caps.python} ${caps.pythonVersion}, ${os.cpus().length} cores`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agb-bench-sandbox-'));
  try {
    const files = progs.map((p, i) => {
      const file = path.join(dir, `p${i}`, 'program.py');
      fs.mkdirSync(path.dirname(file));
      fs.writeFileSync(file, p);
      return file;
    });
    // warm-up (page cache, the interpreter's .pyc files), not measured
    await bareRound(caps.python, files.slice(0, 20));
    await sandboxRound(progs.slice(0, 20));
    const bare: number[] = [];
    const boxed: number[] = [];
    let passed = 0;
    let barePassed = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const b = await bareRound(caps.python, files);
      const s = await sandboxRound(progs);
      bare.push(progs.length / b.seconds);
      boxed.push(progs.length / s.seconds);
      [passed, barePassed] = [s.passed, b.passed];
      console.log(`round ${r + 1}: bare ${b.seconds.toFixed(2)} s (${b.passed} exit 0), sandbox ${s.seconds.toFixed(2)} s (${s.passed} passed)`);
    }
    const sps = median(boxed);
    const bareSps = median(bare);
    console.log(`peer, bare python -I -B loop, ${WORKERS} at a time: ${bareSps.toFixed(1)} samples/s (${barePassed}/${progs.length} exit 0)`);
    console.log(`sandbox, SandboxPool(${WORKERS}): ${sps.toFixed(1)} samples/s (${passed}/${progs.length} passed)`);
    console.log(`ratio sandbox / bare: ${(sps / bareSps).toFixed(2)} (per program ${((1 / sps - 1 / bareSps) * WORKERS * 1000).toFixed(0)} ms more)`);
    const round = (n: number) => Number(n.toFixed(2));
    console.log(JSON.stringify({ samplesPerSecond: round(sps), bareSamplesPerSecond: round(bareSps), ratio: round(sps / bareSps), passed, programs: progs.length, mode: caps.mode }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
