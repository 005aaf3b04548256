// API keys live in SecretStorage (under the env var name they stand for) or in the environment,
// never in settings, files, logs or webviews.
import type * as vscode from 'vscode';
import type { GeneratorConfig, KeyResolver } from '../../core';

/** Where the names (never the values) of the keys set from VS Code are remembered: SecretStorage cannot list them. */
const NAMES_KEY = 'agorabench.keyNames';

export class KeyStore {
  /** A key was stored or deleted, from this window or another (config diagnostics check again). */
  readonly onDidChange: vscode.Event<vscode.SecretStorageChangeEvent>;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly names?: vscode.Memento,
  ) {
    this.onDidChange = secrets.onDidChange;
  }

  /** Names of the keys stored in SecretStorage by this extension. */
  storedNames(): string[] {
    return this.names?.get<string[]>(NAMES_KEY, []) ?? [];
  }

  /** Where a key would come from now (for messages; never the key itself). */
  async source(envVar: string): Promise<'secret-storage' | 'environment' | undefined> {
    if (await this.secrets.get(envVar)) return 'secret-storage';
    return this.env[envVar] ? 'environment' : undefined;
  }

  /** SecretStorage first (set from VS Code), then the environment (set by the shell or CI). */
  async get(envVar: string): Promise<string | undefined> {
    const stored = await this.secrets.get(envVar);
    if (stored) return stored;
    const fromEnv = this.env[envVar];
    return fromEnv ? fromEnv : undefined;
  }

  async set(envVar: string, key: string): Promise<void> {
    await this.secrets.store(envVar, key);
    await this.names?.update(NAMES_KEY, [...new Set([...this.storedNames(), envVar])]);
  }

  async delete(envVar: string): Promise<void> {
    await this.secrets.delete(envVar);
    await this.names?.update(NAMES_KEY, this.storedNames().filter((n) => n !== envVar));
  }

  /** The engine's `resolveKey` callback. */
  readonly resolver: KeyResolver = (envVar: string) => this.get(envVar);
}

/** Env var names a config's generators read their keys from (in order, without repeats). */
export function keyEnvVars(generators: readonly GeneratorConfig[]): string[] {
  return [...new Set(generators.flatMap((g) => (g.apiKeyEnv ? [g.apiKeyEnv] : [])))];
}

/** Only names a shell could export: keeps typos and pasted keys out of the secret names. */
export function isEnvVarName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}
