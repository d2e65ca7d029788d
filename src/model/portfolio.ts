/**
 * MODEL.md §8: a portfolio of factories built over the years, consolidated on
 * the calendar. Each vintage is a scenario run through `runFactory` (the one
 * computation of a year, `factory.ts`) — with its own taxes, debt and
 * commitments — and, when the vintages share a market, with the compute that
 * market gives it (`portfolio-market.ts`). Consolidation adds up their lines
 * on the calendar and recomputes the ratios from the sums; the revenue gap and
 * the depreciation wall are computed from the consolidated lines.
 *
 * `evaluatePortfolio` records every line (the result of `payback run`);
 * `evaluatePortfolioSummary` the summary alone (what analyses search and
 * sweep); `runPortfolio` is the one function both and the Monte Carlo call.
 */
import { CY, CY_COUNT } from './capital.ts';
import { ACC, factoryCapacity, type FactoryMetrics, type FactoryPlan, factoryPlan, newFactoryMetrics, newRecording, type Recording, runFactory, runFactoryFlows, RV, SEGMENT_VALUES, SV, trancheRows, YEAR_VALUES, yearLines, yearRows, YX } from './factory.ts';
import { irrFast } from './finance.ts';
import { IRR_NONE, irrRootClass } from './irr-class.ts';
import { paybackPeriod, powInt } from './lines.ts';
import type { ResolvedScenario } from './load.ts';
import { isPortfolio } from './portfolio-kind.ts';
import type { Portfolio, PortfolioVintage } from './portfolio-load.ts';
import {
  allocateMarket,
  type AllocationScratch,
  applyMarket,
  extractPortfolioInputs,
  makePortfolioLayout,
  marketDemand,
  marketMixWeight,
  type MarketVintage,
  newAllocationScratch,
  type PortfolioLayout,
} from './portfolio-market.ts';
import {
  CAPITAL_SUMMARY_FIELDS,
  CAPITAL_YEAR_FIELDS,
  type CovenantBreach,
  type ModelWarning,
  newBuildYearRow,
  newSegmentYearRow,
  type PricingKind,
  type SegmentResult,
  type Summary,
  SUMMARY_FIELDS,
  TRANCHE_YEAR_FIELDS,
  type TrancheResult,
  type YearRow,
  YEAR_FIELDS,
  SEGMENT_YEAR_FIELDS,
  newSummary,
} from './result.ts';
import type { RevenueBasis } from './schema.ts';
import { extractInputs, hasStructure, KIND_CODES, type Layout, makeLayout, type Structure, structureOf } from './slots.ts';

export { isPortfolio, type Portfolio, type PortfolioVintage };

/** A consolidated calendar year: the lines of §4 summed (ratios recomputed), and the MW of the vintages operating in it. */
export type PortfolioYearRow = YearRow & { installedMW: number | null };

/** A covenant a vintage breaks (MODEL.md §9), on the calendar: `t` the calendar index (startYear − 1 is 0), `year` the calendar year. */
export interface VintageBreach extends CovenantBreach {
  /** the vintage whose covenant it is (covenants are per vintage: each its own debt) */
  vintage: string;
}

/** The summary of §3.7 over the portfolio, and its size; with a capital stack in any vintage, §9's figures over the consolidated lines. */
export type PortfolioSummary = Omit<Summary, 'covenantBreaches'> & {
  /** every vintage's covenant breaches, by year (present when a vintage has a capital stack) */
  covenantBreaches?: VintageBreach[];
  /** MW of all vintages */
  builtMW: number;
  /** Σ over vintages of their MW × years with accelerators in service: the denominator of the per-MW figures */
  installedMWYears: number;
  /** the largest revenue gap of a year (required − revenue), and its year */
  maxRevenueGap: number | null;
  maxRevenueGapYear: number | null;
};

/** A vintage inside the portfolio: its own lines (on its calendar years) and summary, its npv at the portfolio's wacc to its own build. */
export interface VintageResult {
  id: string;
  buildYear: number;
  template: string;
  itMW: number;
  /** its own summary, with its own §9 figures (covenant breaches, refinancing need…) when it has a capital stack */
  summary: Summary;
  years: YearRow[];
  /** MODEL.md §9: its own tranches by its years (a vintage with a capital stack) */
  tranches?: TrancheResult[];
  /** MODEL.md §9: its debt and contract lines as the consolidated §9 lines add them up, by its year t = 0..T (when a vintage of the portfolio has a capital stack) */
  debt?: VintageDebt;
  /** what its capital charge in the revenue gap is made of (MODEL.md §8), by its year t = 0..T */
  capital: VintageCapital;
}

/** A vintage's capital as the revenue gap charges it: `K · crf(wacc, L)` for the IT generation in service, and its owned facility over its first lifeYears years. */
export interface VintageCapital {
  /** K of the IT generation in service in year t (0 when none), t = 0..T */
  itCapexInService: number[];
  /** L, the useful life the IT charge is spread over; null for a rented fleet */
  usefulLifeYears: number | null;
  /** the owned facility's capex (0 without one), charged in its first `facilityLifeYears` operating years */
  facilityCapex: number;
  facilityLifeYears: number | null;
  /** the charge at the portfolio's wacc, t = 0..T */
  charge: number[];
}

/**
 * One year of the buildout's revenue gap (MODEL.md §8): the revenue the
 * installed base requires (a utility's revenue requirement) against the cash
 * revenue it earns; and the depreciation wall, depreciation as a share of
 * revenue.
 */
export interface RevenueGapRow {
  year: number;
  /** power, leases, rent, maintenance, fixed opex and per-token cost of the installed base */
  cashCost: number;
  /** Σ over vintages in service of `K · crf(wacc, L)` of the IT generation in service, and of an owned facility over its first lifeYears years */
  capitalCharge: number;
  /** IT and facility depreciation (write-offs excluded) */
  depreciation: number;
  /** `cashCost + (capitalCharge − τ · depreciation) / (1 − τ)` */
  requiredRevenue: number;
  /** `requiredRevenue / (1 − endUserMargin)`: what the end users must earn for their margin; null without `gap:` */
  requiredEndUser: number | null;
  revenue: number;
  /** `requiredRevenue − revenue`: positive is a shortfall */
  gap: number;
  /** the depreciation wall: `depreciation / revenue`; null without revenue */
  depreciationShare: number | null;
}

export interface PortfolioResult {
  portfolio: Portfolio;
  /** calendar years startYear − 1 (t = 0, the first builds) … startYear + years − 1 */
  years: PortfolioYearRow[];
  /** each segment (by id) consolidated on the calendar */
  segments: SegmentResult[];
  vintages: VintageResult[];
  summary: PortfolioSummary;
  revenueGap: RevenueGapRow[];
  warnings: ModelWarning[];
}

/** A vintage of the portfolio has a capital stack (MODEL.md §9): the consolidated years and summary carry §9's lines and figures. */
export const portfolioHasCapital = (r: { vintages: readonly VintageResult[] }): boolean => r.vintages.some((v) => v.tranches !== undefined);

/** What `evaluatePortfolioSummary` gives. */
export interface PortfolioSummaryResult {
  portfolio: Portfolio;
  summary: PortfolioSummary;
  warnings: ModelWarning[];
}

// ---------------------------------------------------------------------------
// Compiling: one factory plan per vintage, kept for the next run of the same structure

