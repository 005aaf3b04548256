import * as fs from 'node:fs';
import type { Placeholders } from '../config/types';
import { AgoraError } from '../errors';
import type { Example, Method } from '../types';

/** A meta-prompt template file with named placeholders (the paper's marker syntax). */
export interface Template {
  file: string;
  text: string;
  method: Method;
  placeholders: Placeholders;
  /** Number of demonstrations the template has slots for (instance generation). */
  demonstrations: number;
  usesTheme: boolean;
  usesFirstWord: boolean;
}

/** What fills one rendering of a template. */
export interface TemplateFill {
  demonstrations?: Example[];
  input?: string;
  output?: string;
  theme?: string;
  firstWord?: string;
}

export function loadTemplate(file: string, method: Method, placeholders: Placeholders, demonstrations: number): Template {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AgoraError(`cannot read template (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'template', file);
  }
  // editors add a final newline; the prompt should end right after the trigger, as the paper's do
  text = text.replace(/\r\n/g, '\n').replace(/\n$/, '');
  const t: Template = {
    file,
    text,
    method,
    placeholders,
    demonstrations: 0,
    // an empty marker is "in" every text: treat it as unused
    usesTheme: placeholders.theme !== '' && text.includes(placeholders.theme),
    usesFirstWord: placeholders.firstWord !== '' && text.includes(placeholders.firstWord),
  };
  checkTemplate(t, demonstrations);
  return { ...t, demonstrations: method === 'instance_generation' ? demonstrations : 0 };
}

function checkTemplate(t: Template, demonstrations: number): void {
  const p = t.placeholders;
  const missing: string[] = [];
  if (t.method === 'instance_generation') {
    for (let i = 1; i <= demonstrations; i++) {
      for (const ph of [demo(p.demonstrationInput, i), demo(p.demonstrationOutput, i)]) if (!t.text.includes(ph)) missing.push(ph);
    }
    const extra = demo(p.demonstrationInput, demonstrations + 1);
    if (t.text.includes(extra)) {
      throw new AgoraError(`has a slot ${extra} but generation.demonstrations is ${demonstrations}`, 'template', t.file);
    }
  } else {
    if (!t.text.includes(p.input)) missing.push(p.input);
    if (t.method === 'quality_enhancement' && !t.text.includes(p.output)) missing.push(p.output);
  }
  if (missing.length) {
    throw new AgoraError(`missing placeholder${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for ${t.method}`, 'template', t.file);
  }
}

function demo(format: string, i: number): string {
  return format.replace('@', String(i));
}

/**
 * Fills the template. Values are substituted in one pass, so text inside a demonstration that
 * happens to look like a placeholder is never substituted again.
 */
export function renderTemplate(t: Template, fill: TemplateFill): string {
  const p = t.placeholders;
  const values = new Map<string, string>();
  (fill.demonstrations ?? []).forEach((ex, i) => {
    values.set(demo(p.demonstrationInput, i + 1), ex.instruction);
    values.set(demo(p.demonstrationOutput, i + 1), ex.response);
  });
  if (fill.input !== undefined) values.set(p.input, fill.input);
  if (fill.output !== undefined) values.set(p.output, fill.output);
  if (fill.theme !== undefined) values.set(p.theme, fill.theme);
  if (fill.firstWord !== undefined) values.set(p.firstWord, fill.firstWord);
  values.delete('');
  if (!values.size) return t.text;
  const keys = [...values.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return t.text.replace(new RegExp(keys.join('|'), 'g'), (m) => values.get(m) ?? m);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
