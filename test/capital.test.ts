/**
 * MODEL.md §9, the capital stack: the invariant (a list of one plain tranche
 * equals the single object of §3.6, every field of every year), two tranches
 * checked by hand (an annuity against numpy-financial's pmt; a floating bullet
 * refinanced at maturity), refinancing need, the sweep, interest during
 * construction, sculpting, covenants with their cures, contracts, and the
 * loader's rules.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { setInput } from '../src/analysis/paths.ts';
import { evaluate } from '../src/model/engine.ts';
import { ipmt, pmt, ppmt } from '../src/model/finance.ts';
import { loadScenarioText } from '../src/model/load.ts';
import { CAPITAL_YEAR_FIELDS, type ModelResult, SUMMARY_FIELDS, YEAR_FIELDS } from '../src/model/result.ts';
import type { Scenario } from '../src/model/schema.ts';
import { base, BUILT_INS, catalog, near, nonFinitePaths, readYaml, ROOT, scenario, withPatch } from './helpers.ts';

type Raw = Record<string, any>;

const twoTranches = (): Raw => readYaml('test/fixtures/capital-two-tranches.yaml') as Raw;
const tranche = (r: ModelResult, id: string) => {
  const tr = r.tranches?.find((x) => x.id === id);
  if (tr === undefined) throw new Error(`no tranche ${id}`);
  return tr;
};

describe('§9 invariant: a list of one plain tranche equals the single object of §3.6', () => {
  const plain = fc.record({
    id: fc.constantFrom(...BUILT_INS),
    years: fc.integer({ min: 1, max: 14 }),
    share: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
    rate: fc.double({ min: -0.5, max: 1, noNaN: true }),
    termYears: fc.integer({ min: 1, max: 20 }),
    amortization: fc.constantFrom('straight' as const, 'bullet' as const),
    life: fc.integer({ min: 1, max: 8 }),
  });
  /** the same number (NaN alike; +0 and −0 alike: a sum that starts from 0 loses a lone −0's sign) */
  const same = (a: unknown, b: unknown): boolean => a === b || Object.is(a, b);
  it('every field of every year, the segments, the summary and the warnings: the same numbers', () => {
    fc.assert(
      fc.property(plain, (v) => {
        const single = withPatch(base(v.id) as Raw, (s) => {
          s.horizon.years = v.years;
          if (s.fleet.mode === 'own') {
            s.fleet.usefulLifeYears = v.life;
            s.fleet.depreciationYears = v.life;
          }
          s.finance.debt = { share: v.share, rate: v.rate, termYears: v.termYears, amortization: v.amortization };
          delete s.uncertainty;
        });
        const listed = withPatch(single, (s) => {
          s.finance.debt = [{ share: v.share, rate: v.rate, termYears: v.termYears, amortization: v.amortization }];
        });
        const a = evaluate(scenario(single));
        const b = evaluate(scenario(listed));
        expect(b.years.length).toBe(a.years.length);
        for (let t = 0; t < a.years.length; t++) {
          for (const f of ['t', 'year', ...YEAR_FIELDS] as const) {
            if (!same(a.years[t]![f], b.years[t]![f])) throw new Error(`year ${t} ${f}: single ${a.years[t]![f]} ≠ list ${b.years[t]![f]}`);
          }
        }
        for (const f of SUMMARY_FIELDS) if (!same(a.summary[f], b.summary[f])) throw new Error(`summary ${f}: single ${a.summary[f]} ≠ list ${b.summary[f]}`);
        expect(b.segments.map((x) => x.years)).toEqual(a.segments.map((x) => x.years));
        expect(b.warnings).toEqual(a.warnings);
        // and the tranche's own lines add up to the year's debt lines
        const tr = b.tranches?.[0];
        expect(tr?.id).toBe('debt-1');
        for (const y of b.years) {
          const ty = tr!.years[y.t]!;
          expect(same(ty.outstanding, y.debtOutstanding)).toBe(true);
          if (y.t > 0) {
            expect(same(ty.interest, y.interest)).toBe(true);
            expect(same(ty.principal, y.principal)).toBe(true);
          }
        }
      }),
      { seed: 14, numRuns: 150 },
    );
  });

  it('the worked example of MODEL.md §7 with its debt as a list of one', () => {
    const raw = readYaml('test/fixtures/worked-example.yaml') as Raw;
    const a = evaluate(scenario(raw));
    const b = evaluate(scenario(withPatch(raw, (s) => void (s.finance.debt = [s.finance.debt]))));
    for (let t = 0; t < a.years.length; t++) for (const f of YEAR_FIELDS) expect(Object.is(a.years[t]![f], b.years[t]![f]), `year ${t} ${f}`).toBe(true);
    for (const f of SUMMARY_FIELDS) expect(Object.is(a.summary[f], b.summary[f]), f).toBe(true);
  });

  it('a file without a capital stack has none of its fields; one with it has them all', () => {
    const a = evaluate(scenario(base('neocloud-base')));
    expect(a.tranches).toBeUndefined();
    expect(Object.keys(a.years[1]!)).not.toContain('balloonsDue');
    expect(Object.keys(a.summary)).not.toContain('covenantBreaches');
    const b = evaluate(scenario(twoTranches()));
    for (const f of CAPITAL_YEAR_FIELDS) expect(Object.keys(b.years[1]!)).toContain(f);
    expect(b.summary.covenantBreaches).toEqual([]);
    expect(b.segments[0]!.basis).toBe('metered');
  });
});

