// Config files that load but will not run well: a model without a price, a missing seed file, a key
// nobody set, fewer seed rows than instances. Each is a diagnostic on the right line of the open
// config, with a quick fix (vscode.executeCodeActionProvider) that makes it go away.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseSeeds } from '../../../src/core/seeds/parse';
import type { CreateSeedFileResult } from '../../../src/extension/config/configFixes';
import { activeExtension, until, workspaceDir, writeConfig } from '../support/fixtures';

const LOCAL = 'http://127.0.0.1:9/v1';

function ours(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'agorabench' && d.code === code);
}

/** Writes the config and opens it; `line(needle)` is the 0-based line of a piece of its text. */
async function openConfig(name: string, config: unknown): Promise<{ uri: vscode.Uri; editor: vscode.TextEditor; line: (needle: string) => number }> {
  const text = JSON.stringify(config, null, 2) + '\n';
  const uri = vscode.Uri.file(writeConfig(name, text));
  const editor = await vscode.window.showTextDocument(uri);
  return {
    uri,
    editor,
    line: (needle) => {
      const at = text.indexOf(needle);
      assert.ok(at >= 0, `${needle} in the config`);
      return text.slice(0, at).split('\n').length - 1;
    },
  };
}

/** The one diagnostic with this code, once it is there. */
async function diagnostic(uri: vscode.Uri, code: string): Promise<vscode.Diagnostic> {
  await until(() => ours(uri, code).length > 0, 10_000, `a "${code}" diagnostic`);
  const all = ours(uri, code);
  assert.equal(all.length, 1, all.map((d) => d.message).join('\n'));
  return all[0] as vscode.Diagnostic;
}

/** The quick fix titled `title` at the diagnostic's range. */
async function quickFix(uri: vscode.Uri, d: vscode.Diagnostic, title: string): Promise<vscode.CodeAction> {
  let action: vscode.CodeAction | undefined;
  let titles: string[] = [];
  await until(
    async () => {
      const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, d.range)) ?? [];
      titles = actions.map((a) => a.title);
      action = actions.find((a): a is vscode.CodeAction => a.title === title && 'kind' in a);
      return action !== undefined;
    },
    5_000,
    `the quick fix "${title}" (offered: ${titles.join(', ') || 'none'})`,
  );
  assert.ok(action);
  assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
  return action;
}

