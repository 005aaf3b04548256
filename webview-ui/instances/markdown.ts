// Model text → safe HTML: Markdown (markdown-it, raw HTML off), LaTeX ($…$, $$…$$, \(…\), \[…\])
// as MathML through KaTeX, fenced code highlighted by highlight.js, and DOMPurify over the result.
//
// Why MathML: KaTeX's HTML output needs inline style attributes and its fonts; the panel's CSP
// (style-src without 'unsafe-inline') blocks the former. Chromium renders MathML natively.
// Nothing rendered may load anything: raw HTML in model text stays text, Markdown images become a
// text placeholder, links lose their href (the address stays visible as a tooltip).
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import cpp from 'highlight.js/lib/languages/cpp';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import katex from 'katex';
import MarkdownIt, { type StateInline } from 'markdown-it';

for (const [name, lang] of Object.entries({ bash, cpp, java, javascript, json, python, sql, typescript })) hljs.registerLanguage(name, lang);
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['js'], { languageName: 'javascript' });
hljs.registerAliases(['ts'], { languageName: 'typescript' });
hljs.registerAliases(['c++', 'c', 'cc'], { languageName: 'cpp' });

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function highlight(code: string, lang: string): string {
  const name = lang.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  let body: string;
  let cls = 'hljs';
  if (name && hljs.getLanguage(name)) {
    body = hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    cls += ` language-${name}`;
  } else {
    body = escapeHtml(code);
  }
  return `<pre><code class="${cls}">${body}</code></pre>`;
}

function renderMath(tex: string, display: boolean): string {
  const html = katex.renderToString(tex, { output: 'mathml', displayMode: display, throwOnError: false, strict: 'ignore', trust: false });
  // the TeX annotation would show as stray text once the sanitiser drops <semantics>; the raw
  // text toggle shows the source instead
  return html.replace(/<annotation\b[^>]*>[\s\S]*?<\/annotation>/g, '').replace(/<\/?semantics>/g, '');
}

/** Inline rule for every math delimiter; display delimiters work inside a paragraph too. */
function mathRule(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const pos = state.pos;
  const delims: Array<[string, string, boolean]> = [
    ['$$', '$$', true],
    ['\\[', '\\]', true],
    ['\\(', '\\)', false],
    ['$', '$', false],
  ];
  const d = delims.find(([open]) => src.startsWith(open, pos));
  if (!d) return false;
  const [open, close, display] = d;
  const start = pos + open.length;
  let end = src.indexOf(close, start);
  // "$5 and $6" is money, not math: inline $…$ must hug its content
  if (open === '$') {
    while (end > 0 && src[end - 1] === '\\') end = src.indexOf(close, end + 1);
    if (end < 0 || /^\s/.test(src.slice(start)) || /\s$/.test(src.slice(start, end)) || /^\d/.test(src.slice(end + 1))) return false;
  }
  if (end < 0 || end === start) return false;
  if (!silent) {
    const token = state.push('math', 'math', 0);
    token.content = src.slice(start, end);
    token.meta = { display };
  }
  state.pos = end + close.length;
  return true;
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false, highlight });
md.inline.ruler.before('escape', 'math', mathRule);
md.renderer.rules.math = (tokens, idx) => {
  const t = tokens[idx];
  return t ? renderMath(t.content, !!(t.meta as { display?: boolean } | null)?.display) : '';
};
md.renderer.rules.image = (tokens, idx) => {
  const t = tokens[idx];
  const alt = String(t ? t.content || t.attrGet('alt') || '' : '');
  const src = String(t?.attrGet('src') ?? '');
  return `<span class="image-placeholder" title="${escapeHtml(src)}">[image${alt ? `: ${escapeHtml(alt)}` : ''}]</span>`;
};

let hooked = false;
function hookPurifier(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    // links open nothing: the address stays readable as a tooltip
    const href = node.getAttribute('href');
    if (href === null) return;
    node.removeAttribute('href');
    if (node instanceof HTMLAnchorElement) {
      node.setAttribute('title', href);
      node.classList.add('link');
    }
  });
}

/** Sanitises HTML we built; anything that could load or run is removed. */
export function sanitize(html: string): string {
  hookPurifier();
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ['img', 'style', 'link', 'iframe', 'object', 'embed', 'form', 'input', 'video', 'audio', 'source', 'picture', 'svg'],
    FORBID_ATTR: ['style', 'src', 'srcset', 'xlink:href', 'action', 'formaction', 'background', 'poster'],
    ALLOW_DATA_ATTR: false,
  });
}

/** Markdown + math + code of model text, as a sanitised element. */
export function renderMarkdown(text: string): HTMLElement {
  const el = document.createElement('div');
  el.className = 'markdown';
  let html: string;
  try {
    html = md.render(text);
  } catch {
    html = `<pre>${escapeHtml(text)}</pre>`;
  }
  el.innerHTML = sanitize(html);
  return el;
}
