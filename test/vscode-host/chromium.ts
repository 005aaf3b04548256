// Headless Debian chromium, shared by the workbench driver and the webview tests.
// Playwright must never download a browser: we always pass an executablePath.

/** Flags measured to work on this machine kind (no GPU, no sandbox, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}
