/**
 * Student training through OpenAI's fine-tuning API (or any server that offers it): upload the chat
 * JSONL, create the job, follow it to its end. Each step is recorded before the next one starts, so
 * a process killed at any moment resumes without a second upload or a second (paid) job.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { PriceBook } from '../cost/prices';
import { DataError } from '../errors';
import { OPENAI_DEFAULT_BASE_URL } from '../providers/clients';
import { toTransportError } from '../providers/sdkErrors';
import { TransportError } from '../providers/types';
import { redact, registerSecret } from '../util/redact';
import { assertSameJob, isTerminal, newJob, readJob, sha256File, type LaunchOptions, type TrainingJob, type TrainingStatus } from './job';
import { JobTracker, waitFor } from './tracker';

export interface OpenAIFineTuneSpec {
  student: string;
  /** Chat JSONL: `{"messages": [system, user, assistant]}` per line (at least 10 lines). */
  dataFile: string;
  /** e.g. gpt-4o-mini-2024-07-18. */
  baseModel: string;
  hyperparameters?: { n_epochs?: number | 'auto'; batch_size?: number | 'auto'; learning_rate_multiplier?: number | 'auto' };
  /** Up to 64 characters added to the fine-tuned model's name. */
  suffix?: string;
  seed?: number;
  apiKey: string;
  /** Default: OPENAI_BASE_URL, else OpenAI's public API. */
  baseURL?: string;
  /** Attempts of one call when it fails for a transient reason (429, 5xx, network) (default 6). */
  attempts?: number;
  /** Per-request timeout (default 120 s; uploads of large files take a while). */
  timeoutMs?: number;
}

const DEFAULT_POLL_MS = 10_000;

/** A wait or a request cut short because the caller cancelled or detached. */
class Interrupted extends Error {
  constructor(readonly why: 'cancel' | 'detach') {
    super(why);
  }
}

/**
 * Trains (or resumes training) a student with the fine-tuning API and resolves with the record when
 * the job ends, is cancelled (`signal`), or the caller stops following (`detach`). A job that already
 * ended is returned as recorded. Throws when the API cannot be used (bad key, persistent outage):
 * the record then stays resumable.
 */
export async function trainWithOpenAI(spec: OpenAIFineTuneSpec, opts: LaunchOptions): Promise<TrainingJob> {
  const dataFile = path.resolve(spec.dataFile);
  const dataSha256 = await sha256File(dataFile).catch((e: unknown) => {
    throw new DataError(`cannot read the training data: ${(e as Error).message}`, dataFile);
  });
  registerSecret(spec.apiKey);
  const baseURL = spec.baseURL ?? (process.env.OPENAI_BASE_URL || OPENAI_DEFAULT_BASE_URL);
  const existing = readJob(opts.dir);
  if (existing) {
    assertSameJob(existing, { student: spec.student, launcher: 'openai', dataSha256 }, opts.dir);
    if (isTerminal(existing.status)) return existing;
  }
  const job = existing ?? newJob({ student: spec.student, launcher: 'openai', dataFile, dataSha256, baseModel: spec.baseModel, endpoint: baseURL }, opts.dir);
  const run = new FineTuneRun(spec, opts, new JobTracker(job, opts), new OpenAI({ apiKey: spec.apiKey, baseURL, maxRetries: 0, timeout: spec.timeoutMs ?? 120_000 }));
  if (!existing) run.tracker.save();
  return run.run();
}

class FineTuneRun {
  private readonly pollMs: number;

  constructor(
    private readonly spec: OpenAIFineTuneSpec,
    private readonly opts: LaunchOptions,
    readonly tracker: JobTracker,
    private readonly client: OpenAI,
  ) {
    this.pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  }

  private get job(): TrainingJob {
    return this.tracker.job;
  }

  async run(): Promise<TrainingJob> {
    if (this.job.error) this.tracker.update({ error: undefined }); // what stopped an earlier attempt
    try {
      if (this.opts.signal?.aborted) throw new Interrupted('cancel');
      if (!this.job.fileId) await this.upload();
      if (!this.job.jobId) await this.createJob();
      return await this.follow();
    } catch (e) {
      if (!(e instanceof Interrupted)) {
        this.tracker.update({ error: redact(e instanceof Error ? e.message : String(e)) });
        throw e;
      }
      if (e.why === 'detach') return this.job;
      await this.cancel();
      return this.job;
    }
  }

