// Messages between the Metric Scatter panel's host controller (src/extension/scatter) and its
// webview (webview-ui/scatter). Both sides import this file. The webview is not trusted: the host
// checks every incoming message with `parseWebviewMessage`, and restored state with
// `parsePanelState`.
//
// The panel plots one metric against another for a run's datasets: per instance (every slot with
// both values) or per dataset (index summaries and dataset columns). Points travel as columnar
// arrays, one group per dataset, so 100K points are three number arrays, not 100K objects.

export type Level = 'instance' | 'dataset';
export const LEVELS: readonly Level[] = ['instance', 'dataset'];
export type ColourBy = 'generator' | 'setting';
export const COLOUR_BYS: readonly ColourBy[] = ['generator', 'setting'];
export type InteractionMode = 'pan' | 'select';

/** Dataset-level columns of the index (not metrics) are offered as axes under this prefix. */
export const COLUMN_PREFIX = 'column:';

/** One metric (or column) the panel can put on an axis. */
export interface AxisOption {
  key: string;
  /** Short label for the picker. */
  label: string;
  /** Instance level: instances with a value (all datasets); dataset level: datasets with a value. */
  n: number;
  /** Datasets that have the key. */
  datasets: number;
}

export interface AxesResult {
  instance: AxisOption[];
  dataset: AxisOption[];
  /** Datasets of the run (with or without metrics). */
  datasetCount: number;
}

export interface PointsQuery {
  level: Level;
  x: string;
  y: string;
}

/**
 * The points of one dataset. Instance level: one entry per slot with both values (`slots`, `x`,
 * `y` of equal length); dataset level: one point, `slots` empty.
 */
export interface PointGroup {
  datasetId: string;
  generator: string;
  setting: string;
  slots: number[];
  x: number[];
  y: number[];
}

export interface PointsResult extends PointsQuery {
  groups: PointGroup[];
  /** Points in all groups. */
  total: number;
  /** Points left out beyond MAX_POINTS. */
  truncated: number;
}

/** One dataset's part of a selection. */
export interface SelectionPart {
  datasetId: string;
  slots: number[];
}

/** Request methods: each maps params to a result. */
export type ScatterRequests = {
  axes: { params: Record<string, never>; result: AxesResult };
  points: { params: PointsQuery; result: PointsResult };
  /** The host asks where to save and writes these points as CSV; null when the user cancelled. */
  exportCsv: { params: PointsQuery; result: { file: string; rows: number } | null };
  /** The host asks where to save the chart's PNG (a data URL); null when cancelled. */
  exportPng: { params: { dataUrl: string }; result: { file: string } | null };
  /** Open a dataset's Instances panel, at a slot when given (a click on a point). */
  reveal: { params: { datasetId: string; slot?: number }; result: { opened: boolean } };
  /** Open the Instances panel of each dataset of a box selection, filtered to its slots. */
  showSelection: { params: { parts: SelectionPart[] }; result: { opened: number } };
  /** Annotate the selection as bad (the host asks for the reason once); null when cancelled. */
  markSelectionBad: { params: { parts: SelectionPart[] }; result: { annotated: number } | null };
};
export type RequestMethod = keyof ScatterRequests;
export const REQUEST_METHODS: readonly RequestMethod[] = ['axes', 'points', 'exportCsv', 'exportPng', 'reveal', 'showSelection', 'markSelectionBad'];

export type RequestMessage = { [M in RequestMethod]: { type: 'request'; id: number; method: M; params: ScatterRequests[M]['params'] } }[RequestMethod];

/** Webview → host. */
export type WebviewMessage =
  /** The script has started and listens: the host answers with `init`. */
  { type: 'ready' } | RequestMessage;

/** Host → webview. */
export type HostMessage =
  | { type: 'init'; resultsDir: string; run: string }
  | { [M in RequestMethod]: { type: 'response'; id: number; method: M; ok: true; result: ScatterRequests[M]['result'] } }[RequestMethod]
  | { type: 'response'; id: number; method: RequestMethod; ok: false; error: string }
  /** Stores or the index changed on disk: the webview asks for axes and points again. */
  | { type: 'dataChanged' }
  | { type: 'error'; message: string };

