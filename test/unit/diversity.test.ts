/**
 * Diversity and local lexical metrics: the exact O(n·d) mean pairwise cosine against the naive
 * loop, the worker-thread nearest-neighbour scan against exact search (also when bundled and
 * minified, as in dist/), and the lexical figures on hand-computed examples.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import { CancelledError } from '../../src/core/errors';
import { embeddingDiversity, meanPairwiseCosine, naiveMeanPairwiseCosine, nearestNeighbours, normalizeRows } from '../../src/core/metrics/diversity';
import { dotKernel, dotKernelWasm } from '../../src/core/metrics/diversity/dotKernelWasm';
import {
  chooseBanding,
  codePoints,
  distinctN,
  fieldMetrics,
  hashedTfidf,
  jaccard,
  lexicalMetrics,
  lexicalMetricsAsync,
  minhashNearDuplicates,
  normalizeText,
  shingleKeys,
  sparseMeanCosine,
  tfidfNearest,
  tfidfNearestSync,
  words,
} from '../../src/core/metrics/lexical';
import { fnv1a } from '../../src/core/metrics/lexical/hash';
import { Rng } from '../../src/core/util/rng';
import { tempDir } from './helpers/fixtures';

const ROOT = path.resolve(__dirname, '../..');
const fnv1aWords = (ws: string[]) => Uint32Array.from(ws, (w) => fnv1a(w));

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function randomRows(rng: Rng, n: number, d: number): Float32Array {
  const data = new Float32Array(n * d);
  for (let k = 0; k < data.length; k++) data[k] = gaussian(rng);
  return data;
}

/** Makes row b a noisy copy of row a with cosine ≈ `cos` (for Gaussian rows in high d). */
function plant(rng: Rng, data: Float32Array, d: number, a: number, b: number, cos: number): void {
  const sigma = Math.sqrt(1 / (cos * cos) - 1);
  for (let k = 0; k < d; k++) data[b * d + k] = (data[a * d + k] as number) + sigma * gaussian(rng);
}

function cosine64(data: Float32Array, d: number, i: number, j: number): number {
  let s = 0;
  let a = 0;
  let b = 0;
  for (let k = 0; k < d; k++) {
    const x = data[i * d + k] as number;
    const y = data[j * d + k] as number;
    s += x * y;
    a += x * x;
    b += y * y;
  }
  return a > 0 && b > 0 ? s / Math.sqrt(a * b) : NaN;
}

/** Exact search in float64: every row's nearest other row and the pairs ≥ threshold. */
function exactSearch(data: Float32Array, n: number, d: number, threshold: number): { index: number[]; sim: number[]; pairs: string[] } {
  const index = new Array<number>(n).fill(-1);
  const sim = new Array<number>(n).fill(-Infinity);
  const pairs: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = cosine64(data, d, i, j);
      if (Number.isNaN(c)) continue;
      if (c > (sim[i] as number)) [sim[i], index[i]] = [c, j];
      if (c > (sim[j] as number)) [sim[j], index[j]] = [c, i];
      if (c >= threshold) pairs.push(`${i},${j}`);
    }
  }
  return { index, sim, pairs };
}

describe('diversity: mean pairwise cosine in O(n·d)', () => {
  it('equals the naive O(n²·d) mean within 1e-9, with zero rows and duplicates', () => {
    const rng = new Rng(11);
    for (const [n, d] of [
      [2, 1],
      [3, 5],
      [17, 8],
      [64, 33],
      [200, 128],
      [257, 7],
    ] as const) {
      const data = randomRows(rng, n, d);
      if (n > 3) {
        data.fill(0, 0, d); // a zero row
        data.copyWithin(2 * d, d, 2 * d); // row 2 duplicates row 1
        for (let k = 0; k < d; k++) data[3 * d + k] = (data[d + k] as number) * 5; // same direction, other length
      }
      const { unit } = normalizeRows(data, n, d);
      const fast = meanPairwiseCosine(unit, n, d);
      const slow = naiveMeanPairwiseCosine(unit, n, d);
      assert.ok(Math.abs(fast.meanCosine - slow.meanCosine) <= 1e-9, `n=${n} d=${d}: ${fast.meanCosine} vs ${slow.meanCosine}`);
      assert.ok(Math.abs(fast.diversity - (1 - slow.meanCosine)) <= 1e-9);
      assert.equal(fast.orderedPairs, n * (n - 1));
    }
  });

  it('matches a hand computation and flags zero and non-finite rows', () => {
    // rows (1,0), (0,1), (2,0), (0,0): cosines 0, 1, 0, and 0 with the zero row → 2 × 1 / 12 ordered pairs
    const data = Float32Array.from([1, 0, 0, 1, 2, 0, 0, 0]);
    const r = embeddingDiversity(data, 4, 2);
    assert.ok(Math.abs(r.meanCosine - 2 / 12) < 1e-12);
    assert.ok(Math.abs(r.diversity - 10 / 12) < 1e-12);
    assert.deepEqual(r.zeroRows, [3]);
    const withNaN = normalizeRows(Float32Array.from([3, 4, NaN, 1]), 2, 2);
    assert.deepEqual(withNaN.zeroRows, [1]);
    assert.deepEqual([...withNaN.unit], [0.6000000238418579, 0.800000011920929, 0, 0]);
    assert.ok(Number.isNaN(meanPairwiseCosine(new Float32Array(3), 1, 3).meanCosine));
    assert.throws(() => normalizeRows(new Float32Array(5), 2, 3), RangeError);
  });
});

