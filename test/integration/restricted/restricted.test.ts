// In Restricted Mode the extension activates (limited support) but refuses to run anything.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import { activeExtension, workspaceDir } from '../support/fixtures';

describe('Restricted Mode', () => {
  it('opens the folder untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still activates (untrustedWorkspaces: limited)', async () => {
    assert.ok((await activeExtension()).isActive);
  });

  it('refuses to run a benchmark and writes nothing', async () => {
    const file = path.join(workspaceDir(), 'smoke.agorabench.json');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.deepEqual(outcome, { status: 'restricted' });
    assert.equal(fs.existsSync(path.join(workspaceDir(), '.agorabench')), false);
  });

  it('refuses to evaluate models or launch training (a config could run any command or send keys anywhere)', async () => {
    const file = path.join(workspaceDir(), 'smoke.agorabench.json');
    for (const command of ['agorabench.evaluate', 'agorabench.trainStudents', 'agorabench.computeMetrics']) {
      assert.deepEqual(await vscode.commands.executeCommand<RunOutcome>(command, file), { status: 'restricted' }, command);
    }
    assert.equal(fs.existsSync(path.join(workspaceDir(), '.agorabench')), false);
  });
});
