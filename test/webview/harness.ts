// Loads a built panel (dist/webview/<panel>.js) in headless chromium through the same HTML helper
// the extension uses, with `acquireVsCodeApi` stubbed: the test sees what the page posts and
// plays the host by dispatching `message` events. Resources come from a fake origin served by
// page.route, so nothing leaves the machine and the CSP is enforced as in VS Code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebviewHtml, createNonce } from '../../src/extension/webview/webviewHtml';
import { CHROMIUM_ARGS, chromiumPath } from '../vscode-host/chromium';
import { themeScript, type ThemeKind } from './themes';

const ROOT = path.resolve(__dirname, '../..');
const ORIGIN = 'http://agorabench-webview.test';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.map': 'application/json' };

/** The acquireVsCodeApi stub (browser code): records posts, keeps state, collects CSP violations. */
const STUB = `function (initial) {
  const posted = [];
  const violations = [];
  let state = initial === null ? undefined : initial;
  let acquired = false;
  window.__posted = posted;
  window.__violations = violations;
  window.__state = () => state;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m) => posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => state,
      setState: (s) => { state = JSON.parse(JSON.stringify(s)); }, // VS Code keeps state as JSON
    };
  };
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
}`;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

export interface PanelPage {
  page: Page;
  /** Everything the page posted to the "host", in order. */
  posted(): Promise<unknown[]>;
  /** Plays the host: delivers a message to the webview. */
  send(message: unknown): Promise<void>;
  /** Waits for the next posted message (after `from` messages) that satisfies `test`. */
  waitForPost<T>(test: (m: T) => boolean, from?: number): Promise<T>;
  state(): Promise<unknown>;
  /** CSP violations the page reported (directive and blocked URI). */
  violations(): Promise<string[]>;
  /** Requests that went anywhere but the webview origin. */
  foreignRequests: string[];
  /** Switches the page to another VS Code theme (variables and body class), as VS Code does live. */
  setTheme(kind: ThemeKind): Promise<void>;
  /** Writes a PNG of the page to test-output/screenshots/<name>.png for a reviewer; returns its path. */
  screenshot(name: string): Promise<string>;
}

export const SCREENSHOTS_DIR = path.join(ROOT, 'test-output', 'screenshots');

export interface OpenPanelOptions {
  panel: string;
  /** What getState() returns at start (a restored panel). */
  initialState?: unknown;
  /** Extra markup at the end of <body>, e.g. an inline script the CSP must block. */
  inject?: string;
  /** VS Code theme to start in (default light). */
  theme?: ThemeKind;
  viewport?: { width: number; height: number };
}

export async function openPanel(browser: Browser, o: OpenPanelOptions): Promise<PanelPage> {
  const dist = path.join(ROOT, 'dist', 'webview');
  if (!fs.existsSync(path.join(dist, `${o.panel}.js`))) throw new Error(`${dist}/${o.panel}.js is missing: run \`npm run build\``);
  const html = buildWebviewHtml({ panel: o.panel, title: o.panel, cspSource: ORIGIN, assetsBase: `${ORIGIN}/webview`, nonce: createNonce() }).replace(
    '</body>',
    `${o.inject ?? ''}</body>`,
  );
  const page = await browser.newPage({ viewport: o.viewport ?? { width: 1100, height: 800 } });
  const foreignRequests: string[] = [];
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) {
      foreignRequests.push(url.href);
      return route.abort();
    }
    if (url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    const file = path.join(dist, path.basename(url.pathname));
    if (!url.pathname.startsWith('/webview/') || !fs.existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: TYPES[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file) });
  });
  // runs before the page's own scripts and outside its CSP, like VS Code's own webview preamble;
  // browser code is kept as strings because this file is type-checked without the DOM library
  await page.addInitScript({ content: `(${STUB})(${JSON.stringify(o.initialState ?? null)})` });
  await page.addInitScript({ content: themeScript(o.theme ?? 'light') });
  await page.goto(`${ORIGIN}/index.html`);

  const posted = () => page.evaluate<unknown[]>('window.__posted');
  return {
    page,
    posted,
    send: (m) => page.evaluate<void>(`window.postMessage(${JSON.stringify(m)}, '*')`),
    async waitForPost<T>(test: (m: T) => boolean, from = 0): Promise<T> {
      for (const end = Date.now() + 10_000; Date.now() < end; ) {
        const hit = (await posted()).slice(from).find((m) => test(m as T));
        if (hit !== undefined) return hit as T;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no matching message; posted: ${JSON.stringify(await posted())}`);
    },
    state: () => page.evaluate<unknown>('window.__state()'),
    violations: () => page.evaluate<string[]>('window.__violations'),
    foreignRequests,
    async setTheme(kind) {
      await page.evaluate<void>(themeScript(kind));
    },
    async screenshot(name) {
      fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
      const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
  };
}
