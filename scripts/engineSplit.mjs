// The extension as two bundles, so that activating it stays cheap: dist/extension.js, the shell the
// host loads on activation (src/extension: everything activate() registers), and
// dist/extensionEngine.js, the engine (the src/core it uses, with the provider SDKs, sql.js, ajv,
// the statistics and matrix libraries), required the first time a feature reads one of its exports.
//
// esbuild cannot split a cjs bundle, so: (1) an esbuild pass over the shell with src/core left
// external lists, from its ESM output, which names the shell imports from which src/core module;
// (2) the shell's build replaces each of those modules with a few lazy getters that read the name
// from the engine, loaded once, on first read (esbuild reads an imported binding at each use,
// `import_core.Results`, never at import); (3) the engine's entry imports exactly those names, so
// it is tree-shaken as the single bundle was, and holds the one copy of src/core the shell sees
// (one ConfigError class for `instanceof`, one set of module caches).
import * as esbuild from 'esbuild';
import * as path from 'node:path';

export const ENGINE_FILE = 'extensionEngine.js';
const NS = 'agorabench-engine';
const LOADER = 'agorabench-engine-loader';
const EXTERNAL = 'agorabench-core:';

/**
 * @param {string} root the package root
 * @param {esbuild.BuildOptions} shellOptions the shell's own build options (entry, platform, externals)
 * @param {string[]} [inShell] src/core modules (package-relative) the shell bundles itself when imported by their own path:
 *   small ones activate() needs. The engine has its own copy, so only for modules without shared state or `instanceof` checks.
 */
export function engineSplit(root, shellOptions, inShell = []) {
  const core = path.join(root, 'src', 'core') + path.sep;
  const shellModules = new Set(inShell);
  /** package-relative src/core module → the names the shell reads from it */
  let used = new Map();

  /** Sends a relative import from outside src/core into src/core to `onCore` (a resolve result), else leaves it. */
  const coreImports = (onCore) => (build) =>
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData?.engineSplit || args.namespace !== 'file' || args.importer.startsWith(core)) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { engineSplit: true } });
      return !r.errors.length && r.path.startsWith(core) && !shellModules.has(relKey(root, r.path)) ? onCore(relKey(root, r.path)) : undefined;
    });

  /** (1) Which names of which src/core module the shell imports, read from an ESM build that leaves src/core external. */
  async function analyze() {
    const r = await esbuild.build({
      ...shellOptions,
      plugins: [{ name: 'core-external', setup: coreImports((key) => ({ path: EXTERNAL + key, external: true })) }],
      format: 'esm',
      minify: false,
      sourcemap: false,
      write: false,
      outdir: path.join(root, 'out', 'engine-split'),
      outfile: undefined,
      logLevel: 'silent',
    });
    const text = r.outputFiles.map((f) => f.text).join('\n');
    const names = new Map();
    const add = (key, name) => names.set(key, (names.get(key) ?? new Set()).add(name));
    for (const m of text.matchAll(/^import\s+([^;]*?)\s+from\s+"agorabench-core:([^"]+)";$/gm)) {
      const [, clause, key] = m;
      const named = /\{([^}]*)\}/.exec(clause);
      for (const spec of named ? named[1].split(',') : []) if (spec.trim()) add(key, spec.trim().split(/\s+as\s+/)[0]);
      if (/\*\s+as\s+/.test(clause)) add(key, '*');
      if (/^[\w$]+\s*(,|$)/.test(clause)) add(key, 'default');
      if (!names.has(key)) names.set(key, new Set());
    }
    for (const m of text.matchAll(/^import\s+"agorabench-core:([^"]+)";$/gm)) if (!names.has(m[1])) names.set(m[1], new Set());
    if (text.includes(EXTERNAL) && !names.size) throw new Error('engine-split: src/core imports found in the shell, but none could be read');
    for (const [key, set] of names) if (set.has('*')) names.set(key, new Set(await allExports(path.join(root, key))));
    used = names;
  }

  /** (2) The shell's plugin: src/core modules become lazy getters into the engine. */
  /** @type {esbuild.Plugin} */
  const plugin = {
    name: 'engine-split',
    setup(build) {
      build.onStart(analyze);
      coreImports((key) => ({ path: key, namespace: NS }))(build);
      build.onResolve({ filter: new RegExp(`^${LOADER}$`) }, () => ({ path: LOADER, namespace: NS }));
      build.onLoad({ filter: /.*/, namespace: NS }, (args) => {
        if (args.path === LOADER) {
          // a computed path, which esbuild leaves alone: the engine sits next to the shell
          return { contents: `let engine;\nmodule.exports = () => (engine ??= require(require('node:path').join(__dirname, ${JSON.stringify(ENGINE_FILE)})).default);\n`, loader: 'js', resolveDir: root };
        }
        const names = [...(used.get(args.path) ?? [])];
        const contents = [
          `const load = require(${JSON.stringify(LOADER)});`,
          `Object.defineProperty(exports, '__esModule', { value: true });`,
          `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[${JSON.stringify(args.path)}][name] });`,
        ].join('\n');
        return { contents, loader: 'js', resolveDir: root };
      });
    },
  };

  /** (3) The engine's entry: the names the shell reads, by module. */
  function engineEntry() {
    const lines = [...used].sort(([a], [b]) => a.localeCompare(b)).map(([key, names], i) => [`import { ${[...names].map((n) => `${n} as m${i}_${n}`).join(', ')} } from ${JSON.stringify('./' + key)};`, `  ${JSON.stringify(key)}: { ${[...names].map((n) => `${n}: m${i}_${n}`).join(', ')} },`]);
    const contents = [...lines.map(([imp]) => imp), 'export default {', ...lines.map(([, entry]) => entry), '};'].join('\n') + '\n';
    return { contents, resolveDir: root, sourcefile: 'extensionEngine.entry.ts', loader: 'ts' };
  }

  async function allExports(file) {
    const r = await esbuild.build({ entryPoints: [file], bundle: true, packages: 'external', format: 'esm', platform: 'node', write: false, metafile: true, outdir: path.join(root, 'out', 'engine-split'), logLevel: 'silent' });
    return Object.values(r.metafile.outputs).find((o) => o.entryPoint)?.exports ?? [];
  }

  return { plugin, engineEntry, usedModules: () => [...used.keys()].sort() };
}

function relKey(root, file) {
  return path.relative(root, file).split(path.sep).join('/');
}