/** A vintage compiled: its plan, its inputs, and what the market needs of it. */
export interface CompiledVintage extends MarketVintage {
  st: Structure;
  plan: FactoryPlan;
  kinds: Int32Array;
  metrics: FactoryMetrics;
}

/** A portfolio compiled for `runPortfolio`: its vintages' plans and inputs, its own inputs (`px`) and the calendar's scratch. */
export interface CompiledPortfolio {
  Y: number;
  startYear: number;
  shared: boolean;
  vintages: CompiledVintage[];
  layout: PortfolioLayout;
  px: Float64Array;
  /** calendar index 0..Y: consolidated free cash flow, equity flow, discounted flow, scratch */
  fcf: Float64Array;
  eq: Float64Array;
  disc: Float64Array;
  work: Float64Array;
  workAbs: Float64Array;
  /** calendar index 1..Y: market demand (tokens), mix weight, unmet tokens */
  D: Float64Array;
  w: Float64Array;
  unmet: Float64Array;
  alloc: AllocationScratch;
}

/** A vintage as it runs: its scenario, with the market's segments when the demand is shared (their values come from `applyMarket`). */
export function vintageScenario(p: Portfolio, v: PortfolioVintage): ResolvedScenario {
  const d = p.demand;
  if (d === undefined) return v.scenario;
  return { ...v.scenario, demand: { tokensPerYear: 0, growthPerYear: 0, maxUtilization: d.maxUtilization, segments: d.segments } };
}

function compile(p: Portfolio): CompiledPortfolio {
  const Y = p.years;
  const shared = p.demand !== undefined;
  const layout = makePortfolioLayout(Y, p.demand?.segments.length ?? 0);
  const vintages = p.vintages.map((v): CompiledVintage => {
    const s = vintageScenario(p, v);
    const st = structureOf(s);
    const vl = makeLayout(st.T, st.kinds.length, st.capital);
    const T = st.T;
    return {
      st,
      plan: factoryPlan(st, vl),
      layout: vl,
      x: new Float64Array(vl.count),
      kinds: Int32Array.from(st.kinds.map((k) => KIND_CODES[k])),
      metrics: newFactoryMetrics(),
      off: v.buildYear - p.startYear,
      T,
      hasPower: st.hasPower,
      cap: new Float64Array(T + 1),
      bought: new Float64Array(T + 1),
      served: new Float64Array(T + 1),
      buildYear: v.buildYear,
    };
  });
  const cal = (): Float64Array => new Float64Array(Y + 1);
  return {
    Y,
    startYear: p.startYear,
    shared,
    vintages,
    layout,
    px: new Float64Array(layout.count),
    fcf: cal(),
    eq: cal(),
    disc: cal(),
    work: cal(),
    workAbs: cal(),
    D: cal(),
    w: cal(),
    unmet: cal(),
    alloc: newAllocationScratch(vintages.length),
  };
}

function sameShape(c: CompiledPortfolio, p: Portfolio): boolean {
  if (c.Y !== p.years || c.startYear !== p.startYear || c.shared !== (p.demand !== undefined) || c.vintages.length !== p.vintages.length) return false;
  if (c.shared && c.layout.segments.length !== p.demand?.segments.length) return false;
  for (let k = 0; k < p.vintages.length; k++) {
    const v = p.vintages[k] as PortfolioVintage;
    const cv = c.vintages[k] as CompiledVintage;
    if (cv.buildYear !== v.buildYear || !hasStructure(cv.st, vintageScenario(p, v))) return false;
  }
  return true;
}

// Analyses evaluate many portfolios of one structure; the last few compiled ones are kept, most recent first.
const compiledCache: CompiledPortfolio[] = [];
const COMPILED_CACHE_SIZE = 4;

/**
 * The compiled form of a portfolio with its inputs written in (every
 * vintage's slots, the portfolio's own, the market's segments applied to
 * each vintage): ready for `runPortfolio`. Reused for portfolios of the same
 * structure; valid until the next call.
 */
export function compilePortfolio(p: Portfolio, cached = true): CompiledPortfolio {
  let c: CompiledPortfolio | undefined;
  if (cached) {
    const i = compiledCache.findIndex((x) => sameShape(x, p));
    if (i >= 0) {
      c = compiledCache[i] as CompiledPortfolio;
      if (i > 0) {
        compiledCache.splice(i, 1);
        compiledCache.unshift(c);
      }
    }
  }
  if (c === undefined) {
    c = compile(p);
    if (cached) {
      compiledCache.unshift(c);
      if (compiledCache.length > COMPILED_CACHE_SIZE) compiledCache.pop();
    }
  }
  extractPortfolioInputs(p, c.layout, c.px);
  p.vintages.forEach((v, k) => extractInputs(vintageScenario(p, v), (c.vintages[k] as CompiledVintage).layout, (c.vintages[k] as CompiledVintage).x));
  return c;
}

// ---------------------------------------------------------------------------
// Running

/** What a run of a portfolio gives the Monte Carlo (NaN: no value), and the flags it needs. */
export interface PortfolioMetrics extends Omit<FactoryMetrics, 'cumAtRentTerm'> {
  /** the portfolio's wacc in this run */
  wacc: number;
  /** `max over vintages of (buildYear − startYear + its useful life)`: payback within it is "within life" (`PORTFOLIO_LIFE`) */
  life: number;
}

export function newPortfolioMetrics(): PortfolioMetrics {
  return { npv: 0, irr: 0, equityIrr: 0, paybackYears: 0, grossProfitPerMW: 0, revenuePerMW: 0, profitableShare: 0, strategicNpv: 0, irrClass: IRR_NONE, equityIrrClass: IRR_NONE, wacc: 0, life: 0 };
}

/** What "pays back within its life" means for a portfolio (the Monte Carlo's P(payback ≤ life), the target `payback<=life`). */
export const PORTFOLIO_LIFE =
  'paybackYears of the consolidated flows (from startYear − 1) ≤ the last year in which a vintage retires its first generation: max over vintages of (buildYear − startYear + fleet.usefulLifeYears; a rented fleet its horizon)';

/** What a recorded run keeps of each vintage, and the calendar's sums. */
interface PortfolioRecording {
  /** calendar index c = 0..Y, `YEAR_VALUES` each (the recorded lines of `factory.ts`, summed) */
  cal: Float64Array;
  installedMW: Float64Array;
  operating: Int32Array;
  /** the generation of the one vintage operating in a year (−2: several, −1: none in service) */
  generation: Float64Array;
  tokensModeAny: Uint8Array;
  capitalCharge: Float64Array;
  vintages: { rec: Recording; npv: number; svPV: number; capital: VintageCapital; debt: VintageDebt }[];
  /** calendar index c = 0..Y, `PK_COUNT` each: the debt and contract lines of MODEL.md §9 summed over vintages */
  debt: Float64Array;
  /** a vintage has a capital stack: the consolidated rows and summary carry §9's lines */
  anyCapital: boolean;
  rows: boolean;
  segments: Map<string, { label: string; kind: string; pricingKind: PricingKind; basis: RevenueBasis | undefined; values: Float64Array; allProfitable: Uint8Array; any: Uint8Array }>;
  totals: {
    capex0: number;
    builtMW: number;
    leaseCommitment: number;
    leaseCommitmentPV: number;
    commitmentsAfterHorizon: number;
    ebitdaMW: number;
    strategicRevMW: number;
    anyDebt: boolean;
    anyTokens: boolean;
  };
  warnings: ModelWarning[];
  /** the consolidated flows' metrics and the in-service sums (set by the run) */
  sums: Sums;
}

