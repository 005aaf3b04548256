// PGR Comparison panel (webview): ready → init handshake, then the host's data (PGR grid with
// intervals, costs, the paper's Table 2, the metric analysis) shown in four tabs. Tab and toggles
// persist through setState, so a reloaded window shows the panel as it was.
import './pgr.css';
import type { Chart } from 'chart.js';
import {
  isPgrHostMessage,
  isPgrTab,
  parsePgrPanelState,
  PGR_STATE_VERSION,
  PGR_TABS,
  type ChartName,
  type PgrDataView,
  type PgrPanelState,
  type PgrRequests,
  type PgrTab,
  type PgrWebviewMessage,
  type RunnableCommand,
} from '../../src/protocol/pgrProtocol';
import { byId, h } from '../shared/dom';
import { Rpc } from '../shared/rpc';
import { vscodeApi } from '../shared/vscodeApi';
import { costScatter, pgrBarChart, varianceChart } from './charts';
import { correlationTable, costTable, loadingsTable, missingNotices, pgrGrid } from './views';

const api = vscodeApi<PgrWebviewMessage, PgrPanelState>();
const rpc = new Rpc<PgrRequests>((m) => api.post(m as PgrWebviewMessage));
const saved = parsePgrPanelState(api.savedState());

const TAB_LABELS: Record<PgrTab, string> = { chart: 'Chart', grid: 'Table 2 grid', cost: 'Cost', analysis: 'Analysis' };
const TAB_CHART: Partial<Record<PgrTab, ChartName>> = { chart: 'pgr', cost: 'cost', analysis: 'pca' };

const ui = {
  configFile: saved?.configFile,
  tab: saved?.tab ?? 'chart',
  overlay: saved?.overlay ?? false,
  paperRows: saved?.paperRows ?? false,
};
let data: PgrDataView | undefined;
let generation = 0;
const charts = new Map<ChartName, { chart: Chart; canvas: HTMLCanvasElement }>();

const app = byId('app');
const status = h('p', { class: 'status', role: 'status' }, 'Waiting for the extension…');
const title = h('h1', {}, 'PGR Comparison');
const subtitle = h('span', { class: 'subtitle' });
const exportPng = h('button', { type: 'button', id: 'export-png', 'aria-label': 'Export the current chart as PNG' }, 'Export PNG');
const exportCsv = h('button', { type: 'button', id: 'export-csv', class: 'secondary', 'aria-label': 'Export the grid as CSV' }, 'Export CSV');
const tablist = h('div', { role: 'tablist', 'aria-label': 'PGR views', class: 'tabs' });
const notices = h('div', { class: 'notices-area' });
const notes = h('div', { class: 'notes-area' });
const tabButtons = new Map<PgrTab, HTMLButtonElement>();
const tabPanels = new Map<PgrTab, HTMLElement>();

for (const t of PGR_TABS) {
  const button = h('button', { type: 'button', role: 'tab', id: `tab-${t}`, 'aria-controls': `panel-${t}`, 'data-tab': t }, TAB_LABELS[t]);
  button.addEventListener('click', () => selectTab(t, false));
  button.addEventListener('keydown', (e) => onTabKey(e, t));
  tabButtons.set(t, button);
  tablist.append(button);
  tabPanels.set(t, h('section', { role: 'tabpanel', id: `panel-${t}`, 'aria-labelledby': `tab-${t}`, tabindex: 0, class: 'tabpanel' }));
}

app.append(
  h('header', {}, title, subtitle, h('span', { class: 'spacer' }), exportPng, exportCsv),
  status,
  notices,
  tablist,
  ...tabPanels.values(),
  notes,
);

exportPng.addEventListener('click', () => void doExportPng());
exportCsv.addEventListener('click', () => void doExportCsv());

function persist(): void {
  if (!ui.configFile) return; // a state without its config could not be restored
  api.saveState({ version: PGR_STATE_VERSION, configFile: ui.configFile, tab: ui.tab, overlay: ui.overlay, paperRows: ui.paperRows });
}

