// Messages between a BrowseClient (extension host or CLI) and its browse worker thread. Both ends
// are our own code in one process, so these are typed, not validated; the webview's messages are
// validated by the host before they get here.
import type { DetailView, MetricColumnView, QueryView, RowsResult, SortColumn } from '../../protocol/instancesProtocol';
import type { DatasetInfo } from '../store/datasetStore';

/** A dataset as the worker opens it: its store folder (absolute) and identity. */
export interface BrowseDataset {
  dir: string;
  info: DatasetInfo;
}

export interface BrowseOps {
  columns: { args: Record<string, never>; result: MetricColumnView[] };
  rows: { args: { query: QueryView; offset: number; limit: number }; result: RowsResult };
  indexOf: { args: { query: QueryView; slot: number }; result: number };
  detail: { args: { slot: number }; result: DetailView | null };
  /** Writes the query's rows as CSV to `file` (through a temporary file and a rename). */
  exportCsv: { args: { query: QueryView; file: string }; result: { rows: number } };
  /** Two columns where both have a value (a scatter plot's points), as typed arrays. */
  points: { args: { x: SortColumn; y: SortColumn }; result: { slots: Int32Array; x: Float64Array; y: Float64Array } };
  /** The slots a query keeps, in order (at most `limit`). */
  slots: { args: { query: QueryView; limit: number }; result: number[] };
  /** The annotations sidecar changed: re-read it, keep the snapshot. */
  annotationsChanged: { args: Record<string, never>; result: null };
  /** Drops the snapshot: the next request reads the store afresh. */
  invalidate: { args: Record<string, never>; result: null };
}
export type BrowseOp = keyof BrowseOps;

export type WorkerRequest = { [K in BrowseOp]: { id: number; op: K; dataset: BrowseDataset; args: BrowseOps[K]['args'] } }[BrowseOp];
export type WorkerResponse = { id: number; ok: true; result: unknown; timings?: { ms: number } } | { id: number; ok: false; error: string; name: string };

/** Settings the worker starts with. */
export interface BrowseWorkerData {
  /** Snapshots kept open at once are evicted (least recently used first) beyond this many bytes. */
  maxBytes: number;
}
