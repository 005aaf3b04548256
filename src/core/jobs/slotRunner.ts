import type { ResponseCache } from '../cache/responseCache';
import type { PriceBook } from '../cost/prices';
import { CancelledError } from '../errors';
import type { BatchClient } from '../providers/batch';
import type { ChatRequest, ChatResponse } from '../providers/types';
import type { AttemptRecord, BatchRecord, DatasetStore } from '../store/datasetStore';
import { ZERO_USAGE, addUsage } from '../types';
import { sha256 } from '../util/rng';
import { sleep } from '../util/sleep';
import { TransportFailure, type PoolResult } from './endpointPool';

/** The endpoint (pool) a job sends its requests to cannot serve any request (bad key, unknown model). */
export class GeneratorUnusableError extends Error {
  constructor(
    readonly generator: string,
    detail: string,
  ) {
    super(`"${generator}" is unusable: ${detail}`);
    this.name = 'GeneratorUnusableError';
  }
}

/** Sends one chat request for a model (its endpoint pool). */
export interface Requester {
  chat(req: ChatRequest, estimatedTokens: number, signal?: AbortSignal): Promise<PoolResult>;
  readonly capacity: number;
}

/** How an answer was judged: the instance to keep, or why not (the slot is retried while attempts remain). */
export type Settled = { ok: true; instruction: string; response: string; meta?: Record<string, unknown> } | { ok: false; reasons: string[] };

/**
 * What a capability supplies to the slot runner: its slots, how an attempt's request is built,
 * and how an answer is judged. Generation, benchmark answers and judge verdicts are all tasks.
 */
export interface SlotTask<C extends object> {
  /** Number of slots (slot numbers are 0 … slots − 1). */
  readonly slots: number;
  /** What an attempt's request is made of; `journal` for random draws, which a resume must reuse. */
  choose(slot: number, attempt: number): { choice: C; journal: boolean };
  /** The request for a choice; undefined when it names something that no longer exists (a new choice is drawn). */
  request(slot: number, choice: C): ChatRequest | undefined;
  /** Judges an answer (may be slow or async: graders, sandboxes). */
  settle(slot: number, choice: C, response: ChatResponse): Settled | Promise<Settled>;
  /** A slot became valid, before it is durable (e.g. a demonstration for later prompts). */
  onValid?(slot: number, instance: { instruction: string; response: string }): void;
  /** A slot's outcome is durable in the store. */
  onDurable?(slot: number): void;
  /**
   * The sample number in the response cache key (default: the attempt). Tasks that ask the same
   * request several times on purpose (pass@k samples) keep their answers apart with it.
   */
  sampleOf?(slot: number, attempt: number): number;
  /** Slots that are not to be run (yet), e.g. a verdict whose answer does not exist. */
  skip?(slot: number): boolean;
}

export interface SlotJob<C extends object> {
  task: SlotTask<C>;
  store: DatasetStore;
  /** Name used in errors (generator or model id). */
  name: string;
  /** Provider and model, for the cache key and prices. */
  provider: string;
  model: string;
  /** Attempts per slot in total. */
  maxAttempts: number;
  /** Output tokens assumed for a lost answer when nothing was recorded yet. */
  fallbackOutputTokens: number;
  cache: ResponseCache;
  /**
   * false: answers are not written to the response cache (answers that are large and free to
   * ask again, like echoed prompt logprobs); the journal still keeps every settled slot.
   */
  cacheAnswers?: boolean;
  prices: PriceBook;
  requester: Requester;
  /** Set when requests go through the provider's batch API instead of one at a time. */
  batch?: { client: BatchClient; maxItems: number; pollSeconds: number };
  retryFailed?: boolean;
  /** Hard stop: abort requests in flight. */
  signal?: AbortSignal;
  /** Graceful stop: start nothing new, let requests in flight finish and be recorded. */
  stopSignal?: AbortSignal;
  /** Called after every attempt (its cost) and when a slot finishes (valid or failed). */
  onProgress?: (delta: SlotDelta) => void;
  onLog?: (message: string, level?: 'info' | 'warn') => void;
}

export interface SlotDelta {
  valid: number;
  failed: number;
  costUsd: number;
}

export interface SlotOutcome {
  status: 'completed' | 'cancelled';
}

/** One attempt's answer (from the cache, the provider or a batch), or why there is none. */
interface Answer {
  response?: ChatResponse;
  cached: boolean;
  transport: string[];
  latencyMs: number;
  via: AttemptRecord['via'];
}

