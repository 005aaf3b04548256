// The one services object every feature receives: created once in activate, no hidden singletons.
import * as vscode from 'vscode';
import { BrowseClient } from '../core/browse/browseClient';
import { ConfigDiagnostics } from './config/configDiagnostics';
import { InstancesPanels } from './instances/instancesPanels';
import { RunRegistry } from './jobs/jobRegistry';
import { KeyStore } from './secrets/keyStore';

export interface Services {
  readonly extensionUri: vscode.Uri;
  /** The "AgoraBench" Output channel. Never log keys. */
  readonly log: vscode.LogOutputChannel;
  readonly keys: KeyStore;
  readonly diagnostics: ConfigDiagnostics;
  readonly runs: RunRegistry;
  readonly panels: InstancesPanels;
  /** The browse worker thread: reads large stores for the panels off the main thread. */
  readonly browse: BrowseClient;
}

/** Builds the services; each one that holds resources is disposed with the extension. */
export function createServices(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('AgoraBench', { log: true });
  const keys = new KeyStore(context.secrets, process.env, context.globalState);
  const diagnostics = new ConfigDiagnostics(keys);
  const runs = new RunRegistry();
  const browse = new BrowseClient();
  const panels = new InstancesPanels(context.extensionUri, log, browse, runs);
  context.subscriptions.push(log, diagnostics, runs, panels, { dispose: () => void browse.dispose() });
  return { extensionUri: context.extensionUri, log, keys, diagnostics, runs, panels, browse };
}
