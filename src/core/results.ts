import * as fs from 'node:fs';
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

  /**
   * Deletes a run's results: its index rows (run, datasets, dataset metrics) and its dataset
   * folders with their metric work stores (`<dataset>__metric__…`). Only folders directly under
   * `<dir>/datasets/` are removed; a run still running is refused. A dataset's `annotations.jsonl`
   * is kept (listed in `kept`): annotations are a person's work, not results.
   */
  async deleteRun(run: string): Promise<{ datasets: string[]; folders: string[]; kept: string[] }> {
    const row = (await this.index.runs()).find((r) => r.name === run);
    // runs() reports a run whose process is gone as 'interrupted'
    if (row?.status === 'running') {
      throw new Error(`run "${run}" is still running (pid ${row.pid}); cancel it first`);
    }
    const removed = await this.index.deleteRun(run);
    const root = path.resolve(this.dir, 'datasets');
    const inside = (p: string) => path.dirname(p) === root && path.basename(p) !== '' && !path.basename(p).startsWith('.');
    const folders = new Set<string>();
    for (const d of removed) {
      const own = path.resolve(this.dir, d.dir);
      if (inside(own)) folders.add(own);
    }
    const ids = removed.map((d) => `${d.id}__metric__`);
    if (ids.length && fs.existsSync(root)) {
      for (const e of fs.readdirSync(root, { withFileTypes: true })) {
        if (e.isDirectory() && ids.some((prefix) => e.name.startsWith(prefix))) folders.add(path.join(root, e.name));
      }
    }
    const kept: string[] = [];
    for (const f of folders) {
      // a person's annotations are not results: they stay (a re-run of the same name finds them again)
      const sidecar = path.join(f, 'annotations.jsonl');
      if (!fs.existsSync(sidecar)) {
        fs.rmSync(f, { recursive: true, force: true });
        continue;
      }
      for (const e of fs.readdirSync(f)) if (e !== 'annotations.jsonl') fs.rmSync(path.join(f, e), { recursive: true, force: true });
      kept.push(sidecar);
    }
    return { datasets: removed.map((d) => d.id), folders: [...folders], kept };
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
