import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CORE = path.resolve(__dirname, '../../src/core');

/** Every import, re-export, require or dynamic import of the 'vscode' module (or a subpath of it). */
const VSCODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"`])vscode(?:\/[^'"`]*)?\1/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(?:[cm]?[jt]sx?)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('architecture: src/core never imports vscode', () => {
  it('the pattern catches every form of import (so the check below can fail)', () => {
    const caught = [
      "import * as vscode from 'vscode';",
      'import { window } from "vscode";',
      "import type { Uri } from 'vscode'",
      "export { Uri } from 'vscode';",
      "import 'vscode';",
      "const vscode = require('vscode');",
      "const v = await import('vscode');",
      "import x from 'vscode/lib/x';",
      'const vs = require ( "vscode" )',
    ];
    for (const line of caught) assert.match(line, VSCODE_IMPORT, line);
    const fine = ["import * as fs from 'node:fs';", "import { x } from './vscode-free';", "import y from 'vscode-languageserver';", '// talks to the vscode API through the host'];
    for (const line of fine) assert.doesNotMatch(line, VSCODE_IMPORT, line);
  });

  it('no file under src/core imports vscode', () => {
    const files = sourceFiles(CORE);
    assert.ok(files.length > 30, `expected the engine sources, found ${files.length} files`);
    assert.ok(files.some((f) => f.endsWith(path.join('core', 'index.ts'))));
    const offenders = files.filter((f) => VSCODE_IMPORT.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(CORE, f));
    assert.deepEqual(offenders, []);
  });
});
