// Runs loadPgrData in a worker thread (dist/pgrWorker.js) when the bundle has one, else inline
// (plain-Node tests run from the sources). No `vscode` import.
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { PgrDataView } from '../../protocol/pgrProtocol';
import { loadPgrData, type PgrDataOptions } from './pgrData';

export function computePgrData(configFile: string, workerFile: string | undefined, options: PgrDataOptions = {}): Promise<PgrDataView> {
  if (!workerFile || !fs.existsSync(workerFile)) return loadPgrData(configFile, options);
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: { configFile, options } });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.once('message', (m: { ok: true; data: PgrDataView } | { ok: false; error: string }) => settle(() => (m.ok ? resolve(m.data) : reject(new Error(m.error)))));
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the PGR worker exited with code ${code} before answering`))));
  });
}
