/**
 * Each generator's own problem-solving score (the paper's "problem-solving ability" of the data
 * generator): given in the config, or the mean of its scores when the generator itself was
 * evaluated in this run (an "evaluations" entry whose id is the generator's).
 */
import type { RunConfig } from '../config/types';
import type { EvaluationRow } from '../store/indexStore';

export interface TeacherScore {
  generator: string;
  score: number;
  /** 'config', or the benchmarks the mean is over. */
  source: string;
}

export function teacherScores(config: RunConfig, evaluations: EvaluationRow[]): TeacherScore[] {
  const out: TeacherScore[] = [];
  for (const g of config.generators) {
    const given = config.metrics.teacherScores[g.id];
    if (given !== undefined) {
      out.push({ generator: g.id, score: given, source: 'config' });
      continue;
    }
    const rows = evaluations.filter((r) => r.model === g.id && r.missing === 0);
    if (!rows.length) continue;
    out.push({ generator: g.id, score: rows.reduce((a, r) => a + r.score, 0) / rows.length, source: `mean of ${rows.map((r) => r.benchmark).join(', ')}` });
  }
  return out;
}
