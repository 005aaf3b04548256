/**
 * Reads what a training process appended to its log since the last look, as whole lines. The
 * process writes the file itself (it keeps logging if we die), so we only ever read it.
 */
import * as fs from 'node:fs';

const CHUNK = 1 << 20;
/** Longer lines are cut: one runaway line must not fill job.json or the UI. */
const MAX_LINE = 2000;

export class LogReader {
  /** Bytes of the file already turned into lines (a trailing partial line is read again next time). */
  constructor(
    private readonly file: string,
    public offset = 0,
  ) {}

  /** New complete lines; `final`: the writer is gone, so a last line without a newline counts too. */
  read(final = false): string[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return [];
    }
    const parts: Buffer[] = [];
    let got = 0;
    try {
      for (;;) {
        const buf = Buffer.alloc(CHUNK);
        const n = fs.readSync(fd, buf, 0, CHUNK, this.offset + got);
        if (n <= 0) break;
        parts.push(buf.subarray(0, n));
        got += n;
        if (n < CHUNK) break;
      }
    } finally {
      fs.closeSync(fd);
    }
    const data = Buffer.concat(parts);
    const end = final ? data.length : data.lastIndexOf(0x0a) + 1;
    if (end <= 0) return [];
    this.offset += end;
    const text = data.subarray(0, end).toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.map(visible);
  }
}

/** What a terminal would show: progress bars redraw with `\r`, so only the last redraw counts. */
function visible(line: string): string {
  const parts = line.split('\r').filter((p) => p.length > 0);
  const shown = parts[parts.length - 1] ?? '';
  return shown.length > MAX_LINE ? `${shown.slice(0, MAX_LINE)}…` : shown;
}
