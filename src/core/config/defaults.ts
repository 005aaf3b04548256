import type { ValidationProfile } from '../generation/validate';
import type { Domain, Method } from '../types';
import type { Placeholders, Provider, Sampling } from './types';

/** The paper's sampling settings (temperature 1.0, top_p 0.9, 4096 tokens, stop at [END]). */
export const PAPER_SAMPLING: Sampling = { temperature: 1.0, top_p: 0.9, max_tokens: 4096, stop: ['[END]'] };

export const DEFAULT_KEY_ENV: Record<Provider, string | undefined> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  'openai-compatible': undefined,
};

export const DEFAULT_LIMITS = { concurrency: 8, maxTransportRetries: 8, retryBaseMs: 1000 };

export const DEFAULT_GENERATION = {
  instancesPerSetting: 10000,
  demonstrations: 3,
  demonstrationsFromSeed: 2,
  // the released loop makes `max_retries` (10) attempts in total
  maxAttempts: 10,
  maxInstanceTokens: 4096,
  validation: 'paper' as ValidationProfile,
  checkpointSeconds: 5,
};

export const DEFAULT_SYSTEM_PROMPT =
  'You generate training data. Follow the guidelines, requirements and examples you are given exactly, ' +
  'and write only the requested instance.';

/** Markers of the paper's released prompt templates, so those templates run unchanged. */
export function defaultPlaceholders(method: Method): Placeholders {
  const qe = method === 'quality_enhancement';
  return {
    demonstrationInput: '<input@>',
    demonstrationOutput: '<output@>',
    input: '<input>',
    output: '<output>',
    inputTrigger: qe ? 'Revised Question:' : 'INPUT:',
    outputTrigger: qe ? 'Revised Answer:' : 'OUTPUT:',
    stopPhrase: '[END]',
    theme: '<input_theme>',
    firstWord: '<first_word>',
  };
}

/** Template file shipped with the extension for a setting. */
export function defaultTemplateName(method: Method, domain: Domain): string {
  return `${method}.${domain}.txt`;
}
