// Drives code-server's workbench in headless Debian chromium so that a real (Node) extension host
// starts and runs the extension's mocha suite; the suite's exit code comes back through
// `codeAutomationExit`, which the built workbench calls when started with --enable-smoke-test-driver.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './chromium';

export interface DriveOptions {
  /** e.g. http://127.0.0.1:PORT/ */
  server: string;
  /** host:port used in vscode-remote:// URIs */
  authority: string;
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string;
  folder?: string;
  timeoutSeconds: number;
  /**
   * A test writes `<snapDir>/<name>.request`; we answer with `<name>.png`, `<name>.frames.json`, then
   * `<name>.done`. A request may hold UI steps (JSON `UiStep[]`) to play first, like a user at the keyboard.
   */
  snapDir?: string;
  /** Screenshot of the workbench when the suite ends (or times out). */
  screenshot?: string;
  /** Folder for the workbench's own log files. */
  logsDir?: string;
  /** Show every workbench log line, not just the suite's. */
  verbose?: boolean;
}

/** Workbench log lines that are harmless here (no internet, no telemetry, no account). */
const NOISE =
  /AgentHost|ChatModelSelection|AccountPolicyGate|ENOTFOUND|^Canceled|Creating a socket|connection token|Service Worker|builtin extensions cache|grace-time|open-vsx|marketplace|Extension Gallery|ERR_NAME_NOT_RESOLVED|authentication provider/i;

/** Exit codes: the suite's own (0 pass, 1 fail), 124 timeout. */
export async function driveWorkbench(o: DriveOptions): Promise<number> {
  const t0 = Date.now();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'agorabench-chrome-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    let finish: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const first = Array.isArray(args) ? String(args[0]) : String(args);
      if (!o.verbose && NOISE.test(first)) return;
      // the workbench forwards console calls unformatted ('%s' placeholders and their values)
      const line = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
      (type === 'error' || type === 'warn' ? process.stderr : process.stdout).write(line + '\n');
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
      if (o.logsDir && Array.isArray(logs)) {
        for (const l of logs) {
          const f = path.join(o.logsDir, l.relativePath);
          fs.mkdirSync(path.dirname(f), { recursive: true });
          fs.writeFileSync(f, l.contents);
        }
      }
      finish(Number(code));
    });
    const stopSnapshots = o.snapDir ? serveSnapshots(page, o.snapDir) : () => undefined;
    const remote = (p: string) => `vscode-remote://${o.authority}${p}`;
    const payload = [
      ...o.extensionDevelopmentPaths.map((e) => ['extensionDevelopmentPath', remote(e)]),
      ['extensionTestsPath', remote(o.extensionTestsPath)],
      ['skipWelcome', 'true'],
    ];
    const target = o.folder ? `folder=${encodeURIComponent(o.folder)}` : 'ew=true';
    await page.goto(`${o.server}?${target}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((r) => (timer = setTimeout(() => r(124), o.timeoutSeconds * 1000)));
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    stopSnapshots();
    if (o.screenshot) await page.screenshot({ path: o.screenshot }).catch(() => undefined);
    process.stderr.write(`[vscode-host] extension host exit code ${code} after ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
    return code;
  } finally {
    await ctx.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * One thing a user does in the workbench: wait for an element, click the last match, fill an input
 * (focuses it first, so no keystroke is lost to a widget still opening), type, press a key (on an element).
 */
export type UiStep = { waitFor: string } | { click: string } | { fill: string; text: string } | { type: string } | { press: string; on?: string };

async function play(page: Page, steps: UiStep[]): Promise<void> {
  for (const [i, step] of steps.entries()) {
    try {
      if ('waitFor' in step) await page.waitForSelector(step.waitFor, { state: 'visible', timeout: 15_000 });
      else if ('click' in step) await page.locator(step.click).last().click({ timeout: 15_000 });
      else if ('fill' in step) await page.locator(step.fill).last().fill(step.text, { timeout: 15_000 });
      else if ('type' in step) await page.keyboard.type(step.type);
      else if (step.on) await page.locator(step.on).last().press(step.press, { timeout: 15_000 });
      else await page.keyboard.press(step.press);
    } catch (e) {
      throw new Error(`step ${i + 1} ${JSON.stringify(step)}: ${String(e)}`);
    }
  }
}

/** Answers snapshot requests written by tests: a screenshot plus the text and HTML of every webview frame. */
function serveSnapshots(page: Page, snapDir: string): () => void {
  fs.mkdirSync(snapDir, { recursive: true });
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      for (const f of fs.readdirSync(snapDir).filter((n) => n.endsWith('.request'))) {
        const name = f.slice(0, -'.request'.length);
        const request = fs.readFileSync(path.join(snapDir, f), 'utf8').trim();
        if (request) {
          try {
            await play(page, JSON.parse(request) as UiStep[]);
          } catch (e) {
            fs.writeFileSync(path.join(snapDir, `${name}.error`), String(e));
            // the workbench's DOM as it was, to find the selector a step missed
            fs.writeFileSync(path.join(snapDir, `${name}.workbench.html`), await page.content().catch(() => ''));
          }
        }
        await page.screenshot({ path: path.join(snapDir, `${name}.png`) }).catch(() => undefined);
        const frames: { url: string; text?: string; html?: string; error?: string }[] = [];
        for (const fr of page.frames()) {
          if (!/webview/.test(fr.url())) continue;
          try {
            frames.push({
              url: fr.url(),
              // string expressions: this file is type-checked without the DOM library
              text: await fr.evaluate<string>("document.body ? document.body.innerText : ''"),
              html: await fr.evaluate<string>('document.documentElement.outerHTML'),
            });
          } catch (e) {
            frames.push({ url: fr.url(), error: String(e) });
          }
        }
        fs.writeFileSync(path.join(snapDir, `${name}.frames.json`), JSON.stringify(frames, null, 2));
        fs.renameSync(path.join(snapDir, f), path.join(snapDir, `${name}.done`));
      }
    })()
      .catch((e: unknown) => process.stderr.write(`[vscode-host] snapshot error ${String(e)}\n`))
      .finally(() => (busy = false));
  }, 250);
  return () => clearInterval(timer);
}