describe('§9 two tranches, checked by hand (test/fixtures/capital-two-tranches.yaml)', () => {
  const raw = twoTranches();
  const r = evaluate(scenario(raw));
  const base = raw['finance']['baseRate'] as number[];
  const baseAt = (t: number): number => base[Math.min(t, base.length) - 1]!;

  it('the annuity: $1B at 8 % over 5 years pays numpy-financial\'s pmt every year, split as its ipmt and ppmt', () => {
    const level = -(pmt(0.08, 5, 1e9) as number);
    expect(level).toBeCloseTo(250_456_454.566836, 5);
    const a = tranche(r, 'annuity');
    let balance = 1e9;
    for (let t = 1; t <= 5; t++) {
      const y = a.years[t]!;
      near(y.interest, -(ipmt(0.08, t, 5, 1e9) as number), `interest ${t}`, 1e-12, 1e-6);
      near(y.principal, -(ppmt(0.08, t, 5, 1e9) as number), `principal ${t}`, 1e-12, 1e-6);
      near((y.interest as number) + (y.principal as number), level, `payment ${t}`, 1e-12, 1e-6);
      near(y.interest, 0.08 * balance, `interest on the balance ${t}`, 1e-12, 1e-6);
      balance -= y.principal as number;
      near(y.outstanding, balance, `outstanding ${t}`, 1e-12, 1e-3);
      expect(y.balloon).toBe(0);
    }
    for (let t = 6; t <= 8; t++) expect([a.years[t]!.interest, a.years[t]!.principal, a.years[t]!.outstanding]).toEqual([0, 0, 0]);
  });

  it('the floating bullet: base + 3 % for 3 years, refinanced at maturity at base + 5 % for 4, its own balloon then due', () => {
    const f = tranche(r, 'floating');
    expect(f.floating).toBe(true);
    for (let t = 1; t <= 3; t++) {
      const y = f.years[t]!;
      near(y.interest, 5e8 * (baseAt(t) + 0.03), `interest ${t}`, 1e-12);
      expect(y.rate).toBeCloseTo(baseAt(t) + 0.03, 12);
    }
    const y3 = f.years[3]!;
    expect([y3.balloon, y3.refinanced, y3.principal, y3.outstanding]).toEqual([5e8, 5e8, 0, 5e8]);
    expect(y3.refinanceRate).toBeCloseTo(baseAt(3) + 0.05, 12);
    for (let t = 4; t <= 7; t++) {
      const y = f.years[t]!;
      near(y.interest, 5e8 * (baseAt(t) + 0.05), `refinanced interest ${t}`, 1e-12);
      expect(y.refinanceRate).toBeCloseTo(baseAt(t) + 0.05, 12);
    }
    expect([f.years[7]!.balloon, f.years[7]!.refinanced, f.years[7]!.principal, f.years[7]!.outstanding]).toEqual([5e8, 0, 5e8, 0]);
    expect(f.years[8]!.interest).toBe(0);
    expect(f.years[2]!.refinanceRate).toBeNull();
  });

  it('the year adds its tranches: interest, principal = due + balloons − refinanced, DSCR without the refinanced balloon', () => {
    for (let t = 1; t <= 8; t++) {
      const y = r.years[t]!;
      const a = tranche(r, 'annuity').years[t]!;
      const f = tranche(r, 'floating').years[t]!;
      near(y.interest, (a.interest as number) + (f.interest as number), `interest ${t}`, 1e-12);
      near(y.principal, (y.principalDue as number) + (y.balloonsDue as number) - (y.refinanced as number), `principal ${t}`, 1e-12, 1e-6);
      if ((y.interest as number) + (y.principal as number) > 0) near(y.dscr, (y.ebitda as number) / ((y.interest as number) + (y.principal as number)), `dscr ${t}`);
    }
    expect(r.years[3]!.refinanced).toBe(5e8);
    expect(r.years[7]!.balloonsDue).toBe(5e8);
    expect(r.years[0]!.debtOutstanding).toBe(1.5e9);
  });

  it('the maturity wall: balloons due in t and t + 1, against the cash available over those two years', () => {
    const need = r.years.map((y) => y.refinancingNeed);
    expect(need.slice(1)).toEqual([0, 5e8, 5e8, 0, 0, 5e8, 5e8, 0]);
    for (const t of [2, 3, 6, 7]) {
      const y = r.years[t]!;
      const next = r.years[t + 1]!;
      const cash = (y.cashAvailable as number) + (t < 8 ? (next.cashAvailable as number) : 0);
      near(y.refinancingNeedRatio, 5e8 / cash, `need ratio ${t}`);
      near(y.cashAvailable, (y.ebitda as number) - (y.leveredTax as number) - (y.interest as number), `cash available ${t}`);
    }
    expect(r.summary.maxRefinancingNeed).toBe(5e8);
    expect(r.summary.maxRefinancingNeedRatio).toBe(Math.max(...r.years.slice(1).map((y) => y.refinancingNeedRatio as number)));
  });

  it('a baseRate shock moves the floating and the refinanced interest, never the fixed annuity', () => {
    const s = scenario(raw);
    const shocked = evaluate(setInput(s, 'finance.baseRate', 0.06));
    for (let t = 1; t <= 7; t++) {
      near(tranche(shocked, 'floating').years[t]!.interest, 5e8 * (0.06 + (t <= 3 ? 0.03 : 0.05)), `floating ${t}`, 1e-12);
      expect(tranche(shocked, 'annuity').years[t]!.interest).toBe(tranche(r, 'annuity').years[t]!.interest);
    }
    expect(shocked.summary.npv).toBe(r.summary.npv);
    expect(shocked.summary.minDscr as number).toBeLessThan(r.summary.minDscr as number);
  });
});

