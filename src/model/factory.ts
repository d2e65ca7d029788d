/**
 * MODEL.md §3: one factory, one sample, from the build to the horizon. This is
 * the one place where a year of the model is computed — capacity, demand, the
 * funnel, revenue, costs, tax pools, debt service, the flows and the
 * summary's running sums. `evaluate` runs it once, recording every line of
 * every year (§4); the Monte Carlo runs it for each sample of a block,
 * recording nothing.
 *
 * `runFactory` reads a sample's inputs from a vector of slots (`Layout`) and
 * keeps its state in locals: one function with the year loop inside, so the
 * engine keeps every running value in registers. What it needs between years
 * (generations, capex and debt by year, the flows) lives in a `FactoryPlan`
 * made once per scenario structure and reused.
 */
import { type CapitalPlan, type CapitalSummary, CY, CY_COUNT, capitalPlan, capitalRecord, capitalSchedule, capitalYears, contractsYear, TV, TV_COUNT } from './capital.ts';
import { irrFast } from './finance.ts';
import { grouped } from './format.ts';
import { IRR_NONE, irrRootClass } from './irr-class.ts';
import {
  acceleratorCount,
  acceleratorHoursSold,
  allocatedCost,
  billedTokens as billedOf,
  dscrOf,
  capacityComputeUnits,
  demandedTokens,
  energyMWh,
  generationCapex,
  growth,
  imputedValue,
  isProfitable,
  itDepreciationPerYear,
  leaseCost,
  lossPoolAfter,
  ltvOf,
  marginOf,
  owedAtHorizon,
  paybackPeriod,
  perAcceleratorHourRevenue,
  perMTokOf,
  perMTokRevenue,
  perTokenCost,
  powerCost,
  powInt,
  rentCost,
  servedComputeTokensMode,
  subscriptionRevenue,
  subscriptionUsers,
  taxWithCarryForward,
  throughputPerAccelerator,
} from './lines.ts';
import { type ModelWarning, newBuildYearRow, newSegmentYearRow, newSummary, newYearRow, type SegmentYearRow, type Summary, type TrancheResult, type YearRow } from './result.ts';
import { AM_ANNUITY, AM_BULLET, AM_SCULPTED, FUNDS_EVERY, FUNDS_INITIAL, KIND_CODES, KIND_IMPUTED, KIND_PER_HOUR, KIND_PER_MTOK, KIND_SUBSCRIPTION, type Layout, type Structure } from './slots.ts';

/** The metrics the Monte Carlo reports, in order. */
export const MC_METRICS = ['npv', 'irr', 'equityIrr', 'paybackYears', 'grossProfitPerMW', 'revenuePerMW', 'profitableShare', 'strategicNpv'] as const;
export type McMetric = (typeof MC_METRICS)[number];

/** What "pays back within its life" means for an owned and for a rented fleet (the Monte Carlo's P(payback ≤ life)). */
export const LIFE_DEFINITIONS = {
  own: 'paybackYears ≤ fleet.usefulLifeYears',
  rent: 'cumulative free cash flow ≥ 0 at the end of the compute rent term (fleet.rentTermYears, or the horizon if shorter): a rented fleet has no capex to pay back, so its commitment is what must be earned back',
} as const;

/**
 * What a recorded run gives: every line of every year (MODEL.md §4) as
 * numbers, from which `yearRows` makes the year rows of §4, the summary and
 * the warnings; each segment's lines as numbers (`SEGMENT_VALUES`, what a
 * portfolio consolidates) or as its rows, made as the run goes
 * (`newRecording`). The values live in the plan's buffers, reused by its next
 * run: make the rows first.
 */
export interface Recording {
  /** year t's values at `(t − 1) · YEAR_VALUES`, in the order of `RV` then `YX` */
  yearValues: Float64Array;
  /** what the run records of each segment-year: `SEGMENT_VALUES` values, its row, or nothing */
  readonly segmentsAs: SegmentsAs;
  /** segment j's values in year t at `(j · T + t − 1) · SEGMENT_VALUES`, in the order of `SV` (`segmentsAs` 'values') */
  segmentValues: Float64Array;
  /** segment j's rows, t = 1..T (`segmentsAs` 'rows'; the result's own arrays) */
  segmentRows: SegmentYearRow[][];
  /**
   * the year rows t = 0..T, made by the year loop from the year's own values
   * (`segmentsAs` 'rows' and no capital stack, whose debt runs after the
   * years; the result's own array); empty otherwise: `yearRows` makes them
   * from `yearValues`
   */
  yearRows: YearRow[];
  /** the build year's capex and draws, and the debt outstanding then (the draws and any interest during construction) */
  capex0: number;
  draws0: number;
  outstanding0: number;
  summary: Summary;
  warnings: ModelWarning[];
  /** a year's values were not all finite: the caller fixes the rows field by field */
  needsFix: boolean;
}

/**
 * What a recorded run keeps of each segment-year: its values (a portfolio
 * consolidates them), its row of §4 (`evaluate`), or nothing beyond the
 * year's sums (`evaluateSummary`).
 */
export type SegmentsAs = 'values' | 'rows' | 'none';

const NO_VALUES = new Float64Array(0);

export function newRecording(segmentsAs: SegmentsAs = 'values'): Recording {
  return { yearValues: NO_VALUES, segmentsAs, segmentValues: NO_VALUES, segmentRows: [], yearRows: [], capex0: 0, draws0: 0, outstanding0: 0, summary: newSummary(), warnings: [], needsFix: false };
}

/**
 * A sample's summary metrics (NaN: no value), the IRRs' root classes
 * (`irr-class.ts`, computed when `classify` is set) and what the Monte Carlo's
 * flags need.
 */
export interface FactoryMetrics {
  npv: number;
  irr: number;
  equityIrr: number;
  paybackYears: number;
  grossProfitPerMW: number;
  revenuePerMW: number;
  profitableShare: number;
  strategicNpv: number;
  irrClass: number;
  equityIrrClass: number;
  /** cumulative fcf at the end of the compute rent term (rented fleets) */
  cumAtRentTerm: number;
}

export function newFactoryMetrics(): FactoryMetrics {
  return { npv: 0, irr: 0, equityIrr: 0, paybackYears: 0, grossProfitPerMW: 0, revenuePerMW: 0, profitableShare: 0, strategicNpv: 0, irrClass: IRR_NONE, equityIrrClass: IRR_NONE, cumAtRentTerm: 0 };
}

/**
 * The structure of a scenario compiled for `runFactory`: its slot layout, its
 * modes and pricing forms, and the scratch arrays a run fills (one run at a
 * time).
 */
export interface FactoryPlan {
  readonly T: number;
  readonly startYear: number;
  readonly layout: Layout;
  readonly nSeg: number;
  readonly own: boolean;
  readonly ownFacility: boolean;
  readonly leaseFacility: boolean;
  readonly tokensMode: boolean;
  readonly hasPower: boolean;
  readonly refresh: boolean;
  /** the single debt of §3.6, run in the year loop (a capital stack runs its own, `cap`) */
  readonly hasDebt: boolean;
  /** any debt: the single debt or tranches (equity flows, DSCR, LTV) */
  readonly levered: boolean;
  /** the capital stack of MODEL.md §9, or null (a structure without one runs none of its code) */
  readonly cap: CapitalPlan | null;
  readonly straight: boolean;
  readonly bookValue: boolean;
  /** every token share is the same in every year: read from its first slot */
  readonly constantShares: boolean;
  readonly kinds: Int32Array;
  readonly cash: Uint8Array;
  readonly billedAll: Uint8Array;
  // each segment's slots
  readonly sShare: Int32Array;
  readonly sIntensity: Int32Array;
  readonly sHidden: Int32Array;
  readonly sPrice: Int32Array;
  readonly sChange: Int32Array;
  readonly sDiscount: Int32Array;
  readonly sArpu: Int32Array;
  readonly sTokensPerUser: Int32Array;
  readonly sArpuChange: Int32Array;
  readonly sUsageGrowth: Int32Array;
  readonly sPremium: Int32Array;
  /**
   * each segment's intensity slot: the year loop reads a segment's inputs at fixed offsets from it
   * (`SO`, the order `slots.ts` lays them out in; its token shares at `− T + t − 1`), one index a segment
   */
  readonly segBase: Int32Array;
  /** each segment's kind code (`META_KIND`) and flags: earns cash (`META_CASH`), reasoning billed (`META_BILLED_ALL`) */
  readonly segMeta: Int32Array;
  // scratch: by generation, by t = 0..T, by segment
  readonly genCapex: Float64Array;
  readonly genDep: Float64Array;
  /** by year t = 1..T: depreciation (the owned facility's, then each generation's in order), write-offs and residual proceeds of the generations sold */
  readonly depAt: Float64Array;
  readonly writeOffAt: Float64Array;
  readonly residualAt: Float64Array;
  readonly capexAt: Float64Array;
  readonly draws: Float64Array;
  readonly principalDue: Float64Array;
  readonly fcf: Float64Array;
  readonly eq: Float64Array;
  readonly disc: Float64Array;
  readonly work: Float64Array;
  readonly workAbs: Float64Array;
  /** each segment's yearly multipliers carried from year to year (`SG`), `SG_COUNT` a segment */
  readonly segState: Float64Array;
  readonly segQ: Float64Array;
  readonly segB: Float64Array;
  readonly segR: Float64Array;
  readonly segV: Float64Array;
  readonly segAux: Float64Array;
  /** what the steps of a run hand on (`A`) */
  readonly acc: Float64Array;
  /** by year t = 1..T: capacity in compute units, the generation in service (−1: none) and its purchase year b_k */
  readonly capacity: Float64Array;
  readonly genIn: Float64Array;
  readonly bought: Float64Array;
  /** by year t = 1..T: strategic value after tax, `V_t · (1 − taxRate)` (what a portfolio discounts at its own wacc, MODEL.md §8) */
  readonly strategicAt: Float64Array;
  /** a recorded run's values (`Recording.yearValues`, `.segmentValues`), reused: rows are made from them before the next run */
  readonly yearValues: Float64Array;
  readonly segmentValues: Float64Array;
  /** a recorded run's commitments by year and what they were made from (`beginRecording`), reused */
  readonly commitments: Commitments;
  /** warnings the schedules of a run found (a capped tranche amount), handed to a recorded run's warnings */
  readonly notes: ModelWarning[];
}

