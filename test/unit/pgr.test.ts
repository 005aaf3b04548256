/**
 * PGR engine: the formula, Table-2 aggregation, bootstrap intervals (coverage on data with known
 * truth), paired generator comparison, the scores CSV importer and the terminal grid.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pgrGridText } from '../../src/cli/pgrTable';
import type { BenchmarkName } from '../../src/core/config/types';
import { DataError } from '../../src/core/errors';
import { compareGenerators, computePgr, PAPER_TABLE2, parseScoresCsv, pgr, PGR_COLUMNS, type PgrCell, type PgrReport, type ScoreInput } from '../../src/core/pgr';
import { Rng } from '../../src/core/util/rng';
import { cli } from './helpers/cli';
import { tempDir } from './helpers/fixtures';

const close = (actual: number | null | undefined, expected: number, tol = 1e-9, what = ''): void =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${what} expected ${expected} ± ${tol}, got ${actual}`);

function cell(report: PgrReport, generator: string, column: string): PgrCell {
  const c = report.cells.find((x) => x.generator === generator && x.column === column);
  assert.ok(c, `no cell ${generator} / ${column}`);
  return c;
}

/** Bernoulli results with success probability p for ids `q0…q(n-1)`. */
function bernoulli(rng: Rng, p: number, n: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`q${i}`, rng.next() < p ? 1 : 0]));
}

/** A row whose score is its items' mean, as an evaluation would report it. */
function itemRow(role: ScoreInput['role'], benchmark: BenchmarkName, items: Record<string, number>, extra: Partial<ScoreInput> = {}): ScoreInput {
  const values = Object.values(items);
  return { role, benchmark, score: (100 * values.reduce((s, v) => s + v, 0)) / values.length, items, ...extra };
}

const base = (benchmark: BenchmarkName, score: number, extra: Partial<ScoreInput> = {}): ScoreInput => ({ role: 'base', benchmark, score, source: `base:${benchmark}`, ...extra });
const ref = (benchmark: BenchmarkName, score: number, extra: Partial<ScoreInput> = {}): ScoreInput => ({ role: 'reference', benchmark, score, source: `ref:${benchmark}`, ...extra });
const student = (generator: string, setting: string, benchmark: BenchmarkName, score: number, extra: Partial<ScoreInput> = {}): ScoreInput => ({
  role: 'student',
  generator,
  setting,
  benchmark,
  score,
  source: `${generator}:${setting}:${benchmark}`,
  ...extra,
});

/** Base/reference for all six paper benchmarks; gaps 40, 20, 30, 20, 20, 20. */
const BASELINES: ScoreInput[] = [
  base('gsm8k', 20), ref('gsm8k', 60),
  base('math', 10), ref('math', 30),
  base('humaneval', 30), ref('humaneval', 60),
  base('mbpp', 40), ref('mbpp', 60),
  base('alpaca-eval', 2), ref('alpaca-eval', 22),
  base('arena-hard', 5), ref('arena-hard', 25),
];

describe('PGR formula', () => {
  it('reproduces the paper worked example (28.08 / 19.84 / 34.60 → 55.83)', () => {
    const v = pgr(28.08, 19.84, 34.6);
    assert.equal(v?.toFixed(2), '55.83');
  });

  it('is negative when the student falls below the base', () => {
    // 100 · (15 − 19.84) / (34.60 − 19.84) = −484 / 14.76 = −32.79
    assert.equal(pgr(15, 19.84, 34.6)?.toFixed(2), '-32.79');
  });

  it('is null for a zero gap, and the report says why', () => {
    assert.equal(pgr(30, 25, 25), null);
    const r = computePgr([base('gsm8k', 25, { n: 100 }), ref('gsm8k', 25, { n: 100 }), student('G', 'instance_generation.math', 'gsm8k', 30, { n: 100 })], { rounds: 50 });
    const c = cell(r, 'G', 'instance_generation.math');
    assert.equal(c.pgr, null);
    assert.deepEqual(c.perBenchmark, [{ benchmark: 'gsm8k', pgr: null, ci95: null }]);
    assert.ok(c.notes.some((n) => /gsm8k.*equal/.test(n)), c.notes.join('\n'));
    assert.ok(r.warnings.some((w) => w.includes('reference gap too small on gsm8k')), r.warnings.join('\n'));
  });

  it('warns about a 1-point reference gap, naming the benchmark and both scores', () => {
    const r = computePgr([base('math', 20.5, { n: 500 }), ref('math', 21.5, { n: 500 }), student('G', 'response_generation.math', 'math', 21, { n: 500 })], { rounds: 100 });
    const w = r.warnings.find((x) => x.includes('reference gap too small'));
    assert.ok(w, r.warnings.join('\n'));
    assert.match(w, /on math: base 20\.50, reference 21\.50/);
    const b = r.baselines.find((x) => x.benchmark === 'math');
    assert.equal(b?.gap, 1);
  });

  it('does not warn about a wide, clear gap', () => {
    const r = computePgr([base('gsm8k', 20, { n: 1000 }), ref('gsm8k', 60, { n: 1000 }), student('G', 'instance_generation.math', 'gsm8k', 40, { n: 1000 })], { rounds: 100 });
    assert.ok(!r.warnings.some((w) => w.includes('gap too small')), r.warnings.join('\n'));
  });
});

