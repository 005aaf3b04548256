// Quick fixes of the config diagnostics (configDiagnostics.ts): add a price, create a seed file,
// set an API key, set a setting's instances. Edits are built from the document as it is now, not
// from the text the diagnostic was found in.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addPriceEdit, errorMessage, setInstancesEdit, type ConfigEdit, type ConfigFix } from '../../core';
import { SET_API_KEY_COMMAND, type SetApiKeyArgs } from '../secrets/setApiKeyCommand';
import type { Services } from '../services';
import { CONFIG_DIAGNOSTIC_SOURCE, type ConfigDiagnostics } from './configDiagnostics';

export const CREATE_SEED_FILE_COMMAND = 'agorabench._createSeedFile';

export interface CreateSeedFileArgs {
  file: string;
  content: string;
}

/** What "Create seed file" did: `created` false = the file was there already (and was left as it is). */
export interface CreateSeedFileResult {
  file: string;
  created: boolean;
}

export function registerConfigFixes(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.agorabench.json' }, new ConfigFixes(services.diagnostics), { providedCodeActionKinds: ConfigFixes.kinds }),
    vscode.commands.registerCommand(CREATE_SEED_FILE_COMMAND, (arg: CreateSeedFileArgs) => createSeedFile(services.diagnostics, arg)),
  );
}

export class ConfigFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: ConfigDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== CONFIG_DIAGNOSTIC_SOURCE) continue;
      const fix = this.diagnostics.findingFor(document.uri, d)?.fix;
      const action = fix && actionFor(document, fix);
      if (!action) continue;
      action.diagnostics = [d];
      action.isPreferred = true;
      out.push(action);
    }
    return out;
  }
}

function actionFor(doc: vscode.TextDocument, fix: ConfigFix): vscode.CodeAction | undefined {
  switch (fix.kind) {
    case 'add-price': {
      const edit = addPriceEdit(doc.getText(), fix.model);
      return edit && editAction(`Add a price for ${fix.model}`, doc, edit);
    }
    case 'set-instances': {
      const edit = setInstancesEdit(doc.getText(), fix.setting, fix.instances);
      return edit && editAction(`Set instances to ${fix.instances}`, doc, edit);
    }
    case 'create-seed-file':
      return commandAction('Create seed file', CREATE_SEED_FILE_COMMAND, { file: fix.file, content: fix.content } satisfies CreateSeedFileArgs);
    case 'set-api-key':
      return commandAction('Set API key', SET_API_KEY_COMMAND, { envVar: fix.envVar, configFile: doc.uri.fsPath } satisfies SetApiKeyArgs);
  }
}

/** The edit as a snippet: its placeholders (the price's zeros) are selected in turn, to be typed over. */
function editAction(title: string, doc: vscode.TextDocument, e: ConfigEdit): vscode.CodeAction {
  const snippet = new vscode.SnippetString();
  let from = 0;
  e.placeholders.forEach((p, i) => {
    snippet.appendText(e.text.slice(from, p.offset)).appendPlaceholder(e.text.slice(p.offset, p.offset + p.length), i + 1);
    from = p.offset + p.length;
  });
  snippet.appendText(e.text.slice(from));
  const edit = new vscode.SnippetTextEdit(new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), snippet);
  // laid out for its place in the file already: the editor must not indent it again
  edit.keepWhitespace = true;
  const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  a.edit = new vscode.WorkspaceEdit();
  a.edit.set(doc.uri, [edit]);
  return a;
}

function commandAction(title: string, command: string, arg: unknown): vscode.CodeAction {
  const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  a.command = { title, command, arguments: [arg] };
  return a;
}

/** Writes the starter seed file (folders too) unless a file is there already, opens it, checks the configs again. */
async function createSeedFile(diagnostics: ConfigDiagnostics, arg: CreateSeedFileArgs): Promise<CreateSeedFileResult | undefined> {
  let created = true;
  try {
    fs.mkdirSync(path.dirname(arg.file), { recursive: true });
    // 'wx': never overwrite, even a file that appeared since the diagnostic was made
    fs.writeFileSync(arg.file, arg.content, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      void vscode.window.showErrorMessage(`AgoraBench: cannot create the seed file ${arg.file} (${errorMessage(e)}).`);
      return undefined;
    }
    created = false;
  }
  diagnostics.refresh();
  await vscode.window.showTextDocument(vscode.Uri.file(arg.file), { preview: false });
  return { file: arg.file, created };
}
