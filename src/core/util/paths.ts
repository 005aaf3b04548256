import * as os from 'node:os';
import * as path from 'node:path';

/** Download cache: AGORABENCH_CACHE_DIR, else $XDG_CACHE_HOME/agorabench, else ~/.cache/agorabench. */
export function defaultCacheDir(): string {
  if (process.env.AGORABENCH_CACHE_DIR) return path.resolve(process.env.AGORABENCH_CACHE_DIR);
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'agorabench');
}

/** Offline data directory: the config's `dataDir`, else AGORABENCH_DATA_DIR. */
export function offlineDataDir(configured: string | undefined): string | undefined {
  return configured ?? (process.env.AGORABENCH_DATA_DIR ? path.resolve(process.env.AGORABENCH_DATA_DIR) : undefined);
}
