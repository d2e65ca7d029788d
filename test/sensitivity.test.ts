/** Tornado and grid (MODEL.md §5 "Sensitivity"). */
import { describe, expect, it } from 'vitest';
import { makeDriver } from '../src/analysis/drivers.ts';
import { axisValues, contourOf, grid } from '../src/analysis/grid.ts';
import { AnalysisInputError, setInput } from '../src/analysis/paths.ts';
import { swingRange, tornado } from '../src/analysis/tornado.ts';
import { evaluate } from '../src/model/engine.ts';
import { base, BUILT_INS, scenario } from './helpers.ts';

const hyper = scenario(base('hyperscaler-base'));
const neo = scenario(base('neocloud-base'));

const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnalysisInputError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
};

describe('tornado', () => {
  for (const id of BUILT_INS) {
    it(`${id}: sorted by swing, low ≤ base ≤ high, each metric the engine's at that setting`, () => {
      const s = scenario(base(id));
      const t = tornado(s);
      expect(t.metric).toBe('npv');
      expect(t.baseMetric).toBe(evaluate(s).summary.npv);
      const swings = t.rows.map((r) => r.swing ?? -1);
      expect(swings).toEqual([...swings].sort((a, b) => b - a));
      for (const r of t.rows) {
        expect(r.low).toBeLessThanOrEqual(r.base);
        expect(r.high).toBeGreaterThanOrEqual(r.base);
        const d = makeDriver(s, r.path);
        expect(r.low).toBeGreaterThanOrEqual(d.lo);
        expect(r.high).toBeLessThanOrEqual(d.hi);
        expect(evaluate(setInput(s, r.settingLow.path, r.settingLow.value, r.settingLow.mode)).summary.npv).toBe(r.metricLow);
        expect(evaluate(setInput(s, r.settingHigh.path, r.settingHigh.value, r.settingHigh.mode)).summary.npv).toBe(r.metricHigh);
        expect(r.swing).toBe(Math.abs((r.metricHigh as number) - (r.metricLow as number)));
      }
    });
  }
  it('±swing of the base, clipped to the valid range; whole numbers move by at least 1', () => {
    expect(swingRange(makeDriver(hyper, 'finance.wacc'), 0.2)).toEqual({ low: 0.08 - 0.016, high: 0.08 + 0.016 });
    expect(swingRange(makeDriver(hyper, 'fleet.usefulLifeYears'), 0.2)).toEqual({ low: 4, high: 6 });
    expect(swingRange(makeDriver(hyper, 'fleet.usefulLifeYears'), 0.01)).toEqual({ low: 4, high: 6 });
    // neocloud's utilization peaks at 88 %: the path can be scaled up by 1/0.88 at most
    const u = makeDriver(neo, 'demand.utilization');
    expect(swingRange(u, 0.2).high).toBeCloseTo(u.base / 0.88, 12);
    // a rate at 0 moves by the swing itself
    expect(swingRange(makeDriver(hyper, 'demand.segments[consumer-sub].pricing.subscription.arpuChangePerYear'), 0.2)).toEqual({ low: -0.2, high: 0.2 });
  });
  it('given ranges, other metrics, drivers named only by a range', () => {
    const t = tornado(hyper, { metric: 'irr', ranges: [{ path: 'finance.wacc', lo: 0.05, hi: 0.12 }, { path: 'opex.fixedPerMWYear', lo: 0, hi: 500_000 }] });
    const wacc = t.rows.find((r) => r.path === 'finance.wacc')!;
    expect(wacc).toMatchObject({ low: 0.05, high: 0.12, source: 'range', swing: 0 }); // irr does not depend on wacc
    const fixed = t.rows.find((r) => r.path === 'opex.fixedPerMWYear')!;
    expect(fixed.source).toBe('range');
    expect(fixed.metricLow).toBeGreaterThan(fixed.metricHigh!);
    const only = tornado(hyper, { drivers: ['finance.wacc'], swing: 0.5 });
    expect(only.rows.map((r) => r.path)).toEqual(['finance.wacc']);
    expect(only.rows[0]).toMatchObject({ low: 0.04, high: 0.12 });
  });
  it('bad metrics, swings, paths and ranges: every issue at once', () => {
    expect(
      issuesOf(() =>
        tornado(hyper, {
          metric: 'NPV' as 'npv',
          swing: 0,
          ranges: [
            { path: 'finance.wac', lo: 0, hi: 1 },
            { path: 'finance.taxRate', lo: 0.3, hi: 0.2 },
          ],
        }),
      ),
    ).toMatchInlineSnapshot(`
      [
        ": unknown metric "NPV" (did you mean "npv"?); metrics: npv, irr, equityIrr, paybackYears, discountedPaybackYears, peakFunding, capexPerMW, totalCapex, revenuePerMW, grossProfitPerMW, ebitdaPerMW, strategicRevenuePerMW, grossMargin, totalTokens, billedTokens, monetizableTokens, profitableTokens, strategicTokens, hiddenReasoningTokens, unmetTokens, monetizableShare, profitableShare, costPerMTok, realizedPricePerMTok, totalRevenue, totalGrossProfit, minDscr, maxLtv, leaseCommitment, leaseCommitmentPV, commitmentsAfterHorizon, strategicValuePV, strategicNpv",
        ": the swing is a fraction of the base value in (0, 10], e.g. 0.2 for ±20 %, got 0",
        "finance.wac: no input "wac" under finance (did you mean "wacc"?); valid under finance: wacc, taxRate",
      ]
    `);
    expect(
      issuesOf(() =>
        tornado(hyper, {
          ranges: [
            { path: 'demand.utilization', lo: 0.5, hi: 1 },
            { path: 'fleet.usefulLifeYears', lo: 3.5, hi: 7 },
            { path: 'site.pue', lo: 0.9, hi: 1.5 },
          ],
        }),
      ),
    ).toMatchInlineSnapshot(`
      [
        "demand.utilization: the range 0.5:1 goes outside the valid range; valid: 0 to 0.973333 (a Series given year by year moves as a whole: its value is the mean over the horizon, and no year may leave the valid range)",
        "fleet.usefulLifeYears: the range 3.5:7 must be whole numbers; valid: 1 to 50, whole numbers",
        "site.pue: the range 0.9:1.5 goes outside the valid range; valid: 1 to 3",
      ]
    `);
  });
});

