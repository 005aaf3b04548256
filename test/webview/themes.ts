// The theme VS Code gives a webview: `--vscode-*` variables on <html> and a body class. These are
// the values of VS Code's default Light+, Dark+ and High Contrast themes for the variables our
// panels use, so screenshots and contrast checks in headless chromium look as they will in VS Code.

export type ThemeKind = 'light' | 'dark' | 'high-contrast';

const COMMON = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  'editor-font-size': '14px',
};

const LIGHT = {
  foreground: '#616161',
  'editor-background': '#ffffff',
  'editor-foreground': '#000000',
  'sideBar-background': '#f3f3f3',
  'panel-border': '#80808059',
  'focusBorder': '#0090f1',
  'contrastBorder': '',
  'contrastActiveBorder': '',
  'descriptionForeground': '#717171',
  'errorForeground': '#a1260d',
  'textLink-foreground': '#006ab1',
  'textCodeBlock-background': '#dcdcdc66',
  'textPreformat-foreground': '#a31515',
  'editorWidget-background': '#f3f3f3',
  'input-background': '#ffffff',
  'input-foreground': '#616161',
  'input-border': '#cecece',
  'input-placeholderForeground': '#767676',
  'dropdown-background': '#ffffff',
  'dropdown-border': '#cecece',
  'button-background': '#007acc',
  'button-foreground': '#ffffff',
  'button-hoverBackground': '#0062a3',
  'button-secondaryBackground': '#5f6a79',
  'button-secondaryForeground': '#ffffff',
  'badge-background': '#c4c4c4',
  'badge-foreground': '#333333',
  'list-activeSelectionBackground': '#0060c0',
  'list-activeSelectionForeground': '#ffffff',
  'list-inactiveSelectionBackground': '#e4e6f1',
  'list-hoverBackground': '#e8e8e8',
  'list-focusOutline': '#0090f1',
  'editorGutter-background': '#ffffff',
  'scrollbarSlider-background': '#64646466',
  'charts-foreground': '#616161',
  'charts-lines': '#61616180',
  'charts-red': '#e51400',
  'charts-blue': '#1a85ff',
  'charts-yellow': '#bf8803',
  'charts-orange': '#d18616',
  'charts-green': '#388a34',
  'charts-purple': '#652d90',
  'testing-iconPassed': '#388a34',
  'testing-iconFailed': '#f14c4c',
  'editorError-foreground': '#e51400',
  'editorWarning-foreground': '#bf8803',
};

const DARK: typeof LIGHT = {
  foreground: '#cccccc',
  'editor-background': '#1e1e1e',
  'editor-foreground': '#d4d4d4',
  'sideBar-background': '#252526',
  'panel-border': '#80808059',
  'focusBorder': '#007fd4',
  'contrastBorder': '',
  'contrastActiveBorder': '',
  'descriptionForeground': '#ccccccb3',
  'errorForeground': '#f48771',
  'textLink-foreground': '#3794ff',
  'textCodeBlock-background': '#0a0a0a66',
  'textPreformat-foreground': '#d7ba7d',
  'editorWidget-background': '#252526',
  'input-background': '#3c3c3c',
  'input-foreground': '#cccccc',
  'input-border': '',
  'input-placeholderForeground': '#a6a6a6',
  'dropdown-background': '#3c3c3c',
  'dropdown-border': '#3c3c3c',
  'button-background': '#0e639c',
  'button-foreground': '#ffffff',
  'button-hoverBackground': '#1177bb',
  'button-secondaryBackground': '#3a3d41',
  'button-secondaryForeground': '#ffffff',
  'badge-background': '#4d4d4d',
  'badge-foreground': '#ffffff',
  'list-activeSelectionBackground': '#04395e',
  'list-activeSelectionForeground': '#ffffff',
  'list-inactiveSelectionBackground': '#37373d',
  'list-hoverBackground': '#2a2d2e',
  'list-focusOutline': '#007fd4',
  'editorGutter-background': '#1e1e1e',
  'scrollbarSlider-background': '#79797966',
  'charts-foreground': '#cccccc',
  'charts-lines': '#cccccc80',
  'charts-red': '#f14c4c',
  'charts-blue': '#3794ff',
  'charts-yellow': '#cca700',
  'charts-orange': '#d18616',
  'charts-green': '#89d185',
  'charts-purple': '#b180d7',
  'testing-iconPassed': '#73c991',
  'testing-iconFailed': '#f14c4c',
  'editorError-foreground': '#f14c4c',
  'editorWarning-foreground': '#cca700',
};

const HIGH_CONTRAST: typeof LIGHT = {
  ...DARK,
  foreground: '#ffffff',
  'editor-background': '#000000',
  'editor-foreground': '#ffffff',
  'sideBar-background': '#000000',
  'panel-border': '#6fc3df',
  'focusBorder': '#f38518',
  'contrastBorder': '#6fc3df',
  'contrastActiveBorder': '#f38518',
  'descriptionForeground': '#ffffff',
  'input-background': '#000000',
  'input-foreground': '#ffffff',
  'input-border': '#6fc3df',
  'button-background': '#000000',
  'badge-background': '#000000',
  'badge-foreground': '#ffffff',
  'list-activeSelectionBackground': '#000000',
  'list-hoverBackground': '#000000',
  'list-focusOutline': '#f38518',
  'editorWidget-background': '#0c141f',
};

const THEMES: Record<ThemeKind, Record<string, string>> = { light: LIGHT, dark: DARK, 'high-contrast': HIGH_CONTRAST };
const BODY_CLASS: Record<ThemeKind, string> = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast' };

/** Browser code (a string: this file is type-checked without the DOM library) that applies a theme as VS Code does. */
export function themeScript(kind: ThemeKind): string {
  const vars = Object.entries({ ...COMMON, ...THEMES[kind] })
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `--vscode-${k}: ${v};`)
    .join(' ');
  return `(() => {
    const apply = () => {
      document.documentElement.style.cssText = ${JSON.stringify(vars)}; // CSSOM: a style attribute would break the CSP
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(${JSON.stringify(BODY_CLASS[kind])});
      document.body.dataset.vscodeThemeKind = ${JSON.stringify(BODY_CLASS[kind])};
    };
    if (document.body) apply(); else document.addEventListener('DOMContentLoaded', apply);
    window.__applyTheme = apply;
  })();`;
}
