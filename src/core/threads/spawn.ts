// Starts one of our worker threads: from the bundles it is dist/<name>.js; from the TypeScript
// sources (unit tests, benches run with tsx) it is the .ts file, loaded through tsx.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../util/assets';

/** `source`: the worker's .ts file (absolute); `name`: its bundle in dist/. */
export function spawnWorker(name: string, source: string, workerData: unknown): Worker {
  const bundled = path.join(packageRoot(), 'dist', `${name}.js`);
  if (!__filename.endsWith('.ts') && fs.existsSync(bundled)) return new Worker(bundled, { workerData });
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true, workerData });
}
