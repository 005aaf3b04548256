// API keys live in SecretStorage (under the env var name they stand for) or in the environment,
// never in settings, files, logs or webviews.
import type * as vscode from 'vscode';
import type { GeneratorConfig, KeyResolver } from '../../core';

export class KeyStore {
  /** A key was stored or deleted, from this window or another (config diagnostics check again). */
  readonly onDidChange: vscode.Event<vscode.SecretStorageChangeEvent>;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.onDidChange = secrets.onDidChange;
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
  }

  async delete(envVar: string): Promise<void> {
    await this.secrets.delete(envVar);
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
