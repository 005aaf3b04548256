// `agorabench grade`: the same graders on outputs produced elsewhere (real benchmark items from
// ../shared/data through the offline directory).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cli } from './helpers/cli';
import { SHARED_DATA, tempDir } from './helpers/fixtures';

const DATA = path.join(SHARED_DATA, 'benchmarks');
const jsonl = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

function writeOutputs(rows: unknown[]): string {
  const file = path.join(tempDir('grade'), 'outputs.jsonl');
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

interface Summary {
  summary: true;
  metric: string;
  score: number;
  ci95: [number, number] | null;
  n: number;
  missing: number;
}

function parse(stdout: string): { items: Record<string, unknown>[]; summary: Summary } {
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { items: lines.slice(0, -1), summary: lines.at(-1) as unknown as Summary };
}

describe('agorabench grade', function () {
  this.timeout(120_000);

  it('GSM8K: outputs matched by question text; gold answers right, changed ones wrong', async () => {
    const test = jsonl(path.join(DATA, 'gsm8k', 'test.jsonl')).slice(0, 40);
    const rows = test.map((r, i) => {
      const gold = String(r.answer).split('####').at(-1)?.trim() ?? '';
      return { question: r.question, output: i % 4 === 0 ? `So the total is ${Number(gold.replace(/,/g, '')) + 1}.` : `Reasoning… The answer is ${gold}.` };
    });
    const r = await cli(['grade', 'gsm8k', writeOutputs(rows), '--json', '--data-dir', DATA]);
    assert.equal(r.status, 0, r.stderr);
    const { items, summary } = parse(r.stdout);
    assert.equal(items.length, 40);
    assert.equal(items.filter((x) => x.correct === true).length, 30);
    assert.deepEqual(Object.keys(items[1] ?? {}).sort(), ['correct', 'extracted', 'id', 'reason', 'reference']);
    assert.equal(summary.n, 40, 'scored over the graded items');
    assert.equal(summary.missing, 1319 - 40, 'the rest of the benchmark is reported missing');
    assert.ok(Math.abs(summary.score - 75) < 1e-9);
  });

  it('HumanEval: canonical solutions pass in the sandbox, matched by task_id; an empty body fails', async () => {
    const rows = gunzipSync(fs.readFileSync(path.join(DATA, 'humaneval', 'HumanEval.jsonl.gz')))
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim())
      .slice(0, 12)
      .map((l) => JSON.parse(l) as { task_id: string; prompt: string; canonical_solution: string });
    const good = rows.map((x) => ({ id: x.task_id, output: `\`\`\`python\n${x.prompt}${x.canonical_solution}\n\`\`\`` }));
    const bad = rows.slice(0, 3).map((x) => ({ id: x.task_id, output: `${x.prompt}    pass\n` }));
    const r = await cli(['grade', 'humaneval', writeOutputs([...good.slice(3), ...bad]), '--json', '--data-dir', DATA]);
    assert.equal(r.status, 0, r.stderr);
    const { items, summary } = parse(r.stdout);
    assert.equal(items.filter((x) => x.correct === true).length, 9);
    assert.equal(items.filter((x) => x.correct === false).length, 3);
    assert.equal(summary.metric, 'pass@1');
  });

  it('AlpacaEval from verdicts already made (annotation format), Arena-Hard from judgments', async () => {
    const ref = JSON.parse(fs.readFileSync(path.join(DATA, 'alpaca-eval', 'reference-gpt4_1106_preview.json'), 'utf8')) as { instruction: string; output: string }[];
    const annotations = ref.slice(0, 100).map((x, i) => ({ instruction: x.instruction, output_1: x.output, output_2: `${x.output} (revised)`, preference: i % 4 === 0 ? 2 : 1 }));
    const a = await cli(['grade', 'alpaca-eval', writeOutputs(annotations), '--json', '--data-dir', DATA]);
    assert.equal(a.status, 0, a.stderr);
    const alpaca = parse(a.stdout).summary;
    assert.equal(alpaca.n, 100);
    assert.equal(alpaca.metric, 'LC win rate');
    const questions = jsonl(path.join(DATA, 'arena-hard-v0.1', 'question.jsonl')).slice(0, 50);
    const judgments = questions.map((q, i) => ({ question_id: q.uid, games: [{ score: i % 2 ? 'A>B' : 'B>A' }, { score: i % 2 ? 'B>A' : 'A>B' }] }));
    const h = await cli(['grade', 'arena-hard', writeOutputs(judgments), '--json', '--data-dir', DATA]);
    assert.equal(h.status, 0, h.stderr);
    const arena = parse(h.stdout).summary;
    assert.equal(arena.n, 50);
    // half the questions went to the model in both orders, half to the baseline: an even score
    assert.ok(Math.abs(arena.score - 50) < 1e-9, String(arena.score));
    assert.ok(arena.ci95 && arena.ci95[0] < 50 && arena.ci95[1] > 50);
  });

  it('a line that matches no item names the file and line; an unknown benchmark is refused', async () => {
    const r = await cli(['grade', 'gsm8k', writeOutputs([{ question: 'What is 1+1?', output: '2' }]), '--data-dir', DATA]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /outputs\.jsonl:1: matches no gsm8k item/);
    const u = await cli(['grade', 'gsm9k', writeOutputs([])]);
    assert.equal(u.status, 2);
    assert.match(u.stderr, /unknown benchmark "gsm9k"; known: gsm8k, math, math-full, humaneval, mbpp, alpaca-eval, arena-hard/);
  });
});
