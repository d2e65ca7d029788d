/**
 * The eight conditions (issue 19): the mapping of the seed's list to input
 * paths, each condition's npv when it alone fails or alone holds (checked
 * against setInput + evaluate by hand), the joint probabilities from the
 * samples (consistent with each other, reproducible for a seed).
 */
import { describe, expect, it } from 'vitest';
import { CONDITIONS, conditionPaths, conditions, type ConditionsReport } from '../src/analysis/conditions.ts';
import { AnalysisInputError, setInput } from '../src/analysis/paths.ts';
import { evaluate } from '../src/model/engine.ts';
import type { Scenario } from '../src/model/schema.ts';
import { uncertaintyFor } from '../src/analysis/default-uncertainty.ts';
import { base, BUILT_INS, near, nonFinitePaths, readYaml, scenario, withPatch } from './helpers.ts';

const hyperscaler = scenario(base('hyperscaler-base'));
const run = (s: Scenario, n = 20_000, seed = 7): ConditionsReport => conditions(s, { n, seed, distributions: uncertaintyFor(s).distributions });

describe('the eight conditions: input paths', () => {
  it('are the seed’s eight, in its order', () => {
    expect(CONDITIONS.map((c) => c.label)).toEqual([
      'Paid enterprise workflows',
      'Consumer monetization',
      'Internal product lift',
      'Platform services',
      'High utilization',
      'Lower cost per token',
      'Sustained premium demand',
      'Disciplined capital deployment',
    ]);
  });

  it('hyperscaler: segments go by payer and pricing; each path in one condition at most', () => {
    const g = Object.fromEntries(conditionPaths(hyperscaler).map((c) => [c.key, c.paths]));
    expect(g['enterprise']).toEqual([
      'demand.segments[cloud-api].tokenShare',
      'demand.segments[cloud-api].pricing.perMTok',
      'demand.segments[cloud-api].pricing.discount',
      'demand.segments[batch].tokenShare',
      'demand.segments[batch].pricing.perMTok',
      'demand.segments[batch].pricing.discount',
    ]);
    expect(g['consumer']).toEqual(['demand.segments[consumer-sub].pricing.subscription.arpuPerMonth', 'paidShare']);
    expect(g['internal']).toEqual(['demand.segments[internal-product].pricing.imputedPerMTok']);
    expect(g['platform']).toEqual([]);
    expect(g['utilization']).toEqual(['demand.utilization']);
    expect(g['costPerToken']).toEqual(expect.arrayContaining(['serving.softwareGainPerYear', 'fleet.tokensPerSecond', 'site.power.pricePerMWh']));
    expect(g['premiumDemand']).toEqual([
      'demand.segments[cloud-api].pricing.changePerYear',
      'demand.segments[consumer-sub].pricing.subscription.arpuChangePerYear',
      'demand.segments[batch].pricing.changePerYear',
    ]);
    expect(g['capital']).toEqual(expect.arrayContaining(['fleet.capexPerAccelerator', 'fleet.usefulLifeYears']));
    for (const id of BUILT_INS) {
      const all = conditionPaths(scenario(base(id))).flatMap((c) => c.paths);
      expect(new Set(all).size).toBe(all.length);
    }
  });

  it('neocloud: capacity contracts are platform services; a rented fleet’s rent is capital', () => {
    const g = Object.fromEntries(conditionPaths(scenario(base('neocloud-base'))).map((c) => [c.key, c.paths]));
    expect(g['platform']).toEqual(expect.arrayContaining(['demand.segments[term-contracts].pricing.perAcceleratorHour', 'demand.segments[on-demand].tokenShare']));
    expect(g['enterprise']).toEqual([]);
    const f = Object.fromEntries(conditionPaths(scenario(base('frontier-lab-base'))).map((c) => [c.key, c.paths]));
    expect(f['capital']).toEqual(['fleet.rentPerAcceleratorHour']);
  });

  it('a payer moves a segment: a paid API paid by consumers is consumer monetization', () => {
    const s = scenario(withPatch(base('hyperscaler-base'), (r: any) => void (r.demand.segments[0].payer = 'consumer')));
    const g = Object.fromEntries(conditionPaths(s).map((c) => [c.key, c.paths]));
    expect(g['consumer']).toContain('demand.segments[cloud-api].pricing.perMTok');
    expect(g['enterprise']).not.toContain('demand.segments[cloud-api].pricing.perMTok');
  });
});

