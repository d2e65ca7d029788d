/**
 * The summary's fast statistics against plain references (a comparison sort,
 * textbook ranks, the two-pass `pearson`): the distribution
 * sort gives the order a stable comparison sort gives (ties, ±0, infinities,
 * subnormals, heavy tails, constant columns); centered ranks, ranks among a
 * subset and the rank sums are those of the textbook formulas to the bit;
 * histograms bin as the edge-by-edge rule does; and a whole summary —
 * percentiles, histograms, Spearman importance over the samples where a
 * metric has a value, achieved correlations — equals the one computed the
 * slow way, on one thread and across workers.
 */
import { describe, expect, it } from 'vitest';
import { MC_METRICS } from '../src/analysis/columnar.ts';
import type { DistributionSpec } from '../src/analysis/distributions.ts';
import { monteCarlo, type MonteCarloOptions } from '../src/analysis/monte-carlo.ts';
import { stream } from '../src/analysis/rng.ts';
import {
  argsort,
  centeredRanks,
  centeredRanksOf,
  EXACT_RANK_SUMS,
  histogram,
  pearson,
  percentileSorted,
  rankDot,
  rankDots,
  ranks,
  sortWithOrder,
  spearman,
  subsetCenteredRanks,
} from '../src/analysis/statistics.ts';
import { runMonteCarloParallel } from '../src/io/mc-workers.ts';
import { base, readYaml, scenario } from './helpers.ts';

// ---------------------------------------------------------------------------
// References: the plain, slow ways

/** A stable comparison sort's order (−0 and +0 tie). */
function refOrder(x: ArrayLike<number>, m: number): number[] {
  const at = (i: number): number => x[i] as number;
  return Array.from({ length: m }, (_, i) => i).sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
}

/** 1-based ranks, ties averaged. */
function refRanks(x: ArrayLike<number>, m: number): Float64Array {
  const order = refOrder(x, m);
  const r = new Float64Array(m);
  for (let a = 0; a < m; ) {
    let b = a + 1;
    while (b < m && x[order[b] as number] === x[order[a] as number]) b++;
    for (let k = a; k < b; k++) r[order[k] as number] = (a + 1 + b) / 2;
    a = b;
  }
  return r;
}

/** Each value's bin found edge by edge. */
function refHistogram(sorted: Float64Array, bins: number): number[] {
  const m = sorted.length;
  const min = sorted[0] as number;
  const max = sorted[m - 1] as number;
  if (!(max > min)) return [m];
  const span = max - min;
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? max : min + (span * k) / bins));
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) {
    let k = 0;
    while (k < bins - 1 && v >= (edges[k + 1] as number)) k++;
    counts[k] = (counts[k] as number) + 1;
  }
  return counts;
}

const rng = stream(20260, 3);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
const KINDS: [string, () => number][] = [
  ['uniform', () => 0.45 + 0.45 * rng.next()],
  ['normal', () => 65 + 12 * normal()],
  ['lognormal', () => Math.exp(0.7 + 0.8 * normal())],
  ['heavy tails', () => Math.exp(12 * normal()) * (rng.next() < 0.5 ? -1 : 1)],
  ['three values', () => 4 + Math.floor(3 * rng.next())],
  ['many ties', () => Math.round(normal() * 20) / 4],
  ['±0 and small', () => (rng.next() < 0.3 ? 0 : rng.next() < 0.5 ? -0 : rng.next() - 0.5)],
  ['infinities', () => (rng.next() < 0.02 ? Infinity : rng.next() < 0.02 ? -Infinity : normal())],
  ['a few ulps apart', () => 1 + Math.floor(rng.next() * 50) * Number.EPSILON],
  ['subnormal', () => rng.next() * 1e-310],
  ['near the largest', () => (rng.next() - 0.5) * 1.7e308],
  ['rare outliers', () => (rng.next() < 0.002 ? 1e300 * rng.next() : rng.next())],
  ['constant', () => 2.5],
];
const sample = (g: () => number, m: number): Float64Array => Float64Array.from({ length: m }, g);

