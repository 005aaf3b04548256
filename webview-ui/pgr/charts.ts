// The panel's charts (chart.js, only the components they use): PGR per setting with 95 % interval
// whiskers (a small plugin) and the paper's values as hatched bars, cost vs PGR, PCA explained
// variance. Colours come from VS Code's --vscode-charts-* variables, read when a chart is built.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartDataset,
  type Plugin,
} from 'chart.js';
import type { PgrDataView } from '../../src/protocol/pgrProtocol';
import { columnLabel } from './format';

/** Paints the theme's background under every chart, so an exported PNG is readable outside the panel. */
const background: Plugin = {
  id: 'pgrBackground',
  beforeDraw(chart) {
    const color = getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim();
    if (!color) return;
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

Chart.register(BarController, BarElement, CategoryScale, LinearScale, PointElement, ScatterController, Legend, Tooltip, background);

interface Theme {
  foreground: string;
  grid: string;
  font: string;
  palette: string[];
}

const PALETTE_VARS: Array<[string, string]> = [
  ['--vscode-charts-blue', '#1a85ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#388a34'],
  ['--vscode-charts-purple', '#652d90'],
  ['--vscode-charts-red', '#e51400'],
  ['--vscode-charts-yellow', '#bf8803'],
];

export function readTheme(): Theme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-charts-foreground', v('--vscode-foreground', '#616161'));
  return {
    foreground,
    grid: v('--vscode-charts-lines', '#80808059'),
    font: v('--vscode-font-family', 'sans-serif'),
    palette: PALETTE_VARS.map(([name, fallback]) => v(name, fallback)),
  };
}

/** Interval whiskers per data point, read from each dataset's `errorBars`. */
type WithBars = { errorBars?: Array<[number, number] | null> };

const errorBars: Plugin<'bar'> = {
  id: 'pgrErrorBars',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const y = chart.scales.y;
    if (!y) return;
    chart.data.datasets.forEach((ds, i) => {
      const bars = (ds as WithBars).errorBars;
      if (!bars || !chart.isDatasetVisible(i)) return;
      const meta = chart.getDatasetMeta(i);
      ctx.save();
      ctx.strokeStyle = readTheme().foreground;
      ctx.lineWidth = 1.25;
      meta.data.forEach((el, j) => {
        const ci = bars[j];
        if (!ci) return;
        const x = el.x;
        const top = y.getPixelForValue(ci[1]);
        const bottom = y.getPixelForValue(ci[0]);
        const half = Math.max(2, Math.min(5, ((el as unknown as { width?: number }).width ?? 8) / 4));
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.moveTo(x - half, top);
        ctx.lineTo(x + half, top);
        ctx.moveTo(x - half, bottom);
        ctx.lineTo(x + half, bottom);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/** Diagonal hatching in a colour: the paper's bars, told apart from ours without relying on hue. */
function hatch(color: string): CanvasPattern | string {
  const c = document.createElement('canvas');
  c.width = 8;
  c.height = 8;
  const g = c.getContext('2d');
  if (!g) return color;
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(0, 8);
  g.lineTo(8, 0);
  g.moveTo(-2, 2);
  g.lineTo(2, -2);
  g.moveTo(6, 10);
  g.lineTo(10, 6);
  g.stroke();
  return g.createPattern(c, 'repeat') ?? color;
}

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color);
  if (!m?.[1]) return color;
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0');
  return `#${m[1]}${a}`;
}

function baseOptions(theme: Theme, yTitle: string, xTitle?: string) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    color: theme.foreground,
    font: { family: theme.font },
    plugins: {
      legend: { position: 'bottom' as const, labels: { color: theme.foreground, font: { family: theme.font } } },
    },
    scales: {
      x: { ticks: { color: theme.foreground }, grid: { color: theme.grid }, ...(xTitle ? { title: { display: true, text: xTitle, color: theme.foreground } } : {}) },
      y: { ticks: { color: theme.foreground }, grid: { color: theme.grid }, title: { display: true, text: yTitle, color: theme.foreground } },
    },
  };
}

/** Records what a chart shows on its canvas, so tests and assistive tools can read it without the chart instance. */
function describe(canvas: HTMLCanvasElement, chart: Chart): void {
  canvas.dataset.datasets = JSON.stringify(chart.data.datasets.map((d) => d.label ?? ''));
}

export function generatorColor(theme: Theme, index: number): string {
  return theme.palette[index % theme.palette.length] ?? '#888888';
}

/** Grouped bars: one group per column (nine settings + three method averages), one bar per generator. */
export function pgrBarChart(canvas: HTMLCanvasElement, data: PgrDataView, overlay: boolean): Chart {
  const theme = readTheme();
  const datasets: Array<ChartDataset<'bar', Array<number | null>> & WithBars> = [];
  data.generators.forEach((g, i) => {
    const color = generatorColor(theme, i);
    datasets.push({
      label: g.id,
      data: g.cells.map((c) => c.pgr),
      errorBars: g.cells.map((c) => c.ci95),
      backgroundColor: withAlpha(color, 0.75),
      borderColor: color,
      borderWidth: 1,
    });
    if (overlay && g.paperRow) {
      const row = data.paper.rows.find((r) => r.generator === g.paperRow);
      if (!row) return;
      datasets.push({
        label: `${row.generator} (paper)`,
        data: data.columns.map((c) => {
          const k = data.paper.columns.indexOf(c);
          return k >= 0 ? (row.values[k] ?? null) : null;
        }),
        backgroundColor: hatch(color) as unknown as string,
        borderColor: color,
        borderWidth: 1.5,
      });
    }
  });
  const options = baseOptions(theme, 'PGR (%)');
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: data.columns.map((c) => columnLabel(c)), datasets },
    options: {
      ...options,
      plugins: {
        ...options.plugins,
        tooltip: {
          callbacks: {
            label: (item) => {
              const ds = item.dataset as WithBars & { label?: string };
              const ci = ds.errorBars?.[item.dataIndex];
              const v = item.parsed.y;
              return `${ds.label ?? ''}: ${v === null ? '—' : v.toFixed(1)}${ci ? ` [${ci[0].toFixed(1)}, ${ci[1].toFixed(1)}]` : ''}`;
            },
          },
        },
      },
    },
    plugins: [errorBars],
  });
  describe(canvas, chart);
  return chart;
}

