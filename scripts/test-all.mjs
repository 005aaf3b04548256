// `npm test`: build, then unit tests (mocha), the webview tests (headless chromium) and the
// integration tests (a real VS Code extension host, installed first when missing). Prints one
// final line `N passed, N failed` over all layers; exits non-zero on any failure.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/** Runs a command, echoing its output; resolves with exit code and captured stdout. */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

/** Counts from mocha's own summary (`N passing`, `N failing`); a run that never got there is one failure. */
function mochaCounts({ code, out }) {
  const passing = /^\s*(\d+) passing/m.exec(out);
  const failing = /^\s*(\d+) failing/m.exec(out);
  if (!passing && !failing) return { passed: 0, failed: code === 0 ? 0 : 1 };
  const failed = failing ? Number(failing[1]) : 0;
  return { passed: passing ? Number(passing[1]) : 0, failed: failed || (code === 0 ? 0 : 1) };
}

const layers = [];
const t0 = Date.now();
async function layer(name, fn) {
  const start = Date.now();
  console.log(`\n=== ${name} ===`);
  const counts = await fn();
  layers.push({ name, ...counts, seconds: (Date.now() - start) / 1000 });
}

const build = await run(process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
if (build.code !== 0) {
  console.log('build failed\n0 passed, 1 failed');
  process.exit(1);
}
// Debian chromium (webview layer) and the VS Code host (integration layer) come from one idempotent
// installer; run it first so a fresh clone's `npm test` has the browser before the webview layer
const install = await run('bash', [path.join(root, 'test', 'vscode-host', 'install.sh')]);
if (install.code !== 0) console.log('[test] installing chromium / the VS Code host failed; the layers that need them will fail');
// the unit layer's spec and options belong to `npm run test:unit` (and .mocharc.json)
await layer('unit', async () => mochaCounts(await run('npm', ['run', '--silent', 'test:unit', '--', '--reporter', 'dot'])));
await layer('webview (chromium)', async () => mochaCounts(await run(bin('mocha'), ['--config', 'test/webview/.mocharc.json', '--reporter', 'dot'])));
await layer('integration (VS Code extension host)', async () => {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agorabench-it-')), 'results.json');
  const res = await run(bin('tsx'), ['test/vscode-host/main.ts', 'main', 'restricted', 'restore', 'vsix', '--package', '--json', json]);
  try {
    const { passed, failed } = JSON.parse(fs.readFileSync(json, 'utf8'));
    return { passed, failed: failed || (res.code === 0 ? 0 : 1) };
  } catch {
    return { passed: 0, failed: 1 };
  }
});

console.log('\n=== summary ===');
for (const l of layers) console.log(`${l.name.padEnd(40)} ${String(l.passed).padStart(4)} passed ${String(l.failed).padStart(3)} failed  ${l.seconds.toFixed(1)}s`);
const passed = layers.reduce((n, l) => n + l.passed, 0);
const failed = layers.reduce((n, l) => n + l.failed, 0);
console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)}s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
