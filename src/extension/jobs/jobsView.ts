// The Jobs view (AgoraBench container) and the status bar item: every job in progress with its
// progress, requests in flight and spend; a job's datasets below it; Cancel inline.
import * as vscode from 'vscode';
import { formatUsd, stoppingMessage } from '../run/progressReporter';
import type { JobKind, JobState, RunRegistry } from './jobRegistry';

export const JOBS_VIEW = 'agorabench.jobs';
/** Context key: at least one job is in progress (Cancel's `when`). */
export const JOBS_RUNNING_CONTEXT = 'agorabench.jobsRunning';

const KIND_LABEL: Record<JobKind, string> = { generation: 'Generation', metrics: 'Metrics', evaluation: 'Evaluation', training: 'Training' };
/** Progress arrives every 250 ms per job: the view and the status bar are redrawn at most this often. */
const REDRAW_MS = 500;

/** Which jobs there are and their phases: a change is shown at once. */
const phases = (jobs: readonly JobState[]): string => jobs.map((j) => `${j.id}:${j.phase}`).join(',');

type JobNode = { job: JobState } | { job: JobState; dataset: { id: string; done: number; target: number } };

/** "42/60 · $0.0123 · 4 in flight", "stopping… 3 in flight · 42/60", "starting…". */
export function jobDescription(job: JobState): string {
  const count = job.total !== undefined ? `${job.done ?? 0}/${job.total}` : undefined;
  if (job.phase === 'stopping') return [stoppingMessage(job.inFlight ?? 0), count].filter(Boolean).join(' · ');
  if (job.phase === 'starting') return 'starting…';
  if (job.kind === 'training') return job.message ?? 'following the trainings…';
  return [count, job.costUsd !== undefined ? formatUsd(job.costUsd, job.costUnknown) : undefined, job.inFlight !== undefined ? `${job.inFlight} in flight` : undefined].filter(Boolean).join(' · ');
}

export function jobLabel(job: JobState): string {
  return `${KIND_LABEL[job.kind]} · ${job.configName}`;
}

/** What the status bar says about all jobs: undefined when none runs. */
export function statusText(jobs: readonly JobState[]): { text: string; tooltip: string } | undefined {
  if (!jobs.length) return undefined;
  const counted = jobs.filter((j) => j.total !== undefined);
  const done = counted.reduce((n, j) => n + (j.done ?? 0), 0);
  const total = counted.reduce((n, j) => n + (j.total ?? 0), 0);
  const spend = jobs.reduce((n, j) => n + (j.costUsd ?? 0), 0);
  const unknown = jobs.some((j) => j.costUnknown) ? (jobs.every((j) => j.costUnknown === 'all') ? 'all' : 'some') : undefined;
  const stopping = jobs.every((j) => j.phase === 'stopping');
  const what = jobs.length > 1 ? `${jobs.length} jobs` : KIND_LABEL[jobs[0]?.kind ?? 'generation'].toLowerCase();
  const parts = [
    stopping ? `${what} ${stoppingMessage(jobs.reduce((n, j) => n + (j.inFlight ?? 0), 0))}` : what,
    total ? `${done}/${total}` : undefined,
    spend || unknown ? formatUsd(spend, unknown) : undefined,
  ];
  return {
    text: `$(${stopping ? 'debug-stop' : 'sync~spin'}) AgoraBench: ${parts.filter(Boolean).join(' · ')}`,
    tooltip: `${jobs.map((j) => `${jobLabel(j)}: ${jobDescription(j)}`).join('\n')}\n\nClick to show the Jobs view.`,
  };
}

export class JobsProvider implements vscode.TreeDataProvider<JobNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<JobNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly statusBar = vscode.window.createStatusBarItem('agorabench.jobs', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  /** Whether any job runs, as last drawn (the status bar item is shown then). */
  private shown = false;
  /** Which jobs there were, in which phase, at the last redraw. */
  private lastPhases = '';

  constructor(private readonly registry: RunRegistry) {
    this.statusBar.name = 'AgoraBench Jobs';
    this.statusBar.command = `${JOBS_VIEW}.focus`;
    this.sub = registry.onDidChange(() => this.schedule());
  }

  /** A job's start, end and phase (Cancel → stopping) show at once; progress in between at most every REDRAW_MS. */
  private schedule(): void {
    if (phases(this.registry.jobs()) !== this.lastPhases) return this.redraw();
    this.timer ??= setTimeout(() => this.redraw(), REDRAW_MS);
  }

  redraw(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const jobs = this.registry.jobs();
    this.lastPhases = phases(jobs);
    const status = statusText(jobs);
    if (status) {
      this.statusBar.text = status.text;
      this.statusBar.tooltip = status.tooltip;
      this.statusBar.show();
    } else this.statusBar.hide();
    // a context key is a round trip to the workbench: set when it changes, not at every progress redraw
    if ((status !== undefined) !== this.shown) void vscode.commands.executeCommand('setContext', JOBS_RUNNING_CONTEXT, status !== undefined);
    this.shown = status !== undefined;
    this.emitter.fire(undefined);
  }

  /** Tests: what the status bar item shows now (as last drawn, not as it would be). */
  statusBarJson(): { visible: boolean; text: string; tooltip: string; command: string } {
    const tooltip = this.statusBar.tooltip;
    return { visible: this.shown, text: this.shown ? this.statusBar.text : '', tooltip: typeof tooltip === 'string' ? tooltip : '', command: String(this.statusBar.command) };
  }

  getChildren(node?: JobNode): JobNode[] {
    if (!node) return this.registry.jobs().map((job) => ({ job }));
    if ('dataset' in node) return [];
    return (node.job.datasets ?? []).map((dataset) => ({ job: node.job, dataset }));
  }

  getTreeItem(node: JobNode): vscode.TreeItem {
    if ('dataset' in node) {
      const { dataset } = node;
      // the dataset id is run__generator__setting: the run is the job's already
      const item = new vscode.TreeItem(dataset.id.split('__').slice(1).join(' · ') || dataset.id);
      item.description = `${dataset.done}/${dataset.target}`;
      item.iconPath = new vscode.ThemeIcon(dataset.done >= dataset.target ? 'pass' : 'circle-outline');
      item.id = `${node.job.id}/${dataset.id}`;
      return item;
    }
    const { job } = node;
    const item = new vscode.TreeItem(jobLabel(job), job.datasets?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = String(job.id);
    item.description = jobDescription(job);
    item.iconPath = new vscode.ThemeIcon(job.phase === 'stopping' ? 'debug-stop' : job.phase === 'starting' ? 'loading~spin' : 'sync~spin');
    item.contextValue = job.phase === 'stopping' ? 'agorabench.job.stopping' : 'agorabench.job';
    const elapsed = Math.round((Date.now() - job.startedAt) / 1000);
    item.tooltip = [`${jobLabel(job)} (${job.configFile})`, jobDescription(job), `started ${elapsed} s ago`, job.run ? `run "${job.run}" → ${job.resultsDir ?? ''}` : undefined].filter(Boolean).join('\n');
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.sub.dispose();
    this.statusBar.dispose();
    this.emitter.dispose();
  }
}
