// Config files for the integration suites, written into the test host's workspace folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'agorabench.agorabench';

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test host has no workspace folder');
  return folder.uri.fsPath;
}

export interface FakeConfigOptions {
  name: string;
  baseURL: string;
  apiKeyEnv: string;
  instances?: number;
  concurrency?: number;
  /** Adds a response_generation.math dataset (one per seed). */
  responses?: boolean;
}

/** A config whose one generator talks to the fake OpenAI-compatible server. */
export function writeFakeConfig(o: FakeConfigOptions): string {
  return writeConfig(`${o.name}.agorabench.json`, {
    name: o.name,
    generators: [{ id: 'fake', provider: 'openai', model: 'gpt-4o-mini', baseURL: o.baseURL, apiKeyEnv: o.apiKeyEnv, limits: { concurrency: o.concurrency ?? 4 } }],
    settings: [
      { setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: o.instances ?? 6 },
      ...(o.responses ? [{ setting: 'response_generation.math', seeds: 'seeds/math.jsonl', instances: 4 }] : []),
    ],
  });
}

export function writeConfig(file: string, content: unknown): string {
  const abs = path.join(workspaceDir(), file);
  fs.writeFileSync(abs, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
  return abs;
}

/** Waits for the extension to be activated by its own activation event (never activates it here). */
export async function activeExtension(timeoutMs = 20_000): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in the test host`);
  await until(() => ext.isActive, timeoutMs, `${EXTENSION_ID} to activate`);
  return ext;
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
