/**
 * Portfolios (MODEL.md §8): the must-shows of issue 13 and the rules of the
 * section — a portfolio of one vintage is its scenario, without a market a
 * portfolio is the sum of its vintages alone (a property over generated
 * portfolios), re-basing moves exactly §8's inputs, the shared market is
 * served cheapest-first, the Sequoia arithmetic, and every bad input at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setInput } from '../src/analysis/paths.ts';
import { loadCheckedPortfolioText, resolveCheckedPortfolio } from '../src/analysis/portfolio-checks.ts';
import { readPortfolioFile } from '../src/io/portfolio-files.ts';
import { evaluate } from '../src/model/engine.ts';
import { formatIssues, type Issue } from '../src/model/issues.ts';
import type { ResolvedScenario } from '../src/model/load.ts';
import { evaluatePortfolio, evaluatePortfolioSummary, type PortfolioResult } from '../src/model/portfolio.ts';
import { type Portfolio, type PortfolioResolveResult, type TemplateLoader } from '../src/model/portfolio-load.ts';
import { rebaseScenario } from '../src/model/rebase.ts';
import { CAPITAL_SUMMARY_FIELDS, CAPITAL_YEAR_FIELDS, TRANCHE_YEAR_FIELDS, YEAR_FIELDS, SUMMARY_FIELDS, type YearRow } from '../src/model/result.ts';
import { base, BUILT_INS, catalog, nonFinitePaths, readYaml, scenario } from './helpers.ts';

/** The built-ins, and neocloud-levered: neocloud-base with a capital stack (MODEL.md §9). */
const WITH_LEVERED = [...BUILT_INS, 'neocloud-levered'] as const;
const templates = new Map<string, ResolvedScenario>(WITH_LEVERED.map((id) => [id, scenario(base(id))]));
const loadTemplate: TemplateLoader = (ref) => {
  const s = templates.get(ref);
  return s === undefined ? { ok: false, issues: [{ path: '', message: `no built-in scenario "${ref}"`, code: 'not_found' }] } : { ok: true, scenario: s, warnings: [] };
};

function resolve(raw: unknown): Portfolio {
  const r = resolveCheckedPortfolio(raw, catalog(), { loadTemplate });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.portfolio;
}

function issuesOf(raw: unknown): Issue[] {
  const r = resolveCheckedPortfolio(raw, catalog(), { loadTemplate });
  if (r.ok) throw new Error('expected the portfolio to be refused');
  return r.issues;
}

