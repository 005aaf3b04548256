// "Open Dataset in Editor" and the annotation commands (Mark Bad / Mark Good / Clear / Undo) on the
// cursor line, every line of every selection, or an argument naming slots (bulk use, tests, quick
// fixes); plus the providers of ./lineFeatures on the dataset documents and matched user files.
// Every write goes through the engine's `annotate` / `undoLast` into the dataset's
// `annotations.jsonl`; nothing is written into a store or into a user's file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BAD_REASONS, Results, annotate, isBadReason, undoLast, type Annotation, type AnnotationLabel, type DatasetRow, type UndoOutcome } from '../../core';
import { configScope } from '../config/configScope';
import { formatUsd } from '../run/progressReporter';
import type { Services } from '../services';
import { DatasetDocs, datasetUri, type DatasetState } from './datasetDocs';
import { AnnotationCodeActions, AnnotationDiagnostics, Decorations, HoverProvider, InlayHints } from './lineFeatures';
import { DATASET_SCHEME, reasonLabel, selectedLines } from './lineModel';

export const OPEN_DATASET_IN_EDITOR = 'agorabench.openDatasetInEditor';
/** Context key: the active editor shows a dataset (virtual document or a matched file). */
export const ANNOTATABLE_CONTEXT = 'agorabench.annotatableEditor';

export interface OpenDatasetInEditorArgs {
  configFile?: string;
  resultsDir?: string;
  datasetId?: string;
}

export interface OpenDatasetInEditorResult {
  uri: string;
  datasetId: string;
  resultsDir: string;
  lines: number;
}

/** Programmatic use of the annotation commands: these slots of this dataset, no pickers for what is given. */
export interface AnnotateArgs {
  resultsDir: string;
  datasetId: string;
  slots?: number[];
  /** Several datasets at once (a scatter selection): one reason asked for all; `datasetId`/`slots` are then ignored. */
  parts?: Array<{ datasetId: string; slots: number[] }>;
  reason?: string;
  note?: string;
}

const selector: vscode.DocumentSelector = [{ scheme: DATASET_SCHEME }, { scheme: 'file', pattern: '**/*.{jsonl,ndjson}' }];

export function registerAnnotations(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const docs = new DatasetDocs(services);
  const hints = new InlayHints(docs);
  const decorations = new Decorations(docs);
  const diagnostics = new AnnotationDiagnostics(docs);
  const setContext = () => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    void vscode.commands.executeCommand('setContext', ANNOTATABLE_CONTEXT, !!uri && (uri.scheme === DATASET_SCHEME || !!docs.get(uri)));
  };
  const commands = new AnnotationCommands(services, docs);
  return vscode.Disposable.from(
    docs,
    hints,
    decorations,
    diagnostics,
    vscode.workspace.registerTextDocumentContentProvider(DATASET_SCHEME, docs),
    vscode.languages.registerHoverProvider(selector, new HoverProvider(docs)),
    vscode.languages.registerInlayHintsProvider(selector, hints),
    vscode.languages.registerCodeActionsProvider(selector, new AnnotationCodeActions(docs), { providedCodeActionKinds: AnnotationCodeActions.kinds }),
    docs.onDidChangeModel((doc) => {
      if (doc) diagnostics.refresh(doc);
      else diagnostics.refreshAll();
      hints.refresh();
      decorations.refresh();
      setContext();
    }),
    vscode.window.onDidChangeVisibleTextEditors(() => decorations.refresh()),
    vscode.window.onDidChangeActiveTextEditor(setContext),
    vscode.commands.registerCommand(OPEN_DATASET_IN_EDITOR, (arg?: OpenDatasetInEditorArgs | vscode.Uri) => openDatasetInEditor(services, docs, arg instanceof vscode.Uri ? { configFile: arg.fsPath } : (arg ?? {}))),
    vscode.commands.registerCommand('agorabench.markBad', (arg?: AnnotateArgs) => commands.mark('bad', arg)),
    vscode.commands.registerCommand('agorabench.markGood', (arg?: AnnotateArgs) => commands.mark('good', arg)),
    vscode.commands.registerCommand('agorabench.clearAnnotation', (arg?: AnnotateArgs) => commands.mark('clear', arg)),
    vscode.commands.registerCommand('agorabench.undoAnnotation', (arg?: AnnotateArgs) => commands.undo(arg)),
    // tests: wait until a user's file has been matched against the stores
    vscode.commands.registerCommand('agorabench._matchDocument', async (uri: vscode.Uri) => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc) await docs.analyseUser(doc);
      const model = docs.get(uri);
      return model ? { kind: model.kind, datasets: model.datasets.map((d) => d.datasetId), malformed: model.malformed.length } : undefined;
    }),
  );
}