/** A segment's yearly multipliers in `FactoryPlan.segState`: g(changePerYear, t), of arpu and usage, and the hour's premium. */
const SG = { g: 0, gArpu: 1, gUsage: 2, premium: 3 } as const;
const SG_COUNT = 4;
/** `FactoryPlan.segMeta`: the kind code in the low bits, then the flags. */
const META_KIND = 0xff;
const META_CASH = 0x100;
const META_BILLED_ALL = 0x200;

/** A segment's inputs after its intensity slot, in the order `slots.ts` lays them out. */
const SO = { hidden: 1, price: 2, change: 3, discount: 4, arpu: 5, tokensPerUser: 6, arpuChange: 7, usageGrowth: 8, techPremium: 9 } as const;

/** Each segment's intensity slot, once the layout is checked to put its other inputs at `SO` from it and its T shares just before. */
function segmentBases(layout: Layout, T: number): Int32Array {
  return Int32Array.from(layout.segments, (sl) => {
    const o = sl.intensity;
    const at = [sl.share + T, o + SO.hidden, o + SO.price, o + SO.change, o + SO.discount, o + SO.arpu, o + SO.tokensPerUser, o + SO.arpuChange, o + SO.usageGrowth, o + SO.techPremium];
    const want = [sl.intensity, sl.hidden, sl.price, sl.change, sl.discount, sl.arpu, sl.tokensPerUser, sl.arpuChange, sl.usageGrowth, sl.techPremium];
    if (at.some((v, i) => v !== want[i])) throw new Error("a segment's slots are not laid out as the year loop reads them (factory.ts SO)");
    return o;
  });
}

export function factoryPlan(st: Structure, layout: Layout): FactoryPlan {
  const T = st.T;
  const nSeg = st.kinds.length;
  const segSlots = (k: keyof Layout['segments'][number]): Int32Array => Int32Array.from(layout.segments.map((s) => s[k]));
  const years = (): Float64Array => new Float64Array(T + 1);
  const segs = (): Float64Array => new Float64Array(nSeg);
  return {
    T,
    startYear: st.startYear,
    layout,
    nSeg,
    own: st.own,
    ownFacility: st.facilityMode === 'own',
    leaseFacility: st.facilityMode === 'lease',
    tokensMode: st.tokensMode,
    hasPower: st.hasPower,
    refresh: st.refresh,
    hasDebt: st.hasDebt && st.capital === null,
    levered: st.hasDebt,
    cap: st.capital !== null && layout.capital !== null ? capitalPlan(st.capital, layout.capital, T, st.startYear) : null,
    straight: st.straight,
    bookValue: st.bookValue,
    constantShares: st.constantShares,
    kinds: Int32Array.from(st.kinds.map((k) => KIND_CODES[k])),
    cash: Uint8Array.from(st.cash.map(Number)),
    billedAll: Uint8Array.from(st.reasoningBilled.map(Number)),
    sShare: segSlots('share'),
    sIntensity: segSlots('intensity'),
    sHidden: segSlots('hidden'),
    sPrice: segSlots('price'),
    sChange: segSlots('change'),
    sDiscount: segSlots('discount'),
    sArpu: segSlots('arpu'),
    sTokensPerUser: segSlots('tokensPerUser'),
    sArpuChange: segSlots('arpuChange'),
    sUsageGrowth: segSlots('usageGrowth'),
    sPremium: segSlots('techPremium'),
    segBase: segmentBases(layout, T),
    segMeta: Int32Array.from(st.kinds, (k, j) => KIND_CODES[k] | (st.cash[j] ? META_CASH : 0) | (st.reasoningBilled[j] ? META_BILLED_ALL : 0)),
    genCapex: years(),
    genDep: years(),
    depAt: years(),
    writeOffAt: years(),
    residualAt: years(),
    capexAt: years(),
    draws: years(),
    principalDue: years(),
    fcf: years(),
    eq: years(),
    disc: years(),
    work: years(),
    workAbs: years(),
    segState: new Float64Array(nSeg * SG_COUNT),
    segQ: segs(),
    segB: segs(),
    segR: segs(),
    segV: segs(),
    segAux: segs(),
    acc: new Float64Array(A_COUNT),
    capacity: years(),
    genIn: years(),
    bought: years(),
    strategicAt: years(),
    yearValues: new Float64Array(T * YEAR_VALUES),
    segmentValues: new Float64Array(nSeg * T * SEGMENT_VALUES),
    commitments: newCommitments(),
    notes: [],
  };
}

const div = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** The commitment years a plan keeps room for (MODEL.md §2: terms are at most 50 years); longer ones get their own arrays. */
const MAX_COMMITMENT_YEARS = 50;
const finiteOrNaN = (x: number): number => (Number.isFinite(x) ? x : Number.NaN);

/**
 * Run one factory over its horizon: a sample's inputs in `x` (a vector of
 * `plan.layout.count` slots); its metrics into `m`; every line into `rec`
 * when given. `classify` asks for the IRRs' root classes (the Monte Carlo's).
 * `served`, when given, is the compute the factory serves each year (index t,
 * from a market shared between factories, MODEL.md §8) in place of its own
 * demand.
 *
 * @example
 * const plan = factoryPlan(structureOf(s), layout);
 * extractInputs(s, layout, x);
 * runFactory(plan, x, m, newRecording(), false);
 */
export function runFactory(plan: FactoryPlan, x: Float64Array, m: FactoryMetrics, rec: Recording | null, classify: boolean, served: Float64Array | null = null): void {
  schedules(plan, x);
  const recd = rec === null ? null : beginRecording(plan, x, rec);
  yearsOf(plan, x, recd, served, plan.levered || recd !== null);
  if (plan.cap !== null) capitalRun(plan, x, plan.cap, recd);
  summarize(plan, x, m, recd, classify);
}

/**
 * A run's flows and running sums without its summary (no IRR, no payback):
 * `plan.fcf`, `plan.eq`, `plan.strategicAt` and `plan.acc` as `runFactory`
 * leaves them — what a portfolio's Monte Carlo consolidates (MODEL.md §8).
 */
export function runFactoryFlows(plan: FactoryPlan, x: Float64Array, served: Float64Array | null = null): void {
  schedules(plan, x);
  yearsOf(plan, x, null, served, true);
  if (plan.cap !== null) capitalRun(plan, x, plan.cap, null);
}

/**
 * §3.1 a factory's capacity in compute units by year t = 1..T (index t of the
 * plan's buffer, valid until its next run), without running the rest: what a
 * market shared between factories (MODEL.md §8) allocates its demand across.
 *
 * @example
 * const C = factoryCapacity(plan, x); // C[t], t = 1..T
 */
export function factoryCapacity(plan: FactoryPlan, x: Float64Array): Float64Array {
  schedules(plan, x);
  return plan.capacity;
}

// Each loop over the years sits in a function of its own with nothing after it: a loop compiled on stack
// replacement mid-way through a function that goes on after it would be compiled without feedback for the
// rest, and V8 can re-enter that code, and bail out of it, on every call. What the steps hand on lives in
// `plan.acc` (indices `A`).

/** §3.1 the fleet and its generations, §3.4 the facility, §3.6 the capex and debt schedules and the commitments after the horizon. */
function schedules(plan: FactoryPlan, x: Float64Array): void {
  const { T, layout: l, own, refresh, hasDebt, leaseFacility, genCapex, genDep, capexAt, draws, principalDue, acc } = plan;
  const itMW = x[l.itMW] as number;
  const N = acceleratorCount(itMW, x[l.kW] as number);
  const L = own ? (x[l.usefulLife] as number) : T;
  const D = own ? (x[l.depreciationYears] as number) : T;
  const residualFrac = own ? (x[l.residualValue] as number) : 0;
  const G = own ? (refresh ? Math.floor((T - 1) / L) + 1 : 1) : 0;
  const facCapex = plan.ownFacility ? (x[l.facilityCapexPerMW] as number) * itMW : 0;
  const facLife = plan.ownFacility ? (x[l.facilityLife] as number) : 1;
  acc[A.N] = N;
  acc[A.L] = L;
  acc[A.D] = D;
  acc[A.G] = G;
  acc[A.residual] = residualFrac;
  acc[A.facCapex] = facCapex;
  acc[A.facLife] = facLife;
  acc[A.facDep] = plan.ownFacility ? facCapex / facLife : 0;
  for (let t = 0; t <= T; t++) {
    capexAt[t] = 0;
    draws[t] = 0;
    principalDue[t] = 0;
  }
  capexAt[0] = facCapex;
  generations(plan, N * (x[l.capexPerAccelerator] as number), x[l.capexChangePerYear] as number, G, L, D, residualFrac);
  if (hasDebt) debtSchedule(plan, x[l.debtShare] as number, x[l.debtTerm] as number);
  const leaseTerm = leaseFacility ? (x[l.leaseTerm] as number) : 0;
  const rentTerm = own ? 0 : (x[l.rentTerm] as number);
  const cap = plan.cap;
  const commitRate =
    cap !== null ? capitalSchedule(cap, x, capexAt, genCapex, G, L, draws, x[l.wacc] as number, plan.notes) : hasDebt ? (x[l.debtRate] as number) : (x[l.wacc] as number);
  if (cap !== null && cap.idcTotal > 0) idcSchedule(plan, cap, G, L, D);
  acc[A.commitRate] = commitRate;
  acc[A.owedAfter] =
    owedAfterHorizon(T, leaseTerm, leaseCost(itMW, x[l.leasePerKWMonth] as number, 1), x[l.leaseEscalation] as number, commitRate) +
    owedAfterHorizon(T, rentTerm, rentCost(N, x[l.rentPerHour] as number, 1), x[l.rentChange] as number, commitRate);
  fleetCapacity(plan, N, L, G, x[l.tokensPerSecond] as number, x[l.perfGainPerYear] as number, x[l.softwareGain] as number);
}

