import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, exited } from './engine';

export const REPO = REPO_ROOT;
const CLI = ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts')];

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the agorabench CLI (from source) without waiting for it. */
export function cliChild(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Runs the CLI to completion. Asynchronous on purpose: the fake server lives in this process,
 * and a synchronous spawn would block it from answering.
 */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return collect(cliChild(args, env));
}

export async function collect(child: ChildProcess): Promise<CliResult> {
  const r = await exited(child);
  return { status: r.code, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
