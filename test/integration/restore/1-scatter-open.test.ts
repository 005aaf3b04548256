// Phase 1 of the restore suite, after 1-open: the restore run's metrics (lexical, no API) in a
// Metric Scatter panel that is left open for the reload.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MetricsOutcome } from '../../../src/extension/metrics/metricsCommand';
import type { OpenScatterResult } from '../../../src/extension/scatter/openScatterCommand';
import { activeExtension, workspaceDir } from '../support/fixtures';
import { RESTORE_RUN } from '../support/restoreFixture';
import { waitForWebviewText } from '../support/snapshots';

describe('window restore (1/2): the Metric Scatter panel before a reload', () => {
  it('opens the scatter of the restore run once its metrics exist', async () => {
    await activeExtension();
    const file = path.join(workspaceDir(), `${RESTORE_RUN}.agorabench.json`);
    const metrics = await vscode.commands.executeCommand<MetricsOutcome>('agorabench.computeMetrics', file);
    assert.equal(metrics.status, 'computed', JSON.stringify(metrics));
    const opened = await vscode.commands.executeCommand<OpenScatterResult>('agorabench.openScatter', { configFile: file });
    assert.equal(opened?.run, RESTORE_RUN);
    // points on screen: the webview has saved its state (results folder, run, axes)
    await waitForWebviewText('restore-scatter-open', (t) => /\d+ instances · drawn in \d+ ms/.test(t) && t.includes('fake'));
  });
});
