// The Instances panel (protocol v2) in headless chromium, against a fake host holding 10,000
// synthetic rows that filters, sorts and pages them as the real host does, so every assertion
// checks what the page asked for and what it shows: virtual scrolling, sort, filters, jump,
// keyboard, detail (markdown, math, code, sanitising, attempts, quality enhancement), compare,
// export, live updates, reveal, saved state, errors, and badge contrast in three themes.
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import {
  DEFAULT_QUERY,
  type DatasetView,
  type DetailView,
  type HostMessage,
  type InstancesPanelState,
  type MetricColumnView,
  type QueryView,
  type RowView,
  type WebviewMessage,
} from '../../src/protocol/instancesProtocol';
import { launchBrowser, openPanel, type OpenPanelOptions, type PanelPage } from './harness';

// ---- the fake host ------------------------------------------------------------------------

type Request = Extract<WebviewMessage, { type: 'request' }>;

const QUALITY = 'judge.quality@gpt';
const LENGTH = 'lexical.words@local';
const MARKDOWN_SLOT = 0;
const QE_SLOT = 3;
const FAILED_SLOT = 7;
/** Text found in the instructions of slots divisible by 500 (20 rows). */
const NEEDLE = 'banana';

const MARKDOWN = [
  '## Heading two',
  '',
  'Euler: $e^{i\\pi} + 1 = 0$ and \\(a^2 + b^2 = c^2\\).',
  '',
  '$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$',
  '',
  '```python',
  'def add(a, b):',
  '    return a + b',
  '```',
  '',
  'An image: <img src="https://evil.example/x.png"> and ![tracker](https://evil.example/t.png)',
  '<script>window.__pwned = true</script>',
  '[a link](https://evil.example/page)',
].join('\n');

function makeRow(slot: number): RowView {
  const failed = slot % 10 === FAILED_SLOT;
  const quality = slot % 13 === 0 ? null : ((slot * 37) % 100) / 10;
  return {
    slot,
    id: `ds/${String(slot).padStart(6, '0')}`,
    status: failed ? 'failed' : 'valid',
    instruction: failed ? '' : `Instruction ${slot}: ${slot % 500 === 0 ? `a ${NEEDLE} question` : 'how many apples are left?'}`,
    response: failed ? '' : slot === MARKDOWN_SLOT ? MARKDOWN : `Response ${slot}. The answer is ${slot * 2}.`,
    attempts: failed ? 3 : 1 + (slot % 3 === 0 ? 1 : 0),
    costUsd: 0.0001 * (1 + (slot % 17)),
    tokens: 500 + (slot % 101),
    latencyMs: 100 + (slot % 50),
    metrics: { [QUALITY]: failed ? null : quality, [LENGTH]: failed ? null : 20 + (slot % 200) },
  };
}

function makeDetail(r: RowView): DetailView {
  const failed = r.status === 'failed';
  return {
    slot: r.slot,
    id: r.id,
    status: r.status,
    instruction: r.instruction,
    response: r.response,
    rawOutput: failed ? '' : r.response,
    reasons: failed ? ['parse (paper): no OUTPUT trigger', 'length (paper): 4100 tokens > 4096'] : [],
    attempts: failed
      ? [1, 2, 3].map((a) => ({
          attempt: a,
          outcome: a === 2 ? ('transport' as const) : ('invalid' as const),
          reasons: a === 2 ? [] : [`attempt ${a}: no OUTPUT trigger`],
          rawOutput: a === 2 ? '' : `RAW OUTPUT of slot ${r.slot} attempt ${a}: INSTRUCTION without trigger`,
          costUsd: 0.0001,
          latencyMs: 200,
          cached: a === 3,
          transport: a === 2 ? ['timeout after 60 s'] : [],
          at: '2026-11-25T09:00:00.000Z',
        }))
      : [{ attempt: 1, outcome: 'valid', reasons: [], rawOutput: '', costUsd: r.costUsd, latencyMs: r.latencyMs, cached: false, transport: [], at: '2026-11-25T09:00:00.000Z' }],
    metrics: Object.entries(r.metrics).map(([key, value]) => ({ key, value, detail: key === QUALITY && value !== null ? { rationale: `Clear and correct (slot ${r.slot}).` } : {} })),
    meta: { choice: { demos: [1, 2] } },
    prompt: r.slot % 2 === 0 ? { system: 'You are a generator.', user: `Write instance ${r.slot}.` } : { unavailable: 'the template file changed since the run' },
    ...(r.slot === QE_SLOT ? { original: { instruction: 'ORIGINAL instruction before revision', response: 'ORIGINAL response before revision' } } : {}),
    demonstrations: [
      { instruction: 'Seed question', response: 'Seed answer', source: 'seed', ref: 12 },
      { instruction: 'Generated question', response: 'Generated answer', source: 'generated', ref: 40 },
    ],
    costUsd: r.costUsd,
    inputTokens: r.tokens - 80,
    outputTokens: 80,
    latencyMs: r.latencyMs,
    finishedAt: '2026-11-25T09:00:00.000Z',
  };
}

const DATASET: DatasetView = {
  id: 'run__gen__instance_generation.math',
  run: 'run',
  generator: 'gen',
  model: 'gpt-test',
  setting: 'instance_generation.math',
  status: 'running',
  target: 12_000,
  valid: 9_000,
  failed: 1_000,
  costUsd: 1.23,
  kind: 'generation',
};

const SIBLINGS = [
  { datasetId: DATASET.id, generator: 'gen' },
  { datasetId: 'run__gen2__instance_generation.math', generator: 'gen2' },
  { datasetId: 'run__gen3__instance_generation.math', generator: 'gen3' },
];