/** §3.1 each year's generation in service (−1: none), its purchase year b_k and the capacity `C_t = N_t · τ_t · 3600 · H`. */
function fleetCapacity(plan: FactoryPlan, N: number, L: number, G: number, tokensPerSecond: number, perfGainPerYear: number, softwareGain: number): void {
  const { T, own, capacity, genIn, bought } = plan;
  let gSoftware = 1;
  let perfFor = -1;
  let perfFactor = 1;
  for (let t = 1; t <= T; t++) {
    if (t > 1) gSoftware *= 1 + softwareGain;
    let k = 0;
    let inService = true;
    if (own) {
      k = Math.floor((t - 1) / L);
      inService = k < G;
    }
    const b = own && inService ? k * L : 0;
    if (b !== perfFor) {
      perfFor = b;
      perfFactor = powInt(perfGainPerYear, b);
    }
    genIn[t] = inService ? k : -1;
    bought[t] = b;
    capacity[t] = capacityComputeUnits(inService ? N : 0, throughputPerAccelerator(tokensPerSecond, perfFactor, gSoftware));
  }
}

/** §3.1 generation k, bought at b_k = k·L: its capex K_k and yearly depreciation; capex by t and in all. */
function generations(plan: FactoryPlan, firstCapex: number, capexChange: number, G: number, L: number, D: number, residualFrac: number): void {
  const { T, genCapex, genDep, capexAt, depAt, writeOffAt, residualAt, acc } = plan;
  let total = capexAt[0] as number;
  const facLife = acc[A.facLife] as number;
  const facDep = acc[A.facDep] as number;
  for (let t = 1; t <= T; t++) {
    depAt[t] = t <= facLife ? facDep : 0;
    writeOffAt[t] = 0;
    residualAt[t] = 0;
  }
  for (let k = 0; k < G; k++) {
    const b = k * L;
    const capex = generationCapex(firstCapex, capexChange, b);
    const gd = itDepreciationPerYear(capex, residualFrac, D);
    genCapex[k] = capex;
    genDep[k] = gd;
    capexAt[b] = (capexAt[b] as number) + capex;
    total += capex;
    // in service in years b + 1 … b + L, depreciated over the first D of them; sold at the end of year b + L
    const last = b + L;
    for (let t = b + 1; t <= Math.min(b + D, last, T); t++) depAt[t] = (depAt[t] as number) + gd;
    if (last <= T) {
      // NBV − residual·K = K(1 − residual)(1 − L/D) = dep·(D − L) when D > L; exactly 0 when D ≤ L
      // (written this way, not as a difference, so a fully depreciated generation leaves no rounding dust)
      if (D > L) writeOffAt[last] = (writeOffAt[last] as number) + gd * (D - L);
      residualAt[last] = (residualAt[last] as number) + residualFrac * capex;
    }
  }
  acc[A.totalCapex] = total;
}

/** §3.6 debt: each capex event draws share · capex, repaid straight or bullet. */
function debtSchedule(plan: FactoryPlan, share: number, term: number): void {
  const { T, capexAt, draws, principalDue, straight } = plan;
  for (let t = 0; t <= T; t++) {
    const loan = share * (capexAt[t] as number);
    if (loan <= 0) continue;
    draws[t] = loan;
    for (let j = 1; j <= term && t + j <= T; j++) principalDue[t + j] = (principalDue[t + j] as number) + (straight ? loan / term : j === term ? loan : 0);
  }
}

/**
 * §9 the share of the interest during construction that levered tax deducts
 * each year: with generation 0, pro rata to its depreciation and write-off
 * (with the owned facility when generation 0 cost nothing).
 */
function idcSchedule(plan: FactoryPlan, cap: CapitalPlan, G: number, L: number, D: number): void {
  const { T, genCapex, genDep, acc } = plan;
  const f = cap.idcFrac;
  for (let t = 0; t <= T; t++) f[t] = 0;
  const K0 = G > 0 ? (genCapex[0] as number) : 0;
  if (K0 > 0) {
    const dep = (genDep[0] as number) / K0;
    for (let t = 1; t <= Math.min(T, D, L); t++) f[t] = dep;
    if (D > L && L <= T) f[L] = (f[L] as number) + dep * (D - L);
    return;
  }
  const facCapex = acc[A.facCapex] as number;
  if (facCapex > 0) for (let t = 1; t <= Math.min(T, acc[A.facLife] as number); t++) f[t] = (acc[A.facDep] as number) / facCapex;
}

/**
 * §3.6 the payments of years T + 1 … term (`first · g(change, j)`, the lease or the rent of year j), owed
 * at T: each discounted at `rate` from its year back to T.
 */
function owedAfterHorizon(T: number, term: number, first: number, change: number, rate: number): number {
  let owed = 0;
  for (let j = T + 1; j <= term; j++) owed += owedAtHorizon(first * growth(change, j), rate, j - T);
  return owed;
}

