// Phase 1 of the restore suite, PGR part: leave a PGR Comparison panel open on its grid tab (the
// run of 1-open has datasets but no scores yet, so the panel names what is missing).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenPgrOutcome } from '../../../src/extension/pgr/openPgrCommand';
import { activeExtension, workspaceDir } from '../support/fixtures';
import { RESTORE_RUN } from '../support/restoreFixture';
import { waitForWebviewText } from '../support/snapshots';

describe('window restore (1/2): PGR Comparison before a reload', () => {
  it('opens the PGR panel of the run on its grid tab', async () => {
    await activeExtension();
    const file = path.join(workspaceDir(), `${RESTORE_RUN}.agorabench.json`);
    const opened = await vscode.commands.executeCommand<OpenPgrOutcome>('agorabench.openPgr', { configFile: file, tab: 'grid' });
    assert.equal(opened.status, 'opened', JSON.stringify(opened));
    // on screen with the grid: the webview has saved its state (config, tab)
    await waitForWebviewText('restore-pgr-open', (t) => t.includes('PGR Comparison') && t.includes('no evaluation scores yet') && t.includes('instance generation'));
  });
});
