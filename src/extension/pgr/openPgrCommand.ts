// "AgoraBench: Open PGR Comparison": a config's PGR grid, charts, costs and metric analysis in a
// webview panel beside the config; restored after a window reload by the serializer below.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { isPgrTab, parsePgrPanelState, PGR_VIEW_TYPE, type PgrTab } from '../../protocol/pgrProtocol';
import { resolveConfigFile } from '../config/configFiles';
import type { Services } from '../services';
import { PgrPanels } from './pgrPanels';

export const OPEN_PGR_COMMAND = 'agorabench.openPgr';

/** Optional argument: which config (else the active editor's or a QuickPick) and which tab to show. */
export interface OpenPgrArgs {
  configFile?: string;
  tab?: PgrTab;
}

/** What the command returns (tests read it). */
export type OpenPgrOutcome = { status: 'opened'; configFile: string; panel: 'created' | 'revealed' } | { status: 'cancelled' };

/** Registers the command and the panel serializer; owns the open panels. */
export function registerOpenPgr(context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const panels = new PgrPanels(context.extensionUri, services.log);
  return vscode.Disposable.from(
    panels,
    vscode.commands.registerCommand(OPEN_PGR_COMMAND, async (arg?: unknown): Promise<OpenPgrOutcome> => {
      const configFile = await resolveConfigFile(arg, 'PGR of which config\'s run?');
      if (!configFile) return { status: 'cancelled' };
      const tab = typeof arg === 'object' && arg !== null && isPgrTab((arg as { tab?: unknown }).tab) ? (arg as { tab: PgrTab }).tab : undefined;
      return { status: 'opened', ...panels.show(configFile, tab) };
    }),
    vscode.window.registerWebviewPanelSerializer(PGR_VIEW_TYPE, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
        const state = parsePgrPanelState(raw);
        // saved before the webview knew its config, or the config is gone: nothing to show
        if (state && fs.existsSync(state.configFile)) panels.restore(panel, state.configFile);
        else panel.dispose();
        return Promise.resolve();
      },
    }),
  );
}
