// The folder the test host opens: one valid config (so `workspaceContains:**/*.agorabench.json`
// activates the extension) and a small seed file that test configs can point at; for the `bench`
// suite, a folder with no config at all, so that nothing activates the extension before the test does.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Seed demonstrations for instance_generation.math, in the JSONL shape the config loader reads. */
export const MATH_SEEDS = [
  { instruction: 'A shop sells pens at $3 each. How much do 7 pens cost?', response: '7 * 3 = 21. The answer is 21.' },
  { instruction: 'Tom has 12 apples and gives away 5. How many are left?', response: '12 - 5 = 7. The answer is 7.' },
  { instruction: 'A train travels 60 km per hour for 3 hours. How far does it go?', response: '60 * 3 = 180. The answer is 180.' },
  { instruction: 'What is 15% of 80?', response: '0.15 * 80 = 12. The answer is 12.' },
];

export function createWorkspace(dir: string): string {
  fs.mkdirSync(path.join(dir, 'seeds'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'seeds', 'math.jsonl'), MATH_SEEDS.map((s) => JSON.stringify(s)).join('\n') + '\n');
  const smoke = {
    name: 'smoke',
    generators: [{ id: 'local', provider: 'openai-compatible', model: 'fake-model', baseURL: 'http://127.0.0.1:9/v1' }],
    settings: [{ setting: 'instance_generation.math', seeds: 'seeds/math.jsonl', instances: 2 }],
  };
  fs.writeFileSync(path.join(dir, 'smoke.agorabench.json'), JSON.stringify(smoke, null, 2) + '\n');
  return dir;
}

/** A folder with one plain file and no *.agorabench.json: the extension stays inactive until asked. */
export function createBareWorkspace(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'README.md'), '# A folder without an AgoraBench config\n');
  return dir;
}
