// Phase 2 of the restore suite, after the window reloaded: VS Code restores the Instances panel
// through the extension's WebviewPanelSerializer, which reads the dataset from disk again.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results } from '../../../src/core';
import { activeExtension, until, workspaceDir } from '../support/fixtures';
import { RESTORE_DATASET, RESTORE_SLOT, tableHead } from '../support/restoreFixture';
import { waitForWebviewText } from '../support/snapshots';

describe('window restore (2/2): after a reload', () => {
  it('restores the Instances panel with the same dataset and the selected slot', async () => {
    await activeExtension();
    const isInstancesTab = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('agorabench.instances');
    await until(() => vscode.window.tabGroups.all.some((g) => g.tabs.some(isInstancesTab)), 20_000, 'the Instances tab to be restored');
    const { rows } = await new Results(path.join(workspaceDir(), '.agorabench')).page(RESTORE_DATASET, { limit: 10 });
    assert.equal(rows.length, 5);
    await waitForWebviewText('restore-check', (t) => /fake · instance_generation\.math/.test(t) && rows.every((r) => t.includes(tableHead(r.instruction))) && new RegExp(`Slot ${RESTORE_SLOT}\\b`).test(t));
  });
});
