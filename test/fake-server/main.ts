/**
 * CLI: `npm run fake-server -- [--port 8787] [--latency 200] [--rpm 600] [--fault-rate 0.2] [--seed 1]`.
 * Runs one server until SIGINT/SIGTERM so benchmarks in other processes can point at it.
 */
import { parseArgs } from 'node:util';
import type { FakeServerOptions } from './options';
import { startFakeServer } from './server';

function numberFlag(values: Record<string, string | boolean | undefined>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`--${name} needs a number, got '${raw}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      latency: { type: 'string' },
      jitter: { type: 'string' },
      rpm: { type: 'string' },
      'fault-rate': { type: 'string' },
      seed: { type: 'string' },
      'batch-delay': { type: 'string' },
      'batch-fail-rate': { type: 'string' },
      'no-key': { type: 'boolean' },
    },
  });
  const opts: FakeServerOptions = { port: numberFlag(values, 'port') ?? 8787 };
  const set = <K extends keyof FakeServerOptions>(key: K, value: FakeServerOptions[K] | undefined): void => {
    if (value !== undefined) opts[key] = value;
  };
  set('latencyMs', numberFlag(values, 'latency'));
  set('latencyJitterMs', numberFlag(values, 'jitter'));
  set('rpmLimit', numberFlag(values, 'rpm'));
  set('faultRate', numberFlag(values, 'fault-rate'));
  set('seed', numberFlag(values, 'seed'));
  set('batchDelayMs', numberFlag(values, 'batch-delay'));
  set('batchFailRate', numberFlag(values, 'batch-fail-rate'));
  if (values['no-key']) opts.requireKey = false;

  const server = await startFakeServer(opts);
  console.log(
    `fake model server listening on ${server.url} (OpenAI baseURL ${server.openaiBaseURL}, Anthropic baseURL ${server.anthropicBaseURL})`,
  );
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
