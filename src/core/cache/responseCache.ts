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

  put(key: string, res: ChatResponse): void {
    const file = this.file(key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(res));
    fs.renameSync(tmp, file);
  }

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}
