import { createHash } from 'node:crypto';

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence on every machine. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }
  /** k distinct indices from 0..n-1 (k <= n), in random order. */
  sampleIndices(n: number, k: number): number[] {
    const chosen = new Set<number>();
    const out: number[] = [];
    while (out.length < Math.min(k, n)) {
      const i = this.int(n);
      if (!chosen.has(i)) {
        chosen.add(i);
        out.push(i);
      }
    }
    return out;
  }
}

/** An Rng whose seed is derived from any list of parts (run seed, dataset, slot, attempt...). */
export function rngFor(...parts: (string | number)[]): Rng {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return new Rng(h.readUInt32LE(0));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
