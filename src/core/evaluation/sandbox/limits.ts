import type { SandboxOptions } from './types';

/** Every option with its default applied. */
export interface SandboxLimits {
  timeoutMs: number;
  cpuSeconds: number;
  memoryMb: number;
  maxProcesses: number;
  maxOutputBytes: number;
  diskMb: number;
  allowNetwork: boolean;
  python: string;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 10_000,
  cpuSeconds: 10,
  memoryMb: 1024,
  maxProcesses: 16,
  maxOutputBytes: 64 * 1024,
  diskMb: 64,
  allowNetwork: false,
  python: 'python3',
};

export function resolveLimits(opts: SandboxOptions = {}): SandboxLimits {
  const limits: SandboxLimits = {
    timeoutMs: opts.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    cpuSeconds: opts.cpuSeconds ?? DEFAULT_LIMITS.cpuSeconds,
    memoryMb: opts.memoryMb ?? DEFAULT_LIMITS.memoryMb,
    maxProcesses: opts.maxProcesses ?? DEFAULT_LIMITS.maxProcesses,
    maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes,
    diskMb: opts.diskMb ?? DEFAULT_LIMITS.diskMb,
    allowNetwork: opts.allowNetwork ?? DEFAULT_LIMITS.allowNetwork,
    python: opts.python ?? DEFAULT_LIMITS.python,
  };
  for (const key of ['timeoutMs', 'cpuSeconds', 'memoryMb', 'maxProcesses', 'maxOutputBytes', 'diskMb'] as const) {
    const v = limits[key];
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`sandbox option ${key} must be a positive number, got ${v}`);
  }
  // the interpreter itself needs a few processes' worth and some address space to start
  if (limits.maxProcesses < 2) throw new RangeError('sandbox option maxProcesses must be at least 2 (the program and its supervisor)');
  if (limits.memoryMb < 64) throw new RangeError('sandbox option memoryMb must be at least 64 (Python needs ~30 MB of address space to start)');
  return limits;
}

/** The numbers the launcher sets as rlimits on the program. */
export interface ProgramRlimits {
  cpuSeconds: number;
  memoryBytes: number;
  maxProcesses: number;
  fileBytes: number;
}

export function programRlimits(limits: SandboxLimits): ProgramRlimits {
  return {
    cpuSeconds: Math.max(1, Math.ceil(limits.cpuSeconds)),
    memoryBytes: Math.floor(limits.memoryMb * 2 ** 20),
    maxProcesses: Math.floor(limits.maxProcesses),
    // one file can be no larger than the work directory (which is what bounds it where a tmpfs is used)
    fileBytes: Math.floor(limits.diskMb * 2 ** 20),
  };
}
