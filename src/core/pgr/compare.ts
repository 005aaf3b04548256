import type { BenchmarkName } from '../config/types';
import { DataError } from '../errors';
import { parseSettingKey, type SettingKey } from '../types';
import { rngFor } from '../util/rng';
import { inDomain, settingBenchmarks } from './columns';
import { bootstrapOptions } from './compute';
import { pgr } from './formula';
import { indexScores, rowSource } from './inputs';
import { combineKinds, meanRounds, percentileInterval, pgrRounds } from './rounds';
import { drawScores } from './sampling';
import type { IntervalKind, PgrComparison, ScoreInput } from './types';

const WHERE = 'compareGenerators';

/**
 * Is generator A's data better than B's on one setting? Both students are resampled with the SAME
 * draws per round (same item indices, same base and reference draws), so what they share cancels
 * and the difference's interval is tighter than two separate intervals would suggest.
 * probabilityAGreater is the share of rounds where A's PGR is higher (ties count one half).
 */
export function compareGenerators(inputs: readonly ScoreInput[], setting: string, a: string, b: string, opts: { rounds?: number; seed?: number } = {}): PgrComparison {
  const { rounds, seed } = bootstrapOptions(opts);
  const parsed = parseSettingKey(setting);
  if (!parsed) throw new DataError(`unknown setting "${setting}" (expected <method>.<domain>)`, WHERE);
  const key: SettingKey = `${parsed.method}.${parsed.domain}`;
  const index = indexScores(inputs);
  const rowsOf = (g: string): Map<BenchmarkName, ScoreInput> => {
    const rows = index.students.get(g)?.get(key);
    if (!rows) throw new DataError(`no student of generator "${g}" on ${setting}`, WHERE);
    return rows;
  };
  const rowsA = rowsOf(a);
  const rowsB = rowsOf(b);
  const notes: string[] = [];
  const shared = new Set([...rowsA.keys()].filter((k) => rowsB.has(k) && inDomain(k, parsed.domain)));
  const { used } = settingBenchmarks(parsed.domain, shared);
  const onlyOne = [...rowsA.keys(), ...rowsB.keys()].filter((k) => inDomain(k, parsed.domain) && !shared.has(k));
  if (onlyOne.length) notes.push(`compared on ${used.join(', ')}: ${[...new Set(onlyOne)].join(', ')} scored for one student only`);
  if (!used.length) throw new DataError(`"${a}" and "${b}" share no ${parsed.domain} benchmark on ${setting}`, WHERE);

  const pointsA: number[] = [];
  const pointsB: number[] = [];
  const seriesA: Float64Array[] = [];
  const seriesB: Float64Array[] = [];
  const kinds: IntervalKind[] = [];
  const benchmarks: BenchmarkName[] = [];
  for (const bench of used) {
    const sa = rowsA.get(bench) as ScoreInput;
    const sb = rowsB.get(bench) as ScoreInput;
    const base = index.base.get(bench);
    const reference = index.reference.get(bench);
    if (!base || !reference) throw new DataError(`no ${base ? 'reference' : 'base'} score for benchmark ${bench}, which this student row needs`, rowSource(sa));
    const pa = pgr(sa.score, base.score, reference.score);
    const pb = pgr(sb.score, base.score, reference.score);
    if (pa === null || pb === null) {
      notes.push(`${bench}: reference and base scores are equal: PGR undefined, left out`);
      continue;
    }
    const drawn = drawScores([sa, sb, base, reference], [a, b, 'base', 'reference'], rounds, rngFor(seed, 'compare', setting, bench));
    if (drawn.kind === 'none') throw new DataError(`cannot compare on ${bench} without uncertainty: ${drawn.notes.join('; ')}`, WHERE);
    notes.push(...drawn.notes.map((n) => `${bench}: ${n}`));
    const [da, db, dBase, dRef] = drawn.draws as [Float64Array, Float64Array, Float64Array, Float64Array];
    pointsA.push(pa);
    pointsB.push(pb);
    seriesA.push(pgrRounds(da, dBase, dRef));
    seriesB.push(pgrRounds(db, dBase, dRef));
    kinds.push(drawn.kind);
    benchmarks.push(bench);
  }
  if (!benchmarks.length) throw new DataError(`no benchmark of ${setting} has a defined PGR`, WHERE);

  const roundsA = meanRounds(seriesA);
  const roundsB = meanRounds(seriesB);
  const diff = roundsA.map((v, r) => v - (roundsB[r] as number));
  let wins = 0;
  let counted = 0;
  diff.forEach((d) => {
    if (Number.isNaN(d)) return;
    counted++;
    wins += d > 0 ? 1 : d === 0 ? 0.5 : 0;
  });
  const interval = percentileInterval(diff);
  if (!interval.ci95) throw new DataError(`every bootstrap round of ${setting} had a zero reference − base gap`, WHERE);
  if (interval.skipped) notes.push(`${interval.skipped} of ${rounds} rounds had a zero reference − base gap and were skipped`);
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const pgrA = mean(pointsA);
  const pgrB = mean(pointsB);
  return {
    a,
    b,
    setting,
    difference: pgrA - pgrB,
    ci95: interval.ci95,
    probabilityAGreater: wins / counted,
    interval: combineKinds(kinds),
    pgrA,
    pgrB,
    benchmarks,
    usedRounds: counted,
    notes,
  };
}