interface Prepared<C> {
  req: ChatRequest;
  choice: C;
  cacheKey: string;
}

/**
 * Runs every unfinished slot of one store: attempts until the task accepts an answer or the
 * attempts are used up. Each step is journaled (choice, request sent, attempt, outcome) before it
 * counts, so a resumed run continues exactly where this one stopped and pays for nothing twice.
 * Attempts go one request at a time through the endpoint pool, or in rounds through a batch API.
 */
export class SlotRunner<C extends object> {
  /**
   * Choices made by this process for slots still in progress (older ones are read from the
   * store); a slot's entries go when it settles, so nothing here grows with the dataset.
   */
  private readonly intents = new Map<string, C>();
  /** `slot:attempt` of requests a crashed process sent whose answers are in the cache: billed when used. */
  private readonly recoverable = new Set<string>();
  /** Highest attempt number used per slot still in progress (or failed, for --retry-failed). */
  private readonly lastAttempt: Map<number, number>;
  /** Last attempt number a slot may use in this run. */
  private readonly budget = new Map<number, number>();
  /** Attempts of slots in progress (loaded from the store once for slots an earlier run started). */
  private readonly slotAttempts = new Map<number, AttemptRecord[]>();
  /**
   * Journal writes of slots in progress. Intents and attempts are not waited for one by one;
   * a slot's outcome waits for all of them (the journal keeps order), which saves round trips
   * to the disk per slot.
   */
  private readonly writes = new Map<number, Promise<unknown>[]>();
  /** Outcomes written but not yet durable. */
  private readonly finalizing = new Set<Promise<void>>();
  private writeError: unknown;

  constructor(private readonly job: SlotJob<C>) {
    this.lastAttempt = job.store.lastAttempts();
  }

  /** Slots still to do: never finished, or failed when `retryFailed` is set. */
  pendingSlots(): number[] {
    const finished = this.job.store.finishedSlots();
    const out: number[] = [];
    for (let slot = 0; slot < this.job.task.slots; slot++) {
      if (this.job.task.skip?.(slot)) continue;
      const st = finished.get(slot);
      if (st === undefined || (st === 'failed' && this.job.retryFailed)) out.push(slot);
    }
    return out;
  }

  /** Slots to run that have no recorded outcome yet. */
  unfinished(): number {
    const finished = this.job.store.finishedSlots();
    let n = 0;
    for (let slot = 0; slot < this.job.task.slots; slot++) if (!finished.has(slot) && !this.job.task.skip?.(slot)) n++;
    return n;
  }

  private get stopped(): boolean {
    return Boolean(this.job.signal?.aborted || this.job.stopSignal?.aborted);
  }

  async run(): Promise<SlotOutcome> {
    if (!this.job.batch) await this.accountUnsettled();
    for (const slot of this.pendingSlots()) {
      const used = this.lastAttempt.get(slot) ?? 0;
      this.budget.set(slot, (this.job.retryFailed ? used : 0) + this.job.maxAttempts);
    }
    try {
      if (this.job.batch) await this.runBatches(this.job.batch);
      else await this.runSync();
    } finally {
      await this.settled();
    }
    await this.job.store.flush();
    return { status: this.unfinished() === 0 ? 'completed' : 'cancelled' };
  }

  /**
   * Requests an earlier process sent but never settled (it died first). Each was probably paid
   * for: when its answer reached the response cache, the attempt that reuses it is billed for
   * real; otherwise its spend is estimated (input tokens as sent, output as the mean of recorded
   * answers) and recorded as unrecorded spend, so the cost report never silently undercounts.
   */
  private async accountUnsettled(): Promise<void> {
    const { store, prices, model } = this.job;
    const unsettled = store.unsettledSends();
    if (!unsettled.length) return;
    const meanOut = Math.round(store.meanOutputTokens() ?? this.job.fallbackOutputTokens);
    let estimated = 0;
    let cost = 0;
    for (const u of unsettled) {
      const p = this.prepare(u.slot, u.attempt);
      if (this.cached(p.cacheKey)) {
        this.recoverable.add(`${u.slot}:${u.attempt}`);
        continue;
      }
      const usage = { inputTokens: u.inputTokens, outputTokens: meanOut };
      const costUsd = prices.cost(model, usage, false);
      await store.recordUnrecorded({ slot: u.slot, attempt: u.attempt, ...usage, costUsd, at: new Date().toISOString() });
      estimated++;
      cost += costUsd;
    }
    const recovered = unsettled.length - estimated;
    this.job.onLog?.(
      `${store.info.id}: ${unsettled.length} request(s) sent before the last stop were never recorded: ` +
        `${recovered} answer(s) found in the cache (billed when used), ${estimated} lost (about $${cost.toFixed(4)}, recorded as unrecorded, estimated spend)`,
      'warn',
    );
  }

