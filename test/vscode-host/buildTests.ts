// Bundles what the host run needs: each integration suite (index + *.test.ts) for the extension
// host, and the code shim that stands in for the VS Code executable. `vscode` and `mocha` stay
// external (the host provides the first, node_modules the second).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const OUT = path.join(ROOT, 'out');

export const SUITES = ['main', 'restricted', 'restore', 'vsix', 'bench'] as const;
export type SuiteName = (typeof SUITES)[number];
/** What `npm run test:integration` runs without suite names: `bench` (activation time, for `npm run bench:activation`) only when asked. */
export const DEFAULT_SUITES: readonly SuiteName[] = SUITES.filter((s) => s !== 'bench');

/** out/integration/<suite>/index.js: the module passed as extensionTestsPath. */
export function suiteEntry(suite: SuiteName): string {
  return path.join(OUT, 'integration', suite, 'index.js');
}

export function shimPath(): string {
  return path.join(OUT, 'vscode-host', 'code-shim.js');
}

export async function buildHostTests(): Promise<void> {
  const srcDir = path.join(ROOT, 'test', 'integration');
  const entries = SUITES.flatMap((s) =>
    fs
      .readdirSync(path.join(srcDir, s))
      .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
      .map((f) => path.join(srcDir, s, f)),
  );
  fs.rmSync(path.join(OUT, 'integration'), { recursive: true, force: true });
  await Promise.all([
    esbuild.build({
      entryPoints: entries,
      outbase: srcDir,
      outdir: path.join(OUT, 'integration'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'mocha'],
      // prefer ESM entry points: UMD builds (jsonc-parser) hide their requires from the bundler
      mainFields: ['module', 'main'],
      sourcemap: 'inline',
      logLevel: 'warning',
    }),
    esbuild.build({
      entryPoints: [path.join(ROOT, 'test', 'vscode-host', 'codeShim.ts')],
      outfile: shimPath(),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['playwright-core'],
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'warning',
    }),
  ]);
  fs.chmodSync(shimPath(), 0o755);
}
