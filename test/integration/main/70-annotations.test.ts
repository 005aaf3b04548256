// Datasets in the editor: "Open Dataset in Editor" shows a dataset as a read-only JSONL document
// (one instance per line, slot order); hover, inlay hints, annotation commands, the Problems panel
// and its quick fixes on it; the same on a user's own JSONL file whose lines are stored instances
// (its malformed line gets its own diagnostic, and the file is never written).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results, annotationsPath, datasetDirOf, readAnnotations, type Annotation, type InstanceRow, type UndoOutcome } from '../../../src/core';
import type { OpenDatasetInEditorResult } from '../../../src/extension/annotations/registerAnnotations';
import type { MetricsOutcome } from '../../../src/extension/metrics/metricsCommand';
import type { ExportOutcome } from '../../../src/extension/training/exportCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { activeExtension, until, workspaceDir, writeFakeConfig } from '../support/fixtures';

const datasetId = 'it-annotate__fake__instance_generation.math';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

function labelOf(h: vscode.InlayHint): string {
  return typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('');
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AgoraBench');
}

/** Lines with an AgoraBench diagnostic, once they are `expected`. */
async function diagnosticLines(uri: vscode.Uri, expected: number[]): Promise<vscode.Diagnostic[]> {
  const lines = () =>
    ours(uri)
      .map((d) => d.range.start.line)
      .sort((a, b) => a - b);
  await until(() => JSON.stringify(lines()) === JSON.stringify(expected), 10_000, `diagnostics on lines ${JSON.stringify(expected)} (now ${JSON.stringify(lines())})`);
  return ours(uri);
}

