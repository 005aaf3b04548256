/**
 * Student training through a command template (torchrun, a SLURM submit-and-wait script, axolotl…):
 * the command runs in its own process group that survives us, its output goes to `<dir>/train.log`,
 * its exit status to `<dir>/exit-code`. We follow it (log tail, events, exit), cancel the whole group
 * on request, and pick it up again after a restart.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import { fillCommand, fillName } from './commandTemplate';
import { assertSameJob, isTerminal, newJob, readJob, sha256File, type LaunchOptions, type TrainingJob } from './job';
import { LogReader } from './logReader';
import { killGroup, ownsGroup, readExitCode, spawnGroup } from './processGroup';
import { JobTracker, waitFor } from './tracker';

export interface CommandTrainingSpec {
  student: string;
  dataFile: string;
  /** Where the trained model is to be written ({output}); created if missing. */
  outputDir: string;
  /** Shell line with {data}, {output}, {name} (the student's id) and {manifest}. */
  command: string;
  cwd: string;
  /** The trained model's name at its endpoint ({name} replaced). */
  model?: string;
  /** OpenAI-compatible base URL the student will be served at ({name} replaced). */
  endpoint?: string;
  /** Price of the machine(s): cost = elapsed hours × this. */
  costPerHourUsd?: number;
  /** Added to our environment for the command. */
  env?: Record<string, string>;
  /** The export manifest ({manifest}). */
  manifest?: string;
  /** After a cancel's SIGTERM, how long the group has before SIGKILL (default 10 s). */
  killGraceMs?: number;
}

export const EXIT_FILE = 'exit-code';
const DEFAULT_POLL_MS = 1000;
const ENDED_UNRECORDED = 'the training process ended without recording an exit status';

/**
 * Launches (or resumes following) a command training and resolves with its record when it ends,
 * is cancelled (`signal`: the whole process group is terminated), or the caller detaches (`detach`:
 * the training keeps running; calling again with the same dir follows it again). A finished job is
 * returned as recorded.
 */
export async function trainWithCommand(spec: CommandTrainingSpec, opts: LaunchOptions): Promise<TrainingJob> {
  const dataFile = path.resolve(spec.dataFile);
  const dataSha256 = await sha256File(dataFile).catch((e: unknown) => {
    throw new DataError(`cannot read the training data: ${(e as Error).message}`, dataFile);
  });
  const existing = readJob(opts.dir);
  if (existing) {
    assertSameJob(existing, { student: spec.student, launcher: 'command', dataSha256 }, opts.dir);
    if (isTerminal(existing.status)) return existing;
  }
  const job = existing ?? newJob({ student: spec.student, launcher: 'command', dataFile, dataSha256 }, opts.dir);
  const run = new CommandRun(spec, opts, new JobTracker(job, opts));
  if (job.pid === undefined) {
    if (opts.signal?.aborted) {
      run.tracker.setStatus('cancelled', { error: 'cancelled before the command started' });
      return job;
    }
    run.launch();
  }
  return run.follow();
}

class CommandRun {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private spawnError: string | undefined;
  private readonly exitFile: string;
  private readonly log: LogReader;

  constructor(
    private readonly spec: CommandTrainingSpec,
    private readonly opts: LaunchOptions,
    readonly tracker: JobTracker,
  ) {
    this.exitFile = path.join(opts.dir, EXIT_FILE);
    this.log = new LogReader(tracker.job.logFile, tracker.job.logOffset ?? 0);
  }

  private get job(): TrainingJob {
    return this.tracker.job;
  }

