/**
 * The seeded generator and the distributions of the Monte Carlo: sample mean
 * and variance of every distribution within 3 standard errors of theory at
 * n = 200,000 (fixed seed), truncation to the valid range respected (and its
 * moments right), the checks of each entry, and the `--dist` syntax.
 */
import { describe, expect, it } from 'vitest';
import {
  compileDistribution,
  type DistributionSpec,
  lognormalParameters,
  parseDistArgument,
  pertShape,
  UNBOUNDED,
  validateDistribution,
  type ValueRange,
} from '../src/analysis/distributions.ts';
import { monteCarlo, prepareMonteCarlo } from '../src/analysis/monte-carlo.ts';
import { createRng, stream } from '../src/analysis/rng.ts';
import { checkUncertainty } from '../src/analysis/scenario-checks.ts';
import { betaCdf, betaPdf, logBeta, normalCdf, normalPdf, normalQuantile } from '../src/analysis/special-functions.ts';
import { base, scenario } from './helpers.ts';

const N = 200_000;

/** Draw n values of a distribution by the inverse CDF of plain uniforms. */
function draw(spec: DistributionSpec, range: ValueRange = UNBOUNDED, seed = 12345, n = N): Float64Array {
  const s = compileDistribution(spec, range);
  const rng = createRng(seed);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = rng.next();
  const out = new Float64Array(n);
  s.fill(u, out, n);
  return out;
}

