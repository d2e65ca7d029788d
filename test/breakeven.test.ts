/**
 * What has to be true (MODEL.md §5): targets, and the breakeven of each
 * driver. A one-year toy whose breakevens have a closed form, derived by hand
 * below; the built-in archetypes, whose every breakeven must round-trip.
 */
import { describe, expect, it } from 'vitest';
import { breakeven, breakevenRow } from '../src/analysis/breakeven.ts';
import { defaultDriverPaths, type Driver, makeDriver } from '../src/analysis/drivers.ts';
import { AnalysisInputError, inputInfo, setInput } from '../src/analysis/paths.ts';
import { checkTarget, defaultTargetFor, parseNumberText, parseTarget, type Target, targetMargin } from '../src/analysis/targets.ts';
import { evaluate } from '../src/model/engine.ts';
import type { ModelResult } from '../src/model/result.ts';
import type { Scenario } from '../src/model/schema.ts';
import { base, BUILT_INS, near, scenario, withPatch } from './helpers.ts';

type Raw = Record<string, any>;

/**
 * One operating year, no tax, no debt, no terminal value, no refresh, a
 * rent-free lease: NPV = −K + X / (1 + r) with
 *   N = itMW · 1000 / kW = 1000 accelerators, K = N · c = 1000 · 30,000 = 3e7
 *   A = N · τ · 3600 · 8760 / 1e6 = 1000 · 1000 · 31,536,000 / 1e6 = 3.1536e7 (M tokens at full load)
 *   R = s · A · u · p      (paid share s = 0.8 of the tokens at $p per M, all billed)
 *   power = E · (idle + (1 − idle) · u), E = itMW · pue · 8760 · P = 1.25 · 8760 · 80 = 876,000
 *   X = R − power − F,     F = fixed opex 200,000
 * At base (u = 0.5, p = 2.5, s = 0.8, c = 30,000, r = 0.1): R = 31,536,000,
 * power = 569,400, X = 30,766,600, NPV = −3e7 + 30,766,600 / 1.1 = −2,030,363.6 < 0.
 */
const toy: Raw = {
  id: 'closed-form',
  operator: 'custom',
  horizon: { startYear: 2026, years: 1 },
  site: {
    itMW: 1,
    pue: 1.25,
    power: { pricePerMWh: 80, escalationPerYear: 0, idleFraction: 0.3 },
    facility: { mode: 'lease', leasePerKWMonth: 0, termYears: 1 },
  },
  fleet: { mode: 'own', kWPerAccelerator: 1, tokensPerSecond: 1000, capexPerAccelerator: 30_000, usefulLifeYears: 1, refresh: false },
  demand: {
    utilization: 0.5,
    segments: [
      { id: 'paid', kind: 'paid-api', tokenShare: 0.8, pricing: { perMTok: 2.5 } },
      { id: 'free', kind: 'free', tokenShare: 0.2 },
    ],
  },
  finance: { wacc: 0.1, taxRate: 0, terminalValue: 'none' },
  opex: { fixedPerMWYear: 200_000 },
};

const N = 1000;
const K = N * 30_000;
const A = (N * 1000 * 3600 * 8760) / 1e6;
const E = 1.25 * 8760 * 80;
const F = 200_000;
const r = 0.1;
const idle = 0.3;
const [u0, p0, s0] = [0.5, 2.5, 0.8];
const X = (u: number, p: number, s: number, e = E): number => s * A * u * p - e * (idle + (1 - idle) * u) - F;

const target = (text: string): Target => {
  const t = parseTarget(text);
  if (!t.ok) throw new Error(t.issue.message);
  return t.target;
};
const NPV0 = target('npv>=0');

function rowOf(s: Scenario, path: string, t: Target | string = 'npv>=0') {
  const rep = breakeven(s, { target: t, drivers: [path] });
  return rep.rows[0]!;
}

