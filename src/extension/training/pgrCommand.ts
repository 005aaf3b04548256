// "AgoraBench: Compute PGR": the run's PGR grid (generators × settings, 95 % intervals) in a
// read-only document beside the config, and in the Output channel.
import * as vscode from 'vscode';
import { computePgr, errorMessage, loadConfig, runPgrInputs, type PgrReport } from '../../core';
import { pgrGridText } from '../../cli/pgrTable';
import { resolveConfigFile } from '../config/configFiles';
import type { Services } from '../services';

export const PGR_COMMAND = 'agorabench.computePgr';

export type PgrOutcome = { status: 'computed'; report: PgrReport; notes: string[]; text: string } | { status: 'cancelled' } | { status: 'error'; message: string };

export function registerPgrCommand(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(PGR_COMMAND, (arg?: unknown) => pgr(services, arg));
}

async function pgr(services: Services, arg: unknown): Promise<PgrOutcome> {
  const configFile = await resolveConfigFile(arg, 'PGR of which config\'s run?');
  if (!configFile) return { status: 'cancelled' };
  try {
    const config = loadConfig(configFile);
    const { inputs, notes } = await runPgrInputs(config);
    const report = computePgr(inputs);
    const text = `PGR of "${config.name}" (95 % bootstrap intervals, ${report.rounds} rounds)\n\n${pgrGridText(report, { reference: true })}\n${notes.map((n) => `note: ${n}\n`).join('')}`;
    services.log.info(text);
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    return { status: 'computed', report, notes, text };
  } catch (e) {
    const message = errorMessage(e);
    services.log.error(`PGR failed: ${message}`);
    void vscode.window.showErrorMessage(`AgoraBench: ${message}`);
    return { status: 'error', message };
  }
}
