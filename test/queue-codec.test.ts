/**
 * What travels through the queue: a chunk's result as bytes and back, every
 * value exactly (NaN, −0, ±Infinity, subnormals), and a run's payload giving
 * the same chunks on the worker as on the submitter.
 */
import { describe, expect, it } from 'vitest';
import { type ChunkResult, prepareMonteCarlo, runChunk } from '../src/analysis/monte-carlo.ts';
import { withEffectiveUncertainty } from '../src/analysis/default-uncertainty.ts';
import { decodeChunk, encodeChunk } from '../src/queue/chunk-codec.ts';
import { encodeRunPayload, PlanCache } from '../src/queue/run-payload.ts';
import { base, scenario } from './helpers.ts';

const bitsOf = (xs: Float64Array): string => Buffer.from(xs.buffer, xs.byteOffset, xs.byteLength).toString('hex');

function sameChunk(a: ChunkResult, b: ChunkResult): void {
  expect({ index: b.index, start: b.start, size: b.size, correlated: b.correlated }).toEqual({ index: a.index, start: a.start, size: a.size, correlated: a.correlated });
  expect(b.inputs.map(bitsOf)).toEqual(a.inputs.map(bitsOf));
  expect(b.metrics.map(bitsOf)).toEqual(a.metrics.map(bitsOf));
  for (const k of ['irrRoots', 'equityIrrRoots', 'irrAtLeastWacc', 'paybackWithinLife'] as const) expect([...b[k]]).toEqual([...a[k]]);
}

describe('a chunk as bytes', () => {
  it('round-trips every double bit for bit, and every flag', () => {
    const odd = new Float64Array([Number.NaN, -0, 0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 0.1 + 0.2, 1e-310]);
    const m = odd.length;
    const r: ChunkResult = {
      index: 7,
      start: 28_672,
      size: m,
      inputs: [odd, odd.slice().reverse()],
      metrics: [odd.map((x) => x * 2), new Float64Array(m).fill(Number.NaN), odd],
      irrRoots: Uint8Array.from({ length: m }, (_, i) => i % 3),
      equityIrrRoots: Uint8Array.from({ length: m }, (_, i) => (i * 7) % 3),
      irrAtLeastWacc: Uint8Array.from({ length: m }, (_, i) => i & 1),
      paybackWithinLife: Uint8Array.from({ length: m }, (_, i) => (i >> 1) & 1),
      correlated: false,
    };
    const bytes = encodeChunk(r);
    expect(bytes.byteLength).toBe(32 + 5 * 8 * m + 4 * m);
    sameChunk(r, decodeChunk(bytes));
    // from a slice of a larger buffer, as a driver may hand it over
    const padded = new Uint8Array(bytes.byteLength + 13);
    padded.set(bytes, 5);
    sameChunk(r, decodeChunk(padded.subarray(5, 5 + bytes.byteLength)));
  });

  it('refuses bytes that are not a chunk', () => {
    expect(() => decodeChunk(new Uint8Array(10))).toThrow(/at least 32 bytes/);
    expect(() => decodeChunk(new Uint8Array(64))).toThrow(/bad magic/);
    const r = runChunk((prepareMonteCarlo(withEffectiveUncertainty(scenario(base('neocloud-base'))), { n: 100 }) as { ok: true; plan: never }).plan, 0);
    expect(() => decodeChunk(encodeChunk(r).subarray(0, 100))).toThrow(/bytes, expected/);
  });
});

describe("a run's payload", () => {
  it('plans on the worker as on the submitter: each chunk the same bits as runChunk here', () => {
    const s = withEffectiveUncertainty(scenario(base('hyperscaler-base')));
    const options = { n: 9_000, seed: 3, lhs: true, correlation: { paths: ['demand.utilization', 'finance.wacc'], matrix: [[1, 0.4], [0.4, 1]] } };
    const prepared = prepareMonteCarlo(s, options);
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.issues));
    const { bytes, hash } = encodeRunPayload(s, { ...options, keepSamples: true });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(encodeRunPayload(s, options).hash).toBe(hash); // keepSamples does not travel
    const plans = new PlanCache();
    for (let k = 0; k < prepared.plan.chunks.length; k++) sameChunk(runChunk(prepared.plan, k), decodeChunk(plans.evaluate(hash, bytes, k)));
  });
});
