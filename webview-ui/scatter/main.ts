// Metric Scatter panel (webview): a ready → init handshake, then the host's axes and points.
// chart.js draws the points (only the parts a scatter needs are registered); the zoom plugin
// zooms (wheel, pinch, keys) and pans (drag in pan mode); a box drawn in select mode selects
// points, which open in the Instances panel. Level, axes, colouring, mode and zoom persist with
// setState, so a reloaded panel comes back as it was.
import './scatter.css';
import { Chart, LinearScale, PointElement, ScatterController, Tooltip, type ChartDataset, type Plugin, type TooltipItem } from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import {
  COMPUTE_METRICS_HINT,
  axisLabel,
  parsePanelState,
  type AxesResult,
  type AxisOption,
  type ColourBy,
  type HostMessage,
  type InteractionMode,
  type Level,
  type PointsResult,
  type ScatterPanelState,
  type ScatterRequests,
  type SelectionPart,
  type WebviewMessage,
} from '../../src/protocol/scatterProtocol';
import { h } from '../shared/dom';
import { HostRequestError, Rpc } from '../shared/rpc';
import { vscodeApi } from '../shared/vscodeApi';
import { groupLook, themeVar, withAlpha, type GroupLook } from './colours';

/** Above this many points hover hit-testing is off (tooltips and reveal on click only). */
const HOVER_LIMIT = 20_000;

/** Background for the canvas, so an exported PNG looks like the panel. */
const background: Plugin<'scatter'> = {
  id: 'agorabenchBackground',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = themeVar('editor-background', '#ffffff');
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

Chart.register(ScatterController, PointElement, LinearScale, Tooltip, zoomPlugin, background);

const api = vscodeApi<WebviewMessage, ScatterPanelState>();
const rpc = new Rpc<ScatterRequests>((m) => api.post(m as WebviewMessage));
const saved = parsePanelState(api.savedState());

const state: ScatterPanelState = saved ?? { resultsDir: '', run: '', level: 'instance', colourBy: 'generator', mode: 'pan' };
let axes: AxesResult | undefined;
let points: PointsResult | undefined;
let generation = 0;

/** One colour group (a generator or a setting): its points, and the way back to (dataset, slot). */
interface Group {
  name: string;
  look: GroupLook;
  n: number;
  xs: Float64Array;
  ys: Float64Array;
  /** chart.js data, sorted by x (`normalized`); empty on the fast path, which draws xs/ys itself. */
  data: Array<{ x: number; y: number }>;
  /** Per point: index into points.groups, and the slot (−1 at dataset level). */
  source: Int32Array;
  slot: Int32Array;
  hidden: boolean;
  sumX: number;
  sumY: number;
}
let groups: Group[] = [];
const hiddenNames = new Set<string>();
/** Selected points by dataset. */
let selection = new Map<string, Set<number>>();
/** Overlay of selected points: chart data and the same way back. */
let overlay: { data: Array<{ x: number; y: number }>; source: number[]; slot: number[] } = { data: [], source: [], slot: [] };
let chart: Chart<'scatter'> | undefined;
let lastRenderMs = 0;
/** More than HOVER_LIMIT points: the panel draws them itself (see `fastPoints`). */
let fast = false;

// ---- DOM -----------------------------------------------------------------------------------

const option = (value: string, label: string) => h('option', { value }, label);
const levelSel = h('select', { id: 'level' }, option('instance', 'Per instance'), option('dataset', 'Per dataset'));
const xSel = h('select', { id: 'x-axis' });
const ySel = h('select', { id: 'y-axis' });
const colourSel = h('select', { id: 'colour-by' }, option('generator', 'Generator'), option('setting', 'Setting'));
const panBtn = h('button', { id: 'mode-pan', type: 'button', 'aria-pressed': 'true', title: 'Drag to pan; wheel or pinch to zoom' }, 'Pan');
const selectBtn = h('button', { id: 'mode-select', type: 'button', 'aria-pressed': 'false', title: 'Drag a box to select points' }, 'Box select');
const resetBtn = h('button', { id: 'reset-zoom', type: 'button' }, 'Reset zoom');
const pngBtn = h('button', { id: 'export-png', type: 'button' }, 'Export PNG');
const csvBtn = h('button', { id: 'export-csv', type: 'button' }, 'Export CSV');
const selCount = h('span', { id: 'selection-count' });
const showSelBtn = h('button', { id: 'show-selection', type: 'button', class: 'primary' }, 'Show in Instances');
const markSelBtn = h('button', { id: 'mark-selection-bad', type: 'button', title: 'Annotate the selected instances as bad (asks for the reason)' }, 'Mark bad…');
const clearSelBtn = h('button', { id: 'clear-selection', type: 'button' }, 'Clear selection');
const selectionBar = h('div', { id: 'selection', class: 'selection', hidden: true }, selCount, showSelBtn, markSelBtn, clearSelBtn);
const message = h('p', { id: 'message', class: 'message', role: 'status' });
const empty = h('div', { id: 'empty', class: 'empty', hidden: true });
const canvas = h('canvas', { id: 'chart', role: 'img', tabindex: 0, 'aria-label': 'Scatter plot (no data yet)' });
const box = h('div', { id: 'box', class: 'box', hidden: true });
const chartWrap = h('div', { class: 'chart-wrap pan', hidden: true }, canvas, box);
const legend = h('ul', { id: 'legend', class: 'legend', 'aria-label': 'Legend: toggle a group' });
const summary = h('table', { id: 'summary', class: 'visually-hidden' });
const title = h('h1', {}, 'Metric Scatter');
const subtitle = h('span', { class: 'subtitle', id: 'subtitle' });

const app = document.getElementById('app') ?? document.body;
app.removeAttribute('aria-live'); // the status line announces; the whole panel need not
app.append(
  h('header', {}, title, subtitle),
  h(
    'div',
    { class: 'controls' },
    h('label', {}, 'Level', levelSel),
    h('label', {}, 'X', xSel),
    h('label', {}, 'Y', ySel),
    h('label', {}, 'Colour by', colourSel),
    h('div', { class: 'group', role: 'group', 'aria-label': 'Drag mode' }, panBtn, selectBtn),
    resetBtn,
    pngBtn,
    csvBtn,
  ),
  selectionBar,
  message,
  empty,
  chartWrap,
  legend,
  summary,
);

function say(text: string, error = false): void {
  message.textContent = text;
  message.classList.toggle('error', error);
}

function save(): void {
  if (state.resultsDir) api.saveState(state);
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toPrecision(4) : v.toFixed(3));
const label = (key: string | undefined) => (key ? (axes?.[state.level].find((o) => o.key === key)?.label ?? axisLabel(key)) : '');

// ---- host messages ---------------------------------------------------------------------------

window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
  const m = e.data;
  if (!m || typeof m !== 'object' || rpc.handle(m)) return;
  switch (m.type) {
    case 'init':
      if (state.resultsDir !== m.resultsDir || state.run !== m.run) {
        state.resultsDir = m.resultsDir;
        state.run = m.run;
      }
      subtitle.textContent = m.run ? `run ${m.run}` : 'every run';
      save();
      void loadAxes();
      break;
    case 'dataChanged':
      void loadAxes();
      break;
    case 'error':
      say(m.message, true);
      break;
  }
});