describe('diversity: nearest neighbours and near-duplicates (worker threads)', () => {
  it('the wasm kernel computes exact int16 dot products', () => {
    assert.ok(dotKernelWasm().length < 1024);
    const rng = new Rng(1);
    const [na, nb, stride] = [8, 6, 24]; // 8 × 6 rows of 24 int16 (multiples of 4, 2 and 8)
    const { buffer, dots } = dotKernel(4096 + na * nb * 4);
    const a = new Int16Array(buffer, 0, na * stride);
    const b = new Int16Array(buffer, 1024, nb * stride);
    for (const x of [a, b]) for (let k = 0; k < x.length; k++) x[k] = rng.int(65535) - 32767;
    dots(0, na, 1024, nb, stride * 2, 4096);
    const out = new Int32Array(buffer, 4096, na * nb);
    for (let r = 0; r < na; r++) {
      for (let c = 0; c < nb; c++) {
        let s = 0;
        for (let k = 0; k < stride; k++) s += (a[r * stride + k] as number) * (b[c * stride + k] as number);
        assert.equal(out[r * nb + c], s | 0, `(${r}, ${c})`); // int32 wraps like the kernel's lanes
      }
    }
  });

  it('matches exact search on a small random set, finds planted pairs, and works off the main thread', async () => {
    const rng = new Rng(5);
    const n = 301;
    const d = 37;
    const data = randomRows(rng, n, d);
    plant(rng, data, d, 10, 200, 0.99);
    plant(rng, data, d, 7, 300, 0.97);
    data.fill(0, 50 * d, 51 * d); // zero row 50
    const r = await nearestNeighbours(data, n, d, { threshold: 0.9, threads: 2 });
    const exact = exactSearch(data, n, d, 0.9);
    assert.deepEqual(
      r.pairs.map((p) => `${p.i},${p.j}`),
      exact.pairs,
    );
    assert.ok(r.pairs.some((p) => p.i === 10 && p.j === 200) && r.pairs.some((p) => p.i === 7 && p.j === 300));
    for (const p of r.pairs) assert.ok(Math.abs(p.similarity - cosine64(data, d, p.i, p.j)) < 1e-12);
    for (let i = 0; i < n; i++) {
      if (i === 50) continue;
      const sim = r.nearestSimilarity[i] as number;
      assert.ok(Math.abs(sim - (exact.sim[i] as number)) < 1e-4, `row ${i}: ${sim} vs ${exact.sim[i]}`);
      if (r.nearestIndex[i] !== exact.index[i]) assert.ok(Math.abs(cosine64(data, d, i, r.nearestIndex[i] as number) - (exact.sim[i] as number)) < 1e-4, `row ${i}`);
      assert.notEqual(r.nearestIndex[i], 50, 'a zero row is nobody’s neighbour');
    }
    assert.equal(r.nearestIndex[50], -1);
    assert.ok(Number.isNaN(r.nearestSimilarity[50]));
    assert.deepEqual(r.zeroRows, [50]);
    // the work happened in worker threads
    assert.ok(r.workers.length >= 1);
    for (const w of r.workers) assert.notEqual(w.threadId, threadId);
    assert.ok(r.workers.reduce((s, w) => s + w.tiles, 0) > 0);
  });

  it('recall ≥ 0.99 against exact search for pairs ≥ 0.95 on a medium set with planted pairs', async () => {
    const rng = new Rng(77);
    const n = 2000;
    const d = 96;
    const data = randomRows(rng, n, d);
    const targets = rng.sampleIndices(n, 120);
    for (let p = 0; p < 60; p++) plant(rng, data, d, targets[2 * p] as number, targets[2 * p + 1] as number, 0.93 + 0.065 * rng.next());
    const exact = exactSearch(data, n, d, 0.95);
    assert.ok(exact.pairs.length > 20, `expected planted pairs above 0.95, got ${exact.pairs.length}`);
    const r = await nearestNeighbours(data, n, d);
    const found = new Set(r.pairs.map((p) => `${p.i},${p.j}`));
    const recall = exact.pairs.filter((k) => found.has(k)).length / exact.pairs.length;
    assert.ok(recall >= 0.99, `recall ${recall}`);
    assert.equal(r.pairCount, exact.pairs.length); // and nothing extra
  });

  it('can be cancelled while it runs, and refuses an aborted signal', async () => {
    const rng = new Rng(3);
    const n = 6000;
    const d = 512;
    const data = randomRows(rng, n, d);
    const controller = new AbortController();
    let lastDone = 0;
    let total = 0;
    await assert.rejects(
      nearestNeighbours(data, n, d, {
        signal: controller.signal,
        progressIntervalMs: 5,
        onProgress: (done, all) => {
          [lastDone, total] = [done, all];
          if (done > 0) controller.abort();
        },
      }),
      CancelledError,
    );
    assert.ok(total > 0 && lastDone < total, `stopped at ${lastDone} of ${total} tiles`);
    await assert.rejects(nearestNeighbours(data.subarray(0, 10 * d), 10, d, { signal: controller.signal }), CancelledError);
  });

  it('handles fewer than two rows without workers', async () => {
    const one = await nearestNeighbours(Float32Array.from([1, 2]), 1, 2);
    assert.deepEqual([...one.nearestIndex], [-1]);
    assert.equal(one.workers.length, 0);
  });
});

