// API keys set through "AgoraBench: Set API Key" are sent with every request that needs them and
// written nowhere: not in the workspace (configs, stores, caches, exports), not in a webview, not
// in a log. Two fresh sentinels per run: one shaped like an OpenAI key (which redaction also knows
// by its shape) and one opaque token (which only redaction of the keys in use can catch). Every
// command that reads keys runs with them — generation, metrics (embeddings), training (the
// fine-tuning API), evaluation — plus the failures that get logged or stored: a server that refuses
// the keys and quotes them back in its 401 (as OpenAI does), flaky servers whose retried errors echo
// the key (as some gateways echo request headers; the stores keep those errors and the Instances
// panel shows them) and a closed port.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Results } from '../../../src/core';
import type { EvalOutcome } from '../../../src/extension/eval/evaluateCommand';
import type { OpenInstancesResult } from '../../../src/extension/instances/openInstancesCommand';
import type { MetricsOutcome } from '../../../src/extension/metrics/metricsCommand';
import type { OpenPgrOutcome } from '../../../src/extension/pgr/openPgrCommand';
import type { RunOutcome } from '../../../src/extension/run/runOutcome';
import type { OpenScatterResult } from '../../../src/extension/scatter/openScatterCommand';
import type { ExportOutcome } from '../../../src/extension/training/exportCommand';
import type { TrainOutcome } from '../../../src/extension/training/trainCommand';
import { startFakeServer, type FakeServer } from '../../fake-server';
import { freshSentinel } from '../../support/sentinels';
import { activeExtension, until, workspaceDir, writeConfig } from '../support/fixtures';
import { describeLeaks, filesUnder, probesFor, scanFiles, scanText, type Leak } from '../support/leaks';
import { snapshot, type WebviewFrame } from '../support/snapshots';

const BENCHMARK_DATA = path.resolve(__dirname, '../../../../shared/data/benchmarks');
const KEY_ENV = 'AGORABENCH_SENTINEL_KEY';
const TOKEN_ENV = 'AGORABENCH_SENTINEL_TOKEN';
const RUN = 'it-secrets';
const FAULTS_RUN = 'it-secrets-faults';
const IG = 'instance_generation.math';

/** A loopback port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The "AgoraBench" Output channel's log file(s): `<user data>/logs/<time>/exthost<N>/agorabench.agorabench/AgoraBench.log`. */
function agoraBenchLogs(userDataDir: string): string[] {
  return filesUnder(path.join(userDataDir, 'logs')).filter((f) => path.basename(f) === 'AgoraBench.log' && path.basename(path.dirname(f)) === 'agorabench.agorabench');
}