/** The years 1..T: capacity, demand, revenue, costs, the funnel, taxes, debt and the flows; the summary's running sums into `plan.acc`. */
/** `equityLines`: work out the debt and equity lines (a levered run, a recorded one, a portfolio's flows); else `plan.eq` is left as it was. */
function yearsOf(plan: FactoryPlan, x: Float64Array, recd: RecordState | null, served: Float64Array | null, equityLines: boolean): void {
  const { T, layout: l, nSeg, kinds, cash, acc, cap } = plan;
  // the plan's flags as booleans the compiler knows to be booleans (a bare field would be tested as any value)
  const own = plan.own === true;
  const hasDebt = plan.hasDebt === true;
  const hasPower = plan.hasPower === true;
  const leaseFacility = plan.leaseFacility === true;
  const tokensMode = plan.tokensMode === true;
  const bookValue = plan.bookValue === true;
  const { genCapex, capexAt, draws, principalDue, fcf, eq, disc, depAt, writeOffAt, residualAt, segQ, segB, segR, segV, segAux, genIn, bought, capacity, strategicAt } = plan;
  const sb = plan.segBase;
  const segMeta = plan.segMeta;
  const sg = plan.segState;
  // the constants of the loops as literals, each typed as the constant it stands for (so the compiler checks it
  // is that constant's value): a module's constant would be read from its scope, and checked, at each use
  const oHidden: typeof SO.hidden = 1;
  const oPrice: typeof SO.price = 2;
  const oChange: typeof SO.change = 3;
  const oDiscount: typeof SO.discount = 4;
  const oArpu: typeof SO.arpu = 5;
  const oTokensPerUser: typeof SO.tokensPerUser = 6;
  const oArpuChange: typeof SO.arpuChange = 7;
  const oUsageGrowth: typeof SO.usageGrowth = 8;
  const oTechPremium: typeof SO.techPremium = 9;
  const gAt: typeof SG.g = 0;
  const gArpuAt: typeof SG.gArpu = 1;
  const gUsageAt: typeof SG.gUsage = 2;
  const premiumAt: typeof SG.premium = 3;
  const sgCount: typeof SG_COUNT = 4;
  const kindPerMTok: typeof KIND_PER_MTOK = 0;
  const kindSubscription: typeof KIND_SUBSCRIPTION = 1;
  const kindPerHour: typeof KIND_PER_HOUR = 2;
  const kindImputed: typeof KIND_IMPUTED = 3;
  const metaKind: typeof META_KIND = 0xff;
  const metaCash: typeof META_CASH = 0x100;
  const metaBilledAll: typeof META_BILLED_ALL = 0x200;
  // a segment's lines kept for after the loop over segments: a recorded run's rows, the capital stack's contracts and traceable revenue
  const contracts = cap !== null && cap.contractSegs.length > 0;
  const keepSegments = recd !== null || cap !== null;
  // the inputs
  const itMW = x[l.itMW] as number;
  const pue = x[l.pue] as number;
  const powerPrice = x[l.powerPrice] as number;
  const powerEscalation = x[l.powerEscalation] as number;
  const idle = x[l.idle] as number;
  const leasePerKWMonth = x[l.leasePerKWMonth] as number;
  const leaseEscalation = x[l.leaseEscalation] as number;
  const leaseTerm = leaseFacility ? (x[l.leaseTerm] as number) : 0;
  const maintenancePct = x[l.maintenance] as number;
  const rentPerHour = x[l.rentPerHour] as number;
  const rentChange = x[l.rentChange] as number;
  const rentTerm = own ? 0 : (x[l.rentTerm] as number);
  const tokensPerYear = x[l.tokensPerYear] as number;
  const growthPerYear = x[l.growthPerYear] as number;
  const maxUtilization = x[l.maxUtilization] as number;
  const wacc = x[l.wacc] as number;
  const taxRate = x[l.taxRate] as number;
  const debtRate = x[l.debtRate] as number;
  const fixedPerMWYear = x[l.fixedPerMWYear] as number;
  const otherCostPerMTok = x[l.otherCostPerMTok] as number;
  const minMargin = x[l.minMargin] as number;

  const N = acc[A.N] as number;
  const L = acc[A.L] as number;
  const D = acc[A.D] as number;
  const G = acc[A.G] as number;
  const residualFrac = acc[A.residual] as number;
  const facCapex = acc[A.facCapex] as number;
  const facLife = acc[A.facLife] as number;
  const facDep = acc[A.facDep] as number;
  const owedAfter = acc[A.owedAfter] as number;

  // year 0: the build
  const f0 = 0 - (capexAt[0] as number);
  fcf[0] = f0;
  eq[0] = (draws[0] as number) - (capexAt[0] as number);
  disc[0] = f0 / powInt(1 + wacc, 0);
  let npv = disc[0] as number;
  let cumulative = f0;
  let minCumulative = Math.min(0, f0);
  let cumAtRentTerm = f0;
  let outstanding = draws[0] as number;
  let taxPool = 0;
  let leveredPool = 0;
  let svPV = 0;
  let active = 0;
  let revSum = 0;
  let gpSum = 0;
  let tokensSum = 0;
  let profitableSum = 0;
  // the yearly multipliers g(r, t), carried forward year to year: g_{t+1} = g_t · (1 + r)
  let gPower = 1;
  let gLease = 1;
  let gRent = 1;
  let gDemand = 1;
  let discount = 1;
  let factorsFor = -1;
  const constantShares = plan.constantShares === true;
  const utilizationSlot = l.utilization;
  let w = 0;

  for (let t = 1; t <= T; t++) {
    if (t > 1) {
      gPower *= 1 + powerEscalation;
      gLease *= 1 + leaseEscalation;
      gRent *= 1 + rentChange;
      gDemand *= 1 + growthPerYear;
    }

    // §3.1 the fleet in service and its capacity (fleetCapacity)
    const k = genIn[t] as number;
    const inService = k >= 0;
    const b = bought[t] as number;
    if (b !== factorsFor) {
      // the premium of an hour of the hardware bought at b
      factorsFor = b;
      for (let j = 0; j < nSeg; j++) if (((segMeta[j] as number) & metaKind) === kindPerHour) sg[j * sgCount + premiumAt] = powInt(x[(sb[j] as number) + oTechPremium] as number, b);
    }
    const Nt = inService ? N : 0;
    const C = capacity[t] as number;

    // §3.2 demand
    // the mix weight w = Σ share · intensity (with shares the same every year, the first year's sum serves them all)
    const shareAt = constantShares ? 0 : t - 1;
    if (t === 1 || !constantShares) {
      w = 0;
      for (let j = 0; j < nSeg; j++) {
        const o = sb[j] as number;
        w += (x[o - T + shareAt] as number) * (x[o] as number);
      }
    }
    let U: number;
    let u: number;
    let unmet = 0;
    if (served !== null) {
      // a market shared between factories decided what this one serves (MODEL.md §8)
      U = served[t] as number;
      u = C === 0 ? 0 : U / C;
    } else if (tokensMode) {
      const Dt = demandedTokens(tokensPerYear, gDemand);
      U = servedComputeTokensMode(Dt, w, maxUtilization, C);
      u = C === 0 ? 0 : U / C;
      const left = Dt - U / w;
      unmet = left > Dt * 1e-12 ? left : 0;
    } else {
      u = x[utilizationSlot + t - 1] as number;
      U = u * C;
    }
    const Q = U / w;

    // §3.4 costs (none depends on revenue: worked out first, so a segment's funnel is decided in the loop over segments)
    const power = hasPower && inService ? powerCost(energyMWh(itMW, pue, idle, u), powerPrice, gPower) : 0;
    const lease = leaseFacility ? leaseCost(itMW, leasePerKWMonth, gLease) : 0;
    const rent = own ? 0 : rentCost(N, rentPerHour, gRent);
    const maintenance = own && inService ? maintenancePct * (genCapex[k] as number) : 0;
    const fixedOpex = fixedPerMWYear * itMW;
    const otherCost = perTokenCost(otherCostPerMTok, Q);
    const depreciation = depAt[t] as number;
    const writeOff = writeOffAt[t] as number;
    const residual = residualAt[t] as number;
    const cogs = power + lease + rent + maintenance + fixedOpex + otherCost + depreciation;
    const opexCash = cogs - depreciation;

    // §3.3 revenue and strategic value per segment; §3.5 its tokens profitable or not (after the loop when
    // contracts change a segment's revenue)
    let R = 0;
    let V = 0;
    let profitable = 0;
    for (let j = 0; j < nSeg; j++) {
      const o = sb[j] as number;
      const meta = segMeta[j] as number;
      const gs = j * sgCount;
      const s = x[o - T + shareAt] as number;
      const Qi = s * Q;
      const Bi = billedOf(Qi, x[o + oHidden] as number, (meta & metaBilledAll) !== 0);
      let Ri = 0;
      let Vi = 0;
      let aux = 0;
      switch (meta & metaKind) {
        // each yearly multiplier g(r, t) is carried forward from the year before where it is used
        case kindPerMTok: {
          const g = t === 1 ? 1 : (sg[gs + gAt] as number) * (1 + (x[o + oChange] as number));
          sg[gs + gAt] = g;
          Ri = perMTokRevenue(Bi, x[o + oPrice] as number, g, x[o + oDiscount] as number);
          break;
        }
        case kindSubscription: {
          const gUsage = t === 1 ? 1 : (sg[gs + gUsageAt] as number) * (1 + (x[o + oUsageGrowth] as number));
          const gArpu = t === 1 ? 1 : (sg[gs + gArpuAt] as number) * (1 + (x[o + oArpuChange] as number));
          sg[gs + gUsageAt] = gUsage;
          sg[gs + gArpuAt] = gArpu;
          aux = subscriptionUsers(Qi, x[o + oTokensPerUser] as number, gUsage);
          Ri = subscriptionRevenue(aux, x[o + oArpu] as number, gArpu);
          break;
        }
        case kindPerHour: {
          const g = t === 1 ? 1 : (sg[gs + gAt] as number) * (1 + (x[o + oChange] as number));
          sg[gs + gAt] = g;
          aux = acceleratorHoursSold((s * (x[o] as number)) / w, u, Nt);
          Ri = perAcceleratorHourRevenue(aux, x[o + oPrice] as number, g, sg[gs + premiumAt] as number);
          break;
        }
        case kindImputed: {
          const g = t === 1 ? 1 : (sg[gs + gAt] as number) * (1 + (x[o + oChange] as number));
          sg[gs + gAt] = g;
          Vi = imputedValue(Bi, x[o + oPrice] as number, g);
          break;
        }
        default:
          break;
      }
      if (keepSegments) {
        segQ[j] = Qi;
        segB[j] = Bi;
        segR[j] = Ri;
        segV[j] = Vi;
        segAux[j] = aux;
      } else if ((meta & metaCash) !== 0 && Ri > 0 && isProfitable(Ri, allocatedCost(x[o] as number, cogs, U, Qi), minMargin)) profitable += Qi;
      R += Ri;
      V += Vi;
    }
    if (keepSegments) {
      // §9 contracts: a contract segment earns its contract price for its term
      if (contracts) R += contractsYear(cap, x, t, kinds, segR, segB, segAux);
      for (let j = 0; j < nSeg; j++) {
        if (cash[j] !== 1) continue;
        const Ri = segR[j] as number;
        if (!(Ri > 0)) continue;
        const Qi = segQ[j] as number;
        if (isProfitable(Ri, allocatedCost(x[sb[j] as number] as number, cogs, U, Qi), minMargin)) profitable += Qi;
      }
    }

    // §3.5 profit
    const grossProfit = R - cogs;
    const ebitda = R - opexCash;
    const ebit = ebitda - depreciation - writeOff;

    // §3.6 cash flows, taxes, financing
    const tax = taxWithCarryForward(ebit, taxRate, taxPool);
    taxPool = lossPoolAfter(ebit, taxPool);
    const capex = capexAt[t] as number;
    const terminal = t === T && bookValue ? bookValueAtEnd(plan, t, G, L, D, facCapex, facDep, facLife) : 0;
    const owed = t === T ? owedAfter : 0;
    const flow = ebitda - tax - capex + residual + terminal - owed;
    fcf[t] = flow;
    cumulative += flow;
    if (cumulative < minCumulative) minCumulative = cumulative;
    if (!own && t === Math.min(rentTerm, T)) cumAtRentTerm = cumulative;

    let interest = 0;
    let principal = 0;
    let draw = 0;
    let outNext = 0;
    let repaidAtHorizon = 0;
    let leveredTax = 0;
    let equity = 0;
    if (equityLines) {
      const out0 = outstanding;
      interest = hasDebt ? debtRate * out0 : 0;
      principal = principalDue[t] as number;
      draw = draws[t] as number;
      outNext = out0 + draw - principal;
      if (Math.abs(outNext) < 1e-6 * Math.max(1, draws[0] as number)) outNext = 0;
      outstanding = outNext;
      repaidAtHorizon = t === T ? outNext : 0;
      leveredTax = taxWithCarryForward(ebit - interest, taxRate, leveredPool);
      leveredPool = lossPoolAfter(ebit - interest, leveredPool);
      equity = ebitda - leveredTax - capex + draw - interest - principal + residual + (t === T ? terminal - repaidAtHorizon - owed : 0);
      eq[t] = equity;
    }
    if (cap !== null) {
      // what the capital stack's debt needs of the year (capitalYears)
      cap.ebitda[t] = ebitda;
      cap.ebit[t] = ebit;
      cap.residual[t] = residual;
      cap.terminal[t] = terminal;
      cap.owed[t] = owed;
    }

    // §3.7 the summary's running sums
    if (Nt > 0) {
      active++;
      revSum += R / itMW;
      gpSum += grossProfit / itMW;
    }
    tokensSum += Q;
    profitableSum += profitable;
    discount *= 1 + wacc; // (1 + wacc)^t, carried forward
    const vAfterTax = V * (1 - taxRate);
    strategicAt[t] = vAfterTax;
    svPV += vAfterTax / discount;
    const d = flow / discount;
    disc[t] = d;
    npv += d;

    if (recd !== null) {
      const book = plan.levered ? bookValueAtEnd(plan, t, G, L, D, facCapex, facDep, facLife) : 0;
      if (recd.direct) {
        // year t's row made here, from the year's own values (a row made and filled in one function is built in place)
        const row = newYearRow(t, plan.startYear + t - 1);
        row.accelerators = Nt;
        row.generation = own ? (inService ? k : null) : 0;
        row.capacityTokens = C;
        row.utilization = u;
        row.tokens = Q;
        row.unmetTokens = tokensMode ? unmet : null;
        row.revenue = R;
        row.strategicValue = V;
        row.power = power;
        row.lease = lease;
        row.rent = rent;
        row.maintenance = maintenance;
        row.fixedOpex = fixedOpex;
        row.otherCost = otherCost;
        row.depreciation = depreciation;
        row.writeOff = writeOff;
        row.cogs = cogs;
        row.grossProfit = grossProfit;
        row.grossMargin = marginOf(grossProfit, R);
        row.ebitda = ebitda;
        row.ebit = ebit;
        row.tax = tax;
        row.capex = capex;
        row.residual = residual;
        row.terminalValue = terminal;
        row.commitmentsAfterHorizon = owed;
        row.fcf = flow;
        row.cumulativeFcf = cumulative;
        row.draws = draw;
        row.debtOutstanding = outNext;
        row.interest = interest;
        row.principal = principal;
        row.debtRepaidAtHorizon = repaidAtHorizon;
        row.leveredTax = leveredTax;
        row.equityCashFlow = equity;
        row.dscr = dscrOf(ebitda, interest + principal);
        row.ltv = plan.levered ? ltvOf(outNext, book) : null;
        row.revenuePerMW = R / itMW;
        row.grossProfitPerMW = grossProfit / itMW;
        row.ebitdaPerMW = ebitda / itMW;
        row.strategicRevenuePerMW = (R + V) / itMW;
        row.costPerMTok = perMTokOf(cogs, Q);
        recd.U = U;
        // the last guard against NaN/Infinity: the year's values, summed (`recordYear` adds the funnel and the ratios)
        recd.check =
          Nt + C + u + Q + U + unmet + R + V + (power + lease + rent + maintenance + fixedOpex + otherCost + depreciation + writeOff) +
          (cogs + grossProfit + ebitda + ebit + tax + capex + residual + terminal + owed) +
          (flow + cumulative + draw + outNext + interest + principal + repaidAtHorizon + leveredTax + equity + book);
        recordYear(plan, x, recd, t, row);
      } else {
        // year t's lines straight into the recording's values
        const v = plan.yearValues;
        const o = (t - 1) * YEAR_VALUES;
        v[o + RV.k] = own ? (inService ? k : -1) : 0;
        v[o + RV.Nt] = Nt;
        v[o + RV.C] = C;
        v[o + RV.u] = u;
        v[o + RV.Q] = Q;
        v[o + RV.U] = U;
        v[o + RV.unmet] = unmet;
        v[o + RV.R] = R;
        v[o + RV.V] = V;
        v[o + RV.power] = power;
        v[o + RV.lease] = lease;
        v[o + RV.rent] = rent;
        v[o + RV.maintenance] = maintenance;
        v[o + RV.fixedOpex] = fixedOpex;
        v[o + RV.otherCost] = otherCost;
        v[o + RV.depreciation] = depreciation;
        v[o + RV.writeOff] = writeOff;
        v[o + RV.cogs] = cogs;
        v[o + RV.grossProfit] = grossProfit;
        v[o + RV.ebitda] = ebitda;
        v[o + RV.ebit] = ebit;
        v[o + RV.tax] = tax;
        v[o + RV.capex] = capex;
        v[o + RV.residual] = residual;
        v[o + RV.terminal] = terminal;
        v[o + RV.owed] = owed;
        v[o + RV.flow] = flow;
        v[o + RV.cumulative] = cumulative;
        v[o + RV.draw] = draw;
        v[o + RV.outstanding] = outNext;
        v[o + RV.interest] = interest;
        v[o + RV.principal] = principal;
        v[o + RV.repaid] = repaidAtHorizon;
        v[o + RV.leveredTax] = leveredTax;
        v[o + RV.equity] = equity;
        v[o + RV.book] = book;
        v[o + RV.itMW] = itMW;
        if (cap !== null) {
          cap.book[t] = book;
          cap.marketValue[t] = cap.st.marketValue ? marketValueAtEnd(plan, t, G, L, facCapex, facDep, facLife, x[cap.slots.decline] as number) : book;
          cap.revenue[t] = R;
          cap.value[t] = V;
          let traceable = 0;
          for (let j = 0; j < nSeg; j++) if (cap.traceable[j] === 1) traceable += segR[j] as number;
          cap.traceableRevenue[t] = traceable;
        }
        v[o + RV.minMargin] = minMargin;
        recordYear(plan, x, recd, t, null);
      }
    }
    // what the summary needs, handed on (in the loop: nothing may follow it)
    if (t === T) {
      acc[A.npv] = npv;
      acc[A.svPV] = svPV;
      acc[A.active] = active;
      acc[A.revSum] = revSum;
      acc[A.gpSum] = gpSum;
      acc[A.tokens] = tokensSum;
      acc[A.profitable] = profitableSum;
      acc[A.minCumulative] = minCumulative;
      acc[A.cumAtRentTerm] = cumAtRentTerm;
    }
  }
}

