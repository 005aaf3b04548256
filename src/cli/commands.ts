import * as fs from 'node:fs';
import * as path from 'node:path';
import { AgoraError, ConfigError, MissingKeyError, Results, annotationCounts, estimateRun, estimateReport, loadConfig, BENCHMARKS, gradeOutputs, redact, repairDatasetJournal, runBenchmark, runEvaluation, shortfallText, priceUnknown, unpricedText, PriceBook, type BenchmarkName, type EvalScore, type RunEvent, type RunSummary } from '../core';
import { defaultCacheDir } from '../core/util/paths';
import { int, table, truncate, usd, duration } from './format';
import { progressReporter } from './progress';

/** Exit codes: 0 ok, 1 run finished with failures, 2 bad input, 3 missing key, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, missingKey: 3, interrupted: 130 } as const;

export interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export interface RunFlags {
  generators?: string;
  settings?: string;
  retryFailed?: boolean;
  json?: boolean;
}

export const list = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

export async function runCommand(configFile: string, flags: RunFlags, io: Io): Promise<number> {
  const config = loadConfig(configFile);
  const summary = await interruptible(io, (signals) =>
    runBenchmark(config, {
      ...signals,
      only: { generators: list(flags.generators), settings: list(flags.settings) },
      retryFailed: flags.retryFailed,
      // --json keeps stdout for the summary; warnings and errors still reach stderr
      onEvent: flags.json ? jsonModeWarnings(io) : progressReporter(io.err),
    }),
  );
  if (flags.json) io.out.write(JSON.stringify(summary) + '\n');
  else io.out.write(summaryText(summary) + '\n');
  return runExitCode(summary);
}

/**
 * Runs a job with Ctrl-C (or SIGTERM) wired to its two stops: the first stops new requests and
 * waits for those in flight (`stopSignal`), the second aborts them (`signal`).
 */
