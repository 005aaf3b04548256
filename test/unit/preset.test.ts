import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, type SettingConfig } from '../../src/core';
import { choosePrompt, renderPrompt, seedsOnly } from '../../src/core/generation/prompts';
import { loadTemplate } from '../../src/core/generation/template';
import { DEFAULT_FIRST_WORDS, DEFAULT_THEMES } from '../../src/core/generation/themes';
import { hfOfflineName } from '../../src/core/seeds/loadSeeds';
import { parseSeeds } from '../../src/core/seeds/parse';
import type { Example } from '../../src/core/types';
import { REPO, cli } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, SHARED_DATA, tempDir } from './helpers/fixtures';

const reference = JSON.parse(fs.readFileSync(path.join(SHARED_DATA, '..', 'paper', 'agorabench-reference.json'), 'utf8')) as {
  generation_defaults: { temperature: number; top_p: number; max_tokens: number; stop: string[]; num_demonstrations: number; demonstrations_from_seed: number; max_retries_per_instance: number };
  instances_per_setting: number;
  generators: string[];
  domains: string[];
  methods: string[];
};

const PRESET = path.join(REPO, 'examples', 'agorabench-paper.agorabench.json');

function sample(setting: string): Example[] {
  const file = path.join(SEED_SAMPLES, SAMPLE_SEEDS[setting] as string);
  return parseSeeds(fs.readFileSync(file, 'utf8'), { format: 'json', label: file, needResponse: true });
}

