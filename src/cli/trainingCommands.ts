// `agorabench export`, `train` and `pgr`: from generated datasets to students and PGR.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXCLUDE_CATEGORIES, EXPORT_FORMATS, RECIPE_FRAMEWORKS, type ExcludeCategory, Results, writeStudentRecipes, type RecipeFramework, type RunConfig, computePgr, compareGenerators, exportTrainingData, loadConfig, manifestPath, parseScoresCsv, parseSettingKey, registerStudent, runPgrInputs, trainStudents, type ExportFormat, type ScoreInput, type SettingKey } from '../core';
import { EXIT, interruptible, list, resultsDir, type Io } from './commands';
import { int, table, truncate, usd } from './format';
import { pgrGridText } from './pgrTable';


export interface ExportFlags {
  out: string;
  format?: string;
  system?: string;
  force?: boolean;
  results?: string;
  config?: string;
  json?: boolean;
  exclude?: string;
}

/** `agorabench export <dataset…> --out <file> [--exclude bad,failed,near-duplicates]`: training data and its manifest. */
export async function exportCommand(ids: string[], flags: ExportFlags, io: Io): Promise<number> {
  const format = (flags.format ?? 'chat') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    io.err.write(`error: unknown format "${flags.format}"; known: ${EXPORT_FORMATS.join(', ')}\n`);
    return EXIT.usage;
  }
  const exclude = list(flags.exclude) ?? [];
  const unknown = exclude.filter((x) => !(EXCLUDE_CATEGORIES as readonly string[]).includes(x));
  if (unknown.length) {
    io.err.write(`error: unknown --exclude ${unknown.map((x) => `"${x}"`).join(', ')}; known: ${EXCLUDE_CATEGORIES.join(', ')}\n`);
    return EXIT.usage;
  }
  const results = new Results(resultsDir(flags));
  const manifest = await exportTrainingData(results, ids, path.resolve(flags.out), { format, systemPrompt: flags.system, overwrite: flags.force, excludeCategories: exclude as ExcludeCategory[] });
  for (const d of manifest.datasets) {
    for (const p of d.annotationProblems ?? []) io.err.write(`warning: ${p}\n`);
    if (d.nearDuplicatesUnchecked) io.err.write(`warning: ${d.id}: ${int(d.nearDuplicatesUnchecked)} instance(s) were generated after the near-duplicate metric ran and were not checked; run \`agorabench metrics\` again\n`);
  }
  if (flags.json) {
    const { instances: _instances, excluded: _excluded, ...rest } = manifest;
    io.out.write(JSON.stringify({ ...rest, manifest: manifestPath(manifest.file) }) + '\n');
    return EXIT.ok;
  }
  for (const d of manifest.datasets) {
    const left = [
      d.excludedFailed ? `${int(d.excludedFailed)} failed` : '',
      d.excludedBad ? `${int(d.excludedBad)} annotated bad${d.excludedBadStale ? ` (${int(d.excludedBadStale)} of them stale: the content changed since)` : ''}` : '',
      d.excludedNearDuplicates ? `${int(d.excludedNearDuplicates)} near-duplicates` : '',
      d.excludedMarked ? `${int(d.excludedMarked)} marked` : '',
    ].filter(Boolean).join(', ');
    io.out.write(`${d.id}: ${int(d.exported)} instances${left ? ` (left out: ${left})` : ''}, generated for ${usd(d.costUsd)}\n`);
  }
  io.out.write(`${manifest.file}: ${int(manifest.lines)} lines, ${format}, sha256 ${manifest.sha256.slice(0, 16)}…\nmanifest: ${manifestPath(manifest.file)}\n`);
  return EXIT.ok;
}

export interface TrainFlags {
  generators?: string;
  settings?: string;
  cancel?: boolean;
  recipe?: string;
  gpus?: string;
  json?: boolean;
}

/**
 * `agorabench train <config>`: export, launch and follow one student per dataset. Ctrl-C stops
 * following and leaves the trainings running (run the command again to pick them up);
 * `--cancel` cancels the ones still running.
 */
export async function trainCommand(configFile: string, flags: TrainFlags, io: Io): Promise<number> {
  const config = loadConfig(configFile);
  if (flags.recipe) return recipeCommand(config, configFile, flags, io);
  const cancel = new AbortController();
  if (flags.cancel) cancel.abort();
  const outcomes = await interruptible(io, ({ stopSignal }) =>
    trainStudents(config, {
      only: { generators: list(flags.generators), settings: list(flags.settings) },
      signal: cancel.signal,
      detach: stopSignal,
      onEvent: (e) => {
        if (e.type === 'warn') io.err.write(`warning: ${e.message}\n`);
        else if (e.type === 'student') io.err.write(`${e.student}: ${e.job.status}${e.job.model ? ` (${e.job.model})` : ''}\n`);
        else if (!flags.json) io.err.write(`  ${e.student} | ${e.line}\n`);
      },
    }),
  );
  if (flags.json) {
    io.out.write(JSON.stringify(outcomes) + '\n');
  } else {
    const rows = outcomes.map((o) => [o.id, int(o.instances), o.job?.launcher ?? '', o.error ? 'error' : (o.job?.status ?? ''), o.job?.model ?? '', o.job?.costUsd !== undefined ? usd(o.job.costUsd) : '', truncate(o.error ?? o.job?.error ?? '', 80)]);
    io.out.write(table(['student', 'instances', 'launcher', 'status', 'model', 'cost', 'problem'], rows) + '\n');
    const running = outcomes.filter((o) => o.job && !['succeeded', 'failed', 'cancelled'].includes(o.job.status));
    if (running.length) io.out.write(`\n${running.length} training(s) still running: \`agorabench train ${configFile}\` follows them again.\n`);
  }
  if (outcomes.some((o) => o.error || o.job?.status === 'failed')) return EXIT.failed;
  if (outcomes.some((o) => o.job && !['succeeded', 'failed', 'cancelled'].includes(o.job.status))) return EXIT.interrupted;
  return EXIT.ok;
}

