// The one HTML builder for every webview panel. Deliberately free of `vscode` imports so the
// browser tests can render exactly the HTML the extension ships.
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlOptions {
  /** Panel name: loads `<panel>.js` (and `<panel>.css`) from the built webview folder. */
  panel: string;
  title: string;
  /** `webview.cspSource`: the origin the webview may load resources from. */
  cspSource: string;
  /** Base URI of dist/webview as the webview sees it (`webview.asWebviewUri`), without a trailing slash. */
  assetsBase: string;
  /** One random value per render; only scripts carrying it run. */
  nonce: string;
}

/** A fresh CSP nonce from the OS's CSPRNG. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

/** The policy: nothing by default, our stylesheet and fonts from the webview origin, only nonce'd scripts. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function buildWebviewHtml(o: WebviewHtmlOptions): string {
  const base = o.assetsBase.replace(/\/+$/, '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(`${base}/${o.panel}.css`)}">
<title>${escapeText(o.title)}</title>
</head>
<body>
<div id="app" aria-live="polite"></div>
<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(`${base}/${o.panel}.js`)}"></script>
</body>
</html>`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