describe('targets', () => {
  it('parses the documented forms', () => {
    const texts = ['npv>=0', 'npv >= -5M', 'irr>=wacc', 'irr≥12%', 'payback<=life', 'payback<=4.5', 'gpPerMW>=2M', 'grossProfitPerMW>=1.5e6', 'equityIrr>=0.15', 'equityIrr>=wacc', 'minDscr>=1.3', 'discountedPayback<=horizon'];
    const out = texts.map((t) => {
      const r = parseTarget(t);
      return r.ok ? `${r.target.text} | ${r.target.metric} ${r.target.op} ${r.target.ref ?? r.target.value} | ${r.target.describe}` : r.issue.message;
    });
    expect(out).toMatchInlineSnapshot(`
      [
        "npv>=0 | npv >= 0 | NPV ≥ 0",
        "npv>=-5M | npv >= -5000000 | NPV ≥ -5M",
        "irr>=wacc | irr >= wacc | IRR ≥ wacc",
        "irr>=12% | irr >= 0.12 | IRR ≥ 12%",
        "payback<=life | paybackYears <= life | payback ≤ useful life",
        "payback<=4.5 | paybackYears <= 4.5 | payback ≤ 4.5",
        "gpPerMW>=2M | grossProfitPerMW >= 2000000 | gross profit per MW-year ≥ 2M",
        "gpPerMW>=1.5e6 | grossProfitPerMW >= 1500000 | gross profit per MW-year ≥ 1.5e6",
        "equityIrr>=0.15 | equityIrr >= 0.15 | equity IRR ≥ 0.15",
        "equityIrr>=wacc | equityIrr >= wacc | equity IRR ≥ wacc",
        "minDscr>=1.3 | minDscr >= 1.3 | minimum DSCR ≥ 1.3",
        "discountedPayback<=horizon | discountedPaybackYears <= horizon | discounted payback ≤ horizon",
      ]
    `);
  });
  it('a bad target lists the valid forms', () => {
    const bad = ['npv>0', 'irr>=wac', 'nvp>=0', 'payback>=3', 'npv', 'gpPerMW>=lots'];
    expect(bad.map((t) => (parseTarget(t) as { issue: { message: string } }).issue.message)).toMatchInlineSnapshot(`
      [
        "bad target "npv>0": npv takes ">=" (more is better), got ">"; valid forms: npv>=0, npv>=X, irr>=wacc, irr>=X, payback<=life, payback<=X, gpPerMW>=X, equityIrr>=X, equityIrr>=wacc, minDscr>=X, strategicNpv>=X, discountedPayback<=life, ebitdaPerMW>=X (X a number such as 0, 1.25, 12%, 2M)",
        "bad target "irr>=wac": the threshold of irr is a number or wacc, got "wac" (did you mean "wacc"?); valid forms: npv>=0, npv>=X, irr>=wacc, irr>=X, payback<=life, payback<=X, gpPerMW>=X, equityIrr>=X, equityIrr>=wacc, minDscr>=X, strategicNpv>=X, discountedPayback<=life, ebitdaPerMW>=X (X a number such as 0, 1.25, 12%, 2M)",
        "bad target "nvp>=0": unknown metric "nvp" (did you mean "npv"?) (metrics: npv, strategicNpv, irr, equityIrr, payback, discountedPayback, gpPerMW, ebitdaPerMW, minDscr); valid forms: npv>=0, npv>=X, irr>=wacc, irr>=X, payback<=life, payback<=X, gpPerMW>=X, equityIrr>=X, equityIrr>=wacc, minDscr>=X, strategicNpv>=X, discountedPayback<=life, ebitdaPerMW>=X (X a number such as 0, 1.25, 12%, 2M)",
        "bad target "payback>=3": payback takes "<=" (less is better), got ">="; valid forms: npv>=0, npv>=X, irr>=wacc, irr>=X, payback<=life, payback<=X, gpPerMW>=X, equityIrr>=X, equityIrr>=wacc, minDscr>=X, strategicNpv>=X, discountedPayback<=life, ebitdaPerMW>=X (X a number such as 0, 1.25, 12%, 2M)",
        "bad target "npv": expected a metric, >= or <=, and a threshold; valid forms: npv>=0, npv>=X, irr>=wacc, irr>=X, payback<=life, payback<=X, gpPerMW>=X, equityIrr>=X, equityIrr>=wacc, minDscr>=X, strategicNpv>=X, discountedPayback<=life, ebitdaPerMW>=X (X a number such as 0, 1.25, 12%, 2M)",
        "bad target "gpPerMW>=lots": the threshold of gpPerMW is a number, got "lots"; valid forms: npv>=0, npv>=X, irr>=wacc, irr>=X, payback<=life, payback<=X, gpPerMW>=X, equityIrr>=X, equityIrr>=wacc, minDscr>=X, strategicNpv>=X, discountedPayback<=life, ebitdaPerMW>=X (X a number such as 0, 1.25, 12%, 2M)",
      ]
    `);
  });
  it('thresholds read the scenario; margins are signed; a missing metric never meets', () => {
    const s = scenario(base('hyperscaler-base'));
    const res = evaluate(s);
    expect(target('irr>=wacc').threshold(s)).toBe(0.08);
    expect(target('payback<=life').threshold(s)).toBe(5);
    expect(targetMargin(target('irr>=wacc'), res)).toBeCloseTo((res.summary.irr as number) - 0.08, 15);
    expect(targetMargin(target('payback<=life'), res)).toBeCloseTo(5 - (res.summary.paybackYears as number), 15);
    const noIrr = { ...res, summary: { ...res.summary, irr: null, paybackYears: null } } as ModelResult;
    expect(targetMargin(target('irr>=0'), noIrr)).toBe(-Infinity);
    expect(targetMargin(target('payback<=99'), noIrr)).toBe(-Infinity);
    expect(checkTarget(target('minDscr>=1.2'), s)?.message).toContain('needs debt');
    expect(checkTarget(target('minDscr>=1.2'), scenario(base('neocloud-base')))).toBeNull();
    // a rented fleet has no useful life: payback is judged against the horizon, as the engine does
    expect(target('payback<=life').threshold(scenario(base('frontier-lab-base')))).toBe(5);
    expect(defaultTargetFor('irr')?.text).toBe('irr>=wacc');
    expect(defaultTargetFor('totalTokens')).toBeNull();
  });
  it('reads numbers as people write them', () => {
    expect(['0.8', '-5e6', '12%', '150k', '2M', '$1.5B', '−3', '1_000', 'x', '', '1e400'].map(parseNumberText)).toEqual([
      0.8, -5e6, 0.12, 150_000, 2e6, 1.5e9, -3, 1000, undefined, undefined, undefined,
    ]);
  });
});

