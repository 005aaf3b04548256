/**
 * The paper's student recipe as an axolotl config (`axolotl train x.yml`), the most widely used
 * config-file trainer. Field names and types follow axolotl's documented config schema
 * (docs.axolotl.ai/docs/config-reference.html, generated from src/axolotl/utils/schemas/). axolotl
 * has no StepLR; what it cannot express exactly is approximated and said so in the file.
 */
import * as path from 'node:path';
import { shellQuote } from '../commandTemplate';
import { EPOCHS_NOT_PUBLISHED, type RecipeHyperparameters } from './paper';
import { toYaml, type YamlValue } from './yaml';

export const AXOLOTL_CONFIG = 'axolotl.yml';

export interface AxolotlPlan {
  config: Record<string, YamlValue>;
  files: Record<string, string>;
  command: string;
  deviations: string[];
  modelDir: string;
}

export function planAxolotl(o: { dataFile: string; outputDir: string; baseModel: string; gpus: number; h: RecipeHyperparameters; dir: string }): AxolotlPlan {
  const h = o.h;
  // StepLR multiplies the rate by gamma after each epoch: the last epoch runs at gamma^(epochs-1)
  const minRatio = Number((h.gamma ** Math.max(0, Math.ceil(h.epochs) - 1)).toFixed(6));
  const schedulerNote = `the paper's StepLR (×${h.gamma} after each epoch) is not available in axolotl: cosine decay from the learning rate to ${minRatio}× of it (${h.gamma}^(epochs−1), the rate of the paper's last epoch) is used instead — same start and end rate, nearly the same mean`;
  const deviations = [
    schedulerNote,
    h.packing
      ? "packing: axolotl packs whole examples into sequences of sequence_len with attention kept within each example and drops examples longer than sequence_len; llama-recipes (the paper) concatenates examples into fixed chunks, attention crossing example boundaries and long examples split"
      : 'no packing: examples are padded per batch, as llama-recipes\' "padding" strategy',
    "axolotl's llama3 chat template trims whitespace around each message's content; the paper's recipe keeps it",
    EPOCHS_NOT_PUBLISHED,
  ];
  const config: Record<string, YamlValue> = {
    base_model: o.baseModel,
    chat_template: 'llama3',
    datasets: [
      {
        path: o.dataFile,
        ds_type: 'json',
        type: 'chat_template',
        field_messages: 'messages',
        message_property_mappings: { role: 'role', content: 'content' },
        roles_to_train: ['assistant'],
        train_on_eos: 'turn',
        train_on_eot: 'turn',
      },
    ],
    // the base model's tokenizer ends turns with <|eot_id|> and has no padding token
    eot_tokens: ['<|eot_id|>'],
    special_tokens: { pad_token: '<|end_of_text|>' },
    train_on_inputs: false,
    dataset_prepared_path: path.join(o.outputDir, 'prepared'),
    val_set_size: 0,
    output_dir: o.outputDir,
    sequence_len: h.contextLength,
    sample_packing: h.packing,
    pad_to_sequence_len: h.packing,
    micro_batch_size: h.microBatchSize,
    gradient_accumulation_steps: h.gradientAccumulation,
    num_epochs: h.epochs,
    optimizer: 'adamw_torch',
    learning_rate: h.learningRate,
    weight_decay: h.weightDecay,
    lr_scheduler: 'cosine',
    cosine_min_lr_ratio: minRatio,
    warmup_steps: 0,
    // llama-recipes clips no gradients by default (gradient_clipping: False); 0 turns clipping off
    max_grad_norm: 0,
    seed: h.seed,
    bf16: true,
    gradient_checkpointing: true,
    flash_attention: true,
    fsdp_version: 2,
    fsdp_config: {
      offload_params: false,
      cpu_ram_efficient_loading: true,
      auto_wrap_policy: 'TRANSFORMER_BASED_WRAP',
      transformer_layer_cls_to_wrap: 'LlamaDecoderLayer',
      state_dict_type: 'FULL_STATE_DICT',
      reshard_after_forward: true,
    },
    logging_steps: 10,
    save_strategy: 'no',
  };
  const header = [
    'AgoraBench student training for axolotl (written by AgoraBench): the paper\'s recipe — full',
    'fine-tuning of the base model with FSDP, AdamW, Llama-3 chat template, loss on the responses only.',
    '',
    'Where this differs from the paper\'s llama-recipes run:',
    ...deviations.map((d) => `  - ${d}`),
  ];
  const file = path.join(o.dir, AXOLOTL_CONFIG);
  const yaml = toYaml(config, { lr_scheduler: [`deviation: ${schedulerNote}`] }, header);
  return {
    config,
    files: { [AXOLOTL_CONFIG]: yaml },
    command: `axolotl train ${shellQuote(file)} --launcher torchrun -- --nproc_per_node=${o.gpus} --nnodes=1`,
    deviations,
    modelDir: o.outputDir,
  };
}