describe('§9 the rest of the stack', () => {
  const levered = (patch: (s: Raw) => void): ModelResult => evaluate(scenario(withPatch(twoTranches(), patch)));

  it('covenants: each breach names its year, value and the equity cure that restores it; the flows are unchanged', () => {
    const plain = levered(() => {});
    const r = levered((s) => {
      s.finance.covenants = { minDscr: 1.38, maxLtv: 0.9 };
      s.fleet.marketValue = { declinePerYear: 0.3 };
    });
    expect(r.summary.npv).toBe(plain.summary.npv);
    expect(r.years.map((y) => y.equityCashFlow)).toEqual(plain.years.map((y) => y.equityCashFlow));
    const breaches = r.summary.covenantBreaches ?? [];
    expect(breaches.length).toBeGreaterThan(0);
    expect(r.summary.covenantBreachCount).toBe(breaches.length);
    for (const b of breaches) {
      const y = r.years[b.t]!;
      expect(b.year).toBe(y.year);
      if (b.covenant === 'minDscr') {
        expect(b.value).toBe(y.dscr);
        expect(b.value).toBeLessThan(1.38);
        const service = (y.interest as number) + (y.principal as number);
        near(b.cure, 1.38 * service - (y.ebitda as number), `dscr cure ${b.t}`);
        // the cure restores it: ebitda + cure covers 1.38 × debt service
        near(((y.ebitda as number) + b.cure) / service, 1.38, `cured dscr ${b.t}`);
      } else {
        expect(b.value).toBe(y.marketLtv);
        expect(b.value).toBeGreaterThan(0.9);
        near(b.cure, (y.debtOutstanding as number) - 0.9 * (y.marketValue as number), `ltv cure ${b.t}`);
      }
    }
    // market value: the fleet at capex × 0.7^age
    near(r.years[2]!.marketValue, 1.5e9 * 0.7 ** 2, 'market value, year 2');
    near(r.years[2]!.marketLtv, (r.years[2]!.debtOutstanding as number) / (1.5e9 * 0.49), 'market LTV, year 2');
    expect(r.summary.maxMarketLtv).toBe(Math.max(...r.years.map((y) => y.marketLtv ?? 0)));
    near(r.summary.minDscrHeadroom, (r.summary.minDscr as number) - 1.38, 'dscr headroom');
    near(r.summary.marketLtvHeadroom, 0.9 - (r.summary.maxMarketLtv as number), 'ltv headroom');
  });

  it('the cash sweep prepays the tranches in list order from the equity\'s excess cash; DSCR leaves the sweep out', () => {
    const r = levered((s) => void (s.finance.cashSweep = 0.5));
    const plain = levered(() => {});
    const y1 = r.years[1]!;
    const before = (y1.ebitda as number) - (y1.leveredTax as number) - (y1.capex as number) + (y1.draws as number) - (y1.interest as number) - ((y1.principalDue as number) + (y1.balloonsDue as number) - (y1.refinanced as number)) + (y1.residual as number);
    near(y1.sweep, 0.5 * Math.max(0, before), 'sweep 1');
    near(y1.principal, (y1.principalDue as number) + (y1.balloonsDue as number) - (y1.refinanced as number) + (y1.sweep as number), 'principal with the sweep');
    near(y1.dscr, (y1.ebitda as number) / ((y1.interest as number) + (y1.principal as number) - (y1.sweep as number)), 'dscr without the sweep');
    // the first tranche (the annuity) is paid down first: its balance falls faster, its later payments are smaller
    expect(tranche(r, 'annuity').years[1]!.sweep).toBe(y1.sweep);
    expect(tranche(r, 'annuity').years[2]!.principalDue as number).toBeLessThan(tranche(plain, 'annuity').years[2]!.principalDue as number);
    expect(r.years[1]!.debtOutstanding as number).toBeLessThan(plain.years[1]!.debtOutstanding as number);
    expect(r.summary.npv).toBe(plain.summary.npv);
    // a loan not drawn yet (the next generation's) is not swept: each year's sweep is what the drawn tranches repay
    const refreshed = levered((s) => {
      s.fleet.usefulLifeYears = 4;
      s.fleet.refresh = true;
      s.finance.cashSweep = 0.5;
      s.finance.debt = [{ id: 'every', share: 0.4, rate: 0.08, termYears: 3 }];
      delete s.finance.baseRate;
    });
    const every = tranche(refreshed, 'every');
    for (let t = 1; t <= 8; t++) {
      const y = every.years[t]!;
      near(y.outstanding, (every.years[t - 1]!.outstanding as number) + (y.draw as number) - (y.principal as number), `balance ${t}`, 1e-12, 1e-3);
      expect(y.interest).toBeCloseTo(0.08 * (every.years[t - 1]!.outstanding as number), 3);
    }
    expect(every.years[4]!.draw).toBe(0.4 * (refreshed.years[4]!.capex as number));
    // what is drawn is repaid, no more: Σ principal + the debt repaid at the horizon = Σ draws, and no balance goes below 0
    const drawn = every.years.reduce((a, y) => a + (y.draw as number), 0);
    const repaid = every.years.reduce((a, y) => a + (y.principal as number), 0) + (refreshed.years[8]!.debtRepaidAtHorizon as number);
    near(repaid, drawn, 'repaid = drawn', 1e-9, 1);
    for (const y of every.years) expect(y.outstanding as number).toBeGreaterThanOrEqual(0);
  });

  it('construction: interest during construction = Σ draw · rate_1 · (m + 1) / 24, capitalised into each balance; unlevered flows and eq_0 unchanged', () => {
    const plain = levered(() => {});
    const r = levered((s) => void (s.site.buildMonths = 18));
    const idc = 1e9 * 0.08 * (19 / 24) + 5e8 * (0.04 + 0.03) * (19 / 24);
    near(r.summary.interestDuringConstruction, idc, 'IDC');
    near(tranche(r, 'annuity').interestDuringConstruction, 1e9 * 0.08 * (19 / 24), 'IDC annuity');
    near(r.years[0]!.debtOutstanding, 1.5e9 + idc, 'debt at t = 0');
    expect(r.years[0]!.equityCashFlow).toBe(plain.years[0]!.equityCashFlow);
    expect(r.years.map((y) => y.fcf)).toEqual(plain.years.map((y) => y.fcf));
    // the annuity is sized on the larger balance; levered tax deducts the IDC with generation 0 (8 years, no residual)
    near(tranche(r, 'annuity').years[1]!.interest, 0.08 * (1e9 + 1e9 * 0.08 * (19 / 24)), 'interest on the capitalised balance');
    const y1 = r.years[1]!;
    near(y1.leveredTax, 0.2 * Math.max(0, (y1.ebit as number) - (y1.interest as number) - idc / 8), 'levered tax with the IDC depreciated');
    expect(levered((s) => void (s.site.buildMonths = 0)).summary.interestDuringConstruction).toBe(0);
  });

  it('sculpted: the principal brings total debt service to ebitda / targetDscr while there is balance, the rest a balloon', () => {
    const r = levered((s) => {
      s.finance.debt = [
        { id: 'sculpt', amount: 1.2e9, rate: 0.09, termYears: 5, amortization: 'sculpted', targetDscr: 1.6 },
        { id: 'oem', amount: 2e8, rate: 0.1, termYears: 3, amortization: 'straight' },
      ];
      delete s.finance.baseRate;
    });
    for (let t = 1; t <= 4; t++) {
      const y = r.years[t]!;
      if ((tranche(r, 'sculpt').years[t]!.outstanding as number) > 0) near(y.dscr, 1.6, `dscr ${t}`);
    }
    const last = tranche(r, 'sculpt').years[5]!;
    expect(last.outstanding).toBe(0);
    expect((last.balloon as number) >= 0).toBe(true);
  });

  it('straight over amortizationYears > termYears leaves a balloon at the term; generation-k funds that generation alone', () => {
    const r = levered((s) => {
      s.horizon.years = 8;
      s.fleet.usefulLifeYears = 4;
      s.fleet.refresh = true;
      s.finance.debt = [
        { id: 'gen0', share: 0.5, funds: 'generation-0', rate: 0.08, termYears: 3, amortizationYears: 6 },
        { id: 'gen1', share: 0.4, funds: 'generation-1', rate: 0.07, termYears: 4, amortization: 'bullet' },
      ];
      delete s.finance.baseRate;
    });
    const g0 = tranche(r, 'gen0');
    expect(g0.years[0]!.draw).toBe(0.5 * 1.5e9);
    near(g0.years[1]!.principalDue, (0.5 * 1.5e9) / 6, 'straight over 6 years');
    near(g0.years[3]!.balloon, 0.5 * 1.5e9 * (1 - 3 / 6), 'balloon at the term', 1e-12, 1e-3);
    const g1 = tranche(r, 'gen1');
    expect(g1.years[0]!.draw).toBe(0);
    expect(g1.years[4]!.draw).toBe(0.4 * (r.years[4]!.capex as number));
    expect(g1.years[8]!.balloon).toBe(g1.years[4]!.draw);
  });

  it('contracts: the contract price for its term, then market (or nothing), less expected credit loss; backlog, contracted share, revenue at risk', () => {
    const market = levered(() => {});
    const r = levered((s) => {
      s.demand.segments[0].contract = { termYears: 4, startYear: 2026, price: 5, escalationPerYear: 0.02, counterpartyDefaultPerYear: 0.03, recoveryRate: 0.4 };
    });
    const hours = market.segments[0]!.years.map((y) => y.acceleratorHours as number);
    for (let t = 1; t <= 4; t++) {
      const gross = hours[t - 1]! * 5 * 1.02 ** (t - 1);
      near(r.years[t]!.contractedRevenue, gross, `contracted ${t}`);
      near(r.years[t]!.expectedCreditLoss, gross * 0.03 * 0.6, `ECL ${t}`);
      near(r.years[t]!.revenue, gross * (1 - 0.03 * 0.6), `revenue ${t}`);
      near(r.years[t]!.contractedShare, 1, `contracted share ${t}`);
    }
    for (let t = 5; t <= 8; t++) {
      expect(r.years[t]!.revenue).toBe(market.years[t]!.revenue);
      expect(r.years[t]!.contractedRevenue).toBe(0);
    }
    const total = [1, 2, 3, 4].reduce((a, t) => a + (r.years[t]!.contractedRevenue as number), 0);
    near(r.years[0]!.backlog, total, 'backlog at the build');
    near(r.years[2]!.backlog, (r.years[3]!.contractedRevenue as number) + (r.years[4]!.contractedRevenue as number), 'backlog after year 2');
    near(r.summary.backlog, total, 'summary backlog');
    // the contract ends in year 4: its last year's contract revenue minus the same hours at market
    const atRisk = (r.years[4]!.contractedRevenue as number) - (market.years[4]!.revenue as number);
    near(r.years[2]!.revenueAtRisk, atRisk, 'revenue at risk, year 2');
    near(r.years[3]!.revenueAtRisk, atRisk, 'revenue at risk, year 3');
    expect(r.years[4]!.revenueAtRisk).toBe(0);
    expect(r.segments[0]!.basis).toBe('contracted');
    expect(r.summary.traceableShare).toBe(1);
    const none = levered((s) => {
      s.demand.segments[0].contract = { termYears: 2, price: 5, renewal: 'none' };
    });
    expect(none.years[3]!.revenue).toBe(0);
    expect(none.years[3]!.tokens).toBe(market.years[3]!.tokens);
    expect(none.years[3]!.cogs).toBe(market.years[3]!.cogs);
  });

  it('traceable share: contracted and metered revenue over revenue and strategic value', () => {
    const r = evaluate(scenario(withPatch(base('hyperscaler-base') as Raw, (s) => void (s.demand.segments[0].basis = 'imputed'))));
    const segs = r.segments;
    const cash = segs.filter((g) => g.basis !== 'imputed').reduce((a, g) => a + g.years.reduce((b, y) => b + (y.revenue as number), 0), 0);
    near(r.summary.traceableShare, cash / ((r.summary.totalRevenue as number) + r.years.reduce((a, y) => a + (y.strategicValue ?? 0), 0)), 'traceable share');
    expect(segs[0]!.basis).toBe('imputed');
  });

  it('no NaN or Infinity anywhere, over random stacks', () => {
    const stack = fc.record({
      amortization: fc.constantFrom('straight', 'bullet', 'annuity', 'sculpted'),
      share: fc.double({ min: 0, max: 0.6, noNaN: true }),
      spread: fc.double({ min: 0, max: 0.2, noNaN: true }),
      term: fc.integer({ min: 1, max: 10 }),
      refi: fc.boolean(),
      sweep: fc.double({ min: 0, max: 1, noNaN: true }),
      months: fc.integer({ min: 0, max: 60 }),
      decline: fc.double({ min: 0, max: 1, noNaN: true }),
      utilization: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(stack, (v) => {
        const r = levered((s) => {
          s.demand.utilization = v.utilization;
          s.site.buildMonths = v.months;
          s.fleet.marketValue = { declinePerYear: v.decline };
          s.finance.cashSweep = v.sweep;
          s.finance.covenants = { minDscr: 1.2, maxLtv: 0.8 };
          s.finance.debt = [
            {
              id: 'a',
              share: v.share,
              funds: 'initial',
              spread: v.spread,
              termYears: v.term,
              amortization: v.amortization,
              ...(v.amortization === 'sculpted' && { targetDscr: 1.3 }),
              ...(v.refi && v.amortization !== 'straight' && v.amortization !== 'annuity' && { refinance: { termYears: 3, spread: 0.06 } }),
            },
            { id: 'b', amount: 1e8, rate: 0.1, termYears: 3 },
          ];
        });
        expect(nonFinitePaths(JSON.parse(JSON.stringify(r, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x))))).toEqual([]);
        expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
      }),
      { seed: 9, numRuns: 120 },
    );
  });
});

