/**
 * A chunk's result (`ChunkResult` of `src/analysis/monte-carlo.ts`) as bytes,
 * to travel through the queue's database and back: every column's values
 * exactly (IEEE 754 doubles, little-endian whatever the machine), so a chunk
 * evaluated on another machine sums into the same summary to the bit.
 *
 * Layout (all little-endian):
 *   u32 magic 'PBC1' · u32 index · u32 start · u32 size · u32 inputs · u32 metrics · u32 correlated (0|1) · u32 reserved
 *   then `inputs` columns and `metrics` columns of `size` f64 each,
 *   then the four flag columns of `size` u8 each: irrRoots, equityIrrRoots, irrAtLeastWacc, paybackWithinLife.
 */
import type { ChunkResult } from '../analysis/monte-carlo.ts';

const MAGIC = 0x31434250; // 'PBC1' read as a little-endian u32
const HEADER = 32;

/** True on a little-endian machine, where a Float64Array's bytes are already the wire's. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of a chunk's result. */
export function encodeChunk(r: ChunkResult): Uint8Array {
  const m = r.size;
  const cols = r.inputs.length + r.metrics.length;
  const bytes = new Uint8Array(HEADER + cols * 8 * m + 4 * m);
  const view = new DataView(bytes.buffer);
  [MAGIC, r.index, r.start, m, r.inputs.length, r.metrics.length, r.correlated ? 1 : 0, 0].forEach((v, k) => view.setUint32(4 * k, v, true));
  let at = HEADER;
  for (const col of [...r.inputs, ...r.metrics]) {
    if (col.length < m) throw new RangeError(`a column of chunk ${r.index} has ${col.length} values, not ${m}`);
    if (LITTLE_ENDIAN) bytes.set(new Uint8Array(col.buffer, col.byteOffset, 8 * m), at);
    else for (let i = 0; i < m; i++) view.setFloat64(at + 8 * i, col[i] as number, true);
    at += 8 * m;
  }
  for (const flags of [r.irrRoots, r.equityIrrRoots, r.irrAtLeastWacc, r.paybackWithinLife]) {
    bytes.set(flags.subarray(0, m), at);
    at += m;
  }
  return bytes;
}

/** A chunk's result from its bytes; throws on bytes that are not one (wrong magic, wrong length). */
export function decodeChunk(bytes: Uint8Array): ChunkResult {
  if (bytes.byteLength < HEADER) throw new RangeError(`a chunk's result is at least ${HEADER} bytes, got ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (k: number): number => view.getUint32(4 * k, true);
  if (word(0) !== MAGIC) throw new RangeError('not a chunk result (bad magic)');
  const [index, start, m, nInputs, nMetrics, correlated] = [word(1), word(2), word(3), word(4), word(5), word(6)];
  const expected = HEADER + (nInputs + nMetrics) * 8 * m + 4 * m;
  if (bytes.byteLength !== expected) throw new RangeError(`chunk ${index}: ${bytes.byteLength} bytes, expected ${expected}`);
  let at = HEADER;
  const column = (): Float64Array => {
    const col = new Float64Array(m);
    if (LITTLE_ENDIAN) new Uint8Array(col.buffer).set(bytes.subarray(at, at + 8 * m));
    else for (let i = 0; i < m; i++) col[i] = view.getFloat64(at + 8 * i, true);
    at += 8 * m;
    return col;
  };
  const flags = (): Uint8Array => {
    const f = bytes.slice(at, at + m);
    at += m;
    return f;
  };
  const inputs = Array.from({ length: nInputs }, column);
  const metrics = Array.from({ length: nMetrics }, column);
  return {
    index,
    start,
    size: m,
    inputs,
    metrics,
    irrRoots: flags(),
    equityIrrRoots: flags(),
    irrAtLeastWacc: flags(),
    paybackWithinLife: flags(),
    correlated: correlated === 1,
  };
}