  private cached(key: string): ChatResponse | undefined {
    return this.job.cacheAnswers === false ? undefined : this.job.cache.get(key);
  }

  // ---- one request per attempt ---------------------------------------------------------

  private async runSync(): Promise<void> {
    const pending = this.pendingSlots();
    let next = 0;
    // as many workers as the pool runs at once: a request is built only when it can start,
    // so instance generation sees every instance finished before it as a possible demonstration
    const workers = Math.min(pending.length, this.job.requester.capacity);
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (!this.stopped && next < pending.length) {
          if (this.writeError) throw this.writeError;
          const slot = pending[next++] as number;
          try {
            await this.runSlot(slot);
          } catch (e) {
            if (e instanceof CancelledError) return;
            throw e;
          }
        }
      }),
    );
  }

  private async runSlot(slot: number): Promise<void> {
    for (;;) {
      if (this.job.stopSignal?.aborted) throw new CancelledError();
      const attempt = this.nextAttempt(slot);
      const p = this.prepare(slot, attempt);
      const answer = this.fromCache(p) ?? (await this.ask(slot, attempt, p));
      if ((await this.settle(slot, attempt, p.choice, answer)) !== 'retry') return;
    }
  }

  private async ask(slot: number, attempt: number, p: Prepared<C>): Promise<Answer> {
    const { req } = p;
    const promptTokens = Math.ceil((req.system.length + (req.prompt?.length ?? 0) + req.messages.reduce((n, m) => n + m.content.length, 0)) / 4);
    const estimate = promptTokens + req.sampling.max_tokens;
    // journaled, not awaited: if the process dies before the answer is recorded, the next run sees it was sent
    this.track(slot, this.job.store.recordSent(slot, attempt, promptTokens));
    const t0 = performance.now();
    try {
      const r = await this.job.requester.chat(req, estimate, this.job.signal);
      if (this.job.cacheAnswers !== false) this.job.cache.put(p.cacheKey, r.response);
      return { response: r.response, cached: false, transport: r.retries, latencyMs: performance.now() - t0, via: 'sync' };
    } catch (e) {
      if (e instanceof TransportFailure) {
        if (e.fatal) throw new GeneratorUnusableError(this.job.name, e.message);
        return { cached: false, transport: e.reasons, latencyMs: performance.now() - t0, via: 'sync' };
      }
      throw e;
    }
  }

  // ---- batch API rounds ----------------------------------------------------------------

  /**
   * Rounds of at most `maxItems` attempts: submit, store the batch id, poll, collect, and put
   * failed or expired items into the next round. Batches an earlier process submitted are
   * collected first. A stop leaves a submitted batch running; the next run collects it.
   */
  private async runBatches(batch: NonNullable<SlotJob<C>['batch']>): Promise<void> {
    for (const b of this.job.store.openBatches()) {
      if (!(await this.collect(batch, b))) return;
    }
    while (!this.stopped) {
      // outcomes of the last round must be in the store before it says which slots are still pending
      await this.settled();
      const round = this.pendingSlots()
        .filter((s) => this.nextAttempt(s) <= (this.budget.get(s) ?? 0))
        .slice(0, batch.maxItems);
      if (!round.length) return;
      const items: BatchRecord['items'] = [];
      const reqs: { customId: string; req: ChatRequest }[] = [];
      for (const slot of round) {
        const attempt = this.nextAttempt(slot);
        const p = this.prepare(slot, attempt);
        const hit = this.fromCache(p, 'batch');
        if (hit) {
          await this.settle(slot, attempt, p.choice, hit);
          continue;
        }
        const customId = `s${slot}-a${attempt}`;
        items.push({ customId, slot, attempt });
        reqs.push({ customId, req: p.req });
      }
      if (!items.length) continue;
      const id = await batch.client.submit(reqs);
      const now = new Date().toISOString();
      const record: BatchRecord = { id, provider: batch.client.provider, status: 'submitted', items, submittedAt: now, updatedAt: now };
      await this.job.store.recordBatch(record);
      this.job.onLog?.(`${this.job.store.info.id}: submitted batch ${id} (${items.length} requests)`);
      if (!(await this.collect(batch, record))) return;
    }
  }

  /** Waits for a batch and settles its items; false when stopped before it ended. */
  private async collect(batch: NonNullable<SlotJob<C>['batch']>, b: BatchRecord): Promise<boolean> {
    const t0 = Date.parse(b.submittedAt);
    for (;;) {
      const { state, detail } = await batch.client.state(b.id);
      if (state === 'ended') break;
      if (this.stopped) {
        this.job.onLog?.(`${this.job.store.info.id}: batch ${b.id} is still ${detail}; it will be collected by the next run`);
        return false;
      }
      try {
        await sleep(batch.pollSeconds * 1000, this.job.signal ?? this.job.stopSignal);
      } catch {
        // stopping: the loop checks once more and leaves the batch for the next run
      }
    }
    const results = await batch.client.results(b.id);
    const latencyMs = Date.now() - t0;
    await this.settled();
    const finished = this.job.store.finishedSlots();
    for (const item of b.items) {
      if (finished.has(item.slot)) continue;
      if (!this.budget.has(item.slot)) this.budget.set(item.slot, item.attempt - 1 + this.job.maxAttempts);
      const p = this.prepare(item.slot, item.attempt);
      const r = results.get(item.customId);
      if (r && 'response' in r) {
        if (this.job.cacheAnswers !== false) this.job.cache.put(p.cacheKey, r.response);
        await this.settle(item.slot, item.attempt, p.choice, { response: r.response, cached: false, transport: [], latencyMs, via: 'batch' });
      } else {
        const why = r?.error ?? 'batch-missing: the batch ended without a result for this request';
        await this.settle(item.slot, item.attempt, p.choice, { cached: false, transport: [why], latencyMs, via: 'batch' });
      }
    }
    await this.job.store.recordBatch({ ...b, status: 'collected', updatedAt: new Date().toISOString() });
    return true;
  }

  // ---- shared: requests, answers, outcomes --------------------------------------------

  private nextAttempt(slot: number): number {
    return (this.lastAttempt.get(slot) ?? 0) + 1;
  }

  /** The request for an attempt: the journaled choice when resuming, else a new one (journaled first when random). */
  private prepare(slot: number, attempt: number): Prepared<C> {
    const { task } = this.job;
    const key = `${slot}:${attempt}`;
    let choice = this.intents.get(key) ?? (this.job.store.intent(slot, attempt) as C | undefined);
    let req = choice ? task.request(slot, choice) : undefined;
    if (!choice || !req) {
      const chosen = task.choose(slot, attempt);
      choice = chosen.choice;
      req = task.request(slot, choice);
      if (!req) throw new Error(`slot ${slot}: its request refers to something missing`);
      if (chosen.journal) this.track(slot, this.job.store.recordIntent(slot, attempt, { ...choice } as Record<string, unknown>));
      this.intents.set(key, { ...choice });
    }
    return { req, choice, cacheKey: this.job.cache.key(this.job.provider, req, task.sampleOf?.(slot, attempt) ?? attempt) };
  }

  /**
   * A slot's outcome is journaled: it counts (progress) once all of its writes are durable. The
   * worker does not wait for that and starts its next request at once; `settled()` waits.
   */
  private finish(slot: number, write: Promise<unknown>, delta: SlotDelta): void {
    this.track(slot, write);
    const pending = this.writes.get(slot) ?? [];
    this.writes.delete(slot);
    this.slotAttempts.delete(slot);
    for (let a = this.lastAttempt.get(slot) ?? 0; a > 0 && this.intents.delete(`${slot}:${a}`); a--);
    if (delta.valid) this.lastAttempt.delete(slot);
    this.budget.delete(slot);
    const done: Promise<void> = Promise.all(pending)
      .then(() => {
        // durable and applied: the store answers for this instance from now on
        this.job.task.onDurable?.(slot);
        this.job.onProgress?.(delta);
      })
      .catch((e: unknown) => {
        this.writeError ??= e;
      })
      .finally(() => this.finalizing.delete(done));
    this.finalizing.add(done);
  }

  /** Waits until every finished slot is durable; rethrows a failed journal write. */
  private async settled(): Promise<void> {
    while (this.finalizing.size) await Promise.all([...this.finalizing]);
    if (this.writeError) throw this.writeError;
  }

  private track(slot: number, write: Promise<unknown>): void {
    // awaited when the slot settles; a slot abandoned by a stop must not leave an unhandled rejection
    write.catch(() => undefined);
    const list = this.writes.get(slot);
    if (list) list.push(write);
    else this.writes.set(slot, [write]);
  }

  private attemptsOf(slot: number): AttemptRecord[] {
    let list = this.slotAttempts.get(slot);
    if (!list) {
      list = this.lastAttempt.has(slot) ? this.job.store.attemptsFor(slot) : [];
      this.slotAttempts.set(slot, list);
    }
    return list;
  }

  private fromCache(p: Prepared<C>, via: AttemptRecord['via'] = 'sync'): Answer | undefined {
    const hit = this.cached(p.cacheKey);
    return hit ? { response: hit, cached: true, transport: [], latencyMs: 0, via } : undefined;
  }

  /**
   * Records an attempt and decides the slot: valid (instance recorded), failed (attempts used up,
   * recorded with every reason) or retry.
   */
  private async settle(slot: number, attempt: number, choice: C, a: Answer): Promise<'valid' | 'failed' | 'retry'> {
    const { store, prices, model, task } = this.job;
    const attempts = this.attemptsOf(slot);
    this.lastAttempt.set(slot, Math.max(this.lastAttempt.get(slot) ?? 0, attempt));
    const res = a.response;
    // an answer a crashed process paid for and cached, used now: billed once, here
    const recovered = a.cached && this.recoverable.delete(`${slot}:${attempt}`);
    const billed = res && (!a.cached || recovered) ? res.usage : ZERO_USAGE;
    const costUsd = prices.cost(model, billed, a.via === 'batch');
    let reasons: string[];
    let kept: Extract<Settled, { ok: true }> | undefined;
    // no answer: the reasons are what each try ran into (status, timeout, malformed body…)
    if (!res) reasons = a.transport.length ? [...a.transport] : ['transport: no answer'];
    else {
      const s = await task.settle(slot, choice, res);
      reasons = s.ok ? [] : s.reasons;
      if (s.ok) kept = s;
    }
    const record: AttemptRecord = {
      slot,
      attempt,
      outcome: !res ? 'transport' : kept ? 'valid' : 'invalid',
      reasons,
      usage: billed,
      costUsd,
      latencyMs: Math.round(a.latencyMs),
      cached: a.cached && !recovered,
      via: a.via,
      transport: a.transport,
      at: new Date().toISOString(),
      // a rejected answer is kept so the slot can be inspected; a valid one lives in the instance
      ...(res && !kept ? { rawOutput: res.text } : {}),
    };
    attempts.push(record);
    this.track(slot, store.recordAttempt(record));
    this.job.onProgress?.({ valid: 0, failed: 0, costUsd });
    if (!kept && attempt < (this.budget.get(slot) ?? 0)) return 'retry';
    // the instance's totals cover every attempt of the slot, including those of earlier processes
    const usage = attempts.reduce((u, x) => addUsage(u, x.usage), ZERO_USAGE);
    const cost = attempts.reduce((n, x) => n + x.costUsd, 0);
    const history = attempts.filter((x) => x.outcome !== 'valid').flatMap((x) => x.reasons.map((r) => `attempt ${x.attempt}: ${r}`));
    const meta = { ...choice, ...kept?.meta, attempt, via: a.via, ...(a.cached ? { cached: true } : {}), ...(res ? { finishReason: res.finishReason } : {}) };
    const common = {
      slot,
      reasons: history,
      attempts: attempts.length,
      usage,
      costUsd: cost,
      latencyMs: attempts.reduce((n, x) => n + x.latencyMs, 0),
      startedAt: attempts[0]?.at ?? new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      rawOutput: res?.text ?? '',
      meta,
    };
    if (kept) {
      const { instruction, response } = kept;
      this.finish(slot, store.recordInstance({ ...common, status: 'valid', instruction, response, contentHash: sha256(`${instruction}\u0000${response}`) }), { valid: 1, failed: 0, costUsd: 0 });
      task.onValid?.(slot, { instruction, response });
      return 'valid';
    }
    this.finish(slot, store.recordInstance({ ...common, status: 'failed', instruction: '', response: '', contentHash: '' }), { valid: 0, failed: 1, costUsd: 0 });
    return 'failed';
  }
}
