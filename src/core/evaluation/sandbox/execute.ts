import { execFile, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { LAUNCHER_PY } from './launcher';
import { programRlimits, type ProgramRlimits, type SandboxLimits } from './limits';
import type { MountPlan, PythonInstall } from './mountPlan';
import type { SandboxMode, SandboxResult } from './types';
import { judge, type LauncherStatus, type RunEnd } from './verdict';

/** What `capabilities.ts` found: how to isolate and which interpreter to run. */
export interface SandboxEnvironment {
  mode: SandboxMode;
  root: boolean;
  python: PythonInstall;
  plan: MountPlan;
}

export const PROGRAM_FILE = 'program.py';

/** Once the sandbox process has exited, how long its pipes may stay open (a detached grandchild) before they are cut. */
const PIPE_GRACE_MS = 1000;

// A uid per run (root only), so RLIMIT_NPROC counts this run's processes alone and concurrent runs
// cannot touch each other; high enough to belong to no account. pid bits keep processes apart.
const UID_BASE = 1_900_000_000;
let uidCounter = 0;
function runUid(): number {
  uidCounter = (uidCounter + 1) % 4096;
  return UID_BASE + (process.pid % 16384) * 4096 + uidCounter;
}

/**
 * Runs one program in a fresh work directory; never throws for what the program does. With
 * namespaces the directory is a tmpfs that exists only inside the run's mount namespace (the
 * program arrives on the launcher's stdin), so nothing is written to the host and nothing can be
 * left behind, even if this process dies. Without them it is a host temp dir, removed afterwards.
 */
export async function execute(program: string, env: SandboxEnvironment, limits: SandboxLimits): Promise<SandboxResult> {
  const started = performance.now();
  const privateDir = env.mode !== 'none' && env.plan.masks.includes('/tmp');
  let hostDir: string | undefined;
  try {
    const uid = env.root ? runUid() : null;
    let dir: string;
    if (privateDir) {
      dir = path.join('/tmp', `agb-sbx-${crypto.randomBytes(6).toString('hex')}`);
    } else {
      dir = hostDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'agb-sbx-'));
      liveDirs.add(hostDir);
      const file = path.join(dir, PROGRAM_FILE);
      await fs.promises.writeFile(file, program);
      if (uid !== null) {
        await fs.promises.chmod(file, 0o644); // whatever the umask: the run's uid reads it
        await fs.promises.chown(dir, uid, uid);
      }
    }
    const rlimits = programRlimits(limits);
    // in a user namespace the supervisor is counted with the program (same uid)
    if (env.mode === 'user-namespace') rlimits.maxProcesses += 1;
    const launcher = [env.python.executable, '-I', '-S', '-B', '-c', LAUNCHER_PY, ...launcherArgs(env, uid, dir, privateDir, limits, rlimits)];
    const command = env.mode === 'none' ? launcher : [...unshareArgs(env.mode, limits.allowNetwork), ...launcher];
    const end = await supervise(command, limits, privateDir ? program : undefined);
    if (end.killedFor !== undefined && env.mode === 'none' && uid !== null) await killUid(uid);
    const programPath = path.join(dir, PROGRAM_FILE);
    const judged = judge({ ...end, limits, networkIsolated: env.mode !== 'none' && !limits.allowNetwork, programPath });
    return { ...judged, stdout: end.stdout, stderr: end.stderr, durationMs: performance.now() - started };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { verdict: 'error', exitCode: null, signal: null, stdout: '', stderr: '', durationMs: performance.now() - started, reason: `sandbox failed: ${message}` };
  } finally {
    if (hostDir !== undefined) {
      await fs.promises.rm(hostDir, { recursive: true, force: true }).catch(() => undefined);
      liveDirs.delete(hostDir);
    }
  }
}

// Host work directories of runs in flight, removed if the process exits before they end.
const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The launcher's positional arguments, in the order it unpacks them. */
function launcherArgs(env: SandboxEnvironment, uid: number | null, dir: string, fromStdin: boolean, limits: SandboxLimits, r: ProgramRlimits): string[] {
  const paths = [dir, env.python.executable, ...env.plan.masks, ...env.plan.expose];
  const bad = paths.find((p) => /[\n\t\0]/.test(p));
  if (bad !== undefined) throw new Error(`a path with a newline, tab or NUL cannot be passed to the launcher: ${JSON.stringify(bad)}`);
  return [
    env.mode,
    uid === null ? '' : String(uid),
    dir,
    PROGRAM_FILE,
    env.python.executable,
    String(Math.ceil(limits.diskMb * 1024)),
    String(r.cpuSeconds),
    String(r.memoryBytes),
    String(r.maxProcesses),
    String(r.fileBytes),
    env.plan.masks.join('\n'),
    env.plan.expose.join('\n'),
    fromStdin ? 'stdin' : 'file',
  ];
}

