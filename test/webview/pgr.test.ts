// The PGR Comparison panel's built bundle in headless chromium with a fake host: grid values and
// best/second-best marks, the paper overlay in the chart, missing-part messages, PNG and CSV
// export requests, keyboard tabs, state restore, the CSP, and a screenshot per theme.
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { PgrDataView, PgrGeneratorView, PgrHostMessage, PgrPanelState, PgrWebviewMessage } from '../../src/protocol/pgrProtocol';
import { PAPER_TABLE2, PGR_COLUMNS } from '../../src/core/pgr';
import { launchBrowser, openPanel, type PanelPage } from './harness';

type Request = Extract<PgrWebviewMessage, { type: 'request' }>;
const CONFIG = '/ws/demo.agorabench.json';

/** A deterministic PGR per generator and column (varied so every column has a clear best and second best). */
function value(g: number, k: number): number {
  return Math.round((10 + 7 * g + ((k * 13 + g * 29) % 23) - 8 * ((g + k) % 3)) * 10) / 10;
}

function generator(id: string, model: string, g: number, paperRow?: string): PgrGeneratorView {
  const cells = PGR_COLUMNS.map((column, k) => {
    const pgr = column.endsWith('.avg') ? null : value(g, k);
    return { column, pgr, ci95: pgr === null ? null : ([pgr - 4 - g, pgr + 3 + g] as [number, number]), interval: 'items', costUsd: 0.5 + g, ...(column.endsWith('.avg') ? {} : { badRate: g / 100 }), notes: [] };
  });
  // method averages: mean of the three settings
  for (let m = 0; m < 3; m++) {
    const vals = cells.slice(m * 4, m * 4 + 3).map((c) => c.pgr as number);
    const avg = vals.reduce((s, v) => s + v, 0) / 3;
    const cell = cells[m * 4 + 3];
    if (cell) {
      cell.pgr = avg;
      cell.ci95 = [avg - 3, avg + 3];
    }
  }
  const settingValues = cells.filter((c) => !c.column.endsWith('.avg')).map((c) => c.pgr as number);
  const avgPgr = settingValues.reduce((s, v) => s + v, 0) / settingValues.length;
  const costUsd = 1.25 * (g + 1) * (g + 1);
  return { id, model, ...(paperRow ? { paperRow } : {}), costUsd, datasets: 9, avgPgr, avgOver: 9, pgrPerDollar: avgPgr / costUsd, bad: 3 * g, badRate: g === 2 ? null : (3 * g) / 900, cells };
}

const DATA: PgrDataView = {
  configFile: CONFIG,
  run: 'demo',
  resultsDir: '/ws/.agorabench',
  columns: [...PGR_COLUMNS],
  generators: [generator('gpt4o', 'gpt-4o-2024-08-06', 0, 'GPT-4o'), generator('sonnet', 'claude-3-5-sonnet-20240620', 1, 'Claude-3.5-Sonnet'), generator('local', 'my-local-model', 2)],
  paper: { columns: [...PAPER_TABLE2.columns], rows: PAPER_TABLE2.rows.map((r) => ({ generator: r.generator, values: [...r.values] })) },
  analysis: {
    target: 'pgr',
    pca: {
      features: ['instruction_difficulty', 'response_quality', 'response_perplexity'],
      components: ['PC1', 'PC2', 'PC3'],
      explainedVarianceRatio: [0.55, 0.3, 0.15],
      cumulativeVarianceRatio: [0.55, 0.85, 1],
      loadings: [
        [0.6, 0.1, -0.2],
        [0.5, -0.7, 0.3],
        [-0.4, 0.2, 0.9],
      ],
      rows: 27,
    },
    correlations: [
      { variable: 'response_quality', kind: 'feature', n: 27, pearson: { r: 0.61, p: 0.0007 }, spearman: { r: 0.55, p: 0.003 } },
      { variable: 'response_perplexity', kind: 'feature', n: 27, pearson: { r: -0.12, p: 0.55 }, spearman: { r: -0.1, p: 0.62 } },
      { variable: 'PC1', kind: 'component', n: 27, pearson: { r: 0.44, p: 0.021 }, spearman: { r: 0.4, p: 0.04 } },
    ],
    warnings: [],
  },
  missing: [],
  notes: ['gsm8k: the models were scored on different item sets'],
  rounds: 1000,
  computedAt: '2026-11-30T01:00:00.000Z',
  computeMs: 812,
};

