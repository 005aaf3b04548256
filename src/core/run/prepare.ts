import * as path from 'node:path';
import type { RunConfig, SettingConfig } from '../config/types';
import { DataError } from '../errors';
import { loadTemplate, type Template } from '../generation/template';
import type { DataContext } from '../seeds/fetchData';
import { loadSeeds } from '../seeds/loadSeeds';
import { datasetDirName, datasetId } from '../results';
import { DatasetGenerator } from '../generation/datasetGenerator';
import type { Example } from '../types';
import { defaultCacheDir, offlineDataDir } from '../util/paths';
import type { DatasetPlan, RunOptions } from './types';

/** A setting with its seeds and template loaded. */
export interface PreparedSetting {
  setting: SettingConfig;
  seeds: Example[];
  template: Template;
}

export function dataContext(config: RunConfig): DataContext {
  return { dataDir: offlineDataDir(config.dataDir), cacheDir: defaultCacheDir(), offline: process.env.AGORABENCH_OFFLINE === '1' };
}

/** Loads seeds and templates of the settings a run uses; bad data fails here, before any request. */
export async function prepareSettings(config: RunConfig, only?: RunOptions['only']): Promise<PreparedSetting[]> {
  const ctx = dataContext(config);
  const out: PreparedSetting[] = [];
  for (const setting of config.settings) {
    if (only?.settings && !only.settings.includes(setting.key)) continue;
    const seeds = await loadSeeds(setting.seeds, ctx, setting.method !== 'response_generation');
    const template = loadTemplate(setting.template, setting.method, setting.placeholders, config.generation.demonstrations);
    if (setting.method === 'instance_generation' && seeds.length < config.generation.demonstrations) {
      throw new DataError(`instance generation needs at least ${config.generation.demonstrations} seed examples, found ${seeds.length}`, setting.key);
    }
    out.push({ setting, seeds, template });
  }
  return out;
}

/** A response-generation or quality-enhancement setting with fewer seed rows than the instances it asks for. */
export interface SeedShortfall {
  setting: string;
  requested: number;
  seeds: number;
  /** Where the seeds came from (path, URL or Hugging Face dataset). */
  source: string;
}

/**
 * Settings that will yield fewer instances than requested: response generation and quality
 * enhancement write one instance per seed row, so their size is capped by the seed set
 * (instance generation draws demonstrations and is not).
 */
export function seedShortfalls(settings: PreparedSetting[]): SeedShortfall[] {
  return settings
    .filter((s) => s.setting.method !== 'instance_generation' && s.seeds.length < s.setting.instances)
    .map((s) => ({ setting: s.setting.key, requested: s.setting.instances, seeds: s.seeds.length, source: describeSeedSource(s.setting.seeds) }));
}

export function describeSeedSource(src: SettingConfig['seeds']): string {
  if (src.path) return src.path;
  if (src.url) return src.url;
  const where = src.where ? ` where ${src.where}` : '';
  return src.file ? `hf:${src.hf}/${src.file}` : `hf:${src.hf} (${src.config ?? 'default'}/${src.split ?? 'train'}${where})`;
}

/** One line per shortfall, for terminals, logs and notifications. */
export function shortfallText(f: SeedShortfall): string {
  return `${f.setting}: ${f.seeds.toLocaleString('en-US')} seed rows for ${f.requested.toLocaleString('en-US')} requested instances, so at most ${f.seeds.toLocaleString('en-US')} (seeds: ${f.source})`;
}

/** Every dataset (generator × setting) the run produces. */
export function planDatasets(config: RunConfig, settings: PreparedSetting[], only?: RunOptions['only']): DatasetPlan[] {
  const plans: DatasetPlan[] = [];
  for (const g of config.generators) {
    if (only?.generators && !only.generators.includes(g.id)) continue;
    for (const s of settings) {
      plans.push({
        id: datasetId(config.name, g.id, s.setting.key),
        generator: g.id,
        model: g.model,
        setting: s.setting.key,
        target: DatasetGenerator.slotCount(s.setting, s.seeds.length),
        requested: s.setting.instances,
        seeds: s.seeds.length,
        dir: datasetDirName(config.name, g.id, s.setting.key),
      });
    }
  }
  return plans;
}

export function cacheDirFor(config: RunConfig): string {
  return path.join(config.resultsDir, 'cache', 'responses');
}
