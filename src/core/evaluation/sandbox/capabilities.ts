import { execFile } from 'node:child_process';
import { execute, type SandboxEnvironment } from './execute';
import { resolveLimits } from './limits';
import { mountPlan, type PythonInstall } from './mountPlan';
import { SandboxUnavailableError, type SandboxCapabilities, type SandboxMode } from './types';

export interface DetectedSandbox {
  env: SandboxEnvironment;
  capabilities: SandboxCapabilities;
}

/** One detection per interpreter command per process: it spawns a probe run. */
const detected = new Map<string, Promise<DetectedSandbox>>();

/** What isolation runs get here with this interpreter (default 'python3'), so a caller can refuse or warn. */
export async function sandboxCapabilities(opts: { python?: string } = {}): Promise<SandboxCapabilities> {
  return (await detectSandbox(opts.python ?? 'python3')).capabilities;
}

export function detectSandbox(python: string): Promise<DetectedSandbox> {
  let found = detected.get(python);
  if (found === undefined) {
    found = detect(python);
    // a failure (no interpreter) is not cached: it may be installed later
    found.catch(() => detected.delete(python));
    detected.set(python, found);
  }
  return found;
}

// Checks what it claims: the probe passes only if the network is unreachable and /tmp is not writable.
const PROBE = `import errno, os, socket
s = socket.socket()
try:
    s.connect(("1.1.1.1", 53))
    raise SystemExit("network reachable")
except OSError as e:
    if e.errno != errno.ENETUNREACH:
        raise
try:
    open("/tmp/agb-probe-%d" % os.getpid(), "w")
    raise SystemExit("/tmp writable")
except OSError:
    pass
print("agb-sandbox-ok")
`;

async function detect(command: string): Promise<DetectedSandbox> {
  const python = await resolvePython(command);
  const root = process.geteuid?.() === 0;
  const warnings: string[] = [];
  const nsMode: SandboxMode = root ? 'root' : 'user-namespace';
  const env: SandboxEnvironment = { mode: nsMode, root, python, plan: mountPlan(python, root) };
  const probe = await execute(PROBE, env, resolveLimits({ python: command, timeoutMs: 20_000 }));
  const covered = env.plan.masks.join(', ');
  if (probe.verdict === 'passed' && probe.stdout.trim() === 'agb-sandbox-ok') {
    warnings.push(
      root
        ? `reads are not confined: the program can read world-readable files (not ${covered}, which are covered)`
        : `reads are not confined: the program runs as your uid without capabilities and can read what you can (not ${covered}, which are covered)`,
      ...COMMON_WARNINGS,
    );
    return { env, capabilities: capabilities(env, warnings) };
  }
  warnings.push(`namespaces are not available (${probe.reason}): no network isolation, no read-only file system, no pid namespace`);
  warnings.push(
    root
      ? 'the program runs as a uid of its own: besides its work directory it can write only to world-writable places (/tmp, /var/tmp, /dev/shm); processes it detaches are killed by uid'
      : 'the program runs as your uid: it can write wherever you can, RLIMIT_NPROC counts all your processes, and processes it detaches from its process group survive the run',
    ...COMMON_WARNINGS,
  );
  const none: SandboxEnvironment = { mode: 'none', root, python, plan: { masks: [], expose: [] } };
  const bare = await execute('print("agb-sandbox-ok")', none, resolveLimits({ python: command, timeoutMs: 20_000, allowNetwork: true }));
  if (bare.verdict !== 'passed') warnings.push(`even without namespaces the interpreter does not run: ${bare.reason}`);
  return { env: none, capabilities: capabilities(none, warnings) };
}

const COMMON_WARNINGS = [
  // no cgroup: the kernel has no per-run memory rlimit, and the host's cgroup tree is not ours to change
  'memory is limited per process (RLIMIT_AS), so the processes of one run may use up to memoryMb × maxProcesses together',
  'no seccomp filter: the program may make any system call an unprivileged process may (new user namespaces included, which give it nothing outside them)',
];

function capabilities(env: SandboxEnvironment, warnings: string[]): SandboxCapabilities {
  const isolated = env.mode !== 'none';
  return {
    mode: env.mode,
    network: isolated ? 'namespace' : 'none',
    user: env.root ? 'unprivileged' : 'same',
    processes: isolated ? 'namespace' : 'process-group',
    filesystem: isolated ? 'read-only' : 'permissions',
    limits: true,
    python: env.python.executable,
    pythonVersion: env.python.version,
    warnings,
  };
}

// with site (no -S): a venv sets sys.prefix only there
const WHERE = 'import json, sys; print(json.dumps({"executable": sys.executable, "prefix": sys.prefix, "basePrefix": sys.base_prefix, "version": "%d.%d.%d" % sys.version_info[:3]}))';

/** The real interpreter behind a command (a pyenv shim is a shell script the sandbox user could not even read). */
function resolvePython(command: string): Promise<PythonInstall> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-I', '-c', WHERE], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new SandboxUnavailableError(`cannot start the Python interpreter "${command}": ${stderr.trim() || error.message}`));
        return;
      }
      try {
        const info = JSON.parse(stdout) as PythonInstall;
        if (!info.executable) throw new Error('sys.executable is empty');
        resolve(info);
      } catch (e) {
        reject(new SandboxUnavailableError(`"${command}" did not answer like a Python interpreter: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}
