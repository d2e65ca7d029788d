/** The payback stack (MODEL.md §5): the requirement round-trips to npv = 0, the sources add up, dead ends are reasons. */
import { describe, expect, it } from 'vitest';
import { paybackStack, scaleCashRevenue, STACK_PAYER_SOURCES, STACK_SOURCES, stackSourceOf } from '../src/analysis/payback-stack.ts';
import { PAYERS, payerOf } from '../src/model/payers.ts';
import { evaluate } from '../src/model/engine.ts';
import { BUILT_INS, base, near, nonFinitePaths, scenario, withPatch } from './helpers.ts';

type Raw = Record<string, any>;

/** 1 MW rented: 1,000 accelerators at $2/h → rent 17,520,000 a year; 1.5768e13 tokens a year at $1/M → 15,768,000. */
const rented = (taxRate = 0): Raw => ({
  id: 'rented-toy',
  operator: 'custom',
  horizon: { startYear: 2030, years: 3 },
  site: { itMW: 1, pue: 1, facility: { mode: 'none' } },
  fleet: { mode: 'rent', kWPerAccelerator: 1, tokensPerSecond: 1000, rentPerAcceleratorHour: 2, rentTermYears: 3 },
  demand: { utilization: 0.5, segments: [{ id: 'paid', kind: 'paid-api', tokenShare: 1, pricing: { perMTok: 1 } }] },
  finance: { wacc: 0.1, taxRate },
});

describe('paybackStack on the built-ins', () => {
  for (const id of BUILT_INS) {
    it(`${id}: applying the factor reproduces npv = 0 within 1e-6 of capex`, () => {
      const s = scenario(base(id));
      const stack = paybackStack(s);
      expect(stack.reason).toBeNull();
      expect(stack.factor).not.toBeNull();
      const at = evaluate(scaleCashRevenue(s, stack.factor as number));
      const scale = Math.max(at.summary.totalCapex ?? 0, at.summary.leaseCommitment ?? 0);
      expect(scale).toBeGreaterThan(0);
      expect(Math.abs(at.summary.npv as number)).toBeLessThanOrEqual(1e-6 * scale);
      // the requirement is the engine's revenue per MW-year at that factor, and factor × today's
      near(stack.requiredRevenuePerMW, at.summary.revenuePerMW as number, 'required', 1e-12);
      near(stack.requiredRevenuePerMW, (stack.factor as number) * stack.cashRevenuePerMW, 'required = f × cash', 1e-9);
    });

    it(`${id}: the sources add up to cash revenue, shares to the cash share, surplus = cash − required`, () => {
      const s = scenario(base(id));
      const r = evaluate(s);
      const stack = paybackStack(s);
      expect(stack.sources.map((x) => x.key)).toEqual(STACK_SOURCES.map((x) => x.key));
      near(stack.cashRevenuePerMW, r.summary.revenuePerMW as number, 'cash', 1e-12);
      near(stack.sources.reduce((a, x) => a + x.revenuePerMW, 0), stack.cashRevenuePerMW, 'Σ sources', 1e-9);
      const required = stack.requiredRevenuePerMW as number;
      for (const x of stack.sources) {
        near(x.shareOfRequired, x.revenuePerMW / required, `${x.key} share`, 1e-12);
        near(x.revenuePerMWAtRequired, x.revenuePerMW * (stack.factor as number), `${x.key} at requirement`, 1e-12);
      }
      near(stack.surplusPerMW, stack.cashRevenuePerMW - required, 'surplus', 1e-12, 1e-6);
      near(stack.strategicValuePerMW, (r.summary.strategicRevenuePerMW as number) - (r.summary.revenuePerMW as number), 'strategic', 1e-9, 1e-6);
      // every segment is in exactly one place
      const placed = [...stack.sources.flatMap((x) => x.segments), ...stack.strategicSegments, ...stack.unpricedSegments];
      expect(placed.sort()).toEqual(s.demand.segments.map((x) => x.id).sort());
      expect(nonFinitePaths(stack)).toEqual([]);
    });
  }

  it('groups by segment kind: hyperscaler API, subscriptions, batch; neocloud capacity contracts', () => {
    const h = paybackStack(scenario(base('hyperscaler-base')));
    const seg = (key: string) => h.sources.find((x) => x.key === key)?.segments;
    expect(seg('paid-api')).toEqual(['cloud-api']);
    expect(seg('subscription')).toEqual(['consumer-sub']);
    expect(seg('batch')).toEqual(['batch']);
    expect(seg('capacity-contract')).toEqual([]);
    expect(h.strategicSegments).toEqual(['internal-product']);
    expect(h.unpricedSegments).toEqual(['consumer-free', 'internal-eval']);
    const n = paybackStack(scenario(base('neocloud-base')));
    expect(n.sources.find((x) => x.key === 'capacity-contract')?.segments).toEqual(['term-contracts', 'on-demand']);
    expect(n.surplusPerMW).toBeLessThan(0); // npv < 0: it needs more than it brings (a gap)
    expect(h.surplusPerMW).toBeGreaterThan(0); // npv > 0: a surplus
  });

  it('a cash-priced segment of another kind is "other cash"', () => {
    expect(stackSourceOf('internal-product')).toBe('other-cash');
    expect(stackSourceOf('free')).toBe('other-cash');
    expect(stackSourceOf('paid-api')).toBe('paid-api');
  });
});

