import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../src/core';
import { loadSeeds } from '../../src/core/seeds/loadSeeds';
import { REPO } from './helpers/cli';
import { SHARED_DATA, tempDir } from './helpers/fixtures';

const reference = JSON.parse(fs.readFileSync(path.join(SHARED_DATA, '..', 'paper', 'agorabench-reference.json'), 'utf8')) as {
  generation_defaults: { temperature: number; top_p: number; max_tokens: number; stop: string[]; num_demonstrations: number; demonstrations_from_seed: number; max_retries_per_instance: number };
  instances_per_setting: number;
  generators: string[];
  domains: string[];
  methods: string[];
};

describe('paper preset (examples/agorabench-paper.agorabench.json)', () => {
  const config = loadConfig(path.join(REPO, 'examples', 'agorabench-paper.agorabench.json'));

  it("has the paper's 6 generators and 9 settings at 10K instances each", () => {
    assert.equal(config.generators.length, reference.generators.length);
    assert.deepEqual(
      config.settings.map((s) => s.key).sort(),
      reference.methods.flatMap((m) => reference.domains.map((d) => `${m}.${d}`)).sort(),
    );
    for (const s of config.settings) assert.equal(s.instances, reference.instances_per_setting);
    assert.deepEqual(config.generators.map((g) => g.provider).sort(), ['anthropic', 'openai', 'openai', 'openai-compatible', 'openai-compatible', 'openai-compatible']);
  });

  it("uses the paper's sampling, demonstrations and retries", () => {
    const d = reference.generation_defaults;
    for (const g of config.generators) assert.deepEqual(g.sampling, { temperature: d.temperature, top_p: d.top_p, max_tokens: d.max_tokens, stop: d.stop });
    assert.equal(config.generation.demonstrations, d.num_demonstrations);
    assert.equal(config.generation.demonstrationsFromSeed, d.demonstrations_from_seed);
    assert.equal(config.generation.maxRetries, d.max_retries_per_instance);
  });

  it('finds its seed sets in an offline data directory without downloading', async () => {
    const ctx = { dataDir: SHARED_DATA, cacheDir: tempDir('preset-cache'), offline: true };
    for (const s of config.settings) {
      if (s.seeds.hf) continue; // CoNaLa comes from the Hugging Face dataset viewer; not in the shared samples
      const seeds = await loadSeeds(s.seeds, ctx, s.method !== 'response_generation');
      assert.equal(seeds.length, 20, s.key);
    }
    const conala = config.settings.find((s) => s.key === 'quality_enhancement.code');
    assert.ok(conala?.seeds.hf);
    await assert.rejects(loadSeeds(conala.seeds, ctx, true), /not available offline/);
  });
});