describe('lexical: words, distinct-n and lengths', () => {
  it('tokenises to lowercase letter/digit runs and counts code points', () => {
    assert.deepEqual(words('Hello, World! x+1=2? naïve_café'), ['hello', 'world', 'x', '1', '2', 'naïve_café']);
    assert.equal(codePoints('a😀b'), 3);
    assert.equal(normalizeText('  Write\tA  poem.\n'), 'write a poem.');
  });

  it('distinct-1/2 and lengths match a hand computation', () => {
    // "the cat the cat": 4 words, 2 unique; bigrams the·cat, cat·the, the·cat: 3, 2 unique
    // "a dog": 2 words, 2 unique; 1 bigram. Dataset: 6 words, 4 unique; 4 bigrams, 3 unique
    const texts = ['The cat, the cat.', 'a dog'];
    const r = fieldMetrics(texts);
    assert.equal(r.dataset.distinct1, 4 / 6);
    assert.equal(r.dataset.distinct2, 3 / 4);
    assert.deepEqual(r.dataset.ngrams, { unigrams: 6, uniqueUnigrams: 4, bigrams: 4, uniqueBigrams: 3 });
    assert.equal(r.perInstance[0]?.distinct1, 0.5);
    assert.equal(r.perInstance[0]?.distinct2, 2 / 3);
    assert.equal(r.perInstance[1]?.distinct1, 1);
    assert.equal(r.perInstance[1]?.distinct2, 1);
    // chars 17 and 5: mean 11, median 11, p90 = 5 + 0.9 × 12; words 4 and 2
    assert.deepEqual(r.dataset.chars, { mean: 11, median: 11, p90: 5 + 0.9 * 12 });
    assert.deepEqual(r.dataset.words, { mean: 3, median: 3, p90: 2 + 0.9 * 2 });
    assert.deepEqual(
      r.perInstance.map((p) => [p.chars, p.words]),
      [
        [17, 4],
        [5, 2],
      ],
    );
    // one word: no bigram; no word at all: nulls
    const d = distinctN([Int32Array.from([0]), new Int32Array(0)], 1);
    assert.deepEqual(d.perInstance, [
      { distinct1: 1, distinct2: null },
      { distinct1: null, distinct2: null },
    ]);
  });

  it('distinct-n over many texts agrees with a Set-based count', () => {
    const rng = new Rng(9);
    const docs = Array.from({ length: 400 }, () => Int32Array.from({ length: rng.int(30) }, () => rng.int(50)));
    const r = distinctN(docs, 50);
    const bigrams = new Set<string>();
    let total = 0;
    for (const ids of docs) for (let t = 1; t < ids.length; t++, total++) bigrams.add(`${ids[t - 1]} ${ids[t]}`);
    assert.equal(r.dataset.uniqueBigrams, bigrams.size);
    assert.equal(r.dataset.bigrams, total);
    docs.forEach((ids, i) => {
      const own = new Set<string>();
      for (let t = 1; t < ids.length; t++) own.add(`${ids[t - 1]} ${ids[t]}`);
      assert.equal(r.perInstance[i]?.distinct2, ids.length > 1 ? own.size / (ids.length - 1) : null);
    });
  });
});

