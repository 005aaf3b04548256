// Where the Metric Scatter panel's numbers come from: the run's datasets in the index, and each
// store's instance metrics through the browse worker (src/core/browse), which pairs two columns
// as typed arrays off the extension host's main thread. Plain Node, no `vscode` import.
import * as path from 'node:path';
import { BrowseClient, Results, csvCell, parseSettingKey, type BrowseDataset, type DatasetRow } from '../../core';
import {
  COLUMN_PREFIX,
  MAX_POINTS,
  axisLabel,
  type AxesResult,
  type AxisOption,
  type PointGroup,
  type PointsQuery,
  type PointsResult,
} from '../../protocol/scatterProtocol';

/** What the panel asks of its data. Every method is async; results are plain JSON-able values. */
export interface ScatterDataSource {
  readonly resultsDir: string;
  /** '' = every run. */
  readonly run: string;
  /** Metric keys per level with their coverage. */
  axes(): Promise<AxesResult>;
  /** Points of two keys: per instance (slots with both values) or one per dataset. */
  points(q: PointsQuery): Promise<PointsResult>;
  /** Generators of the run's datasets (for titles and tests). */
  generators(): Promise<string[]>;
  /** Drops anything cached: the stores changed on disk. */
  invalidate(): void;
  dispose(): Promise<void>;
}

/** Dataset columns of the index offered as dataset-level axes. */
const COLUMNS: Record<string, (d: DatasetRow) => number | null> = {
  costUsd: (d) => d.costUsd,
  valid: (d) => d.valid,
  failed: (d) => d.failed,
  validRate: (d) => (d.valid + d.failed > 0 ? d.valid / (d.valid + d.failed) : null),
  attempts: (d) => d.attempts,
  inputTokens: (d) => d.inputTokens,
  outputTokens: (d) => d.outputTokens,
  costPerValidUsd: (d) => (d.valid > 0 ? d.costUsd / d.valid : null),
};

export function createScatterDataSource(resultsDir: string, run: string, client: BrowseClient): ScatterDataSource {
  return new StoreScatterData(resultsDir, run, client);
}

export class StoreScatterData implements ScatterDataSource {
  private readonly results: Results;
  private cachedAxes: Promise<AxesResult> | undefined;
  private cachedPoints: { key: string; result: Promise<PointsResult> } | undefined;
  /** Instance metric keys per dataset, as the last axes() read them: points() skips stores without both keys. */
  private keysByDataset: Map<string, Set<string>> | undefined;

  constructor(
    readonly resultsDir: string,
    readonly run: string,
    private readonly client: BrowseClient,
  ) {
    this.results = new Results(resultsDir);
  }

  /** Stores read through the worker, whose snapshots `invalidate` drops. */
  private readonly read = new Map<string, BrowseDataset>();

  private browseDataset(d: DatasetRow): BrowseDataset {
    const b = { dir: path.join(this.resultsDir, d.dir), info: { id: d.id, run: d.run, generator: d.generator, setting: d.setting, target: d.target, model: d.model } };
    this.read.set(b.dir, b);
    return b;
  }

  /** The run's generated datasets (work stores of metrics and evaluation answer stores left out). */
  private async datasets(): Promise<DatasetRow[]> {
    const all = await this.results.index.datasets(this.run || undefined);
    return all.filter((d) => parseSettingKey(d.setting) !== undefined);
  }

  async generators(): Promise<string[]> {
    return [...new Set((await this.datasets()).map((d) => d.generator))].sort();
  }

  axes(): Promise<AxesResult> {
    this.cachedAxes ??= this.readAxes().catch((e: unknown) => {
      this.cachedAxes = undefined;
      throw e;
    });
    return this.cachedAxes;
  }

  private async readAxes(): Promise<AxesResult> {
    const datasets = await this.datasets();
    const instance = new Map<string, AxisOption>();
    const keysByDataset = new Map<string, Set<string>>();
    for (const d of datasets) {
      const keys = new Set<string>();
      keysByDataset.set(d.id, keys);
      for (const k of await this.client.request('columns', this.browseDataset(d), {})) {
        if (!k.n) continue;
        keys.add(k.key);
        const o = instance.get(k.key) ?? { key: k.key, label: axisLabel(k.key), n: 0, datasets: 0 };
        o.n += k.n;
        o.datasets++;
        instance.set(k.key, o);
      }
    }
    this.keysByDataset = keysByDataset;
    const ids = new Set(datasets.map((d) => d.id));
    const dataset = new Map<string, AxisOption>();
    for (const r of await this.results.index.datasetMetrics(this.run || undefined)) {
      if (!ids.has(r.dataset) || r.value === null || !Number.isFinite(r.value)) continue;
      const o = dataset.get(r.key) ?? { key: r.key, label: axisLabel(r.key), n: 0, datasets: 0 };
      o.n++;
      o.datasets++;
      dataset.set(r.key, o);
    }
    const byKey = (a: AxisOption, b: AxisOption) => a.key.localeCompare(b.key);
    const columns: AxisOption[] = Object.entries(COLUMNS).map(([name, f]) => {
      const n = datasets.filter((d) => f(d) !== null).length;
      return { key: COLUMN_PREFIX + name, label: axisLabel(COLUMN_PREFIX + name), n, datasets: n };
    });
    // columns are offered only when some metric exists: alone they plot nothing about quality
    return {
      instance: [...instance.values()].sort(byKey),
      dataset: dataset.size ? [...[...dataset.values()].sort(byKey), ...columns] : [],
      datasetCount: datasets.length,
    };
  }