/** §3.6, §3.7 the summary metrics into `m`; recording, the whole summary and its warnings. */
function summarize(plan: FactoryPlan, x: Float64Array, m: FactoryMetrics, recd: RecordState | null, classify: boolean): void {
  const { T, levered, fcf, eq, disc, capexAt, acc, tokensMode } = plan;
  const npv = acc[A.npv] as number;
  const svPV = acc[A.svPV] as number;
  const active = acc[A.active] as number;
  const revSum = acc[A.revSum] as number;
  const gpSum = acc[A.gpSum] as number;
  const tokensSum = acc[A.tokens] as number;
  const profitableSum = acc[A.profitable] as number;
  const totalCapex = acc[A.totalCapex] as number;
  const owedAfter = acc[A.owedAfter] as number;
  const itMW = x[plan.layout.itMW] as number;
  const n = T + 1;
  const irr = irrFast(fcf, n);
  const irrClass = classify ? irrRootClass(fcf, n, irr, plan.work, plan.workAbs) : IRR_NONE;
  let equityIrr = irr;
  let equityIrrClass = irrClass;
  if (levered) {
    equityIrr = irrFast(eq, n);
    equityIrrClass = classify ? irrRootClass(eq, n, equityIrr, plan.work, plan.workAbs) : IRR_NONE;
  }
  const payback = totalCapex === 0 ? 0 : paybackPeriod(fcf, n);
  m.npv = finiteOrNaN(npv);
  m.irr = irr === null ? Number.NaN : finiteOrNaN(irr);
  m.equityIrr = equityIrr === null ? Number.NaN : finiteOrNaN(equityIrr);
  m.paybackYears = payback === null ? Number.NaN : finiteOrNaN(payback);
  m.grossProfitPerMW = active === 0 ? Number.NaN : finiteOrNaN(gpSum / active);
  m.revenuePerMW = active === 0 ? Number.NaN : finiteOrNaN(revSum / active);
  m.profitableShare = tokensSum === 0 ? Number.NaN : finiteOrNaN(profitableSum / tokensSum);
  m.strategicNpv = finiteOrNaN(npv + svPV);
  m.irrClass = irrClass;
  m.equityIrrClass = equityIrrClass;
  m.cumAtRentTerm = acc[A.cumAtRentTerm] as number;
  if (recd === null) return;

  // the whole summary and its warnings (a recorded run)
  const s = recd.rec.summary;
  const warnings = recd.rec.warnings;
  if (irr === null) {
    warnings.push({
      code: 'irr-none',
      field: 'irr',
      message: totalCapex === 0 ? 'irr: no capex, the cash flows never change sign' : 'irr: the cash flows have no internal rate of return in (−99 %, 1000 %)',
    });
  }
  if (levered && equityIrr === null) {
    warnings.push({ code: 'equity-irr-none', field: 'equityIrr', message: 'equityIrr: the equity cash flows have no internal rate of return in (−99 %, 1000 %)' });
  }
  if (payback === null) {
    warnings.push({ code: 'payback-never', field: 'paybackYears', message: `paybackYears: the cumulative free cash flow never turns positive within ${T} years` });
  }
  s.npv = npv;
  s.irr = irr;
  s.equityIrr = equityIrr;
  s.paybackYears = payback;
  s.discountedPaybackYears = totalCapex === 0 ? 0 : paybackPeriod(disc, n);
  s.peakFunding = Math.max(0, -(acc[A.minCumulative] as number));
  s.capexPerMW = (capexAt[0] as number) / itMW;
  s.totalCapex = totalCapex;
  s.revenuePerMW = active === 0 ? null : revSum / active;
  s.grossProfitPerMW = active === 0 ? null : gpSum / active;
  s.ebitdaPerMW = active === 0 ? null : recd.ebitdaSum / active;
  s.strategicRevenuePerMW = active === 0 ? null : recd.strategicRevSum / active;
  s.grossMargin = div(recd.gpTotal, recd.revenueTotal);
  s.totalTokens = tokensSum;
  s.billedTokens = recd.billedSum;
  s.monetizableTokens = recd.monetizableSum;
  s.profitableTokens = profitableSum;
  s.strategicTokens = recd.strategicTokensSum;
  s.hiddenReasoningTokens = recd.hiddenSum;
  s.unmetTokens = tokensMode ? recd.unmetSum : null;
  s.monetizableShare = div(recd.monetizableSum, tokensSum);
  s.profitableShare = div(profitableSum, tokensSum);
  s.costPerMTok = tokensSum === 0 ? null : (recd.cogsSum / tokensSum) * 1e6;
  s.realizedPricePerMTok = recd.billedSum === 0 ? null : (recd.revenueTotal / recd.billedSum) * 1e6;
  s.totalRevenue = recd.revenueTotal;
  s.totalGrossProfit = recd.gpTotal;
  s.minDscr = levered ? recd.minDscr : null;
  s.maxLtv = levered ? recd.maxLtv : null;
  s.leaseCommitment = recd.leaseCommitment;
  s.leaseCommitmentPV = recd.leaseCommitmentPV;
  s.commitmentsAfterHorizon = owedAfter;
  s.strategicValuePV = svPV;
  s.strategicNpv = npv + svPV;
  const c = recd.capital;
  if (c !== null) {
    s.maxRefinancingNeed = c.maxRefinancingNeed;
    s.maxRefinancingNeedRatio = c.maxRefinancingNeedRatio;
    s.maxMarketLtv = c.maxMarketLtv;
    s.minDscrHeadroom = c.minDscrHeadroom;
    s.marketLtvHeadroom = c.marketLtvHeadroom;
    s.covenantBreachCount = c.covenantBreaches.length;
    s.interestDuringConstruction = c.interestDuringConstruction;
    s.backlog = c.backlog;
    s.contractedRevenue = c.contractedRevenue;
    s.expectedCreditLoss = c.expectedCreditLoss;
    s.traceableShare = c.traceableShare;
    s.covenantBreaches = c.covenantBreaches;
  }
}

