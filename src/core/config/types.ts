import type { ValidationProfile } from '../generation/validate';
import type { Domain, Method, SettingKey } from '../types';

/** Sampling parameters sent with every generation request. */
export interface Sampling {
  temperature: number;
  top_p: number;
  max_tokens: number;
  stop: string[];
}

export type Provider = 'openai' | 'anthropic' | 'openai-compatible';

/** A model endpoint (generator, evaluated model or judge) with every default filled in. */
export interface EndpointConfig {
  id: string;
  provider: Provider;
  model: string;
  baseURLs: string[] | undefined;
  /** Environment variable that holds the key; undefined = no key needed (local openai-compatible servers). */
  apiKeyEnv: string | undefined;
  sampling: Sampling;
  limits: { concurrency: number; rpm: number | undefined; tpm: number | undefined; maxTransportRetries: number; retryBaseMs: number };
  timeoutMs: number;
}

/** A generator with every default filled in. */
export interface GeneratorConfig extends EndpointConfig {
  batch: boolean;
  batchMaxItems: number;
  batchPollSeconds: number;
}

/** The benchmarks a model can be evaluated on (names used in configs, the CLI and results). */
export const BENCHMARKS = ['gsm8k', 'math', 'math-full', 'humaneval', 'mbpp', 'alpaca-eval', 'arena-hard'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** How benchmark questions are put to a model; recorded with every score so scores compare like with like. */
export interface PromptFormat {
  /** 'chat' through the chat template; 'completion' for base models without one (plain text, few-shot). */
  format: 'chat' | 'completion';
  /** System prompt for chat models (none by default). */
  system: string | undefined;
  /** Worked examples before the question (0 = zero-shot; completion prompts default to a few). */
  shots: number | undefined;
}

/** A model to evaluate: a student, the base or reference model, a generator as teacher. */
export interface EvalModelConfig extends EndpointConfig {
  /** What the model is in the PGR comparison (free text; 'student', 'base' and 'reference' are understood). */
  role: string | undefined;
  prompt: PromptFormat;
  /** Sampling as configured; benchmark defaults (greedy, per-benchmark length and stops) fill the rest. */
  samplingOverride: Partial<Sampling>;
  /** A student: the dataset (generator id × setting) it was trained on; evaluated on that domain's benchmarks. */
  trainedOn?: { generator: string; setting: SettingKey };
}

/** Where students are trained: the OpenAI fine-tuning API, or any shell line run as a tracked process. */
export type TrainingLauncherConfig =
  | {
      type: 'openai';
      /** The model to fine-tune. */
      model: string;
      hyperparameters: { n_epochs?: number; batch_size?: number; learning_rate_multiplier?: number };
      suffix: string | undefined;
      seed: number | undefined;
      baseURL: string | undefined;
      apiKeyEnv: string;
    }
  | {
      type: 'command';
      /** Shell line with {data}, {output}, {name}, {manifest}. */
      command: string;
      cwd: string;
      /** The student's model name at its endpoint ({name} replaced). */
      model: string | undefined;
      /** OpenAI-compatible base URL the student will be served at ({name} replaced). */
      endpoint: string | undefined;
      costPerHourUsd: number | undefined;
    };

/** A judge of the data: instruction difficulty and/or response quality on 1-5 rubrics. */
export interface MetricJudgeConfig extends EndpointConfig {
  metrics: Array<'difficulty' | 'quality'>;
  batch: boolean;
}

/** Intrinsic metrics of generated datasets (`agorabench metrics`). */
export interface MetricsConfig {
  /** Lengths, distinct-n, TF-IDF diversity and MinHash near-duplicates, with no API. */
  lexical: boolean;
  judges: MetricJudgeConfig[];
  /** A reward model over HTTP: POST `${baseURL}${path}` (vLLM pooling). */
  reward: (EndpointConfig & { path: string; request: 'messages' | 'text'; scorePath: string | undefined }) | undefined;
  /** Response perplexity under a model behind /completions with prompt logprobs. */
  perplexity: (EndpointConfig & { template: 'llama3' | 'plain' }) | undefined;
  embeddings: (EndpointConfig & { dimensions: number | undefined }) | undefined;
  /** Cosine at or above which two instances are near-duplicates. */
  nearDuplicate: number;
  maxAttempts: number;
  /** Generators' own problem-solving scores (percent) given in the config. */
  teacherScores: Record<string, number>;
}

export interface TrainingConfig {
  format: 'chat' | 'alpaca' | 'llama3';
  systemPrompt: string;
  concurrency: number;
  pollSeconds: number;
  launcher: TrainingLauncherConfig | undefined;
}

export interface EvaluationConfig {
  benchmarks: BenchmarkName[];
  /** The judge of AlpacaEval and Arena-Hard. */
  judge: EndpointConfig;
  /** Only the first N items of each benchmark (a slice for a quick look). */
  limit: number | undefined;
  /** Samples per code problem (pass@k); more than 1 samples at temperature 0.8. */
  samples: number;
  /** Attempts per item (an answer never arrived, a verdict could not be read). */
  maxAttempts: number;
  sandbox: { workers: number; timeoutMs: number; memoryMb: number; allowNetwork: boolean };
}

/** Where seed examples come from. */
export interface SeedSource {
  path?: string;
  url?: string;
  hf?: string;
  file?: string;
  config?: string;
  split?: string;
  revision?: string;
  format?: 'json' | 'jsonl' | 'csv';
  sha256?: string;
  limit?: number;
  /** Dataset viewer filter predicate (SQL-like, e.g. `source='mathstackexchange'`). */
  where?: string;
  fields?: { instruction?: string; response?: string };
}

/** Template markers; defaults follow the paper's released prompts. */
export interface Placeholders {
  demonstrationInput: string;
  demonstrationOutput: string;
  input: string;
  output: string;
  inputTrigger: string;
  outputTrigger: string;
  stopPhrase: string;
  theme: string;
  firstWord: string;
}

export interface SettingConfig {
  key: SettingKey;
  method: Method;
  domain: Domain;
  seeds: SeedSource;
  instances: number;
  /** Absolute path of the template file. */
  template: string;
  systemPrompt: string;
  placeholders: Placeholders;
  themes: string[];
  firstWords: string[];
  /** Which rules decide whether an output is kept (see generation/validate.ts). */
  validation: ValidationProfile;
}

export interface PriceOverride {
  input: number;
  output: number;
  batchDiscount?: number;
}

/** A loaded, validated config with defaults applied and paths made absolute. */
export interface RunConfig {
  file: string;
  name: string;
  resultsDir: string;
  dataDir: string | undefined;
  seed: number;
  generators: GeneratorConfig[];
  settings: SettingConfig[];
  generation: {
    demonstrations: number;
    demonstrationsFromSeed: number;
    /** Attempts per slot in total (the paper: 10). */
    maxAttempts: number;
    maxInstanceTokens: number;
    checkpointSeconds: number;
  };
  prices: Record<string, PriceOverride>;
  /** Models to evaluate on the benchmarks (`agorabench eval`). */
  evaluations: EvalModelConfig[];
  evaluation: EvaluationConfig;
  training: TrainingConfig;
  metrics: MetricsConfig;
}
