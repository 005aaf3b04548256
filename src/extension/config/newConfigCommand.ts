// "AgoraBench: New Config": a config from a template (the quickstart, the paper preset or a
// skeleton) written into the workspace — never over an existing file — and opened.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
// bundled: examples/ is not part of the .vsix
import paperPreset from '../../../examples/agorabench-paper.agorabench.json';
import quickstart from '../../../examples/quickstart.agorabench.json';
import type { Services } from '../services';
import { stepDone } from '../walkthrough/walkthroughSteps';

export const NEW_CONFIG_COMMAND = 'agorabench.newConfig';
/** The welcome view's buttons: one template, under its own file name, without questions. */
export const OPEN_EXAMPLE_COMMAND = 'agorabench.openExample';

export type TemplateName = 'quickstart' | 'agorabench-paper' | 'empty';

/** A skeleton to fill in: one generator, one setting whose seed file is still to be written. */
const EMPTY = {
  name: 'my-benchmark',
  generators: [{ provider: 'openai', model: 'gpt-4o-mini-2024-07-18', apiKeyEnv: 'OPENAI_API_KEY' }],
  settings: [{ setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 100 }],
};

const TEMPLATES: Record<TemplateName, { label: string; description: string; content: Record<string, unknown> }> = {
  quickstart: { label: 'Quickstart', description: 'one generator, three small math settings (60 instances)', content: quickstart },
  'agorabench-paper': { label: 'Paper preset', description: 'the AgoraBench paper: six generators, nine settings', content: paperPreset },
  empty: { label: 'Empty', description: 'one generator and one setting to fill in', content: EMPTY },
};

/** `agorabench.newConfig` argument (tests, scripted setup): skips the questions it answers. */
export interface NewConfigArgs {
  template?: TemplateName;
  /** Config name, also the file name (`<name>.agorabench.json`). */
  name?: string;
}

export function registerNewConfig(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(NEW_CONFIG_COMMAND, (arg?: NewConfigArgs) => newConfig(services, arg ?? {})),
    vscode.commands.registerCommand(OPEN_EXAMPLE_COMMAND, (arg?: string) => openExample(services, arg)),
  );
}

const isTemplate = (t: unknown): t is TemplateName => typeof t === 'string' && t in TEMPLATES;

/** Asks for a template and a name; returns the file written, or undefined when cancelled. */
async function newConfig(services: Services, arg: NewConfigArgs): Promise<string | undefined> {
  const template =
    (isTemplate(arg.template) ? arg.template : undefined) ??
    (await vscode.window.showQuickPick(
      (Object.keys(TEMPLATES) as TemplateName[]).map((t) => ({ label: TEMPLATES[t].label, description: TEMPLATES[t].description, template: t })),
      { placeHolder: 'Start the new config from which template?', title: 'AgoraBench: New Config' },
    ))?.template;
  if (!template) return undefined;
  const folder = targetFolder();
  const base = String(TEMPLATES[template].content.name ?? 'my-benchmark');
  const name =
    arg.name ??
    (await vscode.window.showInputBox({
      title: 'AgoraBench: New Config',
      prompt: 'Name of the benchmark (also the file name and the run name)',
      value: folder ? freeName(folder, base) : base,
      validateInput: (v) => nameProblem(v, folder),
    }));
  if (name === undefined) return undefined;
  const problem = nameProblem(name, folder);
  if (problem) {
    void vscode.window.showErrorMessage(`AgoraBench: ${problem}`);
    return undefined;
  }
  return write(services, template, name, false);
}

/** The welcome buttons: the template under its own name; an existing file of that name is opened, not replaced. */
async function openExample(services: Services, arg?: string): Promise<string | undefined> {
  if (!isTemplate(arg)) return newConfig(services, {});
  return write(services, arg, String(TEMPLATES[arg].content.name), true);
}

async function write(services: Services, template: TemplateName, name: string, reuse: boolean): Promise<string | undefined> {
  // the example's `$schema` is relative to the repository; the manifest's jsonValidation covers *.agorabench.json
  const { $schema: _schema, ...content } = TEMPLATES[template].content;
  const text = JSON.stringify({ ...content, name }, null, 2) + '\n';
  const folder = targetFolder();
  if (!folder) {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: text });
    await vscode.window.showTextDocument(doc);
    return undefined;
  }
  const target = path.join(folder, `${name}.agorabench.json`);
  if (fs.existsSync(target) && !reuse) {
    void vscode.window.showErrorMessage(`AgoraBench: ${target} already exists; choose another name.`);
    return undefined;
  }
  if (!fs.existsSync(target)) {
    // 'wx': a file created meanwhile is never overwritten
    fs.writeFileSync(target, text, { flag: 'wx' });
    services.log.info(`new config ${target} (template: ${template})`);
    stepDone('config');
  }
  await vscode.window.showTextDocument(vscode.Uri.file(target), { preview: false });
  return target;
}

function targetFolder(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

/** `base`, or `base-2`, `base-3`… : the first name without a config file yet. */
function freeName(folder: string, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!fs.existsSync(path.join(folder, `${name}.agorabench.json`))) return name;
  }
}

function nameProblem(name: string, folder: string | undefined): string | undefined {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) return 'Use letters, digits, "-", "_" and "."; start with a letter or digit';
  if (folder && fs.existsSync(path.join(folder, `${name}.agorabench.json`))) return `${name}.agorabench.json already exists`;
  return undefined;
}
