import * as os from 'node:os';
import type { SandboxLimits } from './limits';
import type { SandboxVerdict } from './types';

/** The launcher's one line on fd 3: how the program ended, or why it could not start. */
export interface LauncherStatus {
  exit?: number;
  signal?: number;
  setup?: string;
  cpuSeconds?: number;
  maxRssKb?: number;
}

/** Everything known when a run is over. */
export interface RunEnd {
  status: LauncherStatus | undefined;
  /** Set when this side killed the run. */
  killedFor: 'timeout' | 'output-limit' | undefined;
  overflow: 'stdout' | 'stderr' | undefined;
  /** The sandbox process could not be started or ended without a report: its exit code, signal or error. */
  processProblem: string | undefined;
  stderr: string;
  limits: SandboxLimits;
  networkIsolated: boolean;
  /** The program's path as the interpreter saw it, to find its frames in a traceback. */
  programPath: string;
}

export interface Judgement {
  verdict: SandboxVerdict;
  reason: string;
  exitCode: number | null;
  signal: string | null;
}

const SIGNAL_NAMES = new Map(Object.entries(os.constants.signals).map(([name, n]) => [n, name]));
const MEMORY_TEXT = /MemoryError|Cannot allocate memory|out of memory|std::bad_alloc/i;
const NETWORK_TEXT = /Network is unreachable|Errno 101\b|name resolution|Name or service not known|Errno -[23]\b|Cannot assign requested address/;

export function judge(end: RunEnd): Judgement {
  const { status, limits } = end;
  if (end.killedFor === 'output-limit') {
    return { verdict: 'output-limit', reason: `${end.overflow ?? 'output'} passed the ${kib(limits.maxOutputBytes)} limit; killed`, exitCode: null, signal: 'SIGKILL' };
  }
  if (status?.setup !== undefined) return { verdict: 'error', reason: `sandbox setup failed: ${firstLine(status.setup)}`, exitCode: null, signal: null };
  if (status === undefined || (status.exit === undefined && status.signal === undefined)) {
    if (end.killedFor === 'timeout') return { verdict: 'timeout', reason: `killed after ${seconds(limits.timeoutMs)} wall time`, exitCode: null, signal: 'SIGKILL' };
    const said = lastLine(end.stderr);
    return { verdict: 'error', reason: `the sandbox ended without a report (${end.processProblem ?? 'no status'})${said ? `: ${said}` : ''}`, exitCode: null, signal: null };
  }
  if (status.signal !== undefined) return bySignal(status, end);
  const code = status.exit ?? 0;
  if (code === 0) return { verdict: 'passed', reason: 'exit code 0', exitCode: 0, signal: null };
  const exception = lastException(end.stderr, end.programPath);
  if (exception === undefined) {
    const said = lastLine(end.stderr);
    return { verdict: 'failed', reason: `exit code ${code}${said ? `: ${said}` : ''}`, exitCode: code, signal: null };
  }
  const at = exception.line !== undefined ? ` at line ${exception.line}` : '';
  let reason = `${exception.type}${at}${exception.message ? `: ${exception.message}` : ''}`;
  if (exception.type === 'MemoryError') return { verdict: 'memory', reason, exitCode: code, signal: null };
  if (end.networkIsolated && NETWORK_TEXT.test(exception.message)) reason += ' (network is not reachable inside the sandbox)';
  return { verdict: 'failed', reason, exitCode: code, signal: null };
}

function bySignal(status: LauncherStatus, end: RunEnd): Judgement {
  const n = status.signal ?? 0;
  const name = SIGNAL_NAMES.get(n) ?? `signal ${n}`;
  const ended = { exitCode: null, signal: name };
  const cpuLimit = Math.ceil(end.limits.cpuSeconds);
  // the soft CPU limit sends SIGXCPU, the hard one (a second later) SIGKILL
  if (name === 'SIGXCPU' || (name === 'SIGKILL' && (status.cpuSeconds ?? 0) >= cpuLimit)) {
    return { verdict: 'timeout', reason: `CPU time limit of ${cpuLimit} s exceeded`, ...ended };
  }
  const nearMemoryLimit = (status.maxRssKb ?? 0) * 1024 >= 0.9 * end.limits.memoryMb * 2 ** 20;
  if ((name === 'SIGKILL' && nearMemoryLimit) || (name !== 'SIGKILL' && MEMORY_TEXT.test(end.stderr))) {
    return { verdict: 'memory', reason: `killed by ${name} at the memory limit (${end.limits.memoryMb} MB)`, ...ended };
  }
  const said = lastLine(end.stderr);
  return { verdict: 'failed', reason: `killed by ${name}${said ? `: ${said}` : ''}`, ...ended };
}

/** The exception a Python traceback ends with, and the last line of the program it passed through. */
export function lastException(stderr: string, programPath: string): { type: string; message: string; line: number | undefined } | undefined {
  const lines = stderr.split(/\r?\n/);
  let frame = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^ {2}File "/.test(lines[i] ?? '')) {
      frame = i;
      break;
    }
  }
  if (frame < 0) return undefined;
  let i = frame + 1;
  while (i < lines.length && /^\s/.test(lines[i] ?? '')) i++;
  const head = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/.exec(lines[i] ?? '');
  if (!head?.[1]) return undefined;
  let start = frame;
  while (start > 0 && !(lines[start] ?? '').startsWith('Traceback (most recent call last):')) start--;
  let line: number | undefined;
  const mark = `File "${programPath}", line `;
  for (let k = start; k <= frame; k++) {
    const text = lines[k] ?? '';
    const at = text.indexOf(mark);
    if (at >= 0) line = Number.parseInt(text.slice(at + mark.length), 10);
  }
  return { type: head[1].replace(/^__main__\./, ''), message: clip(head[2] ?? ''), line };
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return clip(lines[lines.length - 1] ?? '');
}

function firstLine(text: string): string {
  return clip(text.split(/\r?\n/)[0] ?? '');
}

function clip(text: string): string {
  const t = text.trim();
  return t.length > 200 ? `${t.slice(0, 199)}…` : t;
}

function kib(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