async function loadAxes(): Promise<void> {
  const g = ++generation;
  try {
    const a = await rpc.request('axes', {});
    if (g !== generation) return;
    axes = a;
    fillAxes();
    await loadPoints();
  } catch (e) {
    if (g === generation) say(`Could not read the metrics: ${errorText(e)}`, true);
  }
}

function fillAxes(): void {
  if (!axes) return;
  const options = axes[state.level];
  const keys = new Set(options.map((o) => o.key));
  if (!state.x || !keys.has(state.x)) state.x = options[0]?.key;
  if (!state.y || !keys.has(state.y)) state.y = options[1]?.key ?? options[0]?.key;
  for (const sel of [xSel, ySel]) {
    sel.replaceChildren(...options.map((o: AxisOption) => option(o.key, `${o.label} (${o.n.toLocaleString('en-US')})`)));
  }
  if (state.x) xSel.value = state.x;
  if (state.y) ySel.value = state.y;
  levelSel.value = state.level;
  colourSel.value = state.colourBy;
  save();
}

async function loadPoints(): Promise<void> {
  if (!axes) return;
  if (!state.x || !state.y) return showEmpty();
  const g = ++generation;
  say('Loading points…');
  try {
    const p = await rpc.request('points', { level: state.level, x: state.x, y: state.y });
    if (g !== generation) return;
    points = p;
    render();
  } catch (e) {
    if (g === generation) say(`Could not read the points: ${errorText(e)}`, true);
  }
}

function errorText(e: unknown): string {
  return e instanceof HostRequestError || e instanceof Error ? e.message : String(e);
}

// ---- empty state -----------------------------------------------------------------------------