/** Equal to a relative 1e-9 (the portfolio discounts and sums in its own order), or both null. */
function close(a: number | null | undefined, b: number | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function onePortfolio(id: string): { s: ResolvedScenario; p: Portfolio } {
  const s = templates.get(id) as ResolvedScenario;
  const p = resolve({ kind: 'portfolio', id: 'one', startYear: s.horizon.startYear, years: s.horizon.years, finance: { wacc: s.finance.wacc }, vintages: [{ scenario: id, buildYear: s.horizon.startYear }] });
  return { s, p };
}

describe('a portfolio of one vintage built in its template\'s start year', () => {
  it.each(WITH_LEVERED)('%s: equals the scenario in every field of every year and of the summary (its capital stack too)', (id) => {
    const { s, p } = onePortfolio(id);
    const a = evaluate(s);
    const b = evaluatePortfolio(p);
    expect(b.years.length).toBe(a.years.length);
    const bad: string[] = [];
    const capital = a.tranches !== undefined;
    const yearFields = ['t', 'year', ...YEAR_FIELDS, ...(capital ? CAPITAL_YEAR_FIELDS : [])] as const;
    a.years.forEach((row, i) => {
      const other = b.years[i] as unknown as Record<string, number | null>;
      for (const f of yearFields) if (!close((row as unknown as Record<string, number | null>)[f], other[f])) bad.push(`${row.year} ${f}: ${String((row as unknown as Record<string, unknown>)[f])} vs ${String(other[f])}`);
      // a scenario without a capital stack has no §9 lines, nor has the portfolio
      if (!capital) for (const f of CAPITAL_YEAR_FIELDS) if (f in other) bad.push(`${row.year} ${f} present`);
    });
    const summaryFields = [...SUMMARY_FIELDS, ...(capital ? CAPITAL_SUMMARY_FIELDS : [])];
    for (const f of summaryFields) if (!close(a.summary[f], b.summary[f])) bad.push(`summary ${f}: ${a.summary[f]} vs ${b.summary[f]}`);
    // the covenant breaches, each naming its vintage
    expect(b.summary.covenantBreaches?.map(({ vintage, ...rest }) => (expect(vintage).toBe(p.vintages[0]?.id), rest))).toEqual(a.summary.covenantBreaches);
    // its one vintage is the scenario too, its tranches, and each segment
    const v = b.vintages[0];
    for (const f of summaryFields) if (!close(a.summary[f], v?.summary[f])) bad.push(`vintage summary ${f}`);
    expect(v?.summary.covenantBreaches).toEqual(a.summary.covenantBreaches);
    expect(v?.tranches).toEqual(a.tranches);
    a.segments.forEach((seg) => {
      const other = b.segments.find((x) => x.id === seg.id);
      expect(other?.basis).toBe(seg.basis);
      seg.years.forEach((y, i) => {
        for (const f of ['tokens', 'revenue', 'strategicValue', 'cost', 'grossMargin', 'users', 'acceleratorHours', 'tokenShare'] as const) if (!close(y[f], other?.years[i]?.[f])) bad.push(`segment ${seg.id} ${y.year} ${f}`);
      });
    });
    expect(bad).toEqual([]);
    expect(nonFinitePaths(b)).toEqual([]);
  });
});

describe('re-basing to the calendar (MODEL.md §8, anchor: calendar)', () => {
  it('moves exactly the inputs of §8\'s list by (1 + change)^(y − y0) or m^(y − y0), and nothing else', () => {
    const s = templates.get('neocloud-base') as ResolvedScenario; // 2026, lease, rent-free owned fleet, per-hour prices
    const k = 2029 - s.horizon.startYear;
    const r = rebaseScenario(s, 2029);
    const f = s.fleet;
    expect(r.horizon.startYear).toBe(2029);
    expect(r.fleet.capexPerAccelerator).toBeCloseTo((f.capexPerAccelerator as number) * f.technology.capexChangePerYear ** k, 6);
    expect(r.fleet.tokensPerSecond).toBeCloseTo(f.tokensPerSecond * f.technology.perfGainPerYear ** k * (1 + s.serving.softwareGainPerYear) ** k, 9);
    expect(r.site.power?.pricePerMWh).toBeCloseTo((s.site.power?.pricePerMWh as number) * (1 + (s.site.power?.escalationPerYear as number)) ** k, 9);
    const lease = s.site.facility.mode === 'lease' ? s.site.facility : undefined;
    expect(r.site.facility.mode === 'lease' && r.site.facility.leasePerKWMonth).toBeCloseTo((lease?.leasePerKWMonth as number) * (1 + (lease?.escalationPerYear as number)) ** k, 9);
    s.demand.segments.forEach((seg, j) => {
      const p = seg.pricing as { perAcceleratorHour: number; changePerYear: number; techPremiumPerYear: number };
      const q = r.demand.segments[j]?.pricing as typeof p;
      expect(q.perAcceleratorHour).toBeCloseTo(p.perAcceleratorHour * (1 + p.changePerYear) ** k * p.techPremiumPerYear ** k, 9);
      expect(r.demand.segments[j]?.tokenShare).toEqual(seg.tokenShare); // Series by the vintage's own year: not moved
    });
    expect(r.demand.utilization).toEqual(s.demand.utilization);
    expect(r.finance).toEqual(s.finance);
    expect(r.site.itMW).toBe(s.site.itMW);
  });
  it('moves subscription and per-token prices, a rented fleet by its software gain only, and tokens demanded by their growth; y − y0 may be negative', () => {
    const fl = templates.get('frontier-lab-base') as ResolvedScenario; // rented
    const r = rebaseScenario(fl, fl.horizon.startYear - 2);
    expect(r.fleet.tokensPerSecond).toBeCloseTo(fl.fleet.tokensPerSecond * (1 + fl.serving.softwareGainPerYear) ** -2, 9);
    expect(r.fleet.rentPerAcceleratorHour).toBeCloseTo((fl.fleet.rentPerAcceleratorHour as number) * (1 + fl.fleet.rentChangePerYear) ** -2, 9);
    const hs = templates.get('hyperscaler-base') as ResolvedScenario;
    const h = rebaseScenario(hs, hs.horizon.startYear + 3);
    hs.demand.segments.forEach((seg, j) => {
      const p = seg.pricing;
      const q = h.demand.segments[j]?.pricing;
      if ('perMTok' in p && q !== undefined && 'perMTok' in q) expect(q.perMTok).toBeCloseTo(p.perMTok * (1 + p.changePerYear) ** 3, 9);
      if ('imputedPerMTok' in p && q !== undefined && 'imputedPerMTok' in q) expect(q.imputedPerMTok).toBeCloseTo(p.imputedPerMTok * (1 + p.changePerYear) ** 3, 9);
      if ('subscription' in p && q !== undefined && 'subscription' in q) {
        expect(q.subscription.arpuPerMonth).toBeCloseTo(p.subscription.arpuPerMonth * (1 + p.subscription.arpuChangePerYear) ** 3, 9);
        expect(q.subscription.tokensPerUserMonth).toBeCloseTo(p.subscription.tokensPerUserMonth * (1 + p.subscription.usageGrowthPerYear) ** 3, 3);
      }
    });
    const tokens = { ...hs, demand: { ...hs.demand, utilization: undefined, tokensPerYear: 1e15, growthPerYear: 0.5, maxUtilization: 1 } } as ResolvedScenario;
    expect(rebaseScenario(tokens, hs.horizon.startYear + 2).demand.tokensPerYear).toBeCloseTo(1e15 * 1.5 ** 2, -3);
  });
  it('anchor: template places each vintage unchanged (only its years move)', () => {
    const p = resolve({ kind: 'portfolio', id: 'p', startYear: 2024, years: 12, finance: { wacc: 0.08 }, anchor: 'template', vintages: [{ scenario: 'hyperscaler-base', buildYear: 2024 }] });
    const v = p.vintages[0]?.scenario as ResolvedScenario;
    const s = templates.get('hyperscaler-base') as ResolvedScenario;
    expect(v.horizon.startYear).toBe(2024);
    expect(v.fleet.capexPerAccelerator).toBe(s.fleet.capexPerAccelerator);
  });
});

/** Σ over vintages of their lines evaluated alone, each on its calendar years. */
function sumAlone(p: Portfolio): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  for (const v of p.vintages) {
    for (const row of evaluate(v.scenario).years) {
      const acc = out.get(row.year) ?? {};
      for (const f of ['capex', 'fcf', 'revenue', 'cogs', 'grossProfit', 'ebitda', 'tax', 'depreciation', 'power', 'lease', 'tokens', 'accelerators', 'equityCashFlow', 'strategicValue', 'interest', 'principal', 'draws', 'debtOutstanding', 'leveredTax', 'residual', 'terminalValue', 'commitmentsAfterHorizon'] as const) acc[f] = (acc[f] ?? 0) + (row[f] ?? 0);
      out.set(row.year, acc);
    }
  }
  return out;
}