describe('PGR aggregation (Table 2)', () => {
  // Point estimates only (no n/stderr/items): no intervals, exact arithmetic.
  const G = 'GenA';
  const full: ScoreInput[] = [
    ...BASELINES,
    // math: gsm8k 100·(40−20)/40 = 50, math 100·(16−10)/20 = 30 → 40
    student(G, 'instance_generation.math', 'gsm8k', 40, { costUsd: 2 }),
    student(G, 'instance_generation.math', 'math', 16, { costUsd: 2 }),
    // code: humaneval 100·(45−30)/30 = 50, mbpp 100·(44−40)/20 = 20 → 35
    student(G, 'instance_generation.code', 'humaneval', 45, { costUsd: 3 }),
    student(G, 'instance_generation.code', 'mbpp', 44, { costUsd: 3 }),
    // IF: alpaca 100·(12−2)/20 = 50, arena 100·(4−5)/20 = −5 → 22.5
    student(G, 'instance_generation.instruction_following', 'alpaca-eval', 12, { costUsd: 5 }),
    student(G, 'instance_generation.instruction_following', 'arena-hard', 4, { costUsd: 5 }),
  ];

  it('lists the 12 columns in the paper order', () => {
    assert.deepEqual([...PGR_COLUMNS], PAPER_TABLE2.columns);
    const r = computePgr(full, { rounds: 10 });
    assert.deepEqual(r.columns, PAPER_TABLE2.columns);
    assert.equal(r.cells.length, 12);
  });

  it('takes a setting as the mean of its domain benchmarks and the method avg as the mean of the three domains', () => {
    const r = computePgr(full, { rounds: 10 });
    close(cell(r, G, 'instance_generation.math').pgr, 40);
    close(cell(r, G, 'instance_generation.code').pgr, 35);
    close(cell(r, G, 'instance_generation.instruction_following').pgr, 22.5);
    // (40 + 35 + 22.5) / 3 = 32.5
    close(cell(r, G, 'instance_generation.avg').pgr, 32.5);
    const perBench = Object.fromEntries(cell(r, G, 'instance_generation.avg').perBenchmark.map((b) => [b.benchmark, b.pgr]));
    assert.deepEqual(Object.keys(perBench).sort(), ['alpaca-eval', 'arena-hard', 'gsm8k', 'humaneval', 'math', 'mbpp']);
    close(perBench['arena-hard'], -5);
    assert.equal(cell(r, G, 'instance_generation.math').interval, 'none');
    assert.equal(cell(r, G, 'instance_generation.math').ci95, null);
  });

  it('leaves a method avg null, with the reason, when a domain is missing', () => {
    const r = computePgr(full.filter((x) => x.setting !== 'instance_generation.code'), { rounds: 10 });
    const avg = cell(r, G, 'instance_generation.avg');
    assert.equal(avg.pgr, null);
    assert.ok(avg.notes.some((n) => n.includes('instance_generation.code')), avg.notes.join('\n'));
    assert.equal(cell(r, G, 'response_generation.avg').pgr, null);
  });

  it('lets math-full stand in for math when math is absent', () => {
    const rows = [base('gsm8k', 20), ref('gsm8k', 60), base('math-full', 10), ref('math-full', 50), student(G, 'response_generation.math', 'gsm8k', 30), student(G, 'response_generation.math', 'math-full', 40)];
    const r = computePgr(rows, { rounds: 10 });
    const c = cell(r, G, 'response_generation.math');
    // (25 + 75) / 2 = 50
    close(c.pgr, 50);
    assert.deepEqual(c.perBenchmark.map((b) => b.benchmark), ['gsm8k', 'math-full']);
  });

  it('averages what it has when a domain benchmark is missing, and says so', () => {
    const r = computePgr([base('gsm8k', 20), ref('gsm8k', 60), student(G, 'instance_generation.math', 'gsm8k', 40)], { rounds: 10 });
    const c = cell(r, G, 'instance_generation.math');
    close(c.pgr, 50);
    assert.ok(c.notes.some((n) => n.startsWith('partial')), c.notes.join('\n'));
    assert.ok(r.warnings.some((w) => w.includes('no score on math')), r.warnings.join('\n'));
  });

  it('ranks best and second best per column', () => {
    const rows = [
      ...BASELINES,
      student('A', 'instance_generation.math', 'gsm8k', 40), // 50
      student('B', 'instance_generation.math', 'gsm8k', 50), // 75
      student('C', 'instance_generation.math', 'gsm8k', 30), // 25
      student('A', 'instance_generation.code', 'humaneval', 36), // 20
    ];
    const r = computePgr(rows, { rounds: 10 });
    assert.deepEqual(r.generators, ['A', 'B', 'C']);
    assert.equal(cell(r, 'B', 'instance_generation.math').rank, 1);
    assert.equal(cell(r, 'A', 'instance_generation.math').rank, 2);
    assert.equal(cell(r, 'C', 'instance_generation.math').rank, undefined);
    assert.equal(cell(r, 'A', 'instance_generation.code').rank, 1);
    assert.equal(cell(r, 'B', 'instance_generation.code').rank, undefined);
  });

  it('ranks only cells computed on the same benchmarks as the fullest ones', () => {
    const rows = [
      ...BASELINES,
      student('A', 'instance_generation.math', 'gsm8k', 40), // 50
      student('A', 'instance_generation.math', 'math', 16), // 30 → 40
      student('B', 'instance_generation.math', 'gsm8k', 32), // 30
      student('B', 'instance_generation.math', 'math', 22), // 60 → 45
      student('C', 'instance_generation.math', 'gsm8k', 50), // 75, gsm8k only
    ];
    const r = computePgr(rows, { rounds: 10 });
    assert.equal(cell(r, 'B', 'instance_generation.math').rank, 1);
    assert.equal(cell(r, 'A', 'instance_generation.math').rank, 2);
    const c = cell(r, 'C', 'instance_generation.math');
    close(c.pgr, 75);
    assert.equal(c.rank, undefined);
    assert.ok(c.notes.some((n) => n.startsWith('not ranked: computed on gsm8k, other generators on gsm8k, math')), c.notes.join('\n'));
  });

  it('gives PGR per dollar: setting over its dataset cost, avg over the three datasets summed', () => {
    const r = computePgr(full, { rounds: 10 });
    close(cell(r, G, 'instance_generation.math').pgrPerDollar, 40 / 2);
    close(cell(r, G, 'instance_generation.code').pgrPerDollar, 35 / 3);
    close(cell(r, G, 'instance_generation.avg').costUsd, 10);
    close(cell(r, G, 'instance_generation.avg').pgrPerDollar, 32.5 / 10);
  });

  it('refuses a student benchmark without base or reference, naming benchmark and row', () => {
    const rows = [base('gsm8k', 20), student(G, 'instance_generation.math', 'gsm8k', 40)];
    assert.throws(() => computePgr(rows), (e: unknown) => e instanceof DataError && /reference/.test(e.message) && /gsm8k/.test(e.message) && e.message.includes(`${G}:instance_generation.math:gsm8k`));
  });

  it('refuses rounds or a seed that are not integers (a CLI flag may pass NaN)', () => {
    assert.throws(() => computePgr(full, { rounds: Number('many') }), /rounds must be a positive integer/);
    assert.throws(() => compareGenerators(full, 'instance_generation.math', G, G, { seed: 1.5 }), /seed must be an integer/);
  });

  it('refuses duplicate rows, naming both sources', () => {
    const rows = [...BASELINES, student(G, 'instance_generation.math', 'gsm8k', 40), student(G, 'instance_generation.math', 'gsm8k', 41, { source: 'other.csv:9' })];
    assert.throws(() => computePgr(rows), (e: unknown) => e instanceof DataError && e.message.includes('other.csv:9') && e.message.includes(`${G}:instance_generation.math:gsm8k`));
  });
});

