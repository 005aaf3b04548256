// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// It accepts the desktop CLI arguments runTests passes, starts the VS Code server bundled in
// code-server (a real Node extension host), runs the suite through headless chromium and exits
// with the suite's exit code. Bundled to out/vscode-host/code-shim.js by the test runner.
//
// Environment: VSHOST_SERVER_MAIN (server-main.js), VSHOST_NODE (node 24), optional
// VSHOST_SNAP_DIR, VSHOST_TIMEOUT (s), VSHOST_SCREENSHOT, VSHOST_VERBOSE,
// VSHOST_WORKSPACE_TRUST=1 (keep workspace trust on, so the folder opens in Restricted Mode).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { driveWorkbench } from './driver';

class ShimError extends Error {
  override name = 'ShimError';
}

interface ShimArgs {
  devPaths: string[];
  testsPath: string;
  folder: string | undefined;
  userDataDir: string;
  extensionsDir: string;
}

function parseArgs(args: string[]): ShimArgs {
  const val = (n: string) => args.find((a) => a.startsWith(`--${n}=`))?.slice(n.length + 3);
  const devPaths = args.filter((a) => a.startsWith('--extensionDevelopmentPath=')).map((a) => a.slice(a.indexOf('=') + 1));
  const testsPath = val('extensionTestsPath');
  if (!testsPath || !devPaths.length) throw new ShimError('need --extensionTestsPath and --extensionDevelopmentPath');
  const userDataDir = val('user-data-dir') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vshost-udd-'));
  return {
    devPaths,
    testsPath,
    folder: args.find((a) => !a.startsWith('-')),
    userDataDir,
    extensionsDir: val('extensions-dir') ?? path.join(userDataDir, 'extensions'),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function isUp(url: string): Promise<boolean> {
  return new Promise((resolve) =>
    http
      .get(url, (res) => {
        res.resume();
        resolve(true);
      })
      .on('error', () => resolve(false)),
  );
}

async function main(): Promise<number> {
  const serverMain = process.env.VSHOST_SERVER_MAIN;
  if (!serverMain || !fs.existsSync(serverMain)) throw new ShimError(`VSHOST_SERVER_MAIN not found: ${serverMain ?? '(unset)'}`);
  const a = parseArgs(process.argv.slice(2));
  const port = await freePort();
  fs.mkdirSync(a.extensionsDir, { recursive: true });
  fs.mkdirSync(a.userDataDir, { recursive: true });
  const serverLog = path.join(a.userDataDir, 'server.log');
  const log = fs.openSync(serverLog, 'w');
  const trust = process.env.VSHOST_WORKSPACE_TRUST === '1';
  // XDG dirs inside the run's folder keep $HOME clean; the extension host inherits this environment
  const env = {
    ...process.env,
    XDG_CACHE_HOME: path.join(a.userDataDir, 'xdg-cache'),
    XDG_CONFIG_HOME: path.join(a.userDataDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(a.userDataDir, 'xdg-data'),
    VSCODE_AGENT_FOLDER: path.join(a.userDataDir, 'agent'),
  };
  const server = spawn(
    process.env.VSHOST_NODE ?? process.execPath,
    [
      serverMain,
      ...['--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms'],
      // without --enable-smoke-test-driver the built workbench ignores the test payload
      ...['--enable-smoke-test-driver', '--disable-telemetry', ...(trust ? [] : ['--disable-workspace-trust'])],
      ...['--user-data-dir', a.userDataDir, '--server-data-dir', path.join(a.userDataDir, 'server'), '--extensions-dir', a.extensionsDir],
    ],
    { detached: true, stdio: ['ignore', log, log], env },
  );
  const killServer = () => {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('SIGINT', () => {
    killServer();
    process.exit(130);
  });
  process.on('SIGTERM', () => {
    killServer();
    process.exit(143);
  });
  try {
    const url = `http://127.0.0.1:${port}/`;
    let up = false;
    for (let i = 0; i < 240 && !(up = await isUp(url)); i++) await new Promise((r) => setTimeout(r, 250));
    if (!up) throw new ShimError(`the VS Code server did not answer on ${url}`);
    const code = await driveWorkbench({
      server: url,
      authority: `127.0.0.1:${port}`,
      extensionDevelopmentPaths: a.devPaths,
      extensionTestsPath: a.testsPath,
      folder: a.folder,
      timeoutSeconds: Number(process.env.VSHOST_TIMEOUT ?? 600),
      snapDir: process.env.VSHOST_SNAP_DIR,
      screenshot: process.env.VSHOST_SCREENSHOT,
      logsDir: path.join(a.userDataDir, 'workbench-logs'),
      verbose: process.env.VSHOST_VERBOSE === '1',
    });
    if (code !== 0) process.stderr.write(`--- server log (${serverLog}) ---\n${tail(serverLog, 30)}\n`);
    return code;
  } finally {
    killServer();
  }
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[code-shim] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
