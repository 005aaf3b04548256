// The Metric Scatter panel's data source over real stores: axes per level, instance points with
// both values only (columnar, per dataset), dataset points from the index, CSV, and a timing of
// 100K points (printed, not asserted).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { datasetDirName } from '../../src/core/results';
import { DatasetStore } from '../../src/core/store/datasetStore';
import { IndexStore } from '../../src/core/store/indexStore';
import { pointsToCsv, StoreScatterData } from '../../src/extension/scatter/scatterData';
import { tempDirs } from './helpers/engine';
import { BrowseClient } from '../../src/core/browse';
import { datasetRow, instance } from './helpers/storeRecords';

const Q = 'quality@judge#v1';
const W = 'instruction_words@lexical';

async function writeDataset(resultsDir: string, run: string, generator: string, setting: string, n: number, values: (slot: number) => Array<{ key: string; value: number | null }>): Promise<void> {
  const id = `${run}__${generator}__${setting}`;
  const dir = datasetDirName(run, generator, setting);
  const store = await DatasetStore.open(path.join(resultsDir, dir), { id, run, generator, setting, target: n });
  const records = [];
  await Promise.all(Array.from({ length: n }, (_, s) => store.recordInstance(instance(s))));
  for (let s = 0; s < n; s++) for (const v of values(s)) records.push({ slot: s, key: v.key, value: v.value, detail: {} });
  await store.recordMetrics(records);
  await store.close();
  await new IndexStore(resultsDir).upsertDatasets([datasetRow(id, { run, generator, setting, dir, target: n, valid: n, costUsd: n / 100 })]);
}

describe('scatter data source', () => {
  const temp = tempDirs('scatter');
  const client = new BrowseClient();
  after(() => client.dispose());

  it('lists axes, returns instance points with both values and dataset points, and writes CSV', async () => {
    const dir = temp();
    // gen-a: Q on every slot, W on even slots; gen-b: W only, and a value recorded as missing
    await writeDataset(dir, 'r', 'gen-a', 'instance_generation.math', 10, (s) => [{ key: Q, value: s / 10 }, ...(s % 2 === 0 ? [{ key: W, value: s * 3 }] : [])]);
    await writeDataset(dir, 'r', 'gen-b', 'response_generation.code', 4, (s) => [{ key: W, value: s === 2 ? null : s }]);
    await writeDataset(dir, 'other', 'gen-c', 'instance_generation.math', 3, (s) => [{ key: Q, value: s }]);
    await new IndexStore(dir).upsertDatasetMetrics([
      { dataset: 'r__gen-a__instance_generation.math', run: 'r', key: Q, value: 0.45, n: 10, missing: 0, detail: {}, updatedAt: '' },
      { dataset: 'r__gen-b__response_generation.code', run: 'r', key: Q, value: null, n: 0, missing: 4, detail: {}, updatedAt: '' },
    ]);
    const data = new StoreScatterData(dir, 'r', client);
    const axes = await data.axes();
    assert.equal(axes.datasetCount, 2);
    assert.deepEqual(axes.instance.map((a) => [a.key, a.n, a.datasets]), [[W, 8, 2], [Q, 10, 1]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    assert.deepEqual(axes.dataset.filter((a) => !a.key.startsWith('column:')).map((a) => [a.key, a.n]), [[Q, 1]]);
    assert.ok(axes.dataset.some((a) => a.key === 'column:costUsd'));
    assert.deepEqual(await data.generators(), ['gen-a', 'gen-b']);

    const pts = await data.points({ level: 'instance', x: Q, y: W });
    assert.equal(pts.total, 5);
    assert.deepEqual(pts.groups, [{ datasetId: 'r__gen-a__instance_generation.math', generator: 'gen-a', setting: 'instance_generation.math', slots: [0, 2, 4, 6, 8], x: [0, 0.2, 0.4, 0.6, 0.8], y: [0, 6, 12, 18, 24] }]);
    const ww = await data.points({ level: 'instance', x: W, y: W });
    assert.equal(ww.total, 8, 'the null value is left out');

    const ds = await data.points({ level: 'dataset', x: 'column:costUsd', y: Q });
    assert.deepEqual(ds.groups.map((g) => [g.datasetId, g.x, g.y, g.slots]), [['r__gen-a__instance_generation.math', [0.1], [0.45], []]]);

    const csv = pointsToCsv(pts);
    assert.equal(csv.rows, 5);
    assert.equal(csv.csv.split('\n')[0], `dataset,generator,setting,slot,${Q},${W}`);
    assert.equal(csv.csv.split('\n')[2], 'r__gen-a__instance_generation.math,gen-a,instance_generation.math,2,0.2,6');

    // every run
    assert.equal((await new StoreScatterData(dir, '', client).axes()).datasetCount, 3);
  });

  it('says there is nothing when no metrics exist', async () => {
    const dir = temp();
    await writeDataset(dir, 'r', 'gen-a', 'instance_generation.math', 3, () => []);
    const axes = await new StoreScatterData(dir, 'r', client).axes();
    assert.deepEqual(axes, { instance: [], dataset: [], datasetCount: 1 });
  });

  it('sees metrics written after it read the stores once it is invalidated', async () => {
    const dir = temp();
    await writeDataset(dir, 'r', 'gen-a', 'instance_generation.math', 3, () => []);
    const data = new StoreScatterData(dir, 'r', client);
    assert.deepEqual((await data.axes()).instance, []);
    const id = 'r__gen-a__instance_generation.math';
    const store = await DatasetStore.open(path.join(dir, datasetDirName('r', 'gen-a', 'instance_generation.math')), { id, run: 'r', generator: 'gen-a', setting: 'instance_generation.math', target: 3 });
    await store.recordMetrics([0, 1, 2].map((slot) => ({ slot, key: Q, value: slot, detail: {} })));
    await store.close();
    assert.deepEqual((await data.axes()).instance, [], 'cached until invalidated');
    data.invalidate();
    assert.deepEqual((await data.axes()).instance.map((a) => [a.key, a.n]), [[Q, 3]]);
    assert.equal((await data.points({ level: 'instance', x: Q, y: Q })).total, 3);
  });

  it('reads 100K instance points across datasets (time printed)', async function () {
    this.timeout(120_000);
    const dir = temp();
    for (const g of ['a', 'b', 'c', 'd']) await writeDataset(dir, 'r', g, 'instance_generation.math', 25_000, (s) => [{ key: Q, value: (s % 97) / 97 }, { key: W, value: s % 301 }]);
    const data = new StoreScatterData(dir, 'r', client);
    const t0 = Date.now();
    const pts = await data.points({ level: 'instance', x: Q, y: W });
    const ms = Date.now() - t0;
    assert.equal(pts.total, 100_000);
    const t1 = Date.now();
    const json = JSON.stringify(pts);
    console.log(`      100K points from 4 stores: ${ms} ms to read; ${(json.length / 1e6).toFixed(1)} MB as JSON in ${Date.now() - t1} ms`);
  });
});
