/**
 * MODEL.md v2: the hardware a refresh buys follows the calendar (§3.1), an
 * hour of newer hardware rents for more per year of technology (§3.3), and
 * commitments past the horizon are owed at it (§3.6). Properties over
 * generated scenarios pin that refresh cadence cannot make money from
 * nothing; v1 files are refused with their v2 form and `migrateScenarioText`
 * rewrites them with the same results at their own useful life.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breakeven } from '../src/analysis/breakeven.ts';
import { setInput } from '../src/analysis/paths.ts';
import { evaluate } from '../src/model/engine.ts';
import { HOURS_PER_YEAR } from '../src/model/lines.ts';
import { loadScenarioText } from '../src/model/load.ts';
import { migrateScenarioText } from '../src/model/migrate.ts';
import { base, catalog, near, ROOT, scenario, withPatch } from './helpers.ts';
import { readFileSync } from 'node:fs';

type Raw = Record<string, any>;

/** An owned toy with a roadmap: 1,000 accelerators of 1,000 tokens/s, capex $1,000. */
const toy = (T: number, L: number, perf: number, capexY: number, sw: number): Raw => ({
  id: 'toy',
  operator: 'custom',
  horizon: { startYear: 2030, years: T },
  site: { itMW: 1, pue: 1.2, power: { pricePerMWh: 80 }, facility: { mode: 'lease', leasePerKWMonth: 120, termYears: T } },
  fleet: {
    mode: 'own',
    kWPerAccelerator: 1,
    tokensPerSecond: 1000,
    capexPerAccelerator: 1000,
    usefulLifeYears: L,
    depreciationYears: L,
    residualValue: 0.05,
    technology: { perfGainPerYear: perf, capexChangePerYear: capexY },
  },
  serving: { softwareGainPerYear: sw },
  demand: {
    utilization: 0.7,
    segments: [
      { id: 'api', kind: 'paid-api', tokenShare: 0.6, pricing: { perMTok: 0.5, changePerYear: -0.2 } },
      { id: 'hours', kind: 'capacity-contract', tokenShare: 0.4, pricing: { perAcceleratorHour: 2, changePerYear: -0.1, techPremiumPerYear: 1.05 } },
    ],
  },
  finance: { wacc: 0.1, taxRate: 0.2 },
});

describe('§3.1 the hardware on sale follows the calendar, not the refresh', () => {
  it('capacity never exceeds what the calendar allows: C_t ≤ N · tokensPerSecond · perfGainPerYear^(t−1) · g(softwareGain, t) · 3600 · H, for every useful life', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 25 }),
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.double({ min: -0.5, max: 1, noNaN: true }),
        (T, L, perf, capexY, sw) => {
          const r = evaluate(scenario(toy(T, L, perf, capexY, sw)));
          const N = 1000;
          for (const y of r.years) {
            if (y.t === 0) continue;
            // the newest hardware the calendar has by year t was bought at t − 1; the bound holds for perf ≥ 1,
            // and for perf < 1 the hardware in service is at most the oldest, bought at 0
            const best = Math.max(perf ** (y.t - 1), 1);
            const bound = N * 1000 * best * (1 + sw) ** (y.t - 1) * 3600 * HOURS_PER_YEAR;
            expect(y.capacityTokens as number).toBeLessThanOrEqual(bound * (1 + 1e-12));
          }
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('two cadences buy the same hardware in the same year: L = 1 and L = 2 have equal capacity in the years both refresh', () => {
    const a = evaluate(scenario(toy(6, 1, 1.3, 1.05, 0)));
    const b = evaluate(scenario(toy(6, 2, 1.3, 1.05, 0)));
    for (const t of [1, 3, 5]) near(a.years[t]!.capacityTokens, b.years[t]!.capacityTokens as number, `capacity in year ${t}`);
    // and the same price per accelerator
    near(a.years[2]!.capex, b.years[2]!.capex as number, 'capex of the hardware bought at t = 2');
  });

  it('a refresh every year earns no more than the hardware is worth: hyperscaler-base loses money at L = 1 (DATA.md: −$10.1B)', () => {
    const s = (L: number) => setInput(setInput(scenario(base('hyperscaler-base')), 'fleet.usefulLifeYears', L), 'fleet.depreciationYears', L);
    const npv = (L: number): number => evaluate(s(L)).summary.npv as number;
    expect(npv(1)).toBeLessThan(0);
    expect(npv(1)).toBeLessThan(npv(2));
    expect(npv(5)).toBeGreaterThan(npv(1) + 1e10);
    // revenue per MW-year at L = 1 is of the order of the base case, not trillions
    expect(evaluate(s(1)).summary.revenuePerMW as number).toBeLessThan(2 * (evaluate(s(5)).summary.revenuePerMW as number));
  });

  it('breakeven does not say the useful life is met across its whole range (it was "met (whole range)" under v1)', () => {
    const row = breakeven(scenario(base('hyperscaler-base')), { drivers: ['fleet.usefulLifeYears'] }).rows[0]!;
    expect(row.status).toBe('met');
    expect(row.breakeven).toBe(3);
  });

  it('§3.3 an hour of hardware bought later rents for techPremiumPerYear^(b_k) more', () => {
    const r = evaluate(scenario(toy(4, 2, 1, 1, 0)));
    const hours = r.segments.find((s) => s.id === 'hours')!;
    const rate = (t: number): number | null => (hours.years[t - 1]!.revenue as number) / (hours.years[t - 1]!.acceleratorHours as number);
    near(rate(1), 2, 'year 1: generation 0');
    near(rate(3), 2 * 0.9 ** 2 * 1.05 ** 2, 'year 3: generation 1, bought at t = 2');
  });
});

