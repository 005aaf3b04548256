// Runs in progress, one per config file, so a second "Run" does not race the first on the same
// stores and "Cancel" can reach every run.
import type * as vscode from 'vscode';

/** How long a cancelled run may finish its requests in flight before they are aborted. */
const GRACE_MS = 10_000;

/**
 * Stopping one run: first gracefully (no new requests; answers already paid for are still
 * recorded), then, after a grace period, by aborting what is still in flight.
 */
export class RunControl {
  private readonly stopper = new AbortController();
  private readonly aborter = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  /** For RunOptions.stopSignal. */
  get stopSignal(): AbortSignal {
    return this.stopper.signal;
  }
  /** For RunOptions.signal. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  cancel(): void {
    this.stopper.abort();
    this.timer ??= setTimeout(() => this.aborter.abort(), GRACE_MS);
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

  isRunning(configFile: string): boolean {
    return this.running.has(configFile);
  }

  /** Registers a run; its signals go to the engine. */
  start(configFile: string): RunControl {
    const control = new RunControl();
    this.running.set(configFile, control);
    return control;
  }

  finish(configFile: string, control: RunControl): void {
    control.dispose();
    if (this.running.get(configFile) === control) this.running.delete(configFile);
  }

  /** Cancels every run (or one config's); returns how many were cancelled. */
  cancel(configFile?: string): number {
    let n = 0;
    for (const [file, control] of this.running) {
      if (configFile && file !== configFile) continue;
      control.cancel();
      n++;
    }
    return n;
  }

  dispose(): void {
    // the extension host is going away: nothing can wait for a grace period
    for (const control of this.running.values()) control.abortNow();
  }
}
