import { setMaxListeners } from 'node:events';
/** Everything one fake server instance remembers: options, stats, RNG streams, files and batches. */
import { RpmLimiter } from './faults';
import { DEFAULT_OPTIONS, emptyStats, validatePatch, type FakeServerOptions, type FakeServerStats, type ResolvedOptions } from './options';
import { Rng } from './rng';

export interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  createdAt: number;
  content: Buffer;
}

export class ServerState {
  options: ResolvedOptions;
  stats: FakeServerStats = emptyStats();
  readonly limiter = new RpmLimiter();
  /** Separate streams so changing latency settings does not shift which requests get faults. */
  faultRng: Rng;
  latencyRng: Rng;
  /** Batches submitted since start; salts per-item failure draws so a resubmitted item gets a fresh draw. */
  batchSeq = 0;
  inFlight = 0;
  /** Every distinct API key a request carried (any route), in the order they first arrived; cleared by reset(). */
  readonly keysSeen = new Set<string>();
  readonly files = new Map<string, StoredFile>();
  /** Aborted on close() so pending latency waits and hung 'timeout' requests end at once. */
  readonly shutdown = new AbortController();

  constructor(opts: FakeServerOptions = {}) {
    // every request in flight listens for shutdown; hundreds at once is normal here
    setMaxListeners(0, this.shutdown.signal);
    this.options = { ...DEFAULT_OPTIONS, ...validatePatch(opts) };
    this.faultRng = new Rng(this.options.seed);
    this.latencyRng = new Rng(this.options.seed ^ 0x9e3779b9);
  }

  configure(patch: Partial<FakeServerOptions>): void {
    const valid = validatePatch(patch);
    this.options = { ...this.options, ...valid };
    if (valid.seed !== undefined) {
      this.faultRng = new Rng(valid.seed);
      this.latencyRng = new Rng(valid.seed ^ 0x9e3779b9);
    }
  }

  /** Zeroes the stats, the keys seen and the RPM window; files and batches stay so clients can still collect. */
  reset(): void {
    this.stats = emptyStats();
    this.keysSeen.clear();
    this.limiter.clear();
    this.stats.maxConcurrent = this.inFlight;
  }

  countStatus(status: number | string): void {
    const key = String(status);
    this.stats.byStatus[key] = (this.stats.byStatus[key] ?? 0) + 1;
  }

  countFault(kind: string): void {
    this.stats.faults[kind] = (this.stats.faults[kind] ?? 0) + 1;
  }

  addUsage(inputTokens: number, outputTokens: number): void {
    this.stats.usage.inputTokens += inputTokens;
    this.stats.usage.outputTokens += outputTokens;
  }

  enter(): void {
    this.inFlight++;
    this.stats.maxConcurrent = Math.max(this.stats.maxConcurrent, this.inFlight);
  }

  leave(): void {
    this.inFlight--;
  }

  snapshot(): FakeServerStats {
    return structuredClone(this.stats);
  }
}
