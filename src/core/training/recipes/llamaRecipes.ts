/**
 * The paper's own setup: llama-recipes (now llama-cookbook), full-parameter FSDP on torchrun, AdamW
 * with StepLR(gamma) stepped per epoch — its built-in scheduler, so nothing of the paper's recipe is
 * approximated. Settings are its documented `train_config` fields passed as command-line flags
 * (getting-started/finetuning/README.md); the data comes through a custom-dataset file of ours.
 */
import * as path from 'node:path';
import { shellQuote } from '../commandTemplate';
import { DATASET_PY_FILE, llamaRecipesDatasetPy } from './llamaRecipesDataset';
import { EPOCHS_NOT_PUBLISHED, type RecipeHyperparameters } from './paper';

export const LLAMA_RECIPES_SCRIPT = 'train.sh';

/** Flag values as the finetuning script's command line (python-fire) reads them. */
export type FlagValue = string | number | boolean;

export interface LlamaRecipesPlan {
  /** `--name value` flags of `llama_cookbook.finetuning`, in order. */
  flags: Array<[string, FlagValue]>;
  files: Record<string, string>;
  deviations: string[];
  modelDir: string;
}

/** Where llama-recipes writes a sharded FSDP checkpoint: `<root>/<folder>-<model_name>` (checkpoint_handler.py). */
function checkpointDir(root: string, folder: string, model: string): string {
  return `${root}/${folder}-${model}`;
}

export function planLlamaRecipes(o: { dataFile: string; outputDir: string; baseModel: string; gpus: number; h: RecipeHyperparameters; dir: string }): LlamaRecipesPlan {
  const root = path.join(o.outputDir, 'fsdp');
  const folder = 'fine-tuned';
  const modelDir = path.join(o.outputDir, 'hf');
  const flags: Array<[string, FlagValue]> = [
    ['model_name', o.baseModel],
    ['enable_fsdp', true],
    ['use_peft', false],
    ['dataset', 'custom_dataset'],
    ['custom_dataset.file', path.join(o.dir, DATASET_PY_FILE)],
    ['custom_dataset.data_path', o.dataFile],
    ['batching_strategy', o.h.packing ? 'packing' : 'padding'],
    ['context_length', o.h.contextLength],
    ['batch_size_training', o.h.microBatchSize],
    ['gradient_accumulation_steps', o.h.gradientAccumulation],
    ['num_epochs', o.h.epochs],
    ['lr', o.h.learningRate],
    ['weight_decay', o.h.weightDecay],
    ['gamma', o.h.gamma],
    ['seed', o.h.seed],
    ['mixed_precision', true],
    ['fsdp_config.optimizer', 'AdamW'],
    ['run_validation', false],
    ['save_model', true],
    ['dist_checkpoint_root_folder', root],
    ['dist_checkpoint_folder', folder],
    ['output_dir', o.outputDir],
  ];
  const deviations = [
    EPOCHS_NOT_PUBLISHED,
    'no validation split (the paper reports none): run_validation is off, every instance trains the student and the last epoch\'s model is kept',
  ];
  const script = [
    '#!/bin/sh',
    '# AgoraBench student training with llama-recipes (pip install llama-cookbook, formerly llama-recipes),',
    '# as in the paper: full fine-tuning of the base model with FSDP, AdamW, StepLR, Llama-3 chat template,',
    '# loss on the responses only (see agorabench_dataset.py). Written by AgoraBench.',
    '#',
    '# Settings filled in where the paper is silent:',
    ...deviations.map((d) => `#  - ${d}`),
    '#',
    '# Afterwards the sharded checkpoint is converted to Hugging Face format for serving (e.g. vLLM).',
    'set -e',
    `torchrun --nnodes 1 --nproc_per_node ${o.gpus} -m llama_cookbook.finetuning \\`,
    ...flags.map(([k, v], i) => `  --${k} ${flagText(v)}${i < flags.length - 1 ? ' \\' : ''}`),
    'python -m llama_cookbook.inference.checkpoint_converter_fsdp_hf \\',
    `  --fsdp_checkpoint_path ${shellQuote(checkpointDir(root, folder, o.baseModel))} \\`,
    `  --consolidated_model_path ${shellQuote(modelDir)} \\`,
    `  --HF_model_path_or_name ${shellQuote(o.baseModel)}`,
    '',
  ].join('\n');
  return { flags, files: { [LLAMA_RECIPES_SCRIPT]: script, [DATASET_PY_FILE]: llamaRecipesDatasetPy(o.h.systemPrompt) }, deviations, modelDir };
}

/** Booleans as Python literals, numbers as JavaScript writes them (Python reads both back), strings quoted for the shell. */
function flagText(v: FlagValue): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  return shellQuote(v);
}
