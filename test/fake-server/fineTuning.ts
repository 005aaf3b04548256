/**
 * OpenAI fine-tuning jobs: validating_files → queued → running (step events) → succeeded, failed
 * (invalid training file, or `fineTuneFail`) or cancelled. Like the batches, a job's state is a
 * function of the time since its creation (no timers, so nothing to clean up on close): its whole
 * timeline is laid out when it is created and revealed as the clock passes each event.
 */
import type { ServerResponse } from 'node:http';
import { HttpError, isRecord, newId, sendJson } from './http';
import type { ServerState } from './state';

type Status = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

interface Hyper {
  n_epochs: number;
  batch_size: number;
  learning_rate_multiplier: number;
}

interface TimelineEvent {
  /** ms after creation. */
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data?: Record<string, number>;
}

interface FakeJob {
  id: string;
  createdMs: number;
  model: string;
  trainingFile: string;
  suffix: string | null;
  seed: number;
  hyper: Hyper;
  metadata: unknown;
  timeline: TimelineEvent[];
  /** When (ms after creation) the job ends on its own, and how. */
  endAt: number;
  end: 'succeeded' | 'failed';
  error: { code: string; message: string; param: string | null } | null;
  fineTunedModel: string;
  trainedTokens: number;
  /** ms after creation. */
  cancelledAt?: number;
}

/** Event messages shown per job at most: a real job logs every step; a file of 10K lines would make thousands. */
const MAX_STEP_EVENTS = 50;
const MIN_EXAMPLES = 10;

export class FineTuningJobs {
  private readonly jobs = new Map<string, FakeJob>();

  constructor(private readonly state: ServerState) {}

  create(body: unknown, res: ServerResponse): void {
    if (!isRecord(body)) throw new HttpError(400, 'request body must be a JSON object');
    if (typeof body.model !== 'string' || !body.model) throw new HttpError(400, "'model' is required");
    if (typeof body.training_file !== 'string') throw new HttpError(400, "'training_file' is required");
    const file = this.state.files.get(body.training_file);
    if (!file) throw new HttpError(400, `invalid training_file: ${body.training_file}`);
    if (file.purpose !== 'fine-tune') throw new HttpError(400, `File ${file.id} has purpose '${file.purpose}'; fine-tuning needs purpose 'fine-tune'`);
    const suffix = body.suffix ?? null;
    if (suffix !== null && (typeof suffix !== 'string' || suffix.length > 64)) throw new HttpError(400, "'suffix' must be a string of at most 64 characters");
    if (body.seed !== undefined && body.seed !== null && !Number.isInteger(body.seed)) throw new HttpError(400, "'seed' must be an integer");
    const method = body.method;
    if (method !== undefined && (!isRecord(method) || method.type !== 'supervised')) throw new HttpError(400, "the fake server supports method.type 'supervised' only");
    const supervised = isRecord(method) && isRecord(method.supervised) ? method.supervised : undefined;
    const hyper = resolveHyper(supervised?.hyperparameters ?? body.hyperparameters);

    const id = newId('ftjob-');
    const { fineTuneMs, fineTuneFail } = this.state.options;
    const check = checkTrainingFile(file.content.toString('utf8'));
    const job: FakeJob = {
      id,
      createdMs: Date.now(),
      model: body.model,
      trainingFile: file.id,
      suffix: suffix as string | null,
      seed: typeof body.seed === 'number' ? body.seed : this.state.options.seed,
      hyper,
      metadata: body.metadata ?? null,
      timeline: [],
      endAt: fineTuneMs,
      end: 'succeeded',
      error: null,
      fineTunedModel: `ft:${body.model}:fake-org:${(suffix as string | null) ?? ''}:${id.slice(6, 14)}`,
      trainedTokens: check.tokens * hyper.n_epochs,
    };
    layOut(job, check, fineTuneMs, fineTuneFail);
    this.jobs.set(id, job);
    this.state.stats.fineTuning.jobs++;
    sendJson(res, 200, this.view(job));
  }

  retrieve(id: string, res: ServerResponse): void {
    sendJson(res, 200, this.view(this.get(id)));
  }

