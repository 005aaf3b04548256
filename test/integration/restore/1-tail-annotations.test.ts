// Phase 1 of the restore suite, annotations part (runs after 1-open made the run): mark a sample
// bad and leave the dataset open in the editor with its diagnostic.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results, type Annotation } from '../../../src/core';
import type { OpenDatasetInEditorResult } from '../../../src/extension/annotations/registerAnnotations';
import { activeExtension, until, workspaceDir } from '../support/fixtures';
import { RESTORE_DATASET } from '../support/restoreFixture';

describe('window restore (1/2): annotations before a reload', () => {
  it('marks a sample bad in the dataset document', async () => {
    await activeExtension();
    const resultsDir = path.join(workspaceDir(), '.agorabench');
    const { rows } = await new Results(resultsDir).page(RESTORE_DATASET, { limit: 10 });
    const line = rows.findIndex((r) => r.status === 'valid');
    assert.ok(line >= 0, 'a valid instance');
    const opened = await vscode.commands.executeCommand<OpenDatasetInEditorResult>('agorabench.openDatasetInEditor', { resultsDir, datasetId: RESTORE_DATASET });
    const written = await vscode.commands.executeCommand<Annotation[]>('agorabench.markBad', { resultsDir, datasetId: RESTORE_DATASET, slots: [rows[line]?.slot], reason: 'hallucination', note: 'kept across a reload' });
    assert.equal(written.length, 1);
    const uri = vscode.Uri.parse(opened.uri);
    await until(() => vscode.languages.getDiagnostics(uri).some((d) => d.range.start.line === line && /Hallucination/.test(d.message)), 10_000, 'the diagnostic');
  });
});
