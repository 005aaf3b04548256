// Messages between the Instances panel's host controller (src/extension/instances) and its
// webview (webview-ui/instances). Both sides import this file, so a change breaks the build on
// both sides instead of at run time. The webview is not trusted blindly: the host checks every
// incoming message with `parseWebviewMessage`.

/** Which instances a page shows. */
export type StatusFilter = 'all' | 'valid' | 'failed';
export const STATUS_FILTERS: readonly StatusFilter[] = ['all', 'valid', 'failed'];

/** Keyset cursor: at most one of the two is set; none = the first page. */
export interface PageCursor {
  /** Rows with a slot greater than this (next page). */
  afterSlot?: number;
  /** Rows with a slot less than this (previous page). */
  beforeSlot?: number;
}

export interface PageParams {
  filter: StatusFilter;
  cursor: PageCursor;
  /** Rows per page; the host caps it. */
  limit: number;
}

/** One instance as the panel shows it (no raw provider output, nothing secret). */
export interface InstanceView {
  id: string;
  slot: number;
  status: 'valid' | 'failed';
  instruction: string;
  response: string;
  /** Why the slot failed (or why earlier attempts were rejected). */
  reasons: string[];
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  finishedAt: string;
}

export interface PageResult {
  rows: InstanceView[];
  hasPrevious: boolean;
  hasNext: boolean;
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
}

/** Request methods: each maps params to a result. */
export interface InstancesRequests {
  page: { params: PageParams; result: PageResult };
}
export type RequestMethod = keyof InstancesRequests;

/** Webview → host. */
export type WebviewMessage =
  /** The script has started and listens: the host answers with `init`. */
  | { type: 'ready' }
  | { [M in RequestMethod]: { type: 'request'; id: number; method: M; params: InstancesRequests[M]['params'] } }[RequestMethod];

/** Host → webview. */
export type HostMessage =
  | { type: 'init'; dataset: DatasetView; resultsDir: string; pageSize: number }
  | { [M in RequestMethod]: { type: 'response'; id: number; method: M; ok: true; result: InstancesRequests[M]['result'] } }[RequestMethod]
  | { type: 'response'; id: number; method: RequestMethod; ok: false; error: string }
  /** The store changed on disk (a run is writing): new counts; the webview reloads its page. */
  | { type: 'datasetChanged'; dataset: DatasetView }
  /** The panel cannot show its dataset (e.g. it was deleted). */
  | { type: 'error'; message: string };

/** What the webview persists with setState, and what the panel serializer receives after a reload. */
export interface InstancesPanelState {
  resultsDir: string;
  datasetId: string;
  filter: StatusFilter;
  cursor: PageCursor;
  selectedSlot?: number;
}

export const MAX_PAGE_SIZE = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const optionalInt = (v: unknown) => v === undefined || isInt(v);

export function isStatusFilter(v: unknown): v is StatusFilter {
  return typeof v === 'string' && (STATUS_FILTERS as readonly string[]).includes(v);
}

function isCursor(v: unknown): v is PageCursor {
  return isObject(v) && optionalInt(v.afterSlot) && optionalInt(v.beforeSlot) && !(v.afterSlot !== undefined && v.beforeSlot !== undefined);
}

/** Checks a message from the webview; undefined when it is not one we understand. */
export function parseWebviewMessage(v: unknown): WebviewMessage | undefined {
  if (!isObject(v)) return undefined;
  if (v.type === 'ready') return { type: 'ready' };
  if (v.type === 'request' && isInt(v.id) && v.method === 'page' && isObject(v.params)) {
    const p = v.params;
    if (isStatusFilter(p.filter) && isCursor(p.cursor) && isInt(p.limit) && p.limit > 0) {
      return { type: 'request', id: v.id, method: 'page', params: { filter: p.filter, cursor: p.cursor, limit: Math.min(p.limit, MAX_PAGE_SIZE) } };
    }
  }
  return undefined;
}

/** Checks persisted panel state (it comes back from disk after a reload). */
export function parsePanelState(v: unknown): InstancesPanelState | undefined {
  if (!isObject(v) || typeof v.resultsDir !== 'string' || typeof v.datasetId !== 'string') return undefined;
  return {
    resultsDir: v.resultsDir,
    datasetId: v.datasetId,
    filter: isStatusFilter(v.filter) ? v.filter : 'all',
    cursor: isCursor(v.cursor) ? v.cursor : {},
    ...(isInt(v.selectedSlot) ? { selectedSlot: v.selectedSlot } : {}),
  };
}