const RESULTS_DIR = '/ws/.agorabench';

function sortValue(r: RowView, column: string): number {
  switch (column) {
    case 'slot':
      return r.slot;
    case 'status':
      return r.status === 'valid' ? 0 : 1;
    case 'attempts':
      return r.attempts;
    case 'cost':
      return r.costUsd;
    case 'tokens':
      return r.tokens;
    case 'latency':
      return r.latencyMs;
    case 'instructionLength':
      return r.instruction.length;
    case 'responseLength':
      return r.response.length;
    default:
      return r.metrics[column.slice('metric:'.length)] ?? Number.NaN;
  }
}

class FakeHost {
  rows: RowView[];
  dataset: DatasetView = { ...DATASET };
  readonly requests: Request[] = [];
  /** What exportCsv answers. */
  exportResult: { file: string; rows: number } | null = { file: '/tmp/instances.csv', rows: 0 };
  /** Methods answered with an error instead. */
  failing = new Set<string>();
  /** Changes a detail before it is sent (e.g. benchmark item fields). */
  patchDetail: (d: DetailView) => DetailView = (d) => d;
  /** Sends the unfiltered first page with init, as the extension does when it read it in time. */
  firstPageWithInit = false;
  private seen = 0;
  private running = true;
  private loop: Promise<void>;
  private cache = new Map<string, RowView[]>();

  constructor(
    readonly p: PanelPage,
    count = 10_000,
  ) {
    this.rows = Array.from({ length: count }, (_, i) => makeRow(i));
    this.loop = this.run();
  }

  metricColumns(): MetricColumnView[] {
    const n = (k: string) => this.rows.filter((r) => r.metrics[k] !== null).length;
    return [
      { key: QUALITY, label: 'quality', n: n(QUALITY), missing: this.rows.length - n(QUALITY) },
      { key: LENGTH, label: 'words', n: n(LENGTH), missing: this.rows.length - n(LENGTH) },
    ];
  }

  /** The rows a query matches, in its order (what the real host computes in SQL). */
  select(q: QueryView): RowView[] {
    const key = JSON.stringify(q);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const f = q.filter;
    const text = f.text?.toLowerCase();
    const slots = f.slots ? new Set(f.slots) : undefined;
    const out = this.rows.filter((r) => {
      if (f.status !== 'all' && r.status !== f.status) return false;
      if (text && !`${r.instruction}\n${r.response}`.toLowerCase().includes(text)) return false;
      if (slots && !slots.has(r.slot)) return false;
      for (const m of f.metrics) {
        const v = r.metrics[m.key] ?? null;
        if (m.missing) {
          if (v !== null) return false;
          continue;
        }
        if (v === null || (m.min !== undefined && v < m.min) || (m.max !== undefined && v > m.max)) return false;
      }
      return true;
    });
    const dir = q.sort.dir === 'asc' ? 1 : -1;
    out.sort((a, b) => {
      const x = sortValue(a, q.sort.column);
      const y = sortValue(b, q.sort.column);
      // missing values last in both directions, ties by slot: a stable, total order
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
      return (x === y || (Number.isNaN(x) && Number.isNaN(y)) ? 0 : (x - y) * dir) || a.slot - b.slot;
    });
    this.cache.set(key, out);
    return out;
  }

  /** Adds rows (a run writing) and tells the page. */
  async grow(n: number): Promise<void> {
    const from = this.rows.length;
    for (let i = 0; i < n; i++) this.rows.push(makeRow(from + i));
    this.cache.clear();
    const failed = this.rows.filter((r) => r.status === 'failed').length;
    this.dataset = { ...this.dataset, valid: this.rows.length - failed, failed };
    await this.send({ type: 'datasetChanged', dataset: this.dataset });
  }

  send(m: HostMessage): Promise<void> {
    return this.p.send(m);
  }

  /** Requests of one method received after `from` (an index into `requests`). */
  of<M extends Request['method']>(method: M, from = 0): Array<Extract<Request, { method: M }>> {
    return this.requests.slice(from).filter((r): r is Extract<Request, { method: M }> => r.method === method);
  }

