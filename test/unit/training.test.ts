import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import Ajv from 'ajv';
import OpenAI from 'openai';
import { StoreError } from '../../src/core/errors';
import { trainWithCommand, type CommandTrainingSpec } from '../../src/core/training/commandLauncher';
import { fillCommand } from '../../src/core/training/commandTemplate';
import { readJob, registerExternal, type TrainingEvent, type TrainingJob } from '../../src/core/training/job';
import { trainWithOpenAI, type OpenAIFineTuneSpec } from '../../src/core/training/openaiFineTune';
import { PAPER_HYPERPARAMETERS, writeRecipe } from '../../src/core/training/recipes';
import { startFakeServer, type FakeServer } from '../fake-server';
import { sentinelKey, tempDir } from './helpers/fixtures';

const SYSTEM = 'You are a helpful AI assistant.';

/** A chat JSONL training file of `n` lines. */
function writeChat(dir: string, n: number, name = 'data.jsonl'): string {
  const file = path.join(dir, name);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: `What is ${i} + ${i}?` }, { role: 'assistant', content: `${i} + ${i} = ${2 * i}.` }] }),
  );
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Polls a condition (never a fixed sleep) until it holds or the deadline passes. */
async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('student training', function () {
  this.timeout(20_000);

  describe('OpenAI fine-tuning (fake server, real SDK)', () => {
    let server: FakeServer;
    const KEY = sentinelKey('sk-test', 'training-key-0123456789');
    before(async () => {
      server = await startFakeServer({ fineTuneMs: 300 });
    });
    after(() => server.close());

    const sdk = () => new OpenAI({ apiKey: KEY, baseURL: server.openaiBaseURL, maxRetries: 0 });
    const uploads = async () => (await sdk().files.list()).data.filter((f) => f.purpose === 'fine-tune').length;
    const spec = (dir: string, over: Partial<OpenAIFineTuneSpec> = {}): OpenAIFineTuneSpec => ({
      student: 's1',
      dataFile: writeChat(dir, 12),
      baseModel: 'gpt-4o-mini-2024-07-18',
      suffix: 's1',
      seed: 42,
      hyperparameters: { n_epochs: 2 },
      apiKey: KEY,
      baseURL: server.openaiBaseURL,
      ...over,
    });

    it('uploads, creates, follows to success: model, trained tokens, cost and the job events in the log', async () => {
      const dir = tempDir('ft-ok');
      const events: TrainingEvent[] = [];
      const before = server.stats().fineTuning.jobs;
      const job = await trainWithOpenAI(spec(dir), { dir, pollMs: 20, onEvent: (e) => events.push({ ...e, job: { ...e.job } }) });
      assert.equal(job.status, 'succeeded');
      assert.match(job.model ?? '', /^ft:gpt-4o-mini-2024-07-18:fake-org:s1:/);
      assert.equal(job.endpoint, server.openaiBaseURL);
      assert.ok(job.trainedTokens && job.trainedTokens > 0);
      // gpt-4o-mini trains at USD 3 per 1M tokens
      assert.ok(Math.abs((job.costUsd ?? 0) - ((job.trainedTokens ?? 0) * 3) / 1e6) < 1e-12);
      assert.equal(server.stats().fineTuning.jobs, before + 1);
      const remote = await sdk().fineTuning.jobs.retrieve(job.jobId ?? '');
      assert.equal(remote.hyperparameters.n_epochs, 2);
      assert.equal(remote.seed, 42);
      const statuses = events.filter((e) => e.type === 'status').map((e) => e.job.status);
      assert.equal(statuses.at(-1), 'succeeded');
      assert.ok(statuses.includes('submitted') || statuses.includes('running'));
      const log = fs.readFileSync(job.logFile, 'utf8');
      assert.match(log, /Step \d+\/\d+: training loss=/);
      assert.equal(log.match(/Created fine-tuning job/g)?.length, 1);
      assert.match(job.logTail.at(-1) ?? '', /The job has successfully completed/);
      assert.ok(events.some((e) => e.type === 'log' && /Fine-tuning job started/.test(e.line ?? '')));
      // the fake's events page like OpenAI's (newest first, `after` cursor): the SDK's auto-pagination sees them all once
      const paged: string[] = [];
      for await (const e of sdk().fineTuning.jobs.listEvents(job.jobId ?? '', { limit: 3 })) paged.push(e.id);
      const whole = (await sdk().fineTuning.jobs.listEvents(job.jobId ?? '', { limit: 100 })).data;
      assert.deepEqual(paged, whole.map((e) => e.id));
      assert.equal(new Set(paged).size, paged.length);
      assert.equal(log.trim().split('\n').filter((l) => !l.includes('[agorabench]')).length, whole.length);
      assert.deepEqual(readJob(dir), job);
      // a finished job is returned as recorded: nothing is uploaded or created again
      const uploaded = await uploads();
      assert.deepEqual(await trainWithOpenAI(spec(dir), { dir, pollMs: 20 }), job);
      assert.equal(await uploads(), uploaded);
    });

    it('a job that fails records the error object; an invalid training file fails validation', async () => {
      const dir = tempDir('ft-fail');
      server.configure({ fineTuneFail: 'CUDA error: device-side assert triggered' });
      try {
        const job = await trainWithOpenAI(spec(dir), { dir, pollMs: 20 });
        assert.equal(job.status, 'failed');
        assert.match(job.error ?? '', /server_error: CUDA error: device-side assert triggered/);
        assert.equal(job.model, undefined);
      } finally {
        server.configure({ fineTuneFail: false });
      }
      const small = tempDir('ft-small');
      const job = await trainWithOpenAI(spec(small, { dataFile: writeChat(small, 5, 'small.jsonl') }), { dir: small, pollMs: 20 });
      assert.equal(job.status, 'failed');
      assert.match(job.error ?? '', /invalid_training_file: .*at least 10 examples/);
    });

    it('interrupted after the job is created and resumed: no second upload, no second job', async () => {
      const dir = tempDir('ft-resume');
      const detach = new AbortController();
      const files0 = await uploads();
      const jobs0 = server.stats().fineTuning.jobs;
      const first = await trainWithOpenAI(spec(dir), { dir, pollMs: 20, detach: detach.signal, onEvent: (e) => e.job.jobId && detach.abort() });
      assert.ok(first.jobId && first.fileId);
      assert.ok(first.status === 'submitted' || first.status === 'running', first.status);
      assert.equal(await uploads(), files0 + 1);
      assert.equal(server.stats().fineTuning.jobs, jobs0 + 1);
      const job = await trainWithOpenAI(spec(dir), { dir, pollMs: 20 });
      assert.equal(job.status, 'succeeded');
      assert.equal(job.jobId, first.jobId);
      assert.match(job.model ?? '', /^ft:/);
      assert.equal(await uploads(), files0 + 1);
      assert.equal(server.stats().fineTuning.jobs, jobs0 + 1);
      // events seen before the interruption are not logged twice
      assert.equal(fs.readFileSync(job.logFile, 'utf8').match(/Created fine-tuning job/g)?.length, 1);
    });

    it('stopped between creating the job and recording it: the job on our file is found, not created again', async () => {
      const dir = tempDir('ft-crash');
      const detach = new AbortController();
      const jobs0 = server.stats().fineTuning.jobs;
      const first = await trainWithOpenAI(spec(dir), { dir, pollMs: 20, detach: detach.signal, onEvent: (e) => e.job.jobId && detach.abort() });
      // what a process killed right after jobs.create leaves behind
      const record = JSON.parse(fs.readFileSync(path.join(dir, 'job.json'), 'utf8')) as TrainingJob;
      delete record.jobId;
      record.status = 'preparing';
      fs.writeFileSync(path.join(dir, 'job.json'), JSON.stringify(record));
      const job = await trainWithOpenAI(spec(dir), { dir, pollMs: 20 });
      assert.equal(job.status, 'succeeded');
      assert.equal(job.jobId, first.jobId);
      assert.equal(server.stats().fineTuning.jobs, jobs0 + 1);
    });

    it('cancel: the fake job is cancelled and the record says so', async () => {
      const dir = tempDir('ft-cancel');
      server.configure({ fineTuneMs: 2000 });
      const cancelled0 = server.stats().fineTuning.cancelled;
      const ac = new AbortController();
      try {
        const job = await trainWithOpenAI(spec(dir), { dir, pollMs: 20, signal: ac.signal, onEvent: (e) => e.job.status === 'running' && ac.abort() });
        assert.equal(job.status, 'cancelled');
        assert.ok(job.finishedAt);
        assert.equal(server.stats().fineTuning.cancelled, cancelled0 + 1);
        assert.equal((await sdk().fineTuning.jobs.retrieve(job.jobId ?? '')).status, 'cancelled');
        assert.match(fs.readFileSync(job.logFile, 'utf8'), /Fine-tuning job cancelled/);
      } finally {
        server.configure({ fineTuneMs: 300 });
      }
    });

    it('a refused key never reaches the error, the record or the log', async () => {
      const dir = tempDir('ft-key');
      const bad = sentinelKey('sk-proj', 'REFUSEDKEY0123456789abcdef');
      server.configure({ rejectKeys: [bad] });
      try {
        const err = await trainWithOpenAI(spec(dir, { apiKey: bad }), { dir, pollMs: 20 }).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        assert.ok(err, 'expected a refusal');
        assert.match(err.message, /401.*Incorrect API key provided: \[redacted key\]/);
        assert.ok(!err.message.includes(bad));
        const record = fs.readFileSync(path.join(dir, 'job.json'), 'utf8');
        assert.ok(!record.includes(bad));
        assert.equal(readJob(dir)?.status, 'preparing'); // resumable once the key is fixed
      } finally {
        server.configure({ rejectKeys: [] });
      }
    });
  });

  describe('command template', () => {
    const script = (dir: string, name: string, body: string): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      return file;
    };
    const base = (dir: string, over: Partial<CommandTrainingSpec> = {}): CommandTrainingSpec => ({
      student: 'stu-1',
      dataFile: writeChat(dir, 3),
      outputDir: path.join(dir, 'out'),
      command: 'sh ./train.sh {data} {output}',
      cwd: dir,
      killGraceMs: 2000,
      ...over,
    });

    it('succeeds: log tail, events, model and endpoint with {name} filled, exit code recorded', async () => {
      const dir = tempDir('cmd-ok');
      script(dir, 'train.sh', 'i=1; while [ $i -le 30 ]; do echo "line $i"; i=$((i+1)); done; echo "to stderr" >&2; test -d "$2"');
      const lines: string[] = [];
      const job = await trainWithCommand(base(dir, { model: 'student-{name}', endpoint: 'http://gpu:8000/v1', costPerHourUsd: 3.6 }), {
        dir: path.join(dir, 'job'),
        pollMs: 20,
        onEvent: (e) => e.type === 'log' && lines.push(e.line ?? ''),
      });
      assert.equal(job.status, 'succeeded', job.error);
      assert.equal(job.exitCode, 0);
      assert.equal(job.model, 'student-stu-1');
      assert.equal(job.endpoint, 'http://gpu:8000/v1');
      assert.equal(job.logTail.length, 20);
      assert.deepEqual(job.logTail.slice(-2), ['line 30', 'to stderr']);
      assert.equal(lines.length, 31);
      assert.ok(job.pid && job.pid > 0);
      assert.ok(job.costUsd !== undefined && job.costUsd >= 0 && job.costUsd < 1);
      assert.deepEqual(readJob(path.join(dir, 'job')), job);
    });

    it('fails: exit code 3 and the last lines of the log in the error', async () => {
      const dir = tempDir('cmd-fail');
      script(dir, 'train.sh', 'echo "loading model"; echo "RuntimeError: CUDA out of memory" >&2; exit 3');
      const job = await trainWithCommand(base(dir), { dir: path.join(dir, 'job'), pollMs: 20 });
      assert.equal(job.status, 'failed');
      assert.equal(job.exitCode, 3);
      assert.match(job.error ?? '', /^exit code 3/);
      assert.match(job.error ?? '', /loading model\nRuntimeError: CUDA out of memory$/);
    });

    it('cancel terminates the whole process group, children included', async () => {
      const dir = tempDir('cmd-cancel');
      script(dir, 'train.sh', 'echo started; sleep 1000 & sleep 1000; wait');
      const ac = new AbortController();
      const job = await trainWithCommand(base(dir), { dir: path.join(dir, 'job'), pollMs: 20, signal: ac.signal, onEvent: (e) => e.line === 'started' && ac.abort() });
      assert.equal(job.status, 'cancelled');
      assert.equal(job.signal, 'SIGTERM');
      assert.ok(job.pid);
      assert.ok(groupGone(job.pid), 'no process of the group may remain');
    });

    it('a group that ignores SIGTERM is killed after the grace period', async () => {
      const dir = tempDir('cmd-kill');
      script(dir, 'train.sh', "trap '' TERM; echo started; sleep 1000 & sleep 1000; wait");
      const ac = new AbortController();
      const job = await trainWithCommand(base(dir, { killGraceMs: 200 }), { dir: path.join(dir, 'job'), pollMs: 20, signal: ac.signal, onEvent: (e) => e.line === 'started' && ac.abort() });
      assert.equal(job.status, 'cancelled');
      assert.equal(job.signal, 'SIGKILL');
      assert.ok(job.pid && groupGone(job.pid));
    });

    it('detach leaves it running; a second call follows it to the end', async () => {
      const dir = tempDir('cmd-detach');
      const go = path.join(dir, 'go');
      script(dir, 'train.sh', `echo first; while [ ! -e '${go}' ]; do sleep 0.02; done; echo second`);
      const jobDir = path.join(dir, 'job');
      const detach = new AbortController();
      const first = await trainWithCommand(base(dir), { dir: jobDir, pollMs: 20, detach: detach.signal, onEvent: (e) => e.line === 'first' && detach.abort() });
      assert.equal(first.status, 'running');
      assert.ok(first.pid && !groupGone(first.pid));
      const lines: string[] = [];
      const resumed = trainWithCommand(base(dir), { dir: jobDir, pollMs: 20, onEvent: (e) => e.type === 'log' && lines.push(e.line ?? '') });
      fs.writeFileSync(go, '');
      const job = await resumed;
      assert.equal(job.status, 'succeeded');
      assert.equal(job.pid, first.pid);
      assert.deepEqual(job.logTail, ['first', 'second']);
      assert.deepEqual(lines, ['second']); // what was already reported is not reported again
    });

    it('finished while nobody was following: the exit-code file gives the outcome', async () => {
      const dir = tempDir('cmd-unwatched');
      // it ends only once we have stopped following (on a busy machine an instant exit could beat the detach)
      const go = path.join(dir, 'go');
      script(dir, 'train.sh', `while [ ! -e '${go}' ]; do sleep 0.02; done; echo done-alone; exit 7`);
      const jobDir = path.join(dir, 'job');
      const detach = new AbortController();
      detach.abort();
      const first = await trainWithCommand(base(dir), { dir: jobDir, pollMs: 20, detach: detach.signal });
      assert.equal(first.status, 'running');
      fs.writeFileSync(go, '');
      await until('the exit-code file', () => fs.existsSync(path.join(jobDir, 'exit-code')));
      await until('the group to end', () => groupGone(first.pid ?? 0));
      const job = await trainWithCommand(base(dir), { dir: jobDir, pollMs: 20 });
      assert.equal(job.status, 'failed');
      assert.equal(job.exitCode, 7);
      assert.match(job.error ?? '', /exit code 7[\s\S]*done-alone/);
    });

    it('a process that died without recording an exit status is reported as such', async () => {
      const dir = tempDir('cmd-killed');
      script(dir, 'train.sh', 'echo up; sleep 1000');
      const jobDir = path.join(dir, 'job');
      const detach = new AbortController();
      const first = await trainWithCommand(base(dir), { dir: jobDir, pollMs: 20, detach: detach.signal, onEvent: (e) => e.line === 'up' && detach.abort() });
      const pid = first.pid ?? 0;
      process.kill(-pid, 'SIGKILL'); // the wrapper dies too: nobody writes the exit code
      await until('the group to end', () => groupGone(pid));
      const job = await trainWithCommand(base(dir), { dir: jobDir, pollMs: 20 });
      assert.equal(job.status, 'failed');
      assert.equal(job.error, 'the training process ended without recording an exit status');
      assert.ok(!fs.existsSync(path.join(jobDir, 'exit-code')));
    });

    it('placeholders are shell-quoted: a data path with spaces and a quote stays one argument', async () => {
      const dir = tempDir('cmd-quote');
      const sub = path.join(dir, "my data's dir");
      fs.mkdirSync(sub);
      const dataFile = writeChat(sub, 2, "train set 'v1'.jsonl");
      const job = await trainWithCommand(base(dir, { dataFile, command: 'printf "<%s>\\n" {data} {name} "${HOME:+home}"' }), { dir: path.join(dir, 'job'), pollMs: 20 });
      assert.equal(job.status, 'succeeded', job.error);
      assert.deepEqual(job.logTail, [`<${dataFile}>`, '<stu-1>', '<home>']);
      assert.throws(() => fillCommand('train {data} {oops} {nope}', { data: 'x' }), /\{oops\}, \{nope\}/);
      assert.throws(() => fillCommand('train {manifest}', { data: 'x' }), /\{manifest\}/);
      assert.equal(fillCommand("run {name}", { name: "it's" }), "run 'it'\\''s'");
    });
  });

  describe('job record', () => {
    it('a corrupt job.json is a clear error naming the file, and is left as it is', async () => {
      const dir = tempDir('job-corrupt');
      const file = path.join(dir, 'job.json');
      fs.writeFileSync(file, '{"student": "s1", "status": ');
      await assert.rejects(trainWithCommand({ student: 's1', dataFile: writeChat(dir, 2), outputDir: dir, command: 'true', cwd: dir }, { dir }), (e: unknown) => {
        assert.ok(e instanceof StoreError);
        assert.ok(e.message.includes(file), e.message);
        assert.match(e.message, /not valid JSON/);
        return true;
      });
      assert.equal(fs.readFileSync(file, 'utf8'), '{"student": "s1", "status": ');
      fs.writeFileSync(file, JSON.stringify({ student: 's1', status: 'done' }));
      assert.throws(() => readJob(dir), (e: unknown) => e instanceof StoreError && e.message.includes(file) && /not a training job record/.test(e.message));
    });

    it('registers an externally trained student', async () => {
      const dir = tempDir('job-external');
      const job = await registerExternal({ student: 's9', model: 'my-student', endpoint: 'http://127.0.0.1:8000/v1', dataFile: writeChat(dir, 2) }, path.join(dir, 'ext'));
      assert.equal(job.status, 'succeeded');
      assert.equal(job.launcher, 'external');
      assert.match(job.dataSha256, /^[0-9a-f]{64}$/);
      assert.deepEqual(readJob(path.join(dir, 'ext')), job);
    });
  });

  describe('recipes', () => {
    // llama-recipes' train_config / custom_dataset / fsdp_config fields used by the recipe, transcribed from
    // https://github.com/meta-llama/llama-cookbook/blob/faae2fd877995430906e1d0904131ecdaa89a604/getting-started/finetuning/README.md
    // (and src/llama_cookbook/configs/{training,datasets,fsdp}.py at that commit).
    const LLAMA_RECIPES_SCHEMA = {
      type: 'object',
      additionalProperties: false,
      properties: {
        model_name: { type: 'string' },
        enable_fsdp: { type: 'boolean' },
        use_peft: { type: 'boolean' },
        dataset: { type: 'string' },
        'custom_dataset.file': { type: 'string' },
        'custom_dataset.data_path': { type: 'string' },
        batching_strategy: { enum: ['packing', 'padding'] },
        context_length: { type: 'integer' },
        batch_size_training: { type: 'integer' },
        gradient_accumulation_steps: { type: 'integer' },
        num_epochs: { type: 'integer' },
        lr: { type: 'number' },
        weight_decay: { type: 'number' },
        gamma: { type: 'number' },
        seed: { type: 'integer' },
        mixed_precision: { type: 'boolean' },
        'fsdp_config.optimizer': { enum: ['AdamW', 'anyprecision'] },
        run_validation: { type: 'boolean' },
        save_model: { type: 'boolean' },
        dist_checkpoint_root_folder: { type: 'string' },
        dist_checkpoint_folder: { type: 'string' },
        output_dir: { type: 'string' },
      },
    };

    // axolotl's config fields used by the recipe (name → type / allowed values), transcribed from its schema, which
    // docs.axolotl.ai/docs/config-reference.html is generated from:
    // https://github.com/axolotl-ai-cloud/axolotl/tree/067b021c8b87a9e5e380b9173c704cf7340e30f5/src/axolotl/utils/schemas
    // (model.py, config.py, training.py, datasets.py SFTDataset, fsdp.py FSDPConfig, enums.py ChatTemplate).
    const nullable = (s: Record<string, unknown>) => ({ anyOf: [s, { type: 'null' }] });
    const AXOLOTL_SCHEMA = {
      type: 'object',
      additionalProperties: false,
      required: ['base_model', 'learning_rate', 'datasets'],
      properties: {
        base_model: { type: 'string' },
        chat_template: nullable({ enum: ['alpaca', 'chatml', 'gemma', 'cohere', 'llama3', 'llama3_2_vision', 'llama4', 'phi_3', 'phi_35', 'deepseek_v2', 'deepseek_v3', 'jamba', 'jinja', 'qwen_25', 'qwen3', 'tokenizer_default'] }),
        datasets: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              path: nullable({ type: 'string' }),
              ds_type: nullable({ type: 'string' }),
              type: nullable({ type: 'string' }),
              field_messages: nullable({ type: 'string' }),
              message_property_mappings: nullable({ type: 'object', additionalProperties: { type: 'string' } }),
              roles_to_train: nullable({ type: 'array', items: { type: 'string' } }),
              train_on_eos: nullable({ enum: ['all', 'turn', 'last', 'none'] }),
              train_on_eot: nullable({ enum: ['all', 'turn', 'last', 'none'] }),
            },
          },
        },
        eot_tokens: nullable({ type: 'array', items: { type: 'string' } }),
        special_tokens: nullable({ type: 'object', properties: { pad_token: { type: 'string' } } }),
        train_on_inputs: nullable({ type: 'boolean' }),
        dataset_prepared_path: nullable({ type: 'string' }),
        val_set_size: nullable({ type: 'number' }),
        output_dir: { type: 'string' },
        sequence_len: { type: 'integer' },
        sample_packing: nullable({ type: 'boolean' }),
        pad_to_sequence_len: nullable({ type: 'boolean' }),
        micro_batch_size: nullable({ type: 'integer' }),
        gradient_accumulation_steps: nullable({ type: 'integer' }),
        num_epochs: { type: 'number' },
        optimizer: nullable({ type: 'string' }),
        learning_rate: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        weight_decay: nullable({ type: 'number' }),
        lr_scheduler: nullable({ type: 'string' }),
        cosine_min_lr_ratio: nullable({ type: 'number', minimum: 0, maximum: 1 }),
        warmup_steps: nullable({ type: 'integer' }),
        max_grad_norm: nullable({ type: 'number' }),
        seed: nullable({ type: 'integer' }),
        bf16: nullable({ anyOf: [{ const: 'auto' }, { type: 'boolean' }] }),
        gradient_checkpointing: nullable({ anyOf: [{ enum: ['offload', 'offload_disk'] }, { type: 'boolean' }] }),
        flash_attention: nullable({ type: 'boolean' }),
        fsdp_version: nullable({ type: 'integer' }),
        fsdp_config: nullable({
          type: 'object',
          additionalProperties: false,
          properties: {
            offload_params: nullable({ type: 'boolean' }),
            cpu_ram_efficient_loading: nullable({ type: 'boolean' }),
            auto_wrap_policy: nullable({ enum: ['TRANSFORMER_BASED_WRAP', 'SIZE_BASED_WRAP'] }),
            transformer_layer_cls_to_wrap: nullable({ type: 'string' }),
            state_dict_type: nullable({ enum: ['FULL_STATE_DICT', 'LOCAL_STATE_DICT', 'SHARDED_STATE_DICT'] }),
            reshard_after_forward: nullable({ type: 'boolean' }),
          },
        }),
        logging_steps: nullable({ type: 'integer' }),
        save_strategy: nullable({ type: 'string' }),
      },
    };

    /** `--name value` flags of the torchrun line, typed as python-fire reads them. */
    function torchrunFlags(script: string): Record<string, string | number | boolean> {
      const lines = script.split('\n');
      const start = lines.findIndex((l) => l.startsWith('torchrun '));
      assert.ok(start >= 0, 'no torchrun line');
      const flags: Record<string, string | number | boolean> = {};
      for (const line of lines.slice(start + 1)) {
        const m = /^\s+--([\w.]+) (.*?)( \\)?$/.exec(line);
        if (!m) break;
        const raw = m[2] ?? '';
        const text = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw;
        flags[m[1] ?? ''] = raw.startsWith("'") ? text : text === 'True' ? true : text === 'False' ? false : /^-?[\d.]+(e-?\d+)?$/.test(text) ? Number(text) : text;
        if (!m[3]) break;
      }
      return flags;
    }

    it('llama-recipes: the documented train_config flags, with the paper\'s values, and one command', () => {
      const dir = tempDir('recipe-lr');
      const dataFile = writeChat(dir, 3);
      const r = writeRecipe('llama-recipes', { dataFile, outputDir: path.join(dir, 'out') }, path.join(dir, 'recipe'));
      const script = fs.readFileSync(path.join(dir, 'recipe', 'train.sh'), 'utf8');
      execFileSync('sh', ['-n', path.join(dir, 'recipe', 'train.sh')]); // valid shell
      assert.match(script, /^torchrun --nnodes 1 --nproc_per_node 4 -m llama_cookbook\.finetuning \\$/m);
      const flags = torchrunFlags(script);
      const validate = new Ajv({ allErrors: true, strict: true }).compile(LLAMA_RECIPES_SCHEMA);
      assert.ok(validate(flags), JSON.stringify(validate.errors));
      assert.deepEqual(
        { lr: flags.lr, wd: flags.weight_decay, micro: flags.batch_size_training, accum: flags.gradient_accumulation_steps, ctx: flags.context_length, packing: flags.batching_strategy, seed: flags.seed, gamma: flags.gamma, fsdp: flags.enable_fsdp, peft: flags.use_peft, base: flags.model_name, data: flags['custom_dataset.data_path'] },
        { lr: 1e-5, wd: 0.01, micro: 2, accum: 8, ctx: 4096, packing: 'packing', seed: 42, gamma: 0.85, fsdp: true, peft: false, base: 'meta-llama/Meta-Llama-3.1-8B', data: dataFile },
      );
      assert.equal(r.command, `sh '${path.join(dir, 'recipe', 'train.sh')}'`);
      assert.equal(r.files.length, 2);
      assert.ok(r.deviations.some((d) => /epochs/.test(d)));
      assert.ok(script.includes('# Settings filled in where the paper is silent:'));
      assert.match(script, /checkpoint_converter_fsdp_hf/);
    });

    it('llama-recipes: the dataset file renders the Llama-3 template with the system prompt and trains on responses only', () => {
      const dir = tempDir('recipe-py');
      const dataFile = path.join(dir, 'data.jsonl');
      fs.writeFileSync(
        dataFile,
        [
          JSON.stringify({ messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'Hi?' }, { role: 'assistant', content: 'Hello!' }] }),
          JSON.stringify({ messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }] }),
        ].join('\n') + '\n',
      );
      writeRecipe('llama-recipes', { dataFile, outputDir: path.join(dir, 'out') }, dir);
      // a stand-in tokenizer: special tokens are one id each (as Llama-3's), other characters their code point
      const py = `
import json, re, sys, types
sys.path.insert(0, sys.argv[1])
import agorabench_dataset as d
SPECIAL = {"<|begin_of_text|>": -1, "<|start_header_id|>": -2, "<|end_header_id|>": -3, "<|eot_id|>": -4}
class Tok:
    def encode(self, text, add_special_tokens=True):
        assert add_special_tokens is False
        out = []
        for part in re.split(r"(<\\|[a-z_]+\\|>)", text):
            out += [SPECIAL[part]] if part in SPECIAL else [ord(c) for c in part]
        return out
cfg = types.SimpleNamespace(data_path=sys.argv[2], train_split="train", test_split="validation")
def show(ids):
    inv = {v: k for k, v in SPECIAL.items()}
    return "".join(inv.get(i, chr(i) if i >= 0 else "?") for i in ids)
train = d.get_custom_dataset(cfg, Tok(), "train")
print(json.dumps({"val": len(d.get_custom_dataset(cfg, Tok(), "validation")), "rows": [
  {"text": show(r["input_ids"]), "trained": show([i for i, l in zip(r["input_ids"], r["labels"]) if l != -100]),
   "same": all(l == -100 or l == i for i, l in zip(r["input_ids"], r["labels"])), "mask": r["attention_mask"] == [1] * len(r["input_ids"])}
  for r in train]}))
`;
      const out = JSON.parse(execFileSync('python3', ['-c', py, dir, dataFile], { encoding: 'utf8' })) as { val: number; rows: Array<{ text: string; trained: string; same: boolean; mask: boolean }> };
      assert.equal(out.val, 0);
      assert.equal(out.rows.length, 2);
      const header = (role: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n`;
      assert.equal(out.rows[0]?.text, `<|begin_of_text|>${header('system')}${SYSTEM}<|eot_id|>${header('user')}Hi?<|eot_id|>${header('assistant')}Hello!<|eot_id|>`);
      assert.equal(out.rows[0]?.trained, 'Hello!<|eot_id|>');
      // no system message in the line: the paper's is added
      assert.equal(out.rows[1]?.text, `<|begin_of_text|>${header('system')}${SYSTEM}<|eot_id|>${header('user')}Q<|eot_id|>${header('assistant')}A<|eot_id|>`);
      assert.equal(out.rows[1]?.trained, 'A<|eot_id|>');
      assert.ok(out.rows.every((r) => r.same && r.mask));
    });

    it('axolotl: the config validates against the documented schema and carries the paper\'s settings; deviations are said', () => {
      const dir = tempDir('recipe-ax');
      const dataFile = writeChat(dir, 3);
      const r = writeRecipe('axolotl', { dataFile, outputDir: path.join(dir, 'out'), gpus: 8 }, dir);
      const text = fs.readFileSync(path.join(dir, 'axolotl.yml'), 'utf8');
      const yaml = createRequire(__filename)('js-yaml') as { load(s: string): unknown };
      const config = yaml.load(text) as Record<string, unknown>;
      const validate = new Ajv({ allErrors: true, strict: true }).compile(AXOLOTL_SCHEMA);
      assert.ok(validate(config), JSON.stringify(validate.errors));
      const ds = (config.datasets as Array<Record<string, unknown>>)[0] ?? {};
      assert.deepEqual(
        { lr: config.learning_rate, wd: config.weight_decay, micro: config.micro_batch_size, accum: config.gradient_accumulation_steps, ctx: config.sequence_len, packing: config.sample_packing, seed: config.seed, template: config.chat_template, base: config.base_model, optimizer: config.optimizer },
        { lr: 1e-5, wd: 0.01, micro: 2, accum: 8, ctx: 4096, packing: true, seed: 42, template: 'llama3', base: 'meta-llama/Meta-Llama-3.1-8B', optimizer: 'adamw_torch' },
      );
      // loss on the responses only, each closed by <|eot_id|>
      assert.deepEqual({ roles: ds.roles_to_train, eot: ds.train_on_eot, inputs: config.train_on_inputs, path: ds.path, eotTokens: config.eot_tokens }, { roles: ['assistant'], eot: 'turn', inputs: false, path: dataFile, eotTokens: ['<|eot_id|>'] });
      assert.ok(Math.abs((config.cosine_min_lr_ratio as number) - 0.85 ** 2) < 1e-9);
      assert.ok(r.deviations.some((d) => /StepLR/.test(d)));
      assert.match(text, /^# deviation: the paper's StepLR/m);
      assert.equal(r.command, `axolotl train '${path.join(dir, 'axolotl.yml')}' --launcher torchrun -- --nproc_per_node=8 --nnodes=1`);
      // PyYAML (YAML 1.1) reads a float only with a dot before the exponent
      assert.doesNotMatch(text, /: \d+e-/);
      assert.equal(PAPER_HYPERPARAMETERS.learningRate, 1e-5);
    });
  });
});
