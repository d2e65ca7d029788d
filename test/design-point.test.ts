/**
 * The design point (FORM, issue 19): exact on an NPV linear in normal inputs
 * (independent, correlated, and with a discrete input conditioned on); on
 * every built-in the point lies on npv = 0 and Φ(−β) is near the Monte
 * Carlo's probability; bad input is refused with every issue.
 */
import { describe, expect, it } from 'vitest';
import { designPoint, type DesignPointReport, unreachableIssue } from '../src/analysis/design-point.ts';
import { AnalysisInputError, setInput } from '../src/analysis/paths.ts';
import { normalCdf } from '../src/analysis/special-functions.ts';
import { evaluate } from '../src/model/engine.ts';
import type { Scenario } from '../src/model/schema.ts';
import { uncertaintyFor } from '../src/analysis/default-uncertainty.ts';
import { base, BUILT_INS, near, nonFinitePaths, readYaml, scenario, withPatch } from './helpers.ts';

const PRICE = 'demand.segments[paid].pricing.perMTok';
const RENT = 'fleet.rentPerAcceleratorHour';
const raw = readYaml('test/fixtures/form-linear.yaml') as Record<string, any>;
const linear = scenario(raw);

// npv = A · (a·p − b·r − f): read the coefficients off the formulas of MODEL.md §3 (test/fixtures/form-linear.yaml)
const A = 1 / 1.1 + 1 / 1.1 ** 2 + 1 / 1.1 ** 3;
const a = 15_768_000;
const b = 8_760_000;
const mu = { p: 1, r: 1.5 };
const sd = { p: 0.1, r: 0.1 };

/** β, P(npv < 0) and the design point of npv = A·(a·p − b·r − f) with (p, r) bivariate normal of correlation rho. */
function closedForm(rho: number, f = 0): { beta: number; p: number; price: number; rent: number } {
  const mean = a * mu.p - b * mu.r - f;
  // Σc with c = (a, −b)
  const sc = [a * sd.p * sd.p - b * rho * sd.p * sd.r, a * rho * sd.p * sd.r - b * sd.r * sd.r];
  const s = Math.sqrt(a * (sc[0] as number) - b * (sc[1] as number));
  const beta = mean / s;
  return { beta, p: normalCdf(-beta), price: mu.p - (beta * (sc[0] as number)) / s, rent: mu.r - (beta * (sc[1] as number)) / s };
}

const valueOf = (d: DesignPointReport, path: string): number => d.inputs.find((x) => x.path === path)?.value as number;

/** The scenario at the design point: its `setting` applied to the scenario, as a user would. */
const atPoint = (s: Scenario, d: DesignPointReport): Scenario => d.setting.reduce((acc, x) => setInput(acc, x.path, x.value, x.mode), s);