  stop(): Promise<void> {
    this.running = false;
    return this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let fresh: WebviewMessage[] = [];
      try {
        fresh = await this.p.page.evaluate<WebviewMessage[]>(`window.__posted.slice(${this.seen})`);
      } catch {
        return; // the page was closed
      }
      this.seen += fresh.length;
      for (const m of fresh) {
        if (m.type === 'ready') {
          const all = this.select(DEFAULT_QUERY);
          const firstPage = this.firstPageWithInit ? { firstPage: { total: all.length, offset: 0, rows: all.slice(0, 100) } } : {};
          await this.send({ type: 'init', dataset: this.dataset, resultsDir: RESULTS_DIR, pageSize: 100, siblings: SIBLINGS, ...firstPage });
        }
        else {
          this.requests.push(m);
          await this.send(this.answer(m)).catch(() => undefined);
        }
      }
      if (fresh.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
  }

  private answer(m: Request): HostMessage {
    if (this.failing.has(m.method)) return { type: 'response', id: m.id, method: m.method, ok: false, error: `the store is locked (${m.method})` };
    switch (m.method) {
      case 'rows': {
        const all = this.select(m.params.query);
        return { type: 'response', id: m.id, method: 'rows', ok: true, result: { total: all.length, offset: m.params.offset, rows: all.slice(m.params.offset, m.params.offset + m.params.limit) } };
      }
      case 'detail': {
        const r = this.rows[m.params.slot];
        return { type: 'response', id: m.id, method: 'detail', ok: true, result: r ? this.patchDetail(makeDetail(r)) : null };
      }
      case 'indexOf':
        return { type: 'response', id: m.id, method: 'indexOf', ok: true, result: this.select(m.params.query).findIndex((r) => r.slot === m.params.slot) };
      case 'columns':
        return { type: 'response', id: m.id, method: 'columns', ok: true, result: { metrics: this.metricColumns() } };
      case 'compare': {
        const r = this.rows[m.params.slot];
        const columns = SIBLINGS.map((s, i) => ({
          datasetId: s.datasetId,
          generator: s.generator,
          model: `model-${i}`,
          detail: r ? { ...makeDetail(r), response: `${s.generator} says: ${r.response || 'nothing'}` } : null,
        }));
        return { type: 'response', id: m.id, method: 'compare', ok: true, result: { columns } };
      }
      case 'exportCsv':
        return { type: 'response', id: m.id, method: 'exportCsv', ok: true, result: this.exportResult };
      case 'annotate':
        return { type: 'response', id: m.id, method: 'annotate', ok: true, result: { annotated: 'slots' in m.params.target ? m.params.target.slots.length : this.select(m.params.target.query).filter((r) => r.status === 'valid').length } };
    }
  }
}

// ---- helpers ------------------------------------------------------------------------------

/** Polls a condition in the page or in node until it holds (no fixed sleeps). */
type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;
async function until<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 8000): Promise<Truthy<T>> {
  let last: T | undefined;
  for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
    last = await probe();
    if (last) return last as Truthy<T>;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const js = <T>(p: PanelPage, code: string): Promise<T> => p.page.evaluate<T>(code);

/** Slots of the row elements in the DOM, in index order. */
const domSlots = (p: PanelPage) => js<number[]>(p, `[...document.querySelectorAll('#grid-body .row[data-slot]')].sort((a, b) => a.dataset.index - b.dataset.index).map((r) => Number(r.dataset.slot))`);
/** Slots of the rows whose box lies inside the grid's visible area. */
const visibleSlots = (p: PanelPage) =>
  js<number[]>(
    p,
    `(() => { const g = document.getElementById('grid').getBoundingClientRect(); const head = document.querySelector('.grid-head').getBoundingClientRect();
      return [...document.querySelectorAll('#grid-body .row[data-slot]')].filter((r) => { const b = r.getBoundingClientRect(); return b.top >= head.bottom - 1 && b.bottom <= g.bottom + 1; })
        .sort((a, b) => a.dataset.index - b.dataset.index).map((r) => Number(r.dataset.slot)); })()`,
  );
const selectedSlot = (p: PanelPage) => js<number | null>(p, `(() => { const r = document.querySelector('#grid-body .row[aria-selected="true"]'); return r ? Number(r.dataset.slot) : null; })()`);
const text = (p: PanelPage, selector: string) => js<string>(p, `document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''`);
const activeId = (p: PanelPage) => js<string>(p, `(() => { const a = document.activeElement; return a === document.body ? 'BODY' : a.closest('[id]')?.id ?? a.tagName; })()`);
const scrollTop = (p: PanelPage) => js<number>(p, `document.getElementById('grid').scrollTop`);
const lastRows = (h: FakeHost) => h.of('rows').at(-1);

interface Opened {
  p: PanelPage;
  host: FakeHost;
}

describe('Instances webview v2 (chromium)', function () {
  let browser: Browser;
  const open: Opened[] = [];
  before(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.host.stop();
      await o.p.page.close();
    }
  });
  after(() => browser.close());

  /** Opens the panel with the fake host answering, and waits for the first rows on screen. */
  async function start(o: Partial<OpenPanelOptions> = {}, rows = 10_000, setup?: (host: FakeHost) => void, waitForRows = true): Promise<Opened> {
    const p = await openPanel(browser, { panel: 'instances', ...o });
    const host = new FakeHost(p, rows);
    setup?.(host); // before the host answers `ready`: its first await is still pending
    const opened = { p, host };
    open.push(opened);
    if (waitForRows) await until('first rows', async () => (await domSlots(p)).length > 0);
    return opened;
  }

  async function selectSlot(o: Opened, slot: number): Promise<void> {
    await o.p.page.fill('#jump', String(slot));
    await o.p.page.press('#jump', 'Enter');
    await until(`slot ${slot} selected`, async () => (await selectedSlot(o.p)) === slot);
    await until(`detail of ${slot}`, async () => (await text(o.p, '#detail-title')).startsWith(`Slot ${slot} `));
  }

  it('keeps a bounded number of rows in the DOM over 10,000 and scrolls to the last slot', async () => {
    const { p, host } = await start();
    assert.equal(await js(p, `document.getElementById('grid').getAttribute('aria-rowcount')`), '10001', 'header + 10,000 rows');
    const bounded = async () => {
      const n = await js<number>(p, `document.querySelectorAll('#grid-body .row').length`);
      assert.ok(n > 10 && n < 80, `${n} row elements`);
    };
    await bounded();
    await until('status line', async () => (await text(p, '#status-line')).includes('of 10,000'));
    assert.match(await text(p, '#status-line'), /^rows 1–\d+ of 10,000 · page 1 of \d+/);
    await js(p, `(() => { const g = document.getElementById('grid'); g.scrollTop = g.scrollHeight; })()`);
    await until('the last chunk requested', () => host.of('rows').some((r) => r.params.offset === 9_900 && r.params.limit === 100));
    await until('slot 9999 in view', async () => (await visibleSlots(p)).includes(9_999));
    await bounded();
    assert.match(await text(p, '#status-line'), /–10,000 of 10,000/);
    // every request stays within the protocol's page size
    assert.ok(host.of('rows').every((r) => r.params.limit <= 500 && r.params.offset % 100 === 0));
  });

  it('scrolls anywhere in 300,000 rows (clamped body height) and stacks table and detail in a narrow window', async () => {
    const { p, host } = await start({ viewport: { width: 700, height: 800 } }, 300_000);
    const bodyHeight = await js<number>(p, `document.getElementById('grid-body').offsetHeight`);
    assert.ok(bodyHeight < 300_000 * 28 && bodyHeight <= 8_000_000, `body clamped: ${bodyHeight}px`);
    await js(p, `(() => { const g = document.getElementById('grid'); g.scrollTop = (g.scrollHeight - g.clientHeight) / 2; })()`);
    const middle = await until('rows in the middle', async () => {
      const v = await visibleSlots(p);
      return v.length > 5 && v;
    });
    assert.ok(Math.abs((middle[0] ?? 0) - 150_000) < 100, `middle rows start at ${middle[0]}`);
    assert.deepEqual(middle, Array.from({ length: middle.length }, (_, i) => (middle[0] ?? 0) + i), 'consecutive rows, no gaps or overlaps');
    await js(p, `(() => { const g = document.getElementById('grid'); g.scrollTop = g.scrollHeight; })()`);
    await until('the last chunk', () => host.of('rows').some((r) => r.params.offset === 299_900));
    await until('the last slot in view', async () => (await visibleSlots(p)).at(-1) === 299_999);
    assert.match(await text(p, '#status-line'), /–300,000 of 300,000/);
    const [grid, detail] = await js<Array<{ top: number; bottom: number }>>(p, `['grid', 'detail'].map((id) => { const b = document.getElementById(id).getBoundingClientRect(); return { top: b.top, bottom: b.bottom }; })`);
    assert.ok(grid && detail && detail.top >= grid.bottom && detail.bottom <= 800, `stacked: ${JSON.stringify({ grid, detail })}`);
  });

  it('shows the first page sent with init without asking for it, and asks for the next ones', async () => {
    const { p, host } = await start({}, 10_000, (h) => (h.firstPageWithInit = true));
    // the metric columns arriving redraw the rows, so read them once they are drawn again
    await until('the first page on screen', async () => JSON.stringify((await domSlots(p)).slice(0, 3)) === '[0,1,2]');
    await until('the metric columns', () => host.of('columns').length > 0);
    assert.equal(host.of('rows').filter((r) => r.params.offset === 0).length, 0, 'the first page was not asked for');
    await js(p, `document.getElementById('grid').scrollTop = 150 * 28`);
    await until('the second page', () => host.of('rows').some((r) => r.params.offset === 100));
    await until('rows past the first page', async () => (await domSlots(p)).includes(160));
  });

  it('sorts by a clicked header (asc, then desc) and sets aria-sort', async () => {
    const { p, host } = await start();
    const header = `[role="columnheader"][data-col="metric:${QUALITY}"]`;
    await p.page.click(`${header} button`);
    const asc = await until('ascending query', () => host.of('rows').find((r) => r.params.query.sort.column === `metric:${QUALITY}` && r.params.query.sort.dir === 'asc'));
    const expectedAsc = host.select(asc.params.query)[0]?.slot;
    await until('first row after asc sort', async () => (await domSlots(p))[0] === expectedAsc);
    assert.equal(await js(p, `document.querySelector('${header}').getAttribute('aria-sort')`), 'ascending');
    await p.page.click(`${header} button`);
    const desc = await until('descending query', () => host.of('rows').find((r) => r.params.query.sort.column === `metric:${QUALITY}` && r.params.query.sort.dir === 'desc'));
    const expectedDesc = host.select(desc.params.query)[0]?.slot;
    assert.notEqual(expectedDesc, expectedAsc);
    await until('first row after desc sort', async () => (await domSlots(p))[0] === expectedDesc);
    assert.equal(await js(p, `document.querySelector('${header}').getAttribute('aria-sort')`), 'descending');
    assert.equal(await js(p, `document.querySelector('[data-col="slot"][role="columnheader"]').getAttribute('aria-sort')`), 'none');
  });

  it('sends the search text once, after the debounce, and shows the count', async () => {
    const { p, host } = await start();
    const from = host.requests.length;
    await p.page.locator('#search').pressSequentially(NEEDLE, { delay: 15 });
    const req = await until('text query', () => host.of('rows', from).find((r) => r.params.query.filter.text !== undefined));
    assert.equal(req.params.query.filter.text, NEEDLE, 'no partial text was sent before the debounce');
    assert.equal(req.params.offset, 0);
    await until('count in the status line', async () => (await text(p, '#status-line')).endsWith('of 20 · page 1 of 1'));
    assert.deepEqual(await domSlots(p), host.select(req.params.query).map((r) => r.slot));
    assert.match(await text(p, '#active-filters'), /text: “banana”/);
  });

  it('filters by status, exports that query as CSV, and shows the empty state inside the table body', async () => {
    const { p, host } = await start();
    await p.page.click('[data-status="failed"]');
    await until('failed query', () => host.of('rows').find((r) => r.params.query.filter.status === 'failed'));
    await until('failed rows only', async () => (await domSlots(p))[0] === FAILED_SLOT);
    assert.ok((await domSlots(p)).every((s) => s % 10 === FAILED_SLOT));
    await until('failed count', async () => (await text(p, '#status-line')).includes('of 1,000'));
    assert.equal(await js(p, `document.querySelector('[data-status="failed"]').getAttribute('aria-pressed')`), 'true');
    assert.match(await text(p, '[data-status="failed"]'), /Failed \(1,000\)/);

    // export sends the query on screen
    host.exportResult = { file: '/tmp/failed.csv', rows: 1_000 };
    await p.page.click('#export');
    const exported = await until('export request', () => host.of('exportCsv')[0]);
    assert.deepEqual(exported.params.query, { filter: { status: 'failed', metrics: [] }, sort: { column: 'slot', dir: 'asc' } });
    await until('saved message', async () => (await text(p, '#notice')) === 'Saved 1,000 rows to /tmp/failed.csv');
    host.exportResult = null;
    await p.page.click('#export');
    await until('second export', () => host.of('exportCsv').length === 2);
    await until('no message after a cancel', async () => (await text(p, '#notice')) === '');

    await p.page.fill('#search', 'no row has this text');
    await p.page.press('#search', 'Enter');
    await until('empty state', async () => (await text(p, '.empty-text')) === 'No instance matches these filters.');
    assert.equal(await js(p, `!!document.querySelector('.empty-text').closest('#grid-body')`), true, 'the empty state is in the table body');
    assert.equal(await js(p, `document.querySelectorAll('#grid-body .row').length`), 0);
    const from = host.requests.length;
    await p.page.click('#empty-clear');
    const cleared = await until('cleared query', () => host.of('rows', from)[0]);
    assert.deepEqual(cleared.params.query.filter, DEFAULT_QUERY.filter);
    await until('rows again', async () => (await domSlots(p))[0] === 0);
  });

  it('filters by a metric range and by missing values; chips remove them', async () => {
    const { p, host } = await start();
    await p.page.selectOption('#metric-key', QUALITY);
    await p.page.fill('#metric-min', '9');
    await p.page.fill('#metric-max', '9.5');
    await p.page.click('#metric-add');
    const req = await until('range query', () => host.of('rows').find((r) => r.params.query.filter.metrics.length > 0));
    assert.deepEqual(req.params.query.filter.metrics, [{ key: QUALITY, min: 9, max: 9.5 }]);
    const expected = host.select(req.params.query);
    await until('range rows', async () => (await domSlots(p))[0] === expected[0]?.slot);
    const values = await js<number[]>(p, `[...document.querySelectorAll('#grid-body .row [data-col="metric:${QUALITY}"]')].map((c) => Number(c.textContent))`);
    assert.ok(values.length > 0 && values.every((v) => v >= 9 && v <= 9.5), values.join(','));
    assert.match(await text(p, '#active-filters'), /quality ≥ 9 ≤ 9\.5/);

    await p.page.click('#active-filters .chip-remove');
    await until('range removed', () => lastRows(host)?.params.query.filter.metrics.length === 0);
    await p.page.selectOption('#metric-key', QUALITY);
    await p.page.check('#metric-missing');
    await p.page.click('#metric-add');
    const missing = await until('missing query', () => host.of('rows').find((r) => r.params.query.filter.metrics[0]?.missing === true));
    assert.deepEqual(missing.params.query.filter.metrics, [{ key: QUALITY, missing: true }]);
    await until('missing rows', async () => (await domSlots(p))[0] === host.select(missing.params.query)[0]?.slot);
    assert.equal(await text(p, `#grid-body .row [data-col="metric:${QUALITY}"]`), '', 'a missing value is an empty cell');
  });

  it('jumps to a slot, and says when the slot is not in the view', async () => {
    const { p, host } = await start();
    const before = await scrollTop(p);
    await selectSlot({ p, host }, 4_321);
    assert.ok(host.of('indexOf').some((r) => r.params.slot === 4_321));
    assert.ok(host.of('detail').some((r) => r.params.slot === 4_321));
    assert.ok((await visibleSlots(p)).includes(4_321), 'the slot is scrolled into view');
    assert.notEqual(await scrollTop(p), before);

    await p.page.click('[data-status="failed"]');
    await until('failed rows', async () => (await domSlots(p))[0] === FAILED_SLOT);
    await p.page.fill('#jump', '4');
    await p.page.press('#jump', 'Enter');
    await until('not-in-view message', async () => (await text(p, '#notice')) === 'slot 4 is not in this view');
  });

  it('moves the selection with the keyboard and hands focus to the detail pane and back', async () => {
    const { p, host } = await start();
    await p.page.click('#grid-body .row[data-slot="0"]');
    await until('slot 0 selected', async () => (await selectedSlot(p)) === 0);
    assert.equal(await activeId(p), 'grid');
    for (let i = 0; i < 3; i++) await p.page.keyboard.press('ArrowDown');
    await until('4th row selected', async () => (await selectedSlot(p)) === 3);
    await until('detail of slot 3 requested', () => host.of('detail').some((r) => r.params.slot === 3));
    assert.equal(await js(p, `document.getElementById('grid').getAttribute('aria-activedescendant')`), 'row-3');
    await p.page.keyboard.press('k');
    await until('j/k move too', async () => (await selectedSlot(p)) === 2);

    await p.page.keyboard.press('End');
    await until('last row selected', async () => (await selectedSlot(p)) === 9_999);
    assert.ok((await visibleSlots(p)).includes(9_999));
    await until('last detail', async () => (await text(p, '#detail-title')).startsWith('Slot 9999 '));
    await p.page.keyboard.press('Home');
    await until('first row selected', async () => (await selectedSlot(p)) === 0);
    await p.page.keyboard.press('PageDown');
    await until('a page down', async () => ((await selectedSlot(p)) ?? 0) > 5);
    assert.ok((await visibleSlots(p)).includes((await selectedSlot(p)) as number), 'the selected row stays in view');

    await p.page.keyboard.press('Enter');
    await until('focus in the detail pane', async () => (await activeId(p)) === 'detail');
    await p.page.keyboard.press('Escape');
    await until('focus back on the grid', async () => (await activeId(p)) === 'grid');
    await p.page.keyboard.press('/');
    assert.equal(await activeId(p), 'search');
  });

  it('shows the detail of a clicked row inside the viewport without scrolling the table', async () => {
    const { p } = await start({ viewport: { width: 1100, height: 700 } });
    await js(p, `document.getElementById('grid').scrollTop = 100 * 28`);
    await until('rows around 100', async () => (await visibleSlots(p)).includes(105));
    const top = await scrollTop(p);
    await p.page.click('#grid-body .row[data-slot="105"]');
    await until('detail of 105', async () => (await text(p, '#detail-title')).startsWith('Slot 105 '));
    const box = await js<{ top: number; bottom: number; left: number; right: number; w: number; h: number }>(
      p,
      `(() => { const b = document.getElementById('detail').getBoundingClientRect(); return { top: b.top, bottom: b.bottom, left: b.left, right: b.right, w: innerWidth, h: innerHeight }; })()`,
    );
    assert.ok(box.top >= 0 && box.left >= 0 && box.bottom <= box.h && box.right <= box.w && box.bottom - box.top > 200, JSON.stringify(box));
    assert.equal(await scrollTop(p), top, 'the table did not scroll');
    // a long detail scrolls inside its own pane, not the page
    await p.page.click('#grid-body .row[data-slot="104"]');
    await until('detail of 104', async () => (await text(p, '#detail-title')).startsWith('Slot 104 '));
    assert.equal(await js(p, `document.scrollingElement.scrollTop`), 0);
    assert.equal(await scrollTop(p), top);
  });

  it('annotates the selected instance and every instance of the view through the host', async () => {
    const { p, host } = await start();
    await p.page.click('#grid-body .row[data-slot="4"]');
    await until('detail of 4', async () => (await text(p, '#detail-title')).startsWith('Slot 4 '));
    await p.page.click('#annotate-bad');
    const one = await until('annotate request', () => host.of('annotate')[0]);
    assert.deepEqual(one.params, { label: 'bad', target: { slots: [4] } });
    await until('annotated message', async () => (await text(p, '#notice')) === 'Annotated 1 instance as bad');
    await p.page.click('#annotate-clear');
    await until('clear request', () => host.of('annotate')[1]);
    assert.deepEqual(host.of('annotate')[1]?.params, { label: 'clear', target: { slots: [4] } });

    // the whole view: the query on screen goes to the host, which resolves it to slots
    await p.page.fill('#search', NEEDLE);
    await p.page.press('#search', 'Enter');
    await until('needle rows', async () => (await text(p, '#status-line')).includes('of 20'));
    await p.page.click('#mark-view-bad');
    const bulk = await until('bulk request', () => host.of('annotate')[2]);
    assert.equal(bulk.params.label, 'bad');
    assert.ok('query' in bulk.params.target && bulk.params.target.query.filter.text === NEEDLE, JSON.stringify(bulk.params));
    await until('bulk message', async () => /^Annotated \d+ instances as bad$/.test(await text(p, '#notice')));
  });

  it('shows every attempt’s raw output for a failed instance', async () => {
    const o = await start({ theme: 'dark' });
    await selectSlot(o, FAILED_SLOT);
    const raws = await js<string[]>(o.p, `[...document.querySelectorAll('#detail .attempt-raw')].map((e) => e.textContent)`);
    assert.deepEqual(raws, [1, 3].map((a) => `RAW OUTPUT of slot ${FAILED_SLOT} attempt ${a}: INSTRUCTION without trigger`));
    assert.equal(await js(o.p, `[...document.querySelectorAll('#detail .attempt details')].every((d) => d.open)`), true, 'open for a failed slot');
    assert.equal(await js(o.p, `document.querySelectorAll('#detail .attempt').length`), 3);
    assert.match(await text(o.p, '#detail'), /timeout after 60 s/);
    assert.match(await text(o.p, '#failed-notice'), /raw output/);
    assert.doesNotMatch(await text(o.p, '#detail'), /\(none\)/);
    await o.p.screenshot('instances-failed-dark');
  });

  it('shows the original pair beside the revised one for quality enhancement', async () => {
    const o = await start();
    await selectSlot(o, QE_SLOT);
    const heads = await js<string[]>(o.p, `[...document.querySelectorAll('#qe-compare > .side > h3')].map((e) => e.textContent)`);
    assert.deepEqual(heads, ['Original', 'Revised']);
    assert.match(await text(o.p, '#qe-compare .side:first-child'), /ORIGINAL instruction before revision/);
    assert.match(await text(o.p, '#qe-compare .side:last-child'), /Instruction 3/);
    const [a, b] = await js<number[]>(o.p, `[...document.querySelectorAll('#qe-compare > .side')].map((e) => e.getBoundingClientRect().top)`);
    assert.equal(a, b, 'side by side');
  });

  it('shows a benchmark item\'s fields for an evaluation store', async () => {
    const o = await start({}, 10_000, (host) => {
      host.dataset = { ...host.dataset, kind: 'evaluation', setting: 'gsm8k' };
      host.patchDetail = (d) => ({ ...d, meta: { itemId: 'gsm8k-12', sample: 0, correct: false, extracted: '42', reference: '41', reason: 'numbers differ', prompt: 'Q: what is 20 + 21?' } });
    });
    await selectSlot(o, 12);
    const item = await text(o.p, '#benchmark-item');
    for (const part of ['gsm8k-12', '✗ incorrect', 'Extracted answer', '42', 'Reference', '41', 'numbers differ']) assert.ok(item.includes(part), `${part} in ${item}`);
    const heads = await js<string[]>(o.p, `[...document.querySelectorAll('#detail-body > .detail-section > h3')].map((e) => e.textContent)`);
    assert.deepEqual(heads.slice(0, 2), ['Prompt', 'Output']);
    assert.ok(!heads.includes('Instruction'));
    assert.match(await text(o.p, '#detail-body'), /Q: what is 20 \+ 21\?/);
  });

  it('renders markdown, math and highlighted code, sanitised and loading nothing', async () => {
    const o = await start();
    const { p } = o;
    await selectSlot(o, MARKDOWN_SLOT);
    assert.equal(await text(p, '#detail .markdown h2'), 'Heading two');
    assert.equal(await js(p, `!!document.querySelector('#detail .markdown pre code.hljs .hljs-keyword')`), true);
    assert.ok((await js<number>(p, `document.querySelectorAll('#detail .markdown math').length`)) >= 3, 'inline, \\( \\) and display math');
    assert.equal(await js(p, `document.querySelectorAll('#detail .markdown math[display="block"]').length`), 1);
    assert.equal(await js(p, `document.querySelectorAll('#detail script, #detail img, #detail [src], #detail [href], #detail [style]').length`), 0);
    assert.equal(await js(p, `window.__pwned === undefined`), true);
    assert.match(await text(p, '#detail'), /\[image: tracker\]/);
    await p.page.check('#raw-toggle');
    await until('raw text', async () => (await js<string[]>(p, `[...document.querySelectorAll('#detail pre.raw')].map((e) => e.textContent)`)).includes(MARKDOWN));
    assert.deepEqual(p.foreignRequests, []);
    assert.deepEqual(await p.violations(), []);
  });

  it('compares the selected slot across generators and comes back to the table', async () => {
    const o = await start();
    const { p, host } = o;
    await selectSlot(o, 5);
    await p.page.click('#compare-toggle');
    await until('compare request', () => host.of('compare').some((r) => r.params.slot === 5));
    await until('compare columns', async () => (await js<number>(p, `document.querySelectorAll('#compare-grid .compare-col').length`)) === SIBLINGS.length);
    const titles = await js<string[]>(p, `[...document.querySelectorAll('#compare-grid .compare-title')].map((e) => e.firstChild.textContent)`);
    assert.deepEqual(titles, SIBLINGS.map((s) => s.generator));
    assert.match(await text(p, '#compare-grid .compare-col:nth-child(2)'), /gen2 says: Response 5/);
    assert.equal(await js(p, `document.getElementById('split').hidden`), true);
    assert.equal(((await p.state()) as InstancesPanelState).view, 'compare');
    await p.screenshot('instances-compare-light');
    await p.page.click('#compare-back');
    assert.equal(await js(p, `document.getElementById('split').hidden`), false);
    assert.equal(((await p.state()) as InstancesPanelState).view, 'table');
    assert.equal(await activeId(p), 'grid');
  });

  it('refreshes counts and rows on datasetChanged, keeping scroll and selection', async () => {
    const { p, host } = await start();
    await p.page.click('#grid-body .row[data-slot="2"]');
    await until('slot 2 selected', async () => (await selectedSlot(p)) === 2);
    const top = await scrollTop(p);
    const from = host.requests.length;
    await host.grow(50);
    await until('new counts', async () => (await text(p, '[data-status="all"]')) === 'All (10,050)');
    await until('rows fetched again', () => host.of('rows', from).some((r) => r.params.offset === 0));
    await until('new total', async () => (await text(p, '#status-line')).includes('of 10,050'));
    assert.match(await text(p, '#summary'), /9,045 valid, 1,005 failed/);
    assert.equal(await selectedSlot(p), 2);
    assert.equal(await scrollTop(p), top);
  });

  it('keeps the rows on screen while new metric columns are laid out (no empty frame)', async () => {
    const { p, host } = await start();
    await until('the metric columns', async () => (await text(p, '#grid .row.head')).includes('quality'));
    // after every batch of DOM changes (microtasks, before the next paint): how many rows the grid shows
    await js(p, `window.__fewest = Infinity; new MutationObserver(() => { window.__fewest = Math.min(window.__fewest, document.querySelectorAll('#grid-body .row').length); }).observe(document.getElementById('grid'), { childList: true, subtree: true })`);
    const titles = () => js<string>(p, `[...document.querySelectorAll('#grid .row.head [title]')].map((e) => e.getAttribute('title')).join('|')`);
    const before = await titles();
    const from = host.requests.length;
    // more rows change the columns' counts: the table lays its columns out again
    await host.grow(10);
    await until('the new columns', () => host.of('columns', from).length > 0);
    await until('the new counts in the header', async () => (await titles()) !== before);
    const fewest = await js<number>(p, 'window.__fewest');
    assert.ok(fewest > 0 && Number.isFinite(fewest), `the grid showed ${fewest} rows at some point`);
  });

  it('reveals a slot from another panel (resetting a filter that hides it) and takes a scatter selection', async () => {
    const { p, host } = await start();
    await p.page.click('[data-status="failed"]');
    await until('failed rows', async () => (await domSlots(p))[0] === FAILED_SLOT);
    await host.send({ type: 'reveal', slot: 1_234 });
    await until('revealed', async () => (await selectedSlot(p)) === 1_234);
    const looks = host.of('indexOf').filter((r) => r.params.slot === 1_234);
    assert.equal(looks[0]?.params.query.filter.status, 'failed', 'looked under the current query first');
    assert.deepEqual(looks[1]?.params.query, DEFAULT_QUERY, 'then without filters');
    await until('its detail', async () => (await text(p, '#detail-title')).startsWith('Slot 1234 '));
    assert.ok((await visibleSlots(p)).includes(1_234));

    await host.send({ type: 'setFilter', filter: { status: 'all', metrics: [], slots: [11, 12, 13] } });
    await until('slots query', () => lastRows(host)?.params.query.filter.slots?.length === 3);
    await until('three rows', async () => (await domSlots(p)).join() === '11,12,13');
    assert.match(await text(p, '#active-filters'), /3 selected slots/);
  });

  it('restores view, query, scroll and selection from saved state', async () => {
    const saved: InstancesPanelState = {
      resultsDir: RESULTS_DIR,
      datasetId: DATASET.id,
      query: { filter: { status: 'valid', metrics: [] }, sort: { column: 'slot', dir: 'desc' } },
      scrollIndex: 260,
      selectedSlot: 9_700,
      view: 'compare',
    };
    const { p, host } = await start({ initialState: saved }, 10_000, undefined, false);
    await until('compare of the saved slot', () => host.of('compare').some((r) => r.params.slot === 9_700));
    await until('compare columns', async () => (await js<number>(p, `document.querySelectorAll('#compare-grid .compare-col').length`)) === SIBLINGS.length);
    assert.equal(host.of('rows').length, 0, 'no rows fetched while the table was hidden');
    await p.page.keyboard.press('Escape');
    await until('back to the table', async () => (await js(p, `document.getElementById('split').hidden`)) === false);
    const first = await until('rows of the saved query', () => host.of('rows')[0]);
    assert.deepEqual(first.params.query, saved.query);
    await until('restored detail', async () => (await text(p, '#detail-title')).startsWith('Slot 9700 '));
    await until('restored selection', async () => (await selectedSlot(p)) === 9_700);
    const expectedIndex = host.select(saved.query).findIndex((r) => r.slot === 9_700);
    assert.ok(expectedIndex > 260 && expectedIndex < 280, 'the saved row is not in the first screen');
    assert.equal(Math.round((await scrollTop(p)) / 28), 260, 'scrolled to the saved row index');
    assert.equal(await js(p, `document.querySelector('[data-status="valid"]').getAttribute('aria-pressed')`), 'true');
    // a change is saved at once
    await p.page.click('[data-status="failed"]');
    await until('saved', async () => ((await p.state()) as InstancesPanelState).query.filter.status === 'failed');
    const state = (await p.state()) as InstancesPanelState;
    assert.equal(state.selectedSlot, 9_700);
    assert.equal(state.view, 'table');
    assert.equal(state.datasetId, DATASET.id);
  });

  it('shows request errors in a dismissible banner and a host error as a full-panel message', async () => {
    const { p, host } = await start();
    host.failing.add('detail');
    await p.page.click('#grid-body .row[data-slot="1"]');
    await until('banner', async () => (await text(p, '#banner')).includes('the store is locked (detail)'));
    await p.page.click('#banner button');
    assert.equal(await js(p, `document.getElementById('banner').hidden`), true);
    await host.send({ type: 'error', message: 'The dataset was deleted.' });
    await until('fatal message', async () => (await text(p, '#fatal')).includes('The dataset was deleted.'));
    assert.equal(await js(p, `document.querySelector('.shell').hidden`), true);
  });

  it('keeps status badges at WCAG AA contrast in light, dark and high contrast (screenshots)', async () => {
    const o = await start();
    await selectSlot(o, MARKDOWN_SLOT);
    const { p } = o;
    // contrast of the badge text against its own (opaque) background, as computed by the browser
    const contrast = () =>
      js<Record<string, number>>(
        p,
        `(() => {
          const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
          const rgb = (css) => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = '#000'; ctx.fillStyle = css; ctx.fillRect(0, 0, 1, 1); return [...ctx.getImageData(0, 0, 1, 1).data]; };
          const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
          const out = {};
          for (const kind of ['valid', 'failed']) {
            const el = document.querySelector('#grid-body .badge.' + kind);
            const cs = getComputedStyle(el);
            const bg = rgb(cs.backgroundColor);
            if (bg[3] !== 255) throw new Error('badge background is not opaque: ' + cs.backgroundColor);
            const a = lum(rgb(cs.color)), b = lum(bg);
            out[kind] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          }
          out.sameColour = document.querySelector('#grid-body .badge.valid') && getComputedStyle(document.querySelector('#grid-body .badge.valid')).backgroundColor === getComputedStyle(document.querySelector('#grid-body .badge.failed')).backgroundColor ? 1 : 0;
          return out;
        })()`,
      );
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      await p.setTheme(theme);
      const c = await contrast();
      assert.ok(c.valid! >= 4.5 && c.failed! >= 4.5, `${theme}: ${JSON.stringify(c)}`);
      if (theme !== 'high-contrast') assert.equal(c.sameColour, 0, `${theme}: valid and failed differ in colour`);
      await p.screenshot(`instances-${theme}`);
    }
    assert.deepEqual(await js<string[]>(p, `[...new Set([...document.querySelectorAll('#grid-body .badge')].map((b) => b.textContent))].sort()`), ['✓ valid', '✗ failed']);
    assert.deepEqual(await p.violations(), []);
  });
});