/** `agorabench train --recipe <framework>`: recipe files per student, to train on your own GPUs. */
async function recipeCommand(config: RunConfig, configFile: string, flags: TrainFlags, io: Io): Promise<number> {
  const framework = flags.recipe as RecipeFramework;
  if (!RECIPE_FRAMEWORKS.includes(framework)) {
    io.err.write(`error: unknown framework "${flags.recipe}"; known: ${RECIPE_FRAMEWORKS.join(', ')}\n`);
    return EXIT.usage;
  }
  const gpus = flags.gpus ? Number(flags.gpus) : undefined;
  const out = await writeStudentRecipes(config, framework, { generators: list(flags.generators), settings: list(flags.settings) }, gpus);
  if (flags.json) {
    io.out.write(JSON.stringify(out) + '\n');
    return EXIT.ok;
  }
  for (const r of out) {
    io.out.write(`${r.id} (${int(r.instances)} instances)${r.kept ? ' — recipe folder exists, left as it is' : ''}\n  ${r.recipe.command}\n  then serve ${r.recipe.modelDir} (e.g. vLLM) and: agorabench register ${configFile} ${r.id.replace('__', ' ')} --model <name> --endpoint <url>\n`);
  }
  const deviations = [...new Set(out.flatMap((r) => r.recipe.deviations))];
  if (deviations.length) io.out.write(`\nwhere ${framework} differs from the paper's training:\n${deviations.map((d) => `  - ${d}\n`).join('')}`);
  return EXIT.ok;
}

/** `agorabench register <config> <generator> <setting> --model M --endpoint URL`: a student trained elsewhere. */
export async function registerCommand(configFile: string, generator: string, setting: string, flags: { model: string; endpoint: string }, io: Io): Promise<number> {
  const config = loadConfig(configFile);
  if (!parseSettingKey(setting)) {
    io.err.write(`error: "${setting}" is not a setting (method.domain, e.g. instance_generation.math)\n`);
    return EXIT.usage;
  }
  const job = await registerStudent(config, generator, setting as SettingKey, flags.model, flags.endpoint);
  io.out.write(`registered ${job.student}: ${job.model} at ${job.endpoint}; \`agorabench eval ${configFile}\` evaluates it\n`);
  return EXIT.ok;
}

export interface PgrFlags {
  scores?: string;
  json?: boolean;
  reference?: boolean;
  compare?: string;
  setting?: string;
  rounds?: string;
  seed?: string;
}

/** `agorabench pgr [config] [--scores file.csv]`: the Table-2-style PGR grid with intervals. */
export async function pgrCommand(configFile: string | undefined, flags: PgrFlags, io: Io): Promise<number> {
  if (!configFile && !flags.scores) {
    io.err.write('error: give a config (its run\'s evaluation scores) or --scores <file.csv>\n');
    return EXIT.usage;
  }
  let inputs: ScoreInput[];
  let notes: string[] = [];
  if (flags.scores) {
    const file = path.resolve(flags.scores);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      io.err.write(`error: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
      return EXIT.usage;
    }
    inputs = parseScoresCsv(text, file);
  } else {
    ({ inputs, notes } = await runPgrInputs(loadConfig(configFile ?? '')));
  }
  const opts = { rounds: flags.rounds ? Number(flags.rounds) : undefined, seed: flags.seed ? Number(flags.seed) : undefined };
  if (flags.compare) {
    const [a, b] = flags.compare.split(',').map((x) => x.trim());
    if (!a || !b || !flags.setting) {
      io.err.write('error: --compare takes two generators (a,b) and needs --setting method.domain\n');
      return EXIT.usage;
    }
    const c = compareGenerators(inputs, flags.setting, a, b, opts);
    if (flags.json) io.out.write(JSON.stringify(c) + '\n');
    else io.out.write(`${flags.setting}: PGR(${a}) − PGR(${b}) = ${c.difference.toFixed(1)} [${c.ci95[0].toFixed(1)}, ${c.ci95[1].toFixed(1)}]; P(${a} > ${b}) = ${c.probabilityAGreater.toFixed(3)} (${c.interval})\n`);
    return EXIT.ok;
  }
  const report = computePgr(inputs, opts);
  if (flags.json) {
    io.out.write(JSON.stringify({ ...report, notes }) + '\n');
    return EXIT.ok;
  }
  io.out.write(pgrGridText(report, { reference: flags.reference }) + '\n');
  for (const n of notes) io.out.write(`note: ${n}\n`);
  return EXIT.ok;
}