describe('the sort', () => {
  it('gives the order of a stable comparison sort, and the values in that order', () => {
    for (const m of [0, 1, 2, 3, 7, 40, 333, 5000, 70_000]) {
      for (const [kind, g] of KINDS) {
        const x = sample(g, m);
        const sorted = new Float64Array(m);
        const order = new Uint32Array(m);
        sortWithOrder(x, m, sorted, order);
        const ref = refOrder(x, m);
        expect(Array.from(order), `${kind}, m = ${m}`).toEqual(ref);
        expect(sorted.every((v, k) => Object.is(v, x[order[k] as number])), `${kind}, m = ${m}`).toBe(true);
        expect(Array.from(argsort(x, m))).toEqual(ref);
      }
    }
  });

  it('sorts a prefix of a longer column, and leaves the column alone', () => {
    const x = sample(() => normal(), 1000);
    const copy = x.slice();
    const order = new Uint32Array(600);
    sortWithOrder(x, 600, new Float64Array(600), order);
    expect(Array.from(order)).toEqual(refOrder(x, 600));
    expect(x).toEqual(copy);
  });
});

describe('ranks', () => {
  it('centered ranks are the average ranks less (m + 1)/2, and say whether values tie', () => {
    for (const m of [1, 2, 5, 300, 20_000]) {
      for (const [kind, g] of KINDS) {
        const x = sample(g, m);
        const sorted = new Float64Array(m);
        const order = new Uint32Array(m);
        sortWithOrder(x, m, sorted, order);
        const c = new Float32Array(m);
        const { ties, ss } = centeredRanks(sorted, order, m, c);
        const ref = refRanks(x, m);
        expect(Array.from(c, (v) => v + (m + 1) / 2), `${kind}, m = ${m}`).toEqual(Array.from(ref));
        expect(ties, kind).toBe(new Set(x).size < m);
        expect(ss, kind).toBe(rankDot(c, c, m));
        expect(Array.from(ranks(x, m))).toEqual(Array.from(ref));
      }
    }
  });

  it('ranks among a subset, from the full column’s sort, are the subset’s own ranks', () => {
    const n = 5000;
    for (const [kind, g] of KINDS) {
      const x = sample(g, n);
      const sorted = new Float64Array(n);
      const order = new Uint32Array(n);
      sortWithOrder(x, n, sorted, order);
      const { ties } = centeredRanks(sorted, order, n, new Float32Array(n));
      for (const share of [0.01, 0.5, 0.97]) {
        // the subset: where the mask is not NaN
        const mask = new Float32Array(n).fill(NaN);
        const members: number[] = [];
        for (let i = 0; i < n; i++) {
          if (rng.next() < share) {
            mask[i] = 0;
            members.push(i);
          }
        }
        const m = members.length;
        const out = new Float32Array(n).fill(7); // left alone outside the subset
        const ss = subsetCenteredRanks(sorted, order, n, ties, mask, m, out);
        const ref = refRanks(
          members.map((i) => x[i] as number),
          m,
        );
        const inSubset = members.map((i) => out[i] as number);
        expect(
          inSubset.map((v) => v + (m + 1) / 2),
          `${kind}, ${share}`,
        ).toEqual(Array.from(ref));
        expect(out.filter((_, i) => Number.isNaN(mask[i] as number)).every((v) => v === 7)).toBe(true);
        const compact = Float32Array.from(inSubset);
        expect(ss, `${kind}, ${share}`).toBe(rankDot(compact, compact, m));
      }
    }
  });

  it('rank sums are those of a plain running sum, to the bit — below and above the exact limit', () => {
    for (const m of [3, 1001, EXACT_RANK_SUMS, EXACT_RANK_SUMS + 4099]) {
      const cols = [0, 1, 2, 3, 4, 5].map(() => centeredRanksOf(sample(() => Math.floor(rng.next() * 1000), m), m)); // ties
      const plain = (a: Float32Array, b: Float32Array, from = 0, to = m, start = 0): number => {
        let s = start;
        for (let i = from; i < to; i++) s += (a[i] as number) * (b[i] as number);
        return s;
      };
      const [x, ...ys] = cols as [Float32Array, ...Float32Array[]];
      expect(rankDot(x, x, m)).toBe(plain(x, x));
      expect(rankDot(x, ys[0] as Float32Array, m)).toBe(plain(x, ys[0] as Float32Array));
      for (const count of [1, 2, 3, 5]) {
        // block by block, as the summary sums them
        const sums = new Float64Array(count);
        for (let a = 0; a < m; a += 777) rankDots(x, ys.slice(0, count), m, sums, a, Math.min(m, a + 777));
        expect(Array.from(sums), `m = ${m}, ${count} at once`).toEqual(ys.slice(0, count).map((y) => plain(x, y)));
      }
    }
  });

  it('spearman is Pearson’s r of the ranks', () => {
    const x = sample(() => normal(), 3000);
    const y = x.map((v) => v * v + normal());
    y[5] = NaN;
    const idx = Array.from({ length: 3000 }, (_, i) => i).filter((i) => i !== 5);
    const rx = refRanks(
      idx.map((i) => x[i] as number),
      idx.length,
    );
    const ry = refRanks(
      idx.map((i) => y[i] as number),
      idx.length,
    );
    expect(spearman(x, y)).toBe(pearson(rx, ry, idx.length));
  });
});