const crf = (rate: number, years: number): number => (rate === 0 ? 1 / years : rate / (1 - Math.pow(1 + rate, -years)));

/**
 * Where a calendar year's debt and contract lines (MODEL.md §9) lie in
 * `PortfolioRecording.debt`, at `c · PK_COUNT`: each the sum over the
 * vintages of theirs. `service` is what DSCR divides by (interest, scheduled
 * principal and balloons not refinanced; a sweep is not debt service);
 * `opening` the debt at the end of the year before of the vintages paying
 * interest in the year (the cost of debt's denominator); `atRisk` the
 * contracts ending in the year, contract minus market revenue.
 */
const PK = {
  service: 0,
  principalDue: 1,
  balloons: 2,
  refinanced: 3,
  sweep: 4,
  cashAvailable: 5,
  marketValue: 6,
  contracted: 7,
  ecl: 8,
  atRisk: 9,
  backlog: 10,
  traceable: 11,
  opening: 12,
} as const;
const PK_COUNT = 13;

/**
 * Run a compiled portfolio: the market (when shared) allocated, every vintage
 * run, their flows consolidated on the calendar; the metrics into `m`, and
 * every line into `rec` when given.
 */
function runCompiled(c: CompiledPortfolio, m: PortfolioMetrics, rec: PortfolioRecording | null, classify: boolean): void {
  const { Y, vintages, layout: pl, px, fcf, eq, disc } = c;
  const W = px[pl.wacc] as number;
  fcf.fill(0);
  eq.fill(0);
  if (c.shared) {
    marketDemand(pl, px, c.D);
    marketMixWeight(pl, px, c.w);
    for (const v of vintages) {
      applyMarket(pl, px, v.layout, v.kinds, v.x, v.off, v.T, v.off + 1 <= Y ? (c.D[Math.max(1, v.off + 1)] as number) : 0);
      const C = factoryCapacity(v.plan, v.x);
      v.cap.set(C);
      v.bought.set(v.plan.bought);
    }
    allocateMarket(pl, px, vintages, c.D, c.w, c.unmet, c.alloc);
  }
  let totalCapex = 0;
  let revSum = 0;
  let gpSum = 0;
  let mwYears = 0;
  let tokens = 0;
  let profitable = 0;
  let svPV = 0;
  let life = 0;
  for (let k = 0; k < vintages.length; k++) {
    const v = vintages[k] as CompiledVintage;
    const plan = v.plan;
    const r = rec === null ? null : newRecording();
    if (r === null) runFactoryFlows(plan, v.x, c.shared ? v.served : null);
    else runFactory(plan, v.x, v.metrics, r, false, c.shared ? v.served : null);
    const acc = plan.acc;
    const itMW = v.x[v.layout.itMW] as number;
    totalCapex += acc[ACC.totalCapex] as number;
    revSum += (acc[ACC.revSum] as number) * itMW;
    gpSum += (acc[ACC.gpSum] as number) * itMW;
    mwYears += (acc[ACC.active] as number) * itMW;
    tokens += acc[ACC.tokens] as number;
    profitable += acc[ACC.profitable] as number;
    const L = plan.own ? (acc[ACC.L] as number) : v.T;
    if (v.off + L > life) life = v.off + L;
    // its flows on the calendar; its npv at the portfolio's wacc to its own build; its strategic value at the portfolio's wacc
    let vNpv = 0;
    let vSv = 0;
    let dv = 1;
    for (let t = 0; t <= v.T; t++) {
      const f = plan.fcf[t] as number;
      fcf[v.off + t] = (fcf[v.off + t] as number) + f;
      eq[v.off + t] = (eq[v.off + t] as number) + (plan.eq[t] as number);
      if (t > 0) dv *= 1 + W;
      vNpv += f / dv;
      if (t > 0) vSv += (plan.strategicAt[t] as number) / dv;
    }
    svPV += vSv / powInt(1 + W, v.off);
    if (rec !== null && r !== null) {
      const capital = recordVintage(c, v, r, rec, W);
      rec.vintages[k] = { rec: r, npv: vNpv, svPV: vSv, capital, debt: recordDebt(v, r, rec) };
    }
  }
  let npv = 0;
  let discount = 1;
  let cum = 0;
  let minCum = 0;
  for (let i = 0; i <= Y; i++) {
    if (i > 0) discount *= 1 + W;
    const d = (fcf[i] as number) / discount;
    disc[i] = d;
    npv += d;
    cum += fcf[i] as number;
    if (cum < minCum) minCum = cum;
  }
  const n = Y + 1;
  const irr = irrFast(fcf, n);
  const anyDebt = vintages.some((v) => v.plan.levered);
  const equityIrr = anyDebt ? irrFast(eq, n) : irr;
  const payback = totalCapex === 0 ? 0 : paybackPeriod(fcf, n);
  const fin = (x: number): number => (Number.isFinite(x) ? x : Number.NaN);
  m.npv = fin(npv);
  m.irr = irr === null ? Number.NaN : fin(irr);
  m.equityIrr = equityIrr === null ? Number.NaN : fin(equityIrr);
  m.paybackYears = payback === null ? Number.NaN : fin(payback);
  m.grossProfitPerMW = mwYears === 0 ? Number.NaN : fin(gpSum / mwYears);
  m.revenuePerMW = mwYears === 0 ? Number.NaN : fin(revSum / mwYears);
  m.profitableShare = tokens === 0 ? Number.NaN : fin(profitable / tokens);
  m.strategicNpv = fin(npv + svPV);
  m.irrClass = classify ? irrRootClass(fcf, n, irr, c.work, c.workAbs) : IRR_NONE;
  m.equityIrrClass = classify ? (anyDebt ? irrRootClass(eq, n, equityIrr, c.work, c.workAbs) : m.irrClass) : IRR_NONE;
  m.wacc = W;
  m.life = life;
  if (rec === null) return;
  rec.totals.anyDebt = anyDebt;
  rec.sums = { npv, irr, equityIrr, payback, minCum, totalCapex, revSum, gpSum, mwYears, tokens, profitable, svPV };
}