describe('§3.6 commitments after the horizon are owed at it', () => {
  it('neocloud over 6 years (its v1 horizon) owes the other 6 years of its 12-year lease at T, with a warning suggesting 12 years', () => {
    const s = scenario(withPatch(base('neocloud-base'), (d: Raw) => (d.horizon.years = 6)));
    const r = evaluate(s);
    const lease = (t: number): number => 100 * 1000 * 150 * 12 * 1.03 ** (t - 1);
    let owed = 0;
    for (let j = 7; j <= 12; j++) owed += lease(j) / 1.1 ** (j - 6);
    near(r.years[6]!.commitmentsAfterHorizon, owed, 'commitmentsAfterHorizon_6 (at the debt rate)');
    near(r.summary.commitmentsAfterHorizon, owed, 'summary');
    const w = r.warnings.find((x) => x.code === 'commitments-after-horizon');
    expect(w?.message).toContain('set horizon.years: 12');
    expect(w?.message).toContain('2032–2037');
  });

  it('a rented fleet owes the rent past the horizon, discounted at wacc without debt', () => {
    const s = scenario(withPatch(base('frontier-lab-base'), (d: Raw) => (d.horizon.years = 3)));
    const r = evaluate(s);
    const N = (100 * 1000) / 1.8;
    const owed = (N * HOURS_PER_YEAR * 2.6) / 1.15 + (N * HOURS_PER_YEAR * 2.6) / 1.15 ** 2;
    near(r.years[3]!.commitmentsAfterHorizon, owed, 'rent owed at T');
    near((r.years[3]!.fcf as number) + owed, (r.years[3]!.ebitda as number) - (r.years[3]!.tax as number), 'fcf_T');
  });

  it('the built-ins run over their leases: nothing is owed past the horizon, no warning', () => {
    for (const id of ['neocloud-base', 'private-ai-factory-base', 'frontier-lab-base', 'hyperscaler-base']) {
      const r = evaluate(scenario(base(id)));
      expect(r.summary.commitmentsAfterHorizon, id).toBe(0);
      expect(r.warnings.map((w) => w.code), id).not.toContain('commitments-after-horizon');
    }
  });
});

describe('§5 honest breakevens', () => {
  it('private-ai-factory-base: wacc is unreachable (no negative wacc offered), the debt rate has no effect on the unlevered npv', () => {
    const rep = breakeven(scenario(base('private-ai-factory-base')));
    const by = Object.fromEntries(rep.rows.map((r) => [r.path, r]));
    expect(by['finance.wacc']).toMatchObject({ status: 'unreachable', breakeven: null, lo: 0, hi: 1 });
    expect(by['finance.debt.rate']?.status).toBe('no-effect');
    expect(by['site.facility.leasePerKWMonth']).toBeDefined();
    for (const r of rep.rows) if (r.breakeven !== null) expect(r.breakeven).toBeGreaterThanOrEqual(r.lo);
  });

  it('the lease rate, the compute rent and the debt rate are default drivers where they exist', () => {
    const paths = (id: string): string[] => breakeven(scenario(base(id))).rows.map((r) => r.path);
    expect(paths('neocloud-base')).toEqual(expect.arrayContaining(['site.facility.leasePerKWMonth', 'finance.debt.rate']));
    expect(paths('frontier-lab-base')).toContain('fleet.rentPerAcceleratorHour');
    expect(paths('hyperscaler-base')).not.toContain('finance.debt.rate');
  });

  it('a software gain cannot move a GPU-hour seller\'s npv: no effect within the horizon', () => {
    const row = breakeven(scenario(base('neocloud-base')), { drivers: ['serving.softwareGainPerYear'] }).rows[0]!;
    expect(row.status).toBe('no-effect');
  });

  it('the hardware roadmap of a fleet that buys nothing after t = 0 within the horizon: no effect within the horizon', () => {
    // a useful life longer than the horizon: generation 0 serves to T, nothing later is bought
    const long = scenario(toy(4, 6, 1.2, 1, 0));
    for (const path of ['fleet.technology.perfGainPerYear', 'fleet.technology.capexChangePerYear', 'demand.segments[hours].pricing.techPremiumPerYear']) {
      expect(breakeven(long, { drivers: [path] }).rows[0]!.status, path).toBe('no-effect');
    }
    // with a refresh inside the horizon the same inputs do act
    const short = scenario(toy(4, 2, 1.2, 1, 0));
    expect(breakeven(short, { drivers: ['fleet.technology.perfGainPerYear'] }).rows[0]!.status).not.toBe('no-effect');
  });
});