  private async upload(): Promise<void> {
    const name = `agorabench-${this.spec.student.replace(/[^\w.-]+/g, '_')}-${this.job.dataSha256.slice(0, 12)}.jsonl`;
    const file = await this.call('upload the training file', async (signal) =>
      this.client.files.create({ file: await toFile(fs.createReadStream(this.job.dataFile), name), purpose: 'fine-tune' }, { signal }),
    );
    this.tracker.update({ fileId: file.id });
    this.note(`uploaded ${this.job.dataFile} as ${file.id} (${file.bytes} bytes)`);
  }

  /** Creates the job, unless one on our file exists already (we were stopped after creating it, before recording it). */
  private async createJob(): Promise<void> {
    const fileId = this.job.fileId ?? '';
    const found = await this.findJobOnFile(fileId);
    const remote =
      found ??
      (await this.call('create the fine-tuning job', (signal) =>
        this.client.fineTuning.jobs.create(
          {
            model: this.spec.baseModel,
            training_file: fileId,
            ...(this.spec.suffix ? { suffix: this.spec.suffix } : {}),
            ...(this.spec.seed !== undefined ? { seed: this.spec.seed } : {}),
            ...(this.spec.hyperparameters ? { method: { type: 'supervised', supervised: { hyperparameters: this.spec.hyperparameters } } } : {}),
          },
          { signal },
        ),
      ));
    this.tracker.setStatus(statusOf(remote.status) === 'running' ? 'running' : 'submitted', { jobId: remote.id });
    this.note(found ? `resumed fine-tuning job ${remote.id}` : `created fine-tuning job ${remote.id} (${this.spec.baseModel})`);
  }

  private async findJobOnFile(fileId: string, interruptible = true): Promise<OpenAI.FineTuning.FineTuningJob | undefined> {
    const page = await this.call('list fine-tuning jobs', (signal) => this.client.fineTuning.jobs.list({ limit: 100 }, { signal }), interruptible);
    return page.data.find((j) => j.training_file === fileId && j.model.startsWith(this.spec.baseModel));
  }

  private async follow(): Promise<TrainingJob> {
    const jobId = this.job.jobId ?? '';
    for (;;) {
      const remote = await this.call('retrieve the fine-tuning job', (signal) => this.client.fineTuning.jobs.retrieve(jobId, { signal }));
      await this.pullEvents(jobId);
      if (this.settle(remote)) return this.job;
      const end = await waitFor(this.pollMs, this.opts);
      if (end === 'cancel' || end === 'detach') throw new Interrupted(end);
    }
  }

  /** Records what the job says; true once it is over. */
  private settle(remote: OpenAI.FineTuning.FineTuningJob): boolean {
    const status = statusOf(remote.status);
    const patch: Partial<TrainingJob> = {};
    if (typeof remote.trained_tokens === 'number') {
      patch.trainedTokens = remote.trained_tokens;
      const price = new PriceBook().lookup(this.spec.baseModel)?.training;
      if (price !== undefined) patch.costUsd = (remote.trained_tokens * price) / 1e6;
    }
    if (status === 'succeeded' && remote.fine_tuned_model) patch.model = remote.fine_tuned_model;
    if (status === 'failed') patch.error = redact(remote.error ? `${remote.error.code}: ${remote.error.message}` : 'the fine-tuning job failed without saying why');
    if (status !== this.job.status || Object.keys(patch).length) this.tracker.setStatus(status, patch);
    return isTerminal(status);
  }