describe('without a shared market, a portfolio is the sum of its re-based vintages evaluated alone (property)', () => {
  const vintageArb = fc.record({
    id: fc.constantFrom(...WITH_LEVERED),
    offset: fc.integer({ min: 0, max: 6 }),
    itMW: fc.double({ min: 1, max: 500, noNaN: true }),
    wacc: fc.constantFrom(0.05, 0.08, 0.12),
  });
  it('on the calendar, line by line, and its npv at the portfolio wacc', () => {
    fc.assert(
      fc.property(fc.array(vintageArb, { minLength: 1, maxLength: 5 }), fc.constantFrom(0.06, 0.1), (vs, W) => {
        const startYear = 2025;
        const years = Math.max(...vs.map((v) => v.offset + (templates.get(v.id) as ResolvedScenario).horizon.years));
        const p = resolve({
          kind: 'portfolio',
          id: 'gen',
          startYear,
          years,
          finance: { wacc: W },
          vintages: vs.map((v, k) => ({ id: `v${k}`, scenario: v.id, buildYear: startYear + v.offset, itMW: v.itMW, set: { 'finance.wacc': v.wacc } })),
        });
        const r = evaluatePortfolio(p);
        const alone = sumAlone(p);
        for (const row of r.years) {
          const want = alone.get(row.year);
          if (want === undefined) continue;
          for (const [f, v] of Object.entries(want)) {
            const got = (row as unknown as Record<string, number | null>)[f] ?? 0;
            if (!close(got, v)) throw new Error(`${row.year} ${f}: ${got} ≠ Σ alone ${v}`);
          }
        }
        let npv = 0;
        for (const row of r.years) npv += (row.fcf ?? 0) / (1 + W) ** row.t;
        if (!close(npv, r.summary.npv)) throw new Error(`npv ${r.summary.npv} ≠ ${npv}`);
        // each vintage inside is the vintage alone, its npv at the portfolio's wacc to its own build
        p.vintages.forEach((v, k) => {
          const a = evaluate(v.scenario);
          const flows = a.years.reduce((s, y) => s + (y.fcf ?? 0) / (1 + W) ** y.t, 0);
          if (!close(r.vintages[k]?.summary.npv, flows)) throw new Error(`vintage ${v.id} npv`);
          if (!close(r.vintages[k]?.summary.irr, a.summary.irr)) throw new Error(`vintage ${v.id} irr`);
        });
        expect(nonFinitePaths(r)).toEqual([]);
      }),
      { seed: 13, numRuns: 60 },
    );
  });
});

