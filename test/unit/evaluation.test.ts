// A slice of every benchmark evaluated end to end through the fake servers (answers, grading,
// the code sandbox, the judge), for a chat model and a base model behind /v1/completions; then
// killed mid-way and resumed, with the same scores as an uninterrupted run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadBenchmark } from '../../src/core/evaluation/benchmarks';
import { IndexStore } from '../../src/core/store/indexStore';
import type { BenchmarkName, EvalSummary } from '../../src/core';
import { startFakeServer, type FakeServer } from '../fake-server';
import type { AnswerKeyEntry } from '../fake-server/options';
import { cli, cliChild, collect } from './helpers/cli';
import { SHARED_DATA, tempDir, writeConfig } from './helpers/fixtures';

const BENCHMARKS = ['gsm8k', 'math', 'humaneval', 'mbpp', 'alpaca-eval', 'arena-hard'];
const SLICE = 6;

function evalConfig(dir: string, name: string, server: FakeServer, extra: Record<string, unknown> = {}): string {
  return writeConfig(dir, {
    name,
    dataDir: path.join(SHARED_DATA, 'benchmarks'),
    evaluations: [
      { id: 'student', role: 'student', provider: 'openai-compatible', model: 'fake-student', baseURL: server.openaiBaseURL, limits: { concurrency: 4 } },
      { id: 'base', role: 'base', provider: 'openai-compatible', model: 'fake-base', baseURL: server.openaiBaseURL, prompt: { format: 'completion' }, limits: { concurrency: 4 } },
    ],
    evaluation: { benchmarks: BENCHMARKS, limit: SLICE, judge: { id: 'judge', provider: 'openai-compatible', model: 'fake-judge', baseURL: server.openaiBaseURL } },
    ...extra,
  });
}

/** Items each fake model answers right (by index in the slice); every other item gets a wrong answer. */
const RIGHT: Record<string, (i: number) => boolean> = { 'fake-student': (i) => i % 2 === 0, 'fake-base': (i) => i % 3 === 0 };

/**
 * What the fake models answer on the graded benchmarks: the gold answer or a wrong one, in the
 * shape each prompt format invites (chat: a boxed answer or a whole function; completion: a
 * continuation), so the scores the engine reports can be checked exactly.
 */
async function answerKey(): Promise<AnswerKeyEntry[]> {
  const ctx = { dataDir: path.join(SHARED_DATA, 'benchmarks'), cacheDir: tempDir('eval-key-cache'), offline: true };
  const key: AnswerKeyEntry[] = [];
  const answers = (b: BenchmarkName, item: { question: string; reference: string }, model: string, right: boolean): string => {
    const base = model === 'fake-base';
    switch (b) {
      case 'gsm8k':
        return right ? ` Working it out, the answer is ${item.reference}.` : ' Working it out, the answer is 7654321.';
      case 'math':
        return right ? `So the final answer is $\\boxed{${item.reference}}$.` : 'So the final answer is $\\boxed{\\text{no idea}}$.';
      case 'humaneval':
        if (!right) return '```python\nimport sys\nsys.exit(3)\n```';
        return base ? item.reference : `\`\`\`python\n${item.question}${item.reference}\n\`\`\``;
      default: {
        if (!right) return '```python\nimport sys\nsys.exit(3)\n```';
        // MBPP's reference opens with a docstring quoting the tests; a continuation is just the code
        return base ? item.reference.replace(/^\s*"""[\s\S]*?"""\s*/, '') : `\`\`\`python\n${item.reference}\n\`\`\``;
      }
    }
  };
  for (const b of ['gsm8k', 'math', 'humaneval', 'mbpp'] as BenchmarkName[]) {
    (await loadBenchmark(b, ctx, SLICE)).forEach((item, i) => {
      key.push({ question: item.question, answers: Object.fromEntries(Object.entries(RIGHT).map(([model, right]) => [model, answers(b, item, model, right(i))])) });
    });
  }
  return key;
}

