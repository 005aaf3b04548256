import { AgoraError } from '../../errors';

/** How one program ended. */
export type SandboxVerdict = 'passed' | 'failed' | 'timeout' | 'memory' | 'output-limit' | 'error';

export interface SandboxOptions {
  /** Wall-clock limit for the whole run, default 10000. */
  timeoutMs?: number;
  /** CPU-time limit of each process, default 10. */
  cpuSeconds?: number;
  /** Address-space limit of each process, default 1024. */
  memoryMb?: number;
  /** Processes the program may have at once (itself included), default 16. */
  maxProcesses?: number;
  /** Bytes kept of stdout and of stderr; more kills the program. Default 64 KiB per stream. */
  maxOutputBytes?: number;
  /** Size of the writable work directory (a private tmpfs when namespaces are available), default 64. */
  diskMb?: number;
  /** Let the program reach the network; also the opt-in to run where no network namespace can be made. Default false. */
  allowNetwork?: boolean;
  /** The interpreter, looked up on PATH like a shell would, default 'python3'. */
  python?: string;
}

export interface SandboxResult {
  verdict: SandboxVerdict;
  /** The program's exit code; null when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended the program (e.g. 'SIGKILL'), else null. */
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** One line: "AssertionError at line 12", "killed after 10 s wall time", "MemoryError at line 3"… */
  reason: string;
}

/** How runs are isolated here; `sandboxCapabilities()` finds it once per interpreter. */
export type SandboxMode =
  /** root: new mount/net/pid/ipc/uts namespaces, the program as a fresh unprivileged uid */
  | 'root'
  /** not root: the same namespaces inside a user namespace, the program as the caller's uid with no capabilities */
  | 'user-namespace'
  /** no namespaces could be made: limits and (as root) a separate uid only; needs allowNetwork */
  | 'none';

export interface SandboxCapabilities {
  mode: SandboxMode;
  /** 'namespace': the program has no network (an empty network namespace). */
  network: 'namespace' | 'none';
  /** 'unprivileged': a uid of its own per run; 'same': the caller's uid (without capabilities in a user namespace). */
  user: 'unprivileged' | 'same';
  /** 'namespace': a pid namespace, so the program sees and can signal only its own processes and all die with it. */
  processes: 'namespace' | 'process-group';
  /** 'read-only': every mount is read-only except the work directory, /tmp /run /dev/shm are empty; 'permissions': only file permissions. */
  filesystem: 'read-only' | 'permissions';
  /** rlimits (CPU, address space, processes, file size, no core files) always apply. */
  limits: true;
  /** The interpreter that runs programs (resolved, e.g. through a pyenv shim). */
  python: string;
  pythonVersion: string;
  /** What is not guaranteed here, one sentence each. */
  warnings: string[];
}

/** The sandbox cannot run here as asked (no interpreter, or no network isolation without `allowNetwork`). */
export class SandboxUnavailableError extends AgoraError {
  constructor(message: string) {
    super(message, 'sandbox');
    this.name = 'SandboxUnavailableError';
  }
}