function onTabKey(e: KeyboardEvent, t: PgrTab): void {
  const i = PGR_TABS.indexOf(t);
  const next =
    e.key === 'ArrowRight' ? PGR_TABS[(i + 1) % PGR_TABS.length] : e.key === 'ArrowLeft' ? PGR_TABS[(i - 1 + PGR_TABS.length) % PGR_TABS.length] : e.key === 'Home' ? PGR_TABS[0] : e.key === 'End' ? PGR_TABS[PGR_TABS.length - 1] : undefined;
  if (!next) return;
  e.preventDefault();
  selectTab(next, true);
}

function selectTab(t: PgrTab, focus: boolean): void {
  ui.tab = t;
  persist();
  showTab(focus);
}

function showTab(focus = false): void {
  for (const [t, b] of tabButtons) {
    const on = t === ui.tab;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    const panel = tabPanels.get(t);
    if (panel) panel.hidden = !on;
    if (on && focus) b.focus();
  }
  const chart = TAB_CHART[ui.tab];
  const available = chart !== undefined && charts.has(chart);
  exportPng.disabled = !available;
  exportPng.title = available ? '' : 'This tab has no chart to export';
}

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
  status.setAttribute('role', error ? 'alert' : 'status');
}

async function load(): Promise<void> {
  const mine = ++generation;
  setStatus(data ? 'Updating…' : 'Computing PGR…');
  try {
    const next = await rpc.request('data', {});
    if (mine !== generation) return;
    data = next;
    render();
    setStatus(`Run "${next.run}" · ${next.rounds ? `${next.rounds} bootstrap rounds · ` : ''}computed ${new Date(next.computedAt).toLocaleTimeString()}`);
  } catch (e) {
    if (mine === generation) setStatus(`Could not compute PGR: ${(e as Error).message}`, true);
  }
}

function runCommand(command: RunnableCommand): void {
  void rpc.request('runCommand', { command }).catch((e: Error) => setStatus(e.message, true));
}

function checkbox(id: string, label: string, checked: boolean, onChange: (v: boolean) => void): HTMLElement {
  const input = h('input', { type: 'checkbox', id, checked });
  input.addEventListener('change', () => onChange(input.checked));
  return h('label', { class: 'toggle', for: id }, input, ` ${label}`);
}

function chartBox(name: ChartName, label: string): HTMLCanvasElement {
  const canvas = h('canvas', { id: `chart-${name}`, role: 'img', 'aria-label': label });
  return canvas;
}

function destroyCharts(): void {
  for (const { chart } of charts.values()) chart.destroy();
  charts.clear();
}

