/**
 * `agorabench train`: one student per generated dataset of a run. Each dataset's valid instances
 * are exported into the student's folder, then training is launched where the config says
 * (OpenAI fine-tuning or a command) and followed; a second call resumes every student where it
 * was (finished ones are kept, running ones followed, nothing is launched twice).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig, TrainingLauncherConfig } from '../config/types';
import { DataError, errorMessage } from '../errors';
import { Results } from '../results';

import { resolveKeys } from '../run/keys';
import type { KeyResolver } from '../run/types';
import { parseSettingKey, type SettingKey } from '../types';
import { trainWithCommand } from './commandLauncher';
import { exportTrainingData, manifestPath } from './export';
import { readJob, registerExternal, type TrainingJob } from './job';
import { trainWithOpenAI } from './openaiFineTune';
import { writeRecipe, type RecipeFramework, type RecipeResult } from './recipes';
import { studentDir, studentId, writeStudentInfo, type StudentInfo } from './students';

export interface TrainOptions {
  only?: { generators?: string[]; settings?: string[] };
  /** Cancels the trainings themselves (OpenAI jobs cancelled, command process groups killed). */
  signal?: AbortSignal;
  /** Stops following: trainings keep running and the next call picks them up. */
  detach?: AbortSignal;
  resolveKey?: KeyResolver;
  onEvent?: (e: TrainEvent) => void;
}

export type TrainEvent = { type: 'student'; student: string; job: TrainingJob } | { type: 'log'; student: string; line: string } | { type: 'warn'; message: string };

export interface StudentOutcome {
  id: string;
  dataset: string;
  generator: string;
  setting: SettingKey;
  instances: number;
  job: TrainingJob | undefined;
  error?: string;
}

/** The run's generated datasets (not its evaluation stores), as students to train. */
async function studentsToTrain(config: RunConfig, only: TrainOptions['only']): Promise<Array<StudentInfo & { valid: number; status: string }>> {
  const results = new Results(config.resultsDir);
  const rows = (await results.index.datasets(config.name)).filter((d) => parseSettingKey(d.setting));
  const picked = rows.filter((d) => (!only?.generators || only.generators.includes(d.generator)) && (!only?.settings || only.settings.includes(d.setting)));
  return picked.map((d) => {
    const id = studentId(d.generator, d.setting);
    const dir = studentDir(config.resultsDir, config.name, id);
    const dataFile = path.join(dir, 'data.jsonl');
    return {
      id,
      run: config.name,
      dataset: d.id,
      generator: d.generator,
      setting: d.setting as SettingKey,
      datasetCostUsd: d.costUsd,
      dataFile,
      manifestFile: manifestPath(dataFile),
      createdAt: new Date().toISOString(),
      valid: d.valid,
      status: d.status,
    };
  });
}

/**
 * Exports the data of every student not launched yet (a launched student keeps the data it was
 * launched with), writes `student.json`, then launches or resumes each training, a few at a time.
 */
export async function trainStudents(config: RunConfig, opts: TrainOptions = {}): Promise<StudentOutcome[]> {
  const launcher = config.training.launcher;
  if (!launcher) throw new DataError('no "training.launcher" in the config: add one (openai or command), or write recipe files with `agorabench train --recipe`', config.file);
  const students = await studentsToTrain(config, opts.only);
  if (!students.length) throw new DataError(`run "${config.name}" has no generated datasets to train on (run \`agorabench run\` first, or check --generators/--settings)`, config.resultsDir);
  const key = launcher.type === 'openai' ? (await resolveKeys([{ id: 'training', apiKeyEnv: launcher.apiKeyEnv }], opts.resolveKey)).get('training') : undefined;
  const results = new Results(config.resultsDir);
  const outcomes: StudentOutcome[] = [];
  const queue = [...students];
  const work = async (): Promise<void> => {
    for (let s = queue.shift(); s; s = queue.shift()) outcomes.push(await trainOne(config, launcher, results, s, key, opts));
  };
  await Promise.all(Array.from({ length: Math.min(config.training.concurrency, students.length) }, work));
  return outcomes.sort((a, b) => a.id.localeCompare(b.id));
}