  cancel(id: string, res: ServerResponse): void {
    const job = this.get(id);
    const status = statusOf(job);
    if (status === 'succeeded' || status === 'failed' || status === 'cancelled') throw new HttpError(400, `Cannot cancel a job that has already ${status === 'cancelled' ? 'been cancelled' : 'finished'}.`);
    job.cancelledAt = Date.now() - job.createdMs;
    job.timeline.push({ at: job.cancelledAt, level: 'info', message: 'Fine-tuning job cancelled', type: 'message' });
    this.state.stats.fineTuning.cancelled++;
    sendJson(res, 200, this.view(job));
  }

  list(query: URLSearchParams, res: ServerResponse): void {
    const all = [...this.jobs.values()].reverse(); // newest first, like the real list
    const { page, hasMore } = paginate(all, query, (j) => j.id);
    sendJson(res, 200, { object: 'list', data: page.map((j) => this.view(j)), has_more: hasMore });
  }

  events(id: string, query: URLSearchParams, res: ServerResponse): void {
    const job = this.get(id);
    const elapsed = Date.now() - job.createdMs;
    const horizon = Math.min(elapsed, job.cancelledAt ?? Infinity);
    const visible = job.timeline
      .map((e, index) => ({ e, index }))
      .filter(({ e }) => e.at <= horizon)
      .reverse(); // newest first, like the real API
    const { page, hasMore } = paginate(visible, query, ({ index }) => eventId(job, index));
    const data = page.map(({ e, index }) => ({
      object: 'fine_tuning.job.event',
      id: eventId(job, index),
      created_at: Math.floor((job.createdMs + e.at) / 1000),
      level: e.level,
      message: e.message,
      type: e.type,
      data: e.data ?? {},
    }));
    sendJson(res, 200, { object: 'list', data, has_more: hasMore });
  }

  private get(id: string): FakeJob {
    const job = this.jobs.get(id);
    if (!job) throw new HttpError(404, `No fine-tuning job found with id '${id}'.`);
    return job;
  }

  private view(job: FakeJob): Record<string, unknown> {
    const status = statusOf(job);
    const created = Math.floor(job.createdMs / 1000);
    const endedAt = status === 'cancelled' ? job.cancelledAt : job.endAt;
    const finished = status === 'succeeded' || status === 'failed' || status === 'cancelled';
    return {
      object: 'fine_tuning.job',
      id: job.id,
      model: job.model,
      created_at: created,
      finished_at: finished && endedAt !== undefined ? Math.floor((job.createdMs + endedAt) / 1000) : null,
      fine_tuned_model: status === 'succeeded' ? job.fineTunedModel : null,
      organization_id: 'org-fake',
      result_files: [],
      status,
      validation_file: null,
      training_file: job.trainingFile,
      hyperparameters: job.hyper,
      trained_tokens: status === 'succeeded' ? job.trainedTokens : null,
      error: status === 'failed' ? job.error : null,
      user_provided_suffix: job.suffix,
      seed: job.seed,
      estimated_finish: finished ? null : Math.ceil((job.createdMs + job.endAt) / 1000),
      integrations: [],
      metadata: job.metadata,
      method: { type: 'supervised', supervised: { hyperparameters: job.hyper } },
    };
  }
}

function statusOf(job: FakeJob): Status {
  if (job.cancelledAt !== undefined && job.cancelledAt < job.endAt) return 'cancelled';
  const elapsed = Date.now() - job.createdMs;
  if (elapsed >= job.endAt) return job.end;
  if (job.error?.code === 'invalid_training_file' || elapsed < job.endAt * 0.1) return 'validating_files';
  if (elapsed < job.endAt * 0.2) return 'queued';
  return 'running';
}

function eventId(job: FakeJob, index: number): string {
  return `ftevent-${job.id.slice(6, 18)}${String(index).padStart(5, '0')}`;
}

/** `after` (an id of the previous page's last item) and `limit`, as the real list endpoints take them. */
function paginate<T>(items: T[], query: URLSearchParams, idOf: (t: T) => string): { page: T[]; hasMore: boolean } {
  const after = query.get('after');
  const start = after ? items.findIndex((t) => idOf(t) === after) + 1 : 0;
  if (after && start === 0) return { page: [], hasMore: false };
  const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 20) || 20));
  return { page: items.slice(start, start + limit), hasMore: start + limit < items.length };
}

interface FileCheck {
  examples: number;
  tokens: number;
  error?: string;
}