/** One vintage's recorded lines added to the calendar, with its capital charge for the revenue gap. */
function recordVintage(c: CompiledPortfolio, v: CompiledVintage, r: Recording, rec: PortfolioRecording, W: number): VintageCapital {
  const { cal } = rec;
  const plan = v.plan;
  const x = v.x;
  const vl = v.layout;
  const T = v.T;
  const itMW = x[vl.itMW] as number;
  const yv = r.yearValues;
  const summary = r.summary;
  const tot = rec.totals;
  // its build (t = 0) on the calendar
  const b0 = v.off * YEAR_VALUES;
  cal[b0 + RV.capex] = (cal[b0 + RV.capex] as number) + r.capex0;
  cal[b0 + RV.draw] = (cal[b0 + RV.draw] as number) + r.draws0;
  cal[b0 + RV.flow] = (cal[b0 + RV.flow] as number) - r.capex0;
  cal[b0 + RV.equity] = (cal[b0 + RV.equity] as number) + r.draws0 - r.capex0;
  cal[b0 + RV.outstanding] = (cal[b0 + RV.outstanding] as number) + r.outstanding0;
  if (plan.levered) cal[b0 + RV.book] = (cal[b0 + RV.book] as number) + r.capex0;
  if (v.off > 0) cal[b0 + YX.committed] = (cal[b0 + YX.committed] as number) + (summary.leaseCommitment ?? 0);
  tot.capex0 += r.capex0;
  tot.builtMW += itMW;
  tot.leaseCommitment += summary.leaseCommitment ?? 0;
  tot.leaseCommitmentPV += (summary.leaseCommitmentPV ?? 0) / powInt(1 + W, v.off);
  tot.commitmentsAfterHorizon += summary.commitmentsAfterHorizon ?? 0;
  const active = plan.acc[ACC.active] as number;
  tot.ebitdaMW += (summary.ebitdaPerMW ?? 0) * active * itMW;
  tot.strategicRevMW += (summary.strategicRevenuePerMW ?? 0) * active * itMW;
  if (plan.tokensMode && !c.shared) tot.anyTokens = true;
  // its years
  const L = plan.own ? (plan.acc[ACC.L] as number) : T;
  const facLife = plan.ownFacility ? (x[vl.facilityLife] as number) : 0;
  const facCharge = plan.ownFacility ? (plan.acc[ACC.facCapex] as number) * crf(W, facLife) : 0;
  const capital: VintageCapital = {
    itCapexInService: new Array<number>(T + 1).fill(0),
    usefulLifeYears: plan.own ? L : null,
    facilityCapex: plan.ownFacility ? (plan.acc[ACC.facCapex] as number) : 0,
    facilityLifeYears: plan.ownFacility ? facLife : null,
    charge: new Array<number>(T + 1).fill(0),
  };
  for (let t = 1; t <= T; t++) {
    const ci = v.off + t;
    const src = (t - 1) * YEAR_VALUES;
    const dst = ci * YEAR_VALUES;
    for (let q = 0; q < YEAR_VALUES; q++) cal[dst + q] = (cal[dst + q] as number) + (yv[src + q] as number);
    rec.installedMW[ci] = (rec.installedMW[ci] as number) + itMW;
    const k = yv[src + RV.k] as number;
    const op = rec.operating[ci] as number;
    rec.operating[ci] = op + 1;
    rec.generation[ci] = op === 0 ? ((yv[src + RV.Nt] as number) > 0 ? k : -1) : -2;
    if (plan.tokensMode && !c.shared) rec.tokensModeAny[ci] = 1;
    let charge = t <= facLife ? facCharge : 0;
    if (plan.own && k >= 0 && (yv[src + RV.Nt] as number) > 0) {
      capital.itCapexInService[t] = plan.genCapex[k] as number;
      charge += (plan.genCapex[k] as number) * crf(W, L);
    }
    capital.charge[t] = charge;
    rec.capitalCharge[ci] = (rec.capitalCharge[ci] as number) + charge;
  }
  // its segments, by id
  if (rec.rows) {
    const sv = r.segmentValues;
    const ids = v.st.segmentIds;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j] as string;
      let seg = rec.segments.get(id);
      if (seg === undefined) {
        seg = {
          label: v.st.segmentLabels[j] as string,
          kind: v.st.segmentKinds[j] as string,
          pricingKind: v.st.kinds[j] as PricingKind,
          basis: v.st.capital?.basis[j],
          values: new Float64Array((c.Y + 1) * SEGMENT_VALUES),
          allProfitable: new Uint8Array(c.Y + 1).fill(1),
          any: new Uint8Array(c.Y + 1),
        };
        rec.segments.set(id, seg);
      } else if (seg.basis !== v.st.capital?.basis[j]) {
        // vintages that know this segment's revenue differently: the consolidated segment states no basis
        seg.basis = undefined;
      }
      for (let t = 1; t <= T; t++) {
        const ci = v.off + t;
        const src = (j * T + t - 1) * SEGMENT_VALUES;
        const dst = ci * SEGMENT_VALUES;
        for (const f of [SV.tokens, SV.billed, SV.hidden, SV.revenue, SV.value, SV.aux]) seg.values[dst + f] = (seg.values[dst + f] as number) + (sv[src + f] as number);
        const cost = sv[src + SV.cost] as number;
        if (cost === cost) seg.values[dst + SV.cost] = (seg.values[dst + SV.cost] as number) + cost;
        seg.any[ci] = 1;
        if (((sv[src + SV.flags] as number) & 2) === 0 && (sv[src + SV.tokens] as number) > 0) seg.allProfitable[ci] = 0;
      }
    }
  }
  return capital;
}

/** The keys of `VintageDebt` in the order of `PK`. */
export const VINTAGE_DEBT_FIELDS = ['debtService', 'principalDue', 'balloonsDue', 'refinanced', 'sweep', 'cashAvailable', 'marketValue', 'contractedRevenue', 'expectedCreditLoss', 'contractsEnding', 'backlog', 'traceableRevenue', 'openingDebt'] as const;
export type VintageDebtField = (typeof VINTAGE_DEBT_FIELDS)[number];

/**
 * A vintage's debt and contract lines in MODEL.md §9's terms, by its year
 * t = 0..T: what the consolidated §9 lines add up. A capital stack's are its
 * own; the single debt of §3.6 is what it is in §9's terms (straight:
 * principal due; bullet: a balloon at its term; market value its book value;
 * all its cash revenue traceable).
 */
export type VintageDebt = { [K in VintageDebtField]: number[] };

/**
 * One vintage's §9 lines (`VintageDebt`, the fields documented there:
 * `debtService` = interest + principal due + balloons − refinanced, a sweep
 * is not debt service; `contractsEnding` the contract minus market revenue of
 * its contracts ending in year t; `openingDebt` the debt at the end of t − 1
 * that year t's interest is paid on), added to the calendar.
 */
function recordDebt(v: CompiledVintage, r: Recording, rec: PortfolioRecording): VintageDebt {
  const pk = rec.debt;
  const plan = v.plan;
  const cap = plan.cap;
  const T = v.T;
  const yv = r.yearValues;
  const d = Object.fromEntries(VINTAGE_DEBT_FIELDS.map((f) => [f, new Array<number>(T + 1).fill(0)])) as VintageDebt;
  if (cap !== null) {
    rec.anyCapital = true;
    d.marketValue[0] = cap.marketValue[0] as number;
    d.backlog[0] = cap.yearValues[CY.backlog] as number;
    for (let t = 1; t <= T; t++) {
      d.debtService[t] = cap.service[t] as number;
      d.principalDue[t] = cap.principalDue[t] as number;
      d.balloonsDue[t] = cap.balloons[t] as number;
      d.refinanced[t] = cap.refinanced[t] as number;
      d.sweep[t] = cap.sweep[t] as number;
      d.cashAvailable[t] = cap.cashAvailable[t] as number;
      d.marketValue[t] = cap.marketValue[t] as number;
      d.contractedRevenue[t] = cap.contracted[t] as number;
      d.expectedCreditLoss[t] = cap.ecl[t] as number;
      d.contractsEnding[t] = cap.atRisk[t] as number;
      d.backlog[t] = cap.yearValues[t * CY_COUNT + CY.backlog] as number;
      d.traceableRevenue[t] = cap.traceableRevenue[t] as number;
      d.openingDebt[t] = cap.outstanding[t - 1] as number;
    }
  } else {
    if (plan.levered) d.marketValue[0] = r.capex0;
    for (let t = 1; t <= T; t++) {
      const src = (t - 1) * YEAR_VALUES;
      const interest = yv[src + RV.interest] as number;
      const principal = yv[src + RV.principal] as number;
      d.debtService[t] = interest + principal;
      (plan.straight ? d.principalDue : d.balloonsDue)[t] = principal;
      d.cashAvailable[t] = (yv[src + RV.ebitda] as number) - (yv[src + RV.leveredTax] as number) - interest;
      d.marketValue[t] = yv[src + RV.book] as number;
      d.traceableRevenue[t] = yv[src + RV.R] as number;
      d.openingDebt[t] = t === 1 ? r.outstanding0 : (yv[src - YEAR_VALUES + RV.outstanding] as number);
    }
  }
  for (let q = 0; q < PK_COUNT; q++) {
    const line = d[VINTAGE_DEBT_FIELDS[q] as VintageDebtField];
    for (let t = 0; t <= T; t++) pk[(v.off + t) * PK_COUNT + q] = (pk[(v.off + t) * PK_COUNT + q] as number) + (line[t] as number);
  }
  return d;
}

