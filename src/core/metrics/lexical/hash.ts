/**
 * 32-bit string and integer hashes (FNV-1a, MurmurHash3's finaliser). Hand-written because the
 * lexical metrics hash tens of millions of features and shingles: node:crypto per item would be
 * ~100× slower, and nothing here needs cryptographic strength, only well-mixed bits.
 */

/** FNV-1a over UTF-16 code units. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finaliser: every input bit flips each output bit with probability ≈ ½. */
export function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An order-sensitive hash of two hashes (hash(a, b) ≠ hash(b, a)). */
export function hashPair(a: number, b: number): number {
  return fmix32(Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ ((b << 15) | (b >>> 17)));
}