export async function interruptible<T>(io: Io, job: (signals: { signal: AbortSignal; stopSignal: AbortSignal }) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const abort = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) return abort.abort();
    io.err.write('\nstopping: no new requests; waiting for the ones in flight (Ctrl-C again to abort them)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await job({ signal: abort.signal, stopSignal: stop.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** 130 when stopped; 1 when any slot used up its attempts or a dataset stopped (every slot decided is not success); else 0. */
export function runExitCode(summary: RunSummary): number {
  if (summary.status === 'cancelled') return EXIT.interrupted;
  return summary.status === 'completed' && !summary.datasets.some((d) => d.failed > 0) ? EXIT.ok : EXIT.failed;
}

/** With --json, what a person must still see goes to stderr: seed shortfalls, warnings and errors. */
function jsonModeWarnings(io: Io): (e: RunEvent) => void {
  return (e) => {
    if (e.type === 'run-start') for (const f of e.shortfalls) io.err.write(`warning: ${shortfallText(f)}\n`);
    if (e.type === 'run-start') for (const m of e.unpriced ?? []) io.err.write(`warning: ${unpricedText(m)}\n`);
    if (e.type === 'log' && e.level !== 'info') io.err.write(`${e.level}: ${e.message}\n`);
  };
}

export function summaryText(s: RunSummary): string {
  const rows = s.datasets.map((d) => [d.generator, d.setting, d.status, `${d.valid}/${d.target}`, d.failed, d.attempts, int(d.usage.inputTokens + d.usage.outputTokens), usd(d.costUsd, priceUnknown([d.model], s.unpriced))]);
  const lines = [
    table(['generator', 'setting', 'status', 'valid', 'failed', 'requests', 'tokens', 'cost'], rows),
    '',
    `run "${s.run}" ${s.status} in ${duration(s.elapsedMs)}: ${int(s.usage.inputTokens)} input + ${int(s.usage.outputTokens)} output tokens, ${usd(s.costUsd, priceUnknown(s.datasets.map((d) => d.model), s.unpriced))}`,
    `results: ${s.resultsDir}`,
  ];
  const fromCache = s.datasets.reduce((n, d) => n + (d.fromCache ?? 0), 0);
  if (fromCache > 0) lines.push(`${int(fromCache)} from cache: answers an earlier run paid for (0 tokens, $0 and 0 ms each here)`);
  if (s.unrecordedCostUsd > 0) lines.push(`plus about ${usd(s.unrecordedCostUsd)} unrecorded, estimated: requests sent before a crash whose answers were lost`);
  if (s.shortfalls.length) lines.push('fewer seeds than requested instances:', ...s.shortfalls.map((f) => `  ${shortfallText(f)}`));
  const errors = s.datasets.filter((d) => d.error).map((d) => `  ${d.id}: ${d.error}`);
  if (errors.length) lines.push('errors:', ...errors);
  const tally = (pick: (d: RunSummary['datasets'][number]) => { reason: string; count: number }[]) => {
    const m = new Map<string, number>();
    for (const d of s.datasets) for (const r of pick(d)) m.set(r.reason, (m.get(r.reason) ?? 0) + r.count);
    return [...m].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ×${n}`).join(', ');
  };
  const failedCauses = tally((d) => d.failureCauses);
  const retried = tally((d) => d.retriedCauses);
  if (failedCauses) lines.push(`why slots failed: ${failedCauses}`);
  if (retried) lines.push(`retried and then succeeded: ${retried}`);
  return lines.join('\n');
}

export async function estimateCommand(configFile: string, flags: RunFlags, io: Io): Promise<number> {
  const config = loadConfig(configFile);
  const est = await estimateRun(config, { generators: list(flags.generators), settings: list(flags.settings) });
  if (flags.json) {
    io.out.write(JSON.stringify(est) + '\n');
    return EXIT.ok;
  }
  const report = estimateReport(est);
  io.out.write(table(report.header, report.rows) + '\n\n');
  io.out.write(report.notes.map((n) => `${n}\n`).join(''));
  return EXIT.ok;
}

/** The results directory from --results, --config, or ./.agorabench. */
export function resultsDir(opts: { results?: string; config?: string }): string {
  if (opts.results) return path.resolve(opts.results);
  if (opts.config) return loadConfig(opts.config).resultsDir;
  return path.resolve('.agorabench');
}

/**
 * A stored cost of 0 for tokens spent on a model that neither the table nor the config's `prices`
 * knows is unknown, not free. Without the config (`prices` undefined) a 0 may be a price of 0 set
 * there: no judgement then.
 */
function storedPriceUnknown(d: { model: string; costUsd: number; inputTokens: number; outputTokens: number }, prices: PriceBook | undefined): 'all' | undefined {
  return prices && d.costUsd === 0 && d.inputTokens + d.outputTokens > 0 && !prices.has(d.model) ? 'all' : undefined;
}

export async function listCommand(opts: { results?: string; config?: string; json?: boolean }, io: Io): Promise<number> {
  const dir = resultsDir(opts);
  const prices = opts.config ? new PriceBook(loadConfig(opts.config).prices) : undefined;
  const results = new Results(dir);
  const [runs, datasets] = [await results.index.runs(), await results.index.datasets()];
  for (const w of results.index.warnings) io.err.write(`warning: ${w}\n`);
  // instances annotated bad (their latest line in the dataset's annotations.jsonl)
  const bad = new Map(datasets.map((d) => [d.id, annotationCounts(path.join(dir, d.dir)).bad]));
  if (opts.json) {
    io.out.write(JSON.stringify({ resultsDir: dir, runs, datasets: datasets.map((d) => ({ ...d, bad: bad.get(d.id) ?? 0 })) }) + '\n');
    return EXIT.ok;
  }
  if (!runs.length) {
    io.out.write(`no runs in ${dir}${fs.existsSync(dir) ? '' : ' (the folder does not exist)'}\n`);
    return EXIT.ok;
  }
  for (const r of runs) {
    io.out.write(`run ${r.name} — ${r.status}, updated ${r.updatedAt} (${r.configFile})\n`);
    const rows = datasets.filter((d) => d.run === r.name).map((d) => [d.id, d.status, `${d.valid}/${d.target}`, d.failed, bad.get(d.id) ?? 0, int(d.inputTokens + d.outputTokens), usd(d.costUsd, storedPriceUnknown(d, prices))]);
    io.out.write(table(['dataset', 'status', 'valid', 'failed', 'bad', 'tokens', 'cost'], rows).replace(/^/gm, '  ') + '\n\n');
  }
  return EXIT.ok;
}

export async function showCommand(id: string, opts: { results?: string; config?: string; json?: boolean; failed?: boolean; limit?: string; after?: string }, io: Io): Promise<number> {
  const results = new Results(resultsDir(opts));
  const row = await results.findDataset(id);
  if (!row) {
    const ids = (await results.index.datasets()).map((d) => d.id);
    io.err.write(`no dataset "${id}" in ${results.dir}${ids.length ? `; known: ${ids.slice(0, 10).join(', ')}` : ''}\n`);
    return EXIT.usage;
  }
  for (const w of results.index.warnings) io.err.write(`warning: ${w}\n`);
  const store = await results.openDataset(row);
  for (const w of store.warnings) io.err.write(`warning: ${w}\n`);
  try {
    const rows = store.listInstances({ status: opts.failed ? 'failed' : undefined, afterSlot: opts.after ? Number(opts.after) : undefined, limit: Number(opts.limit ?? 20) });
    if (opts.json) {
      for (const r of rows) io.out.write(JSON.stringify(r) + '\n');
      return EXIT.ok;
    }
    const t = store.totals();
    const lost = t.unrecorded.requests ? ` (+ about ${usd(t.unrecorded.costUsd)} unrecorded, estimated, for ${t.unrecorded.requests} lost answer(s))` : '';
    io.out.write(`${row.id}: ${row.model} on ${row.setting} — ${t.valid} valid, ${t.failed} failed of ${row.target}, ${t.attempts} requests${t.fromCache ? ` (${t.fromCache} from cache: no tokens, cost or time of their own)` : ''}, ${usd(t.costUsd)}${lost}\n`);
    const causes = store.causes();
    if (causes.failed.length) io.out.write(`why slots failed: ${causes.failed.map((r) => `${r.reason} ×${r.count}`).join(', ')}\n`);
    if (causes.retried.length) io.out.write(`retried and then succeeded: ${causes.retried.map((r) => `${r.reason} ×${r.count}`).join(', ')}\n`);
    io.out.write('\n');
    for (const r of rows) {
      const fromCache = r.meta.cached === true ? ', answer from cache' : '';
      io.out.write(`#${r.slot} ${r.status} (${r.attempts} attempt${r.attempts > 1 ? 's' : ''}, ${int(r.usage.inputTokens + r.usage.outputTokens)} tokens${fromCache})\n`);
      if (r.status === 'valid') {
        io.out.write(`  instruction: ${truncate(r.instruction, 160)}\n  response:    ${truncate(r.response, 160)}\n`);
      } else {
        for (const reason of opts.failed ? r.reasons : r.reasons.slice(-3)) io.out.write(`  ${truncate(reason, 160)}\n`);
      }
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/**
 * Turns errors into one clear message and an exit code. The engine's own errors (bad config,
 * data or results folder) are the user's to fix: exit 2. Anything else is a bug or an
 * environment failure: its message, and its stack only with AGORABENCH_DEBUG=1.
 */
export function reportError(e: unknown, io: Io): number {
  if (e instanceof ConfigError) {
    io.err.write(`error: invalid config\n${e.message}\n`);
    return EXIT.usage;
  }
  if (e instanceof MissingKeyError) {
    io.err.write(`error: ${e.message}\n`);
    return EXIT.missingKey;
  }
  if (e instanceof AgoraError) {
    io.err.write(`error: ${redact(e.message)}\n`);
    return EXIT.usage;
  }
  const debug = process.env.AGORABENCH_DEBUG === '1';
  io.err.write(`error: ${redact(e instanceof Error ? (debug ? (e.stack ?? e.message) : e.message) : String(e))}${debug ? '' : ' (AGORABENCH_DEBUG=1 shows where)'}\n`);
  return EXIT.failed;
}

/**
 * `agorabench repair <dataset>`: sets the unreadable lines of a dataset's journal aside (the
 * original and the damaged lines are kept in files beside it), keeps every readable line, and
 * checks that the store opens again.
 */
export async function repairCommand(id: string, opts: { results?: string; config?: string }, io: Io): Promise<number> {
  const dir = path.join(resultsDir(opts), 'datasets', id);
  const journal = path.join(dir, 'journal.jsonl');
  if (!fs.existsSync(journal)) {
    io.err.write(`error: no journal for dataset "${id}" at ${journal}\n`);
    return EXIT.usage;
  }
  const r = repairDatasetJournal(dir, id);
  io.out.write(`${journal}: kept ${int(r.kept)} readable lines, set ${r.damaged.length} unreadable line(s) aside\n`);
  for (const d of r.damaged.slice(0, 5)) io.out.write(`  byte ${d.offset}: ${truncate(d.text, 100)}\n`);
  io.out.write(`original: ${r.original}\nunreadable lines: ${r.damagedFile}\n`);
  const store = await new Results(resultsDir(opts)).openDataset({ id, run: '', generator: '', setting: '', target: 0, dir: path.join('datasets', id) });
  try {
    const t = store.totals();
    io.out.write(`the store opens: ${t.valid} valid, ${t.failed} failed; run the config again to redo what was set aside\n`);
  } finally {
    await store.close();
  }
  return EXIT.ok;
}

export interface EvalFlags {
  models?: string;
  benchmarks?: string;
  retryFailed?: boolean;
  json?: boolean;
}

/** `agorabench eval`: every configured model on every configured benchmark (resumable), then the scores. */
export async function evalCommand(configFile: string, flags: EvalFlags, io: Io): Promise<number> {
  const config = loadConfig(configFile);
  const benchmarks = list(flags.benchmarks);
  const unknown = benchmarks?.filter((b) => !(BENCHMARKS as readonly string[]).includes(b));
  if (unknown?.length) {
    io.err.write(`error: unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}\n`);
    return EXIT.usage;
  }
  const summary = await interruptible(io, (signals) =>
    runEvaluation(config, {
      ...signals,
      only: { models: list(flags.models), benchmarks: benchmarks as BenchmarkName[] | undefined },
      retryFailed: flags.retryFailed,
      onEvent: flags.json ? jsonModeWarnings(io) : progressReporter(io.err),
    }),
  );
  if (flags.json) io.out.write(JSON.stringify(summary) + '\n');
  else io.out.write(`${scoresText(summary.scores)}\n\n${summaryText(summary)}\n`);
  return runExitCode(summary);
}

/** The scores as a table: model, role, benchmark, metric, score with its 95 % interval, items. */
export function scoresText(scores: EvalScore[]): string {
  const rows = scores.map((s) => [
    s.model,
    s.role ?? '',
    s.benchmark,
    s.metric,
    s.score.toFixed(1),
    s.ci95 ? `${s.ci95[0].toFixed(1)}–${s.ci95[1].toFixed(1)}` : '',
    int(s.n),
    s.missing ? int(s.missing) : '',
  ]);
  return table(['model', 'role', 'benchmark', 'metric', 'score', '95% CI', 'items', 'missing'], rows);
}

export interface GradeFlags {
  json?: boolean;
  dataDir?: string;
  workers?: string;
  allowNetwork?: boolean;
}

/** `agorabench grade <benchmark> <outputs.jsonl>`: the same graders, on outputs produced elsewhere. */
export async function gradeCommand(benchmark: string, file: string, flags: GradeFlags, io: Io): Promise<number> {
  if (!(BENCHMARKS as readonly string[]).includes(benchmark)) {
    io.err.write(`error: unknown benchmark "${benchmark}"; known: ${BENCHMARKS.join(', ')}\n`);
    return EXIT.usage;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    io.err.write(`error: ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
    return EXIT.usage;
  }
  const ctx = { ...dataContextFor(flags.dataDir) };
  const { grades, score } = await gradeOutputs(benchmark as BenchmarkName, text, file, ctx, { workers: flags.workers ? Number(flags.workers) : undefined, allowNetwork: flags.allowNetwork });
  if (flags.json) {
    for (const g of grades) io.out.write(JSON.stringify(g) + '\n');
    io.out.write(JSON.stringify({ summary: true, benchmark, metric: score.metric, score: score.score, ci95: score.ci95 ?? null, n: score.n, missing: score.missing, detail: score.detail }) + '\n');
    return EXIT.ok;
  }
  const wrong = grades.filter((g) => g.correct === false).slice(0, 10);
  for (const g of wrong) io.out.write(`${g.id}: wrong — ${truncate(g.reason, 140)}\n`);
  if (wrong.length) io.out.write('\n');
  io.out.write(`${benchmark}: ${score.metric} ${score.score.toFixed(2)}${score.ci95 ? ` (95% CI ${score.ci95[0].toFixed(2)}–${score.ci95[1].toFixed(2)})` : ''} over ${score.n} items, ${grades.length} outputs graded, ${score.missing} items without an output\n`);
  return EXIT.ok;
}

/** The offline directory and cache, from --data-dir or the environment (AGORABENCH_DATA_DIR, AGORABENCH_CACHE_DIR, AGORABENCH_OFFLINE). */
function dataContextFor(dataDir: string | undefined) {
  return {
    dataDir: dataDir ? path.resolve(dataDir) : process.env.AGORABENCH_DATA_DIR ? path.resolve(process.env.AGORABENCH_DATA_DIR) : undefined,
    cacheDir: defaultCacheDir(),
    offline: process.env.AGORABENCH_OFFLINE === '1',
  };
}