function newPortfolioRecording(Y: number, rows: boolean): PortfolioRecording {
  return {
    cal: new Float64Array((Y + 1) * YEAR_VALUES),
    installedMW: new Float64Array(Y + 1),
    operating: new Int32Array(Y + 1),
    generation: new Float64Array(Y + 1).fill(-1),
    tokensModeAny: new Uint8Array(Y + 1),
    capitalCharge: new Float64Array(Y + 1),
    vintages: [],
    debt: new Float64Array((Y + 1) * PK_COUNT),
    anyCapital: false,
    rows,
    segments: new Map(),
    totals: { capex0: 0, builtMW: 0, leaseCommitment: 0, leaseCommitmentPV: 0, commitmentsAfterHorizon: 0, ebitdaMW: 0, strategicRevMW: 0, anyDebt: false, anyTokens: false },
    warnings: [],
    sums: { npv: 0, irr: null, equityIrr: null, payback: null, minCum: 0, totalCapex: 0, revSum: 0, gpSum: 0, mwYears: 0, tokens: 0, profitable: 0, svPV: 0 },
  };
}

/**
 * Run a portfolio for the Monte Carlo: the metrics of its consolidated flows
 * into `m` (its compiled form's inputs as they stand: a sample's).
 */
export function runPortfolio(c: CompiledPortfolio, m: PortfolioMetrics, classify: boolean): void {
  runCompiled(c, m, null, classify);
}

// ---------------------------------------------------------------------------
// The result

interface Sums {
  npv: number;
  irr: number | null;
  equityIrr: number | null;
  payback: number | null;
  minCum: number;
  totalCapex: number;
  revSum: number;
  gpSum: number;
  mwYears: number;
  tokens: number;
  profitable: number;
  svPV: number;
}

const div = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/**
 * Evaluate a resolved portfolio (MODEL.md §8): the consolidated yearly lines
 * on the calendar, each segment consolidated by id, each vintage's own lines
 * and summary (its npv at the portfolio's wacc to its own build), the
 * portfolio's summary, the revenue gap and the depreciation wall.
 *
 * @example
 * const r = evaluatePortfolio(portfolio);
 * r.summary.npv;                  // at the portfolio's wacc, t = 0 in startYear − 1
 * r.revenueGap.map((g) => g.gap); // required − earned, by calendar year
 */
export function evaluatePortfolio(p: Portfolio): PortfolioResult {
  const c = compilePortfolio(p);
  const m = newPortfolioMetrics();
  const rec = newPortfolioRecording(c.Y, true);
  runCompiled(c, m, rec, false);
  const summary = makeSummary(p, c, rec);
  const years = makeYears(p, c, rec);
  const revenueGap = makeRevenueGap(p, c, rec);
  fillGapSummary(summary, revenueGap);
  const vintages = p.vintages.map((v, k): VintageResult => {
    const cv = c.vintages[k] as CompiledVintage;
    const slot = rec.vintages[k] as PortfolioRecording['vintages'][number];
    const s = { ...slot.rec.summary, npv: slot.npv, strategicValuePV: slot.svPV, strategicNpv: slot.npv + slot.svPV };
    const out: VintageResult = { id: v.id, buildYear: v.buildYear, template: v.template, itMW: cv.x[cv.layout.itMW] as number, summary: s, years: yearRows(cv.plan, slot.rec), capital: slot.capital };
    if (cv.plan.cap !== null) out.tranches = trancheRows(cv.plan);
    if (rec.anyCapital) out.debt = slot.debt;
    return out;
  });
  const segments = makeSegments(c, rec);
  const result: PortfolioResult = { portfolio: p, years, segments, vintages, summary, revenueGap, warnings: makeWarnings(p, c, rec) };
  sanitizePortfolio(result);
  return result;
}

/**
 * The summary and warnings of `evaluatePortfolio(p)`, the same numbers,
 * without the rows: what analyses that search or sweep an input read.
 *
 * @example
 * evaluatePortfolioSummary(p).summary.npv === evaluatePortfolio(p).summary.npv; // true
 */
export function evaluatePortfolioSummary(p: Portfolio): PortfolioSummaryResult {
  const c = compilePortfolio(p);
  const m = newPortfolioMetrics();
  const rec = newPortfolioRecording(c.Y, false);
  runCompiled(c, m, rec, false);
  const summary = makeSummary(p, c, rec);
  fillGapSummary(summary, makeRevenueGap(p, c, rec));
  const r = { portfolio: p, summary, warnings: makeWarnings(p, c, rec) };
  fixObject(r.warnings, r.summary as unknown as Record<string, number | null>, [...SUMMARY_FIELDS, ...CAPITAL_SUMMARY_FIELDS, 'maxRevenueGap'], 'summary: ');
  fixBreaches(r.warnings, r.summary);
  return r;
}

