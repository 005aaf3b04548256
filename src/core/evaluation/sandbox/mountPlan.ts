import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where the interpreter lives, as it reports itself (`sys.executable`, `sys.prefix`, `sys.base_prefix`). */
export interface PythonInstall {
  executable: string;
  prefix: string;
  basePrefix: string;
  version: string;
}

/** What the launcher covers with an empty tmpfs and what it binds back inside those covers. */
export interface MountPlan {
  masks: string[];
  expose: string[];
}

/** World-writable or socket-holding places: hidden so the program neither reads other runs' files nor reaches local daemons. */
const COVERED = ['/tmp', '/var/tmp', '/dev/shm', '/run'];

/**
 * The covers for one interpreter. `otherUid`: the program runs as a uid of its own, so a
 * directory it cannot traverse (pyenv under /root, mode 700) is covered too and the interpreter
 * bound back at its own path (an absolute RUNPATH such as pyenv's forbids moving it). Without a
 * uid of its own (user namespace) the program is the caller, so the caller's home is covered.
 */
export function mountPlan(python: PythonInstall, otherUid: boolean): MountPlan {
  const masks = COVERED.filter(isRealDirectory);
  if (!otherUid) {
    const home = safeRealpath(os.homedir());
    if (home !== '/' && isRealDirectory(home)) masks.push(home);
  }
  const needed = unique(
    [python.prefix, python.basePrefix, path.dirname(python.executable), path.dirname(safeRealpath(python.executable))].map(safeRealpath),
  );
  const expose: string[] = [];
  for (const dir of needed) {
    let hidden = masks.some((m) => within(dir, m));
    const closed = otherUid ? firstClosedAncestor(dir) : undefined;
    if (closed !== undefined) {
      hidden = true;
      if (!masks.some((m) => within(closed, m))) masks.push(closed);
    }
    if (hidden) expose.push(dir);
  }
  return { masks: outermost(masks), expose: outermost(expose) };
}

/** `dir` is `root` or below it. */
function within(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Drops paths inside another path of the list; parents first. */
function outermost(paths: string[]): string[] {
  const sorted = unique(paths).sort((a, b) => a.length - b.length);
  return sorted.filter((p, i) => !sorted.slice(0, i).some((q) => within(p, q)));
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}

function isRealDirectory(p: string): boolean {
  try {
    const st = fs.lstatSync(p);
    return st.isDirectory() && !st.isSymbolicLink();
  } catch {
    return false;
  }
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The first strict ancestor of `dir` that others may not traverse (no o+x), if any. */
function firstClosedAncestor(dir: string): string | undefined {
  const parts = dir.split(path.sep).filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const ancestor = path.sep + parts.slice(0, i).join(path.sep);
    try {
      if ((fs.statSync(ancestor).mode & 0o001) === 0) return ancestor;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
