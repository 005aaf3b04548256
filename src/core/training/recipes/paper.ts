/**
 * The paper's student training settings (AgoraBench, Kim et al., appendix; also in
 * shared/paper/agorabench-reference.json → student_training), as the defaults of every recipe.
 */
import { STUDENT_SYSTEM_PROMPT } from '../../generation/chatFormat';

export interface RecipeHyperparameters {
  learningRate: number;
  weightDecay: number;
  /** Examples (or packed sequences) per GPU per step. */
  microBatchSize: number;
  gradientAccumulation: number;
  /** Tokens per (packed) sequence. */
  contextLength: number;
  packing: boolean;
  epochs: number;
  /** StepLR: the learning rate is multiplied by gamma after each epoch. */
  gamma: number;
  seed: number;
  /** Added to conversations that have no system message. */
  systemPrompt: string;
}

export const PAPER_BASE_MODEL = 'meta-llama/Meta-Llama-3.1-8B';
export const PAPER_GPUS = 4;

export const PAPER_HYPERPARAMETERS: Readonly<RecipeHyperparameters> = {
  learningRate: 1e-5,
  weightDecay: 0.01,
  microBatchSize: 2,
  gradientAccumulation: 8,
  contextLength: 4096,
  packing: true,
  // not stated in the paper: llama-recipes' default num_epochs, which its recipe otherwise follows
  epochs: 3,
  gamma: 0.85,
  seed: 42,
  systemPrompt: STUDENT_SYSTEM_PROMPT,
};

/** Said in every recipe: the paper does not publish its epoch count. */
export const EPOCHS_NOT_PUBLISHED = 'the paper does not state the number of epochs: 3 (llama-recipes\' default num_epochs) is assumed unless given';

export const RECIPE_FRAMEWORKS = ['llama-recipes', 'axolotl'] as const;
export type RecipeFramework = (typeof RECIPE_FRAMEWORKS)[number];

export interface RecipeOptions {
  /** Chat JSONL: `{"messages": [system, user, assistant]}` per line (the `chat` export format). */
  dataFile: string;
  /** Where the trained model is written. */
  outputDir: string;
  /** Default: the paper's base model. */
  baseModel?: string;
  /** Each one defaults to the paper's value. */
  hyperparameters?: Partial<RecipeHyperparameters>;
  /** GPUs on the training node (default: the paper's 4). */
  gpus?: number;
}

export interface RecipeResult {
  framework: RecipeFramework;
  /** Absolute paths of the files written. */
  files: string[];
  /** The one shell command that trains the student. */
  command: string;
  /** Where the recipe differs from the paper's setup (or fills in what the paper leaves open), and why. */
  deviations: string[];
  /** Where the trained model ends up, in Hugging Face format (what vLLM serves). */
  modelDir: string;
}

/** The paper's values, overridden by the caller's. */
export function resolveHyperparameters(h: Partial<RecipeHyperparameters> | undefined): RecipeHyperparameters {
  return { ...PAPER_HYPERPARAMETERS, ...Object.fromEntries(Object.entries(h ?? {}).filter(([, v]) => v !== undefined)) };
}
