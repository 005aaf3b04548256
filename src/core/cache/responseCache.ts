import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatRequest, ChatResponse } from '../providers/types';
import { sha256 } from '../util/rng';

/**
 * Content-addressed response cache: the key is a hash of everything that determines an answer
 * (provider, model, sampling, system prompt, messages) plus the sample number, so a resumed or
 * repeated run never pays twice for the same request, while a retry (next sample) asks anew.
 * One small JSON file per entry, written with a rename so a crash never leaves a torn entry.
 */
export class ResponseCache {
  private readonly dirs = new Set<string>();
  private readonly writing = new Set<Promise<void>>();
  constructor(readonly dir: string) {}

  key(provider: string, req: ChatRequest, sample: number): string {
    const { model, system, messages, sampling } = req;
    return sha256(JSON.stringify({ provider, model, system, messages, sampling, sample }));
  }

  get(key: string): ChatResponse | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as ChatResponse;
    } catch {
      return undefined;
    }
  }

  /**
   * Stores an answer in the background (file I/O off the event loop). A lost entry only means
   * paying again, so callers do not wait; `drain()` waits for every write started.
   */
  put(key: string, res: ChatResponse): void {
    const file = this.file(key);
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    const tmp = `${file}.${process.pid}.tmp`;
    const w = fs.promises
      .writeFile(tmp, JSON.stringify(res))
      .then(() => fs.promises.rename(tmp, file))
      .catch(() => undefined)
      .finally(() => this.writing.delete(w));
    this.writing.add(w);
  }

  async drain(): Promise<void> {
    await Promise.all([...this.writing]);
  }

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}
