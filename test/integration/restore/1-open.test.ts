// Phase 1 of the restore suite: run a small benchmark and leave its Instances panel open.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Results } from '../../../src/core';
import type { OpenInstancesResult } from '../../../src/extension/instances/openInstancesCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import { startFakeServer } from '../../fake-server';
import { activeExtension, writeFakeConfig } from '../support/fixtures';
import { RESTORE_DATASET, RESTORE_RUN, RESTORE_SLOT, tableHead } from '../support/restoreFixture';
import { waitForWebviewText } from '../support/snapshots';

describe('window restore (1/2): before a reload', () => {
  it('opens the Instances panel of a finished run', async () => {
    await activeExtension();
    const server = await startFakeServer({});
    try {
      await vscode.commands.executeCommand('agorabench.setApiKey', { envVar: 'AGORABENCH_RESTORE_KEY', value: 'sk-restore' });
      const file = writeFakeConfig({ name: RESTORE_RUN, baseURL: server.openaiBaseURL, apiKeyEnv: 'AGORABENCH_RESTORE_KEY', instances: 5 });
      const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
      assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
      if (outcome.status !== 'finished') return;
      // opened with a selected slot, whose detail shows beside the table
      const opened = await vscode.commands.executeCommand<OpenInstancesResult>('agorabench.openInstances', { configFile: file, datasetId: RESTORE_DATASET, reveal: RESTORE_SLOT });
      assert.equal(opened?.datasetId, RESTORE_DATASET);
      const { rows } = await new Results(outcome.summary.resultsDir).page(RESTORE_DATASET, { limit: 10 });
      // the rows and the detail are on screen, so the webview has saved its state (dataset, query, selection)
      await waitForWebviewText('restore-open', (t) => rows.every((r) => t.includes(tableHead(r.instruction))) && new RegExp(`Slot ${RESTORE_SLOT}\\b`).test(t));
    } finally {
      await server.close();
    }
  });
});
