/**
 * Laws of the yearly model (STYLE.md habit 7), checked with fast-check over
 * variations of the four built-in scenarios: utilization, prices, mix shares
 * (re-normalized to sum to 1), capex and the horizon (1..12 years).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/model/engine.ts';
import type { ModelResult, YearRow } from '../src/model/result.ts';
import { base, BUILT_INS, nonFinitePaths, scenario, withPatch } from './helpers.ts';

const PARAMS = { seed: 42, numRuns: 200 } as const;

type Raw = Record<string, any>;

interface Variation {
  id: (typeof BUILT_INS)[number];
  years: number;
  utilization: number[];
  priceScale: number;
  shareWeights: number[];
  capexScale: number;
}

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const variation: fc.Arbitrary<Variation> = fc.record({
  id: fc.constantFrom(...BUILT_INS),
  years: fc.integer({ min: 1, max: 12 }),
  utilization: fc.array(unit, { minLength: 1, maxLength: 4 }),
  priceScale: fc.double({ min: 0, max: 3, noNaN: true }),
  shareWeights: fc.array(unit, { minLength: 8, maxLength: 8 }),
  capexScale: fc.double({ min: 0.1, max: 3, noNaN: true }),
});

/** Scale every price of a segment's pricing by `k`. */
function scalePricing(p: Raw | undefined, k: number): void {
  if (p === undefined) return;
  if (typeof p['perMTok'] === 'number') p['perMTok'] *= k;
  if (typeof p['perAcceleratorHour'] === 'number') p['perAcceleratorHour'] *= k;
  if (typeof p['imputedPerMTok'] === 'number') p['imputedPerMTok'] *= k;
  if (p['subscription'] !== undefined) p['subscription'].arpuPerMonth *= k;
}

/** The raw scenario a variation describes. */
function build(v: Variation): Raw {
  return withPatch(base(v.id) as Raw, (s) => {
    s.horizon.years = v.years;
    s.demand.utilization = v.utilization.length === 1 ? v.utilization[0] : v.utilization;
    const segments = s.demand.segments as Raw[];
    const weights: number[] = segments.map((_, i) => v.shareWeights[i] ?? 0);
    if (!weights.some((x) => x > 0)) weights[0] = 1;
    const total = weights.reduce((a, b) => a + b, 0);
    segments.forEach((seg, i) => {
      seg['tokenShare'] = weights[i]! / total;
      scalePricing(seg['pricing'], v.priceScale);
    });
    if (s.fleet.mode === 'own') s.fleet.capexPerAccelerator *= v.capexScale;
    delete s.uncertainty; // irrelevant to the deterministic model
  });
}

const run = (raw: Raw): ModelResult => evaluate(scenario(raw));
const ops = (r: ModelResult): YearRow[] => r.years.filter((y) => y.t >= 1);
const num = (x: number | null | undefined): number => x ?? 0;

/** The largest money magnitude in a result, the scale of rounding error in its lines. */
function moneyScale(r: ModelResult): number {
  let m = 1;
  for (const y of r.years) {
    for (const f of ['revenue', 'cogs', 'capex', 'terminalValue', 'residual', 'ebitda', 'fcf', 'cumulativeFcf', 'strategicValue'] as const) {
      m = Math.max(m, Math.abs(num(y[f])));
    }
  }
  return m;
}

