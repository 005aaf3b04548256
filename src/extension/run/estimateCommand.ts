// "AgoraBench: Estimate Cost": requests, tokens and dollars per dataset before anything is spent,
// as a Markdown table beside the config (the same report as `agorabench estimate`), then "Run".
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage, estimateReport, estimateRun, priceUnknown, usd, type RunEstimate } from '../../core';
import { configScope } from '../config/configScope';
import type { Services } from '../services';
import type { RunArgs } from './runCommand';
import { stepDone } from '../walkthrough/walkthroughSteps';

export const ESTIMATE_COMMAND = 'agorabench.estimateCost';
const SCHEME = 'agorabench-estimate';

export interface EstimateResult {
  estimate: RunEstimate;
  /** The read-only document that shows the table. */
  uri: string;
  markdown: string;
}

export function registerEstimateCommand(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const docs = new EstimateDocs();
  return vscode.Disposable.from(
    docs,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs),
    vscode.commands.registerCommand(ESTIMATE_COMMAND, (arg?: RunArgs) => estimate(services, docs, arg)),
  );
}

/** The latest estimate of each config, served read-only (never a file the user has to discard). */
class EstimateDocs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

async function estimate(services: Services, docs: EstimateDocs, arg: RunArgs): Promise<EstimateResult | undefined> {
  const given = typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : undefined;
  const scope = await configScope(services, given ? given.configFile : arg, undefined, 'Estimate the cost of which config?');
  if (!scope) return undefined;
  const { config } = scope;
  let est: RunEstimate;
  try {
    // seeds may have to be downloaded first: say so while it happens
    est = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AgoraBench: estimating "${config.name}"…` }, () => estimateRun(config, given?.only));
  } catch (e) {
    const message = errorMessage(e);
    services.log.error(`estimating "${config.name}" failed: ${message}`);
    void vscode.window.showErrorMessage(`AgoraBench: could not estimate "${config.name}": ${message}`);
    return undefined;
  }
  const markdown = estimateMarkdown(config.name, scope.configFile, est);
  const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${config.name} estimate.md` });
  docs.set(uri, markdown);
  const shown = await vscode.commands.executeCommand('markdown.showPreviewToSide', uri).then(
    () => true,
    () => false,
  );
  // without the Markdown extension the table is still readable as text
  if (!shown) await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  const total = usd(est.costUsd, priceUnknown(est.datasets.map((d) => d.model), est.unpriced));
  const requests = est.datasets.reduce((n, d) => n + d.requests, 0);
  services.log.info(`estimate of "${config.name}": ${requests} requests, expected ${total}, upper bound ${usd(est.maxCostUsd)}`);
  void vscode.window.showInformationMessage(`AgoraBench: "${config.name}" is expected to cost ${total} for about ${requests.toLocaleString('en-US')} requests.`, 'Run').then((choice) => {
    if (choice) void vscode.commands.executeCommand('agorabench.run', { configFile: scope.configFile, only: given?.only });
  });
  stepDone('estimate');
  return { estimate: est, uri: uri.toString(), markdown };
}

/** The report as Markdown: one row per dataset, totals and assumptions below. */
export function estimateMarkdown(name: string, configFile: string, est: RunEstimate): string {
  const report = estimateReport(est);
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const numeric = report.header.map((_, i) => report.rows.length > 0 && report.rows.every((r) => /^[$\d.,-]+$/.test(r[i] ?? '')));
  return [
    `# Cost estimate: ${name}`,
    '',
    `Config: \`${path.basename(configFile)}\`. Nothing has been sent yet.`,
    '',
    `| ${report.header.map((h) => cell(h || 'mode')).join(' | ')} |`,
    `|${numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`,
    ...report.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}
