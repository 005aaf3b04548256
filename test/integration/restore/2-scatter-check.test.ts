// Phase 2 of the restore suite, after the window reloaded: VS Code restores the Metric Scatter
// panel through its WebviewPanelSerializer, and the extension adopts it (opening again reveals it).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenScatterResult } from '../../../src/extension/scatter/openScatterCommand';
import { activeExtension, until, workspaceDir } from '../support/fixtures';
import { RESTORE_RUN } from '../support/restoreFixture';
import { waitForWebviewText } from '../support/snapshots';

describe('window restore (2/2): the Metric Scatter panel after a reload', () => {
  it('restores the scatter panel with the same run and plots it again', async () => {
    await activeExtension();
    const isScatterTab = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('agorabench.scatter');
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(isScatterTab);
    await until(() => tabs().length > 0, 20_000, 'the scatter tab to be restored');
    const text = await waitForWebviewText('restore-scatter-check', (t) => /\d+ instances · drawn in \d+ ms/.test(t) && t.includes('fake'));
    assert.match(text, new RegExp(`run ${RESTORE_RUN}`));
    const again = await vscode.commands.executeCommand<OpenScatterResult>('agorabench.openScatter', { configFile: path.join(workspaceDir(), `${RESTORE_RUN}.agorabench.json`) });
    assert.equal(again?.created, false, 'the restored panel is the one the command reveals');
    assert.equal(tabs().length, 1);
  });
});