describe('§9 the loader: every problem at once, each with its path and line:col', () => {
  const bad = `id: bad-stack
operator: custom
horizon: { startYear: 2026, years: 5 }
site:
  itMW: 10
  pue: 1.2
  power: { pricePerMWh: 60 }
  facility: { mode: lease, leasePerKWMonth: 120, termYears: 5 }
fleet: { mode: own, kWPerAccelerator: 1, tokensPerSecond: 1000, capexPerAccelerator: 100000, usefulLifeYears: 5 }
demand:
  utilization: 0.7
  segments: [{ id: api, kind: paid-api, tokenShare: 1, pricing: { perMTok: 1 } }]
finance:
  wacc: 0.1
  debt:
    - { id: both, share: 0.2, amount: 100000000, rate: 0.08, termYears: 5 }
    - { id: floating, share: 0.2, spread: 0.03, termYears: 5 }
    - { id: sculpt, amount: 100000000, rate: 0.09, termYears: 5, amortization: sculpted }
    - { id: long, share: 0.1, rate: 0.07, termYears: 60 }
`;
  it('amount and share both; a spread with no baseRate; sculpted without targetDscr; a term over 50 years', () => {
    const r = loadScenarioText(bad, catalog(), { file: 'bad.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const got = r.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.code}`);
    expect(got).toEqual(
      expect.arrayContaining([
        '16:31 finance.debt[both].amount: share_or_amount',
        '17:35 finance.debt[floating].spread: needs_base_rate',
        '18:66 finance.debt[sculpt].amortization: needs_target_dscr',
        '19:43 finance.debt[long].termYears: too_big',
      ]),
    );
    const long = r.issues.find((i) => i.path === 'finance.debt[long].termYears');
    expect(long?.message).toMatch(/50/);
  });

  it('the CLI exits 2 with every issue and no stack trace', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runCli } = await import('../src/cli/run-cli.ts');
    const dir = mkdtempSync(join(tmpdir(), 'capital-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, bad);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['run', file], { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
    expect(code).toBe(2);
    const text = err.join('\n');
    for (const p of ['finance.debt[both].amount', 'finance.debt[floating].spread', 'finance.debt[sculpt].amortization', 'finance.debt[long].termYears']) expect(text).toContain(p);
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('shares above 1 of one capex event, debt above the capex at t = 0, covenants without debt, contracts on the wrong segment', () => {
    const text = bad
      .replace(/  debt:[\s\S]*$/, '')
      .concat(`  covenants: { minDscr: 1.2 }\n`)
      .replace('pricing: { perMTok: 1 } }', 'pricing: { perMTok: 1 }, contract: { termYears: 3, price: 1 } }, { id: free, kind: free, tokenShare: 0, contract: { termYears: 3, price: 1 } }');
    const r = loadScenarioText(text, catalog());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const codes = r.issues.map((i) => `${i.path}: ${i.code}`);
    expect(codes).toContain('finance.covenants: needs_debt');
    expect(codes).toContain('demand.segments[free].contract: contract_kind');
    const over = loadScenarioText(
      bad.replace(/  debt:[\s\S]*$/, `  debt:\n    - { id: a, share: 0.7, rate: 0.08, termYears: 5 }\n    - { id: b, share: 0.5, funds: initial, rate: 0.08, termYears: 5 }\n    - { id: c, amount: 900000000, rate: 0.08, termYears: 5 }\n`),
      catalog(),
    );
    expect(over.ok).toBe(false);
    if (over.ok) return;
    expect(over.issues.map((i) => i.code)).toEqual(expect.arrayContaining(['share_sum', 'amount_sum']));
  });

  it('resolving fills each tranche\'s id and a share tranche\'s funds; resolving twice gives the same', () => {
    const s = scenario(withPatch(twoTranches(), (x) => void (x.finance.debt = [{ share: 0.3, rate: 0.07, termYears: 4 }, { amount: 1e8, rate: 0.08, termYears: 2 }])));
    const debt = s.finance.debt as NonNullable<Scenario['finance']['debt']> & unknown[];
    expect(debt.map((t: any) => [t.id, t.funds])).toEqual([
      ['debt-1', 'every-capex'],
      ['debt-2', undefined],
    ]);
    expect(scenario(s)).toEqual(s);
  });

  it('the JSON Schema in schema/ takes the list form (regenerate: npx tsx scripts/gen-schema.ts)', () => {
    const schema = readFileSync(`${ROOT}schema/scenario.schema.json`, 'utf8');
    expect(schema).toContain('refinance');
    expect(schema).toContain('baseRate');
  });
});

describe('§9 in the Monte Carlo (neocloud-levered, its own uncertainty block)', () => {
  const s = scenario(base('neocloud-levered'));

  it('the columnar path equals the plain engine sample by sample (base rate, a spread and a contract price among the inputs)', async () => {
    const { monteCarlo } = await import('../src/analysis/monte-carlo.ts');
    const { MC_METRICS } = await import('../src/analysis/columnar.ts');
    const n = 300;
    const { samples } = monteCarlo(s, { n, seed: 20260101, keepSamples: true, chunkSize: 128 });
    if (samples === undefined) throw new Error('no samples kept');
    expect(samples.inputs.map((x) => x.path)).toEqual(expect.arrayContaining(['finance.baseRate', 'finance.debt[ddtl-2].spread', 'demand.segments[term-contracts].contract.price']));
    const bad: string[] = [];
    for (let i = 0; i < n; i++) {
      let sc = s;
      for (const x of samples.inputs) sc = setInput(sc, x.path, x.values[i] as number, x.mode);
      const r = evaluate(sc);
      for (const m of MC_METRICS) {
        const fast = samples.metrics[m][i] as number;
        const plain = r.summary[m];
        const ok = plain === null ? Number.isNaN(fast) : fast === plain || Math.abs(fast - plain) <= 1e-9 * Math.max(Math.abs(fast), Math.abs(plain));
        if (!ok) bad.push(`sample ${i} ${m}: columnar ${fast}, engine ${plain}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('1, 2 and 4 workers and the library agree to the byte', async () => {
    const { monteCarlo } = await import('../src/analysis/monte-carlo.ts');
    const { runMonteCarloParallel } = await import('../src/io/mc-workers.ts');
    const options = { n: 4000, seed: 14, chunkSize: 512 };
    const texts: string[] = [];
    for (const workers of [1, 2, 4]) {
      const r = await runMonteCarloParallel(s, options, { workers });
      expect(r.status).toBe('done');
      if (r.status === 'done') texts.push(JSON.stringify(r.result.summary));
    }
    texts.push(JSON.stringify(monteCarlo(s, options).summary));
    expect(new Set(texts).size).toBe(1);
  });
});

describe('§9 drivers: breakeven and tornado take the base rate and the tranches', () => {
  const s = scenario(base('neocloud-levered'));
  it('the default drivers include the base rate and every tranche\'s rate or spread', async () => {
    const { defaultDriverPaths } = await import('../src/analysis/drivers.ts');
    const paths = defaultDriverPaths(s);
    for (const p of ['finance.baseRate', 'finance.debt[ddtl-1].rate', 'finance.debt[ddtl-2].spread', 'finance.debt[oem].rate', 'finance.debt[revolver].spread', 'finance.debt[notes-2030].rate', 'finance.debt[ddtl-gen1].spread']) {
      expect(paths).toContain(p);
    }
    expect(paths).not.toContain('finance.debt.rate');
  });

  it('breakeven of minDscr on the base rate and on a spread; tornado on equityIrr swings them', async () => {
    const { breakeven } = await import('../src/analysis/breakeven.ts');
    const { tornado } = await import('../src/analysis/tornado.ts');
    const b = breakeven(s, { target: 'minDscr>=0.6', drivers: ['finance.baseRate', 'finance.debt[ddtl-2].spread'] });
    expect(b.rows.map((r) => r.path)).toEqual(['finance.baseRate', 'finance.debt[ddtl-2].spread']);
    // met at base (0.71): each finds where it stops being met, and putting it there gives minDscr 0.6
    for (const r of b.rows) {
      expect(r.status).toBe('met');
      expect(r.breakeven as number).toBeGreaterThan(r.base);
      near(r.metricAtBreakeven, 0.6, `minDscr at the breakeven of ${r.path}`, 1e-4);
    }
    const t = tornado(s, { metric: 'equityIrr', drivers: ['finance.baseRate', 'finance.debt[notes-2030].rate', 'finance.debt[notes-2030].refinance.spread'] });
    for (const row of t.rows) expect(row.swing as number).toBeGreaterThan(0);
  });

  it('paths: a tranche by its id, with a suggestion for a wrong one; the single-object paths say the debt is a list', async () => {
    const { checkInputPath, getInput, listInputPaths } = await import('../src/analysis/paths.ts');
    expect(checkInputPath(s, 'finance.debt[ddtl-2].spread')).toBeNull();
    expect(getInput(s, 'finance.debt[oem].rate')).toBe(0.095);
    expect(checkInputPath(s, 'finance.debt[ddtl2].spread')?.message).toMatch(/did you mean "ddtl-2"/);
    expect(checkInputPath(s, 'finance.debt.rate')?.message).toMatch(/list of tranches/);
    expect(checkInputPath(s, 'finance.debt[oem].spread')?.message).toMatch(/fixed rate/);
    expect(listInputPaths(s)).toEqual(expect.arrayContaining(['finance.baseRate', 'finance.debt[ddtl-1].refinance.spread', 'finance.covenants.minDscr', 'site.buildMonths', 'demand.segments[term-contracts].contract.price']));
  });
});
