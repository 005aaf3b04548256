// Failure reasons that explain (each try's real cause, failed slots apart from retried errors) and
// no secret echoed anywhere, through the CLI against the fake server.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeServer, type FakeServer } from '../fake-server';
import { cli } from './helpers/cli';
import { SAMPLE_SEEDS, SEED_SAMPLES, fakeGenerator, sentinelKey, tempDir, writeConfig } from './helpers/fixtures';

const seeds = path.join(SEED_SAMPLES, SAMPLE_SEEDS['response_generation.instruction_following'] as string);

/** Every file under a folder, as text. */
function allText(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

describe('failure causes and secrets', () => {
  let server: FakeServer;
  afterEach(() => server?.close());

  it('a body cut off mid-answer is a malformed response; show --failed lists each try\'s cause', async () => {
    server = await startFakeServer({ faultRate: 1, faults: ['broken_body'] });
    const dir = tempDir('broken');
    const file = writeConfig(dir, {
      name: 'broken',
      generators: [fakeGenerator(server.openaiBaseURL, { limits: { maxTransportRetries: 2, retryBaseMs: 1 } })],
      settings: [{ setting: 'response_generation.instruction_following', seeds, instances: 2 }],
      generation: { maxAttempts: 1 },
    });
    const run = await cli(['run', file]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /why slots failed: transport-malformed ×6/);
    assert.doesNotMatch(run.stdout, /transport-connection/);
    const show = await cli(['show', 'broken__fake__response_generation.instruction_following', '--config', file, '--failed']);
    assert.equal(show.status, 0, show.stderr);
    const lines = show.stdout.split('\n').filter((l) => l.includes('attempt 1: transport-malformed: the response body was cut off before its end'));
    assert.equal(lines.length, 6, show.stdout);
    assert.doesNotMatch(show.stdout, /gave up after/);
  });

  it('the summary keeps errors that were retried and then succeeded apart from the causes of failed slots', async () => {
    server = await startFakeServer({ faultRate: 0.5, faults: ['server_error'], seed: 3 });
    const dir = tempDir('retried');
    const file = writeConfig(dir, {
      name: 'retried',
      generators: [fakeGenerator(server.openaiBaseURL, { limits: { maxTransportRetries: 20, retryBaseMs: 1 } })],
      settings: [{ setting: 'response_generation.instruction_following', seeds, instances: 10 }],
    });
    const run = await cli(['run', file]);
    assert.equal(run.status, 0, run.stderr);
    const injected = server.stats().faults.server_error ?? 0;
    assert.ok(injected > 0);
    assert.match(run.stdout, new RegExp(`retried and then succeeded: transport-server ×${injected}`));
    assert.doesNotMatch(run.stdout, /why slots failed/);
  });

  it('a 401 that quotes the key prints, logs and stores no key', async () => {
    const secret = sentinelKey('sk-proj', 'TESTSECRET0123456789abcdefXYZ');
    server = await startFakeServer({ rejectKeys: [secret] });
    const dir = tempDir('leak');
    const file = writeConfig(dir, {
      name: 'leak',
      generators: [{ id: 'oa', provider: 'openai', model: 'gpt-leak', baseURL: server.openaiBaseURL, apiKeyEnv: 'AGB_LEAK_KEY' }],
      settings: [{ setting: 'response_generation.instruction_following', seeds, instances: 3 }],
    });
    const run = await cli(['run', file], { AGB_LEAK_KEY: secret });
    assert.equal(run.status, 1);
    assert.ok((server.stats().byStatus['401'] ?? 0) > 0, 'the server refused the key');
    const said = run.stdout + run.stderr;
    assert.match(said, /Incorrect API key provided: \[redacted key\]/);
    assert.ok(!said.includes(secret) && !said.includes(secret.slice(8)), said);
    const json = await cli(['run', file, '--json'], { AGB_LEAK_KEY: secret });
    assert.ok(!(json.stdout + json.stderr).includes(secret.slice(8)));
    assert.ok(!allText(path.join(dir, '.agorabench')).includes(secret.slice(8)), 'no store, journal or cache holds the key');
  });
});
