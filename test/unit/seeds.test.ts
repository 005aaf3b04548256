import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '../../src/core/errors';
import { fetchData } from '../../src/core/seeds/fetchData';
import { hfOfflineName, loadSeeds } from '../../src/core/seeds/loadSeeds';
import { formatFromName, parseSeeds, type SeedParseOptions } from '../../src/core/seeds/parse';
import type { Example } from '../../src/core/types';
import { tempDirs } from './helpers/engine';

const SHARED_DATA = path.resolve(__dirname, '../../../shared/data');

function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DataError');
}

async function dataErrorAsync(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DataError');
}

const opts = (format: SeedParseOptions['format'], extra: Partial<SeedParseOptions> = {}): SeedParseOptions => ({
  format,
  label: 'seeds.file',
  needResponse: true,
  ...extra,
});

describe('seeds: parseSeeds', () => {
  describe('formats', () => {
    it('a JSON array', () => {
      const rows = parseSeeds(JSON.stringify([{ instruction: 'i1', response: 'r1' }, { instruction: 'i2', response: 'r2' }]), opts('json'));
      assert.deepEqual(rows, [
        { instruction: 'i1', response: 'r1' },
        { instruction: 'i2', response: 'r2' },
      ]);
    });

    it('a {"data": [...]} wrapper (and "rows")', () => {
      assert.deepEqual(parseSeeds('{"data": [{"instruction": "i", "response": "r"}]}', opts('json')), [{ instruction: 'i', response: 'r' }]);
      assert.deepEqual(parseSeeds('{"meta": 1, "rows": [{"instruction": "i", "response": "r"}]}', opts('json')), [{ instruction: 'i', response: 'r' }]);
      const e = dataError(() => parseSeeds('{"items": []}', opts('json')));
      assert.match(e.message, /expected a JSON array/);
    });

    it('JSONL, skipping blank lines', () => {
      const text = '{"instruction": "i1", "response": "r1"}\n\n{"instruction": "i2", "response": "r2"}\n';
      assert.deepEqual(parseSeeds(text, opts('jsonl')), [
        { instruction: 'i1', response: 'r1' },
        { instruction: 'i2', response: 'r2' },
      ]);
    });

    it('an invalid JSONL line names its line number', () => {
      const text = '{"instruction": "i1", "response": "r1"}\n\n{"instruction": "i2", "response": \n{"instruction": "i3", "response": "r3"}\n';
      const e = dataError(() => parseSeeds(text, opts('jsonl')));
      assert.equal(e.where, 'seeds.file:3');
      assert.match(e.message, /^seeds\.file:3: invalid JSON on this line/);
    });

    it('invalid JSON names the line and column', () => {
      const e = dataError(() => parseSeeds('[\n  {"instruction": "i"},\n  {"instruction" "x"}\n]', opts('json')));
      assert.match(e.where ?? '', /^seeds\.file:3:\d+$/);
    });

    it('CSV with quoted multi-line fields', () => {
      const text = 'question,answer\n"What is\nthe ""sum""?","It is\n4"\nsimple,plain\n';
      assert.deepEqual(parseSeeds(text, opts('csv')), [
        { instruction: 'What is\nthe "sum"?', response: 'It is\n4' },
        { instruction: 'simple', response: 'plain' },
      ]);
    });

    it('CSV: a bad row after multi-line rows is reported at its own line', () => {
      const text = 'question,answer\n"multi\nline\nquestion","a1"\nq2,a2\nq3,\nq4,a4\n';
      const e = dataError(() => parseSeeds(text, opts('csv')));
      assert.equal(e.where, 'seeds.file:6');
      assert.match(e.message, /missing response/);
    });

    it('CSV: a bad multi-line row is reported at the line where it starts', () => {
      const text = 'question,answer\nq1,a1\n,"an answer\nwithout a\nquestion"\nq3,a3\n';
      const e = dataError(() => parseSeeds(text, opts('csv')));
      assert.match(e.message, /missing instruction/);
      assert.equal(e.where, 'seeds.file:3');
    });

    it('CSV with a wrong column count names the line', () => {
      const e = dataError(() => parseSeeds('question,answer\n"a\nb",c\nq,a,extra\n', opts('csv')));
      assert.equal(e.where, 'seeds.file:4');
      assert.match(e.message, /invalid CSV/);
    });

    it('formatFromName', () => {
      assert.equal(formatFromName('a/b/train.jsonl.gz'), 'jsonl');
      assert.equal(formatFromName('x.NDJSON'), 'jsonl');
      assert.equal(formatFromName('x.json'), 'json');
      assert.equal(formatFromName('x.CSV.gz'), 'csv');
      assert.equal(formatFromName('x.parquet'), undefined);
    });
  });

  describe('fields', () => {
    const one = (row: Record<string, unknown>, extra: Partial<SeedParseOptions> = {}) => parseSeeds(JSON.stringify([row]), opts('json', extra))[0];

    it('auto-detects common column names', () => {
      assert.deepEqual(one({ question: 'q', answer: 'a' }), { instruction: 'q', response: 'a' });
      assert.deepEqual(one({ problem: 'p', solution: 's', level: 3 }), { instruction: 'p', response: 's' });
      assert.deepEqual(one({ intent: 'sort a list', snippet: 'sorted(x)' }), { instruction: 'sort a list', response: 'sorted(x)' });
      assert.deepEqual(one({ prompt: 'p', completion: 'c' }), { instruction: 'p', response: 'c' });
    });

    it('prefers "instruction"/"response" and skips empty candidates', () => {
      assert.deepEqual(one({ question: 'q', instruction: 'i', answer: 'a', response: 'r' }), { instruction: 'i', response: 'r' });
      assert.deepEqual(one({ instruction: '  ', question: 'q', answer: 'a' }), { instruction: 'q', response: 'a' });
    });

    it('accepts numeric answers', () => {
      assert.deepEqual(one({ question: 'q', answer: 42 }), { instruction: 'q', response: '42' });
    });

    it('explicit fields win over auto-detection', () => {
      assert.deepEqual(one({ instruction: 'not this', title: 'T', body: 'B' }, { fields: { instruction: 'title', response: 'body' } }), { instruction: 'T', response: 'B' });
    });

    it('a missing instruction names file:line and the fields tried', () => {
      const text = '[\n  {"instruction": "i", "response": "r"},\n  {"text": "t", "response": "r"}\n]';
      const e = dataError(() => parseSeeds(text, opts('json')));
      assert.equal(e.where, 'seeds.file:3');
      for (const f of ['instruction', 'question', 'prompt', 'problem', 'input', 'query', 'intent']) assert.ok(e.message.includes(`"${f}"`), f);
      assert.ok(e.message.includes('row has "text", "response"'), e.message);
      assert.ok(e.message.includes('fields.instruction'));
    });

    it('with explicit fields, only the configured field is named', () => {
      const e = dataError(() => parseSeeds('{"question": "q", "answer": "a"}', opts('jsonl', { fields: { instruction: 'title' } })));
      assert.equal(e.where, 'seeds.file:1');
      assert.match(e.message, /no non-empty field "title" \(/);
      assert.doesNotMatch(e.message, /"prompt"/);
    });

    it('a missing response is an error only when a response is needed', () => {
      const text = '{"question": "q1", "answer": "a1"}\n{"question": "q2"}\n';
      const e = dataError(() => parseSeeds(text, opts('jsonl')));
      assert.equal(e.where, 'seeds.file:2');
      assert.match(e.message, /missing response/);
      for (const f of ['response', 'answer', 'output', 'solution', 'completion', 'code', 'snippet']) assert.ok(e.message.includes(`"${f}"`), f);
      assert.deepEqual(parseSeeds(text, opts('jsonl', { needResponse: false })), [
        { instruction: 'q1', response: 'a1' },
        { instruction: 'q2', response: '' },
      ]);
    });

    it('a row that is not an object is located', () => {
      const e = dataError(() => parseSeeds('[\n  {"instruction": "i", "response": "r"},\n  "just text"\n]', opts('json')));
      assert.equal(e.where, 'seeds.file:3');
    });
  });

  it('limit keeps the first N rows and ignores anything after them', () => {
    const text = ['{"instruction": "1", "response": "a"}', '{"instruction": "2", "response": "b"}', '{"instruction": "3", "response": "c"}', '{"no": "fields"}'].join('\n');
    assert.deepEqual(
      parseSeeds(text, opts('jsonl', { limit: 2 })).map((e) => e.instruction),
      ['1', '2'],
    );
    assert.throws(() => parseSeeds(text, opts('jsonl', { limit: 4 })), DataError);
  });

  it('no rows at all is an error', () => {
    assert.match(dataError(() => parseSeeds('[]', opts('json'))).message, /no seed rows/);
    assert.match(dataError(() => parseSeeds('\n\n', opts('jsonl'))).message, /no seed rows/);
  });
});

describe('seeds: download, cache and offline data', () => {
  const mkdir = tempDirs('seeds');
  const JSONL = '{"question": "q1", "answer": "a1"}\n{"question": "q2", "answer": "a2"}\n{"question": "q3", "answer": "a3"}\n';
  const EXPECTED: Example[] = [
    { instruction: 'q1', response: 'a1' },
    { instruction: 'q2', response: 'a2' },
    { instruction: 'q3', response: 'a3' },
  ];
  const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
  let server: http.Server;
  let base: string;
  const hits = new Map<string, number>();
  const count = (p: string) => hits.get(p) ?? 0;

  before(async () => {
    server = http.createServer((req, res) => {
      const p = new URL(req.url ?? '/', 'http://x').pathname;
      hits.set(p, count(p) + 1);
      if (p.endsWith('.jsonl.gz')) {
        res.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipSync(JSONL));
      } else if (p.endsWith('.jsonl')) {
        res.writeHead(200, { 'content-type': 'application/jsonl' }).end(JSONL);
      } else {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('downloads once into the cache; the second load makes no request', async () => {
    const cacheDir = mkdir();
    const url = `${base}/once/seeds.jsonl`;
    assert.deepEqual(await loadSeeds({ url }, { cacheDir }, true), EXPECTED);
    assert.equal(count('/once/seeds.jsonl'), 1);
    assert.deepEqual(await loadSeeds({ url }, { cacheDir }, true), EXPECTED);
    assert.equal(count('/once/seeds.jsonl'), 1);
    const files = fs.readdirSync(path.join(cacheDir, 'downloads'));
    const data = files.filter((f) => f.endsWith('.jsonl'));
    assert.equal(data.length, 1);
    assert.equal(fs.readFileSync(path.join(cacheDir, 'downloads', data[0] as string), 'utf8'), JSONL);
    // the cache is used offline too
    assert.deepEqual(await loadSeeds({ url }, { cacheDir, offline: true }, true), EXPECTED);
    assert.equal(count('/once/seeds.jsonl'), 1);
  });

  it('a pinned sha256 is checked: a match loads, a mismatch is a DataError and nothing is cached', async () => {
    const cacheDir = mkdir();
    const url = `${base}/pinned/seeds.jsonl`;
    const wrong = '0'.repeat(64);
    const e = await dataErrorAsync(loadSeeds({ url, sha256: wrong }, { cacheDir }, true));
    assert.match(e.message, /checksum mismatch/);
    assert.ok(e.message.includes(wrong) && e.message.includes(sha(JSONL)), e.message);
    assert.deepEqual(fs.existsSync(path.join(cacheDir, 'downloads')) ? fs.readdirSync(path.join(cacheDir, 'downloads')) : [], []);
    assert.deepEqual(await loadSeeds({ url, sha256: sha(JSONL) }, { cacheDir }, true), EXPECTED);
    assert.equal(count('/pinned/seeds.jsonl'), 2);
    // the pin is checked against the cache too
    await dataErrorAsync(loadSeeds({ url, sha256: wrong }, { cacheDir }, true));
    assert.equal(count('/pinned/seeds.jsonl'), 2);
  });

  it('a corrupted cache file is downloaded again', async () => {
    const cacheDir = mkdir();
    const url = `${base}/corrupt/seeds.jsonl`;
    const first = await fetchData({ url, offlineNames: ['seeds.jsonl'] }, { cacheDir });
    assert.equal(first.text, JSONL);
    assert.equal(first.sha256, sha(JSONL));
    fs.writeFileSync(first.from, JSONL.replace('q2', 'XX'));
    const again = await fetchData({ url, offlineNames: ['seeds.jsonl'] }, { cacheDir });
    assert.equal(count('/corrupt/seeds.jsonl'), 2);
    assert.equal(again.text, JSONL);
    assert.equal(fs.readFileSync(first.from, 'utf8'), JSONL);
  });

  it('offline with nothing cached is a clear DataError and makes no request', async () => {
    const cacheDir = mkdir();
    const dataDir = mkdir();
    const url = `${base}/offline/seeds.jsonl`;
    const e = await dataErrorAsync(loadSeeds({ url }, { cacheDir, dataDir, offline: true }, true));
    assert.match(e.message, /not available offline/);
    assert.ok(e.message.includes(url));
    assert.ok(e.message.includes(dataDir), 'names where it looked');
    assert.equal(count('/offline/seeds.jsonl'), 0);
    const noDir = await dataErrorAsync(loadSeeds({ url }, { cacheDir, offline: true }, true));
    assert.match(noDir.message, /no offline directory/);
  });

  it('an HTTP error and an unreachable server are DataErrors', async () => {
    const cacheDir = mkdir();
    const e = await dataErrorAsync(loadSeeds({ url: `${base}/missing.json` }, { cacheDir }, true));
    assert.match(e.message, /HTTP 404/);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = await dataErrorAsync(loadSeeds({ url: `http://127.0.0.1:${port}/x.jsonl` }, { cacheDir }, true));
    assert.match(down.message, /download failed/);
    assert.match(down.message, /dataDir/);
  });

  it('a file with the same base name anywhere under dataDir is used without a request', async () => {
    const cacheDir = mkdir();
    const dataDir = mkdir();
    fs.mkdirSync(path.join(dataDir, 'a', 'b', 'c'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'a', 'b', 'c', 'nested.jsonl'), '{"question": "local", "answer": "copy"}\n');
    const got = await loadSeeds({ url: `${base}/remote/nested.jsonl` }, { cacheDir, dataDir }, true);
    assert.deepEqual(got, [{ instruction: 'local', response: 'copy' }]);
    assert.equal(count('/remote/nested.jsonl'), 0);
    assert.equal(fs.existsSync(path.join(cacheDir, 'downloads')), false);
  });

  it('the shared offline data: math_seed_data_subsampled.json loads 20 examples with no request', async () => {
    const cacheDir = mkdir();
    const got = await loadSeeds({ url: `${base}/agora/math_seed_data_subsampled.json` }, { cacheDir, dataDir: SHARED_DATA }, true);
    assert.equal(got.length, 20);
    for (const ex of got) assert.ok(ex.instruction.trim() && ex.response.trim());
    assert.ok(got.some((ex) => ex.response.includes('$')));
    assert.equal(count('/agora/math_seed_data_subsampled.json'), 0);
  });

  it('hf source with "file" resolves <dataDir>/<owner>/<name>/<file>', async () => {
    const dataDir = mkdir();
    const dir = path.join(dataDir, 'someone', 'dataset', 'data');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'train.csv'), 'problem,solution\np1,s1\np2,s2\n');
    // a decoy with the same base name elsewhere must lose to the exact path
    fs.mkdirSync(path.join(dataDir, 'aaa'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'aaa', 'train.csv'), 'problem,solution\nwrong,wrong\n');
    const got = await loadSeeds({ hf: 'someone/dataset', file: 'data/train.csv' }, { cacheDir: mkdir(), dataDir, offline: true }, true);
    assert.deepEqual(got, [
      { instruction: 'p1', response: 's1' },
      { instruction: 'p2', response: 's2' },
    ]);
  });

  it('hf rows source resolves <dataDir>/<owner>/<name>/<config>/<split>.jsonl offline', async () => {
    const dataDir = mkdir();
    fs.mkdirSync(path.join(dataDir, 'openai', 'gsm8k', 'main'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'openai', 'gsm8k', 'main', 'test.jsonl'), '{"question": "t1", "answer": "1"}\n{"question": "t2", "answer": "2"}\n');
    fs.mkdirSync(path.join(dataDir, 'openai', 'gsm8k', 'default'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'openai', 'gsm8k', 'default', 'train.jsonl'), '{"question": "d1", "answer": "x"}\n');
    const ctx = { cacheDir: mkdir(), dataDir, offline: true };
    assert.deepEqual(await loadSeeds({ hf: 'openai/gsm8k', config: 'main', split: 'test' }, ctx, true), [
      { instruction: 't1', response: '1' },
      { instruction: 't2', response: '2' },
    ]);
    assert.deepEqual(await loadSeeds({ hf: 'openai/gsm8k', config: 'main', split: 'test', limit: 1 }, ctx, true), [{ instruction: 't1', response: '1' }]);
    assert.deepEqual(await loadSeeds({ hf: 'openai/gsm8k' }, ctx, true), [{ instruction: 'd1', response: 'x' }]);
    const e = await dataErrorAsync(loadSeeds({ hf: 'openai/gsm8k', split: 'validation' }, ctx, true));
    assert.match(e.message, /not available offline/);
  });

  it('a gzipped file is gunzipped (download and offline copy)', async () => {
    const cacheDir = mkdir();
    const got = await loadSeeds({ url: `${base}/gz/seeds.jsonl.gz` }, { cacheDir }, true);
    assert.deepEqual(got, EXPECTED);
    assert.equal(count('/gz/seeds.jsonl.gz'), 1);
    const dataDir = mkdir();
    fs.writeFileSync(path.join(dataDir, 'local.jsonl.gz'), gzipSync('{"instruction": "z", "response": "zz"}\n'));
    assert.deepEqual(await loadSeeds({ url: `${base}/gz/local.jsonl.gz` }, { cacheDir, dataDir }, true), [{ instruction: 'z', response: 'zz' }]);
    assert.equal(count('/gz/local.jsonl.gz'), 0);
  });

  it('a local path: format from the extension or the "format" option; a missing file is a DataError', async () => {
    const dir = mkdir();
    const csv = path.join(dir, 'seeds.txt');
    fs.writeFileSync(csv, 'intent,snippet\nsort,sorted(x)\n');
    assert.deepEqual(await loadSeeds({ path: csv, format: 'csv' }, { cacheDir: dir }, true), [{ instruction: 'sort', response: 'sorted(x)' }]);
    const jsonl = path.join(dir, 'seeds.jsonl');
    fs.writeFileSync(jsonl, JSONL);
    assert.deepEqual(await loadSeeds({ path: jsonl, limit: 2 }, { cacheDir: dir }, true), EXPECTED.slice(0, 2));
    const e = await dataErrorAsync(loadSeeds({ path: path.join(dir, 'nope.json') }, { cacheDir: dir }, true));
    assert.match(e.message, /cannot read seed file \(ENOENT\)/);
    assert.equal(e.where, path.join(dir, 'nope.json'));
  });
});

describe('seeds: Hugging Face dataset viewer rows (a fake viewer on loopback)', () => {
  const mkdir = tempDirs('hfrows');
  let server: http.Server;
  const requests: URL[] = [];
  const ROWS = Array.from({ length: 250 }, (_, i) => ({ question: `q${i}`, answer: `a${i}`, source: i % 2 ? 'odd' : 'even' }));
  let truncate = false;

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(url);
      const where = url.searchParams.get('where');
      // the predicates the tests use: source='odd' / source<>'odd'
      const matching = where ? ROWS.filter((r) => (where === "source='odd'" ? r.source === 'odd' : r.source !== 'odd')) : ROWS;
      const total = url.searchParams.get('dataset') === 'big/set' ? 5_000_000 : matching.length;
      const offset = Number(url.searchParams.get('offset'));
      const length = Math.min(100, Number(url.searchParams.get('length')));
      const rows = matching.slice(offset, offset + length).map((row, i) => ({ row_idx: offset + i, row, truncated_cells: truncate ? ['answer'] : [] }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ features: [], rows, num_rows_total: total, num_rows_per_page: 100, partial: false }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    process.env.AGORABENCH_HF_DATASETS_SERVER = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => {
    delete process.env.AGORABENCH_HF_DATASETS_SERVER;
    server.close();
  });
  beforeEach(() => {
    requests.length = 0;
    truncate = false;
  });

  it('reads every row of the split, 100 per request, when no limit is given', async () => {
    const got = await loadSeeds({ hf: 'owner/set' }, { cacheDir: mkdir() }, true);
    assert.equal(got.length, 250);
    assert.deepEqual(got[249], { instruction: 'q249', response: 'a249' });
    assert.deepEqual(requests.map((u) => [u.pathname, u.searchParams.get('offset'), u.searchParams.get('length')]), [
      ['/rows', '0', '100'],
      ['/rows', '100', '100'],
      ['/rows', '200', '100'],
    ]);
    assert.equal(requests[0]?.searchParams.get('config'), 'default');
    assert.equal(requests[0]?.searchParams.get('split'), 'train');
  });

  it('a limit stops early; pages are cached, so a second read sends nothing', async () => {
    const cacheDir = mkdir();
    assert.equal((await loadSeeds({ hf: 'owner/set', limit: 150 }, { cacheDir }, true)).length, 150);
    assert.deepEqual(requests.map((u) => u.searchParams.get('length')), ['100', '50']);
    requests.length = 0;
    assert.equal((await loadSeeds({ hf: 'owner/set', limit: 150 }, { cacheDir }, true)).length, 150);
    assert.equal(requests.length, 0);
  });

  it('"where" goes through /filter, encoded, and selects the matching rows', async () => {
    const odd = await loadSeeds({ hf: 'owner/set', where: "source='odd'", limit: 120 }, { cacheDir: mkdir() }, true);
    assert.equal(odd.length, 120);
    assert.ok(odd.every((e) => Number(e.instruction.slice(1)) % 2 === 1));
    assert.ok(requests.every((u) => u.pathname === '/filter' && u.searchParams.get('where') === "source='odd'"));
    const even = await loadSeeds({ hf: 'owner/set', where: "source<>'odd'" }, { cacheDir: mkdir() }, true);
    assert.equal(even.length, 125);
  });

  it('refuses a huge split without a limit before reading it, and truncated cells', async () => {
    const big = await dataErrorAsync(loadSeeds({ hf: 'big/set' }, { cacheDir: mkdir() }, true));
    assert.match(big.message, /has 5,000,000 rows; set "limit"/);
    assert.equal(requests.length, 1);
    assert.equal((await loadSeeds({ hf: 'big/set', limit: 10 }, { cacheDir: mkdir() }, true)).length, 10);
    truncate = true;
    const cut = await dataErrorAsync(loadSeeds({ hf: 'owner/set', limit: 5 }, { cacheDir: mkdir() }, true));
    assert.match(cut.message, /truncated the cells answer/);
  });

  it('offline: a filtered source has its own file name, and a missing one is named in the error', async () => {
    const dataDir = mkdir();
    const dir = path.join(dataDir, 'owner', 'set', 'default');
    fs.mkdirSync(dir, { recursive: true });
    const name = hfOfflineName({ hf: 'owner/set', where: "source='odd'" });
    assert.match(name, /^owner\/set\/default\/train\.where-source-odd-[0-9a-f]{8}\.jsonl$/);
    assert.notEqual(name, hfOfflineName({ hf: 'owner/set', where: "source<>'odd'" }));
    fs.writeFileSync(path.join(dataDir, name), '{"question": "local", "answer": "row"}\n');
    const ctx = { cacheDir: mkdir(), dataDir, offline: true };
    assert.deepEqual(await loadSeeds({ hf: 'owner/set', where: "source='odd'" }, ctx, true), [{ instruction: 'local', response: 'row' }]);
    const e = await dataErrorAsync(loadSeeds({ hf: 'owner/set', where: "source<>'odd'" }, ctx, true));
    assert.ok(e.message.includes(`not available offline: put its rows, one JSON object per line, at <offline directory>/${hfOfflineName({ hf: 'owner/set', where: "source<>'odd'" })}`), e.message);
    assert.equal(requests.length, 0);
  });
});
