// The editor side of annotations, its pure half: virtual document lines and paths, line ↔ slot
// maps, matching a user's JSONL lines by content hash, decorations per line, compact metrics and
// the lines a selection covers.
import * as assert from 'node:assert/strict';
import { contentHashOf, type Annotation } from '../../src/core';
import {
  MatchedLinesMap,
  SlotOrderMap,
  badMessage,
  compactMetrics,
  datasetDocPath,
  decorationLines,
  instanceIdOf,
  instanceLine,
  pairOf,
  parseDatasetDocPath,
  scanUserLines,
  selectedLines,
} from '../../src/extension/annotations/lineModel';

const ann = (datasetId: string, slot: number, label: Annotation['label'], hash: string, extra: Partial<Annotation> = {}): Annotation => ({
  instance: instanceIdOf(datasetId, slot),
  hash,
  label,
  author: 'ann',
  time: '2026-01-01T00:00:00.000Z',
  batch: 'b1',
  slot,
  ...extra,
});

describe('annotations in the editor (pure)', () => {
  it('names a dataset document by results folder and id, and back', () => {
    const p = datasetDocPath('/w/.agorabench/', 'run__gen__instance_generation.math');
    assert.equal(p, '/w/.agorabench/run__gen__instance_generation.math.jsonl');
    assert.deepEqual(parseDatasetDocPath(p), { resultsDir: '/w/.agorabench', datasetId: 'run__gen__instance_generation.math' });
    assert.equal(parseDatasetDocPath('/w/x.json'), undefined);
  });

  it('writes one JSON line per instance, failed ones with their last reason', () => {
    const valid = JSON.parse(instanceLine({ slot: 3, id: 'd/000003', status: 'valid', instruction: 'Q\nline', response: 'A', reasons: [] })) as Record<string, unknown>;
    assert.deepEqual(valid, { slot: 3, id: 'd/000003', status: 'valid', instruction: 'Q\nline', response: 'A' });
    const failed = JSON.parse(instanceLine({ slot: 4, id: 'd/000004', status: 'failed', instruction: '', response: '', reasons: ['first', 'length (paper): too long'] })) as Record<string, unknown>;
    assert.equal(failed.reason, 'length (paper): too long');
    assert.ok(!instanceLine({ slot: 1, id: 'x', status: 'valid', instruction: 'a\nb', response: 'c', reasons: [] }).includes('\n'));
  });

  it('maps lines to slots in slot order (with gaps) and slots back to lines', () => {
    const map = new SlotOrderMap(Int32Array.from([0, 1, 4, 7]), Uint8Array.from([0, 1, 0, 0]), ['h0', '', 'h4', 'h7']);
    assert.equal(map.lineCount, 4);
    assert.deepEqual(map.at(2), { line: 2, ref: 0, slot: 4, status: 'valid', hash: 'h4' });
    assert.equal(map.at(1)?.status, 'failed');
    assert.equal(map.at(4), undefined);
    assert.deepEqual(map.linesOf(0, 7), [3]);
    assert.deepEqual(map.linesOf(0, 5), []);
    assert.deepEqual(map.linesOf(1, 7), []);
  });

  it('reads an instance pair from our lines and every export format', () => {
    assert.deepEqual(pairOf({ instruction: 'q', response: 'a', slot: 1 }), { instruction: 'q', response: 'a' });
    assert.deepEqual(pairOf({ instruction: 'q', input: '', output: 'a' }), { instruction: 'q', response: 'a' });
    assert.equal(pairOf({ instruction: 'q', input: 'more', output: 'a' }), undefined);
    assert.deepEqual(
      pairOf({
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      }),
      { instruction: 'q', response: 'a' },
    );
    assert.equal(pairOf([1, 2]), undefined);
    assert.equal(pairOf({ text: 'x' }), undefined);
  });

  it('hashes each line of a user file and reports the lines that are not JSON', () => {
    const text = [JSON.stringify({ instruction: 'q1', response: 'a1' }), '{"instruction": "broken', '', JSON.stringify({ other: 1 }), JSON.stringify({ instruction: 'q2', input: '', output: 'a2' }) + '\r'].join('\n');
    const scan = scanUserLines(text);
    assert.equal(scan.lineCount, 5);
    assert.deepEqual([...scan.hashes], [
      [0, contentHashOf('q1', 'a1')],
      [4, contentHashOf('q2', 'a2')],
    ]);
    assert.equal(scan.malformed.length, 1);
    assert.equal(scan.malformed[0]?.index, 1);
    assert.match(scan.malformed[0]?.message ?? '', /^line 2: not JSON: /);
  });

  it('computes which lines get which decoration: failed, bad, good, stale', () => {
    const id = 'ds';
    const map = new SlotOrderMap(Int32Array.from([0, 1, 2, 3, 5]), Uint8Array.from([0, 1, 0, 0, 0]), ['h0', '', 'h2', 'h3', 'h5']);
    const latest = new Map<string, Annotation>([
      [instanceIdOf(id, 0), ann(id, 0, 'bad', 'h0', { reason: 'formatting' })],
      [instanceIdOf(id, 2), ann(id, 2, 'good', 'h2')],
      [instanceIdOf(id, 3), ann(id, 3, 'bad', 'old-hash', { reason: 'other' })],
      [instanceIdOf(id, 9), ann(id, 9, 'bad', 'h9', { reason: 'other' })],
    ]);
    assert.deepEqual(decorationLines(map, [id], [latest]), { failed: [1], bad: [0, 3], good: [2], stale: [3], lowScore: [], nearDuplicate: [] });
    assert.deepEqual(decorationLines(map, [id], [undefined]), { failed: [1], bad: [], good: [], stale: [], lowScore: [], nearDuplicate: [] });
    // metric flags are by slot; lines follow the map
    const flags = { lowScore: new Set([map.at(2)?.slot ?? -1]), nearDuplicate: new Set([map.at(0)?.slot ?? -1, map.at(3)?.slot ?? -1]) };
    assert.deepEqual(decorationLines(map, [id], [undefined], [flags]), { failed: [1], bad: [], good: [], stale: [], lowScore: [2], nearDuplicate: [0, 3] });
  });

  it('decorates a user file by the dataset each matched line belongs to', () => {
    const map = new MatchedLinesMap(6, [
      { line: 1, ref: 0, slot: 4, status: 'valid', hash: 'a' },
      { line: 3, ref: 1, slot: 4, status: 'valid', hash: 'b' },
      { line: 5, ref: 0, slot: 4, status: 'valid', hash: 'a' },
    ]);
    assert.deepEqual(map.linesOf(0, 4), [1, 5]);
    const latest0 = new Map([[instanceIdOf('d0', 4), ann('d0', 4, 'bad', 'a', { reason: 'unsafe' })]]);
    const latest1 = new Map([[instanceIdOf('d1', 4), ann('d1', 4, 'good', 'b')]]);
    assert.deepEqual(decorationLines(map, ['d0', 'd1'], [latest0, latest1]), { failed: [], bad: [1, 5], good: [3], stale: [], lowScore: [], nearDuplicate: [] });
  });

  it('formats bad samples, compact metrics and selected lines', () => {
    assert.equal(badMessage(ann('d', 1, 'bad', 'h', { reason: 'incorrect-answer', note: 'off by one' }), false), 'Bad sample: Incorrect answer — off by one');
    assert.match(badMessage(ann('d', 1, 'bad', 'h', { reason: 'ill-posed' }), true), /Ill-posed or unsolvable \(stale/);
    assert.equal(compactMetrics({ 'judge.quality@gpt-4o': 4, 'judge.difficulty@gpt-4o': 2, 'lexical.length': 123.456, z: null }), 'difficulty 2 · quality 4 · length 123');
    assert.equal(compactMetrics({}), '');
    assert.equal(compactMetrics({ 'a.words': 3, 'b.len': 2, 'c.x': 1, 'quality@judge:m/r': 5 }), 'quality 5 · words 3 · len 2');
    const sel = (a: number, b: number, c: number) => ({ start: { line: a }, end: { line: b, character: c }, isEmpty: a === b && c === 0 });
    assert.deepEqual(selectedLines([sel(2, 2, 0), sel(4, 6, 0), sel(5, 7, 3)]), [2, 4, 5, 6, 7]);
  });
});
