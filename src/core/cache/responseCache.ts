import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatRequest, ChatResponse } from '../providers/types';
import { sha256 } from '../util/rng';

interface Shard {
  file: string;
  fd: number;
  /** Bytes on disk plus bytes queued for the next write. */
  size: number;
  /**
   * First INDEX_KEY_LEN hex digits of each key -> offset × 2^LENGTH_BITS + line length, one small
   * string and one number per answer (a run of the paper's size keeps ~30 MB here, not ~150 MB).
   * A read checks the whole key in the line, so a shortened-key collision is a miss, never a wrong answer.
   */
  index: Map<string, number>;
  pending: Buffer[];
  flushing?: Promise<void>;
}

const FLUSH_DELAY_MS = 25;
const KEY_AT = '{"k":"'.length;
const KEY_LEN = 64;
const INDEX_KEY_LEN = 20;
const LENGTH_BITS = 24;
const LENGTH_LIMIT = 2 ** LENGTH_BITS;

function packed(offset: number, length: number): number {
  return offset * LENGTH_LIMIT + length;
}
function unpacked(n: number): { offset: number; length: number } {
  return { offset: Math.floor(n / LENGTH_LIMIT), length: n % LENGTH_LIMIT };
}

/**
 * Content-addressed response cache: the key is a hash of everything that determines an answer
 * (provider, model, sampling, system prompt, messages) plus the sample number, so a resumed or
 * repeated run never pays twice for the same request, while a retry (next sample) asks anew.
 *
 * Entries are lines appended to one log file per model (`{"k":"<key>","r":<response>}`), written
 * in batches off the event loop; the key index is rebuilt by scanning the log the first time a
 * model is used. One append per batch of answers instead of a file per answer: at hundreds of
 * answers a second the per-file open/write/rename dominated the engine's own CPU time.
 */
export class ResponseCache {
  private readonly shards = new Map<string, Shard>();
  constructor(readonly dir: string) {}

  key(provider: string, req: ChatRequest, sample: number): string {
    const { model, system, messages, sampling, prompt, topLogprobs, echo, promptLogprobs } = req;
    // fields a chat request does not have stay out, so keys of earlier runs still match
    const extra = {
      ...(prompt !== undefined ? { prompt } : {}),
      ...(topLogprobs ? { topLogprobs } : {}),
      ...(echo ? { echo } : {}),
      ...(promptLogprobs !== undefined ? { promptLogprobs } : {}),
    };
    return `${shardName(provider, model)}:${sha256(JSON.stringify({ provider, model, system, messages, sampling, sample, ...extra }))}`;
  }

  get(key: string): ChatResponse | undefined {
    const [name, k] = split(key);
    const shard = this.shard(name);
    const found = shard.index.get(k.slice(0, INDEX_KEY_LEN));
    if (found === undefined) return undefined;
    const at = unpacked(found);
    if (at.offset + at.length > fs.fstatSync(shard.fd).size) return undefined; // still queued: not readable yet
    const buf = Buffer.alloc(at.length);
    fs.readSync(shard.fd, buf, 0, at.length, at.offset);
    // another process appending to the same log shifts offsets: only trust a line with our key
    if (buf.toString('latin1', KEY_AT, KEY_AT + KEY_LEN) !== k) return undefined;
    try {
      return (JSON.parse(buf.toString('utf8')) as { r: ChatResponse }).r;
    } catch {
      return undefined;
    }
  }

  /** Queues an answer; it is written with the others of this tick. A lost entry only means paying again. */
  put(key: string, res: ChatResponse): void {
    const [name, k] = split(key);
    const shard = this.shard(name);
    const short = k.slice(0, INDEX_KEY_LEN);
    if (shard.index.has(short)) return;
    const line = Buffer.from(`{"k":"${k}","r":${JSON.stringify(res)}}\n`);
    // answers over 16 MB are written but not indexed (packing keeps 24 bits for the length)
    if (line.length - 1 < LENGTH_LIMIT) shard.index.set(short, packed(shard.size, line.length - 1));
    shard.size += line.length;
    shard.pending.push(line);
    shard.flushing ??= this.flush(shard);
  }

  private async flush(shard: Shard): Promise<void> {
    // nobody waits for the cache: collect a few dozen milliseconds of answers per write
    await new Promise((r) => setTimeout(r, FLUSH_DELAY_MS));
    while (shard.pending.length) {
      const data = Buffer.concat(shard.pending);
      shard.pending = [];
      await new Promise<void>((resolve) => fs.write(shard.fd, data, 0, data.length, null, () => resolve()));
    }
    shard.flushing = undefined;
  }

  /** Waits until every queued answer is written. */
  async drain(): Promise<void> {
    for (const s of this.shards.values()) while (s.flushing) await s.flushing;
  }

  async close(): Promise<void> {
    await this.drain();
    for (const s of this.shards.values()) fs.closeSync(s.fd);
    this.shards.clear();
  }

  private shard(name: string): Shard {
    let s = this.shards.get(name);
    if (s) return s;
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${name}.jsonl`);
    const fd = fs.openSync(file, 'a+');
    const { index, end } = scan(fd);
    // a line cut by a crash is dropped so the next append starts on a fresh line
    if (end < fs.fstatSync(fd).size) fs.ftruncateSync(fd, end);
    s = { file, fd, size: end, index, pending: [] };
    this.shards.set(name, s);
    return s;
  }
}

function shardName(provider: string, model: string): string {
  return sha256(`${provider}\u0000${model}`).slice(0, 16);
}

function split(key: string): [string, string] {
  const i = key.indexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** Reads the keys of a log without parsing the answers. */
function scan(fd: number): { index: Shard['index']; end: number } {
  const index: Shard['index'] = new Map();
  const size = fs.fstatSync(fd).size;
  const chunk = Buffer.alloc(1 << 20);
  let carry = Buffer.alloc(0);
  let pos = 0;
  let lineStart = 0;
  while (pos < size) {
    const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
    if (n <= 0) break;
    const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    const base = pos - carry.length;
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl >= 0; nl = buf.indexOf(10, from)) {
      const line = buf.subarray(from, nl);
      if (line.length > KEY_AT + KEY_LEN && line.length < LENGTH_LIMIT) index.set(line.toString('latin1', KEY_AT, KEY_AT + INDEX_KEY_LEN), packed(base + from, line.length));
      from = nl + 1;
      lineStart = base + from;
    }
    carry = Buffer.from(buf.subarray(from));
    pos += n;
  }
  return { index, end: lineStart };
}
