/** Options and stats types of the fake server, plus the defaults and patch validation. */

export const FAULT_KINDS = ['rate_limit', 'server_error', 'timeout', 'malformed', 'truncated', 'broken_body'] as const;
/** Drawn when `faults` is not given ('broken_body' — a 200 whose body stops half-way — is opt-in). */
export const DEFAULT_FAULTS: FaultKind[] = ['rate_limit', 'server_error', 'timeout', 'malformed', 'truncated'];
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FakeServerOptions {
  /** 0 = random free port (default). */
  port?: number;
  /** Added before every chat/messages response (default 0). */
  latencyMs?: number;
  /** Uniform extra 0..jitter ms on top of latencyMs (default 0). */
  latencyJitterMs?: number;
  /** Accepted requests per rolling 60 s window across chat+messages; over it -> 429 (default none). */
  rpmLimit?: number;
  /** Probability 0..1 that a chat/messages request gets a fault (default 0). */
  faultRate?: number;
  /** Kinds drawn uniformly when a fault fires (default all five). */
  faults?: FaultKind[];
  /** How long a 'timeout' fault holds the request before dropping the socket (default 30000). */
  timeoutHangMs?: number;
  /** Retry hint sent with injected 429s: `retry-after-ms` as is, `retry-after` as ceil seconds (default 1000). */
  retryAfterMs?: number;
  /** Seeds all randomness (faults, content, batch failures) (default 1). */
  seed?: number;
  /** How long a submitted batch stays in progress before it finishes (default 200). */
  batchDelayMs?: number;
  /** Fraction of batch items that come back as errors (default 0). */
  batchFailRate?: number;
  /** 401 when no key header is sent (default true). */
  requireKey?: boolean;
  /** Keys refused with a 401 whose message quotes the key, as OpenAI's does (default none). */
  rejectKeys?: string[];
  /**
   * Error answers to chat/messages requests (injected faults, RPM limits, invalid bodies; not 401s,
   * see rejectKeys) quote the key the request carried, as some gateways echo request headers: for
   * tests that check a client never stores, logs or shows a key a server sent back (default false).
   */
  echoKeyInErrors?: boolean;
  /**
   * Chat/messages requests served at once; more get 429 without any retry hint, like an
   * overloaded gateway that declares no limit (default none).
   */
  concurrencyLimit?: number;
  /**
   * Benchmark answers chosen by the test: a prompt whose last user turn contains an entry's
   * `question` is answered with `answers[model]` when the entry has one (the longest matching
   * question wins), so the test knows each model's true score (default none).
   */
  answerKey?: AnswerKeyEntry[];
  /**
   * How long a fine-tuning job takes from creation to its end (validating_files → queued → running →
   * succeeded), in ms (default 300).
   */
  fineTuneMs?: number;
  /**
   * Fine-tuning jobs created while this is set fail mid-training with an error object (a string is
   * the error's message) (default false).
   */
  fineTuneFail?: boolean | string;
  /**
   * Share 0..1 of rubric-judge verdicts (difficulty/quality prompts) answered without a readable
   * verdict, drawn from a hash of the prompt, so a retry (which appends a note) draws anew (default 0).
   */
  judgeMalformedRate?: number;
  /**
   * Faults for the next requests to the scoring routes (/v1/embeddings, /pooling, /classify,
   * /score), one per request in order: 'server_error' = 503, 'rate_limit' = 429 with the retry hint,
   * 'malformed' = 200 whose JSON lacks the result (default none).
   */
  scoringFaults?: ScoringFault[];
}

export const SCORING_FAULTS = ['server_error', 'rate_limit', 'malformed'] as const;
export type ScoringFault = (typeof SCORING_FAULTS)[number];

export interface AnswerKeyEntry {
  question: string;
  /** By model name: the text that model answers. */
  answers: Record<string, string>;
}

export type ResolvedOptions = Required<Omit<FakeServerOptions, 'rpmLimit' | 'concurrencyLimit'>> & { rpmLimit: number | undefined; concurrencyLimit: number | undefined };

export interface FakeServerStats {
  /** chat + messages requests received (including faulted and rejected ones). */
  requests: number;
  /** Count per HTTP status of those requests, plus "timeout" for dropped ones. */
  byStatus: Record<string, number>;
  /** Sum of usage reported in every 200 response (sync + batch results). */
  usage: { inputTokens: number; outputTokens: number };
  /** Count per injected fault kind. */
  faults: Record<string, number>;
  /** Batches submitted per API. */
  batches: { openai: number; anthropic: number };
  /** OpenAI fine-tuning jobs created and cancelled. */
  fineTuning: { jobs: number; cancelled: number };
  /** Peak number of chat/messages requests in flight at once. */
  maxConcurrent: number;
  /** Requests refused with 429 because more than `concurrencyLimit` were in flight. */
  overCapacity?: number;
  /**
   * Answered chat/messages requests: time from acceptance to the answer, summed (ms), and the span
   * from the first acceptance to the last answer (epoch ms). busyMs / (span × capacity) is how full
   * the server was kept.
   */
  served?: { busyMs: number; firstAt: number; lastAt: number };
  /** Requests per scoring route ('/v1/embeddings', '/pooling', '/classify', '/score'), faulted ones included. */
  scoring?: Record<string, number>;
}

