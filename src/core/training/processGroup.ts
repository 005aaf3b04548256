/**
 * A training command as its own process group that outlives us: output goes to a log file through
 * file descriptors (no pipe to us that could break), and a small shell wrapper writes the exit status
 * to a file when the command ends, so a training that finished while nobody was watching still says
 * how it ended.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { processAlive } from '../store/atomicFile';
import { shellQuote } from './commandTemplate';

export interface GroupSpec {
  /** The shell line to run (already filled and quoted). */
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  exitFile: string;
}

/**
 * The wrapper: runs the command in a child shell (an `exit` inside it cannot skip the recording),
 * then writes its status atomically (temp + rename). The trap keeps the wrapper alive through a
 * SIGTERM to the group long enough to record the status of the command it killed; a trap, unlike
 * an ignored signal, is reset in the command, which still gets the SIGTERM.
 */
export function wrapperScript(command: string, exitFile: string): string {
  const tmp = `${exitFile}.tmp`;
  return [
    'trap : TERM INT HUP',
    `/bin/sh -c ${shellQuote(command)}`,
    'code=$?',
    `printf '%s\\n' "$code" > ${shellQuote(tmp)} && mv -f ${shellQuote(tmp)} ${shellQuote(exitFile)}`,
    'exit "$code"',
  ].join('\n');
}

/** Starts the wrapper as the leader of a new process group (its pid is the group id). */
export function spawnGroup(spec: GroupSpec): ChildProcess {
  const fd = fs.openSync(spec.logFile, 'a');
  try {
    return spawn('/bin/sh', ['-c', wrapperScript(spec.command, spec.exitFile)], { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    fs.closeSync(fd); // the child has its own copies
  }
}

/** The recorded exit status, or undefined while the command runs (or when it died without recording one). */
export function readExitCode(exitFile: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(exitFile, 'utf8').trim(), 10);
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Whether any process of the group still exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is still the leader of our training's group, not a process that reused the pid:
 * where /proc exists, its command line must name our exit file.
 */
export function ownsGroup(pid: number, exitFile: string): boolean {
  if (!processAlive(pid) || !groupAlive(pid)) return false;
  if (!fs.existsSync('/proc/self/cmdline')) return true;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(shellQuote(exitFile));
  } catch {
    return false;
  }
}

/**
 * Ends the whole group: SIGTERM, then SIGKILL to whatever is left after `graceMs`; resolves once no
 * process of the group remains (or `graceMs` after the SIGKILL, which only an unkillable process
 * survives). Says which signal ended it.
 */
export async function killGroup(pgid: number, graceMs: number): Promise<'SIGTERM' | 'SIGKILL' | undefined> {
  if (!signalGroup(pgid, 'SIGTERM')) return undefined;
  if (await gone(pgid, graceMs)) return 'SIGTERM';
  signalGroup(pgid, 'SIGKILL');
  await gone(pgid, Math.max(graceMs, 2000));
  return 'SIGKILL';
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // no such group: nothing left to signal
  }
}

async function gone(pgid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}