/**
 * §9 the capital stack's debt over the years (after the year loop, which
 * left each year's unlevered lines in `cap`); a recorded run also writes the
 * debt lines into the year's values and makes the §9 lines and the summary's.
 */
function capitalRun(plan: FactoryPlan, x: Float64Array, cap: CapitalPlan, recd: RecordState | null): void {
  capitalYears(cap, x, plan.capexAt, plan.eq, x[plan.layout.taxRate] as number, recd !== null);
  if (recd === null) return;
  const v = plan.yearValues;
  let check = 0;
  for (let t = 1; t <= plan.T; t++) {
    const o = (t - 1) * YEAR_VALUES;
    v[o + RV.draw] = cap.draws[t] as number;
    v[o + RV.outstanding] = cap.outstanding[t] as number;
    v[o + RV.interest] = cap.interest[t] as number;
    v[o + RV.principal] = cap.principal[t] as number;
    v[o + RV.repaid] = cap.repaid[t] as number;
    v[o + RV.leveredTax] = cap.leveredTax[t] as number;
    v[o + RV.equity] = plan.eq[t] as number;
    check += (cap.draws[t] as number) + (cap.outstanding[t] as number) + (cap.interest[t] as number) + (cap.principal[t] as number) + (cap.leveredTax[t] as number) + (plan.eq[t] as number);
  }
  recd.rec.outstanding0 = cap.outstanding[0] as number;
  const c = capitalRecord(cap, x, plan.capexAt, recd.rec.warnings);
  recd.capital = c;
  recd.minDscr = c.minDscr;
  recd.maxLtv = c.maxLtv;
  if (c.notFinite || !Number.isFinite(check)) recd.rec.needsFix = true;
}

/** Net book value at the end of year t of the generations still held and of the owned facility. */
function bookValueAtEnd(plan: FactoryPlan, t: number, G: number, L: number, D: number, facCapex: number, facDep: number, facLife: number): number {
  let book = facCapex - facDep * Math.min(t, facLife);
  const T = plan.T;
  for (let j = 0; j < G; j++) {
    const start = 1 + j * L;
    if (start - 1 > t) continue; // not bought yet
    const last = start + L - 1;
    if (last <= T && last <= t) continue; // sold
    const yearsDep = Math.max(0, Math.min(t - start + 1, D, L));
    book += (plan.genCapex[j] as number) - (plan.genDep[j] as number) * yearsDep;
  }
  return book;
}

/**
 * §9 market value at the end of year t: each generation still held at
 * `K_k · (1 − decline)^(t − b_k)`, the owned facility at book value.
 */
function marketValueAtEnd(plan: FactoryPlan, t: number, G: number, L: number, facCapex: number, facDep: number, facLife: number, decline: number): number {
  let value = facCapex - facDep * Math.min(t, facLife);
  const T = plan.T;
  for (let j = 0; j < G; j++) {
    const b = j * L;
    if (b > t) continue; // not bought yet
    const last = b + L;
    if (last <= T && last <= t) continue; // sold
    value += (plan.genCapex[j] as number) * powInt(1 - decline, t - b);
  }
  return value;
}

// ---------------------------------------------------------------------------
// Recording (evaluate): the rows of §4, made from what the year computed

/** What a recorded run carries between its years. */
interface RecordState {
  rec: Recording;
  /** the year loop makes the year rows (`Recording.yearRows`), with `U` (the compute served) and `check` (the year's values summed) for `recordYear` */
  direct: boolean;
  U: number;
  check: number;
  /** what of the lease and rent commitments is still due after year j, j = 0..`commitYears` (the plan's buffer) */
  committed: Float64Array;
  commitYears: number;
  leaseCommitment: number;
  leaseCommitmentPV: number;
  ebitdaSum: number;
  strategicRevSum: number;
  billedSum: number;
  monetizableSum: number;
  strategicTokensSum: number;
  hiddenSum: number;
  cogsSum: number;
  revenueTotal: number;
  gpTotal: number;
  unmetSum: number;
  minDscr: number | null;
  maxLtv: number | null;
  /** the capital stack's summary (§9), once its run is recorded */
  capital: CapitalSummary | null;
}

/**
 * A recorded run's lease and rent commitments by year (past T too), their sum
 * and present value, and the commitments-after-horizon warning's message:
 * kept on the plan with the inputs they were made from, so the next recorded
 * run with the same inputs (an analysis moving another input, the same
 * scenario again) takes them as they are.
 */
interface Commitments {
  /** made at least once, from these inputs: itMW, lease price, escalation and term, accelerators, rent price, change and term, the discount rate (compared as `Object.is`: a −0 is not a 0) */
  made: boolean;
  readonly from: Float64Array;
  /** the lease and rent of year j, j = 1..years */
  pay: Float64Array;
  /** what is still due after year j, j = 0..years */
  committed: Float64Array;
  years: number;
  total: number;
  pv: number;
  /** the warning's message for commitments `owed` after the horizon (NaN: not made since the inputs changed) */
  owed: number;
  message: string;
}

function newCommitments(): Commitments {
  return {
    made: false,
    from: new Float64Array(9),
    pay: new Float64Array(MAX_COMMITMENT_YEARS + 1),
    committed: new Float64Array(MAX_COMMITMENT_YEARS + 1),
    years: 0,
    total: 0,
    pv: 0,
    owed: Number.NaN,
    message: '',
  };
}

/** The commitments of a recorded run (the lease and rent of every committed year, past T too) and its build row. */
function beginRecording(plan: FactoryPlan, x: Float64Array, rec: Recording): RecordState {
  const N = plan.acc[A.N] as number;
  const owedAfter = plan.acc[A.owedAfter] as number;
  const T = plan.T;
  const l = plan.layout;
  const itMW = x[l.itMW] as number;
  const leaseTerm = plan.leaseFacility ? (x[l.leaseTerm] as number) : 0;
  const rentTerm = plan.own ? 0 : (x[l.rentTerm] as number);
  const r = plan.acc[A.commitRate] as number;
  const c = plan.commitments;
  const f = c.from;
  const leasePrice = x[l.leasePerKWMonth] as number;
  const leaseEscalation = x[l.leaseEscalation] as number;
  const rentPrice = x[l.rentPerHour] as number;
  const rentChange = x[l.rentChange] as number;
  if (
    !c.made ||
    !Object.is(f[0], itMW) ||
    !Object.is(f[1], leasePrice) ||
    !Object.is(f[2], leaseEscalation) ||
    !Object.is(f[3], leaseTerm) ||
    !Object.is(f[4], N) ||
    !Object.is(f[5], rentPrice) ||
    !Object.is(f[6], rentChange) ||
    !Object.is(f[7], rentTerm) ||
    !Object.is(f[8], r)
  ) {
    const years = Math.max(leaseTerm, rentTerm);
    if (c.pay.length < years + 1) {
      c.pay = new Float64Array(years + 1);
      c.committed = new Float64Array(years + 1);
    }
    const { pay, committed } = c;
    let total = 0;
    let pv = 0;
    for (let j = 1; j <= years; j++) {
      let cost = 0;
      if (j <= leaseTerm) cost += leaseCost(itMW, leasePrice, growth(leaseEscalation, j));
      if (j <= rentTerm) cost += rentCost(N, rentPrice, growth(rentChange, j));
      pay[j] = cost;
      total += cost;
      pv += cost / powInt(1 + r, j);
    }
    committed[years] = 0;
    for (let j = years - 1; j >= 0; j--) committed[j] = (committed[j + 1] as number) + (pay[j + 1] as number);
    c.years = years;
    c.total = total;
    c.pv = pv;
    c.owed = Number.NaN;
    c.made = true;
    f[0] = itMW;
    f[1] = leasePrice;
    f[2] = leaseEscalation;
    f[3] = leaseTerm;
    f[4] = N;
    f[5] = rentPrice;
    f[6] = rentChange;
    f[7] = rentTerm;
    f[8] = r;
  }
  const years = c.years;
  rec.yearValues = plan.yearValues;
  rec.segmentValues = plan.segmentValues;
  if (rec.segmentsAs === 'rows') {
    const rows: SegmentYearRow[][] = [];
    for (let j = 0; j < plan.nSeg; j++) rows.push([]);
    rec.segmentRows = rows;
  }
  rec.warnings = [];
  rec.needsFix = false;
  const capex0 = plan.capexAt[0] as number;
  const draw0 = plan.draws[0] as number;
  rec.capex0 = capex0;
  rec.draws0 = draw0;
  rec.outstanding0 = draw0;
  const direct = rec.segmentsAs === 'rows' && plan.cap === null;
  rec.yearRows = direct ? [buildRow(plan, rec)] : [];
  for (let i = 0; i < plan.notes.length; i++) rec.warnings.push(plan.notes[i] as ModelWarning);
  if (owedAfter > 0) {
    if (c.owed !== owedAfter) {
      const lease = leaseTerm > T ? `the facility lease runs ${leaseTerm} years, to ${plan.startYear + leaseTerm - 1}` : '';
      const rent = rentTerm > T ? `the compute rent runs ${rentTerm} years, to ${plan.startYear + rentTerm - 1}` : '';
      const past = years - T;
      c.message =
        `${lease}${lease !== '' && rent !== '' ? ' and ' : ''}${rent}: the payments of ${plan.startYear + T}–${plan.startYear + years - 1} (${past} year${past === 1 ? '' : 's'} past the horizon) ` +
        `are owed at ${plan.startYear + T - 1}, discounted at ${(r * 100).toFixed(2)} %: $${grouped(Math.round(owedAfter))} taken from that year's flows; ` +
        `set horizon.years: ${years} to model those years`;
      c.owed = owedAfter;
    }
    rec.warnings.push({ code: 'commitments-after-horizon', field: 'commitmentsAfterHorizon', t: T, message: c.message });
  }
  return {
    rec,
    direct,
    U: 0,
    check: 0,
    committed: c.committed,
    commitYears: years,
    leaseCommitment: c.total,
    leaseCommitmentPV: c.pv,
    ebitdaSum: 0,
    strategicRevSum: 0,
    billedSum: 0,
    monetizableSum: 0,
    strategicTokensSum: 0,
    hiddenSum: 0,
    cogsSum: 0,
    revenueTotal: 0,
    gpTotal: 0,
    unmetSum: 0,
    minDscr: null,
    maxLtv: plan.hasDebt && capex0 > 0 ? draw0 / capex0 : null,
    capital: null,
  };
}