function makeSummary(p: Portfolio, c: CompiledPortfolio, rec: PortfolioRecording): PortfolioSummary {
  const sums = rec.sums;
  const { cal, totals } = rec;
  const Y = c.Y;
  let R = 0;
  let GP = 0;
  let Q = 0;
  let billed = 0;
  let monetizable = 0;
  let strategic = 0;
  let hidden = 0;
  let cogs = 0;
  let unmet = 0;
  let minDscr: number | null = null;
  let maxLtv: number | null = null;
  for (let i = 0; i <= Y; i++) {
    const b = i * YEAR_VALUES;
    const book = cal[b + RV.book] as number;
    if (totals.anyDebt && book > 0) {
      const ltv = (cal[b + RV.outstanding] as number) / book;
      maxLtv = maxLtv === null ? ltv : Math.max(maxLtv, ltv);
    }
    if (i === 0) continue;
    R += cal[b + RV.R] as number;
    GP += cal[b + RV.grossProfit] as number;
    Q += cal[b + RV.Q] as number;
    billed += cal[b + YX.billed] as number;
    monetizable += cal[b + YX.monetizable] as number;
    strategic += cal[b + YX.strategic] as number;
    hidden += cal[b + YX.hidden] as number;
    cogs += cal[b + RV.cogs] as number;
    unmet += c.shared ? (c.unmet[i] as number) : (cal[b + RV.unmet] as number);
    const service = rec.debt[i * PK_COUNT + PK.service] as number;
    if (totals.anyDebt && service > 0) {
      const d = (cal[b + RV.ebitda] as number) / service;
      minDscr = minDscr === null ? d : Math.min(minDscr, d);
    }
  }
  const s = newSummary() as PortfolioSummary;
  const n = Y + 1;
  s.npv = sums.npv;
  s.irr = sums.irr;
  s.equityIrr = sums.equityIrr;
  s.paybackYears = sums.payback;
  s.discountedPaybackYears = sums.totalCapex === 0 ? 0 : paybackPeriod(c.disc, n);
  s.peakFunding = Math.max(0, -sums.minCum);
  s.capexPerMW = totals.capex0 / totals.builtMW;
  s.totalCapex = sums.totalCapex;
  const mw = sums.mwYears;
  s.revenuePerMW = mw === 0 ? null : sums.revSum / mw;
  s.grossProfitPerMW = mw === 0 ? null : sums.gpSum / mw;
  s.ebitdaPerMW = mw === 0 ? null : totals.ebitdaMW / mw;
  s.strategicRevenuePerMW = mw === 0 ? null : totals.strategicRevMW / mw;
  s.grossMargin = div(GP, R);
  s.totalTokens = Q;
  s.billedTokens = billed;
  s.monetizableTokens = monetizable;
  s.profitableTokens = sums.profitable;
  s.strategicTokens = strategic;
  s.hiddenReasoningTokens = hidden;
  s.unmetTokens = c.shared || totals.anyTokens ? unmet : null;
  s.monetizableShare = div(monetizable, Q);
  s.profitableShare = div(sums.profitable, Q);
  s.costPerMTok = Q === 0 ? null : (cogs / Q) * 1e6;
  s.realizedPricePerMTok = billed === 0 ? null : (R / billed) * 1e6;
  s.totalRevenue = R;
  s.totalGrossProfit = GP;
  s.minDscr = totals.anyDebt ? minDscr : null;
  s.maxLtv = totals.anyDebt ? maxLtv : null;
  s.leaseCommitment = totals.leaseCommitment;
  s.leaseCommitmentPV = totals.leaseCommitmentPV;
  s.commitmentsAfterHorizon = totals.commitmentsAfterHorizon;
  s.strategicValuePV = sums.svPV;
  s.strategicNpv = sums.npv + sums.svPV;
  s.builtMW = totals.builtMW;
  s.installedMWYears = mw;
  s.maxRevenueGap = null;
  s.maxRevenueGapYear = null;
  if (rec.anyCapital) capitalSummary(p, c, rec, s);
  return s;
}

/**
 * MODEL.md §9 over the portfolio: the largest refinancing need and its ratio,
 * the largest market LTV, from the consolidated lines; the covenants' headroom
 * the tightest of the vintages' (each its own covenants); breaches, interest
 * during construction, backlog and credit loss summed; the traceable share of
 * the summed revenue and value.
 */
function capitalSummary(p: Portfolio, c: CompiledPortfolio, rec: PortfolioRecording, s: PortfolioSummary): void {
  const lines = debtLines(c, rec);
  let maxNeed = 0;
  let maxRatio: number | null = null;
  let maxMarketLtv: number | null = null;
  let traceable = 0;
  let value = 0;
  for (let i = 0; i <= c.Y; i++) {
    const l = lines[i] as DebtLines;
    if (l.marketLtv !== null) maxMarketLtv = maxMarketLtv === null ? l.marketLtv : Math.max(maxMarketLtv, l.marketLtv);
    if (i === 0) continue;
    if ((l.refinancingNeed as number) > maxNeed) maxNeed = l.refinancingNeed as number;
    if (l.refinancingNeedRatio !== null) maxRatio = maxRatio === null ? l.refinancingNeedRatio : Math.max(maxRatio, l.refinancingNeedRatio);
    traceable += rec.debt[i * PK_COUNT + PK.traceable] as number;
    value += (rec.cal[i * YEAR_VALUES + RV.R] as number) + (rec.cal[i * YEAR_VALUES + RV.V] as number);
  }
  let idc = 0;
  let backlog = 0;
  let contracted = 0;
  let ecl = 0;
  let dscrHeadroom: number | null = null;
  let ltvHeadroom: number | null = null;
  const breaches: VintageBreach[] = [];
  const low = (a: number | null, b: number | null | undefined): number | null => (b === null || b === undefined ? a : a === null ? b : Math.min(a, b));
  p.vintages.forEach((v, k) => {
    const vs = rec.vintages[k]?.rec.summary;
    const off = (c.vintages[k] as CompiledVintage).off;
    if (vs === undefined || vs.covenantBreaches === undefined) return;
    idc += vs.interestDuringConstruction ?? 0;
    backlog += vs.backlog ?? 0;
    contracted += vs.contractedRevenue ?? 0;
    ecl += vs.expectedCreditLoss ?? 0;
    dscrHeadroom = low(dscrHeadroom, vs.minDscrHeadroom);
    ltvHeadroom = low(ltvHeadroom, vs.marketLtvHeadroom);
    for (const b of vs.covenantBreaches) breaches.push({ ...b, t: b.t + off, vintage: v.id });
  });
  breaches.sort((a, b) => a.t - b.t);
  s.maxRefinancingNeed = maxNeed;
  s.maxRefinancingNeedRatio = maxRatio;
  s.maxMarketLtv = maxMarketLtv;
  s.minDscrHeadroom = dscrHeadroom;
  s.marketLtvHeadroom = ltvHeadroom;
  s.covenantBreachCount = breaches.length;
  s.interestDuringConstruction = idc;
  s.backlog = backlog;
  s.contractedRevenue = contracted;
  s.expectedCreditLoss = ecl;
  s.traceableShare = value === 0 ? null : traceable / value;
  s.covenantBreaches = breaches;
}

/** A calendar year's §9 lines, consolidated: sums summed, ratios from the sums (null: no value). */
interface DebtLines {
  principalDue: number | null;
  balloonsDue: number | null;
  refinanced: number | null;
  sweep: number | null;
  cashAvailable: number | null;
  refinancingNeed: number | null;
  refinancingNeedRatio: number | null;
  costOfDebt: number | null;
  marketValue: number;
  marketLtv: number | null;
  contractedRevenue: number | null;
  backlog: number;
  contractedShare: number | null;
  revenueAtRisk: number | null;
  expectedCreditLoss: number | null;
}

/**
 * MODEL.md §9's yearly lines of the portfolio (calendar index 0..Y) from the
 * vintages' summed lines, as a scenario makes its own: the refinancing need
 * is the balloons due in the year and the next, over the cash available in
 * the same two years; the cost of debt the interest over the debt it is paid
 * on; market LTV the debt over the summed market value; the contracted share
 * of cash revenue before credit losses; the revenue at risk of the contracts
 * ending in the next two years. The year before the first (the first builds)
 * carries market value, its LTV and the backlog.
 */
