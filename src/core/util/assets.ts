import * as fs from 'node:fs';
import * as path from 'node:path';

let root: string | undefined;

/**
 * The package root (where package.json, schemas/ and prompts/ live). Found by walking up from this
 * module, so it works from the bundled dist/ files and from the TypeScript sources alike.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'agorabench') return (root = dir);
      } catch {
        // unreadable package.json: keep walking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the agorabench package root above ${__dirname}`);
    dir = up;
  }
}

export function assetPath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