describe('lexical: duplicates and MinHash near-duplicates', () => {
  const base = 'Tom has 45 apples and buys 17 more at the market on Saturday morning. He then gives 12 apples to his sister Lena. How many apples does Tom have left now?';
  const near = base.replace('45', '46');
  const other = 'Write a Python function that returns the longest palindromic substring of a given string, and explain its time complexity in one short paragraph.';

  it('flags a near-duplicate pair with its exact Jaccard, and not a distinct text', () => {
    const texts = [base, other, near].map(normalizeText);
    const r = minhashNearDuplicates(texts);
    assert.equal(r.pairs.length, 1);
    const [pair] = r.pairs;
    assert.equal(pair?.i, 0);
    assert.equal(pair?.j, 2);
    const a = shingleKeys(texts[0] as string, 5);
    const b = shingleKeys(texts[2] as string, 5);
    assert.equal(pair?.jaccard, jaccard(a, b));
    // against a plain Set of 5-character strings
    const grams = (t: string) => new Set(Array.from({ length: t.length - 4 }, (_, k) => t.slice(k, k + 5)));
    const [ga, gb] = [grams(texts[0] as string), grams(texts[2] as string)];
    const inter = [...ga].filter((g) => gb.has(g)).length;
    assert.equal(pair?.jaccard, inter / (ga.size + gb.size - inter));
    assert.ok((pair?.jaccard ?? 0) >= 0.8 && Math.abs((pair?.estimatedJaccard ?? 0) - (pair?.jaccard ?? 0)) < 0.15);
    assert.deepEqual([...r.bestPartner], [2, -1, 0]);
  });

  it('bands for ≥ 0.99 recall at the threshold', () => {
    assert.deepEqual(chooseBanding(0.8, 256), { bands: 32, rows: 8 });
    for (const t of [0.5, 0.7, 0.8, 0.9]) {
      const { bands, rows } = chooseBanding(t, 256);
      assert.ok(1 - (1 - t ** rows) ** bands >= 0.99);
    }
  });

  it('finds ≥ 0.99 of the pairs at Jaccard ≥ 0.8 among many short texts', () => {
    const rng = new Rng(21);
    const vocab = Array.from({ length: 300 }, (_, k) => `w${k.toString(36)}x`);
    const texts = Array.from({ length: 600 }, () => Array.from({ length: 12 + rng.int(20) }, () => rng.pick(vocab)).join(' '));
    for (let p = 0; p < 100; p++) {
      const [a, b] = [rng.int(300), 300 + rng.int(300)];
      const ws = (texts[a] as string).split(' ');
      ws[rng.int(ws.length)] = rng.pick(vocab); // one word changed
      texts[b] = ws.join(' ');
    }
    const keys = texts.map((t) => shingleKeys(t, 5));
    const truth: string[] = [];
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) if (texts[i] !== texts[j] && jaccard(keys[i] as Float64Array, keys[j] as Float64Array) >= 0.8) truth.push(`${i},${j}`);
    assert.ok(truth.length > 30, `${truth.length} true pairs`);
    const found = new Set(minhashNearDuplicates(texts).pairs.map((p) => `${p.i},${p.j}`));
    assert.ok(truth.filter((k) => found.has(k)).length / truth.length >= 0.99);
  });

  it('flags exact-duplicate instructions (case and whitespace aside) and counts them', () => {
    const items = [
      { instruction: 'Write a poem about the sea.', response: 'Waves.' },
      { instruction: base, response: 'He has 50 apples.' },
      { instruction: '  write a POEM about   the sea. ', response: 'Blue.' },
      { instruction: other, response: 'def f(s): ...' },
      { instruction: 'Write a poem about the sea.', response: 'Salt.' },
      { instruction: near, response: 'He has 51 apples.' },
    ];
    const r = lexicalMetrics(items);
    const ins = r.dataset.instruction;
    assert.deepEqual(
      r.perInstance.map((p) => p.instruction.exactDuplicateOf),
      [-1, -1, 0, -1, 0, -1],
    );
    assert.deepEqual(ins.exactDuplicates, { instances: 2, rate: 2 / 6, groups: 1 });
    assert.deepEqual(
      r.perInstance.map((p) => p.instruction.nearDuplicateOf),
      [2, 5, 0, -1, 0, 1],
    );
    assert.equal(r.perInstance[0]?.instruction.nearDuplicateJaccard, 1);
    assert.ok((r.perInstance[1]?.instruction.nearDuplicateJaccard ?? 0) >= 0.8);
    assert.equal(ins.nearDuplicates.instances, 5);
    assert.deepEqual(
      ins.nearDuplicates.pairs.map((p) => [p.i, p.j]),
      [[1, 5]],
    );
    assert.equal(r.dataset.response.exactDuplicates.instances, 0);
    assert.equal(r.dataset.method.minhash.shingles, 'char-5');
  });
});

