// The panels in headless chromium against the real engine: the instance browser's first paint
// (the median of 3 cold ones: a new page → first rows on screen, its requests answered by the
// browse worker over the bench store) and a scatter of every instance's two metrics (points sent
// → chart drawn). The host side is played here the way the extension plays it: the same
// protocol, the same worker.
import type { Browser, Page } from 'playwright-core';
import { BrowseClient, type BrowseDataset } from '../src/core/browse';
import { DEFAULT_QUERY, type HostMessage as InstancesHost, type WebviewMessage as InstancesMessage } from '../src/protocol/instancesProtocol';
import { launchBrowser, openPanel } from '../test/webview/harness';
import { scatterFigure } from './panelsScatter';

/** Polls what the page posted and hands each new message to `answer` (replies posted as they are ready), until `stop()`. */
export function serve(page: Page, answer: (m: unknown) => Promise<unknown> | undefined): { stop(): void } {
  let seen = 0;
  let running = true;
  void (async () => {
    while (running) {
      const posted = await page.evaluate<unknown[]>('window.__posted').catch(() => []);
      // answered concurrently, as the extension host does: a slow request never holds up a quick one
      for (const m of posted.slice(seen)) {
        void Promise.resolve(answer(m)).then(
          (reply) => (reply === undefined || !running ? undefined : page.evaluate(`window.postMessage(${JSON.stringify(reply)}, '*')`).catch(() => undefined)),
          // a request still open when the measure ends (the metric keys of a large store) is dropped with its worker
          () => undefined,
        );
      }
      seen = posted.length;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return { stop: () => (running = false) };
}

/** How long the host waits for the prefetched first page before sending init without it (as instancesPanel.ts). */
const FIRST_PAGE_WAIT_MS = 300;

/** One cold first paint: a fresh worker (the store not open), a new page, the host's prefetch. */
async function firstPaint(browser: Browser, dataset: BrowseDataset, n: number): Promise<number> {
  const client = new BrowseClient();
  try {
    const t0 = performance.now();
    // as the extension does: the store opens in the worker while the webview loads
    const prefetch = client.request('rows', dataset, { query: DEFAULT_QUERY, offset: 0, limit: 200 });
    const p = await openPanel(browser, { panel: 'instances', viewport: { width: 1400, height: 900 } });
    const host = serve(p.page, async (raw) => {
      const m = raw as InstancesMessage;
      if (m.type === 'ready') {
        // as the extension does: the prefetched first page goes with init when it is there in time
        const firstPage = await Promise.race([prefetch, new Promise<undefined>((r) => setTimeout(() => r(undefined), FIRST_PAGE_WAIT_MS))]);
        const reply: InstancesHost = {
          type: 'init',
          dataset: { id: dataset.info.id, run: dataset.info.run, generator: dataset.info.generator, model: dataset.info.model ?? '', setting: dataset.info.setting, status: 'completed', target: n, valid: n, failed: 0, costUsd: 0, kind: 'generation' },
          resultsDir: '/bench',
          pageSize: 200,
          siblings: [{ datasetId: dataset.info.id, generator: dataset.info.generator }],
          ...(firstPage ? { firstPage } : {}),
        };
        return reply;
      }
      if (m.type !== 'request') return undefined;
      const result =
        m.method === 'rows'
          ? await client.request('rows', dataset, m.params)
          : m.method === 'columns'
            ? { metrics: await client.request('columns', dataset, {}) }
            : m.method === 'detail'
              ? await client.request('detail', dataset, m.params)
              : m.method === 'indexOf'
                ? await client.request('indexOf', dataset, m.params)
                : null;
      return { type: 'response', id: m.id, method: m.method, ok: true, result };
    });
    await p.page.waitForSelector('.row[data-index="0"]', { timeout: 60_000 });
    const ms = Math.round(performance.now() - t0);
    host.stop();
    await p.page.close();
    await prefetch;
    return ms;
  } finally {
    await client.dispose().catch(() => undefined);
  }
}

export async function browserFigures(dataset: BrowseDataset, n: number): Promise<Record<string, unknown>> {
  const browser = await launchBrowser();
  const client = new BrowseClient();
  try {
    // VS Code's browser is running long before a panel opens: start chromium's renderer once
    const warm = await browser.newPage();
    await warm.close();
    const paints: number[] = [];
    for (let i = 0; i < 3; i++) paints.push(await firstPaint(browser, dataset, n));
    const firstPaintMs = [...paints].sort((a, b) => a - b)[1] as number;
    const scatter = await scatterFigure(browser, client, dataset);
    return { firstPaintMs, firstPaintRunsMs: paints, ...scatter };
  } finally {
    await client.dispose();
    await browser.close();
  }
}