describe('a portfolio of levered vintages: each keeps its own tranches, the calendar adds them up (MODEL.md §8, §9)', () => {
  const SUMMED = ['draws', 'interest', 'principal', 'debtOutstanding', 'leveredTax', 'equityCashFlow', 'debtRepaidAtHorizon', 'principalDue', 'balloonsDue', 'refinanced', 'sweep', 'cashAvailable', 'refinancingNeed', 'marketValue', 'contractedRevenue', 'backlog', 'revenueAtRisk', 'expectedCreditLoss', 'revenue', 'ebitda'] as const;
  const levered = resolve({
    kind: 'portfolio',
    id: 'levered',
    startYear: 2026,
    years: 14,
    finance: { wacc: 0.1 },
    vintages: [
      { scenario: 'neocloud-levered', buildYear: 2026 },
      { scenario: 'neocloud-levered', buildYear: 2028, itMW: 250 },
    ],
  });

  it('the consolidated debt and contract lines are the sums of the vintages\' lines, year by year on the calendar; ratios from the sums', () => {
    const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
    const r = evaluatePortfolio(levered);
    const alone = levered.vintages.map((v) => evaluate(v.scenario));
    const byYear = (rows: readonly YearRow[], year: number): YearRow | undefined => rows.find((y) => y.year === year);
    const bad: string[] = [];
    for (const row of r.years) {
      const parts = alone.map((a) => byYear(a.years, row.year)).filter((y): y is YearRow => y !== undefined);
      for (const f of SUMMED) {
        if (row.t === 0 && !['draws', 'debtOutstanding', 'equityCashFlow', 'marketValue', 'backlog'].includes(f)) continue;
        const want = parts.reduce((a, y) => a + ((y as unknown as Record<string, number | null>)[f] ?? 0), 0);
        if (!close((row as unknown as Record<string, number | null>)[f], want)) bad.push(`${row.year} ${f}: ${String((row as unknown as Record<string, unknown>)[f])} ≠ Σ ${want}`);
      }
      if (row.t === 0) continue;
      // ratios from the summed parts, never summed: DSCR over the summed debt service, LTV on the summed market value, the cost of debt over the debt it is paid on
      const service = parts.filter((y) => y.t > 0).reduce((a, y) => a + (y.interest ?? 0) + (y.principalDue ?? 0) + (y.balloonsDue ?? 0) - (y.refinanced ?? 0), 0);
      if (!close(row.dscr, service > 0 ? (row.ebitda ?? 0) / service : null)) bad.push(`${row.year} dscr`);
      if (!close(row.marketLtv, ratio(row.debtOutstanding ?? 0, row.marketValue ?? 0))) bad.push(`${row.year} marketLtv`);
      const opening = alone.reduce((a, x) => a + (byYear(x.years, row.year) !== undefined && (byYear(x.years, row.year)?.t ?? 0) > 0 ? (byYear(x.years, row.year - 1)?.debtOutstanding ?? 0) : 0), 0);
      if (!close(row.costOfDebt, ratio(row.interest ?? 0, opening))) bad.push(`${row.year} costOfDebt`);
      const cash = (row.cashAvailable ?? 0) + (r.years.find((y) => y.year === row.year + 1)?.cashAvailable ?? 0);
      if (!close(row.refinancingNeedRatio, (row.refinancingNeed ?? 0) === 0 ? 0 : cash > 0 ? (row.refinancingNeed ?? 0) / cash : null)) bad.push(`${row.year} refinancingNeedRatio`);
      if (!close(row.contractedShare, ratio(row.contractedRevenue ?? 0, (row.revenue ?? 0) + (row.expectedCreditLoss ?? 0)))) bad.push(`${row.year} contractedShare`);
    }
    expect(bad).toEqual([]);
    // both vintages operate together in 2028–2037: the sums are real sums
    const both = r.years.find((y) => y.year === 2030);
    expect(both?.interest).toBeGreaterThan(byYear(alone[0]?.years ?? [], 2030)?.interest ?? Infinity);
    // the summary: the vintages' breaches (each naming its vintage, on the calendar), their interest during construction and backlog summed
    const breaches = alone.flatMap((a, k) => (a.summary.covenantBreaches ?? []).map((b) => ({ ...b, vintage: levered.vintages[k]?.id, t: b.year - 2025 })));
    expect([...(r.summary.covenantBreaches ?? [])].sort((a, b) => a.t - b.t || String(a.vintage).localeCompare(String(b.vintage)))).toEqual(breaches.sort((a, b) => a.t - b.t || String(a.vintage).localeCompare(String(b.vintage))));
    expect(r.summary.covenantBreachCount).toBe(breaches.length);
    for (const f of ['interestDuringConstruction', 'backlog', 'contractedRevenue', 'expectedCreditLoss'] as const) expect(close(r.summary[f], alone.reduce((a, x) => a + (x.summary[f] ?? 0), 0))).toBe(true);
    expect(close(r.summary.maxRefinancingNeed, Math.max(...r.years.slice(1).map((y) => y.refinancingNeed ?? 0)))).toBe(true);
    expect(close(r.summary.minDscr, Math.min(...r.years.flatMap((y) => (y.t > 0 && y.dscr !== null ? [y.dscr] : []))))).toBe(true);
    expect(close(r.summary.minDscrHeadroom, Math.min(...alone.map((a) => a.summary.minDscrHeadroom ?? Infinity)))).toBe(true);
    expect(nonFinitePaths(r)).toEqual([]);
  });

  it('the per-vintage table keeps each vintage\'s own §9 summary and tranches, as the vintage evaluated alone', () => {
    const r = evaluatePortfolio(levered);
    levered.vintages.forEach((v, k) => {
      const a = evaluate(v.scenario);
      const mine = r.vintages[k];
      for (const f of CAPITAL_SUMMARY_FIELDS) expect(close(mine?.summary[f], a.summary[f]), `${v.id} ${f}`).toBe(true);
      expect(mine?.summary.covenantBreaches).toEqual(a.summary.covenantBreaches);
      expect(mine?.tranches?.map((tr) => tr.id)).toEqual(a.tranches?.map((tr) => tr.id));
      mine?.tranches?.forEach((tr, i) => tr.years.forEach((y, t) => {
        for (const f of TRANCHE_YEAR_FIELDS) expect(close(y[f], a.tranches?.[i]?.years[t]?.[f]), `${v.id} ${tr.id} ${y.year} ${f}`).toBe(true);
      }));
      mine?.years.forEach((y, t) => {
        for (const f of CAPITAL_YEAR_FIELDS) expect(close(y[f], a.years[t]?.[f]), `${v.id} ${y.year} ${f}`).toBe(true);
      });
    });
    // the later vintage's tranches draw on its own capex (250 MW of 2028 hardware), in its calendar years
    expect(r.vintages[1]?.tranches?.[0]?.years[0]?.year).toBe(2027);
    expect(r.vintages[1]?.tranches?.[0]?.years[0]?.draw).toBeGreaterThan(2 * (r.vintages[0]?.tranches?.[0]?.years[0]?.draw ?? Infinity));
  });

  it('re-basing a capital stack: a contract moves with its segment\'s price and its start, fixed amounts with the capex at t = 0 and the size; a portfolio baseRate is by calendar year', () => {
    const lev = templates.get('neocloud-levered') as ResolvedScenario;
    const k = 3;
    const r = rebaseScenario(lev, lev.horizon.startYear + k);
    const seg = lev.demand.segments[0];
    const moved = r.demand.segments[0];
    const price = (seg?.pricing as { perAcceleratorHour: number }).perAcceleratorHour;
    expect(moved?.contract?.price).toBeCloseTo((seg?.contract?.price as number) * ((moved?.pricing as { perAcceleratorHour: number }).perAcceleratorHour / price), 12);
    expect(r.finance).toEqual(lev.finance); // shares, rates, spreads, terms: as the template's
    const dated = { ...lev, demand: { ...lev.demand, segments: lev.demand.segments.map((g, j) => (j === 0 && g.contract !== undefined ? { ...g, contract: { ...g.contract, startYear: 2027 } } : g)) } } as ResolvedScenario;
    expect(rebaseScenario(dated, lev.horizon.startYear + k).demand.segments[0]?.contract?.startYear).toBe(2027 + k);
    // amounts: the hand-checked two-tranche file, built three years on at twice its size
    const two = scenario(readYaml('test/fixtures/capital-two-tranches.yaml'));
    const m = two.fleet.technology.capexChangePerYear;
    const p = resolve({ kind: 'portfolio', id: 'amounts', startYear: 2026, years: 12, finance: { wacc: 0.1, baseRate: [0.05, 0.06, 0.07, 0.08] }, vintages: [{ scenario: { ...(readYaml('test/fixtures/capital-two-tranches.yaml') as object) }, buildYear: 2026 }, { scenario: { ...(readYaml('test/fixtures/capital-two-tranches.yaml') as object) }, buildYear: 2029, scale: 2 }] });
    const debt = (i: number): { amount?: number }[] => p.vintages[i]?.scenario.finance.debt as { amount?: number }[];
    expect(debt(0)[0]?.amount).toBe(1e9);
    expect(debt(1)[0]?.amount).toBeCloseTo(1e9 * m ** 3 * 2, 0);
    expect(debt(1)[1]?.amount).toBeCloseTo(5e8 * m ** 3 * 2, 0);
    // the portfolio's base rate by calendar year replaces each vintage's: 2026 reads from its start, 2029 from 2029 on
    expect(p.vintages[0]?.scenario.finance.baseRate).toEqual([0.05, 0.06, 0.07, 0.08]);
    expect(p.vintages[1]?.scenario.finance.baseRate).toBe(0.08);
    const e = evaluatePortfolio(p);
    const floating = e.vintages[1]?.tranches?.find((tr) => tr.id === 'floating');
    expect(floating?.years[1]?.rate).toBeCloseTo(0.08 + 0.03, 12);
    expect(e.vintages[1]?.tranches?.[0]?.years[0]?.draw).toBeCloseTo(1e9 * m ** 3 * 2, 0);
  });

  it('the Monte Carlo of levered vintages: each sample is the portfolio evaluated with its inputs (the tranches\' rates and the base rate among them)', async () => {
    const { monteCarlo } = await import('../src/analysis/monte-carlo.ts');
    const { setInput: set } = await import('../src/analysis/paths.ts');
    const { samples } = monteCarlo(levered, { n: 24, seed: 5, keepSamples: true, chunkSize: 16 });
    if (samples === undefined) throw new Error('no samples');
    const paths = samples.inputs.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['finance.baseRate', 'finance.debt[ddtl-2].spread']));
    for (const i of [0, 7, 16, 23]) {
      let q = levered;
      for (const input of samples.inputs) q = set(q, input.path, input.values[i] as number, input.mode);
      const s = evaluatePortfolioSummary(q).summary;
      for (const f of ['npv', 'equityIrr', 'revenuePerMW', 'strategicNpv'] as const) {
        const got = samples.metrics[f][i] as number;
        expect(close(Number.isNaN(got) ? null : got, s[f]), `sample ${i} ${f}: ${got} vs ${s[f]}`).toBe(true);
      }
    }
  });
});

