// "AgoraBench: Export Training Data": a run's datasets as a trainer's JSONL file with its manifest.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXCLUDE_CATEGORIES, EXPORT_FORMATS, EXPORT_FORMAT_INFO, Results, errorMessage, exportTrainingData, loadConfig, parseSettingKey, type ExcludeCategory, type ExportFormat, type ExportManifest } from '../../core';
import { resolveConfigFile } from '../config/configFiles';
import type { Services } from '../services';

export const EXPORT_COMMAND = 'agorabench.exportTrainingData';

/** Arguments a caller (or a test) may give instead of answering the pickers. */
export interface ExportArgs {
  configFile?: string;
  datasets?: string[];
  format?: ExportFormat;
  /** What to leave out besides failed instances (default: the samples annotated bad). */
  exclude?: ExcludeCategory[];
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
        EXPORT_FORMATS.map((f) => ({ label: f, description: EXPORT_FORMAT_INFO[f] })),
        { title: 'Format' },
      ))?.label as ExportFormat | undefined);
    if (!format) return { status: 'cancelled' };
    // a caller that named the format (a test, another command) gets the default without a picker
    const exclude =
      args.exclude ??
      (args.format ? (['bad'] as ExcludeCategory[]) : undefined) ??
      (
        await vscode.window.showQuickPick(
          EXCLUDE_CATEGORIES.filter((c) => c !== 'failed').map((c) => ({
            label: c,
            description: c === 'bad' ? 'samples annotated bad (Mark as Bad, agorabench annotate)' : 'near-duplicate instructions found by Compute Metrics (the first of each group is kept)',
            picked: c === 'bad',
          })),
          { canPickMany: true, title: 'Leave out (failed instances always are)' },
        )
      )?.map((p) => p.label as ExcludeCategory);
    if (!exclude) return { status: 'cancelled' };
    const out =
      args.out ??
      (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(path.dirname(configFile), `${config.name}-${format}.jsonl`)), filters: { 'JSON Lines': ['jsonl'] } }))?.fsPath;
    if (!out) return { status: 'cancelled' };
    const manifest = await exportTrainingData(results, datasets, out, { format, systemPrompt: config.training.systemPrompt, overwrite: args.overwrite, excludeCategories: exclude });
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
