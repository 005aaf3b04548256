/**
 * API-neutral core of one chat/messages call: both dialects parse into ChatRequest, we produce a
 * Completion, and each dialect renders it. Stop and max-token rules live here so both APIs agree.
 */
import { analyzePrompt, contentRng, generateContent, malformedContent } from './content';
import { tokenLogprobs, type FakeTokenLogprob } from './judge';
import type { AnswerKeyEntry } from './options';
import { Rng, hashString } from './rng';
import { detectRubric, rubricAnswer, type RubricTask } from './rubricJudge';

export interface ChatRequest {
  model: string;
  /** System prompt text ('' when none). */
  system: string;
  messages: Array<{ role: string; text: string }>;
  stop: string[];
  maxTokens: number | undefined;
  /** Set when logprobs were asked for (OpenAI `logprobs: true`): how many alternatives per token. */
  topLogprobs?: number;
  /** Legacy completions: return the prompt in front of the output (`echo`). */
  echo?: boolean;
  /** Legacy completions: per-token logprobs with this many alternatives (`logprobs: N`). */
  legacyLogprobs?: number;
}

export interface Completion {
  text: string;
  /** 'stop' = natural end or stop sequence; 'length' = cut by max tokens (or a 'truncated' fault). */
  finish: 'stop' | 'length';
  /** The stop sequence that ended the text, if one did. */
  stopSequence: string | null;
  inputTokens: number;
  outputTokens: number;
  /** Per-token logprobs, when the request asked for them. */
  logprobs?: FakeTokenLogprob[];
}

/** Content-level faults change the text but still answer 200. */
export type ContentFault = 'malformed' | 'truncated';

/** Deterministic token estimate (~4 characters per token), used for usage and max_tokens alike. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function complete(req: ChatRequest, seed: number, fault?: ContentFault, answerKey: AnswerKeyEntry[] = [], judgeMalformedRate = 0): Completion {
  const lastUser = [...req.messages].reverse().find((m) => m.role === 'user')?.text ?? '';
  const whole = [req.system, ...req.messages.map((m) => m.text)].join('\n');
  const inputTokens = Math.max(1, countTokens(whole));
  const info = analyzePrompt(whole, lastUser);
  // a follow-up after an unreadable verdict has the rubric question in an earlier user turn
  const rubric = req.messages.reduce<RubricTask | undefined>((found, m) => found ?? (m.role === 'user' ? detectRubric(m.text) : undefined), undefined);
  const raw =
    fault === 'malformed'
      ? malformedContent(new Rng(hashString(whole, Math.floor(seed) ^ 0x5bd1e995)))
      : rubric
        ? rubricAnswer(rubric, whole, seed, judgeMalformedRate)
        : ((info.judge ? undefined : keyedAnswer(answerKey, req.model, lastUser)) ?? generateContent(info, contentRng(seed, req.model, whole)));
  const finished = applyStopAndLimit(raw, req.stop, req.maxTokens);
  if (fault === 'truncated') {
    // Cut the well-formed answer mid-way, as if the model ran out of tokens.
    finished.text = finished.text.slice(0, Math.max(1, Math.floor(finished.text.length / 2)));
    finished.finish = 'length';
    finished.stopSequence = null;
  }
  const logprobs = req.topLogprobs !== undefined ? { logprobs: tokenLogprobs(info.judge, finished.text, req.topLogprobs) } : {};
  return { ...finished, inputTokens, outputTokens: countTokens(finished.text), ...logprobs };
}

/** The test's chosen answer for this model to the benchmark question in the prompt, if it gave one. */
function keyedAnswer(key: AnswerKeyEntry[], model: string, lastUser: string): string | undefined {
  let best: AnswerKeyEntry | undefined;
  for (const e of key) if (e.question && lastUser.includes(e.question) && (!best || e.question.length > best.question.length)) best = e;
  return best?.answers[model];
}

/** Cuts at the earliest stop sequence (excluded from the text), then enforces the token limit. */
export function applyStopAndLimit(
  raw: string,
  stop: string[],
  maxTokens: number | undefined,
): Pick<Completion, 'text' | 'finish' | 'stopSequence'> {
  let text = raw;
  let stopSequence: string | null = null;
  let cutAt = Infinity;
  for (const s of stop) {
    const at = s ? raw.indexOf(s) : -1;
    if (at >= 0 && at < cutAt) {
      cutAt = at;
      stopSequence = s;
    }
  }
  if (stopSequence !== null) text = raw.slice(0, cutAt);
  if (maxTokens !== undefined && countTokens(text) > maxTokens) {
    // A real model would have hit the limit before reaching the stop sequence.
    return { text: text.slice(0, maxTokens * 4), finish: 'length', stopSequence: null };
  }
  return { text, finish: 'stop', stopSequence };
}
