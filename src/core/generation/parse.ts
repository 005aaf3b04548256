import type { Placeholders } from '../config/types';
import type { Method } from '../types';

/** What a model returned for one request. */
export interface RawOutput {
  text: string;
  /** 'length' when the provider stopped at max_tokens. */
  finishReason: 'stop' | 'length' | 'other';
}

export type ParseResult = { ok: true; instruction: string; response: string } | { ok: false; reasons: string[] };

/**
 * Splits a model output into instruction and response the way the paper's pipeline does:
 * instruction between the input trigger and the output trigger, response from the output
 * trigger up to the stop phrase. Response generation keeps the given instruction.
 */
export function parseOutput(method: Method, raw: RawOutput, p: Placeholders, givenInstruction?: string): ParseResult {
  if (raw.finishReason === 'length') return { ok: false, reasons: ['truncated: the output hit max_tokens before the stop phrase'] };
  const text = cutAtStop(raw.text, p.stopPhrase);
  if (!text.trim()) return { ok: false, reasons: ['empty-output: the model returned no text'] };
  if (method === 'response_generation') {
    const at = text.lastIndexOf(p.outputTrigger);
    const response = clean(at >= 0 ? text.slice(at + p.outputTrigger.length) : text, p);
    return { ok: true, instruction: givenInstruction ?? '', response };
  }
  const outAt = text.indexOf(p.outputTrigger);
  if (outAt < 0) return { ok: false, reasons: [`no-output-trigger: "${p.outputTrigger.trim()}" does not appear in the output`] };
  let head = text.slice(0, outAt);
  const inAt = head.lastIndexOf(p.inputTrigger);
  if (inAt >= 0) head = head.slice(inAt + p.inputTrigger.length);
  return { ok: true, instruction: clean(head, p), response: clean(text.slice(outAt + p.outputTrigger.length), p) };
}

function cutAtStop(text: string, stop: string): string {
  const i = stop ? text.indexOf(stop) : -1;
  return i >= 0 ? text.slice(0, i) : text;
}

/** Post-processing: trims whitespace and strips markers left at either end of a field. */
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
