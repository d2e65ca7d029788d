/**
 * The summary's sort and ranks against their plain definitions, on random
 * columns (fast-check) with the hard parts: values that tie (a few values,
 * a point mass with neighbours a few ulps away, ±0), no value (NaN), values
 * outside the span the sort samples (rare far outliers, infinities), heavy
 * tails. The sort is a stable comparison sort of the values that are not
 * NaN, with their samples; its sums are plain running sums in sample order;
 * centered ranks are the average ranks less (m + 1)/2; ranks among a subset
 * are the subset's own, and the sums over a subset from the ranks over
 * every sample give the bits of the sums of those ranks; and nothing says
 * "no ties" when values tie.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centeredRanks, EXACT_RANK_SUMS, rankDot, rankDots, sortColumn, subsetCenteredRanks, subsetRankDot } from '../src/analysis/statistics.ts';

const PARAMS = { seed: 20260, numRuns: 300 } as const;

/** The samples that have a value, in the order of a stable comparison sort (−0 and +0 tie). */
function refOrder(col: Float64Array): number[] {
  const idx: number[] = [];
  for (let i = 0; i < col.length; i++) if (!Number.isNaN(col[i] as number)) idx.push(i);
  const at = (i: number): number => col[i] as number;
  return idx.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : a - b));
}

/** Centered average ranks of col[members[p]], by p. */
function refCentered(col: Float64Array, members: number[]): number[] {
  const m = members.length;
  const order = members.map((_, p) => p).sort((a, b) => {
    const x = col[members[a] as number] as number;
    const y = col[members[b] as number] as number;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  const r = new Array<number>(m).fill(0);
  for (let a = 0; a < m; ) {
    let b = a + 1;
    const v = col[members[order[a] as number] as number];
    while (b < m && col[members[order[b] as number] as number] === v) b++;
    for (let k = a; k < b; k++) r[order[k] as number] = (a + 1 + b) / 2 - (m + 1) / 2;
    a = b;
  }
  return r;
}

/** Σ a[i]·b[i] as a plain running sum in index order. */
const plainDot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};

const ULP = 2 ** -54; // a quarter of an ulp of values near 0.4: 0.4 ± k·ULP·4 are neighbours
/** One value of a column, of one of several kinds (the kind drawn once per column). */
const valueOf = (kind: number, u: number, w: number): number => {
  switch (kind) {
    case 0:
      return u; // spread
    case 1:
      return Math.floor(u * 4) / 2; // four values
    case 2:
      return w < 0.9 ? 0.4 : 0.4 + (Math.floor(u * 9) - 4) * 4 * ULP; // a point mass and its neighbours
    case 3:
      return w < 0.02 ? (w < 0.01 ? 1e12 : -1e12) * u : u; // rare far outliers
    case 4:
      return w < 0.05 ? Infinity : w < 0.1 ? -Infinity : u - 0.5; // infinities
    case 5:
      return Math.exp(30 * (u - 0.5)); // heavy tail
    default:
      return w < 0.5 ? 0 : -0; // ±0
  }
};

const columnArb = fc
  .record({
    kind: fc.integer({ min: 0, max: 6 }),
    nanShare: fc.constantFrom(0, 0, 0.1, 0.9, 1),
    draws: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 3000 }),
  })
  .map(({ kind, nanShare, draws }) => Float64Array.from(draws, ([u, w, z]) => (z < nanShare ? NaN : valueOf(kind, u, w))));

describe('sortColumn', () => {
  it('is a stable comparison sort of the values that are not NaN, with their samples, and plain running sums in sample order', () => {
    fc.assert(
      fc.property(columnArb, (col) => {
        const n = col.length;
        const { m, sum, sq, sorted, order } = sortColumn(col, n);
        const ref = refOrder(col);
        expect(m).toBe(ref.length);
        expect(Array.from(order)).toEqual(ref);
        expect(Array.from(sorted).every((v, k) => Object.is(v, col[ref[k] as number]))).toBe(true);
        let s = 0;
        for (let i = 0; i < n; i++) if (!Number.isNaN(col[i] as number)) s += col[i] as number;
        expect(Object.is(sum, s)).toBe(true);
        if (m > 0) {
          const mean = s / m;
          let q = 0;
          for (let i = 0; i < n; i++) if (!Number.isNaN(col[i] as number)) q += ((col[i] as number) - mean) * ((col[i] as number) - mean);
          expect(Object.is(sq, q)).toBe(true);
        }
      }),
      PARAMS,
    );
  });

  it('sorts long columns with a point mass, clamped tails and few values (the keys shared by many values)', () => {
    let state = 7;
    const u = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    for (const kind of [1, 2, 3, 4, 5, 6]) {
      const col = Float64Array.from({ length: 70_000 }, () => valueOf(kind, u(), u()));
      const { order } = sortColumn(col, col.length);
      expect(Array.from(order), `kind ${kind}`).toEqual(refOrder(col));
    }
  });
});

