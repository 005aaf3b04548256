import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a file so that readers see either the old or the new content, never a torn mix (temp,
 * fsync, rename). `data` may be chunks, written as they come (a large CSV is never whole in
 * memory); if producing them throws, the temporary file is removed and the old file stays.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string | Iterable<string>): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    else for (const chunk of data) fs.writeSync(fd, chunk);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  }
}

/**
 * An exclusive lock file holding our pid. A lock left by a dead process (kill -9) is taken over;
 * a live holder is reported so two processes never write the same store.
 */
export function acquireLock(file: string, what: string): () => void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const mine = String(process.pid);
  for (let tries = 0; tries < 3; tries++) {
    // the lock file appears with its pid already in it (hard link of a finished temp file),
    // so nobody can ever read an empty lock and mistake it for a stale one
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    fs.writeFileSync(tmp, mine);
    try {
      fs.linkSync(tmp, file);
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    let holder: string;
    try {
      holder = fs.readFileSync(file, 'utf8').trim();
    } catch {
      continue; // released meanwhile: try again
    }
    const pid = Number(holder);
    if (pid === process.pid) throw new Error(`${what} is already open in this process`);
    if (pid && processAlive(pid)) throw new Error(`${what} is in use by process ${pid} (lock ${file})`);
    // its owner died (kill -9): take the lock over, unless someone else already did
    try {
      if (fs.readFileSync(file, 'utf8').trim() === holder) fs.unlinkSync(file);
    } catch {
      // gone already
    }
  }
  throw new Error(`cannot lock ${what} (${file})`);
}

/** Whether a process with this pid exists (0 = unknown: treated as gone). */
export function processAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