function showEmpty(): void {
  chartWrap.hidden = true;
  legend.hidden = true;
  selectionBar.hidden = true;
  empty.hidden = false;
  const other = state.level === 'instance' ? 'dataset' : 'instance';
  const hasOther = Boolean(axes?.[other].length);
  const none = axes?.datasetCount === 0;
  const hint = hasOther ? h('p', {}, `There are ${other}-level metrics: switch Level to “Per ${other}”.`) : '';
  empty.replaceChildren(
    h('p', {}, none ? 'This run has no datasets yet: run the benchmark first (AgoraBench: Run Benchmark), then compute metrics.' : `No ${state.level === 'instance' ? 'instance' : 'dataset'} metrics for this run yet.`),
    h('p', {}, `${COMPUTE_METRICS_HINT} to score the datasets; the plot updates when they are written.`),
    hint,
  );
  say('');
  canvas.setAttribute('aria-label', 'Scatter plot: no metrics to plot');
  summary.replaceChildren();
}

// ---- rendering -----------------------------------------------------------------------------

function buildGroups(p: PointsResult): Group[] {
  const byName = new Map<string, { parts: number[]; n: number }>();
  p.groups.forEach((g, i) => {
    const name = state.colourBy === 'generator' ? g.generator : g.setting;
    const e = byName.get(name) ?? { parts: [], n: 0 };
    e.parts.push(i);
    e.n += g.x.length;
    byName.set(name, e);
  });
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e], i) => {
      let xs = new Float64Array(e.n);
      let ys = new Float64Array(e.n);
      let source = new Int32Array(e.n);
      let slot = new Int32Array(e.n);
      let k = 0;
      let sumX = 0;
      let sumY = 0;
      for (const gi of e.parts) {
        const g = p.groups[gi];
        if (!g) continue;
        for (let j = 0; j < g.x.length; j++, k++) {
          const x = g.x[j] as number;
          const y = g.y[j] as number;
          xs[k] = x;
          ys[k] = y;
          source[k] = gi;
          slot[k] = g.slots[j] ?? -1;
          sumX += x;
          sumY += y;
        }
      }
      let data: Array<{ x: number; y: number }> = [];
      if (!fast) {
        // chart.js draws these: sorted by x, so it can take them as `normalized`
        const order = sortedByX(xs, k);
        const [x2, y2, s2, l2] = [new Float64Array(k), new Float64Array(k), new Int32Array(k), new Int32Array(k)];
        data = new Array<{ x: number; y: number }>(k);
        for (let q = 0; q < k; q++) {
          const o = order[q] as number;
          x2[q] = xs[o] as number;
          y2[q] = ys[o] as number;
          s2[q] = source[o] as number;
          l2[q] = slot[o] as number;
          data[q] = { x: x2[q] as number, y: y2[q] as number };
        }
        [xs, ys, source, slot] = [x2, y2, s2, l2];
      }
      return { name, look: groupLook(i), n: k, xs, ys, data, source, slot, hidden: hiddenNames.has(name), sumX, sumY };
    });
}

/** Indices 0..n−1 ordered by x. */
function sortedByX(xs: Float64Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => (xs[a] as number) - (xs[b] as number));
}

function pointRadius(total: number): number {
  if (state.level === 'dataset') return 6;
  return total > HOVER_LIMIT ? 1.5 : total > 2000 ? 2.5 : 3.5;
}

function corners(g: Group): Array<{ x: number; y: number }> {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let k = 0; k < g.n; k++) {
    const x = g.xs[k] as number;
    const y = g.ys[k] as number;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return g.n ? [{ x: x0, y: y0 }, { x: x1, y: y1 }] : [];
}

/** The linear map value → pixel of a scale, as a·v + b (exact for linear scales). */
function linearMap(sc: { getPixelForValue(v: number): number }): { a: number; b: number } {
  const p0 = sc.getPixelForValue(0);
  return { a: sc.getPixelForValue(1) - p0, b: p0 };
}

/**
 * The fast path for many points: square marks with fillRect straight from the typed arrays (no
 * chart.js element per point), the selection as outlined squares.
 */
