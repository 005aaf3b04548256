// "AgoraBench: Export Training Data": a run's datasets as a trainer's JSONL file with its manifest.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPORT_FORMATS, Results, errorMessage, exportTrainingData, loadConfig, parseSettingKey, type ExportFormat, type ExportManifest } from '../../core';
import { resolveConfigFile } from '../config/configFiles';
import type { Services } from '../services';

export const EXPORT_COMMAND = 'agorabench.exportTrainingData';

/** Arguments a caller (or a test) may give instead of answering the pickers. */
export interface ExportArgs {
  configFile?: string;
  datasets?: string[];
  format?: ExportFormat;
  out?: string;
  overwrite?: boolean;
}

export type ExportOutcome = { status: 'exported'; manifest: ExportManifest } | { status: 'cancelled' } | { status: 'error'; message: string };

export function registerExportCommand(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(EXPORT_COMMAND, (arg?: unknown) => exportData(services, arg));
}

async function exportData(services: Services, arg: unknown): Promise<ExportOutcome> {
  const args: ExportArgs = typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? (arg as ExportArgs) : {};
  const configFile = await resolveConfigFile(args.configFile ?? arg, 'Which config\'s datasets?');
  if (!configFile) return { status: 'cancelled' };
  try {
    const config = loadConfig(configFile);
    const results = new Results(config.resultsDir);
    const rows = (await results.index.datasets(config.name)).filter((d) => parseSettingKey(d.setting) && d.valid > 0);
    if (!rows.length) {
      void vscode.window.showWarningMessage(`AgoraBench: run "${config.name}" has no generated instances to export yet.`);
      return { status: 'cancelled' };
    }
    const datasets =
      args.datasets ??
      (
        await vscode.window.showQuickPick(
          rows.map((d) => ({ label: `${d.generator} · ${d.setting}`, description: `${d.valid} valid, ${d.failed} failed`, id: d.id })),
          { canPickMany: true, title: 'Datasets to export (in this order)' },
        )
      )?.map((p) => p.id);
    if (!datasets?.length) return { status: 'cancelled' };
    const format =
      args.format ??
      ((await vscode.window.showQuickPick(
        EXPORT_FORMATS.map((f) => ({ label: f, description: f === 'chat' ? '{"messages": […]} — OpenAI fine-tuning, axolotl, TRL' : f === 'alpaca' ? '{"instruction", "input", "output"}' : '{"prompt", "completion"} in the Llama-3 template, loss on the response' })),
        { title: 'Format' },
      ))?.label as ExportFormat | undefined);
    if (!format) return { status: 'cancelled' };
    const out =
      args.out ??
      (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(path.dirname(configFile), `${config.name}-${format}.jsonl`)), filters: { 'JSON Lines': ['jsonl'] } }))?.fsPath;
    if (!out) return { status: 'cancelled' };
    const manifest = await exportTrainingData(results, datasets, out, { format, systemPrompt: config.training.systemPrompt, overwrite: args.overwrite });
    services.log.info(`exported ${manifest.lines} instances of ${datasets.join(', ')} to ${out} (sha256 ${manifest.sha256})`);
    void vscode.window.showInformationMessage(`AgoraBench: ${manifest.lines} instances written to ${path.basename(out)} (manifest beside it).`, 'Open').then((c) => c && vscode.window.showTextDocument(vscode.Uri.file(out)));
    return { status: 'exported', manifest };
  } catch (e) {
    const message = errorMessage(e);
    services.log.error(`export failed: ${message}`);
    void vscode.window.showErrorMessage(`AgoraBench: export failed: ${message}`);
    return { status: 'error', message };
  }
}
