// Phase 2 of the restore suite, PGR part: VS Code restores the PGR Comparison panel through the
// extension's serializer, on the tab it was left on, computed again from disk.
import * as vscode from 'vscode';
import { activeExtension, until } from '../support/fixtures';
import { waitForWebviewText } from '../support/snapshots';

describe('window restore (2/2): PGR Comparison after a reload', () => {
  it('restores the PGR panel with its config and tab', async () => {
    await activeExtension();
    const isPgrTab = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('agorabench.pgr');
    await until(() => vscode.window.tabGroups.all.some((g) => g.tabs.some(isPgrTab)), 20_000, 'the PGR tab to be restored');
    // the grid tab's header and toggle are only visible when the saved tab came back
    await waitForWebviewText('restore-pgr-check', (t) => t.includes('PGR Comparison') && t.includes('no evaluation scores yet') && t.includes('instance generation') && t.includes('Paper rows'));
  });
});