const fastPoints: Plugin<'scatter'> = {
  id: 'agorabenchFastPoints',
  afterDatasetsDraw(c) {
    if (!fast || !c.scales.x || !c.scales.y) return;
    const area = c.chartArea;
    const dpr = c.currentDevicePixelRatio || 1;
    const w = Math.max(1, Math.round((area.right - area.left) * dpr));
    const hgt = Math.max(1, Math.round((area.bottom - area.top) * dpr));
    // device pixels of the chart area: value → pixel as a·v + b, relative to the area
    const { a: ax0, b: bx0 } = linearMap(c.scales.x);
    const { a: ay0, b: by0 } = linearMap(c.scales.y);
    const [ax, bx, ay, by] = [ax0 * dpr, (bx0 - area.left) * dpr, ay0 * dpr, (by0 - area.top) * dpr];
    const half = Math.max(1, Math.round(pointRadius(points?.total ?? 0) * dpr * 0.75));
    const img = new ImageData(w, hgt);
    const px = new Uint32Array(img.data.buffer);
    const put = (cx: number, cy: number, colour: number) => {
      for (let yy = Math.max(0, cy - half); yy <= Math.min(hgt - 1, cy + half); yy++) {
        const row = yy * w;
        for (let xx = Math.max(0, cx - half); xx <= Math.min(w - 1, cx + half); xx++) px[row + xx] = colour;
      }
    };
    for (const g of groups) {
      if (g.hidden) continue;
      const colour = rgbaWord(g.look.colour, 0.75);
      const { xs, ys } = g;
      for (let k = 0; k < g.n; k++) {
        const cx = Math.round(ax * (xs[k] as number) + bx);
        const cy = Math.round(ay * (ys[k] as number) + by);
        if (cx >= -half && cy >= -half && cx < w + half && cy < hgt + half) put(cx, cy, colour);
      }
    }
    scratch.width = w;
    scratch.height = hgt;
    scratch.getContext('2d')?.putImageData(img, 0, 0);
    const ctx = c.ctx;
    ctx.drawImage(scratch, area.left, area.top, area.right - area.left, area.bottom - area.top);
    if (overlay.data.length) {
      const r = pointRadius(points?.total ?? 0);
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      ctx.strokeStyle = themeVar('editor-foreground', '#000000');
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (const pt of overlay.data) ctx.rect(ax0 * pt.x + bx0 - r - 2, ay0 * pt.y + by0 - r - 2, 2 * r + 4, 2 * r + 4);
      ctx.stroke();
      ctx.restore();
    }
  },
};
const scratch = document.createElement('canvas');