describe('v1 files', () => {
  const v1 = (file: string): string => readFileSync(`${ROOT}test/fixtures/${file}`, 'utf8');

  it('are refused with the v2 form spelled out, the converted numbers included', () => {
    const r = loadScenarioText(v1('v1-neocloud.yaml'), catalog(), { file: 'v1-neocloud.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(2);
    expect(r.issues[0]).toMatchObject({ path: 'fleet.nextGeneration', code: 'v1_form', line: 38 });
    expect(r.issues[0]!.message).toContain('technology: { perfGainPerYear: 1.164993050750713, capexChangePerYear: 1.0235670731181457 }');
    expect(r.issues[1]).toMatchObject({ path: 'demand.segments[term-contracts].pricing.generationStep', code: 'v1_form' });
    expect(r.issues[1]!.message).toContain('techPremiumPerYear: 1.069913193933663');
  });

  it('migrate: comments kept, same results at the file\'s own useful life as the v1 engine gave', () => {
    const m = migrateScenarioText(v1('v1-neocloud.yaml'));
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.text).toContain('# as hyperscaler');
    expect(m.text).toContain('technology: { perfGainPerYear: 1.164993050750713, capexChangePerYear: 1.0235670731181457 }');
    expect(m.text).toContain('techPremiumPerYear: 1.069913193933663');
    expect(m.text.split('\n').length).toBe(v1('v1-neocloud.yaml').split('\n').length);
    const r = loadScenarioText(m.text, catalog());
    if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
    const res = evaluate(r.scenario);
    // the v1 engine's numbers for this file (lease term = horizon: nothing owed past it): gen 1 at 1.5× capacity,
    // its hours at 1.5× the price — v1's perfGain^k and generationStep^k at k = 1
    const gen1 = res.years[7]!;
    near((gen1.capacityTokens as number) / (res.years[1]!.capacityTokens as number), 2.5 * 1.15 ** 6, 'gen 1 capacity (perfGain 2.5 and 6 years of software)');
    near(gen1.capex, 0, 'gen 1 is paid at t = 6');
    near(res.years[6]!.capex, (100_000 / 1.8) * 52_000 * 1.15, 'gen 1 capex: capexChange 1.15');
    const hours = res.segments[0]!.years;
    near((hours[6]!.revenue as number) / (hours[6]!.acceleratorHours as number), 3.0 * 0.95 ** 6 * 1.5, 'gen 1 hour: generationStep 1.5');
  });

  it('migrate maps uncertainty entries and correlation paths, and drops what never acted on a rented fleet', () => {
    const m = migrateScenarioText(v1('v1-uncertainty.yaml'));
    if (!m.ok) throw new Error(m.message);
    expect(m.text).toContain('fleet.technology.perfGainPerYear: { dist: triangular, min: 1.148698354997035, mode: 1.2011244339814313, max: 1.2457309396155174 }');
    expect(m.text).toContain('- fleet.technology.perfGainPerYear');
    expect(m.notes.join('\n')).toMatch(/changes shape/);
    const r = loadScenarioText(m.text, catalog());
    expect(r.ok).toBe(true);
    const rent = migrateScenarioText(v1('v1-rent.yaml'));
    if (!rent.ok) throw new Error(rent.message);
    expect(rent.text).not.toContain('generationStep: 1.3');
    expect(rent.text).toContain('pricing: { perAcceleratorHour: 2.5 }');
    expect(loadScenarioText(rent.text, catalog()).ok).toBe(true);
  });

  it('a v2 file is left alone', () => {
    const text = readFileSync(`${ROOT}data/scenarios/neocloud-base.yaml`, 'utf8');
    const m = migrateScenarioText(text);
    expect(m).toMatchObject({ ok: true, changed: false, text });
  });
});