describe('paybackStack closed form', () => {
  // flat revenue and cost, no capex: npv(f) = Σ (f·R − C)/(1.1)^t = 0 at f = C/R, and ebit = 0 there so tax does not bend it
  for (const tax of [0, 0.25]) {
    it(`rented toy, tax ${tax}: f = rent / revenue, required = rent per MW-year`, () => {
      const stack = paybackStack(scenario(rented(tax)));
      near(stack.factor, 17_520_000 / 15_768_000, 'factor');
      near(stack.requiredRevenuePerMW, 17_520_000, 'required');
      near(stack.cashRevenuePerMW, 15_768_000, 'cash');
      near(stack.sources[0]?.shareOfRequired, 15_768_000 / 17_520_000, 'paid share');
      near(stack.surplusPerMW, 15_768_000 - 17_520_000, 'surplus', 1e-9, 1e-6);
    });
  }

  it('subscription and accelerator-hour prices scale too', () => {
    const raw = withPatch(rented(), (s) => {
      s.demand.segments = [
        { id: 'sub', kind: 'subscription', tokenShare: 0.5, pricing: { subscription: { arpuPerMonth: 20, tokensPerUserMonth: 1e6 } } },
        { id: 'hours', kind: 'capacity-contract', tokenShare: 0.5, pricing: { perAcceleratorHour: 1 } },
      ];
    });
    const s = scenario(raw);
    const r1 = evaluate(s).summary.revenuePerMW as number;
    near(evaluate(scaleCashRevenue(s, 2.5)).summary.revenuePerMW, 2.5 * r1, 'revenue × 2.5', 1e-12);
    const stack = paybackStack(s);
    near(evaluate(scaleCashRevenue(s, stack.factor as number)).summary.npv, 0, 'npv', 0, 1e-6 * 17_520_000);
  });

  it('copies only what it changes', () => {
    const s = scenario(base('hyperscaler-base'));
    const before = JSON.stringify(s);
    const t = scaleCashRevenue(s, 3);
    expect(JSON.stringify(s)).toBe(before);
    expect(t.fleet).toBe(s.fleet);
    expect(t.finance).toBe(s.finance);
    const free = s.demand.segments.findIndex((x) => x.id === 'consumer-free');
    expect(t.demand.segments[free]).toBe(s.demand.segments[free]);
    expect(t.demand.segments[0]).not.toBe(s.demand.segments[0]);
  });
});

