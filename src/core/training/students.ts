/**
 * Students of a run: one per generated dataset, each in its own folder under
 * `<resultsDir>/training/<run>/<student>/` (its training data and manifest, `student.json`, and
 * the launcher's `job.json` and log). The folders are the record: nothing else has to survive
 * for `eval` and `pgr` to find a student and the dataset it was trained on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evalModelFrom } from '../config/load';
import type { EvalModelConfig, RunConfig } from '../config/types';
import { DataError } from '../errors';
import { writeFileAtomic } from '../store/atomicFile';
import { parseSettingKey, type SettingKey } from '../types';
import { readJob, type TrainingJob } from './job';

/** What a student was trained on, written when its data is exported. */
export interface StudentInfo {
  id: string;
  run: string;
  /** The dataset's id, generator id and setting. */
  dataset: string;
  generator: string;
  setting: SettingKey;
  /** Generation cost of the dataset (USD), for PGR per dollar. */
  datasetCostUsd: number;
  dataFile: string;
  manifestFile: string;
  createdAt: string;
}

export interface Student extends StudentInfo {
  dir: string;
  /** The training job, once launched (or registered). */
  job: TrainingJob | undefined;
}

/** A student's id: the generator and the setting of its dataset (unique within a run). */
export function studentId(generator: string, setting: string): string {
  return `${generator}__${setting}`;
}

export function studentDir(resultsDir: string, run: string, id: string): string {
  return path.join(resultsDir, 'training', run, id);
}

export function writeStudentInfo(dir: string, info: StudentInfo): void {
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, 'student.json'), JSON.stringify(info, null, 1) + '\n');
}

/** The students of a run, in id order; a folder with an unreadable student.json is an error naming it. */
export function listStudents(resultsDir: string, run: string): Student[] {
  const root = path.join(resultsDir, 'training', run);
  if (!fs.existsSync(root)) return [];
  const out: Student[] = [];
  for (const name of fs.readdirSync(root).sort()) {
    const dir = path.join(root, name);
    const file = path.join(dir, 'student.json');
    if (!fs.existsSync(file)) continue;
    let info: StudentInfo;
    try {
      info = JSON.parse(fs.readFileSync(file, 'utf8')) as StudentInfo;
    } catch (e) {
      throw new DataError(`cannot be read (${(e as Error).message}); remove the folder to train this student again`, file);
    }
    out.push({ ...info, dir, job: fs.existsSync(path.join(dir, 'job.json')) ? readJob(dir) : undefined });
  }
  return out;
}

/**
 * The models `eval` evaluates as students: trained students of the run that have a model to ask
 * (and, when served by a command-launched server, an endpoint), unless the config already
 * declares a model with the same id. Students without them are returned in `waiting` with why.
 */
export function trainedStudents(config: RunConfig): { models: EvalModelConfig[]; waiting: Array<{ id: string; why: string }> } {
  const declared = new Set(config.evaluations.map((m) => m.id));
  const models: EvalModelConfig[] = [];
  const waiting: Array<{ id: string; why: string }> = [];
  for (const s of listStudents(config.resultsDir, config.name)) {
    if (declared.has(s.id)) continue;
    const job = s.job;
    if (!job || job.status !== 'succeeded') {
      waiting.push({ id: s.id, why: job ? `training ${job.status}` : 'not trained yet' });
      continue;
    }
    if (!job.model) {
      waiting.push({ id: s.id, why: 'its training recorded no model name' });
      continue;
    }
    const openai = job.launcher === 'openai';
    if (!openai && !job.endpoint) {
      waiting.push({ id: s.id, why: 'no endpoint to ask it at (set training.launcher.endpoint, or declare it in "evaluations" with trainedOn)' });
      continue;
    }
    models.push(
      evalModelFrom(
        {
          id: s.id,
          role: 'student',
          provider: openai ? 'openai' : 'openai-compatible',
          model: job.model,
          ...(job.endpoint ? { baseURL: job.endpoint } : {}),
          ...(openai && config.training.launcher?.type === 'openai' ? { apiKeyEnv: config.training.launcher.apiKeyEnv } : {}),
          trainedOn: { generator: s.generator, setting: s.setting },
        },
        path.join(s.dir, 'job.json'),
      ),
    );
  }
  return { models, waiting };
}

/** The domain a student's benchmarks come from, when it is a student. */
export function studentDomain(m: Pick<EvalModelConfig, 'trainedOn'>): string | undefined {
  return m.trainedOn ? parseSettingKey(m.trainedOn.setting)?.domain : undefined;
}
