// The extension activates by itself in a folder with a *.agorabench.json and registers its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension } from '../support/fixtures';

describe('activation', () => {
  it('activates on workspaceContains:**/*.agorabench.json in a trusted workspace', async () => {
    assert.equal(vscode.workspace.isTrusted, true);
    const ext = await activeExtension();
    assert.ok(ext.isActive);
  });

  it('registers every command of the manifest', async () => {
    const ext = await activeExtension();
    const declared = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of ['agorabench.run', 'agorabench.openInstances', 'agorabench.setApiKey', ...declared]) assert.ok(registered.has(c), `${c} is registered`);
  });
});