describe('Config diagnostics and quick fixes', () => {
  before(async () => {
    await activeExtension();
    await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_IT_KEY', value: 'diagnostics-test-value' });
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a. a model without a price: a warning on its "model" line; "Add a price for …" adds it under "prices"', async () => {
    const { uri, editor, line } = await openConfig('it-diag-price.agorabench.json', {
      name: 'it-diag-price',
      generators: [
        { id: 'priced', provider: 'openai', model: 'gpt-4o-mini', apiKeyEnv: 'AGORABENCH_IT_KEY' },
        { id: 'local', provider: 'openai-compatible', model: 'it-unpriced-model', baseURL: LOCAL },
      ],
      settings: [{ setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 2 }],
    });
    const d = await diagnostic(uri, 'unpriced-model');
    assert.equal(d.range.start.line, line('"model": "it-unpriced-model"'));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /no price known for model "it-unpriced-model".*price unknown/);
    const fix = await quickFix(uri, d, 'Add a price for it-unpriced-model');
    assert.ok(fix.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const config = JSON.parse(editor.document.getText()) as { prices?: Record<string, unknown> };
    assert.deepEqual(config.prices, { 'it-unpriced-model': { input: 0, output: 0 } });
    // the inserted zeros are placeholders: the first is selected, to be typed over
    assert.equal(editor.document.getText(editor.selection), '0');
    assert.equal(editor.document.lineAt(editor.selection.start.line).text.trim(), '"it-unpriced-model": { "input": 0, "output": 0 }');
    // checked again as the edit settles, before any save
    await until(() => ours(uri, 'unpriced-model').length === 0, 10_000, 'the price warning to clear');
    assert.equal(editor.document.isDirty, true);
    await editor.document.save();
  });

  it('b. a seed file that does not exist: an error on its path; "Create seed file" writes starter rows (never over a file) and opens it', async () => {
    const seeds = path.join(workspaceDir(), 'it-new', 'more', 'code seeds.jsonl');
    fs.rmSync(path.join(workspaceDir(), 'it-new'), { recursive: true, force: true });
    const { uri, line } = await openConfig('it-diag-seeds.agorabench.json', {
      name: 'it-diag-seeds',
      generators: [{ id: 'g', provider: 'openai', model: 'gpt-4o-mini', apiKeyEnv: 'AGORABENCH_IT_KEY' }],
      settings: [
        { setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 2 },
        { setting: 'instance_generation.code', seeds: 'it-new/more/code seeds.jsonl', instances: 2 },
        // fetched at run time: never flagged
        { setting: 'response_generation.math', seeds: { hf: 'openai/gsm8k', config: 'main', limit: 5 }, instances: 2 },
      ],
    });
    const d = await diagnostic(uri, 'seed-not-found');
    assert.equal(d.range.start.line, line('"seeds": "it-new/more/code seeds.jsonl"'));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.message, `seed file not found: ${seeds}`);
    const fix = await quickFix(uri, d, 'Create seed file');
    assert.ok(fix.command);
    const result = await vscode.commands.executeCommand<CreateSeedFileResult>(fix.command.command, ...(fix.command.arguments ?? []));
    assert.deepEqual(result, { file: seeds, created: true });
    // the rows are what the seed loader reads for a code setting
    const rows = parseSeeds(fs.readFileSync(seeds, 'utf8'), { format: 'jsonl', label: seeds, needResponse: true });
    assert.ok(rows.length >= 3);
    assert.ok(rows.every((r) => r.response.startsWith('```python')));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, seeds, 'the new file is open');
    await until(() => ours(uri, 'seed-not-found').length === 0, 10_000, 'the seed error to clear');
    // a file that is there is left as it is
    fs.writeFileSync(seeds, '{"instruction": "mine", "response": "kept"}\n');
    const again = await vscode.commands.executeCommand<CreateSeedFileResult>(fix.command.command, ...(fix.command.arguments ?? []));
    assert.deepEqual(again, { file: seeds, created: false });
    assert.equal(fs.readFileSync(seeds, 'utf8'), '{"instruction": "mine", "response": "kept"}\n');
  });

  it('c. no API key: a warning on "apiKeyEnv" (not for a local endpoint without one); "Set API key" clears it', async () => {
    const { uri, line } = await openConfig('it-diag-key.agorabench.json', {
      name: 'it-diag-key',
      generators: [
        { id: 'keyless', provider: 'openai', model: 'gpt-4o-mini', apiKeyEnv: 'AGORABENCH_IT_DIAG_KEY' },
        // an openai-compatible server without "apiKeyEnv" is sent no key
        { id: 'local', provider: 'openai-compatible', model: 'gpt-4o', baseURL: LOCAL },
      ],
      settings: [{ setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 2 }],
    });
    const d = await diagnostic(uri, 'missing-key');
    assert.equal(d.range.start.line, line('"apiKeyEnv": "AGORABENCH_IT_DIAG_KEY"'));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(d.message, 'no API key for generator "keyless" (AGORABENCH_IT_DIAG_KEY): set it with "AgoraBench: Set API Key" or in the environment');
    const fix = await quickFix(uri, d, 'Set API key');
    assert.equal(fix.command?.command, 'agorabench.setApiKey');
    const arg = fix.command.arguments?.[0] as { envVar: string; configFile: string };
    assert.deepEqual(arg, { envVar: 'AGORABENCH_IT_DIAG_KEY', configFile: uri.fsPath });
    // the value the input box would ask for, given directly
    assert.equal(await vscode.commands.executeCommand('agorabench.setApiKey', { ...arg, value: 'diagnostics-test-value' }), 'AGORABENCH_IT_DIAG_KEY');
    await until(() => ours(uri, 'missing-key').length === 0, 10_000, 'the key warning to clear once the key is stored');
  });

  it('d. fewer seed rows than instances: a warning with the counts on "instances"; "Set instances to N" clears it', async () => {
    const seedRows = fs.readFileSync(path.join(workspaceDir(), 'seeds', 'math.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).length;
    const { uri, editor, line } = await openConfig('it-diag-rows.agorabench.json', {
      name: 'it-diag-rows',
      generators: [{ id: 'g', provider: 'openai', model: 'gpt-4o-mini', apiKeyEnv: 'AGORABENCH_IT_KEY' }],
      settings: [
        { setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 50 },
        { setting: 'response_generation.math', seeds: 'seeds/math.jsonl', instances: 50 },
      ],
    });
    const d = await diagnostic(uri, 'seed-shortfall');
    // setting, seeds, instances: one field per line
    assert.equal(d.range.start.line, line('"setting": "response_generation.math"') + 2);
    assert.equal(editor.document.getText(d.range), '50');
    assert.match(d.message, new RegExp(`^response_generation\\.math: ${seedRows} seed rows for 50 requested instances`));
    const fix = await quickFix(uri, d, `Set instances to ${seedRows}`);
    assert.ok(fix.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const config = JSON.parse(editor.document.getText()) as { settings: { instances: number }[] };
    assert.deepEqual(config.settings.map((s) => s.instances), [50, seedRows]);
    await until(() => ours(uri, 'seed-shortfall').length === 0, 10_000, 'the shortfall warning to clear');
    await editor.document.save();
  });
});