const NO_SCORES: PgrDataView = {
  ...DATA,
  generators: DATA.generators.map((g) => ({ ...g, avgPgr: null, avgOver: 0, pgrPerDollar: null, cells: g.cells.map((c) => ({ ...c, pgr: null, ci95: null, interval: 'none' })) })),
  analysis: null,
  missing: [
    { part: 'scores', message: 'no evaluation scores yet: run AgoraBench: Evaluate Models (agorabench eval)', command: 'agorabench.evaluate', commandLabel: 'AgoraBench: Evaluate Models (agorabench eval)' },
    { part: 'metrics', message: 'no metrics yet: run AgoraBench: Compute Metrics (agorabench metrics)', command: 'agorabench.computeMetrics', commandLabel: 'AgoraBench: Compute Metrics (agorabench metrics)' },
  ],
  notes: [],
  rounds: 0,
};

const isRequest =
  <M extends Request['method']>(method: M) =>
  (m: PgrWebviewMessage): m is Extract<Request, { method: M }> =>
    m.type === 'request' && m.method === method;

/** Plays the host: ready → init, then answers the first data request. */
async function open(browser: Browser, o: { data?: PgrDataView; theme?: 'light' | 'dark' | 'high-contrast'; initialState?: unknown } = {}): Promise<PanelPage> {
  const p = await openPanel(browser, { panel: 'pgr', theme: o.theme, initialState: o.initialState, viewport: { width: 1200, height: 900 } });
  await p.waitForPost<PgrWebviewMessage>((m) => m.type === 'ready');
  await p.send({ type: 'init', configFile: CONFIG, title: 'PGR: demo' } satisfies PgrHostMessage);
  const req = await p.waitForPost<PgrWebviewMessage>(isRequest('data'));
  await p.send({ type: 'response', id: (req as Request).id, method: 'data', ok: true, result: o.data ?? DATA } satisfies PgrHostMessage);
  await p.page.locator('table.grid tbody tr').first().waitFor({ state: 'attached' });
  return p;
}

/** Best and second-best generator per column, computed here from the data (ties share a rank). */
function expectedRanks(data: PgrDataView): Map<string, Map<string, 1 | 2>> {
  const out = new Map<string, Map<string, 1 | 2>>();
  data.columns.forEach((column, k) => {
    const vals = data.generators.map((g) => g.cells[k]?.pgr ?? null);
    const sorted = [...new Set(vals.filter((v): v is number => v !== null))].sort((a, b) => b - a);
    const m = new Map<string, 1 | 2>();
    data.generators.forEach((g, i) => {
      if (vals[i] === sorted[0]) m.set(g.id, 1);
      else if (vals[i] === sorted[1]) m.set(g.id, 2);
    });
    out.set(column, m);
  });
  return out;
}

const chartDatasets = async (p: PanelPage, id = 'chart-pgr'): Promise<string[]> => JSON.parse((await p.page.locator(`#${id}`).getAttribute('data-datasets')) ?? '[]') as string[];

async function assertClean(p: PanelPage): Promise<void> {
  assert.deepEqual(await p.violations(), [], 'no CSP violations');
  assert.deepEqual(p.foreignRequests, [], 'no requests outside the webview origin');
}

