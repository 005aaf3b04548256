import { detectSandbox } from './capabilities';
import { execute } from './execute';
import { resolveLimits } from './limits';
import { SandboxUnavailableError, type SandboxOptions, type SandboxResult } from './types';

/**
 * Runs one Python program in a fresh interpreter (`-I -B`) inside the sandbox and says how it
 * ended. Throws only when the sandbox cannot be used as asked (no interpreter; no network
 * isolation here and `allowNetwork` not set); whatever the program does is in the result.
 */
export async function runPython(program: string, opts: SandboxOptions = {}): Promise<SandboxResult> {
  const limits = resolveLimits(opts);
  const { env, capabilities } = await detectSandbox(limits.python);
  if (capabilities.network === 'none' && !limits.allowNetwork) {
    throw new SandboxUnavailableError(
      `no network namespace can be made here, so programs could reach the network: ${capabilities.warnings[0] ?? ''} Set allowNetwork: true to run them anyway.`,
    );
  }
  return execute(program, env, limits);
}
