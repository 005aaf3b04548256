// How fast are the local metrics? (1) the exact O(n·d) mean pairwise cosine over 10K × 1536
// embeddings against the naive O(n²·d) loop; (2) the exact near-duplicate / nearest-neighbour
// scan over 10K × 1536 in worker threads, with planted near-duplicate pairs: time, how long the
// main thread was blocked, recall against the planted truth for pairs ≥ 0.95; (3) the lexical
// metrics over 10K realistic-looking instruction/response pairs, on the main thread
// (lexicalMetrics) and with the TF-IDF scans in workers (lexicalMetricsAsync, with how long the
// main thread was blocked). Figures, never assertions;
// ends with one JSON line. Sizes: BENCH_METRICS_N (10000), BENCH_METRICS_D (1536),
// BENCH_METRICS_NAIVE_N (the naive loop's sample size, 2000; its time is extrapolated by n²).
import { meanPairwiseCosine, naiveMeanPairwiseCosine, nearestNeighbours, normalizeRows } from '../src/core/metrics/diversity';
import { lexicalMetrics, lexicalMetricsAsync } from '../src/core/metrics/lexical';
import { Rng } from '../src/core/util/rng';

const N = Number(process.env.BENCH_METRICS_N ?? 10_000);
const D = Number(process.env.BENCH_METRICS_D ?? 1536);
const NAIVE_N = Math.min(N, Number(process.env.BENCH_METRICS_NAIVE_N ?? 2000));
const PLANTED = 200;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Standard normal by Box–Muller (embedding coordinates are roughly Gaussian). */
function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * n × d Gaussian rows with `planted` copies: row b = row a + noise, the noise scaled so the pairs'
 * cosines spread over [0.93, 0.995] — some just under the 0.95 threshold, to exercise the edge.
 */
function embeddings(rng: Rng, n: number, d: number, planted: number): { data: Float32Array; pairs: { i: number; j: number }[] } {
  const data = new Float32Array(n * d);
  const pairs: { i: number; j: number }[] = [];
  for (let k = 0; k < data.length; k++) data[k] = gauss(rng);
  const targets = rng.sampleIndices(n, 2 * planted);
  for (let p = 0; p < planted; p++) {
    const a = targets[2 * p] as number;
    const b = targets[2 * p + 1] as number;
    const cos = 0.93 + 0.065 * rng.next();
    const sigma = Math.sqrt(1 / (cos * cos) - 1); // cos(x, x + σ·z) ≈ 1/√(1 + σ²) for |x| ≈ |z|
    for (let k = 0; k < d; k++) data[b * d + k] = (data[a * d + k] as number) + sigma * gauss(rng);
    pairs.push({ i: a, j: b });
  }
  return { data, pairs };
}

/**
 * The exact answer: planted pairs with cosine ≥ t, checked in float64. Any other pair of Gaussian
 * rows has cosine ≈ 0 ± 1/√d (0.026 for d = 1536), so reaching 0.95 would take a 37σ event.
 */
function truth(data: Float32Array, d: number, pairs: { i: number; j: number }[], t: number): Set<string> {
  const out = new Set<string>();
  for (const { i, j } of pairs) {
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
    if (s / Math.sqrt(a * b) >= t) out.add(`${Math.min(i, j)},${Math.max(i, j)}`);
  }
  return out;
}

// ---- realistic-looking text: Zipf-distributed English words in domain templates ----

const COMMON = (
  'the of and to a in is that for it as with was on be by this are or from at an not have which but you they his can all one has their more will would there what so if about ' +
  'when each other into them some could these two may then do first any my now such like our over only new also its after used most where how many time very well should between ' +
  'number value list function return result total sum each step find given answer example string input output first second third minutes hours days price cost water apples'
).split(' ');

function vocabulary(rng: Rng, size: number): string[] {
  const syllables = 'ka lo mi ter sun pra vel dor ing ment tion ble ous ra ne si co pu de fa li mo ber tan gra'.split(' ');
  const out = [...COMMON];
  while (out.length < size) {
    let w = '';
    for (let s = 0, k = 2 + rng.int(3); s < k; s++) w += rng.pick(syllables);
    out.push(w);
  }
  return out;
}

/** A Zipf(1) sampler over a vocabulary: a few words are everywhere, most are rare — as in real text. */
function zipf(rng: Rng, vocab: string[]): () => string {
  const cdf = new Float64Array(vocab.length);
  let s = 0;
  for (let r = 0; r < vocab.length; r++) cdf[r] = s += 1 / (r + 1);
  return () => {
    const x = rng.next() * s;
    let lo = 0;
    let hi = vocab.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return vocab[lo] as string;
  };
}