describe('the revenue gap and the depreciation wall', () => {
  it('reproduces Sequoia\'s $600B: a steady buildout needs a year\'s capex ($300B); an end-user margin of 50 % makes it $600B', () => {
    const r = readPortfolioFile('industry-revenue-gap', catalog());
    if (!r.ok) throw new Error(formatIssues(r.issues));
    let p = r.portfolio;
    for (const [path, v] of [['finance.wacc', 0], ['finance.taxRate', 0], ['site.power.pricePerMWh', 0], ['fleet.maintenancePctPerYear', 0]] as const) p = setInput(p, path, v);
    const res = evaluatePortfolio(p);
    const steady = res.revenueGap.filter((g) => g.year >= 2028 && g.year <= 2030);
    expect(steady).toHaveLength(3);
    for (const g of steady) {
      expect(g.capitalCharge).toBeCloseTo(300e9, -3);
      expect(g.requiredRevenue).toBeCloseTo(300e9, -3);
      expect(g.requiredEndUser).toBeCloseTo(600e9, -3);
      expect(g.gap).toBeCloseTo(g.requiredRevenue - g.revenue, -3);
    }
    // a year's capex
    expect(res.years.find((y) => y.year === 2027)?.capex).toBeCloseTo(300e9, -3);
    // its own defaults (wacc 10 %, power, taxes): the gap grows
    const own = evaluatePortfolio(r.portfolio).revenueGap.filter((g) => g.year >= 2028 && g.year <= 2030);
    for (const g of own) expect(g.requiredRevenue).toBeGreaterThan(400e9);
  });
  it('required = cash cost + (capital charge − τ·depreciation)/(1 − τ); the wall is depreciation over revenue', () => {
    const r = readPortfolioFile('hyperscaler-buildout', catalog());
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const res = evaluatePortfolio(r.portfolio);
    const tau = r.portfolio.finance.taxRate;
    for (const g of res.revenueGap) {
      const y = res.years.find((row) => row.year === g.year);
      expect(g.cashCost).toBeCloseTo((y?.cogs ?? 0) - (y?.depreciation ?? 0), 0);
      expect(g.requiredRevenue).toBeCloseTo(g.cashCost + (g.capitalCharge - tau * g.depreciation) / (1 - tau), 0);
      expect(g.depreciationShare).toBeCloseTo((y?.depreciation ?? 0) / (y?.revenue ?? 1), 12);
      expect(g.revenue).toBe(y?.revenue);
    }
  });
});