/** Generation cost (x) vs mean PGR (y), one point per generator that has both. */
export function costScatter(canvas: HTMLCanvasElement, data: PgrDataView): Chart {
  const theme = readTheme();
  const datasets = data.generators
    .map((g, i) => ({ g, color: generatorColor(theme, i) }))
    .filter(({ g }) => g.costUsd !== null && g.avgPgr !== null)
    .map(({ g, color }) => ({
      label: g.id,
      data: [{ x: g.costUsd as number, y: g.avgPgr as number }],
      backgroundColor: color,
      borderColor: color,
      pointRadius: 6,
      pointHoverRadius: 8,
    }));
  const chart = new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      ...baseOptions(theme, 'mean PGR over settings (%)', 'generation cost (USD)'),
      plugins: {
        ...baseOptions(theme, '').plugins,
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: $${item.parsed.x?.toFixed(4) ?? '—'}, PGR ${item.parsed.y?.toFixed(1) ?? '—'}` } },
      },
    },
  });
  describe(canvas, chart);
  return chart;
}

/** Share of variance explained per principal component (%). */
export function varianceChart(canvas: HTMLCanvasElement, components: string[], ratios: number[]): Chart {
  const theme = readTheme();
  const color = generatorColor(theme, 0);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: components, datasets: [{ label: 'explained variance (%)', data: ratios.map((r) => 100 * r), backgroundColor: withAlpha(color, 0.75), borderColor: color, borderWidth: 1 }] },
    options: baseOptions(theme, 'explained variance (%)'),
  });
  describe(canvas, chart);
  return chart;
}
