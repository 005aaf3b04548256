import * as path from 'node:path';
import { DatasetStore, type InstanceQuery, type InstanceRow } from './store/datasetStore';
import { IndexStore, type DatasetRow } from './store/indexStore';

/** Read access to a results directory: the catalogue and each dataset's instances. */
export class Results {
  readonly index: IndexStore;
  constructor(readonly dir: string) {
    this.index = new IndexStore(dir);
  }

  /** Opens a dataset read-only (a run may be writing it at the same time); close it when done. */
  async openDataset(row: Pick<DatasetRow, 'id' | 'run' | 'generator' | 'setting' | 'target' | 'dir'>): Promise<DatasetStore> {
    return DatasetStore.open(path.join(this.dir, row.dir), { id: row.id, run: row.run, generator: row.generator, setting: row.setting, target: row.target }, { readOnly: true });
  }

  async findDataset(id: string): Promise<DatasetRow | undefined> {
    return (await this.index.datasets()).find((d) => d.id === id);
  }

  /** One page of a dataset's instances, read from a fresh snapshot of its store. */
  async page(id: string, query: InstanceQuery): Promise<{ dataset: DatasetRow; rows: InstanceRow[] }> {
    const dataset = await this.findDataset(id);
    if (!dataset) throw new Error(`no dataset "${id}" in ${this.dir}`);
    const store = await this.openDataset(dataset);
    try {
      return { dataset, rows: store.listInstances(query) };
    } finally {
      await store.close();
    }
  }
}

export function datasetDirName(run: string, generator: string, setting: string): string {
  return path.join('datasets', datasetId(run, generator, setting));
}

export function datasetId(run: string, generator: string, setting: string): string {
  return `${run}__${generator}__${setting}`;
}
