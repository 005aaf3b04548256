// Secret-looking strings for tests, assembled at run time so that no source line holds anything a
// secret scanner would take for a real key. Shared by the unit and the extension host suites.
import { randomInt } from 'node:crypto';

/**
 * A key-shaped sentinel for redaction tests (`sentinelKey('sk-proj', 'ABC…')` → `sk-proj-ABC…`).
 */
export function sentinelKey(prefix: string, body: string): string {
  return `${prefix}-${body}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` random letters and digits. */
export function randomAlnum(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/**
 * A fresh sentinel for a leak test: a fixed, recognisable marker plus random letters and digits, so
 * no file left by an earlier run can match it. `shape: 'key'` gives an OpenAI-style project key
 * (`sk-proj-…`, which the product's redaction also recognises by its shape); `shape: 'opaque'` a
 * token of no known shape (a self-hosted server's `--api-key`), which only redaction of the keys
 * in use can catch.
 */
export function freshSentinel(shape: 'key' | 'opaque', length = 40): string {
  // the 'Q' keeps the random part from starting like another provider's prefix (hf_, gsk_, ghp_…)
  if (shape === 'key') return sentinelKey('sk-proj', `AGBSENTINEL${randomAlnum(length)}`);
  return `agbtoken.Q${randomAlnum(length)}`;
}

/**
 * A distinctive slice from the middle of a sentinel (entirely inside its random part), to find
 * partial leaks: a truncated, wrapped or re-prefixed copy still contains it.
 */
export function middleSlice(sentinel: string, length = 14): string {
  const start = Math.floor((sentinel.length - length) / 2);
  return sentinel.slice(start, start + length);
}