/** A colour as one little-endian RGBA word for ImageData (the colour resolved by a 1×1 canvas). */
function rgbaWord(colour: string, alpha: number): number {
  const probe = document.createElement('canvas');
  probe.width = probe.height = 1;
  const ctx = probe.getContext('2d');
  if (!ctx) return 0xff888888;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 1, 1);
  const [r = 0, g = 0, b = 0] = ctx.getImageData(0, 0, 1, 1).data;
  return ((Math.round(alpha * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Fast path: the nearest visible point within a few pixels of a canvas position. */
function hitTest(c: Pick<Chart, 'scales'>, px: number, py: number): { group: number; index: number } | undefined {
  if (!c.scales.x || !c.scales.y) return undefined;
  const { a: ax, b: bx } = linearMap(c.scales.x);
  const { a: ay, b: by } = linearMap(c.scales.y);
  const reach = Math.max(5, pointRadius(points?.total ?? 0) + 3);
  let best: { group: number; index: number } | undefined;
  let bestD = reach * reach;
  groups.forEach((g, gi) => {
    if (g.hidden) return;
    for (let k = 0; k < g.n; k++) {
      const dx = ax * (g.xs[k] as number) + bx - px;
      const dy = ay * (g.ys[k] as number) + by - py;
      const d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = { group: gi, index: k };
      }
    }
  });
  return best;
}

function datasetsFor(total: number): ChartDataset<'scatter'>[] {
  const r = fast ? 0 : pointRadius(total);
  const alpha = total > 5000 ? 0.55 : 0.85;
  const sets: ChartDataset<'scatter'>[] = groups.map((g) => ({
    label: g.name,
    // fast path: two invisible corner points per group give the scales their range
    data: fast ? corners(g) : g.data,
    hidden: g.hidden,
    pointStyle: g.look.shape,
    pointRadius: r,
    pointHoverRadius: r + 2,
    pointHitRadius: fast ? 0 : Math.max(r, 3),
    backgroundColor: withAlpha(g.look.colour, alpha),
    borderColor: g.look.colour,
    borderWidth: total > HOVER_LIMIT ? 0 : 1,
  }));
  sets.push({
    label: 'selected',
    data: fast ? [] : overlay.data,
    pointStyle: 'circle',
    pointRadius: r + 2.5,
    pointHoverRadius: r + 3,
    backgroundColor: 'transparent',
    borderColor: themeVar('editor-foreground', '#000000'),
    borderWidth: 2,
  });
  return sets;
}

function render(): void {
  const p = points;
  if (!p) return;
  if (p.total === 0) {
    if (axes && axes[state.level].length === 0) return showEmpty();
    empty.hidden = false;
    empty.replaceChildren(h('p', {}, `No ${state.level === 'instance' ? 'instance' : 'dataset'} has both “${label(p.x)}” and “${label(p.y)}”.`), h('p', {}, `${COMPUTE_METRICS_HINT} to score more of them.`));
    chartWrap.hidden = true;
    legend.hidden = true;
    selectionBar.hidden = true;
    say('');
    summary.replaceChildren();
    return;
  }
  empty.hidden = true;
  chartWrap.hidden = false;
  legend.hidden = false;
  const t0 = performance.now();
  fast = p.total > HOVER_LIMIT;
  groups = buildGroups(p);
  rebuildOverlay();
  const datasets = datasetsFor(p.total);
  if (!chart) chart = createChart(datasets, p.total);
  else {
    chart.data.datasets = datasets;
    applyScaleOptions(chart);
    applyInteraction(chart, p.total);
    chart.update('none');
  }
  if (state.zoom) {
    chart.zoomScale('x', { min: state.zoom.xMin, max: state.zoom.xMax }, 'none');
    chart.zoomScale('y', { min: state.zoom.yMin, max: state.zoom.yMax }, 'none');
  }
  lastRenderMs = performance.now() - t0;
  canvas.dataset.renderMs = lastRenderMs.toFixed(1);
  renderLegend();
  renderSummary();
  updateSelectionBar();
  const hover = p.total > HOVER_LIMIT ? ' · above 20,000 points no hover tooltips: click a point for its values' : '';
  const cut = p.truncated ? ` (${p.truncated.toLocaleString('en-US')} more left out)` : '';
  say(`${p.total.toLocaleString('en-US')} ${state.level === 'instance' ? 'instances' : 'datasets'}${cut} · drawn in ${Math.round(lastRenderMs)} ms${hover}`);
}

function scaleOptions(key: string | undefined) {
  const fg = themeVar('charts-foreground', themeVar('foreground', '#616161'));
  const lines = themeVar('charts-lines', 'rgba(128,128,128,0.3)');
  return {
    type: 'linear' as const,
    title: { display: true, text: label(key), color: fg },
    ticks: { color: fg },
    grid: { color: lines },
    border: { color: lines },
  };
}

function applyScaleOptions(c: Chart<'scatter'>): void {
  c.options.scales = { x: scaleOptions(state.x), y: scaleOptions(state.y) };
  Chart.defaults.font.family = themeVar('font-family', 'sans-serif');
  Chart.defaults.color = themeVar('foreground', '#616161');
}

function applyInteraction(c: Chart<'scatter'>, total: number): void {
  // hit-testing and re-drawing 20K+ points on every pointer move makes the panel sluggish
  c.options.events = total > HOVER_LIMIT ? ['click', 'mouseout'] : ['mousemove', 'mouseout', 'click', 'touchstart', 'touchmove'];
  const pan = c.options.plugins?.zoom?.pan;
  if (pan) pan.enabled = state.mode === 'pan';
  const tooltip = c.options.plugins?.tooltip;
  if (tooltip) tooltip.enabled = !fast;
}

function createChart(datasets: ChartDataset<'scatter'>[], total: number): Chart<'scatter'> {
  Chart.defaults.font.family = themeVar('font-family', 'sans-serif');
  Chart.defaults.color = themeVar('foreground', '#616161');
  const c = new Chart<'scatter'>(canvas, {
    type: 'scatter',
    data: { datasets },
    plugins: [fastPoints],
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: scaleOptions(state.x), y: scaleOptions(state.y) },
      interaction: { mode: 'nearest', intersect: true },
      onClick: (event, _elements, ch) => {
        // chart.js delivers the click on the next animation frame: ignore the one that ends a box drag
        if (dragged || performance.now() - lastDragEnd < 400) return;
        if (fast) {
          const hit = event.x !== null && event.y !== null ? hitTest(ch, event.x, event.y) : undefined;
          if (hit) reveal(hit.group, hit.index);
          return;
        }
        const native = event.native;
        if (!native) return;
        const hit = ch.getElementsAtEventForMode(native, 'nearest', { intersect: true }, true)[0];
        if (hit) reveal(hit.datasetIndex, hit.index);
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'scatter'>[]) => items.map(describe).join('\n'),
            label: (item: TooltipItem<'scatter'>) => `${label(state.x)}: ${fmt(item.parsed.x ?? NaN)}, ${label(state.y)}: ${fmt(item.parsed.y ?? NaN)}`,
          },
        },
        zoom: {
          zoom: { wheel: { enabled: true }, pinch: { enabled: true }, mode: 'xy', onZoomComplete: ({ chart: ch }) => rememberZoom(ch) },
          pan: { enabled: state.mode === 'pan', mode: 'xy', onPanComplete: ({ chart: ch }) => rememberZoom(ch) },
        },
      },
    },
  });
  applyInteraction(c, total);
  c.update('none');
  return c;
}