describe('Annotations in the editor', () => {
  let server: FakeServer;
  let file: string;
  let resultsDir: string;
  let rows: InstanceRow[];
  let uri: vscode.Uri;
  let sidecar: string;
  /** Lines (= positions in slot order) of valid instances. */
  let valid: number[];
  /** Each slot's metric records, as the store has them. */
  let metrics: Map<number, Array<{ key: string; value: number | null }>>;
  const args = (slots: number[], extra: Record<string, unknown> = {}) => ({ resultsDir, datasetId, slots, ...extra });

  before(async () => {
    await activeExtension();
    server = await startFakeServer({});
    await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_IT_KEY', value: 'sk-integration' });
    file = writeFakeConfig({ name: 'it-annotate', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 8 });
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    resultsDir = outcome.status === 'finished' ? outcome.summary.resultsDir : '';
    const computed = await vscode.commands.executeCommand<MetricsOutcome>('agorabench.computeMetrics', file);
    assert.equal(computed.status, 'computed', JSON.stringify(computed));
    const results = new Results(resultsDir);
    rows = (await results.page(datasetId, { limit: 500 })).rows;
    const row = await results.findDataset(datasetId);
    assert.ok(row);
    const store = await results.openDataset(row);
    try {
      metrics = new Map(rows.map((r) => [r.slot, store.instanceMetrics(r.slot)]));
    } finally {
      await store.close();
    }
    sidecar = annotationsPath(datasetDirOf(results, row));
    valid = rows.map((r, i) => (r.status === 'valid' ? i : -1)).filter((i) => i >= 0);
    assert.ok(valid.length >= 6, `at least 6 valid instances (${valid.length})`);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  it('opens a dataset as a read-only JSONL document, one instance per line in slot order', async () => {
    const opened = await vscode.commands.executeCommand<OpenDatasetInEditorResult>('agorabench.openDatasetInEditor', { resultsDir, datasetId });
    assert.ok(opened);
    assert.equal(opened.lines, rows.length);
    uri = vscode.Uri.parse(opened.uri);
    assert.equal(uri.scheme, 'agorabench-dataset');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'jsonl');
    assert.equal(doc.lineCount, rows.length);
    rows.forEach((r, i) => {
      const line = JSON.parse(doc.lineAt(i).text) as Record<string, unknown>;
      assert.deepEqual([line.slot, line.id, line.status], [r.slot, r.id, r.status]);
      if (r.status === 'valid') assert.deepEqual([line.instruction, line.response], [r.instruction, r.response]);
    });
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    assert.equal(fs.existsSync(sidecar), false, 'opening writes nothing');
  });

  it('hovers a line with its validation, usage and cost', async () => {
    const i = valid[0] as number;
    const r = rows[i] as InstanceRow;
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(i, 3)));
    assert.match(text, new RegExp(`slot ${r.slot} · valid`));
    assert.ok(text.includes(`${r.usage.inputTokens} input + ${r.usage.outputTokens} output tokens`), text);
    assert.ok(text.includes(`(${r.costUsd} USD)`), text);
    assert.match(text, /\*\*Validation:\*\* passed/);
    const known = metrics.get(r.slot) ?? [];
    assert.ok(known.length > 0, 'Compute Metrics wrote instance metrics');
    for (const m of known) assert.ok(text.includes(m.key.replace(/[\\`*_[\]|<>]/g, '\\$&')), `hover shows ${m.key}: ${text}`);
    assert.match(text, /\*\*Annotation:\*\* none/);
  });

  it('shows inlay hints with "Mark bad" and "Show in browser" on the visible lines', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, new vscode.Range(0, 0, doc.lineCount, 0));
    assert.equal(hints.length, rows.length);
    const first = hints.find((h) => h.position.line === valid[0]);
    assert.ok(first && typeof first.label !== 'string');
    // the label parts carry their commands; the API hands them back only while the hint list is cached
    const commands = first.label.flatMap((p) => (p.command ? [p.command] : []));
    if (commands.length) {
      assert.deepEqual(
        commands.map((c) => c.command),
        ['agorabench.markBad', 'agorabench.openInstances'],
      );
    }
    assert.match(labelOf(first), /Mark bad · Show in browser$/);
    const withValue = (metrics.get((rows[valid[0] as number] as InstanceRow).slot) ?? []).filter((m) => m.value !== null);
    if (withValue.length) assert.match(labelOf(first), /^[\w-]+ -?[\d.e-]+( · [\w-]+ -?[\d.e-]+)* · Mark bad/);
  });

  it('marks slots bad: diagnostics on their lines with the reason, two lines in the sidecar', async () => {
    const [a, b] = [valid[1] as number, valid[3] as number];
    const written = await vscode.commands.executeCommand<Annotation[]>('agorabench.markBad', args([(rows[a] as InstanceRow).slot, (rows[b] as InstanceRow).slot], { reason: 'incorrect-answer', note: 'off by one' }));
    assert.equal(written.length, 2);
    const diags = await diagnosticLines(uri, [a, b]);
    for (const d of diags) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(d.message, 'Bad sample: Incorrect answer — off by one');
      assert.equal(d.code, 'incorrect-answer');
    }
    const lines = fs.readFileSync(sidecar, 'utf8').trim().split('\n');
    assert.equal(lines.length, 2);
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(a, 1)));
    assert.match(hover, /Annotation:\*\* bad — Incorrect answer — “off by one” · .+ · current/);
  });

  it('offers quick fixes; "Clear annotation" removes the diagnostic and undo brings it back', async () => {
    const [a, b] = [valid[1] as number, valid[3] as number];
    const diag = ours(uri).find((d) => d.range.start.line === b);
    assert.ok(diag);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const mine = actions.filter((x) => x.command?.command.startsWith('agorabench.'));
    assert.deepEqual(
      mine.map((x) => x.title),
      ['Clear annotation', 'Change reason…', 'Show in Instances browser'],
    );
    const clear = mine[0]?.command;
    assert.ok(clear);
    await vscode.commands.executeCommand(clear.command, ...(clear.arguments ?? []));
    await diagnosticLines(uri, [a]);
    assert.equal(fs.readFileSync(sidecar, 'utf8').trim().split('\n').length, 3, 'the clear was appended');
    const undone = await vscode.commands.executeCommand<UndoOutcome>('agorabench.undoAnnotation', { resultsDir, datasetId });
    assert.equal(undone.written.length, 1);
    await diagnosticLines(uri, [a, b]);
  });

  it('annotates in bulk: several slots by argument, every selected line, and undo of the batch', async () => {
    const [a, b] = [valid[1] as number, valid[3] as number];
    const [c, d, e] = [valid[0] as number, valid[2] as number, valid[4] as number];
    const slot = (line: number) => (rows[line] as InstanceRow).slot;
    const bulk = await vscode.commands.executeCommand<Annotation[]>('agorabench.markBad', args([slot(c), slot(d), slot(e)], { reason: 'formatting' }));
    assert.equal(bulk.length, 3);
    assert.equal(new Set(bulk.map((x) => x.batch)).size, 1, 'one batch');
    await diagnosticLines(uri, [a, b, c, d, e].sort((x, y) => x - y));
    // multi-cursor: lines c and e (one of them a range ending at column 0 of the next line)
    const editor = await vscode.window.showTextDocument(uri);
    editor.selections = [new vscode.Selection(c, 2, c, 2), new vscode.Selection(e, 0, e + 1, 0)];
    const good = await vscode.commands.executeCommand<Annotation[]>('agorabench.markGood');
    assert.deepEqual(good.map((x) => x.slot).sort(), [slot(c), slot(e)].sort());
    await diagnosticLines(uri, [a, b, d].sort((x, y) => x - y));
    const latest = readAnnotations(path.dirname(sidecar)).latest;
    assert.equal(latest.get((rows[c] as InstanceRow).id)?.label, 'good');
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, new vscode.Range(0, 0, rows.length, 0));
    assert.match(labelOf(hints.find((h) => h.position.line === c) as vscode.InlayHint), /(^|· )good · Mark bad · Show in browser$/);
    assert.match(labelOf(hints.find((h) => h.position.line === d) as vscode.InlayHint), /(^|· )bad: formatting · Mark bad · /);
    await vscode.commands.executeCommand('agorabench.undoAnnotation');
    await diagnosticLines(uri, [a, b, c, d, e].sort((x, y) => x - y));
  });

  it('exports training data without exactly the samples annotated bad', async () => {
    const bad = [...readAnnotations(path.dirname(sidecar)).latest.values()].filter((a) => a.label === 'bad').map((a) => a.instance);
    assert.ok(bad.length >= 2, `some bad samples to leave out (${bad.length})`);
    const out = path.join(workspaceDir(), 'clean.jsonl');
    const outcome = await vscode.commands.executeCommand<ExportOutcome>('agorabench.exportTrainingData', { configFile: file, datasets: [datasetId], format: 'jsonl', out, overwrite: true });
    assert.equal(outcome.status, 'exported', JSON.stringify(outcome));
    if (outcome.status !== 'exported') return;
    const kept = new Set(outcome.manifest.instances.map((i) => i.id));
    const validIds = rows.filter((r) => r.status === 'valid').map((r) => r.id);
    assert.deepEqual(validIds.filter((id) => !kept.has(id)).sort(), [...bad].sort(), 'exactly the bad samples are missing');
    assert.equal(outcome.manifest.datasets[0]?.excludedBad, bad.length);
    assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, validIds.length - bad.length);
  });

  it('lights up a user\'s own JSONL file whose lines are stored instances, and never writes it', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    const [a, f] = [valid[1] as number, valid[5] as number];
    const fr = rows[f] as InstanceRow;
    // line 0: copied from the dataset document (bad); line 1: not JSON; line 2: the chat export format
    const content = [doc.lineAt(a).text, '{"instruction": "half a line', JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: fr.instruction }, { role: 'assistant', content: fr.response }] })].join('\n') + '\n';
    const file = path.join(workspaceDir(), 'my-cleaned-data.jsonl');
    fs.writeFileSync(file, content);
    const before = fs.readFileSync(file);
    const userUri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(userUri);
    const model = await vscode.commands.executeCommand<{ kind: string; datasets: string[]; malformed: number } | undefined>('agorabench._matchDocument', userUri);
    assert.deepEqual(model, { kind: 'user', datasets: [datasetId], malformed: 1 });
    const diags = await diagnosticLines(userUri, [0, 1]);
    const notJson = diags.find((d) => d.range.start.line === 1);
    assert.match(notJson?.message ?? '', /^line 2: not JSON: /);
    assert.equal(notJson?.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diags.find((d) => d.range.start.line === 0)?.message ?? '', /Incorrect answer/);
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', userUri, new vscode.Position(2, 5)));
    assert.ok(hover.includes(`\`${datasetId}\` · slot ${fr.slot} · valid`), hover);
    assert.ok(hover.includes(`(${fr.costUsd} USD)`), hover);
    // annotate from the user's file: the dataset's sidecar gets the line, the file stays as it was
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.toString(), userUri.toString());
    editor.selection = new vscode.Selection(2, 0, 2, 4);
    const written = await vscode.commands.executeCommand<Annotation[]>('agorabench.markGood');
    assert.deepEqual(
      written.map((x) => x.instance),
      [fr.id],
    );
    assert.equal(readAnnotations(path.dirname(sidecar)).latest.get(fr.id)?.label, 'good');
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', userUri, new vscode.Range(0, 0, 3, 0));
    assert.deepEqual(
      hints.map((h) => h.position.line),
      [0, 2],
    );
    assert.equal(editor.document.isDirty, false);
    assert.deepEqual(fs.readFileSync(file), before, 'the user file is byte for byte unchanged');
    await vscode.commands.executeCommand('agorabench.undoAnnotation');
    assert.equal(readAnnotations(path.dirname(sidecar)).latest.get(fr.id), undefined);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('shows the annotations again when the dataset document is reopened', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const expected = [valid[0], valid[1], valid[2], valid[3], valid[4]] as number[];
    const opened = await vscode.commands.executeCommand<OpenDatasetInEditorResult>('agorabench.openDatasetInEditor', { resultsDir, datasetId });
    assert.equal(opened.lines, rows.length);
    await diagnosticLines(vscode.Uri.parse(opened.uri), expected.sort((x, y) => x - y));
  });

  it('follows a run that adds instances to the open dataset', async () => {
    const expected = [valid[0], valid[1], valid[2], valid[3], valid[4]] as number[];
    writeFakeConfig({ name: 'it-annotate', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_IT_KEY', instances: 11 });
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    const now = (await new Results(resultsDir).page(datasetId, { limit: 500 })).rows;
    assert.ok(now.length > rows.length);
    const opened = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'agorabench-dataset');
    assert.ok(opened);
    await until(() => opened.lineCount === now.length, 20_000, `the document to show ${now.length} lines (now ${opened.lineCount})`);
    assert.equal((JSON.parse(opened.lineAt(now.length - 1).text) as { slot: number }).slot, now[now.length - 1]?.slot);
    await diagnosticLines(opened.uri, expected.sort((x, y) => x - y));
  });
});
