/**
 * The prompt an instance was generated from, rebuilt from its config and the choice journaled
 * with it (demonstrations, seed row, theme, opening phrase), so the browser can show what the
 * generator saw without storing every prompt.
 */
import type { RunConfig, SettingConfig } from '../config/types';
import { errorMessage } from '../errors';
import { dataContext } from '../run/prepare';
import { loadSeeds } from '../seeds/loadSeeds';
import type { Example } from '../types';
import { renderPrompt, type PromptChoice } from './prompts';
import { loadTemplate } from './template';

export interface PromptOf {
  prompt: { system: string; user: string } | { unavailable: string };
  /** Instance generation: the demonstrations in prompt order. */
  demonstrations?: Array<Example & { source: 'seed' | 'generated'; ref: number }>;
  /** Response generation and quality enhancement: the seed row the request was about. */
  seed?: Example;
}

/** Seeds by setting, loaded once per config file (seed files can be large; the panel asks often). */
const seedCache = new Map<string, Promise<Example[]>>();

function seedsOf(config: RunConfig, setting: SettingConfig): Promise<Example[]> {
  const key = `${config.file}#${setting.key}#${JSON.stringify(setting.seeds)}`;
  let p = seedCache.get(key);
  if (!p) {
    p = loadSeeds(setting.seeds, dataContext(config), setting.method !== 'response_generation');
    p.catch(() => seedCache.delete(key));
    seedCache.set(key, p);
  }
  return p;
}

/**
 * Rebuilds one instance's prompt. `generated(slot)` reads a generated demonstration from the
 * dataset's store. What cannot be rebuilt (the setting left the config, the seeds moved) is
 * said in `prompt.unavailable`, never guessed.
 */
export async function promptOf(config: RunConfig, settingKey: string, meta: Record<string, unknown>, generated: (slot: number) => Example | undefined): Promise<PromptOf> {
  const setting = config.settings.find((s) => s.key === settingKey);
  if (!setting) return { prompt: { unavailable: `the config no longer has the setting ${settingKey}` } };
  const choice: PromptChoice = {
    ...(Array.isArray(meta.demos) ? { demos: meta.demos as PromptChoice['demos'] } : {}),
    ...(typeof meta.seed === 'number' ? { seed: meta.seed } : {}),
    ...(typeof meta.theme === 'string' ? { theme: meta.theme } : {}),
    ...(typeof meta.firstWord === 'string' ? { firstWord: meta.firstWord } : {}),
  };
  let seeds: Example[];
  try {
    seeds = await seedsOf(config, setting);
  } catch (e) {
    return { prompt: { unavailable: `the seeds could not be loaded: ${errorMessage(e)}` } };
  }
  const template = loadTemplate(setting.template, setting.method, setting.placeholders, config.generation.demonstrations);
  const user = renderPrompt(template, choice, { seeds, generated, generatedOrder: [] });
  const demonstrations = (choice.demos ?? []).flatMap((d) => {
    const ex = 's' in d ? seeds[d.s] : generated(d.g);
    return ex ? [{ ...ex, source: 's' in d ? ('seed' as const) : ('generated' as const), ref: 's' in d ? d.s : d.g }] : [];
  });
  const seed = choice.seed !== undefined ? seeds[choice.seed] : undefined;
  return {
    prompt: user === undefined ? { unavailable: 'a demonstration or seed row it names is no longer available' } : { system: setting.systemPrompt, user },
    ...(demonstrations.length ? { demonstrations } : {}),
    ...(seed ? { seed } : {}),
  };
}