describe('closed form: a one-year toy', () => {
  const s = scenario(toy);

  it('the toy is what the derivation says', () => {
    near(evaluate(s).summary.npv, -K + X(u0, p0, s0) / (1 + r), 'npv at base', 1e-12);
  });

  it('breakeven utilization, price, capex, paid share and wacc match within 1e-9', () => {
    const expected: Record<string, number> = {
      // s·A·p·u − E(idle + (1−idle)u) − F = K(1+r)
      'demand.utilization': (K * (1 + r) + F + E * idle) / (s0 * A * p0 - E * (1 - idle)),
      'demand.segments[paid].pricing.perMTok': (K * (1 + r) + F + E * (idle + (1 - idle) * u0)) / (s0 * A * u0),
      'paidShare': (K * (1 + r) + F + E * (idle + (1 - idle) * u0)) / (A * u0 * p0),
      // X = K_new (1 + r), K_new = N c
      'fleet.capexPerAccelerator': X(u0, p0, s0) / ((1 + r) * N),
      // −K + X/(1 + r) = 0
      'finance.wacc': X(u0, p0, s0) / K - 1,
    };
    const rep = breakeven(s, { drivers: Object.keys(expected) });
    expect(rep.base.met).toBe(false);
    for (const row of rep.rows) {
      expect(row.status, row.path).toBe('needs-change');
      near(row.breakeven, expected[row.path]!, row.path, 1e-9);
      near(row.change, expected[row.path]! - row.base, `${row.path} change`, 1e-9);
      expect(targetMargin(NPV0, evaluate(setInput(s, row.setting!.path, row.setting!.value, row.setting!.mode)))).toBeGreaterThanOrEqual(0);
    }
    expect(rep.rows.map((r) => r.path)).toEqual(Object.keys(expected));
    const util = rep.rows[0]!;
    near(util.changePct, (util.breakeven! - 0.5) / 0.5, 'utilization change %');
  });

  it('met already: the breakeven says how far the driver can move', () => {
    const cheap = setInput(s, 'fleet.capexPerAccelerator', 20_000);
    const row = rowOf(cheap, 'fleet.capexPerAccelerator');
    expect(row.status).toBe('met');
    near(row.breakeven, X(u0, p0, s0) / ((1 + r) * N), 'capex room', 1e-9);
    near(row.change, X(u0, p0, s0) / ((1 + r) * N) - 20_000, 'capex room change', 1e-9);
  });

  it('unreachable within the valid range: says which bound came closest', () => {
    // power price: even at $0/MWh, X = 31,536,000 − 200,000 < K(1+r) = 33,000,000
    const row = rowOf(s, 'site.power.pricePerMWh');
    expect(row.status).toBe('unreachable');
    expect(row.breakeven).toBeNull();
    expect(row.closest?.bound).toBe('lo');
    expect(row.closest?.value).toBe(0);
    near(row.closest?.metric, -K + X(u0, p0, s0, 0) / (1 + r), 'npv at power price 0', 1e-12);
    // software gain does nothing in year 1: g(r, 1) = 1 — no effect within the horizon (MODEL.md §5)
    const flat = rowOf(s, 'serving.softwareGainPerYear');
    expect(flat.status).toBe('no-effect');
    expect(flat.breakeven).toBeNull();
    expect(flat.evaluations).toBeLessThan(30);
  });
});