function debtLines(c: CompiledPortfolio, rec: PortfolioRecording): DebtLines[] {
  const pk = rec.debt;
  const cal = rec.cal;
  const Y = c.Y;
  const at = (i: number, f: number): number => (i <= Y ? (pk[i * PK_COUNT + f] as number) : 0);
  const out: DebtLines[] = [];
  for (let i = 0; i <= Y; i++) {
    const mv = at(i, PK.marketValue);
    const debt = cal[i * YEAR_VALUES + RV.outstanding] as number;
    const marketLtv = !rec.totals.anyDebt || mv === 0 ? null : debt / mv;
    if (i === 0) {
      out.push({ principalDue: null, balloonsDue: null, refinanced: null, sweep: null, cashAvailable: null, refinancingNeed: null, refinancingNeedRatio: null, costOfDebt: null, marketValue: mv, marketLtv, contractedRevenue: null, backlog: at(0, PK.backlog), contractedShare: null, revenueAtRisk: null, expectedCreditLoss: null });
      continue;
    }
    const need = at(i, PK.balloons) + at(i + 1, PK.balloons);
    const cash = at(i, PK.cashAvailable) + at(i + 1, PK.cashAvailable);
    const opening = at(i, PK.opening);
    const contracted = at(i, PK.contracted);
    const gross = (cal[i * YEAR_VALUES + RV.R] as number) + at(i, PK.ecl);
    out.push({
      principalDue: at(i, PK.principalDue),
      balloonsDue: at(i, PK.balloons),
      refinanced: at(i, PK.refinanced),
      sweep: at(i, PK.sweep),
      cashAvailable: at(i, PK.cashAvailable),
      refinancingNeed: need,
      refinancingNeedRatio: need === 0 ? 0 : cash > 0 ? need / cash : null,
      costOfDebt: opening === 0 ? null : (cal[i * YEAR_VALUES + RV.interest] as number) / opening,
      marketValue: mv,
      marketLtv,
      contractedRevenue: contracted,
      backlog: at(i, PK.backlog),
      contractedShare: gross === 0 ? null : contracted / gross,
      revenueAtRisk: at(i + 1, PK.atRisk) + at(i + 2, PK.atRisk),
      expectedCreditLoss: at(i, PK.ecl),
    });
  }
  return out;
}

function fillGapSummary(s: PortfolioSummary, gap: readonly RevenueGapRow[]): void {
  for (const g of gap) {
    if (s.maxRevenueGap === null || g.gap > s.maxRevenueGap) {
      s.maxRevenueGap = g.gap;
      s.maxRevenueGapYear = g.year;
    }
  }
}

function makeYears(p: Portfolio, c: CompiledPortfolio, rec: PortfolioRecording): PortfolioYearRow[] {
  const { cal } = rec;
  const rows: PortfolioYearRow[] = [];
  const debt = rec.anyCapital ? debtLines(c, rec) : null;
  let cum = 0;
  for (let i = 0; i <= c.Y; i++) {
    const b = i * YEAR_VALUES;
    const year = p.startYear - 1 + i;
    const flow = c.fcf[i] as number;
    cum += flow;
    if (i === 0) {
      // the year before the first: it carries only builds
      const row = newBuildYearRow(year) as PortfolioYearRow;
      row.t = i;
      row.capex = cal[b + RV.capex] as number;
      row.draws = cal[b + RV.draw] as number;
      row.fcf = flow;
      row.cumulativeFcf = cum;
      row.equityCashFlow = c.eq[i] as number;
      row.debtOutstanding = cal[b + RV.outstanding] as number;
      row.installedMW = null;
      if (debt !== null) Object.assign(row, debt[i]);
      rows.push(row);
      continue;
    }
    const R = cal[b + RV.R] as number;
    const V = cal[b + RV.V] as number;
    const C = cal[b + RV.C] as number;
    const U = cal[b + RV.U] as number;
    const mw = rec.installedMW[i] as number;
    const gp = cal[b + RV.grossProfit] as number;
    const ebitda = cal[b + RV.ebitda] as number;
    const row = yearLines(i, year, cal, b) as PortfolioYearRow;
    const gen = rec.generation[i] as number;
    row.generation = gen >= 0 ? gen : null;
    row.utilization = C === 0 ? 0 : U / C;
    row.unmetTokens = c.shared ? (c.unmet[i] as number) : rec.tokensModeAny[i] === 1 ? (cal[b + RV.unmet] as number) : null;
    row.fcf = flow;
    row.cumulativeFcf = cum;
    row.equityCashFlow = c.eq[i] as number;
    const debtService = rec.debt[i * PK_COUNT + PK.service] as number;
    row.dscr = debtService > 0 ? ebitda / debtService : null;
    row.ltv = rec.totals.anyDebt ? div(cal[b + RV.outstanding] as number, cal[b + RV.book] as number) : null;
    // a year without a vintage on its site (before the first build, after the last horizon) has no per-MW figures
    row.revenuePerMW = mw === 0 ? null : R / mw;
    row.grossProfitPerMW = mw === 0 ? null : gp / mw;
    row.ebitdaPerMW = mw === 0 ? null : ebitda / mw;
    row.strategicRevenuePerMW = mw === 0 ? null : (R + V) / mw;
    row.installedMW = mw;
    if (debt !== null) Object.assign(row, debt[i]);
    rows.push(row);
  }
  return rows;
}

function makeRevenueGap(p: Portfolio, c: CompiledPortfolio, rec: PortfolioRecording): RevenueGapRow[] {
  const { cal } = rec;
  const tau = c.px[c.layout.taxRate] as number;
  const margin = p.gap?.endUserMargin;
  const out: RevenueGapRow[] = [];
  for (let i = 1; i <= c.Y; i++) {
    if ((rec.operating[i] as number) === 0) continue;
    const b = i * YEAR_VALUES;
    const dep = cal[b + RV.depreciation] as number;
    const cashCost = (cal[b + RV.cogs] as number) - dep;
    const charge = rec.capitalCharge[i] as number;
    const required = cashCost + (charge - tau * dep) / (1 - tau);
    const revenue = cal[b + RV.R] as number;
    out.push({
      year: p.startYear - 1 + i,
      cashCost,
      capitalCharge: charge,
      depreciation: dep,
      requiredRevenue: required,
      requiredEndUser: margin === undefined ? null : required / (1 - margin),
      revenue,
      gap: required - revenue,
      depreciationShare: revenue === 0 ? null : dep / revenue,
    });
  }
  return out;
}

function makeSegments(c: CompiledPortfolio, rec: PortfolioRecording): SegmentResult[] {
  const out: SegmentResult[] = [];
  const totalTokens = (i: number): number => rec.cal[i * YEAR_VALUES + RV.Q] as number;
  for (const [id, seg] of rec.segments) {
    const years = [];
    for (let i = 1; i <= c.Y; i++) {
      if (seg.any[i] !== 1) continue;
      const b = i * SEGMENT_VALUES;
      const v = seg.values;
      const Ri = v[b + SV.revenue] as number;
      const cost = v[b + SV.cost] as number;
      const row = newSegmentYearRow(i, c.startYear - 1 + i);
      const tokens = v[b + SV.tokens] as number;
      const all = totalTokens(i);
      row.tokenShare = all === 0 ? 0 : tokens / all;
      row.tokens = tokens;
      row.billedTokens = v[b + SV.billed] as number;
      row.hiddenReasoningTokens = v[b + SV.hidden] as number;
      row.revenue = Ri;
      row.strategicValue = v[b + SV.value] as number;
      row.cost = cost;
      row.grossProfit = Ri - cost;
      row.grossMargin = Ri === 0 ? null : (Ri - cost) / Ri;
      row.monetizable = Ri > 0;
      row.profitable = Ri > 0 && seg.allProfitable[i] === 1;
      if (seg.pricingKind === 'subscription') row.users = v[b + SV.aux] as number;
      else if (seg.pricingKind === 'perAcceleratorHour') row.acceleratorHours = v[b + SV.aux] as number;
      years.push(row);
    }
    out.push({ id, label: seg.label, kind: seg.kind, pricingKind: seg.pricingKind, ...(seg.basis !== undefined && { basis: seg.basis }), years });
  }
  return out;
}

