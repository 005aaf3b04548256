// `npm run demo`: try AgoraBench without an API key. Starts the project's fake model server on
// 127.0.0.1:8787, runs examples/demo.agorabench.json against it with the built CLI (generation, then
// evaluation), then stops it.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const server = spawn(process.execPath, ['--import', 'tsx', 'test/fake-server/main.ts', '--port', '8787', '--latency', '150'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const stop = () => server.kill('SIGTERM');
process.on('exit', stop);

await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    if (out.includes('listening on')) resolve();
  });
  server.on('exit', (code) => reject(new Error(`the fake server exited (${code}); is port 8787 in use?`)));
});
console.log('fake model server on http://127.0.0.1:8787 (no API key needed)\n');

const run = (args) =>
  new Promise((resolve) => spawn(process.execPath, [path.join(root, 'dist/cli.js'), ...args], { cwd: root, stdio: 'inherit' }).on('exit', (code) => resolve(code ?? 1)));
let code = await run(['run', 'examples/demo.agorabench.json']);
if (code === 0) {
  console.log('\nfirst instances of one dataset (`agorabench show`):\n');
  await run(['show', 'demo__fake-a__instance_generation.math', '--config', 'examples/demo.agorabench.json', '--limit', '3']);
  // the config's "evaluations": two fake models on 10 items of four benchmarks (downloaded once and
  // cached, or read from AGORABENCH_DATA_DIR), AlpacaEval and Arena-Hard judged by a fake judge
  console.log('\nevaluating the demo models (`agorabench eval`):\n');
  code = await run(['eval', 'examples/demo.agorabench.json']);
}
stop();
process.exit(code);
