// The Instances panel's built bundle in a real browser: handshake, rendering, keyset paging,
// status filter, detail view, error path, state restore, and the CSP of the shared HTML helper.
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { DatasetView, HostMessage, InstanceView, PageParams, WebviewMessage } from '../../src/protocol/instancesProtocol';
import { launchBrowser, openPanel, type PanelPage } from './harness';

type PageRequest = Extract<WebviewMessage, { type: 'request' }>;

const DATASET: DatasetView = {
  id: 'run__gen__instance_generation.math',
  run: 'run',
  generator: 'gen',
  model: 'gpt-test',
  setting: 'instance_generation.math',
  status: 'running',
  target: 120,
  valid: 55,
  failed: 5,
  costUsd: 0.0123,
};

function instance(slot: number, status: 'valid' | 'failed' = 'valid'): InstanceView {
  return {
    id: `${DATASET.id}/${String(slot).padStart(6, '0')}`,
    slot,
    status,
    instruction: `Instruction number ${slot}: how many apples are left?`,
    response: status === 'valid' ? `Response ${slot}. The answer is ${slot * 2}.` : '',
    reasons: status === 'failed' ? [`parse: no OUTPUT trigger in slot ${slot}`, 'length: too long'] : [],
    attempts: status === 'failed' ? 11 : 1,
    inputTokens: 500 + slot,
    outputTokens: 80,
    costUsd: 0.0001,
    latencyMs: 120,
    finishedAt: '2026-11-25T09:00:00.000Z',
  };
}

const range = (from: number, to: number, status: 'valid' | 'failed' = 'valid') => Array.from({ length: to - from }, (_, i) => instance(from + i, status));
const isPageRequest = (m: WebviewMessage): m is PageRequest => m.type === 'request' && m.method === 'page';

/** Plays the host's side of the handshake: waits for `ready`, sends `init`, returns the first page request. */
async function handshake(p: PanelPage, dataset = DATASET): Promise<PageRequest> {
  await p.waitForPost<WebviewMessage>((m) => m.type === 'ready');
  const init: HostMessage = { type: 'init', dataset, resultsDir: '/ws/.agorabench', pageSize: 50 };
  await p.send(init);
  return p.waitForPost<WebviewMessage>(isPageRequest) as Promise<PageRequest>;
}

/** Answers a request and returns the next page request posted after it. */
async function answer(p: PanelPage, req: PageRequest, rows: InstanceView[], more: { hasPrevious: boolean; hasNext: boolean }): Promise<void> {
  const res: HostMessage = { type: 'response', id: req.id, method: 'page', ok: true, result: { rows, ...more } };
  await p.send(res);
}

async function nextRequest(p: PanelPage, after: PageRequest, action: () => Promise<void>): Promise<PageRequest> {
  const from = (await p.posted()).length;
  await action();
  const req = (await p.waitForPost<WebviewMessage>(isPageRequest, from)) as PageRequest;
  assert.ok(req.id > after.id, 'request ids increase');
  return req;
}

const rowSlots = (p: PanelPage) => p.page.locator('#rows tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-slot'))));