describe('grid', () => {
  const x = { path: 'demand.utilization', lo: 0.3, hi: 0.95, n: 14 };
  const y = { path: 'fleet.capexPerAccelerator', lo: 20_000, hi: 100_000, n: 9 };

  it('each cell is the engine at that pair; the axes are evenly spaced and exact at the ends', () => {
    const g = grid(hyper, { x, y });
    expect(g.x.values).toHaveLength(14);
    expect(g.x.values[0]).toBe(0.3);
    expect(g.x.values[13]).toBe(0.95);
    expect(g.y.values).toEqual(axisValues(20_000, 100_000, 9));
    const dx = makeDriver(hyper, x.path);
    for (const [j, i] of [[0, 0], [4, 7], [8, 13]] as const) {
      const s = setInput(dx.apply(hyper, g.x.values[i]!), y.path, g.y.values[j]!);
      expect(g.values[j]![i]).toBe(evaluate(s).summary.npv);
    }
  });

  it('npv: the contour is exactly the cells whose sign differs from a neighbour', () => {
    const g = grid(hyper, { x, y });
    expect(g.target?.text).toBe('npv>=0');
    let marked = 0;
    g.values.forEach((row, j) =>
      row.forEach((v, i) => {
        const pos = (w: number | null | undefined): boolean | undefined => (w === null || w === undefined ? undefined : w >= 0);
        const me = pos(v);
        const flips = [row[i - 1], row[i + 1], g.values[j - 1]?.[i], g.values[j + 1]?.[i]].some((w) => pos(w) !== undefined && pos(w) !== me);
        expect(g.contour![j]![i], `cell ${j},${i}`).toBe(flips);
        if (flips) marked++;
      }),
    );
    expect(marked).toBeGreaterThan(5);
  });

  it('irr: the contour is the wacc contour; null where the metric does not exist', () => {
    const g = grid(hyper, { x, y, metric: 'irr' });
    expect(g.target?.text).toBe('irr>=wacc');
    g.values.forEach((row, j) => row.forEach((v, i) => expect(g.met![j]![i]).toBe(v !== null && v >= 0.08)));
    const lab = scenario(base('frontier-lab-base'));
    const none = grid(lab, { x: { path: 'finance.wacc', lo: 0.05, hi: 0.2, n: 3 }, y: { path: 'demand.utilization', lo: 0.75, hi: 0.9, n: 2 }, metric: 'irr' });
    expect(none.values.flat()).toEqual([null, null, null, null, null, null]);
    expect(none.met!.flat()).toEqual([false, false, false, false, false, false]);
    expect(JSON.stringify(none)).not.toMatch(/NaN|Infinity/);
  });

  it('contourOf marks both sides of every flip', () => {
    expect(contourOf([[false, true], [false, false]])).toEqual([[true, true], [false, true]]);
    expect(contourOf([[true, true, true]])).toEqual([[false, false, false]]);
  });

  it('a whole-number axis needs whole steps; bad ranges name what is wrong and what is valid', () => {
    const g = grid(hyper, { x: { path: 'fleet.usefulLifeYears', lo: 3, hi: 7, n: 5 }, y, metric: 'paybackYears' });
    expect(g.x.values).toEqual([3, 4, 5, 6, 7]);
    expect(
      issuesOf(() =>
        grid(hyper, { x: { path: 'fleet.usefulLifeYears', lo: 3, hi: 7, n: 4 }, y: { path: 'fleet.capexPerAccelerator', lo: 9, hi: 9, n: 1 } }),
      ),
    ).toMatchInlineSnapshot(`
      [
        "fleet.usefulLifeYears: --x: fleet.usefulLifeYears is a whole number, but 3:7:4 gives 4.33333; choose n so the steps are whole, e.g. 3:7:5",
        "fleet.capexPerAccelerator: --y: the number of points is a whole number from 2 to 201, got 1",
        "fleet.capexPerAccelerator: the --y range 9:9 is empty: lo must be below hi; valid: 0 to 1000000",
      ]
    `);
    expect(issuesOf(() => grid(hyper, { x, y: { ...x, lo: 0.4 } }))).toMatchInlineSnapshot(`
      [
        "demand.utilization: --x and --y move the same input (demand.utilization, demand.utilization); choose two different inputs",
      ]
    `);
    expect(issuesOf(() => grid(hyper, { x: { ...x, path: 'demand.utilisation' }, y, metric: 'irr', target: 'irr>wacc' }))).toMatchInlineSnapshot(`
      [
        "demand.utilisation: --x: no input "utilisation" under demand (did you mean "utilization"?); valid under demand: utilization, segments",
        ": bad target "irr>wacc": irr takes ">=" (more is better), got ">"; valid forms: npv>=0, npv>=X, irr>=wacc, irr>=X, payback<=life, payback<=X, gpPerMW>=X, equityIrr>=X, equityIrr>=wacc, minDscr>=X, strategicNpv>=X, discountedPayback<=life, ebitdaPerMW>=X (X a number such as 0, 1.25, 12%, 2M)",
      ]
    `);
  });
});