export interface ZoomRange {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** What the webview persists with setState, and what the panel serializer receives after a reload. */
export interface ScatterPanelState {
  resultsDir: string;
  /** '' = every run in the results directory. */
  run: string;
  level: Level;
  x?: string;
  y?: string;
  colourBy: ColourBy;
  mode: InteractionMode;
  zoom?: ZoomRange;
}

/** The command that produces metrics, named when there are none. */
export const COMPUTE_METRICS_HINT = 'Run AgoraBench: Compute Metrics (agorabench metrics)';

export const MAX_POINTS = 1_000_000;
export const MAX_SELECTION_PARTS = 1_000;
export const MAX_SELECTED_SLOTS = 200_000;
/** PNG data URLs bigger than this are refused (a 4K canvas is ~2–8 MB). */
export const MAX_PNG_DATA_URL = 32 * 1024 * 1024;
export const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';

// ---- validation of untrusted input --------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isKey = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 300;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 500;

export const isLevel = (v: unknown): v is Level => typeof v === 'string' && (LEVELS as readonly string[]).includes(v);
export const isColourBy = (v: unknown): v is ColourBy => typeof v === 'string' && (COLOUR_BYS as readonly string[]).includes(v);

export function parsePointsQuery(v: unknown): PointsQuery | undefined {
  if (!isObject(v) || !isLevel(v.level) || !isKey(v.x) || !isKey(v.y)) return undefined;
  return { level: v.level, x: v.x, y: v.y };
}

/** A selection: one part per dataset, each with slots, at most MAX_SELECTED_SLOTS in all. */
function parseParts(v: unknown): SelectionPart[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_SELECTION_PARTS) return undefined;
  const parts: SelectionPart[] = [];
  let total = 0;
  for (const part of v) {
    if (!isObject(part) || !isId(part.datasetId)) return undefined;
    const slots = parseSlots(part.slots);
    if (!slots || !slots.length) return undefined;
    total += slots.length;
    parts.push({ datasetId: part.datasetId, slots });
  }
  return total <= MAX_SELECTED_SLOTS ? parts : undefined;
}

function parseSlots(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.length <= MAX_SELECTED_SLOTS && v.every((s) => isInt(s) && s >= 0) ? (v as number[]) : undefined;
}

export function isPngDataUrl(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_PNG_DATA_URL && v.length > PNG_DATA_URL_PREFIX.length && v.startsWith(PNG_DATA_URL_PREFIX) && /^[A-Za-z0-9+/]+={0,2}$/.test(v.slice(PNG_DATA_URL_PREFIX.length));
}

/** Checks a message from the webview; undefined when it is not one we understand. */
export function parseWebviewMessage(v: unknown): WebviewMessage | undefined {
  if (!isObject(v)) return undefined;
  if (v.type === 'ready') return { type: 'ready' };
  if (v.type !== 'request' || !isInt(v.id) || v.id < 0 || !isObject(v.params)) return undefined;
  const p = v.params;
  const id = v.id;
  switch (v.method) {
    case 'axes':
      return { type: 'request', id, method: 'axes', params: {} };
    case 'points':
    case 'exportCsv': {
      const q = parsePointsQuery(p);
      return q ? { type: 'request', id, method: v.method, params: q } : undefined;
    }
    case 'exportPng':
      return isPngDataUrl(p.dataUrl) ? { type: 'request', id, method: 'exportPng', params: { dataUrl: p.dataUrl } } : undefined;
    case 'reveal': {
      if (!isId(p.datasetId) || (p.slot !== undefined && !(isInt(p.slot) && p.slot >= 0))) return undefined;
      return { type: 'request', id, method: 'reveal', params: { datasetId: p.datasetId, ...(p.slot !== undefined ? { slot: p.slot as number } : {}) } };
    }
    case 'showSelection':
    case 'markSelectionBad': {
      const parts = parseParts(p.parts);
      return parts ? { type: 'request', id, method: v.method, params: { parts } } : undefined;
    }
    default:
      return undefined;
  }
}

function parseZoom(v: unknown): ZoomRange | undefined {
  if (!isObject(v) || !isNum(v.xMin) || !isNum(v.xMax) || !isNum(v.yMin) || !isNum(v.yMax)) return undefined;
  if (!(v.xMin < v.xMax && v.yMin < v.yMax)) return undefined;
  return { xMin: v.xMin, xMax: v.xMax, yMin: v.yMin, yMax: v.yMax };
}

/** Checks persisted panel state (it comes back from disk after a reload); missing fields get defaults. */
export function parsePanelState(v: unknown): ScatterPanelState | undefined {
  if (!isObject(v) || typeof v.resultsDir !== 'string' || !v.resultsDir || typeof v.run !== 'string') return undefined;
  const zoom = parseZoom(v.zoom);
  return {
    resultsDir: v.resultsDir,
    run: v.run,
    level: isLevel(v.level) ? v.level : 'instance',
    colourBy: isColourBy(v.colourBy) ? v.colourBy : 'generator',
    mode: v.mode === 'select' ? 'select' : 'pan',
    ...(isKey(v.x) ? { x: v.x } : {}),
    ...(isKey(v.y) ? { y: v.y } : {}),
    ...(zoom ? { zoom } : {}),
  };
}

/** A readable label for a metric key: `quality@gpt-4o#agb-rubric-1` → `quality @ gpt-4o`, `column:costUsd` → `dataset costUsd`. */
export function axisLabel(key: string): string {
  if (key.startsWith(COLUMN_PREFIX)) return `dataset ${key.slice(COLUMN_PREFIX.length)}`;
  const at = key.indexOf('@');
  if (at < 0) return key;
  const source = (key.slice(at + 1).split('#')[0] ?? '').replace(/^emb:/, 'embeddings ');
  return `${key.slice(0, at)} @ ${source}`;
}