describe('histogram', () => {
  it('bins each value as the edge-by-edge rule does, values on an edge included', () => {
    for (const [kind, g] of KINDS) {
      if (kind === 'infinities' || kind === 'near the largest') continue; // no finite span
      for (const m of [1, 2, 9, 2000]) {
        const x = sample(g, m);
        const sorted = Float64Array.from(refOrder(x, m).map((i) => x[i] as number));
        for (const bins of [1, 2, 7, 20]) {
          const h = histogram(sorted, 4, bins);
          expect(
            h.bins.map((b) => b.count),
            `${kind}, m = ${m}, ${bins} bins`,
          ).toEqual(refHistogram(sorted, bins));
          expect(h.nullCount).toBe(4);
        }
      }
    }
    const onEdges = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(histogram(onEdges, 0, 10).bins.map((b) => b.count)).toEqual(refHistogram(onEdges, 10));
  });
});

// ---------------------------------------------------------------------------
// A whole summary against the slow way

const SETS = readYaml('test/fixtures/mc-uncertainty.yaml') as Record<string, Record<string, DistributionSpec>>;
const RUNS: [string, ReturnType<typeof scenario>, MonteCarloOptions][] = [
  [
    'neocloud-base: metrics without values, discrete inputs, a correlation',
    scenario(base('neocloud-base')),
    {
      n: 3000,
      seed: 8,
      chunkSize: 512,
      distributions: SETS['neocloud-base'] as Record<string, DistributionSpec>,
      correlation: { paths: ['finance.debt.rate', 'finance.wacc'], matrix: [[1, 0.6], [0.6, 1]] },
    },
  ],
  ['mc-tokens: 18 inputs, its own correlation block, Latin hypercube', scenario(readYaml('test/fixtures/mc-tokens.yaml')), { n: 2500, seed: 3, lhs: true }],
];

