// Messages between the Instances panel's host controller (src/extension/instances) and its
// webview (webview-ui/instances). Both sides import this file, so a change breaks the build on
// both sides instead of at run time. The webview is not trusted blindly: the host checks every
// incoming message with `parseWebviewMessage`.
//
// The panel is a virtualised table over a query (filter + sort) that the host answers from the
// store (off the extension host's main thread): the webview asks for row ranges by offset, a
// detail for the selected slot, and the same slot across generators for the compare view.

/** Which instances a query keeps by status. */
export type StatusFilter = 'all' | 'valid' | 'failed';
export const STATUS_FILTERS: readonly StatusFilter[] = ['all', 'valid', 'failed'];

/** A metric's range; `missing: true` keeps only rows without a value for it. */
export interface MetricRange {
  key: string;
  min?: number;
  max?: number;
  missing?: boolean;
}

export interface FilterView {
  status: StatusFilter;
  /** Case-insensitive text in the instruction, response or failure reasons. */
  text?: string;
  metrics: MetricRange[];
  /** An explicit set of slots (a selection made in the scatter panel). */
  slots?: number[];
  /** Instances whose latest annotation has this label (`bad`, `good`); '' = not annotated. */
  annotation?: string;
}

/** Built-in columns, and any metric as `metric:<key>`. */
export type SortColumn = 'slot' | 'status' | 'attempts' | 'cost' | 'tokens' | 'latency' | 'instructionLength' | 'responseLength' | `metric:${string}`;
export const BUILTIN_SORT_COLUMNS: readonly SortColumn[] = ['slot', 'status', 'attempts', 'cost', 'tokens', 'latency', 'instructionLength', 'responseLength'];

export interface SortView {
  column: SortColumn;
  dir: 'asc' | 'desc';
}

export interface QueryView {
  filter: FilterView;
  sort: SortView;
}

export const DEFAULT_QUERY: QueryView = { filter: { status: 'all', metrics: [] }, sort: { column: 'slot', dir: 'asc' } };

/** One table row: the texts are cut (the detail has them whole). */
export interface RowView {
  slot: number;
  id: string;
  status: 'valid' | 'failed';
  /** First ~300 characters. */
  instruction: string;
  response: string;
  /** A failed instance: its last failure reason (its texts are empty), shown in their place. */
  reason?: string;
  attempts: number;
  costUsd: number;
  tokens: number;
  latencyMs: number;
  /** Value per metric key; a key that is absent or null has no value for this instance. */
  metrics: Record<string, number | null>;
  annotation?: string;
}

export interface RowsParams {
  query: QueryView;
  offset: number;
  limit: number;
}

export interface RowsResult {
  /** Rows the query matches in all. */
  total: number;
  offset: number;
  rows: RowView[];
}

export interface AttemptView {
  attempt: number;
  outcome: 'valid' | 'invalid' | 'transport' | 'cancelled';
  reasons: string[];
  /** What the model answered on this attempt ('' when there was no answer, or for the valid one: see the instance). */
  rawOutput: string;
  costUsd: number;
  latencyMs: number;
  cached: boolean;
  transport: string[];
  at: string;
}

export interface ExampleView {
  instruction: string;
  response: string;
}

/** Everything about one slot, for the detail pane. */
export interface DetailView {
  slot: number;
  id: string;
  status: 'valid' | 'failed';
  instruction: string;
  response: string;
  rawOutput: string;
  /** Failure reasons of the slot (and of earlier rejected attempts), newest last. */
  reasons: string[];
  attempts: AttemptView[];
  metrics: Array<{ key: string; value: number | null; detail: Record<string, unknown> }>;
  /** Anything else the store keeps with the instance: prompt choice, benchmark item fields (itemId, extracted, reference, verdict…). */
  meta: Record<string, unknown>;
  /** The prompt as sent, rebuilt from the config and the journaled choice; or why it cannot be shown. */
  prompt?: { system: string; user: string } | { unavailable: string };
  /** Quality enhancement: the pair that was revised. */
  original?: ExampleView;
  /** Instance generation: the demonstrations shown, in prompt order. */
  demonstrations?: Array<ExampleView & { source: 'seed' | 'generated'; ref: number }>;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  finishedAt: string;
}

/** The same slot in every dataset of the run with this setting (one column per generator). */
export interface CompareResult {
  columns: Array<{ datasetId: string; generator: string; model: string; detail: DetailView | null }>;
}

export interface MetricColumnView {
  key: string;
  /** Short label for a column header. */
  label: string;
  n: number;
  missing: number;
}

