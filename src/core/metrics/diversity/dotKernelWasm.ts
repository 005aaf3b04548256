/**
 * The all-pairs dot-product kernel as a tiny WebAssembly module, assembled here byte by byte.
 *
 * Why: exact nearest-neighbour search over 10K × 1536 embeddings is n²·d/2 ≈ 7.7·10¹⁰
 * multiply-adds. Plain JS reaches ≈ 2 G/s per core (≈ 20 s on two cores); this kernel multiplies
 * int16 rows with `i32x4.dot_i16x8_s` (8 multiply-adds per instruction) in a 4 × 2 register
 * block and measured ≈ 32–36 G/s per core here, so brute force stays exact: ≈ 1.6 s on two cores.
 * Writing the module (under 1 KB) by hand keeps the project free of a wasm toolchain and of native
 * add-ons that would have to be built for every platform VS Code runs on.
 *
 * Exported function (all byte offsets into the imported memory `env.memory`):
 *   dots(aPtr, na, bPtr, nb, strideBytes, outPtr)
 *     for r < na, c < nb:  out[r·nb + c] = Σₖ A[r][k]·B[c][k]   (int16 rows → int32)
 *   na must be a multiple of KERNEL_ROWS, nb of KERNEL_COLS and strideBytes of 16.
 */

/** Rows of A and of B handled per register block (8 int32x4 accumulators + 6 row registers ≤ 16 xmm). */
export const KERNEL_ROWS = 4;
export const KERNEL_COLS = 2;
/** int16 values per 128-bit vector: row lengths are padded to a multiple of this. */
export const KERNEL_LANES = 8;

const I32 = 0x7f;
const V128 = 0x7b;
const uleb = (value: number): number[] => {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const sleb = (value: number): number[] => {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// instructions
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const ADD = [0x6a];
const MUL = [0x6c];
const GE_U = [0x4f];
const LT_U = [0x49];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const brIf = (depth: number) => [0x0d, depth];
const br = (depth: number) => [0x0c, depth];
const simd = (op: number) => [0xfd, ...uleb(op)];
const V128_LOAD = [...simd(0x00), 4, 0]; // align 2^4, offset 0
const V128_ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const DOT_I16 = simd(0xba); // i32x4.dot_i16x8_s
const ADD_I32X4 = simd(0xae); // i32x4.add
const lane = (l: number) => [...simd(0x1b), l]; // i32x4.extract_lane
const I32_STORE = [0x36, 2, 0];

function dotsBody(): number[] {
  // params: 0 aPtr, 1 na, 2 bPtr, 3 nb, 4 stride, 5 out
  const [aPtr, na, bPtr, nb, stride, out] = [0, 1, 2, 3, 4, 5];
  let next = 6;
  const i = next++;
  const j = next++;
  const k = next++;
  const aRow = Array.from({ length: KERNEL_ROWS }, () => next++);
  const bRow = Array.from({ length: KERNEL_COLS }, () => next++);
  const intLocals = next - 6;
  const firstVec = next;
  const acc = Array.from({ length: KERNEL_ROWS * KERNEL_COLS }, () => next++);
  const va = Array.from({ length: KERNEL_ROWS }, () => next++);
  const vb = Array.from({ length: KERNEL_COLS }, () => next++);
  const vecLocals = next - firstVec;

  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  emit(i32(0), set(i), BLOCK, LOOP); // for (i = 0; i < na; i += ROWS)
  emit(get(i), get(na), GE_U, brIf(1));
  aRow.forEach((local, r) => emit(get(aPtr), get(i), i32(r), ADD, get(stride), MUL, ADD, set(local)));
  emit(i32(0), set(j), BLOCK, LOOP); //   for (j = 0; j < nb; j += COLS)
  emit(get(j), get(nb), GE_U, brIf(1));
  bRow.forEach((local, c) => emit(get(bPtr), get(j), i32(c), ADD, get(stride), MUL, ADD, set(local)));
  for (const a of acc) emit(V128_ZERO, set(a));
  emit(i32(0), set(k), LOOP); //     for (k = 0; k < stride; k += 16)
  aRow.forEach((local, r) => emit(get(local), get(k), ADD, V128_LOAD, set(va[r] as number)));
  bRow.forEach((local, c) => emit(get(local), get(k), ADD, V128_LOAD, set(vb[c] as number)));
  for (let r = 0; r < KERNEL_ROWS; r++) {
    for (let c = 0; c < KERNEL_COLS; c++) {
      const a = acc[r * KERNEL_COLS + c] as number;
      emit(get(a), get(va[r] as number), get(vb[c] as number), DOT_I16, ADD_I32X4, set(a));
    }
  }
  emit(get(k), i32(16), ADD, tee(k), get(stride), LT_U, brIf(0), END);
  for (let r = 0; r < KERNEL_ROWS; r++) {
    for (let c = 0; c < KERNEL_COLS; c++) {
      const a = acc[r * KERNEL_COLS + c] as number;
      // out + 4·((i + r)·nb + j + c) ← horizontal sum of the accumulator
      emit(get(out), get(i), i32(r), ADD, get(nb), MUL, get(j), ADD, i32(c), ADD, i32(4), MUL, ADD);
      emit(get(a), lane(0), get(a), lane(1), ADD, get(a), lane(2), ADD, get(a), lane(3), ADD, I32_STORE);
    }
  }
  emit(get(j), i32(KERNEL_COLS), ADD, set(j), br(0), END, END);
  emit(get(i), i32(KERNEL_ROWS), ADD, set(i), br(0), END, END);
  const fn = [...vec([[...uleb(intLocals), I32], [...uleb(vecLocals), V128]]), ...code, ...END];
  return [...uleb(fn.length), ...fn];
}

/** The kernel's signature (byte offsets, row counts). */
export type Dots = (aPtr: number, na: number, bPtr: number, nb: number, strideBytes: number, outPtr: number) => void;

/** The part of the WebAssembly global the kernel needs (the project's `lib` has no DOM typings). */
export interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: { env: { memory: object } }) => { exports: { dots: Dots } };
}

let cached: Uint8Array | undefined;

/** The module's bytes (built once, under 1 KB); compile with `new WebAssembly.Module(bytes)`. */
export function dotKernelWasm(): Uint8Array {
  if (cached) return cached;
  const type = section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0]]));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 1]]));
  const functions = section(3, vec([[0]]));
  const exports = section(7, vec([[...name('dots'), 0x00, 0]]));
  const code = section(10, vec([dotsBody()]));
  cached = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...functions, ...exports, ...code]);
  return cached;
}

/**
 * The kernel instantiated on the calling thread over a fresh memory of at least `bytes` bytes
 * (zero-filled). For work small enough not to need a worker, e.g. the TF-IDF scan's dense part.
 */
export function dotKernel(bytes: number): { buffer: ArrayBuffer; dots: Dots } {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const { dots } = new wasm.Instance(new wasm.Module(dotKernelWasm()), { env: { memory } }).exports;
  return { buffer: memory.buffer, dots };
}
