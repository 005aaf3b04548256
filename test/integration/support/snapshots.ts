// Reads webviews from inside the extension host: the test writes `<dir>/<name>.request`, the
// Playwright driver outside answers with a screenshot and every webview frame's text and HTML.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WebviewFrame {
  url: string;
  text?: string;
  html?: string;
  error?: string;
}

let counter = 0;

export function snapshotsAvailable(): boolean {
  return Boolean(process.env.VSHOST_SNAP_DIR);
}

/** Steps the driver plays in the workbench page like a user (see UiStep in test/vscode-host/driver.ts). */
export type UiStep = { waitFor: string } | { click: string } | { fill: string; text: string } | { type: string } | { press: string; on?: string };

/** The input of the QuickPick / InputBox widget. */
export const QUICK_INPUT = '.quick-input-widget .quick-input-box input';

/** Plays UI steps like a user, then snapshots; throws if a step failed. */
export async function uiSteps(label: string, steps: UiStep[], timeoutMs = 30_000): Promise<WebviewFrame[]> {
  return snapshot(label, timeoutMs, steps);
}

export async function snapshot(label: string, timeoutMs = 20_000, steps: UiStep[] = []): Promise<WebviewFrame[]> {
  const dir = process.env.VSHOST_SNAP_DIR;
  if (!dir) throw new Error('VSHOST_SNAP_DIR is not set: run the suite through test/vscode-host');
  fs.mkdirSync(dir, { recursive: true });
  const name = `${String(++counter).padStart(3, '0')}-${label.replace(/[^\w-]+/g, '_')}`;
  fs.writeFileSync(path.join(dir, `${name}.request`), steps.length ? JSON.stringify(steps) : '');
  const done = path.join(dir, `${name}.done`);
  for (const end = Date.now() + timeoutMs; !fs.existsSync(done); ) {
    if (Date.now() > end) throw new Error(`no answer to snapshot ${name} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const error = path.join(dir, `${name}.error`);
  if (fs.existsSync(error)) throw new Error(`UI steps of ${name} failed: ${fs.readFileSync(error, 'utf8')}`);
  return JSON.parse(fs.readFileSync(path.join(dir, `${name}.frames.json`), 'utf8')) as WebviewFrame[];
}

/** Snapshots until some webview frame's text satisfies `test`; returns that text. */
export async function waitForWebviewText(label: string, test: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last: WebviewFrame[] = [];
  while (Date.now() < end) {
    last = await snapshot(label);
    const hit = last.find((f) => f.text !== undefined && test(f.text));
    if (hit?.text !== undefined) return hit.text;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no webview frame matched within ${timeoutMs} ms; frames seen:\n${last.map((f) => `${f.url}\n${(f.text ?? f.error ?? '').slice(0, 400)}`).join('\n---\n')}`);
}
