// What an Instances panel shows, answered by the browse worker (src/core/browse) so a large store
// never blocks the extension host: the dataset's row in the index, its siblings (the same setting
// by the run's other generators, for the compare view), and every query of the panel's protocol.
// No `vscode` import: plain engine reads.
import * as path from 'node:path';
import type { BrowseClient, BrowseDataset, DatasetRow, Results } from '../../core';
import type { CompareResult, DatasetView, DetailView, MetricColumnView, QueryView, RowsResult } from '../../protocol/instancesProtocol';

/** The dataset is not (or no longer) in the results index. */
export class DatasetNotFoundError extends Error {
  override name = 'DatasetNotFoundError';
  constructor(
    readonly datasetId: string,
    readonly resultsDir: string,
  ) {
    super(`no dataset "${datasetId}" in ${resultsDir}`);
  }
}

/** What a job in progress knows of a dataset before the index does. */
export type LiveDataset = Partial<Pick<DatasetView, 'status' | 'valid' | 'failed' | 'costUsd'>>;

export function datasetKind(row: Pick<DatasetRow, 'id' | 'setting'>): DatasetView['kind'] {
  if (/^(instance_generation|response_generation|quality_enhancement)\./.test(row.setting)) return 'generation';
  return row.id.includes('__eval__') ? 'evaluation' : 'other';
}

export class DatasetSource {
  private row: DatasetRow | undefined;

  /**
   * `live`: what a job in progress says of the dataset — its counts as the engine has them (the
   * index is written every few seconds) and "stopping… 3 in flight" once Cancel was asked for —
   * shown instead of the index's until the index catches up.
   */
  constructor(
    private readonly results: Results,
    readonly datasetId: string,
    private readonly client: BrowseClient,
    private readonly live: (resultsDir: string, run: string, datasetId: string) => LiveDataset | undefined = () => undefined,
  ) {}

  get resultsDir(): string {
    return this.results.dir;
  }

  /**
   * The dataset with its counts from the index (a run updates them every few seconds and at the
   * end; reading them from the store would scan it before the first page could show).
   */
  async dataset(): Promise<DatasetView> {
    const row = await this.indexRow();
    const live = this.live(this.results.dir, row.run, row.id);
    return { id: row.id, run: row.run, generator: row.generator, model: row.model, setting: row.setting, status: row.status, target: row.target, valid: row.valid, failed: row.failed, costUsd: row.costUsd, kind: datasetKind(row), ...live };
  }

  /** Folder of the dataset's store relative to the results directory, for watching. */
  async storeRelDir(): Promise<string> {
    return (await this.indexRow()).dir;
  }

  /** The run's datasets with the same setting (this one included), by generator. */
  async siblings(): Promise<DatasetRow[]> {
    const row = await this.indexRow();
    return (await this.results.index.datasets(row.run)).filter((d) => d.setting === row.setting).sort((a, b) => a.generator.localeCompare(b.generator));
  }

  async rows(query: QueryView, offset: number, limit: number): Promise<RowsResult> {
    return this.client.request('rows', this.browseDataset(await this.indexRow()), { query, offset, limit });
  }

  async indexOf(query: QueryView, slot: number): Promise<number> {
    return this.client.request('indexOf', this.browseDataset(await this.indexRow()), { query, slot });
  }

  async detail(slot: number): Promise<DetailView | null> {
    return this.client.request('detail', this.browseDataset(await this.indexRow()), { slot });
  }

  async columns(): Promise<MetricColumnView[]> {
    return this.client.request('columns', this.browseDataset(await this.indexRow()), {});
  }

  /** The same slot in every sibling dataset, one column per generator. */
  async compare(slot: number): Promise<CompareResult> {
    const columns: CompareResult['columns'] = [];
    for (const d of await this.siblings()) {
      const detail = await this.client.request('detail', this.browseDataset(d), { slot }).catch(() => null);
      columns.push({ datasetId: d.id, generator: d.generator, model: d.model, detail });
    }
    return { columns };
  }

  async exportCsv(query: QueryView, file: string): Promise<number> {
    return (await this.client.request('exportCsv', this.browseDataset(await this.indexRow()), { query, file })).rows;
  }

  /** Every slot a query keeps, in order (at most `limit`). */
  async slots(query: QueryView, limit: number): Promise<number[]> {
    return this.client.request('slots', this.browseDataset(await this.indexRow()), { query, limit });
  }

  /** Only the annotations changed: the snapshot stays, its annotations are read again. */
  async annotationsChanged(): Promise<void> {
    if (this.row) await this.client.request('annotationsChanged', this.browseDataset(this.row), {});
  }

  /** Drops the snapshot and the index row: the next read sees what was written since. */
  async invalidate(): Promise<void> {
    const row = this.row;
    this.row = undefined;
    if (row) await this.client.request('invalidate', this.browseDataset(row), {});
  }

  private async indexRow(): Promise<DatasetRow> {
    if (!this.row) {
      const row = await this.results.findDataset(this.datasetId);
      if (!row) throw new DatasetNotFoundError(this.datasetId, this.results.dir);
      this.row = row;
    }
    return this.row;
  }

  private browseDataset(row: DatasetRow): BrowseDataset {
    return { dir: path.join(this.results.dir, row.dir), info: { id: row.id, run: row.run, generator: row.generator, setting: row.setting, target: row.target, model: row.model } };
  }
}