describe('design point of an NPV linear in normal inputs', () => {
  it('the fixture is linear: the engine agrees with A·(a·p − b·r)', () => {
    for (const [p, r] of [
      [1, 1.5],
      [0.7, 2],
      [1.3, 1.1],
    ] as const) {
      near(evaluate(setInput(setInput(linear, PRICE, p), RENT, r)).summary.npv, A * (a * p - b * r), `npv(${p}, ${r})`, 1e-12);
    }
  });

  it('independent: Φ(−β) is the closed form within 1e-9 and the design point is the analytic one', () => {
    const d = designPoint(linear, { n: 0 });
    const c = closedForm(0);
    expect(d.status).toBe('found');
    expect(d.event).toBe('miss');
    near(d.beta, c.beta, 'β', 1e-9);
    expect(Math.abs((d.probability as number) - c.p)).toBeLessThan(1e-9);
    near(d.probabilityMet, 1 - c.p, 'P(met)', 1e-9);
    near(valueOf(d, PRICE), c.price, 'price at the design point', 1e-9);
    near(valueOf(d, RENT), c.rent, 'rent at the design point', 1e-9);
    // importance: each input's share of the variance of npv, (a·σp)² : (b·σr)²
    const total = (a * sd.p) ** 2 + (b * sd.r) ** 2;
    near(d.inputs.find((x) => x.path === PRICE)?.importance, (a * sd.p) ** 2 / total, 'importance of the price', 1e-9);
    near(d.inputs.find((x) => x.path === RENT)?.importance, (b * sd.r) ** 2 / total, 'importance of the rent', 1e-9);
    expect(d.inputs.map((x) => x.path)).toEqual([PRICE, RENT]);
    expect(Math.abs(d.metricAtPoint as number)).toBeLessThan(1e-6);
    expect(d.solver.converged).toBe(true);
    expect(nonFinitePaths(d)).toEqual([]);
  });

  it('correlated (rank 0.5): the Gaussian copula of Iman–Conover makes them bivariate normal with 2·sin(π/12); closed form within 1e-9', () => {
    const s = scenario(withPatch(raw, (r) => void (r['correlation'] = { paths: [PRICE, RENT], matrix: [[1, 0.5], [0.5, 1]] })));
    const d = designPoint(s, { n: 0 });
    const c = closedForm(2 * Math.sin(Math.PI / 12));
    near(d.beta, c.beta, 'β', 1e-9);
    expect(Math.abs((d.probability as number) - c.p)).toBeLessThan(1e-9);
    near(valueOf(d, PRICE), c.price, 'price', 1e-9);
    near(valueOf(d, RENT), c.rent, 'rent', 1e-9);
    const sum = d.inputs.reduce((acc, x) => acc + (x.importance ?? 0), 0);
    near(sum, 1, 'Σ importance', 1e-12);
  });

  it('a discrete input is conditioned on: the probability is the weighted closed form within 1e-9', () => {
    const s = scenario(withPatch(raw, (r) => void (r['uncertainty']['opex.fixedPerMWYear'] = { dist: 'discrete', values: [0, 1_000_000], weights: [3, 1] })));
    const d = designPoint(s, { n: 0 });
    const c0 = closedForm(0, 0);
    const c1 = closedForm(0, 1_000_000);
    const pMiss = 0.75 * c0.p + 0.25 * c1.p;
    expect(Math.abs((d.probability as number) - pMiss)).toBeLessThan(1e-9);
    near(normalCdf(-(d.beta as number)), pMiss, 'Φ(−β) = weighted probability', 1e-9);
    expect(d.branches.map((x) => x.values[0]?.value)).toEqual([0, 1_000_000]);
    near(d.branches[0]?.probability, 0.75, 'P(f = 0)', 1e-14);
    near(d.branches[1]?.probability, 0.25, 'P(f = 1M)', 1e-14);
    near(d.branches[0]?.beta, c0.beta, 'β | f = 0', 1e-9);
    near(d.branches[1]?.beta, c1.beta, 'β | f = 1M', 1e-9);
    // the design point is the most likely point on npv = 0 over both: 0.75·φ(β0) against 0.25·φ(β1)
    const pick = Math.log(0.75) - c0.beta ** 2 / 2 > Math.log(0.25) - c1.beta ** 2 / 2 ? 0 : 1_000_000;
    expect(valueOf(d, 'opex.fixedPerMWYear')).toBe(pick);
    expect(Math.abs(evaluate(atPoint(s, d)).summary.npv as number)).toBeLessThan(1e-6);
  });

  it('with the Monte Carlo beside it: same distributions, same seed, same estimate', () => {
    const d1 = designPoint(linear, { n: 20_000, seed: 3 });
    const d2 = designPoint(linear, { n: 20_000, seed: 3 });
    expect(d1.monteCarlo).toEqual(d2.monteCarlo);
    expect(d1.monteCarlo?.n).toBe(20_000);
    expect(Math.abs((d1.monteCarlo?.probability as number) - (d1.probability as number))).toBeLessThan(0.01);
    near((d1.monteCarlo?.probability as number) + (d1.monteCarlo?.probabilityMet as number), 1, 'P(miss) + P(met)', 1e-12);
  });
});