describe('PGR intervals', () => {
  const jointRows = (): ScoreInput[] => {
    const rng = new Rng(7);
    const s = bernoulli(rng, 0.45, 300);
    delete s.q0;
    delete s.q1;
    return [itemRow('base', 'gsm8k', bernoulli(rng, 0.3, 300)), itemRow('reference', 'gsm8k', bernoulli(rng, 0.6, 300)), itemRow('student', 'gsm8k', s, { generator: 'G', setting: 'instance_generation.math' })];
  };

  it('bootstraps items jointly and notes the items absent from one side', () => {
    const c = cell(computePgr(jointRows(), { rounds: 200, seed: 3 }), 'G', 'instance_generation.math');
    assert.equal(c.interval, 'items');
    assert.ok(c.notes.some((n) => /2 item\(s\).*dropped.*298 used/.test(n)), c.notes.join('\n'));
    const [lo, hi] = c.ci95 ?? [NaN, NaN];
    assert.ok(lo < (c.pgr as number) && (c.pgr as number) < hi, `${lo} < ${c.pgr} < ${hi}`);
  });

  it('gives an identical report for the same seed, and other intervals for another seed', () => {
    const a = computePgr(jointRows(), { rounds: 200, seed: 3 });
    assert.deepEqual(computePgr(jointRows(), { rounds: 200, seed: 3 }), a);
    assert.equal(a.seed, 3);
    assert.equal(a.rounds, 200);
    assert.notDeepEqual(computePgr(jointRows(), { rounds: 200, seed: 4 }).cells[0]?.ci95, a.cells[0]?.ci95);
  });

  it('builds setting and average intervals from the same rounds as the benchmarks', () => {
    const r = computePgr([base('gsm8k', 20, { n: 500 }), ref('gsm8k', 60, { n: 500 }), student('G', 'instance_generation.math', 'gsm8k', 40, { n: 500 })], { rounds: 300 });
    const c = cell(r, 'G', 'instance_generation.math');
    // one benchmark: the setting's per-round values are that benchmark's
    assert.deepEqual(c.ci95, c.perBenchmark[0]?.ci95);
    assert.equal(c.interval, 'normal');
    assert.ok(c.notes.some((n) => n.includes('normal approximation from n/stderr')), c.notes.join('\n'));
  });

  it('labels mixed and missing uncertainty', () => {
    const rng = new Rng(11);
    const rows = [
      itemRow('base', 'gsm8k', bernoulli(rng, 0.3, 200)),
      itemRow('reference', 'gsm8k', bernoulli(rng, 0.6, 200)),
      itemRow('student', 'gsm8k', bernoulli(rng, 0.45, 200), { generator: 'G', setting: 'instance_generation.math' }),
      base('math', 10, { stderr: 1 }),
      ref('math', 30, { ci95: [28, 32] }),
      student('G', 'instance_generation.math', 'math', 20, { n: 500 }),
      base('humaneval', 30, { n: 164 }),
      ref('humaneval', 60, { n: 164 }),
      student('G', 'instance_generation.code', 'humaneval', 45),
    ];
    const r = computePgr(rows, { rounds: 100 });
    assert.equal(cell(r, 'G', 'instance_generation.math').interval, 'mixed');
    assert.ok(cell(r, 'G', 'instance_generation.math').ci95);
    const code = cell(r, 'G', 'instance_generation.code');
    assert.equal(code.interval, 'none');
    assert.equal(code.ci95, null);
    assert.ok(code.notes.some((n) => n.includes('no interval: student')), code.notes.join('\n'));
  });

  it('skips rounds whose drawn gap is zero and warns when they exceed 5 %', () => {
    // base and reference differ on one item of 20: it is missing from (19/20)^20 ≈ 36 % of resamples
    const ids = Array.from({ length: 20 }, (_, i) => `q${i}`);
    const b = Object.fromEntries(ids.map((id, i) => [id, i === 0 ? 1 : 0]));
    const rf = Object.fromEntries(ids.map((id, i) => [id, i <= 1 ? 1 : 0]));
    const s = Object.fromEntries(ids.map((id, i) => [id, i === 0 || i === 5 ? 1 : 0]));
    const r = computePgr([itemRow('base', 'gsm8k', b), itemRow('reference', 'gsm8k', rf), itemRow('student', 'gsm8k', s, { generator: 'G', setting: 'instance_generation.math' })], { rounds: 400 });
    assert.ok(r.warnings.some((w) => /G \/ instance_generation\.math \/ gsm8k: \d+ of 400 bootstrap rounds had a zero/.test(w)), r.warnings.join('\n'));
  });

  /*
   * Coverage on data with a known truth: student, base and reference answer 500 items correctly
   * with probabilities 0.45 / 0.30 / 0.60, so the true PGR is 100·(0.45−0.30)/(0.60−0.30) = 50.
   * 300 independent datasets: the share of 95 % intervals covering 50 has a binomial sd of
   * √(0.95·0.05/300) ≈ 0.0126; the band is 0.95 ± 3 sd = [0.912, 0.988]. (2000 datasets gave 0.944
   * for the item bootstrap and 0.958 for the normal approximation.)
   */
  const TRIALS = 300;
  const coverage = (makeRows: (rng: Rng) => ScoreInput[]): number => {
    const rng = new Rng(2024);
    let covered = 0;
    for (let t = 0; t < TRIALS; t++) {
      const r = computePgr(makeRows(rng), { rounds: 400, seed: t });
      const ci = r.cells[0]?.perBenchmark[0]?.ci95;
      assert.ok(ci);
      if (ci[0] <= 50 && 50 <= ci[1]) covered++;
    }
    return covered / TRIALS;
  };
  const inBand = (c: number): void => assert.ok(c >= 0.912 && c <= 0.988, `coverage ${c} outside [0.912, 0.988]`);

  it('covers the true PGR about 95 % of the time with the item bootstrap', () => {
    inBand(
      coverage((rng) => [
        itemRow('base', 'gsm8k', bernoulli(rng, 0.3, 500)),
        itemRow('reference', 'gsm8k', bernoulli(rng, 0.6, 500)),
        itemRow('student', 'gsm8k', bernoulli(rng, 0.45, 500), { generator: 'G', setting: 'instance_generation.math' }),
      ]),
    );
  });

  it('covers the true PGR about 95 % of the time with the normal approximation from n', () => {
    const scoreOnly = (row: ScoreInput): ScoreInput => ({ role: row.role, generator: row.generator, setting: row.setting, benchmark: row.benchmark, score: row.score, n: 500 });
    inBand(
      coverage((rng) =>
        [
          itemRow('base', 'gsm8k', bernoulli(rng, 0.3, 500)),
          itemRow('reference', 'gsm8k', bernoulli(rng, 0.6, 500)),
          itemRow('student', 'gsm8k', bernoulli(rng, 0.45, 500), { generator: 'G', setting: 'instance_generation.math' }),
        ].map(scoreOnly),
      ),
    );
  });
});

