/**
 * A training command template: a shell line with `{data}`, `{output}`, `{name}` and `{manifest}`
 * placeholders, filled with shell-quoted values so a path with spaces or quotes stays one argument.
 */
import { DataError } from '../errors';

export const PLACEHOLDERS = ['data', 'output', 'name', 'manifest'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** `{word}` not preceded by `$`: `${HOME}` and friends are the shell's, not ours. */
const PLACEHOLDER = /(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** One POSIX shell word: single quotes, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The template with every placeholder replaced by its quoted value. Unknown placeholders (a typo
 * would otherwise reach the shell as literal text) and placeholders without a value are errors
 * naming them all.
 */
export function fillCommand(template: string, values: Partial<Record<Placeholder, string>>): string {
  const unknown = new Set<string>();
  const missing = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) unknown.add(`{${name}}`);
    else if (values[name as Placeholder] === undefined) missing.add(`{${name}}`);
  }
  if (unknown.size) throw new DataError(`unknown placeholder(s) ${[...unknown].join(', ')} in the training command; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`, 'training command');
  if (missing.size) throw new DataError(`placeholder(s) ${[...missing].join(', ')} have no value for this training`, 'training command');
  return template.replace(PLACEHOLDER, (_, name: string) => shellQuote(values[name as Placeholder] ?? ''));
}

/** `{name}` replaced as plain text (model names and URLs are not shell words). */
export function fillName(text: string | undefined, name: string): string | undefined {
  return text?.replace(/\{name\}/g, name);
}