describe('paper preset (examples/agorabench-paper.agorabench.json)', () => {
  const config = loadConfig(PRESET);

  it("has the paper's 6 generators and 9 settings at 10K instances each", () => {
    assert.equal(config.generators.length, reference.generators.length);
    assert.deepEqual(
      config.settings.map((s) => s.key).sort(),
      reference.methods.flatMap((m) => reference.domains.map((d) => `${m}.${d}`)).sort(),
    );
    for (const s of config.settings) assert.equal(s.instances, reference.instances_per_setting);
    assert.deepEqual(config.generators.map((g) => g.provider).sort(), ['anthropic', 'openai', 'openai', 'openai-compatible', 'openai-compatible', 'openai-compatible']);
  });

  it("uses the paper's sampling, demonstrations, attempts and validation rules", () => {
    const d = reference.generation_defaults;
    for (const g of config.generators) assert.deepEqual(g.sampling, { temperature: d.temperature, top_p: d.top_p, max_tokens: d.max_tokens, stop: d.stop });
    assert.equal(config.generation.demonstrations, d.num_demonstrations);
    assert.equal(config.generation.demonstrationsFromSeed, d.demonstrations_from_seed);
    // the released loop runs `max_retries` attempts in total
    assert.equal(config.generation.maxAttempts, d.max_retries_per_instance);
    assert.equal(config.generation.maxInstanceTokens, 4096);
    for (const s of config.settings) assert.equal(s.validation, 'paper', s.key);
  });

  it('reads every setting from its full public seed source, never from the 20-row samples', () => {
    const src = Object.fromEntries(config.settings.map((s) => [s.key, s.seeds]));
    assert.equal(src['instance_generation.math']?.hf, 'Data-Agora/math-seed-data');
    assert.equal(src['instance_generation.code']?.hf, 'Data-Agora/code-seed-data');
    assert.equal(src['instance_generation.instruction_following']?.hf, 'Data-Agora/general-seed-data');
    for (const d of ['math', 'code', 'general']) assert.match(src[`response_generation.${d === 'general' ? 'instruction_following' : d}`]?.hf ?? '', new RegExp(`^Data-Agora/magpie_${d}_.*_10000$`));
    assert.equal(src['quality_enhancement.code']?.hf, 'neulab/conala');
    assert.equal(src['quality_enhancement.math']?.hf, 'TIGER-Lab/WebInstructSub');
    for (const s of config.settings) assert.ok(!JSON.stringify(s.seeds).includes('subsampled'), s.key);
  });

  describe('the rendered prompt of each setting carries the constraints and markers of the paper', () => {
    // what each of the paper's meta-prompts requires, checked in our wording
    const REQUIRED: Record<string, (string | RegExp)[]> = {
      'instance_generation.math': [
        'much harder than the examples', 'ideas or concepts that the examples do not use', 'single final answer', 'form or unit',
        '"\\n[RESULT]" and "[/RESULT]"', 'no units', '"$" or "%"', 'fractions, square roots and exponents', '"\\n[RESULT] Q.E.D. [/RESULT]"',
        'Do not greet', '"\\nOUTPUT: "', '"\\n[END]"',
      ],
      'instance_generation.code': [
        'much harder than the examples', 'functionality or algorithms that the examples do not use', 'must not ask for comments or docstrings',
        'may contain test cases, but must not ask for test cases', 'single code block and nothing else',
        '"```python\\n", "```java\\n", "```cpp\\n", "```c\\n", "```javascript\\n", "```csharp\\n" or "```php\\n"', 'closes with "\\n```"',
        'no comments and no docstrings', '"Example usage", "Test cases", "This function", "This solution", "This implementation" or "Explanation"', '"\\nOUTPUT: "', '"\\n[END]"',
      ],
      'instance_generation.instruction_following': [
        'much harder than the examples', 'a topic that the examples do not cover', 'or with words close to them: "', 'clear, readable structure',
        'leaves out details the INPUT does not need', '"\\nOUTPUT: "', '"\\n[END]"',
      ],
      'response_generation.math': [
        'step by step', '"\\n[RESULT]" and "[/RESULT]"', 'Do not wrap "[RESULT]" or "[/RESULT]" in \\text', 'no units', '"\\n[RESULT] Q.E.D. [/RESULT]"',
        /\[FORMAT OF THE OUTPUT, EXAMPLE 1\]\n[^]*\n\[RESULT\] -1 \[\/RESULT\]\n/, /\[RESULT\] Q\.E\.D\. \[\/RESULT\]\n\nINPUT:/, 'Do not greet', '" [END]"',
      ],
      'response_generation.code': [
        'single code block and nothing else', '"Please provide the code"',
        '"```python\\n", "```java\\n", "```cpp\\n", "```c\\n", "```javascript\\n", "```csharp\\n", "```swift\\n", "```css\\n", "```php\\n", "```html\\n" or "```latex\\n"',
        '"\\n``` [END]"', 'no comments and no docstrings', '"# Example usage:", "# Test the function" or "# Test cases"', '"This function ", "This solution " or "This implementation "',
        /```python\n[^]*\n``` \[END\]\n\nINPUT:/,
      ],
      'response_generation.instruction_following': ['clear, readable structure', 'Leave out details the request does not need', 'Do not greet', '" [END]"'],
      'quality_enhancement.math': [
        'formatted, more concise, complete, correct and coherent', 'LaTeX', '"Revised Answer: "', '" [END]"', 'between "[RESULT]" and "[/RESULT]"', 'no units',
        'exactly one "[RESULT]" and one "[/RESULT]"', 'put all of them together inside that one "[RESULT] ... [/RESULT]"', '"\\n[RESULT] Q.E.D. [/RESULT]"',
        'exactly one revised question and one revised answer', 'Coherence and conciseness', 'Completeness', 'ONLY WHEN YOU ARE VERY CONFIDENT',
      ],
      'quality_enhancement.code': [
        'formatted, more concise, complete, correct and coherent', '"Revised Answer: "', '" [END]"', 'exactly one revised question and one revised answer',
        'starts with "```" and ends with "```"', 'no opening or closing remarks', 'test cases written as assertions', 'ONLY WHEN YOU ARE VERY CONFIDENT',
      ],
      'quality_enhancement.instruction_following': [
        'formatted, more concise, complete, correct and coherent', 'LaTeX', '"Revised Answer: "', '" [END]"', 'exactly one revised question and one revised answer',
        'Coherence and conciseness', 'Completeness', 'ONLY WHEN YOU ARE VERY CONFIDENT',
      ],
    };

    for (const key of Object.keys(REQUIRED)) {
      it(key, () => {
        const setting = config.settings.find((s) => s.key === key) as SettingConfig;
        const template = loadTemplate(setting.template, setting.method, setting.placeholders, config.generation.demonstrations);
        const seeds = sample(key);
        const src = seedsOnly(seeds);
        const choice = choosePrompt(setting, template, src, { total: 3, fromSeed: 2 }, config.seed, 0, 1);
        const prompt = renderPrompt(template, choice, src) ?? '';
        for (const r of REQUIRED[key] ?? []) {
          if (typeof r === 'string') assert.ok(prompt.includes(r), `${key} lacks ${JSON.stringify(r)}`);
          else assert.match(prompt, r);
        }
        // no marker is left unfilled, and the prompt ends on the trigger the model continues from
        assert.doesNotMatch(prompt, /<input\d*>|<output\d*>|<input_theme>|<first_word>/);
        if (setting.method === 'instance_generation') {
          assert.ok(prompt.endsWith('[NEW INSTANCE]\nINPUT: '));
          assert.ok(choice.theme && DEFAULT_THEMES[setting.domain].includes(choice.theme));
          assert.ok(prompt.includes(`"${choice.theme}"`), 'the theme is quoted where the template asks for it');
          for (const d of choice.demos ?? []) {
            const ex = 's' in d ? seeds[d.s] : undefined;
            assert.ok(ex && prompt.includes(`INPUT: ${ex.instruction}\nOUTPUT: ${ex.response}\n[END]`));
          }
          if (setting.domain === 'instruction_following') assert.ok(choice.firstWord && prompt.includes(`"${choice.firstWord}"`));
        } else if (setting.method === 'response_generation') {
          assert.ok(prompt.endsWith(`INPUT:\n${seeds[0]?.instruction}\n\nOUTPUT:`));
        } else {
          assert.ok(prompt.includes(`Question: ${seeds[0]?.instruction}\nAnswer: ${seeds[0]?.response}\n`));
          assert.ok(prompt.endsWith('Revised Question: '));
        }
      });
    }
  });

  it("themes and openers have the paper's composition", () => {
    assert.equal(DEFAULT_THEMES.math.length, 36);
    assert.equal(DEFAULT_THEMES.math.filter((t) => t.startsWith('Math Word Problems with ')).length, 18);
    assert.deepEqual(
      DEFAULT_THEMES.code,
      ['Implementing', 'Fixing'].flatMap((verb) => ['Python', 'Java', 'C++', 'C', 'JavaScript', 'C#', 'PHP'].map((lang) => `${verb} a ${lang} Code`)),
    );
    assert.equal(DEFAULT_THEMES.instruction_following.length, 28);
    assert.equal(DEFAULT_FIRST_WORDS.length, 123);
    for (const codeLike of ['def ', 'import ', '``` ', '>> ', '### ', 'Write a function ']) assert.ok(DEFAULT_FIRST_WORDS.includes(codeLike), codeLike);
  });

  describe('agorabench estimate --json, from an offline data directory', () => {
    // The full seed sets cannot be downloaded here: the offline directory holds files of the same
    // shape and size at the paths the preset reads, except response_generation.math, which holds
    // only the paper's 20-row sample, so the estimate must name it.
    let dataDir: string;
    before(() => {
      dataDir = tempDir('preset-data');
      const rows: Record<string, number> = {
        'instance_generation.math': 14_856, 'instance_generation.code': 374, 'instance_generation.instruction_following': 1_030,
        'response_generation.code': 10_000, 'response_generation.instruction_following': 10_000,
        'quality_enhancement.math': 10_000, 'quality_enhancement.code': 10_000, 'quality_enhancement.instruction_following': 10_000,
      };
      for (const s of config.settings) {
        const src = { ...s.seeds, hf: s.seeds.hf as string };
        const file = path.join(dataDir, hfOfflineName(src));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const instruction = s.seeds.fields?.instruction ?? 'instruction';
        const response = s.seeds.fields?.response ?? 'response';
        const lines =
          s.key === 'response_generation.math'
            ? sample(s.key).map((e) => JSON.stringify({ [instruction]: e.instruction, [response]: e.response }))
            : Array.from({ length: rows[s.key] ?? 0 }, (_, i) => JSON.stringify({ [instruction]: `Question ${i} of ${s.key}?`, [response]: `Answer ${i}.` }));
        fs.writeFileSync(file, lines.join('\n') + '\n');
      }
    });

    it('reports 10,000 instances for every setting whose seed set has them and names the one that has fewer', async () => {
      const r = await cli(['estimate', PRESET, '--json'], { AGORABENCH_DATA_DIR: dataDir, AGORABENCH_OFFLINE: '1', AGORABENCH_CACHE_DIR: tempDir('preset-cache') });
      assert.equal(r.status, 0, r.stderr);
      const est = JSON.parse(r.stdout) as {
        datasets: { generator: string; setting: string; instances: number; requested: number; seeds: number; requests: number }[];
        shortfalls: { setting: string; requested: number; seeds: number; source: string }[];
      };
      assert.equal(est.datasets.length, 6 * 9);
      for (const d of est.datasets) {
        const expected = d.setting === 'response_generation.math' ? 20 : 10_000;
        assert.equal(d.instances, expected, `${d.generator} ${d.setting}`);
        assert.equal(d.requested, 10_000);
        assert.equal(d.requests, Math.ceil(expected * 1.15));
      }
      assert.deepEqual(est.shortfalls.map((f) => [f.setting, f.seeds, f.requested]), [['response_generation.math', 20, 10_000]]);
      assert.match(est.shortfalls[0]?.source ?? '', /^hf:Data-Agora\/magpie_math_/);
      // the table says the same to a person
      const text = await cli(['estimate', PRESET], { AGORABENCH_DATA_DIR: dataDir, AGORABENCH_OFFLINE: '1', AGORABENCH_CACHE_DIR: tempDir('preset-cache') });
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /fewer seeds than requested instances: response_generation\.math: 20 seed rows for 10,000 requested instances, so at most 20/);
    });

    it('offline without the files, says which file would serve and where it looked', async () => {
      const empty = tempDir('preset-empty');
      const r = await cli(['estimate', PRESET, '--json'], { AGORABENCH_DATA_DIR: empty, AGORABENCH_OFFLINE: '1', AGORABENCH_CACHE_DIR: tempDir('preset-cache') });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /not available offline: put its rows, one JSON object per line, at <offline directory>\/Data-Agora\/math-seed-data\/default\/train\.jsonl/);
      assert.ok(r.stderr.includes(empty));
    });
  });
});
