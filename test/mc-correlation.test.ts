/**
 * Rank correlation between uncertain inputs: Iman–Conover reaches the
 * requested rank correlation, leaves the marginals alone, and the checks of a
 * correlation block say which rule a matrix breaks.
 */
import { describe, expect, it } from 'vitest';
import { cholesky, imanConover, parseCorrArgument, prepareImanConover, validateCorrelation, withCorrelationOverrides } from '../src/analysis/correlation.ts';
import { monteCarlo, prepareMonteCarlo } from '../src/analysis/monte-carlo.ts';
import { stream } from '../src/analysis/rng.ts';
import { spearman } from '../src/analysis/statistics.ts';
import { base, scenario } from './helpers.ts';

describe('Iman–Conover', () => {
  it('reaches a requested rank correlation of 0.7 within 0.02 and keeps each marginal', () => {
    const m = 4096;
    const rng = stream(5, 0);
    const x = Float64Array.from({ length: m }, () => rng.next() ** 3); // skewed
    const y = Float64Array.from({ length: m }, () => -Math.log(rng.next())); // exponential
    const before = [Float64Array.from(x).sort(), Float64Array.from(y).sort()];
    expect(imanConover(prepareImanConover([[1, 0.7], [0.7, 1]]), [x, y], m, rng)).toBe(true);
    expect(Math.abs((spearman(x, y) as number) - 0.7)).toBeLessThan(0.02);
    expect(Float64Array.from(x).sort()).toEqual(before[0]);
    expect(Float64Array.from(y).sort()).toEqual(before[1]);
  });

  it('reaches three targets at once (0.7, −0.3, −0.2) in a whole run, and reports what it reached', () => {
    const s = scenario(base('neocloud-base'));
    const { summary } = monteCarlo(s, {
      n: 20_000,
      seed: 11,
      lhs: true,
      distributions: {
        'finance.debt.rate': { dist: 'pert', min: 0.08, mode: 0.1, max: 0.15 },
        'finance.wacc': { dist: 'normal', mean: 0.12, sd: 0.02 },
        'site.power.pricePerMWh': { dist: 'lognormal', p5: 60, p95: 110 },
      },
      correlation: {
        paths: ['finance.debt.rate', 'finance.wacc', 'site.power.pricePerMWh'],
        matrix: [
          [1, 0.7, -0.3],
          [0.7, 1, -0.2],
          [-0.3, -0.2, 1],
        ],
      },
    });
    const c = summary.correlation;
    expect(c).not.toBeNull();
    const a = c!.achieved;
    expect(Math.abs((a[0]![1] as number) - 0.7)).toBeLessThan(0.02);
    expect(Math.abs((a[0]![2] as number) + 0.3)).toBeLessThan(0.02);
    expect(Math.abs((a[1]![2] as number) + 0.2)).toBeLessThan(0.02);
    expect(a[1]![0]).toBe(a[0]![1]);
  });

  it('uncorrelated inputs stay uncorrelated', () => {
    const s = scenario(base('hyperscaler-base'));
    const { summary } = monteCarlo(s, {
      n: 10_000,
      distributions: { 'finance.wacc': { dist: 'uniform', min: 0.06, max: 0.1 }, 'site.power.pricePerMWh': { dist: 'uniform', min: 50, max: 80 } },
      correlation: { paths: ['finance.wacc', 'site.power.pricePerMWh'], matrix: [[1, 0], [0, 1]] },
    });
    expect(Math.abs(summary.correlation!.achieved[0]![1] as number)).toBeLessThan(0.03);
  });
});

describe('checks of a correlation block', () => {
  const P = ['a', 'b', 'c'];
  const issues = (matrix: number[][], paths = P): string[] => validateCorrelation({ paths, matrix }, P).map((i) => `${i.path}: ${i.message}`);
  it('square', () => {
    expect(issues([[1, 0], [0, 1]])).toEqual(['correlation.matrix: the matrix has 2 rows for 3 paths: it must be 3×3']);
    expect(issues([[1, 0, 0], [0, 1], [0, 0, 1]])).toEqual(['correlation.matrix[1]: row 1 has 2 entries: the matrix must be 3×3 (one row and one column per path)']);
  });
  it('symmetric, with a unit diagonal', () => {
    expect(issues([[1, 0.5, 0], [0.4, 1, 0], [0, 0, 1]])).toEqual(['correlation.matrix[1][0]: the matrix is not symmetric: [1][0] = 0.4 but [0][1] = 0.5']);
    expect(issues([[1, 0, 0], [0, 0.9, 0], [0, 0, 1]])).toEqual([
      'correlation.matrix[1][1]: the diagonal must be 1 (an input is perfectly correlated with itself), got 0.9',
    ]);
  });
  it('positive definite', () => {
    expect(issues([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])).toEqual([
      'correlation.matrix: the matrix is not positive definite: these correlations cannot hold together (e.g. a ≈ b and b ≈ c but a ≉ c); loosen the strongest ones',
    ]);
    expect(cholesky([[1, 0.5], [0.5, 1]])).not.toBeNull();
  });
  it('paths that are uncertain inputs, once each', () => {
    expect(validateCorrelation({ paths: ['a', 'a'], matrix: [[1, 0], [0, 1]] }, ['a']).map((i) => i.path)).toEqual(['correlation.paths[1]']);
    expect(validateCorrelation({ paths: ['a', 'z'], matrix: [[1, 0], [0, 1]] }, ['a'])[0]?.message).toMatch(/"z" has no distribution in the uncertainty block/);
    expect(validateCorrelation({ paths: ['a', 'b'], matrix: [[1, 0], [0, 1]] }, ['a', 'b'], ['b'])[0]?.message).toMatch(/"b" is fixed/);
  });
  it('in a run, against the uncertainty block (paths compared in canonical form)', () => {
    // without the built-in's own block (it has a debt rate): only the wacc is uncertain
    const { uncertainty: _u, ...s } = scenario(base('neocloud-base'));
    const r = prepareMonteCarlo(s, {
      n: 10,
      distributions: { 'finance.wacc': { dist: 'uniform', min: 0.1, max: 0.14 } },
      correlation: { paths: ['finance.wacc', 'finance.debt.rate'], matrix: [[1, 0.2], [0.2, 1]] },
    });
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['correlation.paths[1]']);
  });
});

describe('--corr', () => {
  it('parses a pair and merges it into a block', () => {
    const r = parseCorrArgument('demand.utilization,site.power.pricePerMWh=-0.3');
    expect(r).toEqual({ ok: true, a: 'demand.utilization', b: 'site.power.pricePerMWh', rho: -0.3 });
    const merged = withCorrelationOverrides({ paths: ['x', 'y'], matrix: [[1, 0.1], [0.1, 1]] }, [
      { a: 'y', b: 'z', rho: 0.5 },
      { a: 'x', b: 'y', rho: 0.2 },
    ]);
    expect(merged).toEqual({
      paths: ['x', 'y', 'z'],
      matrix: [
        [1, 0.2, 0],
        [0.2, 1, 0.5],
        [0, 0.5, 1],
      ],
    });
  });
  it('refuses what is not a pair and a correlation', () => {
    expect(parseCorrArgument('a=0.5').ok).toBe(false);
    expect(parseCorrArgument('a,b=1.5').ok).toBe(false);
    expect(parseCorrArgument('a,a=0.5').ok).toBe(false);
  });
});