/** Lays out the job's events and end: a bad file fails during validation, `fail` fails mid-training. */
function layOut(job: FakeJob, check: FileCheck, durationMs: number, fail: boolean | string): void {
  const d = durationMs;
  const t = job.timeline;
  t.push({ at: 0, level: 'info', message: `Created fine-tuning job: ${job.id}`, type: 'message' });
  t.push({ at: 0, level: 'info', message: `Validating training file: ${job.trainingFile}`, type: 'message' });
  if (check.error !== undefined) {
    job.end = 'failed';
    job.endAt = d * 0.1;
    job.error = { code: 'invalid_training_file', message: check.error, param: 'training_file' };
    t.push({ at: job.endAt, level: 'error', message: check.error, type: 'message' });
    return;
  }
  t.push({ at: d * 0.1, level: 'info', message: 'Files validated, moving job to queued state', type: 'message' });
  t.push({ at: d * 0.2, level: 'info', message: 'Fine-tuning job started', type: 'message' });
  const steps = Math.ceil(check.examples / job.hyper.batch_size) * job.hyper.n_epochs;
  const shown = Math.min(steps, MAX_STEP_EVENTS);
  const failAt = d * 0.6;
  for (let i = 1; i <= shown; i++) {
    const at = d * 0.2 + (d * 0.75 * i) / shown;
    if (fail !== false && at >= failAt) break;
    const step = Math.round((i * steps) / shown);
    const loss = 0.4 + 1.6 * Math.exp((-3 * step) / steps);
    t.push({ at, level: 'info', message: `Step ${step}/${steps}: training loss=${loss.toFixed(3)}`, type: 'metrics', data: { step, total_steps: steps, train_loss: Number(loss.toFixed(4)) } });
  }
  if (fail !== false) {
    const message = typeof fail === 'string' ? fail : 'The job failed due to an internal error (injected by the fake server: fineTuneFail).';
    job.end = 'failed';
    job.endAt = failAt;
    job.error = { code: 'server_error', message, param: null };
    t.push({ at: failAt, level: 'error', message, type: 'message' });
    return;
  }
  t.push({ at: d, level: 'info', message: `New fine-tuned model created: ${job.fineTunedModel}`, type: 'message' });
  t.push({ at: d, level: 'info', message: 'The job has successfully completed', type: 'message' });
}

/** What OpenAI checks before training: chat JSONL, `messages` with roles and string contents, an assistant turn, ≥ 10 examples. */
function checkTrainingFile(text: string): FileCheck {
  let examples = 0;
  let tokens = 0;
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    if (!raw.trim()) continue;
    const where = `Line ${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch {
      return { examples, tokens, error: `Invalid file format. ${where} is not valid JSON.` };
    }
    if (!isRecord(row) || !Array.isArray(row.messages) || row.messages.length === 0) return { examples, tokens, error: `Invalid file format. ${where} has no "messages" list.` };
    let assistant = false;
    for (const m of row.messages as unknown[]) {
      if (!isRecord(m) || !['system', 'user', 'assistant', 'tool'].includes(m.role as string) || typeof m.content !== 'string') {
        return { examples, tokens, error: `Invalid file format. ${where}: every message needs a role (system, user, assistant, tool) and a string content.` };
      }
      if (m.role === 'assistant') assistant = true;
      tokens += 3 + Math.ceil(m.content.length / 4);
    }
    if (!assistant) return { examples, tokens, error: `Invalid file format. ${where} has no assistant message to train on.` };
    tokens += 3;
    examples++;
  }
  if (examples < MIN_EXAMPLES) return { examples, tokens, error: `Training file has ${examples} example(s), but must have at least ${MIN_EXAMPLES} examples` };
  return { examples, tokens };
}

/** 'auto' and missing values resolve as the real service does for small files (3 epochs, batch 1). */
function resolveHyper(raw: unknown): Hyper {
  const h = isRecord(raw) ? raw : {};
  const pick = (key: keyof Hyper, auto: number, ok: (n: number) => boolean): number => {
    const v = h[key];
    if (v === undefined || v === null || v === 'auto') return auto;
    if (typeof v !== 'number' || !ok(v)) throw new HttpError(400, `invalid hyperparameters.${key}: ${JSON.stringify(v)}`);
    return v;
  };
  return {
    n_epochs: pick('n_epochs', 3, (n) => Number.isInteger(n) && n >= 1 && n <= 50),
    batch_size: pick('batch_size', 1, (n) => Number.isInteger(n) && n >= 1 && n <= 256),
    learning_rate_multiplier: pick('learning_rate_multiplier', 1.8, (n) => n > 0 && n <= 10),
  };
}
