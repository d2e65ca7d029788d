/**
 * An analytic check of the whole Monte Carlo: a scenario whose NPV is linear
 * in one normally distributed input (test/fixtures/mc-linear.yaml) gives
 * P(npv ≥ 0) within 0.005 of the closed form at n = 200,000, plain and Latin
 * hypercube, and the NPV's mean and sd follow the input's.
 */
import { describe, expect, it } from 'vitest';
import type { DistributionSpec } from '../src/analysis/distributions.ts';
import { monteCarlo } from '../src/analysis/monte-carlo.ts';
import { setInput } from '../src/analysis/paths.ts';
import { normalCdf } from '../src/analysis/special-functions.ts';
import { evaluate } from '../src/model/engine.ts';
import { readYaml, scenario } from './helpers.ts';

const s = scenario(readYaml('test/fixtures/mc-linear.yaml'));
const PATH = 'opex.fixedPerMWYear';
const spec = s.uncertainty?.[PATH] as DistributionSpec;
const mu = spec.mean as number;
const sd = spec.sd as number;

// NPV(x) = A − B·x, read off the engine at two points
const npvAt = (x: number): number => evaluate(setInput(s, PATH, x)).summary.npv as number;
const A = npvAt(0);
const B = (A - npvAt(1_000_000)) / 1_000_000;
const breakeven = A / B;
// the cut at 0 (the field's lower bound) conditions the normal on x ≥ 0
const keep = 1 - normalCdf(-mu / sd);
const closedForm = (normalCdf((breakeven - mu) / sd) - normalCdf(-mu / sd)) / keep;

describe('P(npv ≥ 0) of an NPV linear in a normal input', () => {
  it('is linear: the engine agrees at a third point', () => {
    expect(npvAt(2_000_000)).toBeCloseTo(A - 2_000_000 * B, 3);
    expect(closedForm).toBeGreaterThan(0.6);
    expect(closedForm).toBeLessThan(0.7);
  });

  for (const lhs of [false, true]) {
    it(`matches the closed form within 0.005 at n = 200,000 (${lhs ? 'Latin hypercube' : 'plain Monte Carlo'})`, () => {
      const { summary } = monteCarlo(s, { n: 200_000, seed: 2026, lhs });
      expect(Math.abs(summary.probabilities.npvAtLeastZero - closedForm)).toBeLessThan(0.005);
      // the NPV is the input through a line: its mean and sd are the (truncated) input's, scaled by B
      const npv = summary.metrics.npv;
      expect(npv.count).toBe(200_000);
      expect(Math.abs((npv.mean as number) - (A - B * mu)) / (B * sd)).toBeLessThan(0.02);
      expect(Math.abs((npv.sd as number) / (B * sd) - 1)).toBeLessThan(0.01);
      // the one input explains the NPV's ranks entirely, negatively
      expect(summary.importance.npv).toEqual([{ path: PATH, spearman: -1, contribution: 1 }]);
    });
  }
});