  points(q: PointsQuery): Promise<PointsResult> {
    const key = JSON.stringify([q.level, q.x, q.y]);
    if (this.cachedPoints?.key !== key) {
      const result = (q.level === 'instance' ? this.instancePoints(q) : this.datasetPoints(q)).catch((e: unknown) => {
        if (this.cachedPoints?.result === result) this.cachedPoints = undefined;
        throw e;
      });
      this.cachedPoints = { key, result };
    }
    return this.cachedPoints.result;
  }

  private async instancePoints(q: PointsQuery): Promise<PointsResult> {
    const groups: PointGroup[] = [];
    let total = 0;
    let truncated = 0;
    const known = this.keysByDataset;
    for (const d of await this.datasets()) {
      const keys = known?.get(d.id);
      if (keys && !(keys.has(q.x) && keys.has(q.y))) continue;
      const pts = await this.client.request('points', this.browseDataset(d), { x: `metric:${q.x}`, y: `metric:${q.y}` });
      const g: PointGroup = { datasetId: d.id, generator: d.generator, setting: d.setting, slots: [], x: [], y: [] };
      const take = Math.max(0, Math.min(pts.slots.length, MAX_POINTS - total));
      truncated += pts.slots.length - take;
      total += take;
      g.slots = Array.from(pts.slots.subarray(0, take));
      g.x = Array.from(pts.x.subarray(0, take));
      g.y = Array.from(pts.y.subarray(0, take));
      if (g.slots.length) groups.push(g);
    }
    return { ...q, groups, total, truncated };
  }

  private async datasetPoints(q: PointsQuery): Promise<PointsResult> {
    const datasets = await this.datasets();
    const metrics = new Map<string, number>();
    for (const r of await this.results.index.datasetMetrics(this.run || undefined)) {
      if (r.value !== null && Number.isFinite(r.value)) metrics.set(`${r.dataset}\n${r.key}`, r.value);
    }
    const value = (d: DatasetRow, key: string): number | null | undefined => {
      if (key.startsWith(COLUMN_PREFIX)) return COLUMNS[key.slice(COLUMN_PREFIX.length)]?.(d);
      return metrics.get(`${d.id}\n${key}`);
    };
    const groups: PointGroup[] = [];
    for (const d of datasets) {
      const x = value(d, q.x);
      const y = value(d, q.y);
      if (x === null || x === undefined || y === null || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      groups.push({ datasetId: d.id, generator: d.generator, setting: d.setting, slots: [], x: [x], y: [y] });
    }
    return { ...q, groups, total: groups.length, truncated: 0 };
  }

  invalidate(): void {
    this.cachedAxes = undefined;
    this.cachedPoints = undefined;
    this.keysByDataset = undefined;
    // the worker answers a dataset's requests in order, so reads sent after this see the new snapshot
    for (const b of this.read.values()) void this.client.request('invalidate', b, {}).catch(() => undefined);
    this.read.clear();
  }

  async dispose(): Promise<void> {
    this.invalidate();
  }
}

/** The points as CSV (RFC 4180 quoting), one row per point. */
export function pointsToCsv(r: PointsResult): { csv: string; rows: number } {
  const q = csvCell;
  const lines = [['dataset', 'generator', 'setting', ...(r.level === 'instance' ? ['slot'] : []), r.x, r.y].map(q).join(',')];
  let rows = 0;
  for (const g of r.groups) {
    const head = `${q(g.datasetId)},${q(g.generator)},${q(g.setting)}`;
    for (let i = 0; i < g.x.length; i++) {
      lines.push(`${head},${r.level === 'instance' ? `${g.slots[i]},` : ''}${g.x[i]},${g.y[i]}`);
      rows++;
    }
  }
  return { csv: lines.join('\n') + '\n', rows };
}
