// `npm run test:integration`: installs the VS Code host when missing, bundles the suites and runs
// them in a real extension host. Prints one `N passed, N failed` line; exit code 1 on any failure.
//   tsx test/vscode-host/main.ts [main] [restricted] [restore] [vsix] [bench] [--package] [--keep] [--verbose] [--json FILE]
// Without suite names: every suite but `bench` (see DEFAULT_SUITES).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SUITES, ROOT, SUITES, buildHostTests, type SuiteName } from './buildTests';
import { serverMain } from './hostPaths';
import { runHostSuite, type SuiteRun } from './runHostSuite';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const flag = (n: string) => argv.includes(`--${n}`);
  const jsonAt = argv.indexOf('--json');
  const jsonOut = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
  const asked = argv.filter((a): a is SuiteName => (SUITES as readonly string[]).includes(a));
  const suites: SuiteName[] = asked.length ? asked : [...DEFAULT_SUITES];

  if (!fs.existsSync(serverMain())) execFileSync(path.join(ROOT, 'test', 'vscode-host', 'install.sh'), { stdio: 'inherit' });
  await buildHostTests();

  const runs: SuiteRun[] = [];
  for (const s of suites) {
    // packaging rebuilds dist/ for production, so it comes after the suites that test the dev build
    if (s === 'vsix' && (flag('package') || !fs.existsSync(path.join(ROOT, 'dist', 'agorabench.vsix')))) {
      packageVsix();
    }
    console.log(`\n[vscode-host] suite "${s}"`);
    const run = await runHostSuite(s, { keep: flag('keep'), verbose: flag('verbose') });
    runs.push(run);
    console.log(`[vscode-host] suite "${s}": ${run.passed} passed, ${run.failed} failed in ${run.seconds.toFixed(1)}s${run.failed || run.exitCode ? ` (kept ${run.runDir})` : ''}`);
    for (const f of run.failures) console.log(`  ✗ ${f.title}\n    ${f.error.split('\n').join('\n    ')}`);
  }
  const passed = runs.reduce((n, r) => n + r.passed, 0);
  const failed = runs.reduce((n, r) => n + r.failed + (r.exitCode !== 0 && r.failed === 0 ? 1 : 0), 0);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ passed, failed, runs }, null, 2));
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

/** `npm run package`, quietly: only vsce's last line, unless it fails. */
function packageVsix(): void {
  const t0 = Date.now();
  const out = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
  if (out.status !== 0) {
    process.stdout.write(out.stdout + out.stderr);
    throw new Error('npm run package failed');
  }
  const done = out.stdout.split('\n').find((l) => l.includes('Packaged:')) ?? 'packaged';
  console.log(`[vscode-host] ${done.replace(/^\s*DONE\s*/, '').trim()} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
