/**
 * Lexical figures every dataset gets without any API: lengths, distinct-n, TF-IDF diversity and
 * nearest neighbours, exact and near duplicates — for instructions and responses separately, as
 * the paper reports instruction diversity and response diversity apart.
 *
 * Everything is linear in the total text length except the TF-IDF nearest-neighbour scans (all
 * pairs, most of the time at 10K texts). `lexicalMetrics` runs everything on the calling thread;
 * `lexicalMetricsAsync` runs the scans in worker threads while the calling thread does the linear
 * part in chunks, never blocking it for long (≈ 0.1 s at 10K texts, bench/metrics.ts).
 */
import { assemble, linear, prepare, type Linear, type Prepared } from './field';
import { chooseBanding } from './minhash';
import { drain, drainAsync } from './steps';
import { tfidfNearest, tfidfNearestSync, type TfidfNeighbours } from './tfidfNearest';
import type { FieldInstanceFigures, FieldMetrics, LexicalAsyncOptions, LexicalMetrics, LexicalOptions } from './types';

/** Several fields in worker threads: their TF-IDF scans overlap with each other and with the linear work. */
async function fieldsAsync(columns: readonly (readonly string[])[], opts: LexicalAsyncOptions): Promise<FieldMetrics[]> {
  // one signal for this call's scans: the caller's abort, or an error here, stops them all
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) stop.abort();
  let scans: Promise<(TfidfNeighbours | undefined)[]> | undefined;
  try {
    const prepared: Prepared[] = [];
    const started: Promise<TfidfNeighbours | undefined>[] = [];
    for (const texts of columns) {
      const p = await drainAsync(prepare(texts, opts), stop.signal);
      prepared.push(p);
      const scan = opts.nearest === false ? Promise.resolve(undefined) : tfidfNearest(p.rows, { threads: opts.threads, signal: stop.signal });
      scan.catch(() => undefined); // awaited below; a rejection must not count as unhandled meanwhile
      started.push(scan);
    }
    scans = Promise.all(started);
    const lin: Linear[] = [];
    for (const p of prepared) lin.push(await drainAsync(linear(p, opts), stop.signal));
    const nearest = await scans;
    return prepared.map((p, k) => assemble(p, lin[k] as Linear, nearest[k]));
  } catch (e) {
    stop.abort(); // do not leave workers running behind an error
    await scans?.catch(() => undefined);
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function fieldsSync(columns: readonly (readonly string[])[], opts: LexicalOptions): FieldMetrics[] {
  return columns.map((texts) => {
    const p = drain(prepare(texts, opts));
    return assemble(p, drain(linear(p, opts)), opts.nearest === false ? undefined : tfidfNearestSync(p.rows));
  });
}

/** All lexical figures of one list of texts (one field), on the calling thread. */
export function fieldMetrics(texts: readonly string[], opts: LexicalOptions = {}): FieldMetrics {
  return fieldsSync([texts], opts)[0] as FieldMetrics;
}

function toMetrics(items: readonly unknown[], [instruction, response]: FieldMetrics[], opts: LexicalOptions): LexicalMetrics {
  const bins = opts.minhashBins ?? 256;
  const { bands, rows } = chooseBanding(opts.nearDuplicateThreshold ?? 0.8, bins);
  const ins = instruction as FieldMetrics;
  const res = response as FieldMetrics;
  return {
    dataset: {
      instances: items.length,
      instruction: ins.dataset,
      response: res.dataset,
      method: {
        tokenizer: 'unicode-words-lowercase',
        tfidf: { features: 'word 1-2 grams, signed hashing', dims: opts.tfidfDims ?? 2 ** 18, idf: 'ln((1+n)/(1+df))+1', norm: 'l2' },
        minhash: { shingles: `char-${opts.shingle ?? 5}`, bins, bands, rows, densification: 'optimal (Shrivastava 2017)' },
      },
    },
    perInstance: items.map((_, i) => ({ instruction: ins.perInstance[i] as FieldInstanceFigures, response: res.perInstance[i] as FieldInstanceFigures })),
  };
}

/**
 * Lexical metrics of a dataset, instructions and responses apart, computed on the calling thread
 * (pure and synchronous: ≈ 3–4 s for 10K instances here, bench/metrics.ts). In the extension
 * host prefer `lexicalMetricsAsync`, which moves the all-pairs part to worker threads.
 */
export function lexicalMetrics(items: readonly { instruction: string; response: string }[], opts: LexicalOptions = {}): LexicalMetrics {
  return toMetrics(items, fieldsSync([items.map((x) => x.instruction), items.map((x) => x.response)], opts), opts);
}

/**
 * The same figures as `lexicalMetrics`, with the TF-IDF nearest-neighbour scans of both fields in
 * worker threads while this thread does the linear work (≈ 1 s of the total for 10K instances).
 * Rejects with CancelledError when `signal` aborts.
 */
export async function lexicalMetricsAsync(items: readonly { instruction: string; response: string }[], opts: LexicalAsyncOptions = {}): Promise<LexicalMetrics> {
  return toMetrics(items, await fieldsAsync([items.map((x) => x.instruction), items.map((x) => x.response)], opts), opts);
}
