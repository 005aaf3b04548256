// The Metric Scatter panel's built bundle in a real browser, with a fake host: handshake, axes and
// points requests, legend and colouring, click-to-reveal, box selection, exports, the empty state,
// 100K points (render time printed, not asserted), state restore, themes (screenshots) and CSP.
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { AxesResult, HostMessage, PointGroup, PointsQuery, PointsResult, RequestMessage, WebviewMessage } from '../../src/protocol/scatterProtocol';
import { launchBrowser, openPanel, type PanelPage } from './harness';

const GENERATORS = ['claude', 'gemini', 'gpt'];
const SETTINGS = ['instance_generation.math', 'response_generation.code'];
const X = 'quality@judge-model#agb-rubric-1';
const Y = 'instruction_words@lexical';
const Z = 'reward@rm';

const AXES: AxesResult = {
  instance: [
    { key: Y, label: 'instruction_words @ lexical', n: 120, datasets: 6 },
    { key: X, label: 'quality @ judge-model', n: 120, datasets: 6 },
    { key: Z, label: 'reward @ rm', n: 120, datasets: 6 },
  ],
  dataset: [
    { key: X, label: 'quality @ judge-model', n: 6, datasets: 6 },
    { key: 'column:costUsd', label: 'dataset costUsd', n: 6, datasets: 6 },
  ],
  datasetCount: 6,
};

const dsId = (g: string, s: string) => `run__${g}__${s}`;

/** Deterministic values (x in [0, 0.8), y rising with x, shifted per generator); slot 7 of gpt/math sits alone at (0.95, 0.95). */
function groups(perDataset = 20): PointGroup[] {
  let seed = 42;
  const rnd = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: PointGroup[] = [];
  GENERATORS.forEach((g, gi) => {
    for (const s of SETTINGS) {
      const slots = Array.from({ length: perDataset }, (_, i) => i);
      const x = slots.map(() => rnd() * 0.8);
      const y = x.map((v) => Math.min(0.85, Math.max(0, 0.1 + 0.5 * v + gi * 0.12 + (rnd() - 0.5) * 0.25)));
      if (g === 'gpt' && s === SETTINGS[0]) {
        x[7] = 0.95;
        y[7] = 0.95;
      }
      if (g === 'claude' && s === SETTINGS[1]) {
        x[3] = 0.9;
        y[3] = 0.92;
      }
      out.push({ datasetId: dsId(g, s), generator: g, setting: s, slots, x, y });
    }
  });
  return out;
}

function result(q: PointsQuery, gs: PointGroup[]): PointsResult {
  return { ...q, groups: gs, total: gs.reduce((n, g) => n + g.x.length, 0), truncated: 0 };
}

type Req<M extends RequestMessage['method']> = Extract<RequestMessage, { method: M }>;
const isReq =
  <M extends RequestMessage['method']>(method: M) =>
  (m: WebviewMessage): m is Req<M> =>
    m.type === 'request' && m.method === method;

async function nextRequest<M extends RequestMessage['method']>(p: PanelPage, method: M, from = 0): Promise<Req<M>> {
  return p.waitForPost<WebviewMessage>(isReq(method), from) as Promise<Req<M>>;
}

async function respond<M extends RequestMessage['method']>(p: PanelPage, req: Req<M>, result: unknown): Promise<void> {
  await p.send({ type: 'response', id: req.id, method: req.method, ok: true, result } as HostMessage);
}

/** Plays the host's handshake: ready → init → axes → points; returns the points request. */
async function start(p: PanelPage, axes: AxesResult = AXES, gs: PointGroup[] = groups()): Promise<Req<'points'>> {
  await p.waitForPost<WebviewMessage>((m) => m.type === 'ready');
  await p.send({ type: 'init', resultsDir: '/ws/.agorabench', run: 'run' } satisfies HostMessage);
  await respond(p, await nextRequest(p, 'axes'), axes);
  if (!axes.instance.length) return undefined as unknown as Req<'points'>;
  const req = await nextRequest(p, 'points');
  await respond(p, req, result(req.params, gs));
  await p.page.locator('#message', { hasText: 'drawn in' }).waitFor();
  return req;
}

const legendNames = (p: PanelPage) => p.page.locator('#legend .name').allTextContents();