describe('integer and non-monotone drivers', () => {
  it('an integer driver gives the nearest whole value that meets the target (checked by brute force)', () => {
    const cases: [string, string][] = [
      ['hyperscaler-base', 'payback<=life'],
      ['hyperscaler-base', 'npv>=0'],
      ['neocloud-base', 'npv>=0'],
      ['neocloud-base', 'payback<=3.5'],
      ['private-ai-factory-base', 'gpPerMW>=-4M'],
    ];
    for (const [id, t] of cases) {
      const s = scenario(base(id));
      const tg = target(t);
      const row = rowOf(s, 'fleet.usefulLifeYears', t);
      const meets = (L: number): boolean => targetMargin(tg, evaluate(setInput(s, 'fleet.usefulLifeYears', L))) >= 0;
      const b = row.base;
      const all = Array.from({ length: 15 }, (_, i) => i + 1);
      const baseMet = targetMargin(tg, evaluate(s)) >= 0;
      if (baseMet) {
        const fails = all.filter((L) => !meets(L));
        if (fails.length === 0) expect(row.breakeven, `${id} ${t}`).toBeNull();
        else {
          const d = Math.min(...fails.map((L) => Math.abs(L - b)));
          expect(meets(row.breakeven!), `${id} ${t}`).toBe(true);
          expect(Math.abs(row.breakeven! - b), `${id} ${t}`).toBe(d - 1);
        }
      } else {
        const ok = all.filter(meets);
        if (ok.length === 0) expect(row.status).toBe('unreachable');
        else expect(Math.abs(row.breakeven! - b), `${id} ${t}`).toBe(Math.min(...ok.map((L) => Math.abs(L - b))));
      }
    }
  });

  it('a non-monotone metric: the breakeven nearest the base value', () => {
    // a made-up driver x ∈ [0, 1] that sets utilization to 4 (x − 0.5)²: npv is lowest at x = 0.5,
    // and npv ≥ 0 where 4 (x − 0.5)² ≥ u*, i.e. x ≤ 0.5 − √(u*/4) or x ≥ 0.5 + √(u*/4)
    const s = scenario(toy);
    const uStar = (K * (1 + r) + F + E * idle) / (s0 * A * p0 - E * (1 - idle));
    const real = makeDriver(s, 'demand.utilization');
    const bowl = (x0: number): Driver => ({
      ...real,
      base: x0,
      lo: 0,
      hi: 1,
      apply: (sc, x) => setInput(sc, 'demand.utilization', 4 * (x - 0.5) ** 2),
    });
    const h = Math.sqrt(uStar / 4);
    near(breakevenRow(s, bowl(0.6), NPV0, false).breakeven, 0.5 + h, 'from 0.6', 1e-9);
    near(breakevenRow(s, bowl(0.4), NPV0, false).breakeven, 0.5 - h, 'from 0.4', 1e-9);
    near(breakevenRow(s, bowl(0.45), NPV0, false).breakeven, 0.5 - h, 'from 0.45', 1e-9);
  });
});