export const DEFAULT_OPTIONS: ResolvedOptions = {
  port: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  rpmLimit: undefined,
  faultRate: 0,
  faults: [...DEFAULT_FAULTS],
  timeoutHangMs: 30_000,
  retryAfterMs: 1000,
  seed: 1,
  batchDelayMs: 200,
  batchFailRate: 0,
  requireKey: true,
  rejectKeys: [],
  echoKeyInErrors: false,
  concurrencyLimit: undefined,
  answerKey: [],
  fineTuneMs: 300,
  fineTuneFail: false,
  judgeMalformedRate: 0,
  scoringFaults: [],
};

export function emptyStats(): FakeServerStats {
  return {
    requests: 0,
    byStatus: {},
    usage: { inputTokens: 0, outputTokens: 0 },
    faults: {},
    batches: { openai: 0, anthropic: 0 },
    fineTuning: { jobs: 0, cancelled: 0 },
    maxConcurrent: 0,
  };
}

const NON_NEGATIVE = ['port', 'latencyMs', 'latencyJitterMs', 'timeoutHangMs', 'retryAfterMs', 'batchDelayMs', 'fineTuneMs'] as const;
const RATES = ['faultRate', 'batchFailRate', 'judgeMalformedRate'] as const;

/**
 * Checks an untrusted patch (it may come from the admin HTTP endpoint) and returns it typed.
 * Throws with a readable message on the first bad field so callers can answer 400.
 */
export function validatePatch(raw: unknown): Partial<FakeServerOptions> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('config patch must be a JSON object');
  const input = raw as Record<string, unknown>;
  const out: Partial<FakeServerOptions> = {};
  for (const [key, value] of Object.entries(input)) {
    // A programmatic `{ latencyMs: undefined }` means "leave as is", except for rpmLimit below.
    if (value === undefined && key !== 'rpmLimit') continue;
    if ((NON_NEGATIVE as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${key} must be a number >= 0`);
      out[key as (typeof NON_NEGATIVE)[number]] = value;
    } else if ((RATES as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error(`${key} must be a number in 0..1`);
      out[key as (typeof RATES)[number]] = value;
    } else if (key === 'rejectKeys') {
      if (!Array.isArray(value) || !value.every((k) => typeof k === 'string')) throw new Error('rejectKeys must be an array of strings');
      out.rejectKeys = [...(value as string[])];
    } else if (key === 'concurrencyLimit') {
      if (value === null) out.concurrencyLimit = undefined;
      else if (typeof value === 'number' && Number.isInteger(value) && value > 0) out.concurrencyLimit = value;
      else throw new Error('concurrencyLimit must be a positive integer or null');
    } else if (key === 'rpmLimit') {
      // null/undefined lifts the limit; the admin endpoint can only express that as null.
      if (value === null || value === undefined) out.rpmLimit = undefined;
      else if (typeof value === 'number' && Number.isInteger(value) && value > 0) out.rpmLimit = value;
      else throw new Error('rpmLimit must be a positive integer or null');
    } else if (key === 'answerKey') {
      const ok = Array.isArray(value) && value.every((e) => typeof e === 'object' && e !== null && typeof (e as AnswerKeyEntry).question === 'string' && typeof (e as AnswerKeyEntry).answers === 'object');
      if (!ok) throw new Error('answerKey must be an array of { question, answers: { model: text } }');
      out.answerKey = value as AnswerKeyEntry[];
    } else if (key === 'seed') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error('seed must be a number');
      out.seed = value;
    } else if (key === 'fineTuneFail') {
      if (typeof value !== 'boolean' && (typeof value !== 'string' || !value)) throw new Error('fineTuneFail must be a boolean or a non-empty error message');
      out.fineTuneFail = value;
    } else if (key === 'requireKey' || key === 'echoKeyInErrors') {
      if (typeof value !== 'boolean') throw new Error(`${key} must be a boolean`);
      out[key] = value;
    } else if (key === 'scoringFaults') {
      const ok = Array.isArray(value) && value.every((k) => typeof k === 'string' && (SCORING_FAULTS as readonly string[]).includes(k));
      if (!ok) throw new Error(`scoringFaults must be an array of ${SCORING_FAULTS.join(', ')}`);
      out.scoringFaults = [...(value as ScoringFault[])];
    } else if (key === 'faults') {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isFaultKind)) {
        throw new Error(`faults must be a non-empty array of ${FAULT_KINDS.join(', ')}`);
      }
      out.faults = [...value];
    } else {
      throw new Error(`unknown option ${key}`);
    }
  }
  return out;
}

function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}