/** Scores by model and benchmark, rounded (the comparison is exact up to float formatting). */
function byKey(s: EvalSummary): Map<string, string> {
  return new Map(s.scores.map((x) => [`${x.model}/${x.benchmark}`, `${x.score.toFixed(6)} ${x.n} ${x.missing} ${JSON.stringify(x.ci95?.map((v) => v.toFixed(6)))}`]));
}

describe('evaluation end to end (fake servers, real SDKs, real sandbox)', function () {
  this.timeout(180_000);
  let server: FakeServer;
  const env = () => ({ AGORABENCH_OFFLINE: '1', AGORABENCH_CACHE_DIR: tempDir('eval-cache') });
  before(async () => {
    server = await startFakeServer({ latencyMs: 2, answerKey: await answerKey() });
  });
  after(() => server.close());

  it('scores every benchmark for a chat model and a base model, with the prompt format and item-by-item results', async () => {
    const dir = tempDir('eval');
    const file = evalConfig(dir, 'ev', server);
    const r = await cli(['eval', file, '--json'], env());
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const summary = JSON.parse(r.stdout) as EvalSummary;
    assert.equal(summary.scores.length, 2 * BENCHMARKS.length);
    for (const s of summary.scores) {
      assert.equal(s.n, SLICE, `${s.model}/${s.benchmark}`);
      assert.equal(s.missing, 0, `${s.model}/${s.benchmark}`);
      assert.ok(s.score >= 0 && s.score <= 100);
      assert.equal(s.promptFormat.format, s.model === 'base' ? 'completion' : 'chat');
      assert.equal(s.promptFormat.temperature, 0, 'greedy by default');
      if (s.benchmark === 'alpaca-eval') assert.equal(s.metric, 'LC win rate');
      if (s.benchmark === 'arena-hard') assert.ok(s.ci95 && s.ci95[0] <= s.score && s.score <= s.ci95[1]);
      if (s.benchmark === 'humaneval' || s.benchmark === 'mbpp') assert.equal(s.metric, 'pass@1');
      // on the graded benchmarks, exactly the items the fake model answered right count
      if (['gsm8k', 'math', 'humaneval', 'mbpp'].includes(s.benchmark)) {
        const right = RIGHT[s.model === 'base' ? 'fake-base' : 'fake-student'] as (i: number) => boolean;
        const expected = (100 * Array.from({ length: SLICE }, (_, i) => i).filter(right).length) / SLICE;
        assert.ok(Math.abs(s.score - expected) < 1e-9, `${s.model}/${s.benchmark}: ${s.score} ≠ ${expected}`);
      }
    }
    // each score names the items it was computed on: the same slice for both models, a different one per benchmark
    const fingerprint = (s: EvalSummary['scores'][number]) => (s.detail.items as { count: number; sha256: string }).sha256;
    for (const b of BENCHMARKS) {
      const [a, c] = summary.scores.filter((s) => s.benchmark === b);
      assert.ok(a && c && fingerprint(a) === fingerprint(c) && (a.detail.items as { count: number }).count === SLICE, b);
    }
    assert.equal(new Set(summary.scores.map(fingerprint)).size, BENCHMARKS.length);
    // the base model was asked through the completions API, with few-shot GSM8K prompts
    assert.equal(summary.scores.find((s) => s.model === 'base' && s.benchmark === 'gsm8k')?.promptFormat.shots, 4);
    // every item keeps its prompt, output, extracted answer and verdict: look at one of each kind
    const results = path.join(dir, '.agorabench');
    const index = new IndexStore(results);
    const rows = await index.evaluations('ev');
    assert.equal(rows.length, 2 * BENCHMARKS.length);
    const show = await cli(['show', 'ev__eval__student__gsm8k', '--results', results, '--json', '--limit', '1']);
    const item = JSON.parse(show.stdout.split('\n')[0] ?? '{}') as { instruction: string; response: string; meta: Record<string, unknown> };
    assert.match(item.instruction, /^Janet’s ducks lay 16 eggs per day/);
    assert.match(String(item.meta.prompt), /\\boxed\{ANSWER\}/, 'the prompt as sent is kept');
    assert.ok(item.meta.itemId === 'gsm8k/0' && typeof item.meta.reference === 'string' && 'correct' in item.meta && typeof item.meta.reason === 'string');
    const judged = await cli(['show', 'ev__judge__student__arena-hard', '--results', results, '--json', '--limit', '2']);
    for (const line of judged.stdout.trim().split('\n')) {
      const v = JSON.parse(line) as { response: string; meta: { verdict?: string; modelFirst?: boolean } };
      assert.match(v.meta.verdict ?? '', /^(A>>B|A>B|A=B|B>A|B>>A)$/);
      assert.ok(v.response.includes(`[[${v.meta.verdict}]]`), 'the judge\'s reasoning is kept');
    }
    const code = await cli(['show', 'ev__eval__student__humaneval', '--results', results, '--json', '--limit', '1']);
    const c = JSON.parse(code.stdout.split('\n')[0] ?? '{}') as { meta: { verdict?: string; correct?: boolean } };
    assert.ok(c.meta.verdict, 'the sandbox verdict is kept');

    // a second eval sends nothing and reports the same scores
    const before = server.stats().requests;
    const again = await cli(['eval', file, '--json'], env());
    assert.equal(server.stats().requests, before);
    assert.deepEqual(byKey(JSON.parse(again.stdout) as EvalSummary), byKey(summary));
  });

  it('stopped (Ctrl-C) before the judged benchmark: partial scores say what is missing, none for what was never asked', async () => {
    const slow = await startFakeServer({ latencyMs: 100 });
    try {
      const dir = tempDir('eval-stop');
      const file = writeConfig(dir, {
        name: 'stopped',
        dataDir: path.join(SHARED_DATA, 'benchmarks'),
        evaluations: [{ id: 'student', provider: 'openai-compatible', model: 'fake-student', baseURL: slow.openaiBaseURL, limits: { concurrency: 2 } }],
        evaluation: { benchmarks: ['gsm8k', 'alpaca-eval'], limit: 100, judge: { id: 'judge', provider: 'openai-compatible', model: 'fake-judge', baseURL: slow.openaiBaseURL } },
      });
      const child = cliChild(['eval', file, '--json'], env());
      const done = collect(child);
      while (slow.stats().requests < 6) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGINT');
      const r = await done;
      const summary = JSON.parse(r.stdout) as EvalSummary;
      assert.equal(summary.status, 'cancelled');
      assert.deepEqual(summary.scores.map((s) => s.benchmark), ['gsm8k'], 'AlpacaEval was never answered: no score, not a zero');
      const [g] = summary.scores;
      assert.ok(g && g.n >= 6 && g.n < 100 && g.n + g.missing === 100, JSON.stringify(g));
      assert.ok(Number.isFinite(g.score));
      const rows = await new IndexStore(path.join(dir, '.agorabench')).evaluations('stopped');
      assert.deepEqual(rows.map((x) => [x.benchmark, x.n, x.missing]), [['gsm8k', g.n, g.missing]]);
    } finally {
      await slow.close();
    }
  });

  it('killed mid-way and resumed, the scores equal those of an uninterrupted run', async () => {
    const slow = await startFakeServer({ latencyMs: 40 });
    try {
      const whole = await cli(['eval', evalConfig(tempDir('eval-whole'), 'whole', slow), '--json'], env());
      const expected = byKey(JSON.parse(whole.stdout) as EvalSummary);

      const dir = tempDir('eval-kill');
      const file = evalConfig(dir, 'killed', slow);
      const cacheEnv = env();
      slow.reset();
      const child = cliChild(['eval', file, '--json'], cacheEnv);
      const done = collect(child);
      while (slow.stats().requests < 40) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGKILL');
      assert.equal((await done).signal, 'SIGKILL');
      const resumed = await cli(['eval', file, '--json'], cacheEnv);
      assert.ok(resumed.status === 0 || resumed.status === 1, resumed.stderr);
      assert.deepEqual(byKey(JSON.parse(resumed.stdout) as EvalSummary), expected);
      assert.ok(fs.existsSync(path.join(dir, '.agorabench', 'index.sqlite')));
    } finally {
      await slow.close();
    }
  });
});
