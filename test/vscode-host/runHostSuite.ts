// Runs one integration suite in a real VS Code extension host through @vscode/test-electron's
// runTests, with the code shim as the "VS Code executable".
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { RESULTS_ENV, type SuiteResults } from '../integration/support/suiteResults';
import { ROOT, shimPath, suiteEntry, type SuiteName } from './buildTests';
import { hostNode, serverMain } from './hostPaths';
import { createBareWorkspace, createWorkspace } from './workspace';

export interface SuiteRun extends SuiteResults {
  suite: SuiteName;
  exitCode: number;
  seconds: number;
  runDir: string;
}

export interface SuiteRunOptions {
  /** For the `vsix` suite: the package to install into the host before the run. */
  vsix?: string;
  verbose?: boolean;
  /** Keep the run folder (workspace, profile, snapshots) even when the suite passes. */
  keep?: boolean;
  /** More environment for the extension host (e.g. where the `bench` suite writes its figures). */
  env?: Record<string, string>;
}

/** The env var that sends extension host snapshots' requests to the driver (see driver.ts). */
export const SNAP_ENV = 'VSHOST_SNAP_DIR';

export async function runHostSuite(suite: SuiteName, o: SuiteRunOptions = {}): Promise<SuiteRun> {
  const t0 = Date.now();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `agorabench-host-${suite}-`));
  // the bench suite times the extension's first activation, so its folder must not activate it
  const ws = (suite === 'bench' ? createBareWorkspace : createWorkspace)(path.join(runDir, 'ws'));
  const userDataDir = path.join(runDir, 'user');
  const extensionsDir = path.join(runDir, 'extensions');
  const resultsFile = path.join(runDir, 'results.json');
  fs.mkdirSync(extensionsDir, { recursive: true });
  if (suite === 'vsix') installVsix(o.vsix ?? path.join(ROOT, 'dist', 'agorabench.vsix'), extensionsDir, userDataDir);

  let exitCode = 0;
  try {
    await runTests({
      vscodeExecutablePath: shimPath(),
      // the vsix suite loads a do-nothing probe so that the installed package is the one under test
      extensionDevelopmentPath: suite === 'vsix' ? path.join(ROOT, 'test', 'vscode-host', 'vsix-probe') : ROOT,
      extensionTestsPath: suiteEntry(suite),
      launchArgs: [ws, `--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`],
      extensionTestsEnv: {
        VSHOST_SERVER_MAIN: serverMain(),
        VSHOST_NODE: hostNode(),
        [SNAP_ENV]: path.join(runDir, 'snaps'),
        // the server's user data dir (its logs/, the extension host's log files among them), for tests that read them
        VSHOST_USER_DATA_DIR: userDataDir,
        VSHOST_SCREENSHOT: path.join(runDir, 'final.png'),
        VSHOST_WORKSPACE_TRUST: suite === 'restricted' ? '1' : '0',
        VSHOST_VERBOSE: o.verbose ? '1' : '0',
        [RESULTS_ENV]: resultsFile,
        ...o.env,
      },
    });
  } catch (e) {
    // TestRunFailedError carries the shim's exit code
    exitCode = typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : 2;
  }
  const results = readResults(resultsFile, exitCode);
  const run: SuiteRun = { suite, exitCode, seconds: (Date.now() - t0) / 1000, runDir, ...results };
  if (!o.keep && exitCode === 0 && results.failed === 0) fs.rmSync(runDir, { recursive: true, force: true });
  return run;
}

function readResults(file: string, exitCode: number): SuiteResults {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults;
  } catch {
    // the suite never reported (host crash, timeout): count the whole suite as one failure
    const why = exitCode === 124 ? 'timed out' : `ended with exit code ${exitCode} before reporting results`;
    return { passed: 0, failed: 1, failures: [{ title: 'extension host run', error: `the suite ${why}` }] };
  }
}

/** Installs a .vsix the way a user would, with the server's own CLI. */
function installVsix(vsix: string, extensionsDir: string, userDataDir: string): void {
  if (!fs.existsSync(vsix)) throw new Error(`no package at ${vsix}: run \`npm run package\` first`);
  execFileSync(
    hostNode(),
    [serverMain(), '--install-extension', vsix, '--force', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--server-data-dir', path.join(userDataDir, 'server')],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CONFIG_HOME: path.join(userDataDir, 'xdg-config'), XDG_DATA_HOME: path.join(userDataDir, 'xdg-data') } },
  );
}
