// Messages between the PGR Comparison panel's host controller (src/extension/pgr) and its webview
// (webview-ui/pgr). Both sides import this file. The host checks every incoming message with
// `parsePgrWebviewMessage`; the webview checks what it restores with `parsePgrPanelState`.
//
// Handshake: the webview says `ready`, the host answers `init` (which config), the webview asks
// for `data`; when the results change on disk the host says `dataChanged` and the webview asks again.

export const PGR_VIEW_TYPE = 'agorabench.pgr';

/** The panel's tabs, in order. */
export type PgrTab = 'chart' | 'grid' | 'cost' | 'analysis';
export const PGR_TABS: readonly PgrTab[] = ['chart', 'grid', 'cost', 'analysis'];

/** One generator × column cell of the grid (column = a setting or `<method>.avg`). */
export interface PgrCellView {
  column: string;
  /** PGR in percent; null when undefined (no student, zero gap…: see notes). */
  pgr: number | null;
  ci95: [number, number] | null;
  /** How the interval was obtained (items, normal, mixed, none). */
  interval: string;
  costUsd?: number;
  pgrPerDollar?: number;
  /** A setting column: the share of its dataset's valid instances annotated bad (absent: no dataset). */
  badRate?: number | null;
  notes: string[];
}

export interface PgrGeneratorView {
  /** The generator id of the config (the grid's row label). */
  id: string;
  /** Its model, when the config still declares it. */
  model?: string;
  /** The paper's Table-2 row this generator's model matches, if any. */
  paperRow?: string;
  /** Generation cost of its datasets in this run (USD); null when it has no dataset. */
  costUsd: number | null;
  /** Datasets the cost covers. */
  datasets: number;
  /** Mean PGR over its settings that have one; null when none has. */
  avgPgr: number | null;
  /** How many of the nine settings the average covers. */
  avgOver: number;
  /** avgPgr ÷ costUsd (points per USD of generation); null when either is missing or the cost is 0. */
  pgrPerDollar: number | null;
  /** Instances of its datasets annotated bad (latest annotation), and their share of its valid instances (null: none valid). */
  bad: number;
  badRate: number | null;
  /** One per column, in `columns` order. */
  cells: PgrCellView[];
}

/** Things the panel cannot show yet, and the command that produces them. */
export type MissingPart = 'config' | 'datasets' | 'scores' | 'students' | 'metrics' | 'analysis';

export interface MissingView {
  part: MissingPart;
  message: string;
  /** Command id that produces it (one of RUNNABLE_COMMANDS). */
  command?: RunnableCommand;
  /** "AgoraBench: Evaluate Models (agorabench eval)" */
  commandLabel?: string;
}

export interface PcaView {
  features: string[];
  components: string[];
  /** Fractions 0..1 per component. */
  explainedVarianceRatio: number[];
  cumulativeVarianceRatio: number[];
  /** loadings[feature][component]. */
  loadings: number[][];
  rows: number;
}

export interface CorrelationView {
  variable: string;
  kind: 'feature' | 'component';
  n: number;
  pearson: { r: number | null; p: number | null };
  spearman: { r: number | null; p: number | null };
}

export interface AnalysisView {
  target: string;
  pca: PcaView | null;
  correlations: CorrelationView[];
  warnings: string[];
}

/** Everything the panel shows, computed by the host. */
export interface PgrDataView {
  configFile: string;
  run: string;
  resultsDir: string;
  /** The 12 Table-2 columns. */
  columns: string[];
  generators: PgrGeneratorView[];
  /** The paper's Table 2 (same column order). */
  paper: { columns: string[]; rows: Array<{ generator: string; values: number[] }> };
  analysis: AnalysisView | null;
  missing: MissingView[];
  /** runPgrInputs' notes, computePgr's warnings, the analysis' notes. */
  notes: string[];
  rounds: number;
  computedAt: string;
  computeMs: number;
}

/** Commands the webview may ask the host to run (each with the panel's config file). */
export type RunnableCommand = 'agorabench.run' | 'agorabench.evaluate' | 'agorabench.trainStudents' | 'agorabench.computeMetrics';
export const RUNNABLE_COMMANDS: readonly RunnableCommand[] = ['agorabench.run', 'agorabench.evaluate', 'agorabench.trainStudents', 'agorabench.computeMetrics'];

/** Which chart an exported PNG shows (names the suggested file). */
export type ChartName = 'pgr' | 'cost' | 'pca';
export const CHART_NAMES: readonly ChartName[] = ['pgr', 'cost', 'pca'];

