// Config problems (file:line from ConfigError) as Diagnostics on the config document. They are
// published when a command fails to load a config, and every *.agorabench.json is checked when it
// is opened and saved (so a wrong value is flagged without a `$schema`, and cleared once fixed).
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ConfigError, parseConfig, type ConfigProblem } from '../../core';
import { isConfigFile } from './configFiles';

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('agorabench');
  private readonly onSave: vscode.Disposable;
  private readonly onOpen: vscode.Disposable;
  private readonly initial: NodeJS.Timeout;

  constructor() {
    const checkDoc = (doc: vscode.TextDocument) => {
      if (doc.uri.scheme === 'file' && isConfigFile(doc.uri.fsPath)) this.check(doc.uri.fsPath, doc.getText());
    };
    this.onSave = vscode.workspace.onDidSaveTextDocument(checkDoc);
    this.onOpen = vscode.workspace.onDidOpenTextDocument(checkDoc);
    // configs already open: checked just after activation, not during it (the schema compiles on first use)
    this.initial = setTimeout(() => vscode.workspace.textDocuments.forEach(checkDoc), 200);
  }

  publish(error: ConfigError): void {
    let lines: string[] = [];
    try {
      lines = fs.readFileSync(error.file, 'utf8').split(/\r?\n/);
    } catch {
      // unreadable file: point at line starts only
    }
    this.collection.set(vscode.Uri.file(error.file), error.problems.map((p) => toDiagnostic(p, lines)));
  }

  clear(file: string): void {
    this.collection.delete(vscode.Uri.file(file));
  }

  get(file: string): readonly vscode.Diagnostic[] {
    return this.collection.get(vscode.Uri.file(file)) ?? [];
  }

  private check(file: string, text: string): void {
    try {
      parseConfig(file, text);
      this.clear(file);
    } catch (e) {
      if (e instanceof ConfigError) this.publish(e);
    }
  }

  dispose(): void {
    this.onSave.dispose();
    this.onOpen.dispose();
    clearTimeout(this.initial);
    this.collection.dispose();
  }
}

function toDiagnostic(p: ConfigProblem, lines: string[]): vscode.Diagnostic {
  const line = Math.max(0, p.line - 1);
  const start = Math.max(0, p.column - 1);
  const end = Math.max(start + 1, lines[line]?.length ?? start + 1);
  const d = new vscode.Diagnostic(new vscode.Range(line, start, line, end), p.pointer ? `${p.pointer}: ${p.message}` : p.message, vscode.DiagnosticSeverity.Error);
  d.source = 'agorabench';
  return d;
}

/** `file:line: message` of the first problem, for one-line error messages. */
export function firstProblem(error: ConfigError): string {
  const p = error.problems[0];
  const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more)` : '';
  return p ? `${error.file}:${p.line}: ${p.pointer ? `${p.pointer}: ` : ''}${p.message}${more}` : error.message;
}