describe('every built-in archetype', () => {
  const targets = ['npv>=0', 'irr>=wacc', 'payback<=life', 'gpPerMW>=2M'];
  for (const id of BUILT_INS) {
    it(`${id}: the default table is complete and every breakeven round-trips`, () => {
      const s = scenario(base(id));
      const paths = defaultDriverPaths(s);
      for (const t of targets) {
        const tg = target(t);
        const rep = breakeven(s, { target: t });
        expect(rep.rows.map((r) => r.path)).toEqual(paths);
        expect(JSON.stringify(rep)).not.toMatch(/NaN|Infinity/);
        for (const row of rep.rows) {
          const label = `${id} ${t} ${row.path}`;
          expect(row.lo, label).toBeLessThanOrEqual(row.base);
          expect(row.hi, label).toBeGreaterThanOrEqual(row.base);
          if (row.status === 'unreachable') {
            expect(rep.base.met, label).toBe(false);
            expect(row.breakeven, label).toBeNull();
            expect(row.closest, label).not.toBeNull();
            continue;
          }
          if (row.status === 'no-effect') {
            // the metric is the same wherever the driver is (e.g. wacc on an undiscounted payback)
            expect(row.breakeven, label).toBeNull();
            expect(row.closest?.metric ?? null, label).toBe(rep.base.metric);
            continue;
          }
          if (row.breakeven === null) {
            expect(row.status, label).toBe('met');
            continue;
          }
          expect(row.status, label).toBe(rep.base.met ? 'met' : 'needs-change');
          expect(row.breakeven, label).toBeGreaterThanOrEqual(row.lo);
          expect(row.breakeven, label).toBeLessThanOrEqual(row.hi);
          // round trip: the reported setting meets the target
          const set = row.setting!;
          const at = evaluate(setInput(s, set.path, set.value, set.mode));
          expect(targetMargin(tg, at), label).toBeGreaterThanOrEqual(0);
          expect(at.summary[tg.metric], label).toBe(row.metricAtBreakeven);
          // the setting is the driver at the reported value
          const d = makeDriver(s, row.path);
          expect(d.setting(row.breakeven), label).toEqual(set);
          if (row.integer) expect(Number.isInteger(row.breakeven), label).toBe(true);
          // and it just meets it: a hair further on the failing side fails
          if (!row.integer && row.change !== 0) {
            const dir = (row.status === 'met' ? 1 : -1) * Math.sign(row.change ?? 0);
            const x = row.breakeven + dir * 1e-9 * Math.max(1, Math.abs(row.breakeven));
            if (x >= row.lo && x <= row.hi) {
              expect(targetMargin(tg, evaluate(d.apply(s, x))), `${label} just past the breakeven`).toBeLessThan(0);
            }
          }
        }
      }
    });
  }

  it('utilization ramps are moved as a whole: the breakeven is the mean and the setting a scale', () => {
    const s = scenario(base('hyperscaler-base'));
    const row = rowOf(s, 'demand.utilization');
    expect(row.mode).toBe('scale');
    near(row.base, (0.6 + 0.7 + 0.75 * 8) / 10, 'mean utilization over 10 years', 1e-12);
    expect(row.setting!.mode).toBe('scale');
    near(row.setting!.value, row.breakeven! / row.base, 'scale factor', 1e-12);
    expect(row.hi).toBeCloseTo(row.base / 0.75, 12);
  });

  it('bad drivers and targets are an AnalysisInputError with every issue', () => {
    const s = scenario(base('hyperscaler-base'));
    const err = (() => {
      try {
        breakeven(s, { drivers: ['demand.utilisation', 'finance.debt.rate', 'finance.wacc'] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AnalysisInputError);
    expect((err as AnalysisInputError).issues.map((i) => i.path)).toEqual(['demand.utilisation', 'finance.debt.rate']);
    expect(() => breakeven(s, { target: 'npv>0' })).toThrow(/valid forms: npv>=0/);
    expect(() => breakeven(s, { target: 'minDscr>=1.2' })).toThrow(/needs debt/);
  });

  it('the default drivers follow the scenario', () => {
    const paths = (id: string): string[] => defaultDriverPaths(scenario(base(id)));
    expect(paths('neocloud-base')).toEqual([
      'demand.utilization',
      'demand.segments[term-contracts].pricing.perAcceleratorHour',
      'demand.segments[term-contracts].pricing.changePerYear',
      'demand.segments[on-demand].pricing.perAcceleratorHour',
      'demand.segments[on-demand].pricing.changePerYear',
      'fleet.capexPerAccelerator',
      'site.power.pricePerMWh',
      'fleet.usefulLifeYears',
      'site.facility.leasePerKWMonth',
      'serving.softwareGainPerYear',
      'finance.wacc',
      'finance.debt.rate',
    ]);
    expect(paths('frontier-lab-base')).toContain('fleet.rentPerAcceleratorHour');
    expect(paths('frontier-lab-base')).toContain('paidShare');
    expect(paths('frontier-lab-base')).not.toContain('fleet.capexPerAccelerator');
    const tokensMode = withPatch(base('hyperscaler-base') as Raw, (d) => {
      delete d.demand.utilization;
      d.demand.tokensPerYear = 2e15;
    });
    expect(defaultDriverPaths(scenario(tokensMode))[0]).toBe('demand.tokensPerYear');
    expect(inputInfo(scenario(tokensMode), 'demand.tokensPerYear').max).toBe(1e18);
  });
});