/** Where the steps of a run hand on what the next needs (`plan.acc`). */
const A = {
  N: 0,
  L: 1,
  D: 2,
  G: 3,
  residual: 4,
  facCapex: 5,
  facLife: 6,
  facDep: 7,
  totalCapex: 8,
  owedAfter: 9,
  npv: 10,
  svPV: 11,
  active: 12,
  revSum: 13,
  gpSum: 14,
  tokens: 15,
  profitable: 16,
  minCumulative: 17,
  cumAtRentTerm: 18,
  commitRate: 19,
} as const;
const A_COUNT = 20;

/** Where the year loop leaves a year's values for `recordYear` (a recorded run): all doubles, no object per year. */
const RV = {
  k: 0,
  Nt: 1,
  C: 2,
  u: 3,
  Q: 4,
  U: 5,
  unmet: 6,
  R: 7,
  V: 8,
  power: 9,
  lease: 10,
  rent: 11,
  maintenance: 12,
  fixedOpex: 13,
  otherCost: 14,
  depreciation: 15,
  writeOff: 16,
  cogs: 17,
  grossProfit: 18,
  ebitda: 19,
  ebit: 20,
  tax: 21,
  capex: 22,
  residual: 23,
  terminal: 24,
  owed: 25,
  flow: 26,
  cumulative: 27,
  draw: 28,
  outstanding: 29,
  interest: 30,
  principal: 31,
  repaid: 32,
  leveredTax: 33,
  equity: 34,
  book: 35,
  itMW: 36,
  minMargin: 37,
} as const;
export const RV_COUNT = 38;

/** Where a segment-year's values lie in `Recording.segmentValues`. */
const SV = { share: 0, tokens: 1, billed: 2, hidden: 3, revenue: 4, value: 5, cost: 6, aux: 7, flags: 8 } as const;
export const SEGMENT_VALUES = 9;
/** What a year adds to `RV` in `Recording.yearValues`: the funnel of its segments and the commitments still due. */
const YX = { billed: RV_COUNT, hidden: RV_COUNT + 1, monetizable: RV_COUNT + 2, profitable: RV_COUNT + 3, strategic: RV_COUNT + 4, committed: RV_COUNT + 5 } as const;
export const YEAR_VALUES = RV_COUNT + 6;
const MONETIZABLE = 1;
const PROFITABLE = 2;

/**
 * Year t of a recorded run, from its lines (written by the year loop) and the segment scratch, into the
 * recording's values: each segment's funnel (allocated cost, monetizable,
 * profitable) as its values or its row, the year's, the sums the summary
 * needs, and the warnings. A run that records no segments (`segmentsAs`
 * 'none') allocates no cost: its years' `YX.profitable` is NaN.
 */
function recordYear(plan: FactoryPlan, x: Float64Array, st: RecordState, t: number, row: YearRow | null): void {
  const rec = st.rec;
  const T = plan.T;
  const yv = rec.yearValues;
  const base = (t - 1) * YEAR_VALUES;
  const year = plan.startYear + t - 1;
  const { segQ, segB, segR, segV, segAux, sIntensity, sHidden, sShare, cash, kinds } = plan;
  const l = plan.layout;
  // the year's own values: on its row (made by the year loop) or in the recording's values
  const cogs = row !== null ? (row.cogs as number) : (yv[base + RV.cogs] as number);
  const U = row !== null ? st.U : (yv[base + RV.U] as number);
  const minMargin = x[l.minMargin] as number;
  const shareAt = plan.constantShares ? 0 : t - 1;
  const sv = rec.segmentValues;
  const as = rec.segmentsAs;
  // without rows or values (`evaluateSummary`), no segment's cost: the year's sums alone, no row to check
  const costs = as !== 'none';
  const rows = as === 'rows' ? rec.segmentRows : null;
  let billed = 0;
  let hidden = 0;
  let monetizable = 0;
  let profitable = costs ? 0 : Number.NaN;
  let strategic = 0;
  let check = 0;
  for (let j = 0; j < plan.nSeg; j++) {
    const Qi = segQ[j] as number;
    const Bi = segB[j] as number;
    const Ri = segR[j] as number;
    const Vi = segV[j] as number;
    const hiddenTokens = Qi * (x[sHidden[j] as number] as number);
    if (cash[j] === 1) billed += Bi;
    hidden += hiddenTokens;
    if (Ri > 0) monetizable += Qi;
    if (Vi > 0) strategic += Qi;
    if (!costs) continue;
    const aux = segAux[j] as number;
    const cost = allocatedCost(x[sIntensity[j] as number] as number, cogs, U, Qi);
    const prof = isProfitable(Ri, cost, minMargin);
    const share = x[(sShare[j] as number) + shareAt] as number;
    if (prof) profitable += Qi;
    check += Qi + Bi + Ri + Vi + aux + (cost === cost ? cost + (Ri !== 0 ? (Ri - cost) / Ri : 0) : 0);
    if (rows !== null) {
      const kind = kinds[j] as number;
      const sr = newSegmentYearRow(t, year);
      sr.monetizable = Ri > 0;
      sr.profitable = prof;
      sr.tokenShare = share;
      sr.tokens = Qi;
      sr.billedTokens = Bi;
      sr.hiddenReasoningTokens = hiddenTokens;
      sr.revenue = Ri;
      sr.strategicValue = Vi;
      if (cost === cost) {
        sr.cost = cost;
        sr.grossProfit = Ri - cost;
        sr.grossMargin = marginOf(Ri - cost, Ri);
      }
      if (kind === KIND_SUBSCRIPTION) sr.users = aux;
      else if (kind === KIND_PER_HOUR) sr.acceleratorHours = aux;
      (rows[j] as SegmentYearRow[]).push(sr);
      continue;
    }
    const at = (j * T + t - 1) * SEGMENT_VALUES;
    sv[at + SV.share] = share;
    sv[at + SV.tokens] = Qi;
    sv[at + SV.billed] = Bi;
    sv[at + SV.hidden] = hiddenTokens;
    sv[at + SV.revenue] = Ri;
    sv[at + SV.value] = Vi;
    sv[at + SV.cost] = cost;
    sv[at + SV.aux] = aux;
    sv[at + SV.flags] = (Ri > 0 ? MONETIZABLE : 0) + (prof ? PROFITABLE : 0);
  }
  const itMW = x[l.itMW] as number;
  const committed = t <= st.commitYears ? (st.committed[t] as number) : 0;
  let R: number;
  let V: number;
  let Q: number;
  let Nt: number;
  let grossProfit: number;
  let ebitda: number;
  let unmet: number;
  let dscr: number | null;
  let ltv: number | null;
  if (row !== null) {
    R = row.revenue as number;
    V = row.strategicValue as number;
    Q = row.tokens as number;
    Nt = row.accelerators as number;
    grossProfit = row.grossProfit as number;
    ebitda = row.ebitda as number;
    unmet = plan.tokensMode ? (row.unmetTokens as number) : 0;
    dscr = row.dscr;
    ltv = row.ltv;
    row.billedTokens = billed;
    row.hiddenReasoningTokens = hidden;
    row.monetizableTokens = monetizable;
    row.profitableTokens = profitable;
    row.strategicTokens = strategic;
    row.commitmentRemaining = committed;
    row.realizedPricePerMTok = perMTokOf(R, billed);
    rec.yearRows.push(row);
    check += st.check;
  } else {
    R = yv[base + RV.R] as number;
    V = yv[base + RV.V] as number;
    Q = yv[base + RV.Q] as number;
    Nt = yv[base + RV.Nt] as number;
    grossProfit = yv[base + RV.grossProfit] as number;
    ebitda = yv[base + RV.ebitda] as number;
    unmet = plan.tokensMode ? (yv[base + RV.unmet] as number) : 0;
    dscr = dscrOf(ebitda, (yv[base + RV.interest] as number) + (yv[base + RV.principal] as number));
    ltv = plan.hasDebt ? ltvOf(yv[base + RV.outstanding] as number, yv[base + RV.book] as number) : null;
    yv[base + YX.billed] = billed;
    yv[base + YX.hidden] = hidden;
    yv[base + YX.monetizable] = monetizable;
    yv[base + YX.profitable] = profitable;
    yv[base + YX.strategic] = strategic;
    yv[base + YX.committed] = committed;
    if (costs) check += sumOf(yv, base, base + RV_COUNT);
  }
  if (unmet > 0) {
    rec.warnings.push({ code: 'unmet-demand', message: `year ${year}: ${unmet.toExponential(3)} tokens of demand exceed capacity and are not served`, field: 'unmetTokens', t });
  }
  if (Nt > 0) {
    st.ebitdaSum += ebitda / itMW;
    st.strategicRevSum += (R + V) / itMW;
  }
  st.billedSum += billed;
  st.monetizableSum += monetizable;
  st.strategicTokensSum += strategic;
  st.hiddenSum += hidden;
  st.cogsSum += cogs;
  st.revenueTotal += R;
  st.gpTotal += grossProfit;
  st.unmetSum += unmet;
  if (dscr !== null) st.minDscr = st.minDscr === null ? dscr : Math.min(st.minDscr, dscr);
  if (ltv !== null) st.maxLtv = st.maxLtv === null ? ltv : Math.max(st.maxLtv, ltv);
  // the last guard against NaN/Infinity, cheap: one sum of this year's values and ratios;
  // only a non-finite sum sends the rows through the field-by-field fix
  if (!costs) return;
  check +=
    billed + hidden + monetizable + profitable + strategic + committed + (dscr ?? 0) + (ltv ?? 0) + (R === 0 ? 0 : grossProfit / R) + (Q === 0 ? 0 : (cogs / Q) * 1e6) +
    (billed === 0 ? 0 : (R / billed) * 1e6) + (R + V + grossProfit + ebitda) / itMW;
  if (!Number.isFinite(check)) rec.needsFix = true;
}