/** Request methods: each maps params to a result. */
export interface PgrRequests {
  data: { params: Record<string, never>; result: PgrDataView };
  /** The host asks where to save and writes the PNG; null when the user cancelled. */
  exportPng: { params: { chart: ChartName; dataUrl: string }; result: { file: string; bytes: number } | null };
  /** The host asks where to save and writes the grid as CSV; null when the user cancelled. */
  exportCsv: { params: { paper: boolean }; result: { file: string; rows: number } | null };
  runCommand: { params: { command: RunnableCommand }; result: { started: true } };
}
export type PgrRequestMethod = keyof PgrRequests;
export const PGR_REQUEST_METHODS: readonly PgrRequestMethod[] = ['data', 'exportPng', 'exportCsv', 'runCommand'];

/** Webview → host. */
export type PgrWebviewMessage =
  | { type: 'ready' }
  | { [M in PgrRequestMethod]: { type: 'request'; id: number; method: M; params: PgrRequests[M]['params'] } }[PgrRequestMethod];

/** Host → webview. */
export type PgrHostMessage =
  | { type: 'init'; configFile: string; title: string }
  | { [M in PgrRequestMethod]: { type: 'response'; id: number; method: M; ok: true; result: PgrRequests[M]['result'] } }[PgrRequestMethod]
  | { type: 'response'; id: number; method: PgrRequestMethod; ok: false; error: string }
  /** The results changed on disk: the webview asks for `data` again. */
  | { type: 'dataChanged' }
  /** Show this tab (the command was given one). */
  | { type: 'selectTab'; tab: PgrTab }
  | { type: 'error'; message: string };

/** What the webview persists with setState; the serializer gets it back after a reload. */
export interface PgrPanelState {
  version: 1;
  configFile: string;
  tab: PgrTab;
  /** Paper values in the bar chart. */
  overlay: boolean;
  /** Paper sub-rows in the grid. */
  paperRows: boolean;
}

export const PGR_STATE_VERSION = 1;
/** A PNG data URL longer than this (characters) is refused: ~15 MB of image. */
export const MAX_PNG_DATA_URL = 20_000_000;
export const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';

// ---- validation of untrusted input --------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function isPgrTab(v: unknown): v is PgrTab {
  return typeof v === 'string' && (PGR_TABS as readonly string[]).includes(v);
}

export function isRunnableCommand(v: unknown): v is RunnableCommand {
  return typeof v === 'string' && (RUNNABLE_COMMANDS as readonly string[]).includes(v);
}

/** A base64 PNG data URL within the size bound (the bytes' signature is checked by the host after decoding). */
export function isPngDataUrl(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_PNG_DATA_URL && v.startsWith(PNG_DATA_URL_PREFIX) && /^[A-Za-z0-9+/]+={0,2}$/.test(v.slice(PNG_DATA_URL_PREFIX.length));
}

/** Checks a message from the webview; undefined when it is not one we understand. */
export function parsePgrWebviewMessage(v: unknown): PgrWebviewMessage | undefined {
  if (!isObject(v)) return undefined;
  if (v.type === 'ready') return { type: 'ready' };
  if (v.type !== 'request' || !isId(v.id) || !isObject(v.params)) return undefined;
  const { id, params: p } = v;
  switch (v.method) {
    case 'data':
      return { type: 'request', id, method: 'data', params: {} };
    case 'exportPng':
      if (typeof p.chart !== 'string' || !(CHART_NAMES as readonly string[]).includes(p.chart) || !isPngDataUrl(p.dataUrl)) return undefined;
      return { type: 'request', id, method: 'exportPng', params: { chart: p.chart as ChartName, dataUrl: p.dataUrl } };
    case 'exportCsv':
      if (p.paper !== undefined && typeof p.paper !== 'boolean') return undefined;
      return { type: 'request', id, method: 'exportCsv', params: { paper: p.paper === true } };
    case 'runCommand':
      return isRunnableCommand(p.command) ? { type: 'request', id, method: 'runCommand', params: { command: p.command } } : undefined;
    default:
      return undefined;
  }
}

/**
 * Checks persisted panel state (it comes back from disk after a reload, possibly written by an
 * older version): a config file is required; anything else missing or unknown gets its default.
 */
export function parsePgrPanelState(v: unknown): PgrPanelState | undefined {
  if (!isObject(v) || typeof v.configFile !== 'string' || !v.configFile || v.configFile.length > 4096) return undefined;
  return {
    version: PGR_STATE_VERSION,
    configFile: v.configFile,
    tab: isPgrTab(v.tab) ? v.tab : 'chart',
    overlay: v.overlay === true,
    paperRows: v.paperRows === true,
  };
}

/** Checks a host message in the webview (the host is trusted, but a stale webview may see a newer host). */
export function isPgrHostMessage(v: unknown): v is PgrHostMessage {
  return isObject(v) && typeof v.type === 'string' && ['init', 'response', 'dataChanged', 'selectTab', 'error'].includes(v.type);
}