describe('ranks from sortColumn', () => {
  it('centered ranks by sample are the average ranks less (m + 1)/2; ties said; Σ rank² that of a plain running sum', () => {
    fc.assert(
      fc.property(columnArb, (col) => {
        const n = col.length;
        const { m, sorted, order } = sortColumn(col, n);
        const out = new Float32Array(n);
        const { ties, ss } = centeredRanks(sorted, order, m, out);
        const members = refOrder(col).sort((a, b) => a - b);
        const ref = refCentered(col, members);
        expect(members.map((i) => out[i])).toEqual(ref);
        expect(ties).toBe(new Set(members.map((i) => (col[i] as number) + 0)).size < m);
        const compact = Float32Array.from(ref);
        expect(ss).toBe(plainDot(compact, compact));
      }),
      PARAMS,
    );
  });

  it('over a subset: ranks among it, and from the ranks over every sample (no ties), the bits of Σ rank² and Σ rank·y', () => {
    const arb = fc.tuple(
      columnArb.map((col) => col.map((v) => (Number.isNaN(v) ? 0.25 : v))), // a driver: a value everywhere
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3000 }),
      fc.constantFrom(0.02, 0.5, 0.98, 1),
    );
    fc.assert(
      fc.property(arb, ([col, ys, share]) => {
        const n = col.length;
        const members: number[] = [];
        for (let i = 0; i < n; i++) if ((ys[i] ?? 0.5) < share) members.push(i);
        const m = members.length;
        // a metric's ranks among the subset, by sample, NaN outside it: they mark the subset
        const metric = Float64Array.from({ length: n }, (_, i) => ys[(i * 7) % Math.max(1, ys.length)] ?? 0);
        const y = new Float32Array(n).fill(NaN);
        refCentered(metric, members).forEach((r, p) => (y[members[p] as number] = r));
        const { m: all, sorted, order } = sortColumn(col, n);
        expect(all).toBe(n);
        const ranks = new Float32Array(n);
        const ranked = centeredRanks(sorted, order, n, ranks);
        const sub = new Float32Array(n);
        const subSs = subsetCenteredRanks(sorted, order, n, ranked.ties, y, m, sub);
        const refSub = refCentered(col, members);
        expect(members.map((i) => sub[i])).toEqual(refSub);
        const compact = Float32Array.from(refSub);
        expect(subSs).toBe(plainDot(compact, compact));
        // sums over every sample leave out the samples out of the subset: the bits of sums over it
        const dots = new Float64Array(1);
        rankDots(sub, [y], m, dots, 0, n, true);
        const yCompact = Float32Array.from(members, (i) => y[i] as number);
        expect(dots[0]).toBe(rankDot(compact, yCompact, m));
        // from the ranks over every sample, when no values tie: the same bits
        if (!ranked.ties) {
          const outside = Int32Array.from({ length: n }, (_, i) => i).filter((i) => Number.isNaN(y[i] as number));
          const { ss, dot } = subsetRankDot(ranks, n, m, outside, y);
          expect(ss).toBe(subSs);
          expect(dot).toBe(plainDot(compact, yCompact));
        }
      }),
      PARAMS,
    );
    expect(EXACT_RANK_SUMS).toBeGreaterThan(3000);
  });

  it('sums of products: over every sample, NaN terms left out, are those over the subset, to the bit — below and above the exact limit', () => {
    let state = 3;
    const u = (): number => {
      state = (Math.imul(state, 22695477) + 1) >>> 0;
      return state / 2 ** 32;
    };
    for (const n of [1000, EXACT_RANK_SUMS + 5000]) {
      const x = Float32Array.from({ length: n }, () => Math.round(u() * n) - n / 2 + 0.5);
      const y = Float32Array.from({ length: n }, () => (u() < (n > EXACT_RANK_SUMS ? 0.01 : 0.3) ? NaN : Math.round(u() * n) - n / 2));
      const keep = Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(y[i] as number));
      const xs = Float32Array.from(keep, (i) => x[i] as number);
      const ys = Float32Array.from(keep, (i) => y[i] as number);
      expect(rankDot(x, y, keep.length, 0, n, 0, true)).toBe(rankDot(xs, ys, keep.length));
      const sums = new Float64Array(3);
      rankDots(x, [y, y, y], keep.length, sums, 0, n, true);
      expect(Array.from(sums)).toEqual([0, 1, 2].map(() => plainDot(xs, ys)));
    }
  });

  it('over a subset above the exact limit: the sums from the ranks over every sample are the plain running sums over the subset, to the bit', () => {
    let state = 11;
    const u = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const n = EXACT_RANK_SUMS + 30_000;
    const col = Float64Array.from({ length: n }, () => u() * 3 + u() * 1e-9);
    const metric = Float64Array.from({ length: n }, () => (u() < 0.03 ? NaN : Math.exp(u())));
    const members = Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(metric[i] as number));
    const m = members.length;
    expect(m).toBeGreaterThan(EXACT_RANK_SUMS);
    const y = new Float32Array(n).fill(NaN);
    {
      const s = sortColumn(metric, n);
      centeredRanks(s.sorted, s.order, s.m, y);
    }
    const { sorted, order } = sortColumn(col, n);
    const ranks = new Float32Array(n);
    const ranked = centeredRanks(sorted, order, n, ranks);
    expect(ranked.ties).toBe(false);
    const sub = new Float32Array(n);
    subsetCenteredRanks(sorted, order, n, false, y, m, sub);
    const xs = Float32Array.from(members, (i) => sub[i] as number);
    const ys = Float32Array.from(members, (i) => y[i] as number);
    const outside = Int32Array.from({ length: n }, (_, i) => i).filter((i) => Number.isNaN(y[i] as number));
    const { ss, dot } = subsetRankDot(ranks, n, m, outside, y);
    expect(ss).toBe(plainDot(xs, xs));
    expect(dot).toBe(plainDot(xs, ys));
    expect(rankDot(xs, ys, m)).toBe(dot);
  });
});