describe('engine properties over variations of the built-ins', () => {
  it('the funnel never widens: profitable ≤ monetizable ≤ total tokens, every year', () => {
    fc.assert(
      fc.property(variation, (v) => {
        const r = run(build(v));
        for (const y of ops(r)) {
          const total = num(y.tokens);
          const eps = 1e-12 * Math.max(1, total);
          expect(num(y.profitableTokens), `t=${y.t}`).toBeLessThanOrEqual(num(y.monetizableTokens) + eps);
          expect(num(y.monetizableTokens), `t=${y.t}`).toBeLessThanOrEqual(total + eps);
          expect(num(y.profitableTokens)).toBeGreaterThanOrEqual(0);
        }
      }),
      PARAMS,
    );
  });

  it('grossProfit = revenue − cogs, every year', () => {
    fc.assert(
      fc.property(variation, (v) => {
        const r = run(build(v));
        for (const y of ops(r)) {
          const R = num(y.revenue);
          const c = num(y.cogs);
          expect(Math.abs(num(y.grossProfit) - (R - c)), `t=${y.t}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(R), Math.abs(c)));
        }
      }),
      PARAMS,
    );
  });

  it('scaling itMW scales money linearly and leaves per-MW figures unchanged', () => {
    const MONEY = ['revenue', 'cogs', 'grossProfit', 'ebitda', 'fcf', 'capex', 'tax', 'strategicValue'] as const;
    const PER_MW = ['revenuePerMW', 'grossProfitPerMW', 'ebitdaPerMW', 'strategicRevenuePerMW'] as const;
    fc.assert(
      fc.property(variation, fc.double({ min: 0.1, max: 10, noNaN: true }), (v, lambda) => {
        const raw = build(v);
        const a = run(raw);
        const b = run(withPatch(raw, (s) => void (s.site.itMW *= lambda)));
        const scale = moneyScale(a);
        const perMWScale = scale / a.scenario.site.itMW;
        a.years.forEach((ya, i) => {
          const yb = b.years[i]!;
          for (const f of MONEY) {
            const tol = 1e-9 * lambda * scale;
            expect(Math.abs(num(yb[f]) - lambda * num(ya[f])), `${f}_${ya.t}: ${yb[f]} vs ${lambda}·${ya[f]}`).toBeLessThanOrEqual(tol);
          }
          for (const f of PER_MW) {
            expect(Math.abs(num(yb[f]) - num(ya[f])), `${f}_${ya.t}: ${yb[f]} vs ${ya[f]}`).toBeLessThanOrEqual(1e-9 * perMWScale);
          }
        });
        const sumAbs = a.years.reduce((acc, y) => acc + Math.abs(num(y.fcf)), 0);
        expect(Math.abs(num(b.summary.npv) - lambda * num(a.summary.npv))).toBeLessThanOrEqual(1e-9 * lambda * Math.max(1, sumAbs));
        for (const f of PER_MW) {
          expect(Math.abs(num(b.summary[f]) - num(a.summary[f])), `summary.${f}`).toBeLessThanOrEqual(1e-9 * perMWScale);
        }
        expect(b.summary.grossMargin === null).toBe(a.summary.grossMargin === null);
      }),
      PARAMS,
    );
  });

  it('more utilization never lowers revenue, year by year', () => {
    fc.assert(
      fc.property(variation, fc.array(unit, { minLength: 4, maxLength: 4 }), (v, push) => {
        const lo = run(build(v));
        // raise each year's utilization part of the way to 1 (the last value keeps carrying forward)
        const higher = v.utilization.map((u, i) => u + (push[i] ?? 0) * (1 - u));
        const hi = run(build({ ...v, utilization: higher }));
        ops(lo).forEach((y, i) => {
          const rLo = num(y.revenue);
          const rHi = num(ops(hi)[i]!.revenue);
          expect(rHi, `revenue_${y.t}`).toBeGreaterThanOrEqual(rLo - 1e-12 * Math.max(1, rLo));
        });
      }),
      PARAMS,
    );
  });

  it('NPV at the IRR is ~0 whenever the IRR exists (project and equity flows)', () => {
    fc.assert(
      fc.property(variation, (v) => {
        const r = run(build(v));
        const check = (rate: number | null, flows: number[]): void => {
          if (rate === null) return;
          expect(rate).toBeGreaterThan(-1);
          // relative to the flows at that rate: Σ |f_t| / (1 + irr)^t
          let sum = 0;
          let sumAbs = 0;
          flows.forEach((f, t) => {
            const d = (1 + rate) ** t;
            sum += f / d;
            sumAbs += Math.abs(f) / d;
          });
          expect(Math.abs(sum), `npv at ${rate} of [${flows.join(', ')}]`).toBeLessThanOrEqual(1e-9 * sumAbs);
        };
        check(r.summary.irr, r.years.map((y) => num(y.fcf)));
        check(r.summary.equityIrr, r.years.map((y) => num(y.equityCashFlow)));
      }),
      PARAMS,
    );
  });

  it('no NaN or Infinity anywhere in the result', () => {
    fc.assert(
      fc.property(variation, (v) => {
        const r = run(build(v));
        expect(nonFinitePaths(r)).toEqual([]);
        expect(r.years.map((y) => y.t)).toEqual(Array.from({ length: v.years + 1 }, (_, t) => t));
      }),
      PARAMS,
    );
  });
});