describe('compareGenerators', () => {
  const setting = 'response_generation.code';
  const rng = new Rng(99);
  const b = itemRow('base', 'humaneval', bernoulli(rng, 0.3, 400));
  const rf = itemRow('reference', 'humaneval', bernoulli(rng, 0.6, 400));
  const sItems = bernoulli(rng, 0.45, 400);
  const stud = (g: string, items: Record<string, number>): ScoreInput => itemRow('student', 'humaneval', items, { generator: g, setting });

  it('finds no difference between identical students', () => {
    const c = compareGenerators([b, rf, stud('A', sItems), stud('B', { ...sItems })], setting, 'A', 'B', { rounds: 300 });
    assert.equal(c.difference, 0);
    assert.equal(c.probabilityAGreater, 0.5);
    assert.ok(c.ci95[0] <= 0 && 0 <= c.ci95[1]);
    assert.equal(c.interval, 'items');
  });

  it('finds no clear winner between students of the same true accuracy', () => {
    const c = compareGenerators([b, rf, stud('A', sItems), stud('B', bernoulli(rng, 0.45, 400))], setting, 'A', 'B', { rounds: 500 });
    assert.ok(c.probabilityAGreater > 0.025 && c.probabilityAGreater < 0.975, String(c.probabilityAGreater));
    assert.ok(c.ci95[0] <= 0 && 0 <= c.ci95[1], `${c.ci95}`);
  });

  it('is near certain about a clearly better student', () => {
    const c = compareGenerators([b, rf, stud('A', bernoulli(rng, 0.58, 400)), stud('B', bernoulli(rng, 0.32, 400))], setting, 'A', 'B', { rounds: 500 });
    assert.ok(c.probabilityAGreater > 0.99, String(c.probabilityAGreater));
    assert.ok(c.ci95[0] > 0);
    assert.ok(c.difference > 0);
    close(c.difference, c.pgrA - c.pgrB, 1e-9);
  });

  it('names a generator without a student on the setting', () => {
    assert.throws(() => compareGenerators([b, rf, stud('A', sItems)], setting, 'A', 'Z'), (e: unknown) => e instanceof DataError && e.message.includes('"Z"'));
  });
});

