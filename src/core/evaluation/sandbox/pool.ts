import { runPython } from './run';
import type { SandboxOptions, SandboxResult } from './types';

/** Runs programs with at most `workers` at once, in the order they were given; each `run` answers its own program. */
export class SandboxPool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly workers: number,
    private readonly opts: SandboxOptions = {},
  ) {
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`SandboxPool needs at least 1 worker, got ${workers}`);
  }

  /** `opts` override the pool's options for this program only. */
  async run(program: string, opts: SandboxOptions = {}): Promise<SandboxResult> {
    await this.acquire();
    try {
      return await runPython(program, { ...this.opts, ...opts });
    } finally {
      this.release();
    }
  }

  /** Every program; results in input order. */
  runAll(programs: readonly string[]): Promise<SandboxResult[]> {
    return Promise.all(programs.map((p) => this.run(p)));
  }

  private acquire(): Promise<void> {
    if (this.active < this.workers) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    // the slot passes straight to the next program, so `active` stays the same
    if (next) next();
    else this.active--;
  }
}