async function trainOne(config: RunConfig, launcher: TrainingLauncherConfig, results: Results, s: StudentInfo & { valid: number; status: string }, key: string | undefined, opts: TrainOptions): Promise<StudentOutcome> {
  const dir = path.dirname(s.dataFile);
  const base = { id: s.id, dataset: s.dataset, generator: s.generator, setting: s.setting, instances: 0 };
  try {
    const existing = fs.existsSync(path.join(dir, 'job.json')) ? readJob(dir) : undefined;
    if (!existing) {
      if (s.status !== 'completed') opts.onEvent?.({ type: 'warn', message: `${s.dataset} is ${s.status}: its student is trained on the ${s.valid} valid instances it has` });
      // not launched yet: (re)export, so a dataset that grew since an earlier export is used whole,
      // without the samples annotated bad
      const m = await exportTrainingData(results, [s.dataset], s.dataFile, { format: config.training.format, systemPrompt: config.training.systemPrompt, overwrite: true, excludeCategories: ['bad'] });
      if (!m.lines) throw new DataError('has no valid instance to train on', s.dataset);
      const { valid: _valid, status: _status, ...info } = s;
      writeStudentInfo(dir, info);
    }
    const instances = readManifestLines(s.manifestFile);
    const follow = { dir, signal: opts.signal, detach: opts.detach, pollMs: config.training.pollSeconds * 1000, onEvent: (e: { type: 'status' | 'log'; job: TrainingJob; line?: string }) => (e.type === 'log' ? opts.onEvent?.({ type: 'log', student: s.id, line: e.line ?? '' }) : opts.onEvent?.({ type: 'student', student: s.id, job: e.job })) };
    if (existing && ['succeeded', 'failed', 'cancelled'].includes(existing.status)) return { ...base, instances, job: existing };
    const job =
      launcher.type === 'openai'
        ? await trainWithOpenAI({ student: s.id, dataFile: s.dataFile, baseModel: launcher.model, hyperparameters: launcher.hyperparameters, suffix: launcher.suffix ?? s.id.slice(0, 40), seed: launcher.seed, apiKey: key ?? '', baseURL: launcher.baseURL }, follow)
        : await trainWithCommand(
            { student: s.id, dataFile: s.dataFile, outputDir: path.join(dir, 'output'), command: launcher.command, cwd: launcher.cwd, model: launcher.model, endpoint: launcher.endpoint, costPerHourUsd: launcher.costPerHourUsd, manifest: s.manifestFile },
            follow,
          );
    return { ...base, instances, job };
  } catch (e) {
    return { ...base, job: undefined, error: errorMessage(e) };
  }
}

function readManifestLines(file: string): number {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { lines: number }).lines;
  } catch {
    return 0;
  }
}

/** Records a student trained elsewhere for one dataset of the run: its model name and endpoint. */
export async function registerStudent(config: RunConfig, generator: string, setting: SettingKey, model: string, endpoint: string): Promise<TrainingJob> {
  const [s] = await studentsToTrain(config, { generators: [generator], settings: [setting] });
  if (!s) throw new DataError(`run "${config.name}" has no dataset of generator "${generator}" for ${setting}`, config.resultsDir);
  const dir = path.dirname(s.dataFile);
  if (fs.existsSync(path.join(dir, 'job.json'))) throw new DataError('this student already has a training job; remove its folder to register another model', dir);
  const results = new Results(config.resultsDir);
  await exportTrainingData(results, [s.dataset], s.dataFile, { format: config.training.format, systemPrompt: config.training.systemPrompt, overwrite: true, excludeCategories: ['bad'] });
  const { valid: _valid, status: _status, ...info } = s;
  writeStudentInfo(dir, info);
  return registerExternal({ student: s.id, model, endpoint, dataFile: s.dataFile }, dir);
}

export interface RecipeOutcome {
  id: string;
  dataset: string;
  instances: number;
  recipe: RecipeResult;
  /** The recipe folder existed already: left as it was (it may hold your edits). */
  kept: boolean;
}

/**
 * Writes ready-to-run recipe files (and the chat-format data they read) for every student, for
 * people who train on their own GPUs; then `agorabench register` records each trained model.
 * A recipe folder that exists already is left untouched.
 */
export async function writeStudentRecipes(config: RunConfig, framework: RecipeFramework, only?: TrainOptions['only'], gpus?: number): Promise<RecipeOutcome[]> {
  const students = await studentsToTrain(config, only);
  if (!students.length) throw new DataError(`run "${config.name}" has no generated datasets to train on (run \`agorabench run\` first, or check --generators/--settings)`, config.resultsDir);
  const results = new Results(config.resultsDir);
  const out: RecipeOutcome[] = [];
  for (const s of students) {
    const dir = path.dirname(s.dataFile);
    const recipeDir = path.join(dir, `recipe-${framework}`);
    const kept = fs.existsSync(recipeDir) && fs.readdirSync(recipeDir).length > 0;
    // the recipes read chat-format lines ({"messages"}) and apply the Llama-3 template themselves
    const chatFile = path.join(dir, 'data.chat.jsonl');
    const m = kept ? undefined : await exportTrainingData(results, [s.dataset], chatFile, { format: 'chat', systemPrompt: config.training.systemPrompt, overwrite: true, excludeCategories: ['bad'] });
    const { valid: _valid, status: _status, ...info } = s;
    if (!fs.existsSync(path.join(dir, 'student.json'))) writeStudentInfo(dir, { ...info, dataFile: chatFile, manifestFile: manifestPath(chatFile) });
    const recipe = kept
      ? { framework, files: fs.readdirSync(recipeDir).map((f) => path.join(recipeDir, f)), command: `(see ${recipeDir})`, deviations: [], modelDir: path.join(dir, 'output') }
      : writeRecipe(framework, { dataFile: chatFile, outputDir: path.join(dir, 'output'), ...(gpus ? { gpus } : {}) }, recipeDir);
    out.push({ id: s.id, dataset: s.dataset, instances: m?.lines ?? readManifestLines(manifestPath(chatFile)), recipe, kept });
  }
  return out;
}