/**
 * The sum of `v[from..to)` (a finite check: NaN or ±Infinity anywhere makes
 * it non-finite), in four running sums, not one chain of dependent additions.
 */
function sumOf(v: Float64Array, from: number, to: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = from;
  for (; i + 3 < to; i += 4) {
    a += v[i] as number;
    b += v[i + 1] as number;
    c += v[i + 2] as number;
    d += v[i + 3] as number;
  }
  for (; i < to; i++) a += v[i] as number;
  return a + b + c + d;
}

/**
 * The rows of §4 (`years`, t = 0..T) of a recorded run of this plan's
 * structure. Rows start from the shared literals of `result.ts` (one shape for
 * all) and take their values field by field.
 */
export function yearRows(plan: FactoryPlan, rec: Recording): YearRow[] {
  const T = plan.T;
  // made by the year loop
  if (rec.yearRows.length === T + 1) return rec.yearRows;
  const rows: YearRow[] = [buildRow(plan, rec)];
  const cap = plan.cap;
  const yv = rec.yearValues;
  for (let t = 1; t <= T; t++) {
    const b = (t - 1) * YEAR_VALUES;
    const R = yv[b + RV.R] as number;
    const V = yv[b + RV.V] as number;
    const itMW = yv[b + RV.itMW] as number;
    const ebitda = yv[b + RV.ebitda] as number;
    const service = (yv[b + RV.interest] as number) + (yv[b + RV.principal] as number);
    const k = yv[b + RV.k] as number;
    const row = yearLines(t, plan.startYear + t - 1, yv, b);
    row.generation = k >= 0 ? k : null;
    row.utilization = yv[b + RV.u] as number;
    row.unmetTokens = plan.tokensMode ? (yv[b + RV.unmet] as number) : null;
    row.fcf = yv[b + RV.flow] as number;
    row.cumulativeFcf = yv[b + RV.cumulative] as number;
    row.equityCashFlow = yv[b + RV.equity] as number;
    row.dscr = dscrOf(ebitda, service);
    row.ltv = plan.levered ? ltvOf(yv[b + RV.outstanding] as number, yv[b + RV.book] as number) : null;
    row.revenuePerMW = R / itMW;
    row.grossProfitPerMW = (yv[b + RV.grossProfit] as number) / itMW;
    row.ebitdaPerMW = ebitda / itMW;
    row.strategicRevenuePerMW = (R + V) / itMW;
    if (cap !== null) capitalFields(cap, row, t);
    rows.push(row);
  }
  return rows;
}

/** The build row (t = 0) of a recorded run: capex, its draws, fcf_0 = −capex_0 and eq_0 = draws_0 − capex_0 (as the year loop sets them), the debt then. */
function buildRow(plan: FactoryPlan, rec: Recording): YearRow {
  const y0 = newBuildYearRow(plan.startYear - 1);
  y0.capex = rec.capex0;
  y0.draws = rec.draws0;
  y0.fcf = 0 - rec.capex0;
  y0.cumulativeFcf = y0.fcf;
  y0.equityCashFlow = rec.draws0 - rec.capex0;
  y0.debtOutstanding = rec.outstanding0;
  if (plan.cap !== null) capitalFields(plan.cap, y0, 0);
  return y0;
}

/**
 * A year row (`t`, `year`) with the lines that are its values as recorded
 * (`RV`, `YX` at offset `b` of `v`) or ratios of them alone: a factory's year
 * (`yearRows`) and a portfolio's consolidated year (`portfolio.ts`) both
 * start from it, then set what each derives its own way (utilization, the
 * flows, DSCR, LTV, the per-MW lines). The row is made here and filled here:
 * V8 then builds it in place, far cheaper than filling a row made elsewhere
 * (so do the segment rows in `recordYear`).
 */
export function yearLines(t: number, year: number, v: Float64Array, b: number): YearRow {
  const row = newYearRow(t, year);
  const R = v[b + RV.R] as number;
  const Q = v[b + RV.Q] as number;
  const cogs = v[b + RV.cogs] as number;
  const grossProfit = v[b + RV.grossProfit] as number;
  const billed = v[b + YX.billed] as number;
  row.accelerators = v[b + RV.Nt] as number;
  row.capacityTokens = v[b + RV.C] as number;
  row.tokens = Q;
  row.billedTokens = billed;
  row.hiddenReasoningTokens = v[b + YX.hidden] as number;
  row.monetizableTokens = v[b + YX.monetizable] as number;
  row.profitableTokens = v[b + YX.profitable] as number;
  row.strategicTokens = v[b + YX.strategic] as number;
  row.revenue = R;
  row.strategicValue = v[b + RV.V] as number;
  row.power = v[b + RV.power] as number;
  row.lease = v[b + RV.lease] as number;
  row.rent = v[b + RV.rent] as number;
  row.maintenance = v[b + RV.maintenance] as number;
  row.fixedOpex = v[b + RV.fixedOpex] as number;
  row.otherCost = v[b + RV.otherCost] as number;
  row.depreciation = v[b + RV.depreciation] as number;
  row.writeOff = v[b + RV.writeOff] as number;
  row.cogs = cogs;
  row.grossProfit = grossProfit;
  row.grossMargin = marginOf(grossProfit, R);
  row.ebitda = v[b + RV.ebitda] as number;
  row.ebit = v[b + RV.ebit] as number;
  row.tax = v[b + RV.tax] as number;
  row.capex = v[b + RV.capex] as number;
  row.residual = v[b + RV.residual] as number;
  row.terminalValue = v[b + RV.terminal] as number;
  row.commitmentsAfterHorizon = v[b + RV.owed] as number;
  row.draws = v[b + RV.draw] as number;
  row.debtOutstanding = v[b + RV.outstanding] as number;
  row.interest = v[b + RV.interest] as number;
  row.principal = v[b + RV.principal] as number;
  row.debtRepaidAtHorizon = v[b + RV.repaid] as number;
  row.leveredTax = v[b + RV.leveredTax] as number;
  row.commitmentRemaining = v[b + YX.committed] as number;
  row.costPerMTok = perMTokOf(cogs, Q);
  row.realizedPricePerMTok = perMTokOf(R, billed);
  return row;
}

const orNull = (x: number): number | null => (x === x ? x : null);

/** The §9 lines of year t (a recorded run of a capital stack) onto its row; DSCR without the sweep (not debt service). */
function capitalFields(cap: CapitalPlan, row: YearRow, t: number): void {
  const v = cap.yearValues;
  const b = t * CY_COUNT;
  if (t > 0) row.dscr = orNull(v[b + CY.dscr] as number);
  row.principalDue = orNull(v[b + CY.principalDue] as number);
  row.balloonsDue = orNull(v[b + CY.balloonsDue] as number);
  row.refinanced = orNull(v[b + CY.refinanced] as number);
  row.sweep = orNull(v[b + CY.sweep] as number);
  row.cashAvailable = orNull(v[b + CY.cashAvailable] as number);
  row.refinancingNeed = orNull(v[b + CY.refinancingNeed] as number);
  row.refinancingNeedRatio = orNull(v[b + CY.refinancingNeedRatio] as number);
  row.costOfDebt = orNull(v[b + CY.costOfDebt] as number);
  row.marketValue = orNull(v[b + CY.marketValue] as number);
  row.marketLtv = orNull(v[b + CY.marketLtv] as number);
  row.contractedRevenue = orNull(v[b + CY.contractedRevenue] as number);
  row.backlog = orNull(v[b + CY.backlog] as number);
  row.contractedShare = orNull(v[b + CY.contractedShare] as number);
  row.revenueAtRisk = orNull(v[b + CY.revenueAtRisk] as number);
  row.expectedCreditLoss = orNull(v[b + CY.expectedCreditLoss] as number);
}

const AMORTIZATION_NAMES = ['straight', 'bullet', 'annuity', 'sculpted'] as const;

/** The tranches of a recorded run of a capital stack (§4, §9): each one's lines by year, t = 0..T; empty without one. */
export function trancheRows(plan: FactoryPlan): TrancheResult[] {
  const cap = plan.cap;
  if (cap === null) return [];
  const T = plan.T;
  const tv = cap.trancheValues;
  return cap.st.tranches.map((tr, i) => {
    const years = [];
    for (let t = 0; t <= T; t++) {
      const b = (i * (T + 1) + t) * TV_COUNT;
      years.push({
        t,
        year: plan.startYear + t - 1,
        draw: tv[b + TV.draw] as number,
        interest: tv[b + TV.interest] as number,
        principal: tv[b + TV.principal] as number,
        principalDue: tv[b + TV.principalDue] as number,
        balloon: tv[b + TV.balloon] as number,
        refinanced: tv[b + TV.refinanced] as number,
        sweep: tv[b + TV.sweep] as number,
        outstanding: tv[b + TV.outstanding] as number,
        rate: tv[b + TV.rate] as number,
        refinanceRate: orNull(tv[b + TV.refinanceRate] as number),
      });
    }
    const funds = tr.amount ? 'amount' : tr.funds === FUNDS_EVERY ? 'every-capex' : tr.funds === FUNDS_INITIAL ? 'initial' : `generation-${tr.funds}`;
    return {
      id: tr.id,
      floating: tr.floating,
      amortization: AMORTIZATION_NAMES[tr.amortization] ?? 'straight',
      funds,
      refinances: tr.refinance,
      interestDuringConstruction: cap.idc[i] as number,
      years,
    };
  });
}

/**
 * The rows of segment j (t = 1..T) of a run recorded with `segmentsAs`
 * 'rows': made as the run went (`recordYear`).
 */
export function segmentRows(rec: Recording, j: number): SegmentYearRow[] {
  return rec.segmentRows[j] ?? [];
}

/** Where a run's running sums (`plan.acc`), a recorded year's lines (`Recording.yearValues`, `RV` then `YX`) and a segment-year's (`SV`) lie: what a portfolio consolidates (MODEL.md §8). */
export { A as ACC, RV, YX, SV };