/** The dataset the panel shows, with live counts. */
export interface DatasetView {
  id: string;
  run: string;
  generator: string;
  model: string;
  setting: string;
  status: string;
  target: number;
  valid: number;
  failed: number;
  costUsd: number;
  /** 'generation' datasets, or 'evaluation' answer stores (benchmark items: prompt, output, extracted answer, verdict). */
  kind: 'generation' | 'evaluation' | 'other';
}

/** What an annotation action covers: given slots (the selected one), or every valid instance a query keeps. */
export type AnnotateTarget = { slots: number[] } | { query: QueryView };
export type AnnotationLabel = 'bad' | 'good' | 'clear';
export const ANNOTATION_LABELS: readonly AnnotationLabel[] = ['bad', 'good', 'clear'];

/** Request methods: each maps params to a result. */
export interface InstancesRequests {
  rows: { params: RowsParams; result: RowsResult };
  detail: { params: { slot: number }; result: DetailView | null };
  /** Row index of a slot under a query (jump to slot), or −1. */
  indexOf: { params: { query: QueryView; slot: number }; result: number };
  columns: { params: Record<string, never>; result: { metrics: MetricColumnView[] } };
  compare: { params: { slot: number }; result: CompareResult };
  /** The host asks where to save and writes the query's rows as CSV; null when the user cancelled. */
  exportCsv: { params: { query: QueryView }; result: { file: string; rows: number } | null };
  /** The host asks for the reason (bad) and confirmation (several), then writes annotations.jsonl; null when the user cancelled. */
  annotate: { params: { label: AnnotationLabel; target: AnnotateTarget }; result: { annotated: number } | null };
}
export type RequestMethod = keyof InstancesRequests;
export const REQUEST_METHODS: readonly RequestMethod[] = ['rows', 'detail', 'indexOf', 'columns', 'compare', 'exportCsv', 'annotate'];

/** Webview → host. */
export type WebviewMessage =
  /** The script has started and listens: the host answers with `init`. */
  | { type: 'ready' }
  | { [M in RequestMethod]: { type: 'request'; id: number; method: M; params: InstancesRequests[M]['params'] } }[RequestMethod];

/** Host → webview. */
export type HostMessage =
  /** `firstPage`: the unfiltered first `pageSize` rows when the host already has them (it reads them while the webview loads). */
  | { type: 'init'; dataset: DatasetView; resultsDir: string; pageSize: number; siblings: Array<{ datasetId: string; generator: string }>; firstPage?: RowsResult }
  | { [M in RequestMethod]: { type: 'response'; id: number; method: M; ok: true; result: InstancesRequests[M]['result'] } }[RequestMethod]
  | { type: 'response'; id: number; method: RequestMethod; ok: false; error: string }
  /** The store changed on disk (a run is writing): new counts; the webview re-queries what it shows. */
  | { type: 'datasetChanged'; dataset: DatasetView }
  /** Show this slot (a click in another panel): select it, scroll to it, open its detail. */
  | { type: 'reveal'; slot: number }
  /** Replace the filter (a box-selection in the scatter panel). */
  | { type: 'setFilter'; filter: FilterView }
  /** The panel cannot show its dataset (e.g. it was deleted). */
  | { type: 'error'; message: string };

/** What the webview persists with setState, and what the panel serializer receives after a reload. */
export interface InstancesPanelState {
  resultsDir: string;
  datasetId: string;
  query: QueryView;
  /** First visible row index. */
  scrollIndex?: number;
  selectedSlot?: number;
  view: 'table' | 'compare';
}

export const MAX_PAGE_SIZE = 500;
export const MAX_TEXT_FILTER = 500;
export const MAX_SELECTED_SLOTS = 200_000;

// ---- validation of untrusted input --------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isKey = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 300;

export function isStatusFilter(v: unknown): v is StatusFilter {
  return typeof v === 'string' && (STATUS_FILTERS as readonly string[]).includes(v);
}

export function isSortColumn(v: unknown): v is SortColumn {
  return typeof v === 'string' && ((BUILTIN_SORT_COLUMNS as readonly string[]).includes(v) || (v.startsWith('metric:') && isKey(v.slice(7))));
}

function parseRange(v: unknown): MetricRange | undefined {
  if (!isObject(v) || !isKey(v.key)) return undefined;
  if ((v.min !== undefined && !isNum(v.min)) || (v.max !== undefined && !isNum(v.max)) || (v.missing !== undefined && typeof v.missing !== 'boolean')) return undefined;
  return { key: v.key, ...(v.min !== undefined ? { min: v.min } : {}), ...(v.max !== undefined ? { max: v.max } : {}), ...(v.missing !== undefined ? { missing: v.missing } : {}) };
}