function sentence(rng: Rng, word: () => string, min: number, max: number): string {
  const k = min + rng.int(max - min + 1);
  const ws = Array.from({ length: k }, word);
  const first = ws[0] as string;
  ws[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${ws.join(' ')}${rng.pick(['.', '.', '.', '?', '!'])}`;
}

function paragraph(rng: Rng, word: () => string, sentences: number): string {
  return Array.from({ length: sentences }, () => sentence(rng, word, 6, 22)).join(' ');
}

/** 10K instruction/response pairs in the three domains' shapes, with 2 % exact and 2 % near-duplicate instructions. */
function instances(rng: Rng, n: number): { instruction: string; response: string }[] {
  const word = zipf(rng, vocabulary(rng, 20_000));
  const names = ['Lena', 'Tom', 'Aisha', 'Kenji', 'Maria', 'Omar', 'Priya', 'Lucas'];
  const out: { instruction: string; response: string }[] = [];
  for (let i = 0; i < n; i++) {
    const domain = i % 3;
    let instruction: string;
    let response: string;
    if (domain === 0) {
      const [a, b, c] = [2 + rng.int(90), 2 + rng.int(50), 1 + rng.int(20)];
      instruction = `${rng.pick(names)} has ${a} ${word()} ${word()}. ${sentence(rng, word, 8, 18)} If ${rng.pick(names)} gets ${b} more and gives away ${c}, how many are left?`;
      response = `${paragraph(rng, word, 4 + rng.int(8))}\n${a} + ${b} - ${c} = ${a + b - c}.\n[RESULT] ${a + b - c} [/RESULT]`;
    } else if (domain === 1) {
      const fn = `${word()}_${word()}`;
      instruction = `Write a Python function \`${fn}(items)\` that ${paragraph(rng, word, 1 + rng.int(2)).toLowerCase()}`;
      const body = Array.from({ length: 5 + rng.int(20) }, () => `    ${word()} = ${word()}(${word()}, ${rng.int(100)})`).join('\n');
      response = `\`\`\`python\ndef ${fn}(items):\n${body}\n    return ${word()}\n\`\`\`\n${paragraph(rng, word, 2 + rng.int(6))}`;
    } else {
      instruction = `${rng.pick(['Write', 'Explain', 'Describe', 'Summarize'])} ${paragraph(rng, word, 1 + rng.int(3))} Use at most ${50 + rng.int(200)} words.`;
      response = Array.from({ length: 2 + rng.int(5) }, () => paragraph(rng, word, 2 + rng.int(6))).join('\n\n');
    }
    out.push({ instruction, response });
  }
  for (let p = 0; p < Math.floor(n / 50); p++) {
    const [a, b, c] = rng.sampleIndices(n, 3) as [number, number, number];
    (out[b] as { instruction: string }).instruction = (out[a] as { instruction: string }).instruction; // exact duplicate
    (out[c] as { instruction: string }).instruction = (out[a] as { instruction: string }).instruction.replace(/\d+/, (m) => String(Number(m) + 1)); // one number changed
  }
  return out;
}

/**
 * Runs `work` and reports the longest stretch the event loop could not run a 5 ms timer — how
 * long an editor sharing this thread would have frozen (the sync part of an async call counts).
 */
async function blocking<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; blockedMs: number }> {
  const tick = 5;
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - tick);
    last = now;
  }, tick);
  await new Promise((resolve) => setTimeout(resolve, 4 * tick)); // the sampler is running
  const t0 = performance.now();
  const value = await work();
  const ms = performance.now() - t0;
  worst = Math.max(worst, performance.now() - last - tick);
  clearInterval(timer);
  return { value, ms, blockedMs: Math.max(0, worst) };
}

