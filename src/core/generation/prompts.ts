import type { SettingConfig } from '../config/types';
import type { Example } from '../types';
import { rngFor } from '../util/rng';
import { renderTemplate, type Template } from './template';

/** How one prompt was put together; journaled before the request so a resume rebuilds it exactly. */
export interface PromptChoice {
  /** Demonstrations in prompt order: `s` = seed index, `g` = slot of a generated instance. */
  demos?: ({ s: number } | { g: number })[];
  /** Seed row the request is about (response generation, quality enhancement). */
  seed?: number;
  theme?: string;
  firstWord?: string;
}

export interface PromptSources {
  seeds: Example[];
  /** A valid instance generated earlier in this dataset, by slot (read from the store, not kept in memory). */
  generated: (slot: number) => Example | undefined;
  /** Their slots in the order they were generated (sampling draws from this list). */
  generatedOrder: number[];
}

/** Sources with no generated instances yet (estimates, prompt previews). */
export function seedsOnly(seeds: Example[]): PromptSources {
  return { seeds, generated: () => undefined, generatedOrder: [] };
}

export interface DemoCounts {
  total: number;
  fromSeed: number;
}

/**
 * Draws the random parts of a prompt. The draw depends only on (run seed, setting, slot, attempt)
 * — not on the generator — so every generator is shown the same seed demonstrations, theme and
 * opening phrase for the same slot, which keeps the comparison between generators fair.
 */
export function choosePrompt(
  setting: SettingConfig,
  template: Template,
  src: PromptSources,
  demos: DemoCounts,
  runSeed: number,
  slot: number,
  attempt: number,
): PromptChoice {
  if (setting.method !== 'instance_generation') return { seed: slot };
  const rng = rngFor(runSeed, setting.key, slot, attempt);
  const fromGenerated = Math.min(demos.total - demos.fromSeed, src.generatedOrder.length);
  const fromSeed = Math.min(demos.total - fromGenerated, src.seeds.length);
  const picks: ({ s: number } | { g: number })[] = rng.sampleIndices(src.seeds.length, fromSeed).map((s) => ({ s }));
  for (const i of rng.sampleIndices(src.generatedOrder.length, fromGenerated)) picks.push({ g: src.generatedOrder[i] as number });
  // shuffle so the generated example is not always last
  for (let i = picks.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [picks[i], picks[j]] = [picks[j] as (typeof picks)[number], picks[i] as (typeof picks)[number]];
  }
  return {
    demos: picks,
    ...(template.usesTheme ? { theme: rng.pick(setting.themes) } : {}),
    ...(template.usesFirstWord ? { firstWord: rng.pick(setting.firstWords) } : {}),
  };
}

/** Renders the prompt for a choice; undefined when a generated demonstration it names is not known. */
export function renderPrompt(template: Template, choice: PromptChoice, src: PromptSources): string | undefined {
  if (choice.seed !== undefined) {
    const ex = src.seeds[choice.seed];
    if (!ex) return undefined;
    return renderTemplate(template, { input: ex.instruction, output: ex.response });
  }
  const demonstrations: Example[] = [];
  for (const d of choice.demos ?? []) {
    const ex = 's' in d ? src.seeds[d.s] : src.generated(d.g);
    if (!ex) return undefined;
    demonstrations.push(ex);
  }
  return renderTemplate(template, { demonstrations, theme: choice.theme, firstWord: choice.firstWord });
}