/** A two-vintage market: one paid segment at $2 per M tokens, no reasoning, falling 20 % a year. */
function market(newestMW: number, tokensPerYear = 2e16): Portfolio {
  return resolve({
    kind: 'portfolio',
    id: 'market',
    startYear: 2026,
    years: 16,
    finance: { wacc: 0.08 },
    vintages: [
      { id: 'old', scenario: 'hyperscaler-base', buildYear: 2026, itMW: 400 },
      { id: 'new', scenario: 'hyperscaler-base', buildYear: 2029, itMW: newestMW },
    ],
    demand: { tokensPerYear, growthPerYear: 0.3, maxUtilization: 0.9, segments: [{ id: 'paid', kind: 'paid-api', tokenShare: 1, pricing: { perMTok: 2, changePerYear: -0.2 } }] },
  });
}

describe('a shared market (MODEL.md §8)', () => {
  it('never brings revenue above demand × price, however much capacity is built', () => {
    for (const mw of [100, 200, 400, 800, 1600]) {
      const r = evaluatePortfolio(market(mw));
      for (const y of r.years) {
        if (y.t === 0) continue;
        const i = y.year - 2026;
        const cap = (2e16 * 1.3 ** i * 2 * 0.8 ** i) / 1e6;
        expect(y.revenue ?? 0).toBeLessThanOrEqual(cap * (1 + 1e-12));
        expect(((y.tokens ?? 0) + (y.unmetTokens ?? 0)) / (2e16 * 1.3 ** i)).toBeCloseTo(1, 12);
      }
    }
  });
  it('doubling the newest (cheapest) vintage when the market is covered lowers the older vintages\' utilization', () => {
    const a = evaluatePortfolio(market(400));
    const b = evaluatePortfolio(market(800));
    let lower = 0;
    for (const row of a.vintages[0]?.years ?? []) {
      if (row.t === 0 || row.year < 2029) continue;
      const other = b.vintages[0]?.years.find((y) => y.year === row.year);
      expect(other?.utilization ?? 0).toBeLessThanOrEqual((row.utilization ?? 0) + 1e-12);
      if ((other?.utilization ?? 0) < (row.utilization ?? 0) - 1e-9) lower++;
    }
    expect(lower).toBeGreaterThan(0);
    // the newer hardware is the cheaper compute: it is served first, and the older idles
    expect(b.vintages[1]?.years.find((y) => y.year === 2029)?.utilization).toBeGreaterThan(0.5);
    expect(b.vintages[0]?.years.find((y) => y.year === 2029)?.utilization).toBe(0);
    expect(b.warnings.some((w) => w.code === 'vintage-idle' || w.code === 'unmet-demand')).toBe(true);
  });
  it('prices each vintage as of its build year and serves the market\'s mix', () => {
    const r = evaluatePortfolio(market(400, 1e15));
    // a tiny market: all of it served, by the cheapest vintage alone
    for (const y of r.years) if (y.t > 0 && y.year <= 2038) expect(y.unmetTokens).toBe(0);
    // after the last vintage's horizon the whole market goes unserved
    expect(r.years.at(-1)?.unmetTokens).toBeCloseTo(1e15 * 1.3 ** 15, -3);
    const old = r.vintages[0]?.years.find((y) => y.year === 2030);
    const neu = r.vintages[1]?.years.find((y) => y.year === 2030);
    expect((old?.tokens ?? 0) === 0 || (neu?.tokens ?? 0) === 0).toBe(true);
    expect(r.years.find((y) => y.year === 2030)?.realizedPricePerMTok).toBeCloseTo(2 * 0.8 ** 4, 9);
  });
});

