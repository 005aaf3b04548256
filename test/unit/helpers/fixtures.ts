import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** ../shared/data beside the checkout: public data that tests may read (never copied into the repo). */
export const SHARED_DATA = path.resolve(__dirname, '../../../../shared/data');
export const SEED_SAMPLES = path.join(SHARED_DATA, 'seeds', 'agora-samples');

/** The paper's seed sample for each setting (code quality enhancement: the MBPP sample, which has pairs). */
export const SAMPLE_SEEDS: Record<string, string> = {
  'instance_generation.math': 'math_seed_data_subsampled.json',
  'instance_generation.code': 'code_seed_data_subsampled.json',
  'instance_generation.instruction_following': 'general_seed_data_subsampled.json',
  'response_generation.math': 'magpie_math_seed_data_10000_subsampled.json',
  'response_generation.code': 'magpie_code_seed_data_10000_subsampled.json',
  'response_generation.instruction_following': 'magpie_general_seed_data_10000_subsampled.json',
  'quality_enhancement.math': 'webinstruct_math_seed_data_10000_subsampled.json',
  'quality_enhancement.code': 'code_seed_data_subsampled.json',
  'quality_enhancement.instruction_following': 'webinstruct_general_seed_data_10000_subsampled.json',
};

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `agb-${prefix}-`));
}

/** Writes a config file into `dir` and returns its path. */
export function writeConfig(dir: string, config: Record<string, unknown>, name = 'test.agorabench.json'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** A generator entry pointing at a fake server (OpenAI-compatible, no key needed). */
export function fakeGenerator(openaiBaseURL: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'fake', provider: 'openai-compatible', model: 'fake-model', baseURL: openaiBaseURL, ...extra };
}

/** Key-shaped sentinels for redaction tests: shared with the extension host suites. */
export { sentinelKey } from '../../support/sentinels';
