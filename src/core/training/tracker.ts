/**
 * What both launchers do while they follow a training: change its status, add log lines, persist the
 * record and tell the caller — in that order, so whatever a caller sees is already on disk.
 */
import * as fs from 'node:fs';
import { redact } from '../util/redact';
import { LOG_TAIL_LINES, isTerminal, saveJob, type LaunchOptions, type TrainingJob, type TrainingStatus } from './job';

export class JobTracker {
  constructor(
    readonly job: TrainingJob,
    private readonly opts: LaunchOptions,
  ) {}

  save(): void {
    saveJob(this.opts.dir, this.job);
  }

  /** Applies `patch`, saves, and reports a status event when the status changed. */
  update(patch: Partial<TrainingJob>): void {
    const before = this.job.status;
    Object.assign(this.job, patch);
    if (isTerminal(this.job.status) && !this.job.finishedAt) this.job.finishedAt = new Date().toISOString();
    this.save();
    if (this.job.status !== before) this.opts.onEvent?.({ type: 'status', job: this.job });
  }

  setStatus(status: TrainingStatus, patch: Partial<TrainingJob> = {}): void {
    this.update({ ...patch, status });
  }

  /**
   * Lines that are new in the log: kept in the tail and reported. `write`: also append them to the
   * log file (the OpenAI launcher writes its log; a command's process writes its own). Tail and events
   * are redacted: a training's output may quote a token, and both reach job.json and the UI.
   */
  addLines(lines: string[], write: boolean): void {
    if (!lines.length) return;
    if (write) fs.appendFileSync(this.job.logFile, lines.map((l) => l + '\n').join(''));
    const clean = lines.map(redact);
    this.job.logTail = [...this.job.logTail, ...clean].slice(-LOG_TAIL_LINES);
    for (const line of clean) this.opts.onEvent?.({ type: 'log', job: this.job, line });
  }
}

/** Why a wait ended. */
export type WaitEnd = 'timeout' | 'cancel' | 'detach' | 'wake';

/**
 * Waits `ms`, or less when the training is cancelled, the caller detaches, or `wake` settles
 * (e.g. the process exited). Never rejects; leaves no listener behind.
 */
export function waitFor(ms: number, opts: Pick<LaunchOptions, 'signal' | 'detach'>, wake?: Promise<unknown>): Promise<WaitEnd> {
  if (opts.signal?.aborted) return Promise.resolve('cancel');
  if (opts.detach?.aborted) return Promise.resolve('detach');
  return new Promise((resolve) => {
    let done = false;
    const finish = (why: WaitEnd) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCancel);
      opts.detach?.removeEventListener('abort', onDetach);
      resolve(why);
    };
    const onCancel = () => finish('cancel');
    const onDetach = () => finish('detach');
    const timer = setTimeout(() => finish('timeout'), ms);
    opts.signal?.addEventListener('abort', onCancel, { once: true });
    opts.detach?.addEventListener('abort', onDetach, { once: true });
    wake?.then(
      () => finish('wake'),
      () => finish('wake'),
    );
  });
}