/** Sample mean and variance, and their standard errors (the variance's from the sample's 4th central moment). */
function moments(x: Float64Array): { mean: number; variance: number; seMean: (sd: number) => number; seVar: number } {
  const n = x.length;
  let s = 0;
  for (const v of x) s += v;
  const mean = s / n;
  let m2 = 0;
  let m4 = 0;
  for (const v of x) {
    const d = (v - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  const variance = m2 / (n - 1);
  m4 /= n;
  return { mean, variance, seMean: (sd) => sd / Math.sqrt(n), seVar: Math.sqrt((m4 - (m2 / n) ** 2) / n) };
}

function expectMoments(x: Float64Array, mean: number, variance: number, label: string): void {
  const m = moments(x);
  const zMean = (m.mean - mean) / m.seMean(Math.sqrt(variance));
  const zVar = (m.variance - variance) / m.seVar;
  expect(Math.abs(zMean), `${label}: mean ${m.mean} vs ${mean} (${zMean.toFixed(2)} SE)`).toBeLessThan(3);
  expect(Math.abs(zVar), `${label}: variance ${m.variance} vs ${variance} (${zVar.toFixed(2)} SE)`).toBeLessThan(3);
}

/** Mean and variance of a density on [a, b] by Simpson's rule (for truncated distributions without a closed form). */
function numericMoments(pdf: (x: number) => number, a: number, b: number, steps = 20_000): { mean: number; variance: number } {
  const h = (b - a) / steps;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let k = 0; k <= steps; k++) {
    const x = a + k * h;
    const w = k === 0 || k === steps ? 1 : k % 2 === 1 ? 4 : 2;
    const f = pdf(x) * w;
    m0 += f;
    m1 += f * x;
    m2 += f * x * x;
  }
  const mean = m1 / m0;
  return { mean, variance: m2 / m0 - mean * mean };
}

/** Smallest and largest value. */
function extent(x: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Expect every value in [lo, hi] (one assertion, not one per value). */
function expectWithin(x: ArrayLike<number>, lo: number, hi: number): void {
  const [a, b] = extent(x);
  expect(a).toBeGreaterThanOrEqual(lo);
  expect(b).toBeLessThanOrEqual(hi);
}

const range = (min: number, max: number, integer = false): ValueRange => ({ min, max, minExclusive: false, maxExclusive: false, integer });

describe('the seeded generator', () => {
  it('gives the same numbers for the same seed and chunk, different ones otherwise', () => {
    const a = stream(42, 3);
    const b = stream(42, 3);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(stream(42, 4).next()).not.toBe(xs[0]);
    expect(stream(43, 3).next()).not.toBe(xs[0]);
  });
  it('is pinned: these numbers are the same on every platform (32-bit integer arithmetic only)', () => {
    const r = stream(42, 0);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toMatchInlineSnapshot(`
      [
        1267735296,
        3656172308,
        136888756,
      ]
    `);
    expect(stream(0, 0).next()).toMatchInlineSnapshot(`0.29763562610920585`);
  });
  it('draws uniforms strictly inside (0, 1), uniformly', () => {
    const r = createRng(7);
    const bins = new Array<number>(10).fill(0);
    let inside = true;
    for (let i = 0; i < 100_000; i++) {
      const u = r.next();
      inside &&= u > 0 && u < 1;
      bins[Math.floor(u * 10)]! += 1;
    }
    expect(inside).toBe(true);
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(400);
  });
  it('rejects seeds that are not whole numbers in [0, 2^53)', () => {
    expect(() => stream(-1, 0)).toThrow(RangeError);
    expect(() => stream(1.5, 0)).toThrow(RangeError);
    expect(() => stream(2 ** 53, 0)).toThrow(RangeError);
  });
});

describe('each distribution matches theory (n = 200,000, 3 standard errors)', () => {
  it('uniform', () => expectMoments(draw({ dist: 'uniform', min: 2, max: 5 }), 3.5, 9 / 12, 'uniform'));
  it('triangular', () => {
    const [a, c, b] = [1, 2, 6];
    expectMoments(draw({ dist: 'triangular', min: a, mode: c, max: b }), (a + b + c) / 3, (a * a + b * b + c * c - a * b - a * c - b * c) / 18, 'triangular');
  });
  it('PERT (λ = 4 and λ = 2)', () => {
    for (const lambda of [4, 2]) {
      const [a, m, b] = [0.5, 0.75, 0.9];
      const { alpha, beta } = pertShape(a, m, b, lambda);
      const mean = a + ((b - a) * alpha) / (alpha + beta);
      const variance = ((b - a) ** 2 * alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1));
      expect(mean).toBeCloseTo((a + lambda * m + b) / (lambda + 2), 12);
      expectMoments(draw({ dist: 'pert', min: a, mode: m, max: b, lambda }), mean, variance, `pert λ=${lambda}`);
    }
  });
  it('normal', () => expectMoments(draw({ dist: 'normal', mean: -0.3, sd: 0.1 }), -0.3, 0.01, 'normal'));
  it('lognormal by mean and sd', () => expectMoments(draw({ dist: 'lognormal', mean: 2, sd: 0.6 }), 2, 0.36, 'lognormal'));
  it('lognormal by p5 and p95', () => {
    const spec: DistributionSpec = { dist: 'lognormal', p5: 120, p95: 200 };
    const { mu, sigma } = lognormalParameters(spec);
    const x = draw(spec);
    expectMoments(x, Math.exp(mu + (sigma * sigma) / 2), (Math.exp(sigma * sigma) - 1) * Math.exp(2 * mu + sigma * sigma), 'lognormal p5/p95');
    const sorted = Float64Array.from(x).sort();
    expect(sorted[Math.round(0.05 * N)]).toBeCloseTo(120, 0);
    expect(sorted[Math.round(0.95 * N)]).toBeCloseTo(200, 0);
  });
  it('beta scaled to [min, max], including U-shaped', () => {
    for (const [alpha, beta] of [
      [2, 3],
      [0.5, 0.5],
      [5, 0.7],
    ] as const) {
      const [a, b] = [10, 30];
      const mean = a + ((b - a) * alpha) / (alpha + beta);
      const variance = ((b - a) ** 2 * alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1));
      expectMoments(draw({ dist: 'beta', alpha, beta, min: a, max: b }), mean, variance, `beta(${alpha}, ${beta})`);
    }
  });
  it('the beta and PERT quantile is the exact one to 1e-13 of the range, or as near as the precision of p allows (interpolated cells and solved tails alike)', () => {
    for (const [alpha, beta] of [
      [2, 3],
      [0.5, 0.5],
      [5, 0.7],
      [1, 1],
      [30, 40],
      [0.2, 0.3],
      [pertShape(0.45, 0.7, 0.9).alpha, pertShape(0.45, 0.7, 0.9).beta],
    ] as const) {
      const s = compileDistribution({ dist: 'beta', alpha, beta, min: 10, max: 30 }, UNBOUNDED);
      const lnB = logBeta(alpha, beta);
      let worst = 0;
      for (let k = 0; k < 4000; k++) {
        // u over (0, 1), denser in both tails
        const v = (k + 0.5) / 4000;
        const u = v < 0.5 ? 0.5 * (2 * v) ** 4 : 1 - 0.5 * (2 - 2 * v) ** 4;
        let lo = 0;
        let hi = 1;
        for (let it = 0; it < 1100 && hi - lo > 0; it++) {
          const m = 0.5 * (lo + hi);
          if (m === lo || m === hi) break;
          if (betaCdf(m, alpha, beta, lnB) < u) lo = m;
          else hi = m;
        }
        // the exact quantile is known only as well as p is: F(x) rounds to ~1e-16, dx/dp = 1/f
        const x = 0.5 * (lo + hi);
        const allowed = 1e-13 + (4 * Number.EPSILON) / betaPdf(x, alpha, beta, lnB);
        worst = Math.max(worst, Math.abs((s.quantile(u) - 10) / 20 - x) / allowed);
      }
      expect(worst, `beta(${alpha}, ${beta}): the worst error over what is allowed`).toBeLessThanOrEqual(1);
    }
  });
  it('discrete, with and without weights', () => {
    expectMoments(draw({ dist: 'discrete', values: [3, 4, 6] }), 13 / 3, (9 + 16 + 36) / 3 - (13 / 3) ** 2, 'discrete equal');
    const v = [4, 5, 6];
    const w = [0.25, 0.5, 0.25];
    const mean = v.reduce((s, x, i) => s + x * (w[i] as number), 0);
    const variance = v.reduce((s, x, i) => s + (w[i] as number) * (x - mean) ** 2, 0);
    const x = draw({ dist: 'discrete', values: v, weights: w });
    expect(new Set(x)).toEqual(new Set(v));
    expectMoments(x, mean, variance, 'discrete weighted');
  });
  it('fixed', () => {
    const x = draw({ dist: 'fixed', value: 0.42 }, UNBOUNDED, 1, 1000);
    expect(new Set(x)).toEqual(new Set([0.42]));
  });
});

