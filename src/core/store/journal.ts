import * as fs from 'node:fs';

/** One journal line. `seq` orders entries; the rest depends on `type`. */
export interface JournalEntry {
  seq: number;
  type: string;
  [field: string]: unknown;
}

/**
 * An append-only JSONL file and the durability point of a store: `append` resolves only after
 * the entry is written and fsync'd. Appends that arrive while a flush is under way are written
 * together with one fsync (group commit), so durability costs one fsync per batch, not per entry.
 */
export class Journal {
  private fd: number;
  private size: number;
  private seq: number;
  private pending: { entry: JournalEntry; done: (e?: Error) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly file: string,
    fd: number,
    size: number,
    lastSeq: number,
    private readonly onDurable: (entries: JournalEntry[], endOffset: number) => void,
  ) {
    this.fd = fd;
    this.size = size;
    this.seq = lastSeq;
  }

  /**
   * Opens (creating) the journal, drops a torn last line left by a crash, and streams the entries
   * found after `fromOffset` (the checkpoint's end, whose last seq is `baseSeq`) to `onEntry`, in
   * order, so the caller can replay them without holding the whole journal in memory. An offset
   * that is not at a line boundary (the journal was repaired after the checkpoint) replays from 0;
   * entries the checkpoint already holds are recognised by their seq.
   * A line that cannot be read throws JournalDamagedError with its byte offset.
   */
  static open(
    file: string,
    fromOffset: number,
    baseSeq: number,
    onDurable: (entries: JournalEntry[], endOffset: number) => void,
    onEntry: (entry: JournalEntry, end: number) => void,
    readOnly = false,
  ): Journal {
    if (readOnly && !fs.existsSync(file)) {
      // nothing written yet: a reader sees an empty journal and creates nothing
      const empty = new Journal(file, -1, 0, baseSeq, onDurable);
      empty.closed = true;
      return empty;
    }
    const fd = fs.openSync(file, readOnly ? 'r' : fs.existsSync(file) ? 'r+' : 'w+');
    try {
      let size = fs.fstatSync(fd).size;
      const start = fromOffset > 0 && fromOffset <= size && atLineStart(fd, fromOffset) ? fromOffset : 0;
      const { lastSeq, complete } = readLines(fd, file, start, size, onEntry);
      if (complete < size && !readOnly) {
        // a line without its newline was never acknowledged: cut it so later appends start clean
        fs.ftruncateSync(fd, complete);
        fs.fsyncSync(fd);
        size = complete;
      }
      const journal = new Journal(file, fd, size, Math.max(lastSeq, baseSeq), onDurable);
      journal.closed = readOnly; // a reader never appends (a writer may be appending right now)
      return journal;
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  get bytes(): number {
    return this.size;
  }

  /** Appends one entry; resolves once it is on disk. */
  append(type: string, fields: Record<string, unknown>): Promise<JournalEntry> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.file} is closed`));
    const entry: JournalEntry = { ...fields, seq: ++this.seq, type };
    return new Promise((resolve, reject) => {
      this.pending.push({ entry, done: (e) => (e ? reject(e) : resolve(entry)) });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // yield once so appends made in the same tick join this batch
    await new Promise((r) => setImmediate(r));
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      const data = Buffer.from(batch.map((p) => JSON.stringify(p.entry) + '\n').join(''));
      try {
        await writeAll(this.fd, data, this.size);
        await new Promise<void>((res, rej) => fs.fdatasync(this.fd, (e) => (e ? rej(e) : res())));
        this.size += data.length;
        this.onDurable(
          batch.map((p) => p.entry),
          this.size,
        );
        for (const p of batch) p.done();
      } catch (e) {
        for (const p of batch) p.done(e as Error);
      }
    }
    this.flushing = undefined;
  }

  /** Waits for every append made so far to be durable. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.drain();
    if (this.fd < 0) return;
    this.closed = true;
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** A journal line that is not valid JSON (disk damage, or an edit by hand). */
export class JournalDamagedError extends Error {
  constructor(
    readonly file: string,
    /** Byte offset where the unreadable line starts. */
    readonly offset: number,
    detail: string,
  ) {
    super(`${file}: unreadable journal line at byte ${offset} (${detail})`);
    this.name = 'JournalDamagedError';
  }
}

function atLineStart(fd: number, offset: number): boolean {
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, offset - 1);
  return b[0] === 10;
}

const CHUNK = 8 << 20;

/**
 * Reads the lines between `start` and `size` in chunks, calling `onEntry` for each parsed line;
 * returns the highest seq and the offset after the last complete line (a torn tail is not read).
 */
function readLines(fd: number, file: string, start: number, size: number, onEntry: (entry: JournalEntry, end: number) => void): { lastSeq: number; complete: number } {
  let lastSeq = 0;
  let pos = start;
  let carry = Buffer.alloc(0);
  let complete = start;
  const chunk = Buffer.alloc(Math.min(CHUNK, Math.max(1, size - start)));
  while (pos < size) {
    const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - pos), pos);
    if (n <= 0) break;
    const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    const base = pos - carry.length;
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl >= 0; nl = buf.indexOf(10, from)) {
      const lineStart = base + from;
      const line = buf.toString('utf8', from, nl);
      from = nl + 1;
      complete = base + from;
      if (!line.trim()) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
        if (!entry || typeof entry !== 'object' || typeof entry.seq !== 'number' || typeof entry.type !== 'string') throw new Error('not a journal entry');
      } catch (e) {
        throw new JournalDamagedError(file, lineStart, (e as Error).message);
      }
      lastSeq = Math.max(lastSeq, entry.seq);
      onEntry(entry, complete);
    }
    carry = Buffer.from(buf.subarray(from));
    pos += n;
  }
  return { lastSeq, complete };
}

/**
 * Sets unreadable lines aside: the journal is rewritten with every readable line, in order; the
 * original is kept as `<journal>.before-repair-<time>` and the unreadable lines, with their
 * offsets, go to `<journal>.damaged-<time>`. Nothing is deleted. A torn last line (no newline)
 * counts as unreadable too. Returns what was kept and set aside.
 */
export function repairJournal(file: string, stamp = new Date().toISOString().replace(/[:.]/g, '-')): { kept: number; damaged: { offset: number; text: string }[]; original: string; damagedFile: string } {
  const data = fs.readFileSync(file);
  const kept: Buffer[] = [];
  const damaged: { offset: number; text: string }[] = [];
  let from = 0;
  while (from < data.length) {
    let nl = data.indexOf(10, from);
    if (nl < 0) nl = data.length;
    const line = data.subarray(from, nl);
    const text = line.toString('utf8');
    if (text.trim()) {
      let ok = false;
      try {
        const e = JSON.parse(text) as JournalEntry;
        ok = Boolean(e) && typeof e === 'object' && typeof e.seq === 'number' && typeof e.type === 'string' && nl < data.length;
      } catch {
        ok = false;
      }
      if (ok) kept.push(line, Buffer.from('\n'));
      else damaged.push({ offset: from, text });
    }
    from = nl + 1;
  }
  const original = `${file}.before-repair-${stamp}`;
  const damagedFile = `${file}.damaged-${stamp}`;
  fs.copyFileSync(file, original);
  fs.writeFileSync(damagedFile, damaged.map((d) => JSON.stringify(d)).join('\n') + (damaged.length ? '\n' : ''));
  const tmp = `${file}.repair.tmp`;
  fs.writeFileSync(tmp, Buffer.concat(kept));
  const fd = fs.openSync(tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return { kept: kept.length / 2, damaged, original, damagedFile };
}

function writeAll(fd: number, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = 0;
    const step = () =>
      fs.write(fd, data, off, data.length - off, position + off, (e, n) => {
        if (e) return reject(e);
        off += n;
        if (off < data.length) step();
        else resolve();
      });
    step();
  });
}