describe('API keys stay secret', () => {
  // fresh per run, never printed: assertion messages below name them, never show them
  const key = freshSentinel('key');
  const token = freshSentinel('opaque');
  const probes = [...probesFor('the key-shaped sentinel', key), ...probesFor('the opaque sentinel', token)];
  /** Every webview frame of every snapshot taken here. */
  const frames: WebviewFrame[] = [];
  /** The panels whose content a snapshot showed. */
  const captured = new Set<string>();
  const exported: string[] = [];
  let server: FakeServer;
  let refusing: FakeServer;
  /** One flaky server per key, each with its own seeded fault sequence (so which requests fail does not depend on timing). */
  let flaky: { key: FakeServer; token: FakeServer };
  /** Per flaky generator, a slot whose stored transport errors quoted the key (redacted). */
  const echoedSlot: Record<string, number> = {};
  let file: string;
  let faultsFile: string;
  let resultsDir: string;

  const seen = (s: FakeServer) => ({ key: s.seenKeys().includes(key), token: s.seenKeys().includes(token), count: s.seenKeys().length });

  /** Snapshots (keeping every frame for the scan) until a frame's text passes `test`. */
  async function capture(label: string, test: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last: WebviewFrame[] = [];
    while (Date.now() < end) {
      last = await snapshot(label);
      frames.push(...last);
      const hit = last.find((f) => f.text !== undefined && test(f.text));
      if (hit?.text !== undefined) {
        captured.add(label.replace(/^secrets-/, ''));
        return hit.text;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`no webview frame matched within ${timeoutMs} ms; frames seen:\n${last.map((f) => `${f.url}\n${(f.text ?? f.error ?? '').slice(0, 300)}`).join('\n---\n')}`);
  }

  before(async () => {
    await activeExtension();
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    // the main server answers now and then with a 429 that quotes the request's key (retried after its short retry-after)
    server = await startFakeServer({ fineTuneMs: 100, faultRate: 0.2, faults: ['rate_limit'], retryAfterMs: 10, echoKeyInErrors: true });
    // quotes the refused key back in its 401, as OpenAI does ("Incorrect API key provided: sk-…")
    refusing = await startFakeServer({ rejectKeys: [key, token] });
    // half the requests get a 429 or a 500 whose message quotes the request's key
    const flakyServer = () => startFakeServer({ faultRate: 0.5, faults: ['rate_limit', 'server_error'], retryAfterMs: 20, seed: 7, echoKeyInErrors: true });
    flaky = { key: await flakyServer(), token: await flakyServer() };
    // model names of their own: the response cache would answer other suites' prompts without a request
    const endpoint = (id: string, provider: 'openai' | 'openai-compatible', model: string, env: string, extra: Record<string, unknown> = {}) => ({ id, provider, model, baseURL: server.openaiBaseURL, apiKeyEnv: env, ...extra });
    file = writeConfig(`${RUN}.agorabench.json`, {
      name: RUN,
      dataDir: BENCHMARK_DATA,
      generators: [endpoint('alpha', 'openai', 'secrets-alpha', KEY_ENV, { limits: { concurrency: 4 } }), endpoint('beta', 'openai-compatible', 'secrets-beta', TOKEN_ENV, { limits: { concurrency: 4 } })],
      // 12 instances: the fake fine-tuning API wants at least 10 examples per training file
      settings: [{ setting: IG, seeds: 'seeds/math.jsonl', instances: 12 }],
      metrics: { embeddings: { provider: 'openai', model: 'secrets-embed', baseURL: server.openaiBaseURL, apiKeyEnv: KEY_ENV, dimensions: 64 } },
      training: { launcher: { type: 'openai', model: 'secrets-student-base', baseURL: server.openaiBaseURL, apiKeyEnv: KEY_ENV }, pollSeconds: 0.05 },
      evaluations: [endpoint('base', 'openai', 'secrets-base', KEY_ENV, { role: 'base' }), endpoint('reference', 'openai-compatible', 'secrets-reference', TOKEN_ENV, { role: 'reference' })],
      evaluation: { benchmarks: ['gsm8k'], limit: 4 },
    });
    const fast = { concurrency: 2, maxTransportRetries: 3, retryBaseMs: 10 };
    faultsFile = writeConfig(`${FAULTS_RUN}.agorabench.json`, {
      name: FAULTS_RUN,
      generators: [
        { id: 'refused-key', provider: 'openai', model: 'secrets-refused-a', baseURL: refusing.openaiBaseURL, apiKeyEnv: KEY_ENV, limits: fast },
        { id: 'refused-token', provider: 'openai-compatible', model: 'secrets-refused-b', baseURL: refusing.openaiBaseURL, apiKeyEnv: TOKEN_ENV, limits: fast },
        { id: 'flaky-key', provider: 'openai', model: 'secrets-flaky-a', baseURL: flaky.key.openaiBaseURL, apiKeyEnv: KEY_ENV, limits: { ...fast, maxTransportRetries: 10 } },
        { id: 'flaky-token', provider: 'openai-compatible', model: 'secrets-flaky-b', baseURL: flaky.token.openaiBaseURL, apiKeyEnv: TOKEN_ENV, limits: { ...fast, maxTransportRetries: 10 } },
        { id: 'closed', provider: 'openai-compatible', model: 'secrets-closed', baseURL: `http://127.0.0.1:${await closedPort()}/v1`, apiKeyEnv: TOKEN_ENV, limits: fast },
      ],
      settings: [{ setting: IG, seeds: 'seeds/math.jsonl', instances: 4 }],
    });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await Promise.all([server?.close(), refusing?.close(), flaky?.key.close(), flaky?.token.close()]);
  });

  it('stores both sentinels with Set API Key: the command returns the names, the environment never gets the values', async () => {
    for (const [envVar, value] of [[KEY_ENV, key], [TOKEN_ENV, token]] as const) {
      const stored = await vscode.commands.executeCommand<string>('agorabench.setApiKey', { envVar, value });
      assert.equal(stored, envVar);
      assert.equal(process.env[envVar], undefined, `${envVar} is not in the environment: it must come from SecretStorage`);
    }
    assert.ok(!Object.values(process.env).some((v) => v?.includes(key) || v?.includes(token)), 'no environment variable holds a sentinel');
  });

  it('sends them with the run\'s requests', async function () {
    this.timeout(120_000);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', file);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    if (outcome.status !== 'finished') return;
    assert.equal(outcome.summary.status, 'completed');
    resultsDir = outcome.summary.resultsDir;
    assert.ok(outcome.summary.datasets.every((d) => d.valid > 0), 'every dataset has valid instances');
    assert.equal(server.stats().byStatus['401'], undefined, 'no request was refused');
    assert.deepEqual(seen(server), { key: true, token: true, count: 2 }, 'the fake server received exactly the two sentinels as API keys');
  });

  it('sends them for metrics (embeddings), training (fine-tuning API) and evaluation', async function () {
    this.timeout(180_000);
    server.reset();
    const metrics = await vscode.commands.executeCommand<MetricsOutcome>('agorabench.computeMetrics', file);
    assert.equal(metrics.status, 'computed', JSON.stringify(metrics));
    assert.ok((server.stats().scoring?.['/v1/embeddings'] ?? 0) > 0, 'embeddings were requested');
    assert.deepEqual(seen(server), { key: true, token: false, count: 1 }, 'the embeddings requests carried the key-shaped sentinel');

    server.reset();
    const trained = await vscode.commands.executeCommand<TrainOutcome>('agorabench.trainStudents', file);
    assert.equal(trained.status, 'trained', JSON.stringify(trained));
    if (trained.status === 'trained') assert.ok(trained.students.length > 0 && trained.students.every((s) => s.job?.status === 'succeeded'), JSON.stringify(trained.students.map((s) => [s.id, s.job?.status, s.error])));
    assert.ok(server.stats().fineTuning.jobs > 0, 'fine-tuning jobs were created');
    assert.deepEqual(seen(server), { key: true, token: false, count: 1 }, 'the fine-tuning requests carried the key-shaped sentinel');

    server.reset();
    const evaluated = await vscode.commands.executeCommand<EvalOutcome>('agorabench.evaluate', file);
    assert.equal(evaluated.status, 'evaluated', JSON.stringify(evaluated));
    assert.deepEqual(seen(server), { key: true, token: true, count: 2 }, 'the evaluation requests carried both sentinels');
  });

  it('exports the datasets (files scanned below)', async () => {
    // the run's generated datasets (the index also lists the evaluation's stores)
    const datasets = (await new Results(resultsDir).index.datasets(RUN)).filter((d) => d.setting === IG).map((d) => d.id).sort();
    assert.equal(datasets.length, 2);
    fs.mkdirSync(path.join(workspaceDir(), 'exports'), { recursive: true });
    for (const format of ['chat', 'jsonl'] as const) {
      const out = path.join(workspaceDir(), 'exports', `${RUN}-${format}.jsonl`);
      const outcome = await vscode.commands.executeCommand<ExportOutcome>('agorabench.exportTrainingData', { configFile: file, datasets, format, out, overwrite: true });
      assert.equal(outcome.status, 'exported', JSON.stringify(outcome));
      assert.ok(fs.statSync(out).size > 0 && fs.existsSync(`${out}.manifest.json`));
      exported.push(out, `${out}.manifest.json`);
    }
  });

  it('logs and stores the failures of a server that refuses the keys, flaky servers that echo them, and a closed port', async function () {
    this.timeout(120_000);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('agorabench.run', faultsFile);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    if (outcome.status !== 'finished') return;
    const by = new Map(outcome.summary.datasets.map((d) => [d.generator, d]));
    for (const g of ['refused-key', 'refused-token', 'closed']) assert.equal(by.get(g)?.valid, 0, `${g}: nothing valid`);
    for (const g of ['flaky-key', 'flaky-token']) assert.ok((by.get(g)?.valid ?? 0) > 0, `${g}: the flaky server answered in the end`);
    // the refusals did happen, with the sentinels in the servers' answers
    assert.ok((refusing.stats().byStatus['401'] ?? 0) > 0, 'the refusing server answered 401');
    assert.deepEqual(seen(refusing), { key: true, token: true, count: 2 }, 'the refusing server received both sentinels');
    assert.deepEqual(seen(flaky.key), { key: true, token: false, count: 1 }, 'the first flaky server received the key-shaped sentinel');
    assert.deepEqual(seen(flaky.token), { key: false, token: true, count: 1 }, 'the second flaky server received the opaque sentinel');
    // their errors quoted the keys back; the stores kept each retried error, the key redacted
    const results = new Results(outcome.summary.resultsDir);
    for (const g of ['flaky-key', 'flaky-token'] as const) {
      assert.ok(Object.values(flaky[g === 'flaky-key' ? 'key' : 'token'].stats().faults).reduce((a, b) => a + b, 0) > 0, `${g}: faults were injected`);
      const row = (await results.index.datasets(FAULTS_RUN)).find((d) => d.generator === g);
      assert.ok(row, `${g}: dataset in the index`);
      const store = await results.openDataset(row);
      try {
        const slot = store.listInstances({ limit: 100 }).find((r) => store.attemptsFor(r.slot).some((a) => a.transport.some((t) => t.includes('(request key: [redacted key])'))))?.slot;
        assert.ok(slot !== undefined, `${g}: a slot's stored transport errors hold the echoed key, redacted`);
        echoedSlot[g] = slot;
      } finally {
        await store.close();
      }
    }
  });

  it('shows the results in the Instances, Scatter and PGR panels (every frame kept for the scan)', async function () {
    this.timeout(180_000);
    const main = `${RUN}__alpha__${IG}`;
    const opened = await vscode.commands.executeCommand<OpenInstancesResult>('agorabench.openInstances', { configFile: file, datasetId: main });
    assert.equal(opened?.datasetId, main);
    await capture('secrets-instances', (t) => t.includes(`alpha · ${IG}`) && /\d+ valid/.test(t));

    // the refused generator's dataset: failed before any slot, the server's 401 (which quoted the key) as its cause
    const refused = `${FAULTS_RUN}__refused-key__${IG}`;
    await vscode.commands.executeCommand('agorabench.openInstances', { resultsDir, datasetId: refused });
    await capture('secrets-refused', (t) => t.includes(`refused-key · ${IG}`) && /failed/.test(t));
    // a slot of each flaky dataset, its detail open: the retried errors that echoed the key, the prompt as sent, the record
    for (const g of ['flaky-key', 'flaky-token']) {
      const slot = echoedSlot[g];
      assert.ok(slot !== undefined, `${g}: a slot to show`);
      await vscode.commands.executeCommand('agorabench.openInstances', { resultsDir, datasetId: `${FAULTS_RUN}__${g}__${IG}`, reveal: slot });
      await capture(`secrets-${g}-slot`, (t) => t.includes(`${g} · ${IG}`) && new RegExp(`Slot ${slot}\\b`).test(t) && t.includes('(request key: [redacted key])'));
    }

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One });
    const scatter = await vscode.commands.executeCommand<OpenScatterResult>('agorabench.openScatter', { configFile: file });
    assert.equal(scatter?.run, RUN);
    await capture('secrets-scatter', (t) => /\d+ instances · drawn in \d+ ms/.test(t) && t.includes('alpha') && t.includes('beta'));

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One });
    const pgr = await vscode.commands.executeCommand<OpenPgrOutcome>('agorabench.openPgr', { configFile: file, tab: 'grid' });
    assert.equal(pgr.status, 'opened');
    await capture('secrets-pgr', (t) => t.includes('PGR Comparison') && t.includes('alpha') && !/no evaluation scores yet/.test(t), 60_000);
    await vscode.commands.executeCommand('agorabench.openPgr', { configFile: file, tab: 'cost' });
    await capture('secrets-pgr-cost', (t) => t.includes('PGR per dollar'));
  });

  it('finds neither sentinel, whole or in part, in the workspace, the exports, the webviews or the log files', async function () {
    this.timeout(120_000);
    const userDataDir = process.env.VSHOST_USER_DATA_DIR;
    assert.ok(userDataDir && fs.existsSync(userDataDir), 'VSHOST_USER_DATA_DIR names the server\'s user data dir (set by test/vscode-host/runHostSuite.ts)');

    // the Output channel's file exists and holds what this test did, so its scan cannot pass vacuously
    const expected = [
      `stored an API key for ${KEY_ENV} in SecretStorage`,
      `stored an API key for ${TOKEN_ENV} in SecretStorage`,
      `run "${RUN}" completed`,
      'exported ',
      `run "${FAULTS_RUN}" failed`,
      // the refusing server's 401 quoted the key: logged, redacted
      'Incorrect API key provided: [redacted key]',
      'cannot reach http://127.0.0.1:',
      'transport: ',
    ];
    let logs: string[] = [];
    const missing = () => expected.filter((line) => !logs.some((f) => fs.readFileSync(f, 'utf8').includes(line)));
    try {
      await until(() => (logs = agoraBenchLogs(userDataDir)).length > 0 && missing().length === 0, 15_000, 'the AgoraBench log file', 250);
    } catch {
      assert.fail(logs.length ? `the AgoraBench log (${logs.join(', ')}) lacks ${JSON.stringify(missing())}` : `no AgoraBench.log under ${userDataDir}/logs`);
    }

    const leaks: Leak[] = [];
    const counts: Record<string, string> = {};
    /** What each scan must have covered, checked after the leaks are reported. */
    const coverage: [boolean, string][] = [];

    // 1. the workspace folder: configs, seeds, the results folder (sqlite stores, index, journals, response cache, training files), exports
    const workspaceFiles = filesUnder(workspaceDir());
    const ws = scanFiles(workspaceFiles, probes);
    leaks.push(...ws.leaks);
    const stores = workspaceFiles.filter((f) => /\.(sqlite|db)$/.test(f));
    coverage.push([stores.length >= 7, `the stores were scanned (${stores.length} sqlite files)`]);
    // the servers' echoes of the keys did reach the files, redacted (the flaky stores at least)
    const echoes = workspaceFiles.filter((f) => fs.existsSync(f) && fs.readFileSync(f).includes('(request key: [redacted key])'));
    coverage.push([echoes.length >= 2, `files holding a redacted echo of a key: ${echoes.length}`]);
    counts.workspace = `${ws.scanned} files (${stores.length} sqlite; ${echoes.length} with a redacted echo of a key), ${ws.bytes} bytes`;

    // 2. the exported files (inside the workspace, checked on their own so a move cannot drop them)
    const ex = scanFiles(exported, probes);
    leaks.push(...ex.leaks);
    coverage.push([ex.scanned === 4, `two exports and their manifests were scanned (${ex.scanned} files)`]);
    counts.exports = `${ex.scanned} files`;

    // 3. every webview frame seen (outer host frames and the panels' documents): text and full HTML
    const read = frames.filter((f) => f.html !== undefined);
    for (const [i, f] of read.entries()) {
      leaks.push(...scanText(`webview frame ${i} html (${f.url.slice(0, 80)})`, f.html ?? '', probes));
      leaks.push(...scanText(`webview frame ${i} text (${f.url.slice(0, 80)})`, f.text ?? '', probes));
    }
    const panels = ['flaky-key-slot', 'flaky-token-slot', 'instances', 'pgr', 'pgr-cost', 'refused', 'scatter'];
    coverage.push([panels.every((p) => captured.has(p)), `every panel was read with its content (read: ${[...captured].sort().join(', ')})`]);
    counts.webviews = `${read.length} frames (${frames.length - read.length} unreadable)`;

    // 4. the server's user data dir: logs/ (every Output channel and the extension host's own log),
    // server.log, and the profile's files on the server side. SecretStorage, the one place the keys
    // are meant to be, is not in it: in this host (code-server's web workbench, no
    // secretStorageProvider) it is kept in memory in the browser page; desktop VS Code would keep it
    // encrypted in User/globalStorage/state.vscdb. So nothing is left out of this scan.
    const userFiles = filesUnder(userDataDir);
    const ud = scanFiles(userFiles, probes);
    leaks.push(...ud.leaks);
    counts.userData = `${ud.scanned} files (${userFiles.filter((f) => f.endsWith('.log')).length} logs, ${logs.length} AgoraBench.log), ${ud.bytes} bytes`;

    console.log(`      scanned: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join('; ')}`);
    assert.equal(leaks.length, 0, `sentinel found:\n${describeLeaks(leaks)}`);
    for (const [ok, what] of coverage) assert.ok(ok, what);
  });
});