/** Where a chart point came from. */
function origin(datasetIndex: number, index: number): { datasetId: string; generator: string; setting: string; slot: number } | undefined {
  const p = points;
  if (!p) return undefined;
  const g = groups[datasetIndex];
  const gi = g ? g.source[index] : overlay.source[index];
  const slot = g ? g.slot[index] : overlay.slot[index];
  const src = gi === undefined ? undefined : p.groups[gi];
  return src && slot !== undefined ? { datasetId: src.datasetId, generator: src.generator, setting: src.setting, slot } : undefined;
}

function describe(item: TooltipItem<'scatter'>): string {
  const o = origin(item.datasetIndex, item.dataIndex);
  if (!o) return '';
  return `${o.generator} · ${o.setting}${o.slot >= 0 ? ` · slot ${o.slot}` : ''}`;
}

function reveal(datasetIndex: number, index: number): void {
  const o = origin(datasetIndex, index);
  if (!o) return;
  const g = groups[datasetIndex];
  const xy = g && g.n > index ? ` (${label(state.x)} ${fmt(g.xs[index] as number)}, ${label(state.y)} ${fmt(g.ys[index] as number)})` : '';
  say(`Opening ${o.generator} · ${o.setting}${o.slot >= 0 ? ` slot ${o.slot}` : ''}${xy} in Instances…`);
  void rpc.request('reveal', o.slot >= 0 ? { datasetId: o.datasetId, slot: o.slot } : { datasetId: o.datasetId }).catch((e: unknown) => say(errorText(e), true));
}

function rememberZoom(c: Pick<Chart, 'scales'>): void {
  const x = c.scales.x;
  const y = c.scales.y;
  if (!x || !y) return;
  state.zoom = { xMin: x.min, xMax: x.max, yMin: y.min, yMax: y.max };
  save();
}

function renderLegend(): void {
  const counts = groups.map((g) => g.n);
  legend.replaceChildren(
    ...groups.map((g, i) => {
      const mark = h('span', { class: 'glyph', 'aria-hidden': 'true' }, g.look.glyph);
      mark.style.color = g.look.colour; // CSSOM, allowed by the CSP (no inline style attribute)
      const btn = h('button', { type: 'button', 'aria-pressed': String(!g.hidden), 'data-group': g.name, title: `Show or hide ${g.name}` }, mark, h('span', { class: 'name' }, g.name), h('span', { class: 'count' }, counts[i]?.toLocaleString('en-US') ?? '0'));
      btn.addEventListener('click', () => {
        g.hidden = !g.hidden;
        if (g.hidden) hiddenNames.add(g.name);
        else hiddenNames.delete(g.name);
        btn.setAttribute('aria-pressed', String(!g.hidden));
        chart?.setDatasetVisibility(i, !g.hidden);
        chart?.update('none');
      });
      return h('li', {}, btn);
    }),
  );
}

