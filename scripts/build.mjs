// Builds every bundle with esbuild: the extension host and the CLI (node/cjs, `vscode` external),
// one browser bundle per webview panel, and copies sql.js's wasm next to them.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = path.join(root, 'dist');
fs.mkdirSync(path.join(dist, 'webview'), { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // prefer ESM builds: jsonc-parser's UMD build hides its modules from the bundler
  mainFields: ['module', 'main'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** One entry per webview-ui/<name>/main.ts -> dist/webview/<name>.js (a panel, or a script a panel loads later: instances-markdown) */
const panels = fs.existsSync(path.join(root, 'webview-ui'))
  ? fs.readdirSync(path.join(root, 'webview-ui')).filter((d) => fs.existsSync(path.join(root, 'webview-ui', d, 'main.ts')))
  : [];

const builds = [
  { ...node, entryPoints: [path.join(root, 'src/extension/extension.ts')], outfile: path.join(dist, 'extension.js') },
  { ...node, entryPoints: [path.join(root, 'src/cli/main.ts')], outfile: path.join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } },
  // the instance browser's worker thread (src/core/browse): started by path from the other bundles
  { ...node, entryPoints: [path.join(root, 'src/core/browse/browseWorker.ts')], outfile: path.join(dist, 'browseWorker.js') },
  // the extension's jobs (run, evaluate, metrics) run in this worker thread, off the extension host's main thread
  { ...node, entryPoints: [path.join(root, 'src/core/threads/jobWorker.ts')], outfile: path.join(dist, 'jobWorker.js') },
  { ...node, entryPoints: [path.join(root, 'src/extension/pgr/pgrWorker.ts')], outfile: path.join(dist, 'pgrWorker.js') },
  ...panels.map((p) => ({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    legalComments: 'none',
    entryPoints: [path.join(root, 'webview-ui', p, 'main.ts')],
    outfile: path.join(dist, 'webview', `${p}.js`),
  })),
].filter((b) => fs.existsSync(b.entryPoints[0]));

fs.copyFileSync(path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log(`[build] watching ${builds.length} bundles`);
} else {
  const t0 = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (fs.existsSync(path.join(dist, 'cli.js'))) fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
  console.log(`[build] ${builds.length} bundles in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
}
