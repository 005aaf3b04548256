// Builds every bundle with esbuild: the extension host and the CLI (node/cjs, `vscode` external),
// one browser bundle per webview panel, and copies sql.js's wasm next to them. The extension is a
// small shell (dist/extension.js, what activation loads) and its engine (dist/extensionEngine.js,
// src/core, loaded on first use): see engineSplit.mjs.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ENGINE_FILE, engineSplit } from './engineSplit.mjs';

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

/**
 * `vscode` read through one namespace object: esbuild gives each file that imports an external cjs
 * module its own `__toESM(require(...))`, a copy of all ~400 names of the API, 30-odd times at load.
 */
const oneVscode = {
  name: 'one-vscode',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'one-vscode' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'one-vscode' }));
    build.onLoad({ filter: /.*/, namespace: 'one-vscode' }, () => ({ contents: 'export * from "vscode";', loader: 'js' }));
  },
};
/**
 * Large libraries several bundles use (the CLI, the job worker, the extension's engine): each is
 * one bundle of its own in dist/vendor/, which the others require by relative path, instead of a
 * copy in each (the tokenizer alone is 3 MB). The code requires them lazily, CommonJS to CommonJS.
 */
const VENDOR = {
  'llama3-tokenizer-js/bundle/commonjs-llama3-tokenizer-with-baked-data.cjs': 'llama3-tokenizer',
  'js-tiktoken/lite': 'tiktoken-lite',
  'js-tiktoken/ranks/cl100k_base': 'tiktoken-cl100k',
  mathjs: 'mathjs',
};
const vendorFilter = new RegExp(`^(${Object.keys(VENDOR).map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
const shared = {
  name: 'shared-vendor',
  setup(build) {
    build.onResolve({ filter: vendorFilter }, (args) => ({ path: `./vendor/${VENDOR[args.path]}.js`, external: true }));
  },
};
const require = createRequire(import.meta.url);
const vendorBuilds = Object.entries(VENDOR).map(([spec, name]) => ({ ...node, entryPoints: [require.resolve(spec)], outfile: path.join(dist, 'vendor', `${name}.js`) }));
node.plugins = [shared];

const shellOptions = { ...node, entryPoints: [path.join(root, 'src/extension/extension.ts')], outfile: path.join(dist, 'extension.js'), plugins: [oneVscode] };
// activate() creates the browse client (its worker thread starts on the first request): the shell bundles that module itself
const split = engineSplit(root, shellOptions, ['src/core/browse/browseClient.ts']);
const shell = { ...shellOptions, plugins: [split.plugin, oneVscode, shared] };
/** The engine's build, for what the shell's last build reads from src/core. */
const engine = () => ({ ...node, stdin: split.engineEntry(), outfile: path.join(dist, ENGINE_FILE) });

const builds = [
  { ...node, entryPoints: [path.join(root, 'src/cli/main.ts')], outfile: path.join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } },
  // the instance browser's worker thread (src/core/browse): started by path from the other bundles
  { ...node, entryPoints: [path.join(root, 'src/core/browse/browseWorker.ts')], outfile: path.join(dist, 'browseWorker.js') },
  // the extension's jobs (run, evaluate, metrics) run in this worker thread, off the extension host's main thread
  { ...node, entryPoints: [path.join(root, 'src/core/threads/jobWorker.ts')], outfile: path.join(dist, 'jobWorker.js') },
  { ...node, entryPoints: [path.join(root, 'src/extension/pgr/pgrWorker.ts')], outfile: path.join(dist, 'pgrWorker.js') },
  ...vendorBuilds,
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
  // the engine follows the shell: rebuilt (and re-watched) when the shell reads other names of src/core
  let engineCtx;
  let engineSource = '';
  const follow = {
    name: 'engine-follows-shell',
    setup(build) {
      build.onEnd(async (r) => {
        const now = split.engineEntry().contents;
        if (r.errors.length || now === engineSource) return;
        engineSource = now;
        await engineCtx?.dispose();
        engineCtx = await esbuild.context(engine());
        await engineCtx.watch();
      });
    },
  };
  await (await esbuild.context({ ...shell, plugins: [...shell.plugins, follow] })).watch();
  console.log(`[build] watching ${builds.length + 2} bundles`);
} else {
  const t0 = Date.now();
  // the engine's entry is known once the shell is built
  await Promise.all([...builds.map((b) => esbuild.build(b)), esbuild.build(shell).then(() => esbuild.build(engine()))]);
  if (fs.existsSync(path.join(dist, 'cli.js'))) fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
  console.log(`[build] ${builds.length + 2} bundles in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
}
