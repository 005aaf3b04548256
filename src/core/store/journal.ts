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
   * Opens (creating) the journal, drops a torn last line left by a crash, and returns the
   * entries found after `fromOffset` (the checkpoint's end, whose last seq is `baseSeq`)
   * so the caller can replay them.
   */
  static open(
    file: string,
    fromOffset: number,
    baseSeq: number,
    onDurable: (entries: JournalEntry[], endOffset: number) => void,
    readOnly = false,
  ): { journal: Journal; replay: { entry: JournalEntry; end: number }[] } {
    if (readOnly && !fs.existsSync(file)) {
      // nothing written yet: a reader sees an empty journal and creates nothing
      const empty = new Journal(file, -1, 0, baseSeq, onDurable);
      empty.closed = true;
      return { journal: empty, replay: [] };
    }
    const fd = fs.openSync(file, readOnly ? 'r' : fs.existsSync(file) ? 'r+' : 'w+');
    let size = fs.fstatSync(fd).size;
    const start = fromOffset <= size ? fromOffset : 0;
    const buf = Buffer.alloc(size - start);
    if (buf.length) fs.readSync(fd, buf, 0, buf.length, start);
    const lastNl = buf.lastIndexOf(10);
    const complete = lastNl + 1;
    if (complete < buf.length && !readOnly) {
      // a line without its newline was never acknowledged: cut it so later appends start clean
      fs.ftruncateSync(fd, start + complete);
      fs.fsyncSync(fd);
      size = start + complete;
    }
    const replay: { entry: JournalEntry; end: number }[] = [];
    let lastSeq = 0;
    let pos = 0;
    while (pos < complete) {
      const nl = buf.indexOf(10, pos);
      const line = buf.toString('utf8', pos, nl);
      pos = nl + 1;
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as JournalEntry;
        lastSeq = Math.max(lastSeq, entry.seq);
        replay.push({ entry, end: start + pos });
      } catch {
        throw new Error(`${file}: unreadable journal line at byte ${start + pos}`);
      }
    }
    const journal = new Journal(file, fd, size, Math.max(lastSeq, baseSeq), onDurable);
    journal.closed = readOnly; // a reader never appends (a writer may be appending right now)
    return { journal, replay };
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
