// Loads the Markdown renderer (dist/webview/instances-markdown.js) once, by a script element with
// this page's nonce (the CSP runs nothing else). Until it has loaded, text shows as plain text.

export interface MarkdownRenderer {
  renderMarkdown(text: string): HTMLElement;
}

// only valid while this bundle's own script runs, so read now
const self = document.currentScript as HTMLScriptElement | null;
let renderer: MarkdownRenderer | undefined;
let loading: Promise<MarkdownRenderer> | undefined;

/** The renderer, if it has loaded. */
export function markdownRenderer(): MarkdownRenderer | undefined {
  return renderer;
}

export function loadMarkdown(): Promise<MarkdownRenderer> {
  loading ??= new Promise<MarkdownRenderer>((resolve, reject) => {
    if (!self?.src) return reject(new Error('the panel script has no address to load the renderer beside'));
    const s = document.createElement('script');
    s.src = self.src.replace(/instances\.js(?=$|[?#])/, 'instances-markdown.js');
    s.nonce = self.nonce;
    s.onload = () => {
      const r = (window as unknown as { agorabenchMarkdown?: MarkdownRenderer }).agorabenchMarkdown;
      if (!r) return reject(new Error('the Markdown renderer did not register'));
      renderer = r;
      resolve(r);
    };
    s.onerror = () => reject(new Error('the Markdown renderer could not be loaded'));
    document.head.append(s);
  });
  return loading;
}

/** The exact string, as text. */
export function renderRaw(text: string): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'raw';
  pre.textContent = text;
  return pre;
}