  /** Appends the job's events that are not in the log yet, oldest first. */
  private async pullEvents(jobId: string, interruptible = true): Promise<void> {
    const fresh: OpenAI.FineTuning.Jobs.FineTuningJobEvent[] = [];
    let after: string | undefined;
    // newest first: page back until the newest event we already have
    for (let pages = 0; pages < 50; pages++) {
      const page = await this.call('list fine-tuning events', (signal) => this.client.fineTuning.jobs.listEvents(jobId, { limit: 100, ...(after ? { after } : {}) }, { signal }), interruptible);
      const known = page.data.findIndex((e) => e.id === this.job.lastEventId);
      fresh.push(...(known >= 0 ? page.data.slice(0, known) : page.data));
      if (known >= 0 || !page.has_more || !page.data.length) break;
      after = page.data[page.data.length - 1]?.id;
    }
    if (!fresh.length) return;
    fresh.reverse();
    this.tracker.addLines(
      fresh.map((e) => `${new Date(e.created_at * 1000).toISOString()} [${e.level}] ${e.message}`),
      true,
    );
    this.tracker.update({ lastEventId: fresh[fresh.length - 1]?.id });
  }

  /** Cancels the remote job (found by its file when we were stopped before recording it) and records the outcome. */
  private async cancel(): Promise<void> {
    let jobId = this.job.jobId;
    if (!jobId && this.job.fileId) jobId = (await this.findJobOnFile(this.job.fileId, false))?.id;
    if (!jobId) {
      this.tracker.setStatus('cancelled');
      this.note('cancelled before a fine-tuning job was created');
      return;
    }
    const id = jobId;
    try {
      const remote = await this.call('cancel the fine-tuning job', (signal) => this.client.fineTuning.jobs.cancel(id, { signal }), false);
      this.tracker.update({ jobId: id });
      this.note(`cancelled fine-tuning job ${id}`);
      if (!this.settle(remote)) this.tracker.setStatus('cancelled');
    } catch (e) {
      // the job ended before the cancel arrived (the API refuses to cancel it): record how it ended
      if (!(e instanceof TransportError) || e.kind !== 'bad_request') throw e;
      const remote = await this.call('retrieve the fine-tuning job', (signal) => this.client.fineTuning.jobs.retrieve(id, { signal }), false);
      this.tracker.update({ jobId: id });
      if (!this.settle(remote)) this.tracker.setStatus('cancelled');
    }
    await this.pullEvents(id, false).catch(() => undefined); // the log is a courtesy here: the outcome is recorded
  }

  /** One of our own lines in the log (events come from the API). */
  private note(message: string): void {
    this.tracker.addLines([`${new Date().toISOString()} [agorabench] ${message}`], true);
  }

  /**
   * One API call, retried on transient failures (the SDK's own retries are off, as everywhere in the
   * project) with the server's retry-after or exponential back-off. `interruptible`: cancelling or
   * detaching aborts it (not for the cancel request itself).
   */
  private async call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>, interruptible = true): Promise<T> {
    const attempts = this.spec.attempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      const onCancel = () => controller.abort();
      const parents = interruptible ? [this.opts.signal, this.opts.detach] : [];
      for (const p of parents) p?.addEventListener('abort', onCancel, { once: true });
      try {
        if (parents.some((p) => p?.aborted)) controller.abort();
        return await fn(controller.signal);
      } catch (e) {
        const t = toTransportError(e);
        if (t.kind === 'aborted' && interruptible) throw new Interrupted(this.opts.signal?.aborted ? 'cancel' : 'detach');
        if (!t.retryable || attempt >= attempts) throw new TransportError(t.kind, `OpenAI fine-tuning: cannot ${what}: ${t.message}`, t.status, t.retryAfterMs);
        const delay = t.retryAfterMs ?? Math.min(30_000, 1000 * 2 ** (attempt - 1));
        this.note(`${what} failed (${t.message}); retrying in ${Math.round(delay / 100) / 10} s`);
        const end = await waitFor(delay, interruptible ? this.opts : {});
        if (end === 'cancel' || end === 'detach') throw new Interrupted(end);
      } finally {
        for (const p of parents) p?.removeEventListener('abort', onCancel);
      }
    }
  }
}

function statusOf(remote: OpenAI.FineTuning.FineTuningJob['status']): TrainingStatus {
  switch (remote) {
    case 'validating_files':
    case 'queued':
      return 'submitted';
    case 'running':
      return 'running';
    default:
      return remote;
  }
}