describe('lexical: TF-IDF diversity and nearest neighbours', () => {
  const rng = new Rng(4);
  const vocab = Array.from({ length: 2000 }, (_, k) => `t${k}`);
  const varied = Array.from({ length: 60 }, () => Array.from({ length: 8 + rng.int(30) }, () => rng.pick(vocab)).join(' '));

  it('is higher for varied text than for repeated text', () => {
    const repeated = Array.from({ length: 60 }, (_, k) => `please write a short story about a brave knight number ${k % 3}`);
    const a = fieldMetrics(varied).dataset.tfidf.diversity ?? NaN;
    const b = fieldMetrics(repeated).dataset.tfidf.diversity ?? NaN;
    assert.ok(a > 0.9 && b < 0.5 && a > b, `varied ${a}, repeated ${b}`);
  });

  it('the O(nnz) mean equals the pairwise mean of the sparse rows', () => {
    const vocabIds = new Map<string, number>();
    const docs = varied.map((t) => Int32Array.from(words(t), (w) => vocabIds.get(w) ?? vocabIds.set(w, vocabIds.size).size - 1));
    const rows = hashedTfidf(docs, fnv1aWords([...vocabIds.keys()]), 2 ** 12);
    const dense = new Float32Array(rows.n * rows.dims);
    for (let i = 0; i < rows.n; i++) for (let e = rows.rowPtr[i] as number; e < (rows.rowPtr[i + 1] as number); e++) dense[i * rows.dims + (rows.col[e] as number)] = rows.val[e] as number;
    const naive = naiveMeanPairwiseCosine(dense, rows.n, rows.dims);
    assert.ok(Math.abs(sparseMeanCosine(rows).meanCosine - naive.meanCosine) < 1e-9);
  });

  it('nearest neighbours match brute force, in this thread and in workers', async () => {
    // texts sharing common words ("the", "of") so the dense part is exercised, plus a few near copies
    const texts = Array.from({ length: 300 }, () => ['the', 'of', rng.pick(['a', 'an']), ...Array.from({ length: 5 + rng.int(20) }, () => rng.pick(vocab))].join(' '));
    for (let k = 0; k < 10; k++) texts[200 + k] = `${texts[k]} extra`;
    texts[299] = '';
    const vocabIds = new Map<string, number>();
    const docs = texts.map((t) => Int32Array.from(words(t), (w) => vocabIds.get(w) ?? vocabIds.set(w, vocabIds.size).size - 1));
    const rows = hashedTfidf(docs, fnv1aWords([...vocabIds.keys()]), 2 ** 16);
    const cos = (i: number, j: number) => {
      const m = new Map<number, number>();
      for (let e = rows.rowPtr[i] as number; e < (rows.rowPtr[i + 1] as number); e++) m.set(rows.col[e] as number, rows.val[e] as number);
      let s = 0;
      for (let e = rows.rowPtr[j] as number; e < (rows.rowPtr[j + 1] as number); e++) s += (m.get(rows.col[e] as number) ?? 0) * (rows.val[e] as number);
      return s;
    };
    const sync = tfidfNearestSync(rows, { denseShare: 0.3 });
    const inWorkers = await tfidfNearest(rows, { denseShare: 0.3, threads: 2 });
    assert.deepEqual([...inWorkers.index], [...sync.index]);
    for (let i = 0; i < 299; i++) {
      let best = -Infinity;
      for (let j = 0; j < 299; j++) if (j !== i) best = Math.max(best, cos(i, j));
      assert.ok(Math.abs((sync.similarity[i] as number) - best) < 1e-3, `row ${i}: ${sync.similarity[i]} vs ${best}`);
      assert.ok(Math.abs((sync.similarity[i] as number) - cos(i, sync.index[i] as number)) < 1e-9);
    }
    for (let k = 0; k < 10; k++) assert.equal(sync.index[200 + k], k);
    assert.equal(sync.index[299], -1);
    assert.ok(Number.isNaN(sync.similarity[299]));
  });

  it('lexicalMetricsAsync gives the same figures with the scans in workers, and can be cancelled', async () => {
    const items = varied.map((t, k) => ({ instruction: t, response: varied[(k * 7) % varied.length] as string }));
    const sync = lexicalMetrics(items);
    const async = await lexicalMetricsAsync(items, { threads: 2 });
    assert.deepEqual(async, sync);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(lexicalMetricsAsync(items, { signal: controller.signal }), CancelledError);
  });

  it('copes with empty texts', () => {
    const r = lexicalMetrics([
      { instruction: '', response: '' },
      { instruction: '...', response: 'ok' },
      { instruction: '', response: 'ok' },
    ]);
    const ins = r.dataset.instruction;
    assert.equal(ins.emptyTexts, 3);
    assert.equal(ins.distinct1, null);
    assert.equal(ins.tfidf.emptyVectors, 3);
    assert.deepEqual(
      r.perInstance.map((p) => [p.instruction.tfidfNearest, p.instruction.tfidfNearestSimilarity, p.instruction.exactDuplicateOf]),
      [
        [-1, null, -1],
        [-1, null, -1],
        [-1, null, 0],
      ],
    );
    assert.equal(r.perInstance[1]?.response.tfidfNearest, 2);
    assert.equal(r.perInstance[1]?.response.exactDuplicateOf, -1);
    assert.equal(r.perInstance[2]?.response.exactDuplicateOf, 1);
  });
});