/** The portfolio's warnings: each vintage's own (named), the market's unmet demand and idle vintages, and the consolidated flows'. */
function makeWarnings(p: Portfolio, c: CompiledPortfolio, rec: PortfolioRecording): ModelWarning[] {
  const out: ModelWarning[] = [];
  const sums = rec.sums;
  p.vintages.forEach((v, k) => {
    const r = rec.vintages[k]?.rec;
    if (r === undefined) return;
    for (const w of r.warnings) {
      if (w.code === 'irr-none' || w.code === 'equity-irr-none' || w.code === 'payback-never') continue;
      out.push({ ...w, message: `vintage ${v.id}: ${w.message}` });
    }
  });
  if (c.shared) {
    const years: number[] = [];
    for (let i = 1; i <= c.Y; i++) if ((c.unmet[i] as number) > 0) years.push(c.startYear - 1 + i);
    if (years.length > 0) out.push({ code: 'unmet-demand', field: 'unmetTokens', message: `the market's demand exceeds the installed capacity in ${spanText(years)}: those tokens are not served` });
    c.vintages.forEach((cv, k) => {
      const idle: number[] = [];
      for (let t = 1; t <= cv.T; t++) if ((cv.cap[t] as number) > 0 && (cv.served[t] as number) === 0) idle.push(cv.buildYear + t - 1);
      if (idle.length > 0) {
        out.push({ code: 'vintage-idle', field: 'utilization', message: `vintage ${(p.vintages[k] as PortfolioVintage).id} idles in ${spanText(idle)}: newer, cheaper capacity covers the market (an overbuild)` });
      }
    });
  }
  if (rec.anyCapital) {
    // MODEL.md §9 on the consolidated lines: balloons with no cash available over the same two years
    const uncovered: number[] = [];
    debtLines(c, rec).forEach((l, i) => {
      if (i > 0 && (l.refinancingNeed as number) > 0 && l.refinancingNeedRatio === null) uncovered.push(c.startYear - 1 + i);
    });
    if (uncovered.length > 0) {
      out.push({ code: 'refinancing-need-uncovered', field: 'refinancingNeedRatio', message: `balloons fall due in ${spanText(uncovered)} (or the year after) with no cash available over those two years across the vintages: the refinancing need has no finite ratio there (reported as null)` });
    }
  }
  if (sums.irr === null) out.push({ code: 'irr-none', field: 'irr', message: sums.totalCapex === 0 ? 'irr: no capex, the cash flows never change sign' : 'irr: the consolidated cash flows have no internal rate of return in (−99 %, 1000 %)' });
  if (rec.totals.anyDebt && sums.equityIrr === null) out.push({ code: 'equity-irr-none', field: 'equityIrr', message: 'equityIrr: the consolidated equity cash flows have no internal rate of return in (−99 %, 1000 %)' });
  if (sums.payback === null) out.push({ code: 'payback-never', field: 'paybackYears', message: `paybackYears: the consolidated free cash flow never turns positive by ${c.startYear + c.Y - 1}` });
  return out;
}

/** `2029`, `2029–2031`, `2029–2031, 2034`. */
function spanText(years: readonly number[]): string {
  const parts: string[] = [];
  let a = years[0] as number;
  let b = a;
  for (let k = 1; k <= years.length; k++) {
    const y = years[k];
    if (y !== undefined && y === b + 1) {
      b = y;
      continue;
    }
    parts.push(a === b ? String(a) : `${a}–${b}`);
    if (y !== undefined) {
      a = y;
      b = y;
    }
  }
  return parts.join(', ');
}

function fixObject(warnings: ModelWarning[], obj: Record<string, number | null>, keys: readonly string[], where: string, t?: number): void {
  for (const key of keys) {
    const v = obj[key];
    if (v !== null && v !== undefined && !Number.isFinite(v)) {
      obj[key] = null;
      warnings.push({ code: 'not-finite', field: key, message: `${where}${key} has no finite value (inputs out of a numeric range); reported as null`, ...(t === undefined ? {} : { t }) });
    }
  }
}

/** A summary's covenant breaches without a finite value are left out, with a warning. */
function fixBreaches(warnings: ModelWarning[], s: Summary, where = 'summary: '): void {
  const list = s.covenantBreaches;
  if (list === undefined) return;
  const bad = list.filter((b) => !Number.isFinite(b.value + b.cure));
  if (bad.length === 0) return;
  s.covenantBreaches = list.filter((b) => Number.isFinite(b.value + b.cure));
  if (s.covenantBreachCount !== undefined) s.covenantBreachCount = s.covenantBreaches.length;
  warnings.push({ code: 'not-finite', field: 'covenantBreaches', message: `${where}${bad.length} covenant breach${bad.length === 1 ? '' : 'es'} had no finite value (inputs out of a numeric range) and are left out` });
}

const YEAR_AND_CAPITAL = [...YEAR_FIELDS, ...CAPITAL_YEAR_FIELDS];

/** "No NaN or Infinity in any output": such a value becomes null with a warning. */
function sanitizePortfolio(r: PortfolioResult): void {
  const w = r.warnings;
  for (const y of r.years) fixObject(w, y as unknown as Record<string, number | null>, [...YEAR_AND_CAPITAL, 'installedMW'], `year ${y.year}: `, y.t);
  for (const s of r.segments) for (const y of s.years) fixObject(w, y as unknown as Record<string, number | null>, SEGMENT_YEAR_FIELDS, `segment ${s.id}, year ${y.year}: `, y.t);
  for (const v of r.vintages) {
    for (const y of v.years) fixObject(w, y as unknown as Record<string, number | null>, YEAR_AND_CAPITAL, `vintage ${v.id}, year ${y.year}: `, y.t);
    for (const tr of v.tranches ?? []) for (const y of tr.years) fixObject(w, y as unknown as Record<string, number | null>, TRANCHE_YEAR_FIELDS, `vintage ${v.id}, tranche ${tr.id}, year ${y.year}: `, y.t);
    fixObject(w, v.summary as unknown as Record<string, number | null>, [...SUMMARY_FIELDS, ...CAPITAL_SUMMARY_FIELDS], `vintage ${v.id}: summary: `);
    fixBreaches(w, v.summary, `vintage ${v.id}: summary: `);
  }
  for (const g of r.revenueGap) fixObject(w, g as unknown as Record<string, number | null>, ['cashCost', 'capitalCharge', 'depreciation', 'requiredRevenue', 'requiredEndUser', 'revenue', 'gap', 'depreciationShare'], `revenue gap ${g.year}: `);
  fixObject(w, r.summary as unknown as Record<string, number | null>, [...SUMMARY_FIELDS, ...CAPITAL_SUMMARY_FIELDS, 'builtMW', 'installedMWYears', 'maxRevenueGap'], 'summary: ');
  fixBreaches(w, r.summary);
}

/**
 * MODEL.md §2: a portfolio whose evaluation yields a non-finite value is an
 * input error naming the line and the year (the result holds null and a
 * `not-finite` warning).
 */
export function portfolioNonFinite(r: { warnings: readonly ModelWarning[] }): { path: string; message: string; code: string }[] {
  return r.warnings
    .filter((w) => w.code === 'not-finite')
    .map((w) => ({ path: w.field ?? '', message: `${w.message.replace(/; reported as null$/, '')}: the inputs overflow the model's arithmetic (MODEL.md §2) — bring the extreme values in`, code: 'not_finite' }));
}

export type { Layout };
