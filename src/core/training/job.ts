/**
 * The record of one student training. We never train ourselves: a fine-tuning API or a command
 * (torchrun, SLURM…) does, and this record tracks it — status, log tail, cost, the resulting model —
 * in `<dir>/job.json`, written atomically after every step so a process killed at any moment resumes.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from '../errors';
import { writeFileAtomic } from '../store/atomicFile';

export type TrainingStatus = 'preparing' | 'submitted' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: readonly TrainingStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface TrainingJob {
  /** The student's id. */
  student: string;
  launcher: 'openai' | 'command' | 'external';
  status: TrainingStatus;
  /** The training data, and its sha256 so a resumed job never trains on other data than recorded. */
  dataFile: string;
  dataSha256: string;
  baseModel?: string;
  // openai
  fileId?: string;
  jobId?: string;
  trainedTokens?: number;
  /** Newest fine-tuning event already in the log (the events API lists newest first). */
  lastEventId?: string;
  // command
  command?: string;
  /** Leader of the training's own process group. */
  pid?: number;
  exitCode?: number | null;
  signal?: string | null;
  /** The resulting model name (ft:… or the one the command's spec names). */
  model?: string;
  /** OpenAI-compatible base URL where the student is (or will be) served. */
  endpoint?: string;
  costUsd?: number;
  /** Our log of the job (command: the process's stdout+stderr; openai: the job's events). */
  logFile: string;
  /** Last LOG_TAIL_LINES lines of the log. */
  logTail: string[];
  /** Bytes of a command's log already read into the tail and events (a resumed follower goes on from there). */
  logOffset?: number;
  error?: string;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** What a launcher reports while it tracks a job: a status change, or a new log line. */
export interface TrainingEvent {
  type: 'status' | 'log';
  job: TrainingJob;
  line?: string;
}

/** Options common to every launcher. */
export interface LaunchOptions {
  /** Folder of the job: job.json, the log, the launcher's own files. */
  dir: string;
  /** Cancels the training itself. */
  signal?: AbortSignal;
  /** Stops following but leaves the training running; the call resolves with the record as last seen. */
  detach?: AbortSignal;
  onEvent?: (e: TrainingEvent) => void;
  /** How often the job is looked at. */
  pollMs?: number;
}

export const JOB_FILE = 'job.json';
export const LOG_FILE = 'train.log';
export const LOG_TAIL_LINES = 20;

const STATUSES: readonly TrainingStatus[] = ['preparing', 'submitted', 'running', 'succeeded', 'failed', 'cancelled'];
const LAUNCHERS: readonly TrainingJob['launcher'][] = ['openai', 'command', 'external'];

export function jobFile(dir: string): string {
  return path.join(dir, JOB_FILE);
}

/**
 * The job recorded in `dir`, or undefined when there is none. A file that is not a job record is an
 * error naming it, never replaced: it may be the only trace of a paid or hours-long training.
 */
export function readJob(dir: string): TrainingJob | undefined {
  const file = jobFile(dir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError(`cannot read the training job record: ${(e as Error).message}`, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StoreError(`the training job record is not valid JSON (${(e as Error).message}); fix or move the file, it is never overwritten`, file);
  }
  const problem = shapeProblem(raw);
  if (problem) throw new StoreError(`not a training job record: ${problem}; fix or move the file, it is never overwritten`, file);
  return raw as TrainingJob;
}

function shapeProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected a JSON object';
  const r = raw as Record<string, unknown>;
  for (const k of ['student', 'dataFile', 'dataSha256', 'logFile', 'startedAt', 'updatedAt'] as const) {
    if (typeof r[k] !== 'string') return `"${k}" must be a string`;
  }
  if (!LAUNCHERS.includes(r.launcher as TrainingJob['launcher'])) return `"launcher" must be one of ${LAUNCHERS.join(', ')}`;
  if (!STATUSES.includes(r.status as TrainingStatus)) return `"status" must be one of ${STATUSES.join(', ')}`;
  if (!Array.isArray(r.logTail) || !r.logTail.every((l) => typeof l === 'string')) return '"logTail" must be an array of strings';
  if (r.pid !== undefined && !(Number.isInteger(r.pid) && (r.pid as number) > 0)) return '"pid" must be a positive integer';
  return undefined;
}

/** Writes the record atomically (readers and a resumed process see the old or the new one, never a mix). */
export function saveJob(dir: string, job: TrainingJob): void {
  job.updatedAt = new Date().toISOString();
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(jobFile(dir), JSON.stringify(job, null, 1) + '\n');
}

export function isTerminal(status: TrainingStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** sha256 of a file, streamed (training files can be large). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A fresh record in state 'preparing'. */
export function newJob(init: Pick<TrainingJob, 'student' | 'launcher' | 'dataFile' | 'dataSha256'> & Partial<TrainingJob>, dir: string): TrainingJob {
  const now = new Date().toISOString();
  return { status: 'preparing', logFile: path.join(dir, LOG_FILE), logTail: [], startedAt: now, updatedAt: now, ...init };
}

/**
 * Checks that a recorded job is the one asked for again: same student, launcher and data. Resuming
 * someone else's job, or a job on data that changed since, would track the wrong training.
 */
export function assertSameJob(job: TrainingJob, want: Pick<TrainingJob, 'student' | 'launcher' | 'dataSha256'>, dir: string): void {
  const file = jobFile(dir);
  if (job.launcher !== want.launcher) throw new StoreError(`holds a ${job.launcher} training, not a ${want.launcher} one; use another folder`, file);
  if (job.student !== want.student) throw new StoreError(`holds the training of student "${job.student}", not "${want.student}"; use another folder`, file);
  if (job.dataSha256 !== want.dataSha256) {
    throw new StoreError(`was started on other data (sha256 ${job.dataSha256.slice(0, 12)}…, the file now has ${want.dataSha256.slice(0, 12)}…); use another folder`, file);
  }
}

/**
 * Records a student trained elsewhere (by hand, on a cluster we do not drive) so evaluation and PGR
 * treat it like any other: status 'succeeded', launcher 'external'.
 */
export async function registerExternal(spec: { student: string; model: string; endpoint: string; dataFile?: string }, dir: string): Promise<TrainingJob> {
  const dataFile = spec.dataFile ? path.resolve(spec.dataFile) : '';
  const dataSha256 = spec.dataFile ? await sha256File(dataFile) : '';
  const existing = readJob(dir);
  if (existing && existing.launcher !== 'external') throw new StoreError(`holds a ${existing.launcher} training; register the external student in another folder`, jobFile(dir));
  const job = newJob({ student: spec.student, launcher: 'external', dataFile, dataSha256, model: spec.model, endpoint: spec.endpoint, status: 'succeeded' }, dir);
  job.finishedAt = job.startedAt;
  const line = `${job.startedAt} registered the externally trained model ${spec.model} served at ${spec.endpoint}`;
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(job.logFile, line + '\n');
  job.logTail = [line];
  saveJob(dir, job);
  return job;
}