describe('metrics workers when bundled', () => {
  it('run from an esbuild bundle (minified), as in dist/cli.js and dist/extension.js', async function () {
    this.timeout(60_000);
    const dir = tempDir('metrics-bundle');
    try {
      const out = path.join(dir, 'bundle.js');
      await esbuild.build({
        stdin: {
          contents: `
            import { nearestNeighbours } from './src/core/metrics/diversity';
            import { lexicalMetricsAsync } from './src/core/metrics/lexical';
            const d = 8;
            const data = new Float32Array(40 * d).map((_, k) => Math.sin(k * 12.9898) * 43758.5453 % 1);
            data.copyWithin(5 * d, 0, d);
            (async () => {
              const nn = await nearestNeighbours(data, 40, d);
              const texts = Array.from({ length: 40 }, (_, k) => ({ instruction: 'the task ' + k + ' of ' + (k % 7), response: 'answer ' + (k % 5) + ' because ' + k }));
              const lex = await lexicalMetricsAsync(texts, { threads: 2 });
              process.stdout.write(JSON.stringify({ pairs: nn.pairs.map((p) => [p.i, p.j]), workers: nn.workers.length, nearest: lex.perInstance[3].instruction.tfidfNearest }));
            })().catch((e) => { console.error(e); process.exit(1); });
          `,
          resolveDir: ROOT,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        mainFields: ['module', 'main'],
        minify: true,
        outfile: out,
        logLevel: 'silent',
      });
      assert.ok(fs.statSync(out).size > 0);
      const result = JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8' })) as { pairs: number[][]; workers: number; nearest: number };
      assert.deepEqual(result.pairs, [[0, 5]]);
      assert.ok(result.workers >= 1);
      assert.ok(result.nearest >= 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