export function parseFilter(v: unknown): FilterView | undefined {
  if (!isObject(v) || !isStatusFilter(v.status) || !Array.isArray(v.metrics) || v.metrics.length > 50) return undefined;
  const metrics = v.metrics.map(parseRange);
  if (metrics.some((m) => !m)) return undefined;
  if (v.text !== undefined && (typeof v.text !== 'string' || v.text.length > MAX_TEXT_FILTER)) return undefined;
  if (v.slots !== undefined && (!Array.isArray(v.slots) || v.slots.length > MAX_SELECTED_SLOTS || !v.slots.every(isInt))) return undefined;
  if (v.annotation !== undefined && typeof v.annotation !== 'string') return undefined;
  return {
    status: v.status,
    metrics: metrics as MetricRange[],
    ...(v.text ? { text: v.text } : {}),
    ...(v.slots !== undefined ? { slots: v.slots as number[] } : {}),
    ...(v.annotation !== undefined ? { annotation: v.annotation } : {}),
  };
}

export function parseQuery(v: unknown): QueryView | undefined {
  if (!isObject(v) || !isObject(v.sort) || !isSortColumn(v.sort.column) || (v.sort.dir !== 'asc' && v.sort.dir !== 'desc')) return undefined;
  const filter = parseFilter(v.filter);
  return filter ? { filter, sort: { column: v.sort.column, dir: v.sort.dir } } : undefined;
}

/** Checks a message from the webview; undefined when it is not one we understand. */
export function parseWebviewMessage(v: unknown): WebviewMessage | undefined {
  if (!isObject(v)) return undefined;
  if (v.type === 'ready') return { type: 'ready' };
  if (v.type !== 'request' || !isInt(v.id) || !isObject(v.params)) return undefined;
  const p = v.params;
  const id = v.id;
  switch (v.method) {
    case 'rows': {
      const query = parseQuery(p.query);
      if (!query || !isInt(p.offset) || p.offset < 0 || !isInt(p.limit) || p.limit < 1) return undefined;
      return { type: 'request', id, method: 'rows', params: { query, offset: p.offset, limit: Math.min(p.limit, MAX_PAGE_SIZE) } };
    }
    case 'detail':
      return isInt(p.slot) ? { type: 'request', id, method: 'detail', params: { slot: p.slot } } : undefined;
    case 'compare':
      return isInt(p.slot) ? { type: 'request', id, method: 'compare', params: { slot: p.slot } } : undefined;
    case 'indexOf': {
      const query = parseQuery(p.query);
      return query && isInt(p.slot) ? { type: 'request', id, method: 'indexOf', params: { query, slot: p.slot } } : undefined;
    }
    case 'columns':
      return { type: 'request', id, method: 'columns', params: {} };
    case 'exportCsv': {
      const query = parseQuery(p.query);
      return query ? { type: 'request', id, method: 'exportCsv', params: { query } } : undefined;
    }
    case 'annotate': {
      if (typeof p.label !== 'string' || !(ANNOTATION_LABELS as readonly string[]).includes(p.label) || !isObject(p.target)) return undefined;
      const label = p.label as AnnotationLabel;
      const t = p.target;
      if (Array.isArray(t.slots)) {
        return t.slots.length > 0 && t.slots.length <= MAX_SELECTED_SLOTS && t.slots.every(isInt) ? { type: 'request', id, method: 'annotate', params: { label, target: { slots: t.slots as number[] } } } : undefined;
      }
      const query = parseQuery(t.query);
      return query ? { type: 'request', id, method: 'annotate', params: { label, target: { query } } } : undefined;
    }
    default:
      return undefined;
  }
}

/** Checks persisted panel state (it comes back from disk after a reload); older states get the defaults. */
export function parsePanelState(v: unknown): InstancesPanelState | undefined {
  if (!isObject(v) || typeof v.resultsDir !== 'string' || typeof v.datasetId !== 'string') return undefined;
  return {
    resultsDir: v.resultsDir,
    datasetId: v.datasetId,
    query: parseQuery(v.query) ?? DEFAULT_QUERY,
    view: v.view === 'compare' ? 'compare' : 'table',
    ...(isInt(v.scrollIndex) && v.scrollIndex >= 0 ? { scrollIndex: v.scrollIndex } : {}),
    ...(isInt(v.selectedSlot) ? { selectedSlot: v.selectedSlot } : {}),
  };
}