async function pointAt(p: PanelPage, datasetId: string, slot: number): Promise<{ x: number; y: number }> {
  // browser code as a string: this file is type-checked without the DOM library
  const pt = await p.page.evaluate<{ x: number; y: number } | undefined>(`window.agorabenchScatter.pagePointOf(${JSON.stringify(datasetId)}, ${slot})`);
  assert.ok(pt, `point ${datasetId}#${slot} is on the chart`);
  return pt;
}

async function clean(p: PanelPage): Promise<void> {
  assert.deepEqual(await p.violations(), [], 'no CSP violations');
  assert.deepEqual(p.foreignRequests, [], 'no requests outside the webview origin');
}

describe('Metric Scatter webview (chromium)', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser.close());

  it('plots the points of the first two metrics, with a legend of generators and a summary table', async () => {
    const p = await openPanel(browser, { panel: 'scatter', theme: 'light' });
    const req = await start(p);
    assert.deepEqual(req.params, { level: 'instance', x: Y, y: X });
    assert.deepEqual(await legendNames(p), GENERATORS);
    assert.deepEqual(await p.page.locator('#legend .count').allTextContents(), ['40', '40', '40']);
    const label = await p.page.locator('#chart').getAttribute('aria-label');
    assert.match(label ?? '', /quality @ judge-model against instruction_words @ lexical, 120 instances, coloured by generator/);
    const rows = await p.page.locator('#summary tbody tr').allTextContents();
    assert.equal(rows.length, 3);
    assert.match(rows[0] ?? '', /^claude40/);
    assert.match(await p.page.locator('#message').innerText(), /120 instances · drawn in \d+ ms/);
    const state = (await p.state()) as Record<string, unknown>;
    assert.equal(state.resultsDir, '/ws/.agorabench');
    assert.equal(state.x, Y);
    console.log(`      screenshot: ${await p.screenshot('scatter-light')}`);
    await clean(p);
    await p.page.close();
  });

  it('asks for new points when an axis changes, and colours by setting on request', async () => {
    const p = await openPanel(browser, { panel: 'scatter' });
    await start(p);
    const from = (await p.posted()).length;
    await p.page.selectOption('#x-axis', Z);
    const req = await nextRequest(p, 'points', from);
    assert.deepEqual(req.params, { level: 'instance', x: Z, y: X });
    await respond(p, req, result(req.params, groups()));
    await p.page.selectOption('#colour-by', 'setting');
    await p.page.locator('#legend .name', { hasText: SETTINGS[1] as string }).waitFor();
    assert.deepEqual(await legendNames(p), SETTINGS);
    assert.deepEqual(await p.page.locator('#legend .count').allTextContents(), ['60', '60']);
    assert.equal(((await p.state()) as { colourBy: string }).colourBy, 'setting');
    // a legend entry hides its group
    await p.page.locator('#legend button').first().click();
    assert.equal(await p.page.locator('#legend button').first().getAttribute('aria-pressed'), 'false');
    await clean(p);
    await p.page.close();
  });

  it('reveals a clicked point in the Instances panel (dataset and slot)', async () => {
    const p = await openPanel(browser, { panel: 'scatter' });
    await start(p);
    const pt = await pointAt(p, dsId('gpt', SETTINGS[0] as string), 7);
    const from = (await p.posted()).length;
    await p.page.mouse.click(pt.x, pt.y);
    const req = await nextRequest(p, 'reveal', from);
    assert.deepEqual(req.params, { datasetId: dsId('gpt', SETTINGS[0] as string), slot: 7 });
    await clean(p);
    await p.page.close();
  });

  it('selects the points inside a dragged box and shows them in Instances, one part per dataset', async () => {
    const p = await openPanel(browser, { panel: 'scatter' });
    await start(p);
    await p.page.click('#mode-select');
    assert.equal(await p.page.locator('#mode-select').getAttribute('aria-pressed'), 'true');
    const a = await pointAt(p, dsId('gpt', SETTINGS[0] as string), 7); // (0.95, 0.95)
    const b = await pointAt(p, dsId('claude', SETTINGS[1] as string), 3); // (0.90, 0.92)
    // a box from just outside the upper right point to just inside the lower left one's corner
    await p.page.mouse.move(Math.max(a.x, b.x) + 8, Math.min(a.y, b.y) - 8);
    await p.page.mouse.down();
    await p.page.mouse.move(Math.min(a.x, b.x) - 6, Math.max(a.y, b.y) + 6, { steps: 5 });
    await p.page.mouse.up();
    await p.page.locator('#selection-count', { hasText: '2 instances selected in 2 datasets' }).waitFor();
    assert.equal(await p.page.locator('#show-selection').innerText(), 'Show 2 in Instances');
    const from = (await p.posted()).length;
    await p.page.click('#show-selection');
    const req = await nextRequest(p, 'showSelection', from);
    const parts = [...req.params.parts].sort((x, y) => x.datasetId.localeCompare(y.datasetId));
    assert.deepEqual(parts, [
      { datasetId: dsId('claude', SETTINGS[1] as string), slots: [3] },
      { datasetId: dsId('gpt', SETTINGS[0] as string), slots: [7] },
    ]);
    assert.equal((await p.posted()).slice(from).filter((m) => (m as WebviewMessage).type === 'request' && (m as RequestMessage).method === 'reveal').length, 0, 'the drag did not reveal a point');
    // the same selection annotated as bad in one request (the host asks the reason once)
    assert.equal(await p.page.locator('#mark-selection-bad').innerText(), 'Mark 2 bad…');
    const before = (await p.posted()).length;
    await p.page.click('#mark-selection-bad');
    const mark = await nextRequest(p, 'markSelectionBad', before);
    assert.deepEqual([...mark.params.parts].sort((x, y) => x.datasetId.localeCompare(y.datasetId)), parts);
    await p.page.click('#clear-selection');
    assert.equal(await p.page.locator('#selection').isHidden(), true);
    await clean(p);
    await p.page.close();
  });

  it('exports a PNG data URL and asks the host for a CSV of the current points', async () => {
    const p = await openPanel(browser, { panel: 'scatter' });
    await start(p);
    let from = (await p.posted()).length;
    await p.page.click('#export-png');
    const png = await nextRequest(p, 'exportPng', from);
    assert.ok(png.params.dataUrl.startsWith('data:image/png;base64,'), png.params.dataUrl.slice(0, 40));
    assert.ok(png.params.dataUrl.length > 5000, 'a real image');
    await respond(p, png, { file: '/ws/scatter.png' });
    await p.page.locator('#message', { hasText: 'Saved /ws/scatter.png' }).waitFor();
    from = (await p.posted()).length;
    await p.page.click('#export-csv');
    const csv = await nextRequest(p, 'exportCsv', from);
    assert.deepEqual(csv.params, { level: 'instance', x: Y, y: X });
    await respond(p, csv, { file: '/ws/scatter.csv', rows: 120 });
    await p.page.locator('#message', { hasText: 'Saved 120 rows to /ws/scatter.csv' }).waitFor();
    await clean(p);
    await p.page.close();
  });

  it('says which command computes metrics when there are none', async () => {
    const p = await openPanel(browser, { panel: 'scatter' });
    await start(p, { instance: [], dataset: [], datasetCount: 6 });
    const text = await p.page.locator('#empty').innerText();
    assert.match(text, /No instance metrics for this run yet/);
    assert.match(text, /Run AgoraBench: Compute Metrics \(agorabench metrics\)/);
    assert.equal(await p.page.locator('.chart-wrap').isHidden(), true);
    assert.equal((await p.posted()).filter((m) => (m as RequestMessage).method === 'points').length, 0);
    await clean(p);
    await p.page.close();
  });

  it('restores level, axes and colouring from saved state, and re-reads on dataChanged', async () => {
    const initialState = { resultsDir: '/ws/.agorabench', run: 'run', level: 'dataset', x: 'column:costUsd', y: X, colourBy: 'setting', mode: 'select' };
    const p = await openPanel(browser, { panel: 'scatter', initialState });
    await p.waitForPost<WebviewMessage>((m) => m.type === 'ready');
    await p.send({ type: 'init', resultsDir: '/ws/.agorabench', run: 'run' } satisfies HostMessage);
    await respond(p, await nextRequest(p, 'axes'), AXES);
    const req = await nextRequest(p, 'points');
    assert.deepEqual(req.params, { level: 'dataset', x: 'column:costUsd', y: X });
    const perDataset = groups(1).map((g, i) => ({ ...g, slots: [], x: [0.01 * (i + 1)], y: [0.5 + i / 20] }));
    await respond(p, req, result(req.params, perDataset));
    await p.page.locator('#message', { hasText: '6 datasets' }).waitFor();
    assert.deepEqual(await legendNames(p), SETTINGS);
    assert.equal(await p.page.locator('#level').inputValue(), 'dataset');
    assert.equal(await p.page.locator('#mode-select').getAttribute('aria-pressed'), 'true');
    const from = (await p.posted()).length;
    await p.send({ type: 'dataChanged' } satisfies HostMessage);
    await respond(p, await nextRequest(p, 'axes', from), AXES);
    const again = await nextRequest(p, 'points', from);
    assert.deepEqual(again.params, req.params);
    await clean(p);
    await p.page.close();
  });

  for (const theme of ['dark', 'high-contrast'] as const) {
    it(`renders in the ${theme} theme`, async () => {
      const p = await openPanel(browser, { panel: 'scatter', theme });
      await start(p);
      const fg = await p.page.evaluate<string>('getComputedStyle(document.body).color');
      assert.notEqual(fg, 'rgb(0, 0, 0)', 'text follows the theme');
      console.log(`      screenshot: ${await p.screenshot(`scatter-${theme}`)}`);
      await clean(p);
      await p.page.close();
    });
  }

  it('draws 100K points and stays clickable', async () => {
    const p = await openPanel(browser, { panel: 'scatter' });
    await p.waitForPost<WebviewMessage>((m) => m.type === 'ready');
    await p.send({ type: 'init', resultsDir: '/ws/.agorabench', run: 'run' } satisfies HostMessage);
    await respond(p, await nextRequest(p, 'axes'), AXES);
    const req = await nextRequest(p, 'points');
    const big = groups(Math.ceil(100_000 / 6));
    const t0 = Date.now();
    await respond(p, req, result(req.params, big));
    await p.page.locator('#message', { hasText: 'drawn in' }).waitFor();
    const wall = Date.now() - t0;
    const renderMs = await p.page.evaluate<number>('window.agorabenchScatter.renderMs()');
    const total = big.reduce((n, g) => n + g.x.length, 0);
    const redraws: number[] = [];
    for (let i = 0; i < 3; i++) redraws.push(await p.page.evaluate<number>('window.agorabenchScatter.redrawMs()'));
    console.log(`      ${total} points: chart built and drawn in ${renderMs.toFixed(0)} ms in the page; ${wall} ms from posting the points to the status line; a redraw (zoom/pan frame) ${redraws.map((r) => r.toFixed(0)).join(' / ')} ms`);
    assert.match(await p.page.locator('#message').innerText(), /100,002 instances/);
    // a wheel zoom and a click still work
    const pt = await pointAt(p, dsId('gpt', SETTINGS[0] as string), 7);
    const t1 = Date.now();
    await p.page.mouse.move(pt.x - 200, pt.y + 200);
    await p.page.mouse.wheel(0, -200);
    console.log(`      wheel zoom at 100K points: ${Date.now() - t1} ms round trip`);
    await p.page.click('#reset-zoom');
    const from = (await p.posted()).length;
    await p.page.mouse.click(pt.x, pt.y);
    const reveal = await nextRequest(p, 'reveal', from);
    assert.deepEqual(reveal.params, { datasetId: dsId('gpt', SETTINGS[0] as string), slot: 7 });
    // box selection on the fast path
    await p.page.click('#mode-select');
    const b = await pointAt(p, dsId('claude', SETTINGS[1] as string), 3);
    await p.page.mouse.move(pt.x + 8, pt.y - 8);
    await p.page.mouse.down();
    await p.page.mouse.move(b.x - 6, b.y + 6, { steps: 5 });
    await p.page.mouse.up();
    await p.page.locator('#selection-count', { hasText: '2 instances selected in 2 datasets' }).waitFor();
    await p.screenshot('scatter-100k');
    await clean(p);
    await p.page.close();
  });
});