describe('scores CSV', () => {
  /*
   * Baselines (gap): gsm8k 20→60 (40), math 10→30 (20), humaneval 30→60 (30), mbpp 40→60 (20),
   * alpaca-eval 2→22 (20), arena-hard 5→25 (20). Header in mixed order and case; a quoted
   * generator name holds a comma.
   *   GenA IG.math: gsm8k 100·(40−20)/40 = 50, math 100·(16−10)/20 = 30 → 40
   *   GenA IG.code: humaneval 100·(45−30)/30 = 50, mbpp 100·(44−40)/20 = 20 → 35
   *   GenA IG.IF:   alpaca 100·(12−2)/20 = 50, arena 100·(9−5)/20 = 20 → 35
   *   GenA IG avg:  (40 + 35 + 35) / 3 = 36.67
   *   "Llama, 70B" IG.math: gsm8k 100·(32−20)/40 = 30, math 100·(22−10)/20 = 60 → 45
   *   "Llama, 70B" IG.code: humaneval 100·(27−30)/30 = −10, mbpp 100·(46−40)/20 = 30 → 10
   *   "Llama, 70B" RG.math: gsm8k 100·(10−20)/40 = −25, math 100·(12−10)/20 = 10 → −7.5
   */
  const CSV = [
    'Benchmark,ROLE,score,generator,setting,n,stderr',
    'gsm8k,base,20,,,1319,',
    'gsm8k,reference,60,,,1319,',
    'math,base,10,,,500,',
    'math,reference,30,,,500,',
    'humaneval,base,30,,,164,',
    'humaneval,reference,60,,,164,',
    'mbpp,base,40,,,378,',
    'mbpp,reference,60,,,378,',
    'alpaca-eval,base,2,,,,0.5',
    'alpaca-eval,reference,22,,,,1.4',
    'arena-hard,base,5,,,,1',
    'arena-hard,reference,25,,,,1.8',
    'gsm8k,student,40,GenA,instance_generation.math,1319,',
    'math,student,16,GenA,instance_generation.math,500,',
    'humaneval,student,45,GenA,instance_generation.code,164,',
    'mbpp,student,44,GenA,instance_generation.code,378,',
    'alpaca-eval,student,12,GenA,instance_generation.instruction_following,,1.1',
    'arena-hard,student,9,GenA,instance_generation.instruction_following,,1.2',
    'gsm8k,student,32,"Llama, 70B",instance_generation.math,1319,',
    'math,student,22,"Llama, 70B",instance_generation.math,500,',
    'humaneval,student,27,"Llama, 70B",instance_generation.code,164,',
    'mbpp,student,46,"Llama, 70B",instance_generation.code,378,',
    'gsm8k,student,10,"Llama, 70B",response_generation.math,1319,',
    'math,student,12,"Llama, 70B",response_generation.math,500,',
  ].join('\n');
  const L70 = 'Llama, 70B';

  it('parses rows with their sources and gives the hand-computed grid', () => {
    const rows = parseScoresCsv(CSV, 'scores.csv');
    assert.equal(rows.length, 24);
    assert.deepEqual(rows[18], { role: 'student', generator: L70, setting: 'instance_generation.math', benchmark: 'gsm8k', score: 32, n: 1319, source: 'scores.csv:20' });
    assert.deepEqual(rows[8], { role: 'base', benchmark: 'alpaca-eval', score: 2, stderr: 0.5, source: 'scores.csv:10' });
    const r = computePgr(rows, { rounds: 200 });
    assert.deepEqual(r.generators, ['GenA', L70]);
    const expected: Record<string, Record<string, number | null>> = {
      GenA: { 'instance_generation.math': 40, 'instance_generation.code': 35, 'instance_generation.instruction_following': 35, 'instance_generation.avg': 110 / 3, 'response_generation.math': null },
      [L70]: { 'instance_generation.math': 45, 'instance_generation.code': 10, 'instance_generation.instruction_following': null, 'instance_generation.avg': null, 'response_generation.math': -7.5 },
    };
    for (const [g, cols] of Object.entries(expected)) {
      for (const [col, v] of Object.entries(cols)) {
        const c = cell(r, g, col);
        if (v === null) assert.equal(c.pgr, null, `${g} ${col}`);
        else close(c.pgr, v, 1e-9, `${g} ${col}`);
      }
    }
    assert.equal(cell(r, L70, 'instance_generation.math').rank, 1);
    assert.equal(cell(r, 'GenA', 'instance_generation.math').rank, 2);
    assert.equal(cell(r, 'GenA', 'instance_generation.instruction_following').interval, 'normal');
  });

  it('`agorabench pgr --scores` prints the same hand-computed grid, and names a bad line', async function () {
    this.timeout(30_000);
    const dir = tempDir('pgr-csv');
    const file = path.join(dir, 'scores.csv');
    fs.writeFileSync(file, CSV);
    const json = await cli(['pgr', '--scores', file, '--json', '--rounds', '200']);
    assert.equal(json.status, 0, json.stderr);
    const r = JSON.parse(json.stdout) as PgrReport;
    close(cell(r, 'GenA', 'instance_generation.avg').pgr, 110 / 3, 1e-9, 'GenA IG avg');
    close(cell(r, L70, 'response_generation.math').pgr, -7.5, 1e-9, 'L70 RG math');
    const text = await cli(['pgr', '--scores', file, '--rounds', '200']);
    const row = text.stdout.split('\n').find((l) => l.startsWith('GenA '));
    assert.match(row ?? '', /^GenA\s+40\.0 \[[^\]]+\]\+\s+35\.0 \[[^\]]+\]\*?\s+35\.0 /, text.stdout);
    fs.writeFileSync(file, `${CSV}\nmath,teacher,12,,,500,`);
    const bad = await cli(['pgr', '--scores', file]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /scores\.csv:26/);
    assert.match(bad.stderr, /teacher/);
  });

  it('finds the line of a record after a quoted field spanning lines', () => {
    const text = 'role,generator,setting,benchmark,score\nstudent,"Gen\nX",instance_generation.math,gsm8k,40\nstudent,G,instance_generation.math,gsm8k,oops\n';
    assert.throws(() => parseScoresCsv(text, 'multi.csv'), (e: unknown) => e instanceof DataError && e.message.startsWith('multi.csv:4:') && e.message.includes('"score"'));
  });

  const HEADER = 'role,generator,setting,benchmark,score';
  const bad: Array<[string, string, string, string]> = [
    ['unknown role', 'teacher,,,gsm8k,40', 'scores.csv:3', 'role'],
    ['student without setting', 'student,GenA,,gsm8k,40', 'scores.csv:3', 'setting'],
    ['student without generator', 'student,,instance_generation.math,gsm8k,40', 'scores.csv:3', 'generator'],
    ['student with an unknown setting', 'student,GenA,distillation.math,gsm8k,40', 'scores.csv:3', 'setting'],
    ['base with a generator', 'base,GenA,,gsm8k,40', 'scores.csv:3', 'generator'],
    ['bad score', 'student,GenA,instance_generation.math,gsm8k,forty', 'scores.csv:3', 'score'],
    ['unknown benchmark', 'student,GenA,instance_generation.math,gsm9k,40', 'scores.csv:3', 'benchmark'],
  ];
  for (const [what, line, where, column] of bad) {
    it(`rejects a row with ${what}, naming ${where} and the column`, () => {
      const text = `${HEADER}\nbase,,,gsm8k,20\n${line}\n`;
      assert.throws(() => parseScoresCsv(text, 'scores.csv'), (e: unknown) => e instanceof DataError && e.message.startsWith(`${where}:`) && e.message.includes(`"${column}"`));
    });
  }

  it('rejects a bad n and a negative stderr', () => {
    const text = `${HEADER},n,stderr\nbase,,,gsm8k,20,12.5,\n`;
    assert.throws(() => parseScoresCsv(text, 's.csv'), /s\.csv:2: column "n".*"12\.5"/);
    assert.throws(() => parseScoresCsv(`${HEADER},stderr\nbase,,,gsm8k,20,-1\n`, 's.csv'), /s\.csv:2: column "stderr"/);
  });

  it('rejects an unknown column, naming it', () => {
    assert.throws(() => parseScoresCsv(`${HEADER},notes\nbase,,,gsm8k,20,hi\n`, 'scores.csv'), (e: unknown) => e instanceof DataError && e.message.startsWith('scores.csv:1:') && e.message.includes('"notes"'));
  });

  it('rejects a duplicate row, naming both lines', () => {
    const text = `${HEADER}\nbase,,,gsm8k,20\nreference,,,gsm8k,60\nbase,,,GSM8K,21\n`;
    assert.throws(
      () => parseScoresCsv(text, 'scores.csv'),
      (e: unknown) => e instanceof DataError && e.message.startsWith('scores.csv:4:') && e.message.includes('scores.csv:2') && e.message.includes('benchmark'),
    );
  });
});