describe('truncation to the valid range', () => {
  it('a normal cut to [0, 1] has the truncated normal moments and never leaves [0, 1]', () => {
    const [mu, sd] = [0.75, 0.2];
    const x = draw({ dist: 'normal', mean: mu, sd }, range(0, 1));
    expectWithin(x, 0, 1);
    const a = (0 - mu) / sd;
    const b = (1 - mu) / sd;
    const Z = normalCdf(b) - normalCdf(a);
    const mean = mu + (sd * (normalPdf(a) - normalPdf(b))) / Z;
    const variance = sd * sd * (1 + (a * normalPdf(a) - b * normalPdf(b)) / Z - ((normalPdf(a) - normalPdf(b)) / Z) ** 2);
    expectMoments(x, mean, variance, 'truncated normal');
    expect(compileDistribution({ dist: 'normal', mean: mu, sd }, range(0, 1)).keptMass).toBeCloseTo(Z, 12);
  });
  it('a normal far in its upper tail keeps its digits (sampled on the mirrored side)', () => {
    const x = draw({ dist: 'normal', mean: 0, sd: 1 }, range(6, 7), 3, 20_000);
    expectWithin(x, 6, 7);
    const mean = (normalPdf(6) - normalPdf(7)) / (normalCdf(-6) - normalCdf(-7));
    expect(Math.abs(moments(x).mean - mean)).toBeLessThan(0.01);
  });
  it('a PERT that reaches past 1 is cut at 1 (utilization) with the right moments', () => {
    const [a, m, b] = [0.6, 0.9, 1.2];
    const { alpha, beta } = pertShape(a, m, b);
    // the density up to its constant, which cancels in the moments
    const pdf = (x: number): number => ((x - a) / (b - a)) ** (alpha - 1) * ((b - x) / (b - a)) ** (beta - 1);
    const x = draw({ dist: 'pert', min: a, mode: m, max: b }, range(0, 1));
    expectWithin(x, a, 1);
    const t = numericMoments(pdf, a, 1);
    expectMoments(x, t.mean, t.variance, 'truncated pert');
  });
  it('a triangular cut at both ends, and a lognormal cut above', () => {
    const tri = (x: number): number => (x < 2 ? (x - 1) / 1 : (6 - x) / 4);
    const x = draw({ dist: 'triangular', min: 1, mode: 2, max: 6 }, range(1.5, 4));
    expectWithin(x, 1.5, 4);
    const t = numericMoments(tri, 1.5, 4);
    expectMoments(x, t.mean, t.variance, 'truncated triangular');
    const y = draw({ dist: 'lognormal', mean: 1, sd: 1 }, range(0, 2));
    expectWithin(y, 0, 2);
  });
  it('whole-number fields get whole numbers inside the range', () => {
    const x = draw({ dist: 'normal', mean: 5, sd: 3 }, range(1, 15, true), 9, 20_000);
    expectWithin(x, 1, 15);
    expect(x.every((v) => Number.isInteger(v))).toBe(true);
  });
  it('a Monte Carlo run truncates normal and lognormal inputs to their field; a bounded one must lie inside it', () => {
    // without the built-in's own block: only these three inputs are sampled
    const { uncertainty: _u, ...s } = scenario(base('neocloud-base'));
    const { samples } = monteCarlo(s, {
      n: 5000,
      seed: 3,
      keepSamples: true,
      distributions: {
        'demand.utilization': { dist: 'normal', mean: 1, sd: 0.3, scale: true },
        'finance.debt.share': { dist: 'normal', mean: 0.9, sd: 0.3 },
        'fleet.usefulLifeYears': { dist: 'uniform', min: 2, max: 9 },
      },
    });
    const [util, share, life] = samples!.inputs;
    const peak = 0.88; // the neocloud's highest utilization year
    expectWithin(util!.values.map((m) => m * peak), 0, 1);
    expectWithin(share!.values, 0, 1);
    expect(life!.values.every((v) => Number.isInteger(v))).toBe(true);
    // MODEL.md §5: a uniform (bounded) past the multiplier's range is an error, not a truncation
    expect(() => monteCarlo(s, { n: 10, distributions: { 'demand.utilization': { dist: 'uniform', min: 0.5, max: 1.4, scale: true } } })).toThrow(
      /max 1\.4 is outside the valid range .* of the multiplier of demand\.utilization: a bounded distribution must lie inside it/,
    );
  });
});

