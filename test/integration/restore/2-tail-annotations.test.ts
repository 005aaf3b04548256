// Phase 2 of the restore suite, annotations part: after the reload the sample is still bad, with
// its diagnostic on its line of the dataset document.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results } from '../../../src/core';
import type { OpenDatasetInEditorResult } from '../../../src/extension/annotations/registerAnnotations';
import { activeExtension, until, workspaceDir } from '../support/fixtures';
import { RESTORE_DATASET } from '../support/restoreFixture';

describe('window restore (2/2): annotations after a reload', () => {
  it('shows the bad sample again in the dataset document', async () => {
    await activeExtension();
    const resultsDir = path.join(workspaceDir(), '.agorabench');
    const { rows } = await new Results(resultsDir).page(RESTORE_DATASET, { limit: 10 });
    const line = rows.findIndex((r) => r.status === 'valid');
    const opened = await vscode.commands.executeCommand<OpenDatasetInEditorResult>('agorabench.openDatasetInEditor', { resultsDir, datasetId: RESTORE_DATASET });
    const uri = vscode.Uri.parse(opened.uri);
    await until(() => vscode.languages.getDiagnostics(uri).some((d) => d.range.start.line === line && /Hallucination — kept across a reload/.test(d.message)), 15_000, 'the diagnostic after the reload');
  });
});
