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

/** A generator with every default filled in. */
export interface GeneratorConfig {
  id: string;
  provider: Provider;
  model: string;
  baseURLs: string[] | undefined;
  /** Environment variable that holds the key; undefined = no key needed (local openai-compatible servers). */
  apiKeyEnv: string | undefined;
  sampling: Sampling;
  limits: { concurrency: number; rpm: number | undefined; tpm: number | undefined; maxTransportRetries: number; retryBaseMs: number };
  timeoutMs: number;
  batch: boolean;
  batchMaxItems: number;
  batchPollSeconds: number;
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
}
