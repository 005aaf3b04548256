// The "Runs" tree of the AgoraBench view container: config → run → generator → dataset.
// Everything a level shows is read once per results folder and cached until the folder or the
// config files change (`invalidate`), so expanding and repainting never touch the disk.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ConfigError, Results, annotationCounts, errorMessage, loadConfig, type DatasetMetricRow, type DatasetRow, type EvaluationRow, type RunRow } from '../../core';
import type { PgrDataView } from '../../protocol/pgrProtocol';
import { stepDone } from '../walkthrough/walkthroughSteps';
import { firstProblem } from '../config/configDiagnostics';
import { CONFIG_GLOB } from '../config/configFiles';

const EXCLUDE = '{**/node_modules/**,**/.agorabench/**}';

export interface ConfigNode {
  readonly kind: 'config';
  readonly configFile: string;
  /** The config's run name, when it could be read. */
  readonly name?: string;
  readonly resultsDir?: string;
  readonly error?: string;
}

export interface RunNode {
  readonly kind: 'run';
  readonly configFile: string;
  readonly resultsDir: string;
  /** Run name: what `agorabench.openScatter` and `agorabench.openInstances` take as `run`. */
  readonly run: string;
  readonly row: RunRow;
  readonly datasets: readonly DatasetRow[];
}

export interface GeneratorNode {
  readonly kind: 'generator';
  readonly configFile: string;
  readonly resultsDir: string;
  readonly run: string;
  readonly generator: string;
  readonly datasets: readonly DatasetRow[];
}

export interface DatasetNode {
  readonly kind: 'dataset';
  readonly configFile: string;
  /** With `datasetId`: what `agorabench.openInstances` / `agorabench.openDatasetInEditor` take. */
  readonly resultsDir: string;
  readonly datasetId: string;
  readonly run: string;
  readonly row: DatasetRow;
}

export type RunsNode = ConfigNode | RunNode | GeneratorNode | DatasetNode;

/** What one results folder holds, read in one go. */
interface ResultsSnapshot {
  runs: RunRow[];
  datasets: Map<string, DatasetRow[]>;
  metrics: Map<string, DatasetMetricRow[]>;
  bad: Map<string, number>;
  /** Evaluation scores by run. */
  evaluations: Map<string, EvaluationRow[]>;
  error?: string;
}

/** PGR of a config's run, computed off the main thread (the PGR panel's own computation). */
export type PgrSource = (configFile: string) => Promise<PgrDataView>;

/** Bootstrap rounds for the tree's figures: the point estimates do not depend on them; the panel shows the intervals. */
export const TREE_PGR_ROUNDS = 200;

