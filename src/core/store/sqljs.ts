import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { packageRoot } from '../util/assets';

let sql: Promise<SqlJsStatic> | undefined;

/** Loads sql.js once; the wasm ships next to the bundle (dist/) or comes from node_modules in development. */
export function sqlJs(): Promise<SqlJsStatic> {
  sql ??= initSqlJs({ locateFile: () => wasmPath() });
  return sql;
}

function wasmPath(): string {
  const root = packageRoot();
  const bundled = path.join(root, 'dist', 'sql-wasm.wasm');
  return fs.existsSync(bundled) ? bundled : path.join(root, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');
}

/** Every row of a query, each as its column values in order (the statement is compiled and freed here). */
export function select<T extends unknown[] = unknown[]>(db: Database, sql: string, params: (string | number)[] = []): T[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const out: T[] = [];
    while (stmt.step()) out.push(stmt.get() as T);
    return out;
  } finally {
    stmt.free();
  }
}