describe('paybackStack dead ends are a reason, never NaN', () => {
  it('no cash segment at all', () => {
    const raw = withPatch(rented(), (s) => {
      s.demand.segments = [
        { id: 'copilots', kind: 'internal-product', tokenShare: 0.7, pricing: { imputedPerMTok: 3 } },
        { id: 'free', kind: 'free', tokenShare: 0.3 },
      ];
    });
    const stack = paybackStack(scenario(raw));
    expect(stack.factor).toBeNull();
    expect(stack.requiredRevenuePerMW).toBeNull();
    expect(stack.surplusPerMW).toBeNull();
    expect(stack.reason).toMatch(/no segment is priced in cash/);
    expect(stack.strategicValuePerMW).toBeGreaterThan(0);
    expect(stack.sources.every((x) => x.shareOfRequired === null && x.revenuePerMW === 0)).toBe(true);
    expect(nonFinitePaths(stack)).toEqual([]);
  });

  it('cash segments that bring nothing (price 0)', () => {
    const raw = withPatch(rented(), (s) => {
      s.demand.segments[0].pricing = { perMTok: 0 };
    });
    const stack = paybackStack(scenario(raw));
    expect(stack.factor).toBeNull();
    expect(stack.reason).toMatch(/bring no revenue/);
    expect(nonFinitePaths(stack)).toEqual([]);
  });

  it('npv positive with no cash at all (a negative wacc lifts the terminal value)', () => {
    // own 1 MW, nothing costs anything to run; book value at T = 1 is 19/20 of the facility, discounted at −50 %: × 2
    const raw = {
      id: 'odd',
      operator: 'custom',
      horizon: { startYear: 2030, years: 1 },
      site: { itMW: 1, pue: 1, power: { pricePerMWh: 0 }, facility: { mode: 'own', capexPerMW: 1e6, lifeYears: 20 } },
      fleet: { mode: 'own', kWPerAccelerator: 1, tokensPerSecond: 1000, capexPerAccelerator: 0, usefulLifeYears: 5 },
      demand: { utilization: 0.5, segments: [{ id: 'paid', kind: 'paid-api', tokenShare: 1, pricing: { perMTok: 1 } }] },
      finance: { wacc: -0.5, taxRate: 0 },
    };
    const stack = paybackStack(scenario(raw));
    expect(stack.factor).toBeNull();
    expect(stack.reason).toMatch(/positive .* even with no cash revenue/);
    expect(nonFinitePaths(stack)).toEqual([]);
  });
});

describe('paybackStack by payer (issue 19)', () => {
  for (const id of BUILT_INS) {
    it(`${id}: the payer bars sum to cash revenue per MW; every cash segment in its payer's bar, once`, () => {
      const s = scenario(base(id));
      const r = evaluate(s);
      const byKind = paybackStack(s);
      const byPayer = paybackStack(s, { by: 'payer' });
      expect(byPayer.by).toBe('payer');
      expect(byKind.by).toBe('kind');
      expect(byPayer.sources.map((x) => x.key)).toEqual([...PAYERS]);
      expect(byPayer.sources.map((x) => x.label)).toEqual(STACK_PAYER_SOURCES.map((x) => x.label));
      // the same cash: the requirement and everything but the grouping are the same numbers
      const { sources: a, by: _a, ...restPayer } = byPayer;
      const { sources: b, by: _b, ...restKind } = byKind;
      expect(restPayer).toEqual(restKind);
      // the cash segments are partitioned exactly: each in one payer's bar, the one it names
      const cash = byKind.sources.flatMap((x) => x.segments).sort();
      expect(byPayer.sources.flatMap((x) => x.segments).sort()).toEqual(cash);
      for (const src of byPayer.sources) {
        for (const segId of src.segments) expect(payerOf(s.demand.segments.find((x) => x.id === segId)!)).toBe(src.key);
      }
      // Σ bars = cash revenue per MW = the engine's revenuePerMW, to rounding (sums in another order)
      const total = byPayer.sources.reduce((acc, x) => acc + x.revenuePerMW, 0);
      near(total, r.summary.revenuePerMW as number, 'Σ payer bars', 1e-13, 0);
      near(total, byPayer.cashRevenuePerMW, 'Σ payer bars = cash', 1e-13, 0);
      near(total, byKind.sources.reduce((acc, x) => acc + x.revenuePerMW, 0), 'Σ payer = Σ kind', 1e-13, 0);
      expect(nonFinitePaths(byPayer)).toEqual([]);
    });
  }

  it('hyperscaler: enterprise budgets are one bar beside consumers', () => {
    const st = paybackStack(scenario(base('hyperscaler-base')), { by: 'payer' });
    const seg = (key: string) => st.sources.find((x) => x.key === key)?.segments;
    expect(seg('enterprise')).toEqual(['cloud-api', 'batch']);
    expect(seg('consumer')).toEqual(['consumer-sub']);
    expect(st.strategicSegments).toEqual(['internal-product']);
  });

  it('a payer given on a segment moves its cash to that bar', () => {
    const raw = withPatch(base('hyperscaler-base'), (r: any) => {
      r.demand.segments[0].payer = 'developer';
    });
    const st = paybackStack(scenario(raw), { by: 'payer' });
    expect(st.sources.find((x) => x.key === 'developer')?.segments).toEqual(['cloud-api']);
    expect(st.sources.find((x) => x.key === 'enterprise')?.segments).toEqual(['batch']);
  });

  it('a grouping that is not one is a RangeError', () => {
    expect(() => paybackStack(scenario(base('neocloud-base')), { by: 'customer' as 'kind' })).toThrow(/kind or payer/);
  });
});