function renderSummary(): void {
  const p = points;
  if (!p) return;
  const level = state.level === 'instance' ? 'instances' : 'datasets';
  const what = `${label(state.y)} against ${label(state.x)}`;
  canvas.setAttribute('aria-label', `Scatter plot of ${what}, ${p.total.toLocaleString('en-US')} ${level}, coloured by ${state.colourBy}: ${groups.map((g) => `${g.name} ${g.n}`).join(', ')}. The table after the chart has the figures.`);
  summary.replaceChildren(
    h('caption', {}, `${what} per ${state.colourBy}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, state.colourBy), h('th', { scope: 'col' }, `points (${level})`), h('th', { scope: 'col' }, `mean ${label(state.x)}`), h('th', { scope: 'col' }, `mean ${label(state.y)}`))),
    h('tbody', {}, ...groups.map((g) => h('tr', {}, h('th', { scope: 'row' }, g.name), h('td', {}, String(g.n)), h('td', {}, g.n ? fmt(g.sumX / g.n) : '—'), h('td', {}, g.n ? fmt(g.sumY / g.n) : '—')))),
  );
}

// ---- selection -----------------------------------------------------------------------------

function rebuildOverlay(): void {
  overlay = { data: [], source: [], slot: [] };
  const p = points;
  if (!p || !selection.size) return;
  const picked: Array<{ x: number; y: number; source: number; slot: number }> = [];
  p.groups.forEach((g, gi) => {
    const sel = selection.get(g.datasetId);
    if (!sel) return;
    if (state.level === 'dataset') {
      picked.push({ x: g.x[0] as number, y: g.y[0] as number, source: gi, slot: -1 });
      return;
    }
    for (let j = 0; j < g.slots.length; j++) {
      if (sel.has(g.slots[j] as number)) picked.push({ x: g.x[j] as number, y: g.y[j] as number, source: gi, slot: g.slots[j] as number });
    }
  });
  picked.sort((a, b) => a.x - b.x); // sorted like the groups (`normalized`)
  overlay = { data: picked.map((q) => ({ x: q.x, y: q.y })), source: picked.map((q) => q.source), slot: picked.map((q) => q.slot) };
}

function selectedCount(): number {
  let n = 0;
  for (const s of selection.values()) n += state.level === 'dataset' ? 1 : s.size;
  return n;
}

function updateSelectionBar(): void {
  const n = selectedCount();
  selectionBar.hidden = n === 0;
  const what = state.level === 'instance' ? 'instance' : 'dataset';
  selCount.textContent = `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'} selected in ${selection.size} dataset${selection.size === 1 ? '' : 's'}`;
  showSelBtn.textContent = `Show ${n.toLocaleString('en-US')} in Instances`;
  showSelBtn.hidden = state.level !== 'instance';
  markSelBtn.textContent = `Mark ${n.toLocaleString('en-US')} bad…`;
  markSelBtn.hidden = state.level !== 'instance';
}

function setSelection(next: Map<string, Set<number>>): void {
  selection = next;
  rebuildOverlay();
  const c = chart;
  const last = c?.data.datasets[c.data.datasets.length - 1];
  if (c && last) {
    last.data = fast ? [] : overlay.data;
    c.update('none');
  }
  updateSelectionBar();
}

/** Selects every visible point inside a rectangle of canvas pixels. */
function selectBox(x0: number, y0: number, x1: number, y1: number): void {
  const c = chart;
  const p = points;
  if (!c || !p) return;
  const xs = c.scales.x;
  const ys = c.scales.y;
  if (!xs || !ys) return;
  const [ax, bx] = [xs.getValueForPixel(Math.min(x0, x1)) ?? 0, xs.getValueForPixel(Math.max(x0, x1)) ?? 0];
  const [ay, by] = [ys.getValueForPixel(Math.max(y0, y1)) ?? 0, ys.getValueForPixel(Math.min(y0, y1)) ?? 0];
  const next = new Map<string, Set<number>>();
  groups.forEach((g) => {
    if (g.hidden) return;
    for (let k = 0; k < g.n; k++) {
      const x = g.xs[k] as number;
      const y = g.ys[k] as number;
      if (x < ax || x > bx || y < ay || y > by) continue;
      const src = p.groups[g.source[k] as number];
      if (!src) continue;
      let set = next.get(src.datasetId);
      if (!set) next.set(src.datasetId, (set = new Set()));
      set.add(g.slot[k] as number);
    }
  });
  setSelection(next);
}

let dragStart: { x: number; y: number; id: number } | undefined;
let dragged = false;
let lastDragEnd = -Infinity;

canvas.addEventListener('pointerdown', (e) => {
  if (state.mode !== 'select' || e.button !== 0) return;
  dragStart = { x: e.offsetX, y: e.offsetY, id: e.pointerId };
  dragged = false;
  canvas.setPointerCapture(e.pointerId);
});
canvas.addEventListener('pointermove', (e) => {
  if (!dragStart || e.pointerId !== dragStart.id) return;
  const w = Math.abs(e.offsetX - dragStart.x);
  const hgt = Math.abs(e.offsetY - dragStart.y);
  if (w + hgt > 4) dragged = true;
  if (!dragged) return;
  box.hidden = false;
  box.style.left = `${Math.min(e.offsetX, dragStart.x) + canvas.offsetLeft}px`;
  box.style.top = `${Math.min(e.offsetY, dragStart.y) + canvas.offsetTop}px`;
  box.style.width = `${w}px`;
  box.style.height = `${hgt}px`;
});
const endDrag = (e: PointerEvent) => {
  if (!dragStart || e.pointerId !== dragStart.id) return;
  const start = dragStart;
  dragStart = undefined;
  box.hidden = true;
  if (dragged) {
    selectBox(start.x, start.y, e.offsetX, e.offsetY);
    lastDragEnd = performance.now();
  }
  dragged = false;
};
canvas.addEventListener('pointerup', endDrag);
canvas.addEventListener('pointercancel', endDrag);

// ---- controls ------------------------------------------------------------------------------

function axisChanged(): void {
  state.zoom = undefined;
  chart?.resetZoom('none');
  save();
  void loadPoints();
}

levelSel.addEventListener('change', () => {
  state.level = levelSel.value === 'dataset' ? 'dataset' : ('instance' as Level);
  setSelection(new Map());
  fillAxes();
  axisChanged();
});
xSel.addEventListener('change', () => {
  state.x = xSel.value;
  axisChanged();
});
ySel.addEventListener('change', () => {
  state.y = ySel.value;
  axisChanged();
});
colourSel.addEventListener('change', () => {
  state.colourBy = (colourSel.value === 'setting' ? 'setting' : 'generator') as ColourBy;
  hiddenNames.clear();
  save();
  render();
});

function setMode(mode: InteractionMode): void {
  state.mode = mode;
  panBtn.setAttribute('aria-pressed', String(mode === 'pan'));
  selectBtn.setAttribute('aria-pressed', String(mode === 'select'));
  chartWrap.classList.toggle('pan', mode === 'pan');
  chartWrap.classList.toggle('select', mode === 'select');
  if (chart && points) {
    applyInteraction(chart, points.total);
    chart.update('none');
  }
  save();
}
panBtn.addEventListener('click', () => setMode('pan'));
selectBtn.addEventListener('click', () => setMode('select'));
resetBtn.addEventListener('click', () => {
  chart?.resetZoom('none');
  state.zoom = undefined;
  save();
});
clearSelBtn.addEventListener('click', () => setSelection(new Map()));
const selectionParts = (): SelectionPart[] => [...selection.entries()].filter(([, s]) => s.size).map(([datasetId, s]) => ({ datasetId, slots: [...s].sort((a, b) => a - b) }));
markSelBtn.addEventListener('click', () => {
  const parts = selectionParts();
  if (!parts.length) return;
  void rpc
    .request('markSelectionBad', { parts })
    .then((r) => r && say(`Annotated ${r.annotated.toLocaleString('en-US')} instance${r.annotated === 1 ? '' : 's'} as bad.`))
    .catch((e: unknown) => say(errorText(e), true));
});
showSelBtn.addEventListener('click', () => {
  const parts = selectionParts();
  if (!parts.length) return;
  void rpc
    .request('showSelection', { parts })
    .then((r) => say(`Opened ${r.opened} Instances panel${r.opened === 1 ? '' : 's'}.`))
    .catch((e: unknown) => say(errorText(e), true));
});
pngBtn.addEventListener('click', () => {
  if (!chart) return say('Nothing to export yet.');
  void rpc
    .request('exportPng', { dataUrl: chart.toBase64Image('image/png') })
    .then((r) => r && say(`Saved ${r.file}`))
    .catch((e: unknown) => say(errorText(e), true));
});
csvBtn.addEventListener('click', () => {
  if (!state.x || !state.y) return say('Nothing to export yet.');
  void rpc
    .request('exportCsv', { level: state.level, x: state.x, y: state.y })
    .then((r) => r && say(`Saved ${r.rows.toLocaleString('en-US')} rows to ${r.file}`))
    .catch((e: unknown) => say(errorText(e), true));
});
canvas.addEventListener('keydown', (e) => {
  if (!chart) return;
  const step = 40;
  const actions: Record<string, () => void> = {
    '+': () => chart?.zoom(1.25),
    '=': () => chart?.zoom(1.25),
    '-': () => chart?.zoom(0.8),
    '0': () => chart?.resetZoom(),
    ArrowLeft: () => chart?.pan({ x: step }),
    ArrowRight: () => chart?.pan({ x: -step }),
    ArrowUp: () => chart?.pan({ y: step }),
    ArrowDown: () => chart?.pan({ y: -step }),
  };
  const act = actions[e.key];
  if (!act) return;
  e.preventDefault();
  act();
  rememberZoom(chart);
});

// the theme changed: recolour groups, axes and background
new MutationObserver(() => {
  if (points && chart) render();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

/** For the browser tests: the page position of a point (reads the chart's scales). */
(window as unknown as { agorabenchScatter: unknown }).agorabenchScatter = {
  pagePointOf(datasetId: string, slot: number): { x: number; y: number } | undefined {
    const p = points;
    const c = chart;
    if (!p || !c) return undefined;
    const g = p.groups.find((q) => q.datasetId === datasetId);
    if (!g) return undefined;
    const j = state.level === 'dataset' ? 0 : g.slots.indexOf(slot);
    if (j < 0) return undefined;
    const r = canvas.getBoundingClientRect();
    return { x: r.left + (c.scales.x?.getPixelForValue(g.x[j] as number) ?? 0), y: r.top + (c.scales.y?.getPixelForValue(g.y[j] as number) ?? 0) };
  },
  renderMs: () => lastRenderMs,
  /** Time of one full redraw of the current points (no data change). */
  redrawMs: () => {
    const t = performance.now();
    chart?.draw();
    return performance.now() - t;
  },
};

setMode(state.mode);
levelSel.value = state.level;
colourSel.value = state.colourBy;
api.post({ type: 'ready' });