async function openDatasetInEditor(services: Services, docs: DatasetDocs, arg: OpenDatasetInEditorArgs): Promise<OpenDatasetInEditorResult | undefined> {
  let resultsDir = arg.resultsDir;
  let run: string | undefined;
  if (!resultsDir) {
    const scope = await configScope(services, arg.configFile, undefined, 'Which config\'s dataset do you want to open?');
    if (!scope) return undefined;
    ({ resultsDir, run } = scope);
  }
  resultsDir = path.resolve(resultsDir);
  let datasets: DatasetRow[];
  try {
    datasets = await new Results(resultsDir).index.datasets(arg.datasetId ? undefined : run);
  } catch (e) {
    void vscode.window.showErrorMessage(`AgoraBench: cannot read ${resultsDir}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const row = arg.datasetId ? datasets.find((d) => d.id === arg.datasetId) : await pickDataset(datasets);
  if (!row) {
    if (arg.datasetId) void vscode.window.showErrorMessage(`AgoraBench: no dataset "${arg.datasetId}" in ${resultsDir}.`);
    else if (!datasets.length) void vscode.window.showInformationMessage(`AgoraBench: no datasets in ${resultsDir} yet. Run the benchmark first.`);
    return undefined;
  }
  const uri = datasetUri(resultsDir, row.id);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'jsonl' && (await vscode.languages.getLanguages()).includes('jsonl')) await vscode.languages.setTextDocumentLanguage(doc, 'jsonl');
  await vscode.window.showTextDocument(doc, { preview: false });
  return { uri: uri.toString(), datasetId: row.id, resultsDir, lines: docs.get(uri)?.map.lineCount ?? 0 };
}

async function pickDataset(datasets: DatasetRow[]): Promise<DatasetRow | undefined> {
  if (datasets.length <= 1) return datasets[0];
  const picked = await vscode.window.showQuickPick(
    datasets.map((d) => ({ label: `${d.generator} · ${d.setting}`, description: `${d.run} · ${d.status}`, detail: `${d.valid}/${d.target} valid, ${d.failed} failed, ${formatUsd(d.costUsd)}`, row: d })),
    { placeHolder: 'Which dataset?', matchOnDescription: true },
  );
  return picked?.row;
}

class AnnotationCommands {
  constructor(
    private readonly services: Services,
    private readonly docs: DatasetDocs,
  ) {}

  /** The slots to act on, per dataset: from the argument, else the active editor's selected lines. */
  private async targets(arg: AnnotateArgs | undefined, forUndo = false): Promise<Array<{ dataset: DatasetState; slots: number[] }> | undefined> {
    if (arg && typeof arg === 'object' && typeof arg.resultsDir === 'string' && Array.isArray(arg.parts)) {
      const out: Array<{ dataset: DatasetState; slots: number[] }> = [];
      for (const part of arg.parts) {
        const dataset = part && typeof part.datasetId === 'string' ? await this.docs.dataset(arg.resultsDir, part.datasetId) : undefined;
        if (!dataset) {
          void vscode.window.showErrorMessage(`AgoraBench: no dataset "${String(part?.datasetId)}" in ${arg.resultsDir}.`);
          return undefined;
        }
        const slots = Array.isArray(part.slots) ? part.slots.filter((s) => Number.isInteger(s)) : [];
        if (slots.length) out.push({ dataset, slots });
      }
      if (!out.length && !forUndo) {
        void vscode.window.showErrorMessage('AgoraBench: no slots given to annotate.');
        return undefined;
      }
      return out;
    }
    if (arg && typeof arg === 'object' && typeof arg.resultsDir === 'string' && typeof arg.datasetId === 'string') {
      const dataset = await this.docs.dataset(arg.resultsDir, arg.datasetId);
      if (!dataset) {
        void vscode.window.showErrorMessage(`AgoraBench: no dataset "${arg.datasetId}" in ${arg.resultsDir}.`);
        return undefined;
      }
      const slots = Array.isArray(arg.slots) ? arg.slots.filter((s) => Number.isInteger(s)) : [];
      if (!slots.length && !forUndo) {
        void vscode.window.showErrorMessage('AgoraBench: no slots given to annotate.');
        return undefined;
      }
      return [{ dataset, slots }];
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || !this.docs.get(editor.document.uri)) {
      void vscode.window.showWarningMessage('AgoraBench: open a dataset in the editor (AgoraBench: Open Dataset in Editor) or a JSONL file whose lines are stored instances.');
      return undefined;
    }
    const groups = new Map<DatasetState, number[]>();
    let failed = 0;
    for (const line of selectedLines(editor.selections)) {
      const t = this.docs.resolve(editor.document.uri, line);
      if (!t) continue;
      if (t.status === 'failed' && !forUndo) {
        failed++;
        continue;
      }
      groups.set(t.dataset, [...(groups.get(t.dataset) ?? []), t.slot]);
    }
    if (failed) void vscode.window.showInformationMessage(`AgoraBench: ${failed} failed slot(s) skipped: they have no content to annotate and are never exported.`);
    if (!groups.size) {
      if (!failed) void vscode.window.showWarningMessage('AgoraBench: the selected lines are not stored instances.');
      return undefined;
    }
    return [...groups].map(([dataset, slots]) => ({ dataset, slots }));
  }

  async mark(label: AnnotationLabel, arg?: AnnotateArgs): Promise<Annotation[] | undefined> {
    const targets = await this.targets(arg);
    if (!targets) return undefined;
    let reason: string | undefined;
    let note: string | undefined = typeof arg?.note === 'string' ? arg.note : undefined;
    if (label === 'bad') {
      reason = typeof arg?.reason === 'string' ? arg.reason : undefined;
      if (reason === undefined) {
        const count = targets.reduce((n, t) => n + t.slots.length, 0);
        const picked = await vscode.window.showQuickPick(
          BAD_REASONS.map((r) => ({ label: r.label, description: r.id, id: r.id })),
          { placeHolder: `Why ${count === 1 ? 'is this sample' : `are these ${count} samples`} bad?` },
        );
        if (!picked) return undefined;
        reason = picked.id;
        if (note === undefined) {
          note = await vscode.window.showInputBox({ prompt: `Note for "${reasonLabel(reason)}" (optional)`, placeHolder: 'what is wrong' });
          if (note === undefined) return undefined;
        }
      } else if (!isBadReason(reason)) {
        void vscode.window.showErrorMessage(`AgoraBench: unknown reason "${reason}"; one of ${BAD_REASONS.map((r) => r.id).join(', ')}.`);
        return undefined;
      }
    }
    const written: Annotation[] = [];
    for (const t of targets) {
      try {
        written.push(...(await annotate(t.dataset.resultsDir, t.dataset.datasetId, { slots: t.slots, label, ...(reason ? { reason } : {}), ...(note ? { note } : {}) })));
      } catch (e) {
        void vscode.window.showErrorMessage(`AgoraBench: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        this.docs.annotationsChanged(t.dataset, true);
      }
    }
    if (written.length) this.services.log.info(`annotated ${written.length} instance(s) ${label}${reason ? ` (${reason})` : ''}`);
    return written;
  }

  async undo(arg?: AnnotateArgs): Promise<UndoOutcome | undefined> {
    let dataset: DatasetState | undefined;
    if (arg && typeof arg.resultsDir === 'string' && typeof arg.datasetId === 'string') dataset = await this.docs.dataset(arg.resultsDir, arg.datasetId);
    else {
      const editor = vscode.window.activeTextEditor;
      const doc = editor ? this.docs.get(editor.document.uri) : undefined;
      dataset = (editor && this.docs.resolve(editor.document.uri, editor.selection.active.line)?.dataset) ?? doc?.datasets[0];
    }
    if (!dataset) {
      void vscode.window.showWarningMessage('AgoraBench: open a dataset in the editor to undo its last annotation.');
      return undefined;
    }
    try {
      const out = undoLast(dataset.dir);
      if (!out) void vscode.window.showInformationMessage(`AgoraBench: nothing of yours to undo in ${dataset.datasetId}.`);
      return out;
    } catch (e) {
      void vscode.window.showErrorMessage(`AgoraBench: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    } finally {
      this.docs.annotationsChanged(dataset, true);
    }
  }
}
