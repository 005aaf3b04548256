/**
 * Unit-length rows for cosine work. Embeddings arrive as one row-major Float32Array (n × d), the
 * layout every provider returns once concatenated and the one worker threads can share.
 */

/** Unit rows plus what was wrong with the input: rows that could not be normalised stay zero. */
export interface UnitRows {
  /** n × d row-major, each row of length 1 — or all zeros for the rows listed in `zeroRows`. */
  unit: Float32Array;
  n: number;
  d: number;
  /** Euclidean norm of each input row (float64); 0 for a zero row, NaN when the row held NaN/∞. */
  norms: Float64Array;
  /**
   * Rows left at zero, ascending: all-zero input rows and rows with a non-finite value. A zero row
   * has cosine 0 with everything, which is what the mean below counts; callers that would rather
   * leave them out (an embedding call that failed) see them here.
   */
  zeroRows: number[];
}

/** Throws unless `data` holds exactly n × d values (catches a wrong d before it silently shears rows). */
export function checkShape(data: Float32Array, n: number, d: number): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 1) throw new RangeError(`bad shape n=${n} d=${d}`);
  if (data.length !== n * d) throw new RangeError(`expected n × d = ${n} × ${d} = ${n * d} values, got ${data.length}`);
}

/** Scales every row to unit length (norms accumulated in float64); zero and non-finite rows stay zero. */
export function normalizeRows(data: Float32Array, n: number, d: number): UnitRows {
  checkShape(data, n, d);
  const unit = new Float32Array(n * d);
  const norms = new Float64Array(n);
  const zeroRows: number[] = [];
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const x = data[off + k] as number;
      s += x * x;
    }
    const norm = Math.sqrt(s);
    norms[i] = norm;
    if (!(norm > 0) || !Number.isFinite(norm)) {
      zeroRows.push(i);
      continue;
    }
    const inv = 1 / norm;
    for (let k = 0; k < d; k++) unit[off + k] = (data[off + k] as number) * inv;
  }
  return { unit, n, d, norms, zeroRows };
}
