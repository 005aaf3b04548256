// Child process for store tests: `node --import tsx storeChild.ts <mode> <dir> [args]`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireLock } from '../../../src/core/store/atomicFile';
import { DatasetStore } from '../../../src/core/store/datasetStore';
import { IndexStore } from '../../../src/core/store/indexStore';
import { INFO, attempt, datasetRow, instance } from './storeRecords';

async function main(): Promise<void> {
  const [mode, dir, arg] = process.argv.slice(2);
  if (!mode || !dir) throw new Error('usage: storeChild <mode> <dir> [arg]');
  if (mode === 'crash') {
    // journal n instances (checkpointing halfway), then die without closing
    const n = Number(arg);
    const store = await DatasetStore.open(dir, INFO);
    const pending: Promise<unknown>[] = [];
    for (let slot = 0; slot < n; slot++) {
      pending.push(store.recordIntent(slot, 1, { demos: [{ s: slot }] }), store.recordAttempt(attempt(slot, 1)), store.recordInstance(instance(slot)));
      if (slot === Math.floor(n / 2)) {
        await Promise.all(pending);
        store.checkpoint();
      }
    }
    // a slot finished again after the checkpoint: the newer record must win on replay
    pending.push(store.recordInstance(instance(1, { instruction: 'updated after checkpoint' })));
    await Promise.all(pending);
    process.stdout.write('written\n');
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  if (mode === 'hold') {
    await DatasetStore.open(dir, INFO);
    process.stdout.write('ready\n');
    setInterval(() => undefined, 1000);
    return;
  }
  if (mode === 'index') {
    const index = new IndexStore(dir);
    const prefix = arg ?? 'x';
    await Promise.all(Array.from({ length: 20 }, (_, i) => index.upsertDatasets([datasetRow(`${prefix}-${String(i).padStart(2, '0')}`, { generator: prefix })])));
    process.stdout.write('done\n');
    return;
  }
  if (mode === 'lockstress') {
    // take and release the lock `arg` times once the parent says "go"; inside the lock, claim an
    // `owner` file exclusively: finding it already there means two processes held the lock at once
    const rounds = Number(arg);
    const lock = path.join(dir, 'stress.lock');
    const owner = path.join(dir, 'owner');
    process.stdout.write('ready\n');
    await new Promise((r) => process.stdin.once('data', r));
    let held = 0;
    let violations = 0;
    for (let i = 0; i < rounds; i++) {
      let release: () => void;
      try {
        release = acquireLock(lock, 'stress');
      } catch {
        continue; // busy: try again
      }
      held++;
      try {
        fs.writeFileSync(owner, String(process.pid), { flag: 'wx' });
        fs.rmSync(owner);
      } catch {
        violations++;
      }
      release();
    }
    process.stdout.write(`${JSON.stringify({ held, violations })}\n`);
    process.exit(0);
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
