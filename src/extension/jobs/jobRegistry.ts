// The jobs in progress (generation, metrics, evaluation, training), one per config and kind, so a
// second "Run" does not race the first on the same stores, "Cancel" can reach every job, and the
// Jobs view and status bar can show what each one is doing.
import * as vscode from 'vscode';

/** How long a cancelled job may finish its requests in flight before they are aborted. */
const GRACE_MS = 10_000;

export type JobKind = 'generation' | 'metrics' | 'evaluation' | 'training';

/** What the Jobs view and the status bar show of one job. */
export interface JobState {
  readonly id: number;
  /** Registry key: one job per config and kind. */
  readonly key: string;
  readonly kind: JobKind;
  readonly configFile: string;
  readonly configName: string;
  readonly startedAt: number;
  /** starting: keys, seeds and stores are being prepared; stopping: Cancel was asked for. */
  phase: 'starting' | 'running' | 'stopping';
  done?: number;
  total?: number;
  costUsd?: number;
  /** Some or all of the work is by models without a price. */
  costUnknown?: 'all' | 'some';
  inFlight?: number;
  /** Short free text (training: "2 running, 1 succeeded"). */
  message?: string;
  /** Per dataset progress (generation): id, done, target; valid, failed and spend once the engine reported them. */
  datasets?: { id: string; done: number; target: number; valid?: number; failed?: number; costUsd?: number }[];
  resultsDir?: string;
  run?: string;
}

/**
 * Stopping one job: first gracefully (no new requests; answers already paid for are still
 * recorded), then, after a grace period, by aborting what is still in flight.
 */
export class RunControl {
  private readonly stopper = new AbortController();
  private readonly aborter = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly state: JobState,
    private readonly changed: (job: JobState) => void,
  ) {}

  /** For RunOptions.stopSignal. */
  get stopSignal(): AbortSignal {
    return this.stopper.signal;
  }
  /** For RunOptions.signal. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** New figures for the views (merged into the state). */
  update(patch: Partial<Omit<JobState, 'id' | 'key' | 'kind' | 'configFile' | 'configName' | 'startedAt'>>): void {
    Object.assign(this.state, patch);
    if (this.stopper.signal.aborted) this.state.phase = 'stopping';
    this.changed(this.state);
  }

  cancel(): void {
    this.stopper.abort();
    this.timer ??= setTimeout(() => this.aborter.abort(), GRACE_MS);
    this.update({});
  }

  abortNow(): void {
    this.stopper.abort();
    this.aborter.abort();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

export class RunRegistry implements vscode.Disposable {
  private readonly running = new Map<string, RunControl>();
  private readonly emitter = new vscode.EventEmitter<void>();
  private nextId = 1;
  /** Fires when a job starts, changes or ends. */
  readonly onDidChange = this.emitter.event;

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  /** Registers a job; its signals go to the engine and its state to the views. */
  start(key: string, job: { kind: JobKind; configFile: string; configName: string }): RunControl {
    const control = new RunControl({ id: this.nextId++, key, ...job, startedAt: Date.now(), phase: 'starting' }, () => this.emitter.fire());
    this.running.set(key, control);
    this.emitter.fire();
    return control;
  }

  finish(key: string, control: RunControl): void {
    control.dispose();
    if (this.running.get(key) === control) this.running.delete(key);
    this.emitter.fire();
  }

  /** The jobs in progress, oldest first. */
  jobs(): JobState[] {
    return [...this.running.values()].map((c) => c.state).sort((a, b) => a.id - b.id);
  }

  /** Cancels every job (or those whose key or config file is given); returns how many were cancelled. */
  cancel(which?: { key?: string; configFile?: string }): number {
    let n = 0;
    for (const [key, control] of this.running) {
      if (which?.key && key !== which.key) continue;
      if (which?.configFile && control.state.configFile !== which.configFile) continue;
      control.cancel();
      n++;
    }
    return n;
  }

  dispose(): void {
    // the extension host is going away: nothing can wait for a grace period
    for (const control of this.running.values()) control.abortNow();
    this.emitter.dispose();
  }
}