/** A tree item as the tests see it (`agorabench._runsTree`). */
export interface RunsTreeItemJson {
  kind: RunsNode['kind'];
  label: string;
  description: string;
  icon: string;
  contextValue: string;
  tooltip: string;
  children?: RunsTreeItemJson[];
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private configs: Promise<ConfigNode[]> | undefined;
  private readonly snapshots = new Map<string, Promise<ResultsSnapshot>>();
  /** PGR per config file (with the results folder it reads), until that folder changes. */
  private readonly pgr = new Map<string, { resultsDir: string; data: Promise<PgrDataView | undefined> }>();

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly pgrSource?: PgrSource,
  ) {}

  /** Forgets what was read (everything, or one results folder) and repaints the tree. */
  invalidate(scope?: { resultsDir?: string; configs?: boolean }): void {
    if (!scope) {
      this.configs = undefined;
      this.snapshots.clear();
      this.pgr.clear();
    } else {
      if (scope.configs) {
        this.configs = undefined;
        this.pgr.clear();
      }
      if (scope.resultsDir) {
        const dir = path.resolve(scope.resultsDir);
        this.snapshots.delete(dir);
        // new scores or datasets change the PGR of the configs writing there (a run elsewhere does not)
        for (const [file, p] of this.pgr) if (p.resultsDir === dir) this.pgr.delete(file);
      }
    }
    this.changed.fire(undefined);
  }

  /** The results folders of the workspace's configs (what the watchers follow). */
  async resultsDirs(): Promise<string[]> {
    const configs = await this.configNodes();
    return [...new Set(configs.flatMap((c) => (c.resultsDir ? [c.resultsDir] : [])))];
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (!node) return this.configNodes();
    if (node.kind === 'config') {
      if (!node.resultsDir) return [];
      const snap = await this.snapshot(node.resultsDir);
      if (snap.runs.length) stepDone('results');
      const file = path.resolve(node.configFile);
      return snap.runs
        .filter((r) => path.resolve(r.configFile) === file || r.name === node.name)
        .map((r) => ({ kind: 'run', configFile: node.configFile, resultsDir: node.resultsDir ?? '', run: r.name, row: r, datasets: snap.datasets.get(r.name) ?? [] }));
    }
    if (node.kind === 'run') {
      const byGenerator = new Map<string, DatasetRow[]>();
      for (const d of node.datasets) byGenerator.set(d.generator, [...(byGenerator.get(d.generator) ?? []), d]);
      return [...byGenerator].map(([generator, datasets]) => ({ kind: 'generator', configFile: node.configFile, resultsDir: node.resultsDir, run: node.run, generator, datasets }));
    }
    if (node.kind === 'generator') {
      return node.datasets.map((row) => ({ kind: 'dataset', configFile: node.configFile, resultsDir: node.resultsDir, datasetId: row.id, run: node.run, row }));
    }
    return [];
  }

  async getTreeItem(node: RunsNode): Promise<vscode.TreeItem> {
    switch (node.kind) {
      case 'config': {
        const item = new vscode.TreeItem(node.name ?? path.basename(node.configFile), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `config:${node.configFile}`;
        item.description = vscode.workspace.asRelativePath(node.configFile);
        item.resourceUri = vscode.Uri.file(node.configFile);
        item.iconPath = node.error ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('settings-gear');
        item.tooltip = new vscode.MarkdownString(node.error ? `**${path.basename(node.configFile)}**\n\n${node.error}` : `**${node.name ?? ''}**\n\n${node.configFile}\n\nresults: ${node.resultsDir ?? ''}`);
        item.contextValue = 'agorabench.config';
        item.command = { command: 'vscode.open', title: 'Open Config', arguments: [vscode.Uri.file(node.configFile)] };
        if (node.resultsDir) {
          const snap = await this.snapshot(node.resultsDir);
          if (snap.error) item.tooltip.appendMarkdown(`\n\n$(warning) ${snap.error}`);
        }
        return item;
      }
      case 'run': {
        const t = totals(node.datasets);
        const item = new vscode.TreeItem(node.run, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `run:${node.resultsDir}:${node.run}`;
        const scores = (await this.snapshot(node.resultsDir)).evaluations.get(node.run) ?? [];
        item.description = `${node.row.status} · ${counts(t)}${scores.length ? ` · ${scores.length} score${scores.length === 1 ? '' : 's'}` : ''}`;
        item.iconPath = runIcon(node.row.status);
        item.contextValue = 'agorabench.run';
        const md = new vscode.MarkdownString(`**Run ${node.run}** — ${node.row.status}\n\n`);
        md.appendMarkdown(`- datasets: ${node.datasets.length}\n- valid: ${t.valid} / ${t.target}\n- failed: ${t.failed}\n- cost: ${usd(t.cost)}\n`);
        md.appendMarkdown(`- started: ${node.row.createdAt}\n- updated: ${node.row.updatedAt}\n- results: ${node.resultsDir}\n`);
        if (scores.length) {
          md.appendMarkdown('\n**Evaluation scores**\n\n');
          for (const s of scores) md.appendMarkdown(`- ${s.model}${s.role ? ` (${s.role})` : ''} · ${s.benchmark}: ${s.score.toFixed(1)}\n`);
        }
        item.tooltip = md;
        return item;
      }
      case 'generator': {
        const t = totals(node.datasets);
        const item = new vscode.TreeItem(node.generator, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `generator:${node.resultsDir}:${node.run}:${node.generator}`;
        const model = node.datasets[0]?.model ?? '';
        const pgr = (await this.pgrOf(node))?.generators.find((g) => g.id === node.generator);
        const avg = pgr?.avgPgr !== null && pgr?.avgPgr !== undefined ? ` · PGR ${pgr.avgPgr.toFixed(1)}%` : '';
        item.description = `${model && model !== node.generator ? `${model} · ` : ''}${counts(t)}${avg}`;
        item.iconPath = datasetIcon(aggregateStatus(node.datasets));
        item.contextValue = 'agorabench.generator';
        item.tooltip = new vscode.MarkdownString(`**${node.generator}** (${model})\n\n- datasets: ${node.datasets.length}\n- valid: ${t.valid} / ${t.target}\n- failed: ${t.failed}\n- cost: ${usd(t.cost)}\n`);
        return item;
      }
      case 'dataset': {
        const d = node.row;
        const snap = await this.snapshot(node.resultsDir);
        const item = new vscode.TreeItem(d.setting, vscode.TreeItemCollapsibleState.None);
        item.id = `dataset:${node.resultsDir}:${d.id}`;
        item.description = counts({ valid: d.valid, target: d.target, failed: d.failed, cost: d.costUsd });
        item.iconPath = datasetIcon(d.status);
        item.contextValue = 'agorabench.dataset';
        const gen = (await this.pgrOf(node))?.generators.find((g) => g.id === d.generator);
        const cell = gen?.cells.find((c) => c.column === d.setting);
        item.tooltip = datasetTooltip(d, snap.metrics.get(d.id) ?? [], snap.bad.get(d.id) ?? 0, cell?.pgr ?? null);
        if (cell?.pgr !== null && cell?.pgr !== undefined) item.description = `${String(item.description)} · PGR ${cell.pgr.toFixed(1)}%`;
        item.command = { command: 'agorabench.openInstances', title: 'Open Instances', arguments: [{ resultsDir: node.resultsDir, datasetId: d.id }] };
        return item;
      }
    }
  }

  /** The whole tree as plain data (tests). */
  async toJson(node?: RunsNode): Promise<RunsTreeItemJson[]> {
    const out: RunsTreeItemJson[] = [];
    for (const child of await this.getChildren(node)) {
      const item = await this.getTreeItem(child);
      const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '';
      const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      const json: RunsTreeItemJson = { kind: child.kind, label, description: String(item.description ?? ''), icon, contextValue: item.contextValue ?? '', tooltip };
      if (child.kind !== 'dataset') json.children = await this.toJson(child);
      out.push(json);
    }
    return out;
  }

  private configNodes(): Promise<ConfigNode[]> {
    this.configs ??= (async () => {
      const files = await vscode.workspace.findFiles(CONFIG_GLOB, EXCLUDE, 200);
      const nodes = files.map((f): ConfigNode => {
        try {
          const config = loadConfig(f.fsPath);
          return { kind: 'config', configFile: f.fsPath, name: config.name, resultsDir: config.resultsDir };
        } catch (e) {
          return { kind: 'config', configFile: f.fsPath, error: e instanceof ConfigError ? firstProblem(e) : errorMessage(e) };
        }
      });
      if (nodes.length) stepDone('config');
      return nodes.sort((a, b) => vscode.workspace.asRelativePath(a.configFile).localeCompare(vscode.workspace.asRelativePath(b.configFile)));
    })();
    return this.configs;
  }

  /**
   * The PGR of the config's own run, once it has evaluation scores (PGR needs base, reference and
   * students); undefined otherwise or when it cannot be computed yet.
   */
  private async pgrOf(node: GeneratorNode | DatasetNode): Promise<PgrDataView | undefined> {
    const source = this.pgrSource;
    if (!source) return undefined;
    const snap = await this.snapshot(node.resultsDir);
    if (!snap.evaluations.get(node.run)?.length) return undefined;
    let pgr = this.pgr.get(node.configFile);
    if (!pgr) {
      const data = source(node.configFile).then(
        (d) => (d.run === node.run ? d : undefined),
        (e: unknown) => {
          this.log.warn(`Runs view: no PGR for ${node.configFile}: ${errorMessage(e)}`);
          return undefined;
        },
      );
      pgr = { resultsDir: path.resolve(node.resultsDir), data };
      this.pgr.set(node.configFile, pgr);
    }
    const data = await pgr.data;
    return data?.run === node.run ? data : undefined;
  }

  private snapshot(resultsDir: string): Promise<ResultsSnapshot> {
    const key = path.resolve(resultsDir);
    let snap = this.snapshots.get(key);
    if (!snap) {
      snap = readSnapshot(key).catch((e: unknown): ResultsSnapshot => {
        this.log.warn(`Runs view: could not read ${path.join(key, 'index.sqlite')}: ${errorMessage(e)}`);
        return { runs: [], datasets: new Map(), metrics: new Map(), bad: new Map(), evaluations: new Map(), error: errorMessage(e) };
      });
      this.snapshots.set(key, snap);
    }
    return snap;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function readSnapshot(resultsDir: string): Promise<ResultsSnapshot> {
  const index = new Results(resultsDir).index;
  const runs = await index.runs();
  const datasets = new Map<string, DatasetRow[]>();
  const bad = new Map<string, number>();
  for (const d of await index.datasets()) {
    datasets.set(d.run, [...(datasets.get(d.run) ?? []), d]);
    try {
      bad.set(d.id, annotationCounts(path.join(resultsDir, d.dir)).bad);
    } catch {
      // no annotations file, or an unreadable one: no count
    }
  }
  const metrics = new Map<string, DatasetMetricRow[]>();
  for (const m of await index.datasetMetrics()) metrics.set(m.dataset, [...(metrics.get(m.dataset) ?? []), m]);
  const evaluations = new Map<string, EvaluationRow[]>();
  for (const e of await index.evaluations()) evaluations.set(e.run, [...(evaluations.get(e.run) ?? []), e]);
  return { runs, datasets, metrics, bad, evaluations };
}

interface Totals {
  valid: number;
  target: number;
  failed: number;
  cost: number;
}

function totals(rows: readonly DatasetRow[]): Totals {
  return rows.reduce((t, d) => ({ valid: t.valid + d.valid, target: t.target + d.target, failed: t.failed + d.failed, cost: t.cost + d.costUsd }), { valid: 0, target: 0, failed: 0, cost: 0 });
}

/** "valid/target valid · failed · $cost" */
export function counts(t: Totals): string {
  return `${t.valid}/${t.target} valid · ${t.failed} failed · ${usd(t.cost)}`;
}

function usd(n: number): string {
  return `$${n.toFixed(n > 0 && n < 0.01 ? 4 : 2)}`;
}

function aggregateStatus(rows: readonly DatasetRow[]): DatasetRow['status'] {
  const s = new Set(rows.map((d) => d.status));
  for (const status of ['running', 'failed', 'cancelled', 'pending'] as const) if (s.has(status)) return status;
  return 'completed';
}

export function datasetIcon(status: DatasetRow['status']): vscode.ThemeIcon {
  switch (status) {
    case 'completed':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'running':
      return new vscode.ThemeIcon('sync~spin');
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash');
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}

function runIcon(status: RunRow['status']): vscode.ThemeIcon {
  return status === 'interrupted' ? new vscode.ThemeIcon('debug-pause') : datasetIcon(status);
}

function datasetTooltip(d: DatasetRow, metrics: readonly DatasetMetricRow[], bad: number, pgr: number | null): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${d.generator} · ${d.setting}** — ${d.status}\n\n`);
  md.appendMarkdown(`- valid: ${d.valid} / ${d.target}\n- failed: ${d.failed}\n- attempts: ${d.attempts}\n`);
  md.appendMarkdown(`- tokens: ${d.inputTokens.toLocaleString('en-US')} in, ${d.outputTokens.toLocaleString('en-US')} out\n- cost: ${usd(d.costUsd)}\n`);
  md.appendMarkdown(`- annotated bad: ${bad}\n`);
  if (pgr !== null) md.appendMarkdown(`- PGR of its student: ${pgr.toFixed(1)}% (intervals in the PGR panel)\n`);
  if (metrics.length) {
    md.appendMarkdown('\n**Metrics**\n\n');
    for (const m of metrics) md.appendMarkdown(`- ${m.key}: ${m.value === null ? '—' : formatValue(m.value)} (n = ${m.n}${m.missing ? `, ${m.missing} missing` : ''})\n`);
  }
  md.appendMarkdown(`\n_${d.id}_`);
  return md;
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
