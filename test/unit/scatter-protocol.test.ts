// The Metric Scatter panel's message validators: everything the host accepts from the webview,
// and the state VS Code hands back after a reload.
import * as assert from 'node:assert/strict';
import { MAX_PNG_DATA_URL, MAX_SELECTED_SLOTS, axisLabel, parsePanelState, parseWebviewMessage } from '../../src/protocol/scatterProtocol';

const req = (method: string, params: unknown, id: unknown = 1) => ({ type: 'request', id, method, params });
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('scatter protocol', () => {
  it('accepts each well-formed message', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage(req('axes', {})), { type: 'request', id: 1, method: 'axes', params: {} });
    const q = { level: 'instance', x: 'quality@j#v1', y: 'instruction_words@lexical' };
    assert.deepEqual(parseWebviewMessage(req('points', q, 7)), { type: 'request', id: 7, method: 'points', params: q });
    assert.deepEqual(parseWebviewMessage(req('exportCsv', { ...q, level: 'dataset', extra: 1 })), { type: 'request', id: 1, method: 'exportCsv', params: { ...q, level: 'dataset' } });
    assert.deepEqual(parseWebviewMessage(req('exportPng', { dataUrl: PNG })), { type: 'request', id: 1, method: 'exportPng', params: { dataUrl: PNG } });
    assert.deepEqual(parseWebviewMessage(req('reveal', { datasetId: 'r__g__s', slot: 3 })), { type: 'request', id: 1, method: 'reveal', params: { datasetId: 'r__g__s', slot: 3 } });
    assert.deepEqual(parseWebviewMessage(req('reveal', { datasetId: 'r__g__s' })), { type: 'request', id: 1, method: 'reveal', params: { datasetId: 'r__g__s' } });
    const parts = [{ datasetId: 'a', slots: [1, 2] }, { datasetId: 'b', slots: [0] }];
    assert.deepEqual(parseWebviewMessage(req('showSelection', { parts })), { type: 'request', id: 1, method: 'showSelection', params: { parts } });
    assert.deepEqual(parseWebviewMessage(req('markSelectionBad', { parts })), { type: 'request', id: 1, method: 'markSelectionBad', params: { parts } });
    assert.equal(parseWebviewMessage(req('markSelectionBad', { parts: [{ datasetId: 'a', slots: [-1] }] })), undefined);
  });

  it('rejects malformed messages', () => {
    const q = { level: 'instance', x: 'a', y: 'b' };
    const bad: unknown[] = [
      null,
      42,
      'ready',
      [],
      {},
      { type: 'init' },
      { type: 'request', id: 1, method: 'axes' }, // no params
      req('axes', {}, '1'),
      req('axes', {}, 1.5),
      req('axes', {}, -1),
      req('nope', {}),
      req('points', { ...q, level: 'slot' }),
      req('points', { ...q, x: '' }),
      req('points', { ...q, y: 'k'.repeat(301) }),
      req('points', { ...q, x: 3 }),
      req('exportCsv', { level: 'instance' }),
      req('exportPng', { dataUrl: 'data:image/jpeg;base64,AAAA' }),
      req('exportPng', { dataUrl: 'data:image/png;base64,' }),
      req('exportPng', { dataUrl: 'data:image/png;base64,<script>' }),
      req('exportPng', { dataUrl: 'data:image/png;base64,' + 'A'.repeat(MAX_PNG_DATA_URL) }),
      req('exportPng', {}),
      req('reveal', { slot: 1 }),
      req('reveal', { datasetId: 'a', slot: -1 }),
      req('reveal', { datasetId: 'a', slot: 1.5 }),
      req('reveal', { datasetId: 'a', slot: '1' }),
      req('reveal', { datasetId: '', slot: 1 }),
      req('showSelection', { parts: [] }),
      req('showSelection', { parts: 'a' }),
      req('showSelection', { parts: [{ datasetId: 'a', slots: [] }] }),
      req('showSelection', { parts: [{ datasetId: 'a', slots: [1, 'x'] }] }),
      req('showSelection', { parts: [{ datasetId: 'a', slots: [-2] }] }),
      req('showSelection', { parts: [{ slots: [1] }] }),
      req('showSelection', { parts: [{ datasetId: 'a', slots: Array.from({ length: MAX_SELECTED_SLOTS + 1 }, (_, i) => i) }] }),
      req('showSelection', {
        parts: [
          { datasetId: 'a', slots: Array.from({ length: MAX_SELECTED_SLOTS / 2 + 1 }, (_, i) => i) },
          { datasetId: 'b', slots: Array.from({ length: MAX_SELECTED_SLOTS / 2 }, (_, i) => i) },
        ],
      }),
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m)?.slice(0, 120));
  });

  it('restores panel state with defaults, and refuses state without a results folder', () => {
    assert.deepEqual(parsePanelState({ resultsDir: '/r', run: 'x' }), { resultsDir: '/r', run: 'x', level: 'instance', colourBy: 'generator', mode: 'pan' });
    const full = { resultsDir: '/r', run: '', level: 'dataset', x: 'a', y: 'b', colourBy: 'setting', mode: 'select', zoom: { xMin: 0, xMax: 1, yMin: -1, yMax: 2 } };
    assert.deepEqual(parsePanelState(full), full);
    // bad fields fall back; a reversed zoom is dropped
    assert.deepEqual(parsePanelState({ resultsDir: '/r', run: 'x', level: 'slot', colourBy: 'model', mode: 'x', x: 5, zoom: { xMin: 2, xMax: 1, yMin: 0, yMax: 1 } }), {
      resultsDir: '/r',
      run: 'x',
      level: 'instance',
      colourBy: 'generator',
      mode: 'pan',
    });
    for (const bad of [undefined, null, 'state', {}, { resultsDir: '', run: 'x' }, { resultsDir: '/r' }, { resultsDir: 3, run: 'x' }]) assert.equal(parsePanelState(bad), undefined);
  });

  it('labels metric keys briefly', () => {
    assert.equal(axisLabel('quality@gpt-4o#agb-rubric-1'), 'quality @ gpt-4o');
    assert.equal(axisLabel('instruction_nn_cosine@emb:text-embedding-3-small'), 'instruction_nn_cosine @ embeddings text-embedding-3-small');
    assert.equal(axisLabel('column:costUsd'), 'dataset costUsd');
    assert.equal(axisLabel('plain'), 'plain');
  });
});
