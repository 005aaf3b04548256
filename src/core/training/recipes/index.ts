/**
 * Ready-to-run recipe files for open training frameworks, from the paper's hyperparameters, so a
 * user with GPUs trains the paper's student with one command: llama-recipes (what the paper used,
 * reproduced exactly) or axolotl (the most widely used config-file trainer, one approximation).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../../errors';
import { shellQuote } from '../commandTemplate';
import { planAxolotl } from './axolotl';
import { LLAMA_RECIPES_SCRIPT, planLlamaRecipes } from './llamaRecipes';
import { PAPER_BASE_MODEL, PAPER_GPUS, RECIPE_FRAMEWORKS, resolveHyperparameters, type RecipeFramework, type RecipeOptions, type RecipeResult } from './paper';

export { PAPER_BASE_MODEL, PAPER_GPUS, PAPER_HYPERPARAMETERS, RECIPE_FRAMEWORKS, type RecipeFramework, type RecipeHyperparameters, type RecipeOptions, type RecipeResult } from './paper';

/**
 * Writes the recipe files of `framework` into `dir` (paths inside them are absolute, so the command
 * runs from anywhere) and returns them with the command to run and the recipe's deviations.
 */
export function writeRecipe(framework: RecipeFramework, opts: RecipeOptions, dir: string): RecipeResult {
  if (!RECIPE_FRAMEWORKS.includes(framework)) throw new DataError(`unknown framework "${String(framework)}"; known: ${RECIPE_FRAMEWORKS.join(', ')}`, 'recipe');
  const gpus = opts.gpus ?? PAPER_GPUS;
  if (!Number.isInteger(gpus) || gpus < 1) throw new DataError(`gpus must be a positive integer, not ${gpus}`, 'recipe');
  const h = resolveHyperparameters(opts.hyperparameters);
  const target = path.resolve(dir);
  const input = { dataFile: path.resolve(opts.dataFile), outputDir: path.resolve(opts.outputDir), baseModel: opts.baseModel ?? PAPER_BASE_MODEL, gpus, h, dir: target };
  const plan = framework === 'llama-recipes' ? planLlamaRecipes(input) : planAxolotl(input);
  fs.mkdirSync(target, { recursive: true });
  const files = Object.entries(plan.files).map(([name, text]) => {
    const file = path.join(target, name);
    fs.writeFileSync(file, text, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
    return file;
  });
  const command = 'command' in plan ? plan.command : `sh ${shellQuote(path.join(target, LLAMA_RECIPES_SCRIPT))}`;
  return { framework, files, command, deviations: plan.deviations, modelDir: plan.modelDir };
}
