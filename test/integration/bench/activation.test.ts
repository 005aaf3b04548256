// Times the extension's first activation in this host: loading dist/extension.js and running
// activate(). Figures only, never a performance assertion; what is asserted is that the number means
// something (nothing had activated the extension before, and it is active afterwards).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BENCH_OUT_ENV, type ActivationFigures } from '../support/benchFigures';
import { EXTENSION_ID } from '../support/fixtures';

/** Let the host finish its own start-up (built-in extensions activating) so it does not share the timing. */
const SETTLE_MS = Number(process.env.AGORABENCH_BENCH_SETTLE_MS ?? 1500);

describe('activation time', () => {
  it('activates from cold, on request, in a folder without a config', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed in the test host`);
    assert.deepEqual(await vscode.workspace.findFiles('**/*.agorabench.json', undefined, 1), [], 'the bench folder must hold no config');
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    assert.equal(ext.isActive, false, 'something activated the extension before the timing: the figure would mean nothing');

    const t0 = performance.now();
    await ext.activate();
    const activateMs = performance.now() - t0;

    assert.equal(ext.isActive, true);
    const main = path.resolve(ext.extensionPath, String((ext.packageJSON as { main: string }).main));
    const figures: ActivationFigures = {
      activateMs,
      main,
      mainBytes: fs.statSync(main.endsWith('.js') ? main : `${main}.js`).size,
      loaded: Object.keys(require.cache)
        .filter((f) => f.startsWith(path.join(ext.extensionPath, 'dist') + path.sep))
        .map((f) => path.relative(ext.extensionPath, f)),
      vscodeVersion: vscode.version,
      node: process.version,
    };
    console.log(`[bench] activation ${activateMs.toFixed(1)} ms (${main}, ${figures.mainBytes} bytes; loaded ${figures.loaded.join(', ')})`);
    const out = process.env[BENCH_OUT_ENV];
    if (out) fs.writeFileSync(out, JSON.stringify(figures, null, 2));
  });
});