describe('design point on the built-ins (their uncertainty block, else the default uncertainty)', () => {
  const pairs: string[] = [];
  for (const id of BUILT_INS) {
    it(`${id}: the point lies on npv = 0 within 1e-6 × |base npv|; Φ(−β) within 0.05 of the Monte Carlo at n = 100,000`, () => {
      const s = scenario(base(id));
      const d = designPoint(s, { n: 100_000, seed: 42, distributions: uncertaintyFor(s).distributions });
      expect(d.status).toBe('found');
      const baseNpv = evaluate(s).summary.npv as number;
      const npvThere = evaluate(atPoint(s, d)).summary.npv as number;
      expect(Math.abs(npvThere)).toBeLessThanOrEqual(1e-6 * Math.abs(baseNpv));
      expect(d.metricAtPoint).toBe(npvThere);
      const mc = d.monteCarlo?.probability as number;
      pairs.push(`${id}: β ${d.beta?.toFixed(4)}, Φ(−β) ${d.probability?.toPrecision(4)} vs Monte Carlo ${mc.toPrecision(4)} (${d.event}), npv at the point ${npvThere.toExponential(2)}, ${d.solver.evaluations} evaluations, converged ${d.solver.converged}`);
      expect(Math.abs((d.probability as number) - mc)).toBeLessThan(0.05);
      expect(d.solver.converged).toBe(true);
      const sum = d.inputs.reduce((acc, x) => acc + (x.importance ?? 0), 0);
      near(sum, 1, 'Σ importance', 1e-9);
      expect(nonFinitePaths(d)).toEqual([]);
    }, 60_000);
  }
  it('lists the pairs', () => {
    console.log(`design point against Monte Carlo:\n  ${pairs.join('\n  ')}`);
    expect(pairs.length).toBe(BUILT_INS.length);
  });
});

describe('design point: bad input and dead ends', () => {
  it('a target out of reach is unreachable, with the closest point', () => {
    const d = designPoint(linear, { n: 0, target: 'npv>=1e12' });
    expect(d.status).toBe('unreachable');
    expect(d.beta).toBeNull();
    expect(d.probabilityMet).toBe(0);
    // the closest point: price at its top, rent at its bottom (8 sd out)
    expect(valueOf(d, PRICE)).toBeGreaterThan(1.79);
    near(valueOf(d, RENT), 0.7, 'rent at the bottom', 1e-9);
    expect(unreachableIssue(d).message).toMatch(
      /^unreachable: the target npv>=1e12 is never met for any values of the uncertain inputs in their ranges; the closest point found gives npv = 55300400 at demand\.segments\[paid\]\.pricing\.perMTok = 1\.799\d*, fleet\.rentPerAcceleratorHour = 0\.7$/,
    );
    expect(designPoint(linear, { n: 0, target: 'npv>=-1e12' }).status).toBe('unreachable');
  });

  it('no uncertain input, a correlation that is not positive definite, a bad target: every issue at once', () => {
    const issues = (fn: () => unknown): { path: string; code?: string }[] => {
      try {
        fn();
      } catch (e) {
        if (e instanceof AnalysisInputError) return e.issues;
        throw e;
      }
      throw new Error('no error');
    };
    const fixed = scenario(withPatch(raw, (r) => void (r['uncertainty'] = { 'finance.wacc': { dist: 'fixed', value: 0.1 } })));
    expect(issues(() => designPoint(fixed, { n: 0 })).map((i) => i.code)).toEqual(['no_uncertainty']);
    const none = scenario(withPatch(raw, (r) => void delete r['uncertainty']));
    expect(issues(() => designPoint(none, { n: 0 })).map((i) => i.code)).toEqual(['no_uncertainty']);
    const notPd = issues(() => designPoint(linear, { n: 0, correlation: { paths: [PRICE, RENT], matrix: [[1, 1], [1, 1]] } }));
    expect(notPd).toEqual([expect.objectContaining({ path: 'correlation.matrix', code: 'invalid_correlation' })]);
    expect(issues(() => designPoint(linear, { n: 0, target: 'npv>0' })).map((i) => i.code)).toEqual(['bad_target']);
    expect(issues(() => designPoint(linear, { n: 0, target: 'minDscr>=1.2' })).map((i) => i.path)).toEqual(['finance.debt']);
  });
});
