// Config problems as Diagnostics on the config document: why it does not load (ConfigError with
// file:line, so a wrong value is flagged without a `$schema`), and what will make it run badly
// (core config/checks.ts: a model without a price, a missing seed file, a key nobody set, fewer seed
// rows than instances), each with a `code` for its quick fix (configFixes.ts). Open configs are
// checked when opened, saved, edited (debounced) and when a key is stored or deleted; a command that
// fails to load a config publishes its problems too.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { SeedRowCounter, checkConfig, type ConfigError, type ConfigFinding, type ConfigProblem, type TextSpan } from '../../core';
import type { KeyStore } from '../secrets/keyStore';
import { isConfigFile } from './configFiles';

export const CONFIG_DIAGNOSTIC_SOURCE = 'agorabench';
/** Edits are checked once typing pauses: a check validates the schema and may read seed files. */
const EDIT_DEBOUNCE_MS = 300;

interface FileState {
  /** Why the config does not load (from the last check, or from a command that loaded it). */
  problems: ConfigProblem[];
  /** Lines of the text the problems were found in, to mark them to the end of their line. */
  lines: string[];
  /** What the last check of the open document found. */
  findings: ConfigFinding[];
}

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('agorabench');
  private readonly listeners: vscode.Disposable[];
  private readonly initial: NodeJS.Timeout;
  private readonly state = new Map<string, FileState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The newest check of each file: an older one that ends later is dropped. */
  private readonly latest = new Map<string, number>();
  /** Made on the first check, not at activation: it lives in the engine bundle, loaded on first use. */
  private rows: SeedRowCounter | undefined;
  /** Whether a key is set, per env var name, until a key changes (not asked of SecretStorage at every keystroke). */
  private readonly hasKey = new Map<string, Promise<boolean>>();
  private checks = 0;
  private disposed = false;

  constructor(private readonly keys: KeyStore) {
    this.listeners = [
      vscode.workspace.onDidOpenTextDocument((doc) => this.checkNow(doc)),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (isConfigDocument(doc)) this.checkNow(doc);
        // a seed file edited in VS Code: its rows may have changed
        else if (/\.(jsonl?|ndjson|csv)$/i.test(doc.uri.fsPath)) this.refresh();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && isConfigDocument(e.document)) this.checkSoon(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (!isConfigDocument(doc)) return;
        // findings are about the document as edited: they go with it (load problems stay until fixed)
        this.cancel(doc.uri.fsPath);
        this.update(doc.uri.fsPath, { findings: [] });
      }),
      keys.onDidChange(() => {
        this.hasKey.clear();
        this.refresh();
      }),
    ];
    // configs already open: checked just after activation, not during it (the schema compiles on first use)
    this.initial = setTimeout(() => this.refresh(), 200);
  }

  /** Problems a command met loading a config (the file need not be open). */
  publish(error: ConfigError): void {
    let lines: string[] = [];
    try {
      lines = fs.readFileSync(error.file, 'utf8').split(/\r?\n/);
    } catch {
      // unreadable file: point at line starts only
    }
    this.update(error.file, { problems: error.problems, lines });
  }

  /** The config loads: its load problems go, what the last check found stays. */
  clear(file: string): void {
    this.update(file, { problems: [], lines: [] });
  }

  get(file: string): readonly vscode.Diagnostic[] {
    return this.collection.get(vscode.Uri.file(file)) ?? [];
  }

  /** Checks the open configs again (a key was set, a seed file created). */
  refresh(): void {
    for (const doc of vscode.workspace.textDocuments) this.checkNow(doc);
  }

  /** What the diagnostic was made from (for its quick fix), if it came from the last check. */
  findingFor(uri: vscode.Uri, d: vscode.Diagnostic): ConfigFinding | undefined {
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    const same = (this.state.get(uri.fsPath)?.findings ?? []).filter((f) => f.code === code && f.message === d.message);
    // the same message twice (one model on two lines): the one on the diagnostic's line
    return same.find((f) => f.span.line - 1 === d.range.start.line) ?? same[0];
  }

  private checkNow(doc: vscode.TextDocument): void {
    if (!isConfigDocument(doc)) return;
    this.cancel(doc.uri.fsPath);
    void this.check(doc);
  }

  private checkSoon(doc: vscode.TextDocument): void {
    const file = doc.uri.fsPath;
    this.cancel(file);
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        if (!doc.isClosed) void this.check(doc);
      }, EDIT_DEBOUNCE_MS),
    );
  }

  private cancel(file: string): void {
    clearTimeout(this.timers.get(file));
    this.timers.delete(file);
  }

  private async check(doc: vscode.TextDocument): Promise<void> {
    const file = doc.uri.fsPath;
    const text = doc.getText();
    const n = ++this.checks;
    this.latest.set(file, n);
    let result: Awaited<ReturnType<typeof checkConfig>>;
    try {
      result = await checkConfig(file, text, { hasKey: (v) => this.keyIsSet(v), rows: (this.rows ??= new SeedRowCounter()) });
    } catch {
      // an unexpected failure must not get in the way of editing; commands report it when they load the config
      return;
    }
    if (this.disposed || this.latest.get(file) !== n) return;
    this.update(file, { problems: result.problems, lines: text.split(/\r?\n/), findings: doc.isClosed ? [] : result.findings });
  }

  /** Only whether there is one: the value is dropped here, never kept or shown. */
  private keyIsSet(envVar: string): Promise<boolean> {
    let known = this.hasKey.get(envVar);
    if (!known) {
      known = this.keys.get(envVar).then((k) => k !== undefined);
      this.hasKey.set(envVar, known);
      // a failed look-up is asked again next time
      known.catch(() => this.hasKey.delete(envVar));
    }
    return known;
  }

  private update(file: string, change: Partial<FileState>): void {
    if (this.disposed) return;
    const s = { problems: [], lines: [], findings: [], ...this.state.get(file), ...change };
    if (!s.problems.length && !s.findings.length) this.state.delete(file);
    else this.state.set(file, s);
    // a load problem that a finding also reports (a missing seed file) is shown once, with its fix
    const found = new Set(s.findings.map((f) => `${f.code}\u0000${f.pointer}`));
    const problems = s.problems.filter((p) => !p.code || !found.has(`${p.code}\u0000${p.pointer}`));
    this.collection.set(vscode.Uri.file(file), [...problems.map((p) => problemDiagnostic(p, s.lines)), ...s.findings.map(findingDiagnostic)]);
  }

  dispose(): void {
    this.disposed = true;
    for (const l of this.listeners) l.dispose();
    clearTimeout(this.initial);
    for (const t of this.timers.values()) clearTimeout(t);
    this.collection.dispose();
  }
}

function isConfigDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && isConfigFile(doc.uri.fsPath);
}

function problemDiagnostic(p: ConfigProblem, lines: string[]): vscode.Diagnostic {
  const line = Math.max(0, p.line - 1);
  const start = Math.max(0, p.column - 1);
  const end = Math.max(start + 1, lines[line]?.length ?? start + 1);
  const d = new vscode.Diagnostic(new vscode.Range(line, start, line, end), p.pointer ? `${p.pointer}: ${p.message}` : p.message, vscode.DiagnosticSeverity.Error);
  d.source = CONFIG_DIAGNOSTIC_SOURCE;
  if (p.code) d.code = p.code;
  return d;
}

function findingDiagnostic(f: ConfigFinding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(rangeOf(f.span), f.message, f.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  d.source = CONFIG_DIAGNOSTIC_SOURCE;
  d.code = f.code;
  return d;
}

function rangeOf(s: TextSpan): vscode.Range {
  return new vscode.Range(s.line - 1, s.column - 1, s.endLine - 1, s.endColumn - 1);
}

/** `file:line: message` of the first problem, for one-line error messages. */
export function firstProblem(error: ConfigError): string {
  const p = error.problems[0];
  const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more)` : '';
  return p ? `${error.file}:${p.line}: ${p.pointer ? `${p.pointer}: ` : ''}${p.message}${more}` : error.message;
}
