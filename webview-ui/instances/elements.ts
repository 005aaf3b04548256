// The @vscode-elements components this panel uses, bundled into the panel's script by esbuild
// (no CDN, nothing loaded at run time). Importing a component registers its custom element.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
