// The Instances panel's Markdown renderer as its own script (markdown-it, KaTeX, highlight.js and
// DOMPurify are most of the panel's code): the panel loads it after its table has painted (see
// webview-ui/instances/renderer.ts), so opening a large dataset shows rows sooner.
import { renderMarkdown } from '../instances/markdown';

(window as unknown as { agorabenchMarkdown: { renderMarkdown: typeof renderMarkdown } }).agorabenchMarkdown = { renderMarkdown };
