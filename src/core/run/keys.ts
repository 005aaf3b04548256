import { MissingKeyError } from '../errors';
import { registerSecret } from '../util/redact';
import type { KeyResolver, KeyedEndpoint } from './types';

/** Environment-only key lookup (the CLI's). */
export const envKeys: KeyResolver = (envVar) => process.env[envVar] || undefined;

/** Resolves every generator's key up front, so a missing key stops the run before any work. */
export async function resolveKeys(generators: KeyedEndpoint[], resolver: KeyResolver = envKeys): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for (const g of generators) {
    if (!g.apiKeyEnv) {
      out.set(g.id, undefined);
      continue;
    }
    const key = (await resolver(g.apiKeyEnv, g)) ?? process.env[g.apiKeyEnv];
    if (!key) throw new MissingKeyError(g.apiKeyEnv, g.id);
    registerSecret(key);
    out.set(g.id, key);
  }
  return out;
}
