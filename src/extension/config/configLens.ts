// CodeLens on *.agorabench.json: "Run", "Estimate cost", "Open results" above the config (Stop
// while it runs), and "Run only this" above each generator and setting.
import * as vscode from 'vscode';
import { ConfigError, parseConfig, parseLocated, type RunConfig } from '../../core';
import type { RunRegistry } from '../jobs/jobRegistry';
import { isConfigFile } from './configFiles';

/** The lenses of one config text, as data (tests read them through `vscode.executeCodeLensProvider`). */
export interface LensSpec {
  /** 0-based line. */
  line: number;
  title: string;
  command: string;
  args: unknown[];
}

export function lensSpecs(file: string, text: string, running: boolean): LensSpec[] {
  const json = parseLocated(text);
  const line = (pointer: string, key = true) => json.locate(pointer, key).line - 1;
  let config: RunConfig | undefined;
  try {
    config = parseConfig(file, text);
  } catch (e) {
    // an invalid config still gets Run (which reports its problems); the parts need valid ids
    if (!(e instanceof ConfigError)) throw e;
  }
  const top = json.value !== undefined && typeof json.value === 'object' && json.value !== null && 'name' in json.value ? line('/name') : 0;
  const at = { configFile: file };
  const specs: LensSpec[] = [
    running ? { line: top, title: '$(debug-stop) Stop', command: 'agorabench.cancel', args: [at] } : { line: top, title: '$(play) Run', command: 'agorabench.run', args: [at] },
    { line: top, title: '$(credit-card) Estimate cost', command: 'agorabench.estimateCost', args: [at] },
    { line: top, title: '$(table) Open results', command: 'agorabench.openInstances', args: [at] },
  ];
  if (config?.evaluations.length) specs.push({ line: top, title: '$(beaker) Evaluate', command: 'agorabench.evaluate', args: [file] });
  if (!config || running) return specs;
  // "only this" makes sense where there is more than one to choose from
  if (config.generators.length > 1) {
    config.generators.forEach((g, i) => specs.push({ line: line(`/generators/${i}`, false), title: '$(play) Run only this generator', command: 'agorabench.run', args: [{ ...at, only: { generators: [g.id] } }] }));
  }
  if (config.settings.length > 1) {
    config.settings.forEach((s, i) => specs.push({ line: line(`/settings/${i}`, false), title: '$(play) Run only this setting', command: 'agorabench.run', args: [{ ...at, only: { settings: [s.key] } }] }));
  }
  return specs;
}

export class ConfigLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly sub: vscode.Disposable;
  private running = new Set<string>();

  constructor(private readonly runs: RunRegistry) {
    // Run ↔ Stop when a run starts or ends (progress in between does not change a lens)
    this.sub = runs.onDidChange(() => {
      const now = new Set(runs.jobs().filter((j) => j.kind === 'generation').map((j) => j.configFile));
      if (now.size === this.running.size && [...now].every((f) => this.running.has(f))) return;
      this.running = now;
      this.emitter.fire();
    });
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isConfigFile(doc.uri.fsPath)) return [];
    return lensSpecs(doc.uri.fsPath, doc.getText(), this.running.has(doc.uri.fsPath)).map((s) => new vscode.CodeLens(new vscode.Range(s.line, 0, s.line, 0), { title: s.title, command: s.command, arguments: s.args }));
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

export function registerConfigLens(services: { runs: RunRegistry }): vscode.Disposable {
  const provider = new ConfigLensProvider(services.runs);
  return vscode.Disposable.from(provider, vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/*.agorabench.json' }, provider));
}