describe('Instances webview (chromium)', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser.close());

  it('completes ready → init, renders a page, and pages with keyset cursors', async () => {
    const p = await openPanel(browser, { panel: 'instances' });
    const first = await handshake(p);
    assert.deepEqual(first.params, { filter: 'all', cursor: {}, limit: 50 } satisfies PageParams);
    await answer(p, first, range(0, 50), { hasPrevious: false, hasNext: true });
    await p.page.locator('#rows tbody tr').nth(49).waitFor();
    assert.deepEqual(await rowSlots(p), range(0, 50).map((r) => r.slot));
    const body = await p.page.locator('body').innerText();
    assert.match(body, /gen · instance_generation\.math/);
    assert.match(body, /55 valid/);
    assert.match(body, /Instruction number 0: how many apples/);
    assert.equal(await p.page.locator('#prev').evaluate((b) => (b as unknown as { disabled: boolean }).disabled), true);

    const next = await nextRequest(p, first, () => p.page.locator('#next').click());
    assert.deepEqual(next.params, { filter: 'all', cursor: { afterSlot: 49 }, limit: 50 });
    await answer(p, next, range(50, 60), { hasPrevious: true, hasNext: false });
    await p.page.locator('#rows tbody tr[data-slot="59"]').waitFor();
    assert.deepEqual(await rowSlots(p), range(50, 60).map((r) => r.slot));
    assert.equal(await p.page.locator('#next').evaluate((b) => (b as unknown as { disabled: boolean }).disabled), true);

    const prev = await nextRequest(p, next, () => p.page.locator('#prev').click());
    assert.deepEqual(prev.params, { filter: 'all', cursor: { beforeSlot: 50 }, limit: 50 });
    assert.deepEqual(await p.state(), { resultsDir: '/ws/.agorabench', datasetId: DATASET.id, filter: 'all', cursor: { afterSlot: 49 } });
    assert.deepEqual(p.foreignRequests, []);
    await p.page.close();
  });

  it('filters by status from the select and shows a failed instance in detail', async () => {
    const p = await openPanel(browser, { panel: 'instances' });
    const first = await handshake(p);
    await answer(p, first, range(0, 5), { hasPrevious: false, hasNext: false });
    await p.page.locator('#rows tbody tr').nth(4).waitFor();

    const filtered = await nextRequest(p, first, async () => {
      await p.page.locator('#filter').click();
      await p.page.getByRole('option', { name: 'Failed' }).click();
    });
    assert.deepEqual(filtered.params, { filter: 'failed', cursor: {}, limit: 50 });
    await answer(p, filtered, [instance(7, 'failed'), instance(12, 'failed')], { hasPrevious: false, hasNext: false });
    await p.page.locator('#rows tbody tr[data-slot="12"]').waitFor();
    assert.deepEqual(await rowSlots(p), [7, 12]);

    await p.page.locator('#rows tbody tr[data-slot="12"]').click();
    const detail = await p.page.locator('#detail').innerText();
    assert.match(detail, /Slot 12/);
    assert.match(detail, /Failure reasons/);
    assert.match(detail, /parse: no OUTPUT trigger in slot 12/);
    assert.match(detail, /Instruction number 12: how many apples are left\?/);
    assert.match(detail, /512 in \/ 80 out/);
    const state = (await p.state()) as { filter: string; selectedSlot: number };
    assert.equal(state.filter, 'failed');
    assert.equal(state.selectedSlot, 12);
    await p.page.close();
  });

  it('shows the error of a failed request and reloads its page when the dataset changes', async () => {
    const p = await openPanel(browser, { panel: 'instances' });
    const first = await handshake(p);
    await p.send({ type: 'response', id: first.id, method: 'page', ok: false, error: 'dataset is gone' } satisfies HostMessage);
    await p.page.getByText('dataset is gone').waitFor();

    const again = await nextRequest(p, first, () => p.send({ type: 'datasetChanged', dataset: { ...DATASET, valid: 60 } } satisfies HostMessage));
    assert.deepEqual(again.params.cursor, {});
    await answer(p, again, range(0, 3), { hasPrevious: false, hasNext: false });
    await p.page.locator('#rows tbody tr').nth(2).waitFor();
    assert.equal(await p.page.getByText('dataset is gone').count(), 0);
    assert.match(await p.page.locator('#counts').innerText(), /60 valid/);
    await p.page.close();
  });

  it('restores filter, cursor and selection from saved state', async () => {
    const saved = { resultsDir: '/ws/.agorabench', datasetId: DATASET.id, filter: 'valid', cursor: { afterSlot: 10 }, selectedSlot: 12 };
    const p = await openPanel(browser, { panel: 'instances', initialState: saved });
    const first = await handshake(p);
    assert.deepEqual(first.params, { filter: 'valid', cursor: { afterSlot: 10 }, limit: 50 });
    await answer(p, first, range(11, 20), { hasPrevious: true, hasNext: false });
    await p.page.locator('#detail').getByText('Slot 12').waitFor();
    assert.equal(await p.page.locator('tr.selected').getAttribute('data-slot'), '12');
    await p.page.close();
  });

  it('runs only the nonce script under the helper\'s CSP, with styled @vscode-elements', async () => {
    const p = await openPanel(browser, { panel: 'instances', inject: '<script>window.__inlineRan = true;</script>' });
    await handshake(p);
    const csp = await p.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'/);
    assert.match(csp ?? '', /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.equal(await p.page.evaluate<unknown>('window.__inlineRan'), undefined, 'the inline script without nonce was blocked');
    const violations = await p.violations();
    assert.ok(violations.some((v) => v.startsWith('script-src')), violations.join('\n'));
    assert.ok(violations.every((v) => v.startsWith('script-src') && v.endsWith('inline')), `only the injected script was blocked: ${violations.join('\n')}`);
    // the components are defined and styled (Lit's adopted stylesheets are allowed by the CSP)
    const styled = await p.page.evaluate<boolean>(
      "customElements.get('vscode-button') !== undefined && document.querySelector('#next').shadowRoot.adoptedStyleSheets.length > 0",
    );
    assert.equal(styled, true);
    const padding = await p.page.evaluate<string>("getComputedStyle(document.body).paddingLeft");
    assert.equal(padding, '16px', 'the panel stylesheet loaded from the webview origin');
    assert.deepEqual(p.foreignRequests, []);
    await p.page.close();
  });
});