describe('conditions on the built-ins', () => {
  for (const id of BUILT_INS) {
    it(`${id}: the figures agree with the model and with each other`, () => {
      const s = scenario(base(id));
      const c = run(s);
      expect(c.conditions.map((x) => x.key)).toEqual(CONDITIONS.map((x) => x.key));
      near(c.npvBase, evaluate(s).summary.npv as number, 'base npv', 1e-12);
      // alone fails: each uncertain input at its low end, by hand
      for (const row of c.conditions) {
        const moving = row.uncertain.filter((u) => u.better !== 'none');
        if (moving.length === 0) {
          expect(row.npvAloneFails).toBeNull();
          continue;
        }
        const byHand = moving.reduce((acc, u) => setInput(acc, u.path, u.low, u.mode), s as Scenario);
        near(row.npvAloneFails, evaluate(byHand).summary.npv as number, `${row.key} alone fails`, 1e-12);
        // the low end is on the bad side: it costs npv (or nothing)
        expect(row.npvAloneFails as number).toBeLessThanOrEqual((c.npvBase as number) + 1e-6 * Math.abs(c.npvBase as number));
        for (const u of moving) expect(u.low).toBe(u.better === 'up' ? u.p10 : u.p90);
      }
      // all fail is no better than any one failing
      for (const row of c.conditions) if (row.npvAloneFails !== null) expect(c.npvAllFail as number).toBeLessThanOrEqual((row.npvAloneFails as number) + 1e-6 * Math.abs(row.npvAloneFails as number));
      // the law of total probability over "all hold" and "one fails"
      const pAll = c.pAllHold as number;
      const total = pAll * (c.pNpvGivenAllHold ?? 0) + (1 - pAll) * (c.pNpvGivenAnyFails ?? 0);
      near(total, c.pNpv, 'P(npv ≥ 0) = P(all)·P(·|all) + P(any)·P(·|any)', 1e-12, 1e-12);
      expect(c.counts.allHold + c.counts.anyFails).toBe(c.n);
      near(pAll, c.counts.allHold / c.n, 'P(all hold)', 1e-15, 0);
      // a condition of one continuous input holds half the time
      const util = c.conditions.find((x) => x.key === 'utilization');
      expect(Math.abs((util?.pHolds as number) - 0.5)).toBeLessThan(0.015);
      expect(nonFinitePaths(c)).toEqual([]);
    }, 60_000);
  }

  it('reproducible for a seed; another seed, other samples', () => {
    const a = run(hyperscaler, 10_000, 11);
    const b = run(hyperscaler, 10_000, 11);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = run(hyperscaler, 10_000, 12);
    expect(c.conditions.map((x) => x.pHolds)).not.toEqual(a.conditions.map((x) => x.pHolds));
    expect(c.seed).toBe(12);
  });

  it('the scenario’s own uncertainty block decides which inputs are uncertain', () => {
    const s = scenario(readYaml('test/fixtures/form-linear.yaml'));
    const c = conditions(s, { n: 5_000, seed: 1 });
    const rows = Object.fromEntries(c.conditions.map((x) => [x.key, x]));
    expect(rows['enterprise']?.uncertain.map((u) => [u.path, u.better])).toEqual([['demand.segments[paid].pricing.perMTok', 'up']]);
    expect(rows['capital']?.uncertain.map((u) => [u.path, u.better])).toEqual([['fleet.rentPerAcceleratorHour', 'down']]);
    expect(rows['utilization']?.uncertain).toEqual([]);
    expect(rows['utilization']?.pHolds).toBeNull();
    // two independent inputs: both at or beyond their median a quarter of the time
    expect(Math.abs((c.pAllHold as number) - 0.25)).toBeLessThan(0.02);
    // with both holding npv is at least its median: always ≥ 0 here
    expect(c.pNpvGivenAllHold).toBe(1);
  });

  it('bad input: every issue at once', () => {
    const s = scenario(withPatch(readYaml('test/fixtures/form-linear.yaml') as Record<string, any>, (r) => void (r['uncertainty'] = { 'finance.wacc': { dist: 'fixed', value: 0.1 } })));
    expect(() => conditions(s, { n: 100 })).toThrow(AnalysisInputError);
  });
});