describe('pgrGridText', () => {
  const rows = (): ScoreInput[] => [
    ...BASELINES.map((r) => ({ ...r, n: 500 })),
    student('GenA', 'instance_generation.math', 'gsm8k', 40, { n: 500, costUsd: 4 }), // 50
    student('GenA', 'instance_generation.math', 'math', 16, { n: 500, costUsd: 4 }), // 30 → 40
    student('GenB', 'instance_generation.math', 'gsm8k', 44, { n: 500 }), // 60
    student('GenB', 'instance_generation.math', 'math', 16, { n: 500 }), // 30 → 45
  ];
  /** The grid row of a generator, split into its cells. */
  const gridRow = (text: string, label: string): string[] => {
    const line = text.split('\n').find((l) => l.startsWith(`${label}  `));
    assert.ok(line, `no row ${label} in\n${text}`);
    return line.split(/\s{2,}/);
  };

  it('marks best and second best, and shows — for null', () => {
    const report = computePgr(rows(), { rounds: 200 });
    const text = pgrGridText(report);
    const header = text.split('\n')[1]?.split(/\s{2,}/);
    assert.deepEqual(header, ['generator', 'IG·math', 'IG·code', 'IG·IF', 'IG avg', 'RG·math', 'RG·code', 'RG·IF', 'RG avg', 'QE·math', 'QE·code', 'QE·IF', 'QE avg']);
    const a = gridRow(text, 'GenA');
    const b = gridRow(text, 'GenB');
    assert.match(b[1] ?? '', /^45\.0 \[-?\d+\.\d, \d+\.\d\]\*$/);
    assert.match(a[1] ?? '', /^40\.0 \[-?\d+\.\d, \d+\.\d\]\+$/);
    assert.deepEqual(a.slice(2), Array(11).fill('—'));
    assert.match(text, /\* best, \+ second best/);
    assert.ok(!text.includes('paper:'));
  });

  it('appends the paper rows and the per-dollar grid on request', () => {
    const report = computePgr(rows(), { rounds: 200 });
    const text = pgrGridText(report, { reference: true, perDollar: true });
    const gpt4o = gridRow(text, 'paper: GPT-4o');
    assert.equal(gpt4o[1], '20.6*');
    assert.equal(gpt4o[3], '46.1*');
    assert.match(text, /Table 2/);
    // GenA: 40 / $4 = 10.00 per dollar; GenB has no cost
    const perDollar = text.slice(text.indexOf('PGR points per USD'));
    assert.equal(gridRow(perDollar, 'GenA')[1], '10.00');
    assert.equal(gridRow(perDollar, 'GenB')[1], '—');
  });

  it('lists the warnings', () => {
    const report = computePgr([base('gsm8k', 20, { n: 500 }), ref('gsm8k', 21, { n: 500 }), student('G', 'instance_generation.math', 'gsm8k', 20.5, { n: 500 })], { rounds: 50 });
    const text = pgrGridText(report);
    assert.match(text, /Warnings:\n {2}! reference gap too small on gsm8k/);
  });
});