describe('a whole summary', () => {
  for (const [name, s, options] of RUNS) {
    it(`equals the slow way’s — ${name}`, () => {
      const { summary, samples } = monteCarlo(s, { ...options, keepSamples: true });
      if (samples === undefined) throw new Error('no samples');
      const n = options.n as number;
      let subsets = 0;
      for (const m of MC_METRICS) {
        const col = samples.metrics[m];
        const idx = Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(col[i] as number));
        if (idx.length < n) subsets++;
        const values = idx.map((i) => col[i] as number);
        const sorted = Float64Array.from(refOrder(values, values.length).map((k) => values[k] as number));
        const stats = summary.metrics[m];
        expect([stats.min, stats.p5, stats.p10, stats.p50, stats.p90, stats.p95, stats.max], m).toEqual([
          sorted[0],
          percentileSorted(sorted, 5),
          percentileSorted(sorted, 10),
          percentileSorted(sorted, 50),
          percentileSorted(sorted, 90),
          percentileSorted(sorted, 95),
          sorted[sorted.length - 1],
        ]);
        expect(
          stats.histogram.bins.map((b) => b.count),
          m,
        ).toEqual(refHistogram(sorted, 20));
        // Spearman over the samples where the metric has a value
        const mr = refRanks(values, values.length);
        const expected = new Map<string, number>();
        for (const x of samples.inputs) {
          const rho = pearson(
            refRanks(
              idx.map((i) => x.values[i] as number),
              idx.length,
            ),
            mr,
            idx.length,
          );
          if (rho !== null && new Set(x.values).size > 1) expected.set(x.path, rho);
        }
        expect(new Map(summary.importance[m].map((x) => [x.path, x.spearman])), m).toEqual(expected);
      }
      expect(subsets).toBeGreaterThan(0);
      // the achieved correlation
      const c = summary.correlation;
      if (c === null) throw new Error('no correlation');
      const rankOf = (path: string): Float64Array => refRanks(samples.inputs.find((x) => x.path === path)?.values as Float64Array, n);
      c.paths.forEach((a, i) => c.paths.forEach((b, j) => expect(c.achieved[i]?.[j]).toBe(i === j ? 1 : pearson(rankOf(a), rankOf(b), n))));
      // each input's percentiles
      for (const d of summary.drivers) {
        const x = samples.inputs.find((v) => v.path === d.path)?.values as Float64Array;
        const sorted = Float64Array.from(refOrder(x, n).map((k) => x[k] as number));
        expect([d.p5, d.p50, d.p95]).toEqual([percentileSorted(sorted, 5), percentileSorted(sorted, 50), percentileSorted(sorted, 95)]);
      }
    });
  }

  it('across workers: the same summary and samples, the samples in memory of their own', async () => {
    const [, s, options] = RUNS[0] as (typeof RUNS)[number];
    const one = monteCarlo(s, { ...options, keepSamples: true });
    const out = await runMonteCarloParallel(s, { ...options, keepSamples: true }, { workers: 2 });
    expect(out.status).toBe('done');
    if (out.status !== 'done') return;
    expect(JSON.stringify(out.result.summary)).toBe(JSON.stringify(one.summary));
    const samples = out.result.samples;
    expect(samples?.inputs.map((x) => x.values)).toEqual(one.samples?.inputs.map((x) => x.values));
    expect(samples?.metrics).toEqual(one.samples?.metrics);
    for (const x of samples?.inputs ?? []) expect(x.values.buffer).toBeInstanceOf(ArrayBuffer);
    for (const m of MC_METRICS) expect(samples?.metrics[m].buffer).toBeInstanceOf(ArrayBuffer);
  }, 60_000);
});

describe('a run gathers its chunks once each, in any order', () => {
  it('chunks added in reverse order give the summary of runChunk in order; a chunk twice or one missing is refused', async () => {
    const { ColumnGatherer, prepareMonteCarlo, runChunk, summarizeColumns, summarizeMonteCarlo } = await import('../src/analysis/monte-carlo.ts');
    const prepared = prepareMonteCarlo(scenario(base('hyperscaler-base')), { n: 10_000, seed: 7 });
    if (!prepared.ok) throw new Error('plan');
    const plan = prepared.plan;
    const chunks = plan.chunks.map((_, k) => runChunk(plan, k));
    const g = new ColumnGatherer(plan);
    for (const c of [...chunks].reverse()) g.add(c);
    expect(JSON.stringify(summarizeColumns(plan, g.done()))).toBe(JSON.stringify(summarizeMonteCarlo(plan, chunks)));
    const twice = new ColumnGatherer(plan);
    twice.add(chunks[0]!);
    expect(() => twice.add(chunks[0]!)).toThrow(/every chunk once/);
    expect(() => twice.done()).toThrow(/got 1 of/);
  });
});
