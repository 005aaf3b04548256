import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { packageRoot } from '../src/core/util/assets';

/** A fake model server in its own process, so its CPU time is not the benchmark's. */
export interface ServerProcess {
  url: string;
  openaiBaseURL: string;
  stats(): Promise<{ requests: number; byStatus: Record<string, number>; maxConcurrent: number }>;
  configure(patch: Record<string, unknown>): Promise<void>;
  reset(): Promise<void>;
  stop(): void;
}

export async function startServerProcess(args: string[]): Promise<ServerProcess> {
  const root = packageRoot();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/fake-server/main.ts'), '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`fake server exited (${code})`)));
  });
  const post = async (p: string, body?: unknown) => {
    const r = await fetch(url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
    if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
  };
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    stats: async () => (await (await fetch(`${url}/_admin/stats`)).json()) as Awaited<ReturnType<ServerProcess['stats']>>,
    configure: (patch) => post('/_admin/config', patch),
    reset: () => post('/_admin/reset'),
    stop: () => child.kill('SIGTERM'),
  };
}