function render(): void {
  if (!data) return;
  const d = data;
  destroyCharts();
  subtitle.textContent = `${d.run} · ${d.generators.length} generator${d.generators.length === 1 ? '' : 's'}`;
  notices.replaceChildren(missingNotices(d, runCommand) ?? '');
  notes.replaceChildren(
    d.notes.length ? h('details', { class: 'notes' }, h('summary', {}, `Notes (${d.notes.length})`), h('ul', {}, ...d.notes.map((n) => h('li', {}, n)))) : '',
  );
  const hasPgr = d.generators.some((g) => g.cells.some((c) => c.pgr !== null));

  // chart tab
  const chartPanel = tabPanels.get('chart') as HTMLElement;
  chartPanel.replaceChildren(
    h('div', { class: 'panel-tools' }, checkbox('overlay', 'Paper overlay (hatched bars: published Table 2 values of matching models)', ui.overlay, (v) => {
      ui.overlay = v;
      persist();
      render();
    })),
  );
  if (hasPgr) {
    const canvas = chartBox('pgr', 'PGR per setting and generator with 95 % intervals');
    chartPanel.append(h('div', { class: 'chart-box' }, canvas));
    charts.set('pgr', { chart: pgrBarChart(canvas, d, ui.overlay), canvas });
    if (ui.overlay && !d.generators.some((g) => g.paperRow)) chartPanel.append(h('p', { class: 'hint' }, `No generator's model matches a row of the paper (${d.paper.rows.map((r) => r.generator).join(', ')}).`));
  } else {
    chartPanel.append(h('p', { class: 'empty' }, 'No PGR to chart yet (see above for what is missing).'));
  }

  // grid tab
  const gridPanel = tabPanels.get('grid') as HTMLElement;
  gridPanel.replaceChildren(
    h('div', { class: 'panel-tools' }, checkbox('paper-rows', "Paper rows (the paper's Table 2 under each matching generator)", ui.paperRows, (v) => {
      ui.paperRows = v;
      persist();
      render();
    })),
    pgrGrid(d, ui.paperRows),
    h('p', { class: 'hint' }, 'PGR in %. Bold: best in its column; underlined: second best. Hover a value for its 95 % bootstrap interval.'),
  );

  // cost tab
  const costPanel = tabPanels.get('cost') as HTMLElement;
  costPanel.replaceChildren();
  if (d.generators.some((g) => g.costUsd !== null && g.avgPgr !== null)) {
    const canvas = chartBox('cost', 'Generation cost against mean PGR per generator');
    costPanel.append(h('div', { class: 'chart-box' }, canvas));
    charts.set('cost', { chart: costScatter(canvas, d), canvas });
  } else {
    costPanel.append(h('p', { class: 'empty' }, 'The scatter needs both a generation cost and a PGR per generator.'));
  }
  costPanel.append(h('h2', {}, 'PGR per dollar'), costTable(d));

  // analysis tab
  const analysisPanel = tabPanels.get('analysis') as HTMLElement;
  analysisPanel.replaceChildren();
  const a = d.analysis;
  if (!a) {
    analysisPanel.append(h('p', { class: 'empty' }, 'No metric analysis yet (see above for what is missing).'));
  } else {
    if (a.pca) {
      const canvas = chartBox('pca', 'Explained variance per principal component');
      analysisPanel.append(h('h2', {}, `PCA of the metrics (${a.pca.rows} datasets)`), h('div', { class: 'chart-box small' }, canvas), loadingsTable(a.pca));
      charts.set('pca', { chart: varianceChart(canvas, a.pca.components, a.pca.explainedVarianceRatio), canvas });
    } else {
      analysisPanel.append(h('p', { class: 'empty' }, 'Too few complete rows for a PCA.'));
    }
    analysisPanel.append(h('h2', {}, `Correlation with ${a.target}`), correlationTable(a));
    if (a.warnings.length) analysisPanel.append(h('ul', { class: 'warnings' }, ...a.warnings.map((w) => h('li', {}, w))));
  }
  showTab();
}

async function doExportPng(): Promise<void> {
  const name = TAB_CHART[ui.tab];
  const entry = name ? charts.get(name) : undefined;
  if (!name || !entry) return;
  try {
    const result = await rpc.request('exportPng', { chart: name, dataUrl: entry.canvas.toDataURL('image/png') });
    setStatus(result ? `Saved ${result.file}` : 'Export cancelled');
  } catch (e) {
    setStatus(`Export failed: ${(e as Error).message}`, true);
  }
}

async function doExportCsv(): Promise<void> {
  try {
    const result = await rpc.request('exportCsv', { paper: ui.paperRows });
    setStatus(result ? `Saved ${result.file} (${result.rows} rows)` : 'Export cancelled');
  } catch (e) {
    setStatus(`Export failed: ${(e as Error).message}`, true);
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data;
  if (!isPgrHostMessage(m)) return;
  if (rpc.handle(m)) return;
  switch (m.type) {
    case 'init':
      ui.configFile = m.configFile;
      persist();
      void load();
      break;
    case 'dataChanged':
      void load();
      break;
    case 'selectTab':
      if (isPgrTab(m.tab)) selectTab(m.tab, false);
      break;
    case 'error':
      setStatus(m.message, true);
      break;
    default:
      break;
  }
});

// VS Code swaps the theme's variables live: rebuild the charts, whose colours are read once
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

showTab();
api.post({ type: 'ready' });