export function unshareArgs(mode: SandboxMode, allowNetwork: boolean): string[] {
  // --kill-child: the namespace's init gets SIGKILL when unshare dies, and takes the namespace with it
  const args = ['unshare', '--mount', '--pid', '--ipc', '--uts', '--fork', '--kill-child', '--mount-proc'];
  if (!allowNetwork) args.push('--net');
  if (mode === 'user-namespace') args.push('--user', '--map-root-user');
  return [...args, '--'];
}

type Supervised = Omit<RunEnd, 'limits' | 'networkIsolated' | 'programPath'> & { stdout: string };

/** Spawns the sandbox in its own process group, enforces the wall time and the output caps. */
function supervise(command: string[], limits: SandboxLimits, stdin: string | undefined): Promise<Supervised> {
  return new Promise((resolve) => {
    const [file, ...args] = command as [string, ...string[]];
    const child = spawn(file, args, {
      detached: true,
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    const stdout = new CappedText(limits.maxOutputBytes);
    const stderr = new CappedText(limits.maxOutputBytes);
    let statusText = '';
    let killedFor: RunEnd['killedFor'];
    let overflow: RunEnd['overflow'];
    let processProblem: string | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let done = false;

    const kill = (why: 'timeout' | 'output-limit') => {
      killedFor ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const wall = setTimeout(() => kill('timeout'), limits.timeoutMs);
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(wall);
      clearTimeout(graceTimer);
      for (const s of child.stdio) s?.destroy();
      resolve({ status: parseStatus(statusText), killedFor, overflow, processProblem, stdout: stdout.text(), stderr: stderr.text() });
    };
    const capture = (stream: Readable | null, into: CappedText, name: 'stdout' | 'stderr') =>
      stream?.on('data', (chunk: Buffer) => {
        if (!into.add(chunk) && killedFor === undefined) {
          overflow = name;
          kill('output-limit');
        }
      });
    // a launcher that dies before reading it all closes the pipe: EPIPE, which the report explains
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin);
    capture(child.stdout, stdout, 'stdout');
    capture(child.stderr, stderr, 'stderr');
    (child.stdio[3] as Readable | null)?.on('data', (chunk: Buffer) => (statusText += chunk.toString('utf8')));
    child.on('error', (e) => {
      processProblem = `cannot start ${file}: ${e.message}`;
      finish();
    });
    child.on('exit', (code, signal) => {
      processProblem ??= signal ? `killed by ${signal}` : `exit code ${code}`;
      graceTimer = setTimeout(finish, PIPE_GRACE_MS);
    });
    child.on('close', finish);
  });
}

/** The launcher's fd-3 lines; a setup failure reported by the forked child outranks the exit code it then produced. */
function parseStatus(text: string): LauncherStatus | undefined {
  let status: LauncherStatus | undefined;
  // complete lines only: one os.write of a short line is atomic, but the launcher may die before it
  for (const line of text.split('\n').slice(0, -1)) {
    const [kind, a, cpu, rss] = line.split('\t');
    let parsed: LauncherStatus | undefined;
    if (kind === 'setup') parsed = { setup: a ?? '' };
    else if ((kind === 'exit' || kind === 'signal') && a !== undefined) {
      parsed = { [kind]: Number(a), cpuSeconds: Number(cpu), maxRssKb: Number(rss) };
    }
    if (parsed !== undefined && status?.setup === undefined) status = parsed;
  }
  return status;
}

/** Without a pid namespace, processes the program detached from its group are found by their uid. */
function killUid(uid: number): Promise<void> {
  return new Promise((resolve) => {
    // kill(1) exits 1 even when it killed everything: nothing to read from it
    execFile('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--', 'kill', '-KILL', '-1'], { timeout: 5000 }, () => resolve());
  });
}

/** Bytes of one stream up to a cap; `add` says false once the cap is passed. */
class CappedText {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private seen = 0;

  constructor(private readonly max: number) {}

  add(chunk: Buffer): boolean {
    this.seen += chunk.length;
    const room = this.max - this.kept;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(part);
      this.kept += part.length;
    }
    return this.seen <= this.max;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