describe('bad input: every problem at once, each with its path (and line:col in a file)', () => {
  const ok = { kind: 'portfolio', id: 'p', startYear: 2026, years: 12, finance: { wacc: 0.08 } };
  it('an unknown scenario id, a build year outside the years, a vintage past the end (named), two ids alike', () => {
    const issues = issuesOf({
      ...ok,
      vintages: [
        { scenario: 'hyperscaler-bse', buildYear: 2026 },
        { scenario: 'hyperscaler-base', buildYear: 2040 },
        { id: 'late', scenario: 'hyperscaler-base', buildYear: 2030 },
        { id: 'late', scenario: 'neocloud-base', buildYear: 2026 },
      ],
    });
    const text = formatIssues(issues);
    expect(text).toContain('vintages[0].scenario: no built-in scenario "hyperscaler-bse"');
    expect(text).toMatch(/vintages\[1\]\.buildYear: vintage 2040: build year 2040 is outside the portfolio's years 2026–2037/);
    expect(text).toMatch(/vintage late \(hyperscaler-base, 10 years from 2030\) runs to 2039, past the portfolio's last year 2037: it needs years: 14/);
    expect(text).toContain('duplicate vintage id "late"');
  });
  it('more than 200 vintages', () => {
    const text = formatIssues(issuesOf({ ...ok, years: 60, vintages: Array.from({ length: 150 }, (_, i) => ({ scenario: 'frontier-lab-base', buildYear: 2026 + (i % 20), itMW: 1 })), program: { template: 'frontier-lab-base', from: 2026, to: 2085 } }));
    expect(text).toContain('a portfolio has at most 200 vintages (MODEL.md §8), this one 210');
  });
  it('a set: value checked as a scenario\'s, at its path with line and column; YAML and JSON alike', () => {
    const yaml = [
      'kind: portfolio',
      'id: p',
      'startYear: 2026',
      'years: 12',
      'finance: { wacc: 0.08 }',
      'vintages:',
      '  - { scenario: hyperscaler-base, buildYear: 2026 }',
      '  - { scenario: hyperscaler-base, buildYear: 2027, set: { fleet.accelerator: gb3000 } }',
      '  - { scenario: hyperscaler-base, buildYear: 2028, itMW: 10, scale: 2 }',
      '',
    ].join('\n');
    const r = loadCheckedPortfolioText(yaml, catalog(), { file: 'p.yaml', loadTemplate });
    expect(r.ok).toBe(false);
    const text = formatIssues((r as Extract<PortfolioResolveResult, { ok: false }>).issues);
    expect(text).toMatch(/^p\.yaml:8:\d+ vintages\[1\]\.set\.fleet\.accelerator: unknown accelerator "gb3000" \(did you mean "gb300"\?\)/m);
    expect(text).toMatch(/p\.yaml:9:\d+ vintages\[2\]\.scale: give at most one of itMW and scale/);
    const json = JSON.stringify({ ...ok, vintages: [{ scenario: 'hyperscaler-base', buildYear: 2026, itMW: -1 }] }, null, 2);
    const j = loadCheckedPortfolioText(json, catalog(), { file: 'p.json', loadTemplate });
    expect(j.ok).toBe(false);
    expect(formatIssues((j as Extract<PortfolioResolveResult, { ok: false }>).issues)).toMatch(/^p\.json:\d+:\d+ vintages\[0\]\.itMW: expected a number in \(0, 1e6\], got -1$/m);
  });
  it('unknown keys, a missing wacc and a program that runs backwards', () => {
    const text = formatIssues(issuesOf({ kind: 'portfolio', id: 'p', startYear: 2026, years: 12, finance: {}, vintage: [], program: { template: 'hyperscaler-base', from: 2030, to: 2027 } }));
    expect(text).toContain('finance.wacc: missing');
    expect(text).toContain('unknown key "vintage" (did you mean "vintages"?)');
    expect(text).toContain('program.to: the program runs from 2030 to 2027');
  });
});

describe('vintages: ids, set and size', () => {
  it('ids default to the build year, or <buildYear>-<n> when years repeat', () => {
    const p = resolve({ kind: 'portfolio', id: 'p', startYear: 2026, years: 13, finance: { wacc: 0.08 }, vintages: [{ scenario: 'hyperscaler-base', buildYear: 2026 }, { scenario: 'hyperscaler-base', buildYear: 2027 }, { scenario: 'neocloud-base', buildYear: 2027 }], program: { template: 'hyperscaler-base', from: 2028, to: 2028, itMW: 50 } });
    expect(p.vintages.map((v) => v.id)).toEqual(['2026', '2027-1', '2027-2', '2028']);
    expect(p.vintages[3]?.scenario.site.itMW).toBe(50);
  });
  it('set: fleet.accelerator re-reads the catalog\'s kW, tokens/s and capex unless set gives them; values are as of the build year', () => {
    const p = resolve({ kind: 'portfolio', id: 'p', startYear: 2026, years: 13, finance: { wacc: 0.08 }, vintages: [{ scenario: 'hyperscaler-base', buildYear: 2028, set: { 'fleet.accelerator': 'gb300', 'fleet.capexPerAccelerator': 70000, 'demand.utilization': [0.5, 0.6] }, scale: 2 }] });
    const v = p.vintages[0]?.scenario as ResolvedScenario;
    const gb300 = catalog().accelerators.find((a) => a.id === 'gb300');
    expect(v.fleet.accelerator).toBe('gb300');
    expect(v.fleet.kWPerAccelerator).toBe(gb300?.kWPerAccelerator);
    expect(v.fleet.tokensPerSecond).toBe(gb300?.tokensPerSecond);
    expect(v.fleet.capexPerAccelerator).toBe(70000);
    expect(v.demand.utilization).toEqual([0.5, 0.6]);
    expect(v.site.itMW).toBe(200);
  });
  it('a resolved portfolio resolves to itself', () => {
    const r = readPortfolioFile('hyperscaler-buildout', catalog());
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const again = resolve(JSON.parse(JSON.stringify(r.portfolio)));
    expect(evaluatePortfolioSummary(again).summary).toEqual(evaluatePortfolioSummary(r.portfolio).summary);
  });
});

describe('the built-in portfolios', () => {
  it.each(['hyperscaler-buildout', 'industry-revenue-gap', 'neocloud-ramp'])('%s loads, cites its sources, evaluates finite, and carries an uncertainty block', (id) => {
    const r = readPortfolioFile(id, catalog());
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.portfolio.sources?.length ?? 0).toBeGreaterThanOrEqual(3);
    for (const s of r.portfolio.sources ?? []) expect(s.url).toMatch(/^https:\/\//);
    const res: PortfolioResult = evaluatePortfolio(r.portfolio);
    expect(nonFinitePaths(res)).toEqual([]);
    expect(res.revenueGap.length).toBeGreaterThan(0);
    expect(Object.keys(r.portfolio.uncertainty ?? {}).length).toBeGreaterThan(3);
  });
});

describe('the JSON Schema of portfolio files', () => {
  it('schema/portfolio.schema.json is up to date (npx tsx scripts/gen-schema.ts) and covers a vintage inline with the scenario schema', async () => {
    const { readFileSync } = await import('node:fs');
    const { scenarioJsonSchema } = await import('../src/model/load.ts');
    const { portfolioJsonSchema } = await import('../src/model/portfolio-schema.ts');
    const onDisk = JSON.parse(readFileSync(new URL('../schema/portfolio.schema.json', import.meta.url), 'utf8')) as Record<string, any>;
    expect(onDisk).toEqual(portfolioJsonSchema(scenarioJsonSchema()));
    expect(onDisk.additionalProperties).toBe(false);
    expect(onDisk.required).toEqual(expect.arrayContaining(['kind', 'id', 'startYear', 'years', 'finance']));
    expect(onDisk.properties.kind).toMatchObject({ const: 'portfolio' });
    expect(onDisk.properties.vintages.maxItems).toBe(200);
    expect(onDisk.properties.vintages.items.properties.scenario.anyOf[1]).toEqual({ $ref: '#/$defs/scenario' });
    expect(onDisk.$defs.scenario.properties.fleet).toBeDefined();
  });
});
