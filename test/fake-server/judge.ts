/**
 * A fake pairwise judge. It recognises the two judge prompts the product sends (AlpacaEval 2.0's
 * "m"/"M" identifier prompt, Arena-Hard's A/B prompt) by their layout, like a model reading them,
 * and answers in the shape a real judge does: one identifier token (with first-token logprobs when
 * asked), or a short evaluation ending in a [[X]] verdict.
 *
 * Which answer wins is deterministic but not constant: the longer answer is favoured (real judges
 * are known to be), plus a per-pair term from a hash of the two texts. The hash term is
 * antisymmetric, so showing the two answers in the other order gives the mirrored judgement.
 */
import { hashString, type Rng } from './rng';

export interface JudgeTask {
  kind: 'alpaca' | 'arena';
  /** The first-listed answer (AlpacaEval "m", Arena-Hard A) and the second ("M", B). */
  a: string;
  b: string;
}

/** One output token with its logprob and the top alternatives (OpenAI's `logprobs.content[]`). */
export interface FakeTokenLogprob {
  token: string;
  logprob: number;
  top: Array<{ token: string; logprob: number }>;
}

const ALPACA = /"model_identifier":\s*"m",\s*"output":\s*"""([\s\S]*?)"""\s*\},\s*\{\s*"model_identifier":\s*"M",\s*"output":\s*"""([\s\S]*?)"""\s*\}\s*\}/;
const ARENA =
  /<\|The Start of Assistant A's Answer\|>\n([\s\S]*?)\n<\|The End of Assistant A's Answer\|>[\s\S]*?<\|The Start of Assistant B's Answer\|>\n([\s\S]*?)\n<\|The End of Assistant B's Answer\|>/;

export function detectJudge(wholePrompt: string): JudgeTask | undefined {
  const alpaca = ALPACA.exec(wholePrompt);
  if (alpaca) return { kind: 'alpaca', a: alpaca[1] ?? '', b: alpaca[2] ?? '' };
  const arena = ARENA.exec(wholePrompt);
  if (arena) return { kind: 'arena', a: arena[1] ?? '', b: arena[2] ?? '' };
  return undefined;
}

/** Log-odds that the second answer is the better one. */
function lean(task: JudgeTask): number {
  const length = 1.5 * Math.log((task.b.length + 20) / (task.a.length + 20));
  const swapped = task.a > task.b;
  const key = swapped ? `${task.b}\u0000${task.a}` : `${task.a}\u0000${task.b}`;
  const pairTerm = (hashString(key, 0x1f2e3d4c) / 4294967296) * 2 - 1;
  return length + (swapped ? -pairTerm : pairTerm);
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** The judge's raw answer. */
export function judgeAnswer(task: JudgeTask, rng: Rng): string {
  if (task.kind === 'alpaca') return rng.next() < sigmoid(lean(task)) ? 'M' : 'm';
  return arenaJudgement(task, lean(task) + (rng.next() - 0.5) * 0.4);
}

const VERDICTS: Array<{ above: number; label: string; phrase: string; why: string }> = [
  { above: 1.4, label: 'B>>A', phrase: 'Assistant B is significantly better', why: "Assistant B's answer is far more complete and covers what Assistant A leaves out." },
  { above: 0.35, label: 'B>A', phrase: 'Assistant B is slightly better', why: 'Both answers are usable, but Assistant B is a little more thorough.' },
  { above: -0.35, label: 'A=B', phrase: 'tie', why: 'The two answers are about equally helpful, relevant and concise.' },
  { above: -1.4, label: 'A>B', phrase: 'Assistant A is slightly better', why: 'Both answers are usable, but Assistant A is a little more thorough.' },
  { above: -Infinity, label: 'A>>B', phrase: 'Assistant A is significantly better', why: "Assistant A's answer is far more complete and covers what Assistant B leaves out." },
];

function arenaJudgement(task: JudgeTask, towardB: number): string {
  const v = VERDICTS.find((x) => towardB > x.above) ?? (VERDICTS[VERDICTS.length - 1] as (typeof VERDICTS)[number]);
  const words = (t: string): number => t.split(/\s+/).filter(Boolean).length;
  const assess = (t: string): string =>
    words(t) > 150 ? 'it treats the request in detail' : words(t) > 40 ? 'it covers the main points' : 'it is brief and leaves parts of the request open';
  return [
    'My own answer: a good response states the key facts correctly, follows every part of the request and stays focused on it.',
    `Assistant A's answer has about ${words(task.a)} words; ${assess(task.a)}. Assistant B's answer has about ${words(task.b)} words; ${assess(task.b)}. I found no factual errors that change the outcome.`,
    v.why,
    `My final verdict is ${v.phrase}: [[${v.label}]]`,
  ].join('\n\n');
}

const FILLERS = ['Model', 'The', 'Based', 'Both', 'I', '"', 'Output', 'Answer'];

function alternatives(chosen: Array<{ token: string; logprob: number }>, top: number, below: number): Array<{ token: string; logprob: number }> {
  const seen = new Set(chosen.map((c) => c.token));
  const fillers = FILLERS.filter((t) => !seen.has(t)).map((token, i) => ({ token, logprob: below - 1.3 * (i + 1) }));
  return [...chosen, ...fillers].slice(0, top);
}

/**
 * Per-token logprobs for a finished answer. For an AlpacaEval judgement whose first token is m or
 * M, the first token's alternatives carry the judge's actual preference (so a logprob-weighted
 * reading differs from the sampled token). Other text gets plausible-looking, fixed values.
 */
export function tokenLogprobs(task: JudgeTask | undefined, text: string, top: number): FakeTokenLogprob[] {
  const tokens = text.match(/\s*\S+|\s+/g) ?? [];
  return tokens.map((token, i) => {
    if (i === 0 && task?.kind === 'alpaca' && (token === 'm' || token === 'M')) {
      const pM = Math.min(Math.max(sigmoid(lean(task)), 1e-6), 1 - 1e-6) * (1 - 1e-5);
      const both = [
        { token: 'M', logprob: Math.log(pM) },
        { token: 'm', logprob: Math.log(1 - 1e-5 - pM) },
      ].sort((x, y) => y.logprob - x.logprob);
      const own = both.find((x) => x.token === token) as { token: string; logprob: number };
      return { token, logprob: own.logprob, top: alternatives(both, top, Math.log(1e-5)) };
    }
    const logprob = -(hashString(token) % 200) / 400;
    return { token, logprob, top: alternatives([{ token, logprob }], top, logprob - 3) };
  });
}