  /** Spawns the group and records its pid before anything else can happen. */
  launch(): void {
    const s = this.spec;
    const outputDir = path.resolve(s.outputDir);
    const command = fillCommand(s.command, { data: this.job.dataFile, output: outputDir, name: s.student, ...(s.manifest ? { manifest: path.resolve(s.manifest) } : {}) });
    if (!fs.statSync(s.cwd, { throwIfNoEntry: false })?.isDirectory()) throw new DataError('the training command\'s working directory does not exist', s.cwd);
    fs.mkdirSync(this.opts.dir, { recursive: true });
    fs.mkdirSync(outputDir, { recursive: true });
    fs.rmSync(this.exitFile, { force: true }); // a leftover of an earlier launch in this folder
    this.tracker.update({ command, logOffset: fs.statSync(this.job.logFile, { throwIfNoEntry: false })?.size ?? 0 });
    this.log.offset = this.job.logOffset ?? 0;
    const child = spawnGroup({ command, cwd: s.cwd, env: { ...process.env, ...s.env }, logFile: this.job.logFile, exitFile: this.exitFile });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', (e) => {
        this.spawnError = e.message;
        resolve();
      });
    });
    if (child.pid === undefined) return; // spawn failed: 'error' follows, and follow() records it
    this.tracker.setStatus('running', { pid: child.pid, startedAt: new Date().toISOString() });
  }

  async follow(): Promise<TrainingJob> {
    for (;;) {
      this.readLog(false);
      const code = readExitCode(this.exitFile);
      if (code !== undefined) return this.finish(code);
      if (!this.alive()) {
        // it may have recorded its status between the two looks
        const late = readExitCode(this.exitFile);
        if (late !== undefined) return this.finish(late);
        if (this.job.pid === undefined) await this.exited; // spawn failed: its 'error' says why
        return this.ended();
      }
      const end = await waitFor(this.opts.pollMs ?? DEFAULT_POLL_MS, this.opts, this.exited);
      if (end === 'detach') {
        this.child?.unref();
        this.readLog(false);
        return this.job;
      }
      if (end === 'cancel') return this.cancel();
    }
  }

  private alive(): boolean {
    const pid = this.job.pid;
    if (this.child) return this.child.exitCode === null && this.child.signalCode === null && pid !== undefined;
    return pid !== undefined && ownsGroup(pid, this.exitFile);
  }

  /** New log lines into the tail and events; the offset is saved with them so a resumed follower goes on from there. */
  private readLog(final: boolean): void {
    const lines = this.log.read(final);
    if (!lines.length) return;
    this.tracker.addLines(lines, false);
    this.tracker.update({ logOffset: this.log.offset, ...this.cost() });
  }

  private finish(code: number): TrainingJob {
    this.readLog(true);
    if (code === 0) {
      this.tracker.setStatus('succeeded', { exitCode: 0, signal: null, model: fillName(this.spec.model, this.spec.student), endpoint: fillName(this.spec.endpoint, this.spec.student), ...this.cost() });
    } else {
      const tail = this.job.logTail.length ? `; last lines of the log:\n${this.job.logTail.join('\n')}` : '';
      this.tracker.setStatus('failed', { exitCode: code, error: `exit code ${code}${tail}`, ...this.cost() });
    }
    return this.job;
  }

  /** The process is gone and left no exit status (killed with SIGKILL, machine rebooted…). */
  private ended(): TrainingJob {
    this.readLog(true);
    const signal = this.child?.signalCode ?? null;
    const spawnError = this.job.pid === undefined ? `the command could not be started: ${this.spawnError ?? 'unknown reason'}` : undefined;
    this.tracker.setStatus('failed', { exitCode: null, signal, error: spawnError ?? (signal ? `${ENDED_UNRECORDED} (killed by ${signal})` : ENDED_UNRECORDED), ...this.cost() });
    return this.job;
  }

  private async cancel(): Promise<TrainingJob> {
    const pid = this.job.pid;
    const code = readExitCode(this.exitFile);
    if (code !== undefined) return this.finish(code); // it ended on its own first
    const signal = pid !== undefined ? await killGroup(pid, this.spec.killGraceMs ?? 10_000) : undefined;
    this.readLog(true);
    this.tracker.setStatus('cancelled', { exitCode: readExitCode(this.exitFile) ?? null, signal: signal ?? null, ...this.cost() });
    return this.job;
  }

  /** Machine time since the launch, priced. */
  private cost(): Partial<TrainingJob> {
    const rate = this.spec.costPerHourUsd;
    if (rate === undefined) return {};
    return { costUsd: (Math.max(0, Date.now() - Date.parse(this.job.startedAt)) / 3_600_000) * rate };
  }
}
