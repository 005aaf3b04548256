// The scatter panel with every instance of the bench store: its two judge metrics paired by the
// browse worker (as the extension's scatter data source does), sent to the panel, drawn. Times:
// the worker's pairing, posting → "drawn" in the status line, and the chart's own build + draw.
import type { Browser } from 'playwright-core';
import type { BrowseClient, BrowseDataset } from '../src/core/browse';
import type { HostMessage, PointsResult, WebviewMessage } from '../src/protocol/scatterProtocol';
import { openPanel } from '../test/webview/harness';
import { serve } from './panelsBrowser';

export async function scatterFigure(browser: Browser, client: BrowseClient, dataset: BrowseDataset): Promise<Record<string, unknown>> {
  const p = await openPanel(browser, { panel: 'scatter', viewport: { width: 1400, height: 900 } });
  let pairMs = 0;
  let posted = 0;
  const host = serve(p.page, async (raw) => {
    const m = raw as WebviewMessage;
    if (m.type === 'ready') return { type: 'init', resultsDir: '/bench', run: dataset.info.run } satisfies HostMessage;
    if (m.type !== 'request') return undefined;
    if (m.method === 'axes') {
      const cols = await client.request('columns', dataset, {});
      return { type: 'response', id: m.id, method: 'axes', ok: true, result: { instance: cols.map((c) => ({ key: c.key, label: c.label, n: c.n, datasets: 1 })), dataset: [], datasetCount: 1 } } satisfies HostMessage;
    }
    if (m.method === 'points') {
      const t0 = performance.now();
      const pts = await client.request('points', dataset, { x: `metric:${m.params.x}`, y: `metric:${m.params.y}` });
      // metric values are small integers: a little jitter keeps 100K points from collapsing onto 25
      const jitter = (i: number) => ((i * 2654435761) % 1000) / 2500 - 0.2;
      const result: PointsResult = {
        ...m.params,
        groups: [{ datasetId: dataset.info.id, generator: dataset.info.generator, setting: dataset.info.setting, slots: Array.from(pts.slots), x: Array.from(pts.x, (v, i) => v + jitter(i)), y: Array.from(pts.y, (v, i) => v + jitter(i + 7)) }],
        total: pts.slots.length,
        truncated: 0,
      };
      pairMs = performance.now() - t0;
      posted = performance.now();
      return { type: 'response', id: m.id, method: 'points', ok: true, result } satisfies HostMessage;
    }
    return { type: 'response', id: m.id, method: m.method, ok: false, error: 'not in the bench' } satisfies HostMessage;
  });
  try {
    await p.page.locator('#message', { hasText: 'drawn in' }).waitFor({ timeout: 120_000 });
    const scatterRenderMs = Math.round(performance.now() - posted);
    const chartDrawMs = Math.round(await p.page.evaluate<number>('window.agorabenchScatter.renderMs()'));
    const redrawMs = Math.round(await p.page.evaluate<number>('window.agorabenchScatter.redrawMs()'));
    const points = Number((await p.page.locator('#message').innerText()).match(/([\d,]+) instances/)?.[1]?.replace(/,/g, '') ?? 0);
    return { scatterRenderMs, scatter: { points, workerPairMs: Math.round(pairMs), chartDrawMs, redrawMs } };
  } finally {
    host.stop();
    await p.page.close();
  }
}
