import type { Placeholders } from '../config/types';
import type { Method } from '../types';
import { reason, type ValidationProfile } from './validate';

/** What a model returned for one request. */
export interface RawOutput {
  text: string;
  /** 'stop' for a natural end or a stop sequence, 'length' at max_tokens, 'other' for anything else (filters, refusals, tool calls). */
  finishReason: 'stop' | 'length' | 'other';
}

export type ParseResult = { ok: true; instruction: string; response: string } | { ok: false; reasons: string[] };

/**
 * Splits a model output into instruction and response.
 *
 * Both profiles first require a finished output, as the released pipeline does: the finish reason
 * is a stop, or the text itself ends with the stop phrase.
 *
 * `paper` then splits exactly as the released parsers: the instruction is what lies between the
 * last input trigger and the next output trigger, the response what follows the last output
 * trigger up to the stop phrase, both trimmed; nothing is rejected at this stage (an output
 * without an output trigger yields the whole text as both fields, for the validators to judge).
 *
 * `strict` cuts the text at the first stop phrase, requires the output trigger, takes the response
 * after its first occurrence, and strips markers left at either end of each field.
 *
 * Response generation keeps the given (seed) instruction under both profiles.
 */
export function parseOutput(method: Method, raw: RawOutput, p: Placeholders, profile: ValidationProfile, givenInstruction?: string): ParseResult {
  // the released check is `text.endswith(stop_phrase)`; strict forgives trailing whitespace
  const endsWithStop = Boolean(p.stopPhrase) && (profile === 'paper' ? raw.text : raw.text.trimEnd()).endsWith(p.stopPhrase);
  if (raw.finishReason !== 'stop' && !endsWithStop) {
    const why = raw.finishReason === 'length' ? 'the output hit max_tokens before the stop phrase' : 'the provider ended the output for another reason than a stop';
    return { ok: false, reasons: [reason('unfinished', profile, why)] };
  }
  return profile === 'paper' ? paperSplit(method, raw.text, p, givenInstruction) : strictSplit(method, raw.text, p, givenInstruction);
}

function paperSplit(method: Method, text: string, p: Placeholders, given: string | undefined): ParseResult {
  const afterLast = (s: string, marker: string) => (marker ? s.split(marker).at(-1) ?? '' : s);
  const beforeFirst = (s: string, marker: string) => (marker ? s.split(marker)[0] ?? '' : s);
  const response = beforeFirst(afterLast(text, p.outputTrigger), p.stopPhrase).trim();
  if (method === 'response_generation') return { ok: true, instruction: given ?? '', response };
  const instruction = beforeFirst(afterLast(text, p.inputTrigger), p.outputTrigger).trim();
  return { ok: true, instruction, response };
}

function strictSplit(method: Method, raw: string, p: Placeholders, given: string | undefined): ParseResult {
  const stopAt = p.stopPhrase ? raw.indexOf(p.stopPhrase) : -1;
  const text = stopAt >= 0 ? raw.slice(0, stopAt) : raw;
  if (!text.trim()) return { ok: false, reasons: [reason('empty-output', 'strict', 'the model returned no text before the stop phrase')] };
  if (method === 'response_generation') {
    const at = text.lastIndexOf(p.outputTrigger);
    return { ok: true, instruction: given ?? '', response: clean(at >= 0 ? text.slice(at + p.outputTrigger.length) : text, p) };
  }
  const outAt = text.indexOf(p.outputTrigger);
  if (outAt < 0) return { ok: false, reasons: [reason('no-output-trigger', 'strict', `"${p.outputTrigger.trim()}" does not appear in the output`)] };
  let head = text.slice(0, outAt);
  const inAt = head.lastIndexOf(p.inputTrigger);
  if (inAt >= 0) head = head.slice(inAt + p.inputTrigger.length);
  return { ok: true, instruction: clean(head, p), response: clean(text.slice(outAt + p.outputTrigger.length), p) };
}

/** Post-processing (`strict`): trims whitespace and strips markers left at either end of a field. */
export function clean(text: string, p: Placeholders): string {
  let t = text.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const m of [p.stopPhrase, p.inputTrigger, p.outputTrigger]) {
      if (!m) continue;
      if (t.endsWith(m)) {
        t = t.slice(0, -m.length).trimEnd();
        changed = true;
      }
      if (t.startsWith(m)) {
        t = t.slice(m.length).trimStart();
        changed = true;
      }
    }
  }
  return t;
}