describe('checks of an uncertainty entry', () => {
  const u = UNBOUNDED;
  const paths = (issues: { path: string }[]): string[] => issues.map((i) => i.path);
  it('name the entry and the field', () => {
    expect(validateDistribution('demand.utilization', { dist: 'pert', min: 0.5, mode: 0.4, max: 0.9 }, u)).toEqual([
      { path: 'uncertainty["demand.utilization"].mode', message: 'mode 0.4 must lie in [min, max] = [0.5, 0.9]', code: 'invalid_distribution' },
    ]);
    expect(paths(validateDistribution('x.y', { dist: 'triangular', min: 1, max: 2 }, u))).toEqual(['uncertainty["x.y"].mode']);
    expect(paths(validateDistribution('x.y', { dist: 'uniform', min: 3, max: 2 }, u))).toEqual(['uncertainty["x.y"].max']);
    expect(paths(validateDistribution('x.y', { dist: 'normal', mean: 1, sd: 0 }, u))).toEqual(['uncertainty["x.y"].sd']);
    expect(paths(validateDistribution('x.y', { dist: 'normal', mean: 1, sd: 1, mode: 2 }, u))).toEqual(['uncertainty["x.y"].mode']);
    expect(paths(validateDistribution('x.y', { dist: 'lognormal', mean: 1, sd: 1, p5: 2 }, u))).toEqual(['uncertainty["x.y"]']);
    expect(paths(validateDistribution('x.y', { dist: 'lognormal', p5: 3, p95: 2 }, u))).toEqual(['uncertainty["x.y"].p95']);
    expect(paths(validateDistribution('x.y', { dist: 'beta', alpha: 2, min: 0, max: 1 }, u))).toEqual(['uncertainty["x.y"].beta']);
    expect(paths(validateDistribution('x.y', { dist: 'discrete', values: [1, 2], weights: [1] }, u))).toEqual(['uncertainty["x.y"].weights']);
    expect(paths(validateDistribution('x.y', { dist: 'fixed' }, u))).toEqual(['uncertainty["x.y"].value']);
  });
  it('against the valid range of the field', () => {
    const r01 = range(0, 1);
    expect(validateDistribution('demand.utilization', { dist: 'fixed', value: 1.2 }, r01)[0]?.message).toBe(
      '1.2 is outside the valid range [0, 1] of demand.utilization',
    );
    expect(paths(validateDistribution('demand.utilization', { dist: 'discrete', values: [0.5, 1.5] }, r01))).toEqual(['uncertainty["demand.utilization"].values']);
    expect(validateDistribution('demand.utilization', { dist: 'uniform', min: 2, max: 3 }, r01).map((i) => i.message)).toEqual([
      'min 2 is outside the valid range [0, 1] of demand.utilization: a bounded distribution must lie inside it',
      'max 3 is outside the valid range [0, 1] of demand.utilization: a bounded distribution must lie inside it',
    ]);
    expect(validateDistribution('demand.utilization', { dist: 'normal', mean: 5, sd: 0.1 }, r01)[0]?.message).toMatch(/puts (almost )?no probability in the valid range \[0, 1\]/);
    expect(validateDistribution('fleet.usefulLifeYears', { dist: 'uniform', min: 2, max: 3, scale: true }, range(1, 15, true))[0]?.path).toBe(
      'uncertainty["fleet.usefulLifeYears"].scale',
    );
  });
  it('in a run: a path that is not an input of the scenario, and a horizon that cannot vary', () => {
    const s = scenario(base('hyperscaler-base'));
    const r = prepareMonteCarlo(s, {
      n: 10,
      distributions: {
        'finance.debt.rate': { dist: 'uniform', min: 0.05, max: 0.1 },
        'demand.utilisation': { dist: 'uniform', min: 0.5, max: 0.9 },
        'horizon.years': { dist: 'discrete', values: [5, 10] },
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(['uncertainty["finance.debt.rate"]', 'uncertainty["demand.utilisation"]', 'uncertainty["horizon.years"]']);
    expect(r.issues[0]?.message).toMatch(/this scenario has no debt/);
    expect(r.issues[1]?.message).toMatch(/did you mean "utilization"/);
  });
  it('an empty uncertainty: block is no block (the default uncertainty applies), not a correlation without inputs', () => {
    const { uncertainty: _u, ...bare } = scenario(base('hyperscaler-base'));
    expect(checkUncertainty({ ...bare, uncertainty: {} })).toEqual([]);
    expect(checkUncertainty({ ...bare, uncertainty: {}, correlation: { paths: ['a', 'b'], matrix: [[1, 0.5], [0.5, 1]] } }).map((i) => i.code)).toEqual(['no_uncertainty']);
  });
  it('in a run: no uncertain input at all', () => {
    const { uncertainty: _u, ...bare } = scenario(base('hyperscaler-base'));
    const r = prepareMonteCarlo(bare, { n: 10 });
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['no_uncertainty']);
  });
});

describe('the --dist syntax', () => {
  it('takes each distribution’s parameters in their documented order', () => {
    const ok = (text: string): unknown => {
      const r = parseDistArgument(text);
      if (!r.ok) throw new Error(r.issue.message);
      return { path: r.path, spec: r.spec };
    };
    expect(ok('demand.utilization=pert:0.5,0.75,0.9')).toEqual({ path: 'demand.utilization', spec: { dist: 'pert', min: 0.5, mode: 0.75, max: 0.9 } });
    expect(ok('a.b=pert:0,1,2,6')).toEqual({ path: 'a.b', spec: { dist: 'pert', min: 0, mode: 1, max: 2, lambda: 6 } });
    expect(ok('a.b=fixed:3')).toEqual({ path: 'a.b', spec: { dist: 'fixed', value: 3 } });
    expect(ok('a.b=uniform:1,2')).toEqual({ path: 'a.b', spec: { dist: 'uniform', min: 1, max: 2 } });
    expect(ok('a.b=triangular:1,2,3')).toEqual({ path: 'a.b', spec: { dist: 'triangular', min: 1, mode: 2, max: 3 } });
    expect(ok('a.b=normal:0.1,0.02,0,1')).toEqual({ path: 'a.b', spec: { dist: 'normal', mean: 0.1, sd: 0.02, min: 0, max: 1 } });
    expect(ok('a.b=lognormal:p5=1.5,p95=3e0')).toEqual({ path: 'a.b', spec: { dist: 'lognormal', p5: 1.5, p95: 3 } });
    expect(ok('a.b=beta:2,3,0,10')).toEqual({ path: 'a.b', spec: { dist: 'beta', alpha: 2, beta: 3, min: 0, max: 10 } });
    expect(ok('a.b=discrete:4@0.25,5@0.5,6@0.25')).toEqual({ path: 'a.b', spec: { dist: 'discrete', values: [4, 5, 6], weights: [0.25, 0.5, 0.25] } });
    expect(ok('demand.segments[api].tokenShare*=uniform:0.8,1.2')).toEqual({
      path: 'demand.segments[api].tokenShare',
      spec: { dist: 'uniform', min: 0.8, max: 1.2, scale: true },
    });
  });
  it('says what is wrong', () => {
    const err = (text: string): string => {
      const r = parseDistArgument(text);
      return r.ok ? '' : r.issue.message;
    };
    expect(err('demand.utilization')).toMatch(/expected PATH=DIST:PARAMS/);
    expect(err('x=weibull:1,2')).toMatch(/unknown distribution "weibull"/);
    expect(err('x=pert:1,2')).toMatch(/expected pert:min,mode,max\[,lambda=4\]/);
    expect(err('x=uniform:1,two')).toMatch(/max: "two" is not a number/);
    expect(err('x=normal:1,2,3,4,5')).toMatch(/too many parameters/);
    expect(err('x=normal:mean=1,shape=2')).toMatch(/shape is not a parameter of normal/);
  });
});

describe('special functions', () => {
  it('Φ and Φ⁻¹ round-trip to ~1e-14 relative over 12 decades', () => {
    for (let p = 1e-12; p < 1; p *= 3.7) expect(Math.abs(normalCdf(normalQuantile(p)) - p) / p).toBeLessThan(1e-13);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
  });
});
