// What the panel remembers across reloads (InstancesPanelState) and small helpers over queries.
// Every change goes through `PanelState.update`, which saves at once: VS Code may dispose a
// hidden webview at any moment, so there is no "save on exit".
import { DEFAULT_QUERY, parsePanelState, type FilterView, type InstancesPanelState, type QueryView } from '../../src/protocol/instancesProtocol';
import type { VsCodeApi } from '../shared/vscodeApi';
import type { WebviewMessage } from '../../src/protocol/instancesProtocol';

export type Api = VsCodeApi<WebviewMessage, InstancesPanelState>;

export class PanelState {
  resultsDir = '';
  datasetId = '';
  query: QueryView = clone(DEFAULT_QUERY);
  scrollIndex = 0;
  selectedSlot: number | undefined;
  view: 'table' | 'compare' = 'table';
  /** Saved before this page started (validated); applied once `init` names the same dataset. */
  readonly restored: InstancesPanelState | undefined;

  constructor(private readonly api: Api) {
    this.restored = parsePanelState(api.savedState());
  }

  /** After `init`: take the saved view back when it belongs to this dataset, else start fresh. */
  begin(resultsDir: string, datasetId: string): boolean {
    // a second init for the same dataset (the host restarted its side): keep what is on screen
    if (this.datasetId === datasetId && this.resultsDir === resultsDir) return true;
    this.resultsDir = resultsDir;
    this.datasetId = datasetId;
    const r = this.restored;
    const same = !!r && r.datasetId === datasetId && r.resultsDir === resultsDir;
    if (same && r) {
      this.query = r.query;
      this.scrollIndex = r.scrollIndex ?? 0;
      this.selectedSlot = r.selectedSlot;
      this.view = r.view;
    }
    this.save();
    return same;
  }

  update(patch: Partial<Pick<PanelState, 'query' | 'scrollIndex' | 'selectedSlot' | 'view'>>): void {
    Object.assign(this, patch);
    this.save();
  }

  save(): void {
    if (!this.datasetId) return; // nothing to save before init: keep what was there
    this.api.saveState({
      resultsDir: this.resultsDir,
      datasetId: this.datasetId,
      query: this.query,
      view: this.view,
      scrollIndex: this.scrollIndex,
      ...(this.selectedSlot !== undefined ? { selectedSlot: this.selectedSlot } : {}),
    });
  }
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** A stable key for caching rows per query. */
export const queryKey = (q: QueryView): string => JSON.stringify(q);

export function hasFilters(f: FilterView): boolean {
  return f.status !== 'all' || !!f.text || f.metrics.length > 0 || f.slots !== undefined || f.annotation !== undefined;
}

export const emptyFilter = (): FilterView => ({ status: 'all', metrics: [] });