async function main(): Promise<void> {
  const rng = new Rng(20240601);
  const { data, pairs: planted } = embeddings(rng, N, D, PLANTED);

  // 1. mean diversity: exact identity vs the naive loop (on a sample, extrapolated by n²)
  const { unit } = normalizeRows(data, N, D);
  let t = performance.now();
  const exact = meanPairwiseCosine(unit, N, D);
  const exactMs = performance.now() - t;
  const sample = unit.subarray(0, NAIVE_N * D);
  const exactOnSample = meanPairwiseCosine(sample, NAIVE_N, D);
  t = performance.now();
  const naive = naiveMeanPairwiseCosine(sample, NAIVE_N, D);
  const naiveSampleMs = performance.now() - t;
  const naiveMs = (naiveSampleMs * (N * (N - 1))) / (NAIVE_N * (NAIVE_N - 1));
  const naiveKey = NAIVE_N < N ? `naiveMsExtrapolatedFromN${NAIVE_N}` : 'naiveMs';
  console.log(`mean cosine ${N} × ${D}: exact ${exactMs.toFixed(1)} ms (target < 100), naive ${NAIVE_N < N ? `≈ ${(naiveMs / 1000).toFixed(1)} s extrapolated from ${NAIVE_N} rows (${naiveSampleMs.toFixed(0)} ms)` : `${naiveMs.toFixed(0)} ms`}; |Δ| on ${NAIVE_N} rows ${Math.abs(exactOnSample.meanCosine - naive.meanCosine).toExponential(2)}`);

  // 2. near-duplicate scan in workers, and how long the main thread was blocked meanwhile
  const { value: scan, ms: scanMs, blockedMs } = await blocking(() => nearestNeighbours(data, N, D, { threshold: 0.95 }));
  const expected = truth(data, D, planted, 0.95);
  const found = new Set(scan.pairs.map((p) => `${p.i},${p.j}`));
  const hits = [...expected].filter((k) => found.has(k)).length;
  const recall = expected.size ? hits / expected.size : NaN;
  console.log(`near-duplicate scan ${N} × ${D}: ${scanMs.toFixed(0)} ms on ${scan.workers.length} worker threads (target < 10000); main thread blocked at most ${blockedMs.toFixed(1)} ms; pairs ≥ 0.95: ${scan.pairCount} found, ${expected.size} expected, recall ${recall.toFixed(4)} (target ≥ 0.99)`);

  // 3. lexical metrics over realistic-looking instances: all on this thread, then with the scans in workers
  const items = instances(new Rng(7), N);
  t = performance.now();
  const lexical = lexicalMetrics(items);
  const lexicalMs = performance.now() - t;
  const { value: lexicalAsync, ms: lexicalAsyncMs, blockedMs: lexicalAsyncBlockedMs } = await blocking(() => lexicalMetricsAsync(items));
  const same = JSON.stringify(lexicalAsync.dataset) === JSON.stringify(lexical.dataset);
  const ins = lexical.dataset.instruction;
  const res = lexical.dataset.response;
  console.log(
    `lexical metrics over ${N} instances: ${lexicalMs.toFixed(0)} ms on the main thread (target < 5000), ${lexicalAsyncMs.toFixed(0)} ms with the TF-IDF scans in workers (main thread blocked at most ${lexicalAsyncBlockedMs.toFixed(0)} ms; same figures: ${same}); ` +
      `instruction diversity ${ins.tfidf.diversity?.toFixed(4)}, response diversity ${res.tfidf.diversity?.toFixed(4)}, ` +
      `instruction exact duplicates ${ins.exactDuplicates.instances}, near-duplicates ${ins.nearDuplicates.instances} (${ins.nearDuplicates.candidatePairs} candidate pairs), ` +
      `words median ${ins.words.median} / ${res.words.median}, response distinct-2 ${res.distinct2?.toFixed(3)}`,
  );

  console.log(
    JSON.stringify({
      meanDiversity: {
        n: N,
        d: D,
        exactMs: round(exactMs, 2),
        [naiveKey]: Math.round(naiveMs),
        speedup: Math.round(naiveMs / exactMs),
        absDiffOnNaiveSample: Number(Math.abs(exactOnSample.meanCosine - naive.meanCosine).toExponential(2)),
        diversity: round(exact.diversity, 6),
      },
      nearDuplicates: { n: N, d: D, ms: Math.round(scanMs), threads: scan.workers.length, mainThreadMaxBlockedMs: round(blockedMs), pairsFound: scan.pairCount, pairsExpected: expected.size, recall: round(recall, 4) },
      lexical: {
        n: N,
        ms: Math.round(lexicalMs),
        asyncMs: Math.round(lexicalAsyncMs),
        asyncMainThreadMaxBlockedMs: Math.round(lexicalAsyncBlockedMs),
        asyncSameFigures: same,
        instructionDiversity: round(ins.tfidf.diversity ?? NaN, 4),
        responseDiversity: round(res.tfidf.diversity ?? NaN, 4),
        instructionExactDuplicates: ins.exactDuplicates.instances,
        instructionNearDuplicates: ins.nearDuplicates.instances,
        instructionWordsMedian: ins.words.median,
        responseWordsMedian: res.words.median,
      },
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