describe('PGR Comparison webview (chromium)', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser.close());

  it('shows every value in the grid with best bold and second best underlined (and said in words)', async () => {
    const p = await open(browser);
    await p.page.getByRole('tab', { name: 'Table 2 grid' }).click();
    const ranks = expectedRanks(DATA);
    for (const g of DATA.generators) {
      for (const c of g.cells) {
        const cell = p.page.locator(`table.grid tr[data-generator="${g.id}"] td[data-column="${c.column}"]`);
        const text = (await cell.textContent()) ?? '';
        const r = ranks.get(c.column)?.get(g.id);
        assert.equal(text, `${(c.pgr as number).toFixed(1)}${r === 1 ? ' (best)' : r === 2 ? ' (second best)' : ''}`, `${g.id} ${c.column}`);
        assert.equal(await cell.locator('strong').count(), r === 1 ? 1 : 0, `bold ${g.id} ${c.column}`);
        assert.equal(await cell.locator('u').count(), r === 2 ? 1 : 0, `underline ${g.id} ${c.column}`);
        const title = (await cell.getAttribute('title')) ?? '';
        assert.ok(title.includes(`[${c.ci95?.[0].toFixed(1)}, ${c.ci95?.[1].toFixed(1)}]`), `interval in the title: ${title}`);
      }
    }
    // the paper's rows appear under matching generators when asked for, and go away again
    assert.equal(await p.page.locator('tr.paper-row').count(), 0);
    await p.page.getByLabel(/Paper rows/).check();
    assert.equal(await p.page.locator('tr.paper-row[data-paper="GPT-4o"] td[data-column="instance_generation.code"]').textContent(), '73.6');
    assert.equal(await p.page.locator('tr[data-generator="gpt4o"] + tr.paper-row').getAttribute('data-paper'), 'GPT-4o');
    assert.equal(await p.page.locator('tr.paper-row').count(), PAPER_TABLE2.rows.length, 'two under their generators, the other four at the end');
    await p.page.getByLabel(/Paper rows/).uncheck();
    assert.equal(await p.page.locator('tr.paper-row').count(), 0);
    await p.screenshot('pgr-grid-light');
    await assertClean(p);
    await p.page.close();
  });

  it('adds and removes the paper datasets with the overlay toggle', async () => {
    const p = await open(browser);
    assert.deepEqual(await chartDatasets(p), ['gpt4o', 'sonnet', 'local']);
    await p.page.getByLabel(/Paper overlay/).check();
    assert.deepEqual(await chartDatasets(p), ['gpt4o', 'GPT-4o (paper)', 'sonnet', 'Claude-3.5-Sonnet (paper)', 'local'], 'only generators whose model matches a paper row');
    assert.equal(((await p.state()) as PgrPanelState).overlay, true);
    await p.page.getByLabel(/Paper overlay/).uncheck();
    assert.deepEqual(await chartDatasets(p), ['gpt4o', 'sonnet', 'local']);
    await assertClean(p);
    await p.page.close();
  });

  it('says what is missing and which command produces it, and runs that command on request', async () => {
    const p = await open(browser, { data: NO_SCORES });
    const notices = p.page.locator('.notices .notice');
    assert.equal(await notices.count(), 2);
    assert.match((await p.page.locator('.notice[data-part="scores"]').textContent()) ?? '', /no evaluation scores yet: run AgoraBench: Evaluate Models \(agorabench eval\)/);
    assert.match((await p.page.locator('.notice[data-part="metrics"]').textContent()) ?? '', /Compute Metrics/);
    assert.equal(await p.page.locator('#chart-pgr').count(), 0, 'no chart without PGR');
    const from = (await p.posted()).length;
    await p.page.getByRole('button', { name: /Run AgoraBench: Evaluate Models/ }).click();
    const req = await p.waitForPost<PgrWebviewMessage>(isRequest('runCommand'), from);
    assert.deepEqual((req as Extract<Request, { method: 'runCommand' }>).params, { command: 'agorabench.evaluate' });
    // the grid still lists the generators, with dashes
    await p.page.getByRole('tab', { name: 'Table 2 grid' }).click();
    assert.equal(await p.page.locator('tr[data-generator="local"] td[data-column="instance_generation.math"]').textContent(), '—');
    await p.page.getByRole('tab', { name: 'Analysis' }).click();
    assert.match((await p.page.locator('#panel-analysis').textContent()) ?? '', /No metric analysis yet/);
    await assertClean(p);
    await p.page.close();
  });

  it('exports the chart as a PNG data URL and asks the host for the CSV', async () => {
    const p = await open(browser);
    let from = (await p.posted()).length;
    await p.page.locator('#export-png').click();
    const png = (await p.waitForPost<PgrWebviewMessage>(isRequest('exportPng'), from)) as Extract<Request, { method: 'exportPng' }>;
    assert.equal(png.params.chart, 'pgr');
    assert.match(png.params.dataUrl, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    assert.ok(png.params.dataUrl.length > 5000, 'a real picture');
    // the theme's background is painted under the chart, so the exported picture is readable anywhere
    assert.equal(await p.page.evaluate<number>("document.getElementById('chart-pgr').getContext('2d').getImageData(1, 1, 1, 1).data[3]"), 255);
    await p.send({ type: 'response', id: png.id, method: 'exportPng', ok: true, result: { file: '/ws/demo-pgr.png', bytes: 1234 } } satisfies PgrHostMessage);
    await p.page.getByText('Saved /ws/demo-pgr.png').waitFor();

    await p.page.getByRole('tab', { name: 'Table 2 grid' }).click();
    assert.equal(await p.page.locator('#export-png').isDisabled(), true, 'the grid has no chart');
    from = (await p.posted()).length;
    await p.page.locator('#export-csv').click();
    const csv = (await p.waitForPost<PgrWebviewMessage>(isRequest('exportCsv'), from)) as Extract<Request, { method: 'exportCsv' }>;
    assert.deepEqual(csv.params, { paper: false });
    await p.send({ type: 'response', id: csv.id, method: 'exportCsv', ok: false, error: 'disk full' } satisfies PgrHostMessage);
    await p.page.getByText('Export failed: disk full').waitFor();

    await p.page.getByRole('tab', { name: 'Cost' }).click();
    from = (await p.posted()).length;
    await p.page.locator('#export-png').click();
    const cost = (await p.waitForPost<PgrWebviewMessage>(isRequest('exportPng'), from)) as Extract<Request, { method: 'exportPng' }>;
    assert.equal(cost.params.chart, 'cost');
    await assertClean(p);
    await p.page.close();
  });

  it('moves between tabs with the arrow keys, Home and End, and restores tab and toggles after a reload', async () => {
    const p = await open(browser);
    const selected = () => p.page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-tab');
    const focused = () => p.page.evaluate<string | null>('document.activeElement && document.activeElement.getAttribute("data-tab")');
    assert.equal(await selected(), 'chart');
    await p.page.getByRole('tab', { name: 'Chart' }).focus();
    await p.page.keyboard.press('ArrowRight');
    assert.equal(await selected(), 'grid');
    assert.equal(await focused(), 'grid');
    assert.equal(await p.page.locator('#panel-grid').isVisible(), true);
    assert.equal(await p.page.locator('#panel-chart').isVisible(), false);
    await p.page.keyboard.press('End');
    assert.equal(await selected(), 'analysis');
    await p.page.keyboard.press('ArrowRight');
    assert.equal(await selected(), 'chart', 'wraps around');
    await p.page.keyboard.press('ArrowLeft');
    assert.equal(await selected(), 'analysis');
    // the analysis: explained variance chart, loadings, significance marked
    assert.deepEqual(await chartDatasets(p, 'chart-pca'), ['explained variance (%)']);
    assert.match((await p.page.locator('table.loadings').textContent()) ?? '', /PC1 \(55\.0 %\)/);
    assert.match((await p.page.locator('table.correlations tr[data-variable="response_quality"]').textContent()) ?? '', /0\.610.*< 0\.001 \* \(significant at 0\.05\)/);
    assert.doesNotMatch((await p.page.locator('table.correlations tr[data-variable="response_perplexity"]').textContent()) ?? '', /significant/);
    await p.page.keyboard.press('Home');
    await p.page.keyboard.press('ArrowRight');
    await p.page.getByLabel(/Paper rows/).check();
    const state = (await p.state()) as PgrPanelState;
    assert.deepEqual(state, { version: 1, configFile: CONFIG, tab: 'grid', overlay: false, paperRows: true });
    await p.page.close();

    // a "reload": a new page whose getState() returns what the first one saved
    const again = await open(browser, { initialState: state });
    assert.equal(await again.page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-tab'), 'grid');
    assert.equal(await again.page.getByLabel(/Paper rows/).isChecked(), true);
    assert.ok((await again.page.locator('tr.paper-row').count()) > 0);
    await again.page.close();

    // state from an older version (no tab or toggles) still opens, with defaults
    const old = await open(browser, { initialState: { configFile: CONFIG, tab: 'gone' } });
    assert.equal(await old.page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-tab'), 'chart');
    await assertClean(old);
    await old.page.close();
  });

  it('asks for the data again when the host says it changed', async () => {
    const p = await open(browser, { data: NO_SCORES });
    const from = (await p.posted()).length;
    await p.send({ type: 'dataChanged' } satisfies PgrHostMessage);
    const req = (await p.waitForPost<PgrWebviewMessage>(isRequest('data'), from)) as Request;
    await p.send({ type: 'response', id: req.id, method: 'data', ok: true, result: DATA } satisfies PgrHostMessage);
    await p.page.locator('#chart-pgr').waitFor();
    assert.equal(await p.page.locator('.notices .notice').count(), 0);
    // the host can switch tabs (the command was given one)
    await p.send({ type: 'selectTab', tab: 'cost' } satisfies PgrHostMessage);
    await p.page.locator('#panel-cost').waitFor();
    assert.equal(((await p.state()) as PgrPanelState).tab, 'cost');
    assert.deepEqual(await chartDatasets(p, 'chart-cost'), ['gpt4o', 'sonnet', 'local']);
    assert.equal(await p.page.locator('table.costs tr[data-generator="gpt4o"] td[data-rank="1"]').count(), 1, 'the cheapest PGR is marked best per dollar');
    // the share of bad samples per generator (annotations), '—' when it has no valid instance; per setting in the grid's cell titles
    assert.match((await p.page.locator('table.grid tr[data-generator="sonnet"] td[data-column="instance_generation.math"]').getAttribute('title')) ?? '', /1\.0 % of its data annotated bad/);
    assert.deepEqual(await p.page.locator('table.costs td[data-column="bad"]').allInnerTexts(), ['0.0 %', '0.3 %', '—']);
    await p.page.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`renders readably in the ${theme} theme (screenshot)`, async () => {
      const p = await open(browser, { theme, initialState: { version: 1, configFile: CONFIG, tab: 'chart', overlay: true, paperRows: false } });
      await p.page.locator('#chart-pgr').waitFor();
      // the chart's colours follow the theme: the legend text is the theme's chart foreground
      const fg = await p.page.evaluate<string>('getComputedStyle(document.documentElement).getPropertyValue("--vscode-charts-foreground").trim() || getComputedStyle(document.documentElement).getPropertyValue("--vscode-foreground").trim()');
      assert.ok(fg, 'the theme defines a chart foreground');
      await p.screenshot(`pgr-${theme}`);
      if (theme === 'dark') {
        await p.page.getByRole('tab', { name: 'Table 2 grid' }).click();
        await p.page.getByLabel(/Paper rows/).check();
        await p.screenshot('pgr-grid-dark');
        await p.page.getByRole('tab', { name: 'Cost' }).click();
        await p.screenshot('pgr-cost-dark');
        await p.page.getByRole('tab', { name: 'Analysis' }).click();
        await p.screenshot('pgr-analysis-dark');
      }
      await assertClean(p);
      await p.page.close();
    });
  }
});
