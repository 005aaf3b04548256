// Where the installed VS Code host lives (see install.sh).
import * as path from 'node:path';
import { ROOT } from './buildTests';

export function hostDir(): string {
  return process.env.HOST_DIR ?? path.join(ROOT, '.vscode-host');
}

export function serverMain(): string {
  return path.join(hostDir(), 'cs', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
}

/** Node 24: code-server's engines require it. */
export function hostNode(): string {
  return path.join(hostDir(), 'bin', 'node');
}
