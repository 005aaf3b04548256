// Worker-thread entry (bundled as dist/pgrWorker.js): computes the PGR panel's data off the
// extension host's main thread. The bootstrap takes about a second for six generators with
// 500 items per benchmark, which would otherwise freeze every other extension meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { loadPgrData, type PgrDataOptions } from './pgrData';

const { configFile, options } = workerData as { configFile: string; options: PgrDataOptions };
loadPgrData(configFile, options).then(
  (data) => parentPort?.postMessage({ ok: true, data }),
  (e: unknown) => parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
);
