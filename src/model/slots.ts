/**
 * The numeric inputs of a scenario as one flat vector of "slots", and the
 * structure (modes, horizon, segments, pricing forms) that the numbers do not
 * change. The factory block (`block.ts`) reads its samples' inputs from the
 * slots, one column per input: a column of one for `evaluate`, of thousands
 * for a Monte Carlo block — one computation of the year for both.
 */
import type { PricingKind } from './result.ts';
import type { Pricing, RevenueBasis, Scenario, SingleDebt, Tranche } from './schema.ts';

export function pricingKind(p: Pricing): PricingKind {
  if ('perMTok' in p) return 'perMTok';
  if ('subscription' in p) return 'subscription';
  if ('perAcceleratorHour' in p) return 'perAcceleratorHour';
  if ('imputedPerMTok' in p) return 'imputed';
  return 'none';
}

/** Cash segments bring revenue; imputed segments bring strategic value only. */
export const isCashPricing = (k: PricingKind): boolean => k === 'perMTok' || k === 'subscription' || k === 'perAcceleratorHour';

/** Pricing forms as small integers, for the block's switch. */
export const KIND_PER_MTOK = 0;
export const KIND_SUBSCRIPTION = 1;
export const KIND_PER_HOUR = 2;
export const KIND_IMPUTED = 3;
export const KIND_NONE = 4;
export const KIND_CODES: Record<PricingKind, number> = {
  perMTok: KIND_PER_MTOK,
  subscription: KIND_SUBSCRIPTION,
  perAcceleratorHour: KIND_PER_HOUR,
  imputed: KIND_IMPUTED,
  none: KIND_NONE,
};

/** Where each input of a segment lives among the slots. */
export interface SegmentSlots {
  /** first of T slots, one per operating year */
  share: number;
  intensity: number;
  hidden: number;
  /** perMTok, perAcceleratorHour or imputedPerMTok */
  price: number;
  change: number;
  discount: number;
  arpu: number;
  tokensPerUser: number;
  arpuChange: number;
  usageGrowth: number;
  /** perAcceleratorHour: techPremiumPerYear */
  techPremium: number;
}

/** Where each input of the model lives among the slots. */
export interface Layout {
  count: number;
  itMW: number;
  pue: number;
  powerPrice: number;
  powerEscalation: number;
  idle: number;
  facilityCapexPerMW: number;
  facilityLife: number;
  leasePerKWMonth: number;
  leaseEscalation: number;
  leaseTerm: number;
  kW: number;
  tokensPerSecond: number;
  capexPerAccelerator: number;
  usefulLife: number;
  depreciationYears: number;
  residualValue: number;
  perfGainPerYear: number;
  capexChangePerYear: number;
  maintenance: number;
  rentPerHour: number;
  rentChange: number;
  rentTerm: number;
  softwareGain: number;
  tokensPerYear: number;
  growthPerYear: number;
  maxUtilization: number;
  wacc: number;
  taxRate: number;
  debtShare: number;
  debtRate: number;
  debtTerm: number;
  fixedPerMWYear: number;
  otherCostPerMTok: number;
  minMargin: number;
  /** first of T slots */
  utilization: number;
  segments: SegmentSlots[];
  /** the slots of MODEL.md §9 (a scenario with a capital stack), after all the others; null without one */
  capital: CapitalSlots | null;
}

/** Where each input of a tranche lives among the slots (MODEL.md §9). */
export interface TrancheSlots {
  share: number;
  amount: number;
  rate: number;
  spread: number;
  termYears: number;
  amortizationYears: number;
  targetDscr: number;
  refinanceTermYears: number;
  refinanceSpread: number;
}

/** Where each input of a segment's contract lives among the slots (MODEL.md §9). */
export interface ContractSlots {
  termYears: number;
  startYear: number;
  price: number;
  escalation: number;
  defaultRate: number;
  recovery: number;
}

/** Where the inputs of MODEL.md §9 live among the slots. */
export interface CapitalSlots {
  /** first of T slots: the base rate by operating year */
  baseRate: number;
  buildMonths: number;
  cashSweep: number;
  minDscr: number;
  maxLtv: number;
  decline: number;
  tranches: TrancheSlots[];
  /** by segment: its contract's slots, or null */
  contracts: (ContractSlots | null)[];
}

/**
 * The slot layout of a scenario with `T` operating years and `nSeg` segments
 * (and the capital stack `cap`, whose slots come after all the others, so a
 * scenario without one lays out as before).
 */
export function makeLayout(T: number, nSeg: number, cap: CapitalStructure | null = null): Layout {
  let next = 0;
  const one = (): number => next++;
  const years = (): number => {
    const first = next;
    next += T;
    return first;
  };
  const l: Omit<Layout, 'count'> = {
    itMW: one(),
    pue: one(),
    powerPrice: one(),
    powerEscalation: one(),
    idle: one(),
    facilityCapexPerMW: one(),
    facilityLife: one(),
    leasePerKWMonth: one(),
    leaseEscalation: one(),
    leaseTerm: one(),
    kW: one(),
    tokensPerSecond: one(),
    capexPerAccelerator: one(),
    usefulLife: one(),
    depreciationYears: one(),
    residualValue: one(),
    perfGainPerYear: one(),
    capexChangePerYear: one(),
    maintenance: one(),
    rentPerHour: one(),
    rentChange: one(),
    rentTerm: one(),
    softwareGain: one(),
    tokensPerYear: one(),
    growthPerYear: one(),
    maxUtilization: one(),
    wacc: one(),
    taxRate: one(),
    debtShare: one(),
    debtRate: one(),
    debtTerm: one(),
    fixedPerMWYear: one(),
    otherCostPerMTok: one(),
    minMargin: one(),
    utilization: years(),
    segments: [],
    capital: null,
  };
  for (let j = 0; j < nSeg; j++) {
    l.segments.push({
      share: years(),
      intensity: one(),
      hidden: one(),
      price: one(),
      change: one(),
      discount: one(),
      arpu: one(),
      tokensPerUser: one(),
      arpuChange: one(),
      usageGrowth: one(),
      techPremium: one(),
    });
  }
  if (cap !== null) {
    l.capital = {
      baseRate: years(),
      buildMonths: one(),
      cashSweep: one(),
      minDscr: one(),
      maxLtv: one(),
      decline: one(),
      tranches: cap.tranches.map(() => ({
        share: one(),
        amount: one(),
        rate: one(),
        spread: one(),
        termYears: one(),
        amortizationYears: one(),
        targetDscr: one(),
        refinanceTermYears: one(),
        refinanceSpread: one(),
      })),
      contracts: cap.contracts.map((has) => (has ? { termYears: one(), startYear: one(), price: one(), escalation: one(), defaultRate: one(), recovery: one() } : null)),
    };
  }
  return { ...l, count: next };
}

// ---------------------------------------------------------------------------
// The capital stack's structure (MODEL.md §9)

/** How a tranche repays, as small integers. */
export const AM_STRAIGHT = 0;
export const AM_BULLET = 1;
export const AM_ANNUITY = 2;
export const AM_SCULPTED = 3;
const AM_CODES = { straight: AM_STRAIGHT, bullet: AM_BULLET, annuity: AM_ANNUITY, sculpted: AM_SCULPTED } as const;
/** What capex a tranche funds: every capex event, the capex at t = 0, or (k ≥ 0) IT generation k alone. */
export const FUNDS_EVERY = -2;
export const FUNDS_INITIAL = -1;

/** The shape of one tranche: what its numbers do not change. */
export interface TrancheShape {
  id: string;
  /** draws a fixed amount at t = 0 (else a share of the capex it funds) */
  amount: boolean;
  /** FUNDS_EVERY, FUNDS_INITIAL or a generation k ≥ 0 */
  funds: number;
  /** pays baseRate + spread (else a fixed rate) */
  floating: boolean;
  amortization: number;
  /** its balloon rolls into a new floating loan at maturity */
  refinance: boolean;
  refinanceAmortization: number;
}

/**
 * What the numbers of MODEL.md §9 do not change: the tranches' forms, which
 * covenants there are, whether there is a sweep, a market value, a build, and
 * which segments carry a contract.
 */
export interface CapitalStructure {
  /** finance.debt is one object (§3.6), run as a tranche: its paths stay finance.debt.share, .rate, .termYears */
  objectDebt: boolean;
  tranches: TrancheShape[];
  baseRate: boolean;
  minDscr: boolean;
  maxLtv: boolean;
  sweep: boolean;
  marketValue: boolean;
  /** by segment */
  contracts: boolean[];
  /** by segment: a contract that renews at market (else it earns nothing after its term) */
  renewsAtMarket: boolean[];
  basis: RevenueBasis[];
}

/** The id a tranche of a list gets without one (MODEL.md §9: `debt-<n>`, n from 1). */
export const defaultTrancheId = (index: number): string => `debt-${index + 1}`;
/** The id of the tranche a single-object `finance.debt` runs as. */
export const SINGLE_DEBT_ID = 'debt';

/** The tranches of a finance block: its list, or its single object as one tranche. */
export function tranchesOf(debt: SingleDebt | Tranche[] | undefined): Tranche[] {
  if (debt === undefined) return [];
  if (Array.isArray(debt)) return debt;
  return [{ id: SINGLE_DEBT_ID, share: debt.share, rate: debt.rate, termYears: debt.termYears, amortization: debt.amortization }];
}

/** A tranche's funds as a number (FUNDS_EVERY, FUNDS_INITIAL or the generation). */
export function fundsCode(funds: string | undefined): number {
  if (funds === undefined || funds === 'every-capex') return FUNDS_EVERY;
  if (funds === 'initial') return FUNDS_INITIAL;
  return Number(funds.slice('generation-'.length));
}

/** A segment's revenue basis (MODEL.md §9): as given, else contracted with a contract, imputed for imputed pricing, else metered. */
export function revenueBasis(seg: Scenario['demand']['segments'][number]): RevenueBasis {
  if (seg.basis !== undefined) return seg.basis;
  if (seg.contract !== undefined) return 'contracted';
  return 'imputedPerMTok' in seg.pricing ? 'imputed' : 'metered';
}

/** Whether a scenario uses any part of MODEL.md §9 (and so runs with a capital stack). */
export function usesCapitalStack(s: Scenario): boolean {
  const f = s.finance;
  if (Array.isArray(f.debt) || f.baseRate !== undefined || f.covenants !== undefined || f.cashSweep !== undefined) return true;
  if (s.fleet.marketValue !== undefined || s.site.buildMonths !== undefined) return true;
  const segs = s.demand.segments;
  for (let j = 0; j < segs.length; j++) if (segs[j]!.contract !== undefined || segs[j]!.basis !== undefined) return true;
  return false;
}

/** The capital structure of a scenario, or null when it uses no part of MODEL.md §9. */
export function capitalStructureOf(s: Scenario): CapitalStructure | null {
  if (!usesCapitalStack(s)) return null;
  const f = s.finance;
  const segs = s.demand.segments;
  return {
    objectDebt: f.debt !== undefined && !Array.isArray(f.debt),
    tranches: tranchesOf(f.debt).map((tr, i) => ({
      id: tr.id ?? defaultTrancheId(i),
      amount: tr.amount !== undefined,
      funds: tr.amount !== undefined ? FUNDS_INITIAL : fundsCode(tr.funds),
      floating: tr.spread !== undefined,
      amortization: AM_CODES[tr.amortization],
      refinance: tr.refinance !== undefined,
      refinanceAmortization: AM_CODES[tr.refinance?.amortization ?? tr.amortization],
    })),
    baseRate: f.baseRate !== undefined,
    minDscr: f.covenants?.minDscr !== undefined,
    maxLtv: f.covenants?.maxLtv !== undefined,
    sweep: f.cashSweep !== undefined,
    marketValue: s.fleet.marketValue !== undefined,
    contracts: segs.map((g) => g.contract !== undefined),
    renewsAtMarket: segs.map((g) => g.contract?.renewal !== 'none'),
    basis: segs.map(revenueBasis),
  };
}

function sameCapital(a: CapitalStructure, b: CapitalStructure): boolean {
  if (
    a.objectDebt !== b.objectDebt ||
    a.baseRate !== b.baseRate ||
    a.minDscr !== b.minDscr ||
    a.maxLtv !== b.maxLtv ||
    a.sweep !== b.sweep ||
    a.marketValue !== b.marketValue ||
    a.tranches.length !== b.tranches.length ||
    a.contracts.length !== b.contracts.length
  ) {
    return false;
  }
  for (let i = 0; i < a.tranches.length; i++) {
    const x = a.tranches[i]!;
    const y = b.tranches[i]!;
    if (x.id !== y.id || x.amount !== y.amount || x.funds !== y.funds || x.floating !== y.floating || x.amortization !== y.amortization || x.refinance !== y.refinance || x.refinanceAmortization !== y.refinanceAmortization) return false;
  }
  for (let j = 0; j < a.contracts.length; j++) {
    if (a.contracts[j] !== b.contracts[j] || a.renewsAtMarket[j] !== b.renewsAtMarket[j] || a.basis[j] !== b.basis[j]) return false;
  }
  return true;
}

/**
 * What the numbers of a scenario do not change: its horizon, modes, segments
 * and their pricing forms. Two scenarios of one structure evaluate through
 * one block with their numbers in the slots.
 */
export interface Structure {
  T: number;
  startYear: number;
  own: boolean;
  facilityMode: 'own' | 'lease' | 'none';
  tokensMode: boolean;
  hasPower: boolean;
  refresh: boolean;
  hasDebt: boolean;
  /** straight (true) or bullet (false) amortization */
  straight: boolean;
  bookValue: boolean;
  kinds: PricingKind[];
  cash: boolean[];
  reasoningBilled: boolean[];
  segmentIds: string[];
  segmentLabels: string[];
  segmentKinds: string[];
  /**
   * Every segment's token share is the same in every year (each a single
   * number, or a list of one value): the model then reads each share from its
   * first slot, and a Monte Carlo need not copy the other years'.
   */
  constantShares: boolean;
  /** the capital stack of MODEL.md §9, or null when the scenario uses none of it (the §3.6 debt alone) */
  capital: CapitalStructure | null;
}

/** A Series that has one value for every year: a number, or a list whose values are all equal. */
const constantSeries = (v: number | readonly number[]): boolean => typeof v === 'number' || v.every((x) => Object.is(x, v[0]));

export function structureOf(s: Scenario): Structure {
  const segs = s.demand.segments;
  const kinds = segs.map((g) => pricingKind(g.pricing));
  return {
    T: s.horizon.years,
    startYear: s.horizon.startYear,
    own: s.fleet.mode === 'own',
    facilityMode: s.site.facility.mode,
    tokensMode: s.demand.tokensPerYear !== undefined,
    hasPower: s.fleet.mode === 'own' && s.site.power !== undefined,
    refresh: s.fleet.refresh,
    hasDebt: s.finance.debt !== undefined,
    straight: singleAmortization(s) !== 'bullet',
    bookValue: s.finance.terminalValue === 'bookValue',
    kinds,
    cash: kinds.map(isCashPricing),
    reasoningBilled: segs.map((g) => g.reasoningBilled),
    segmentIds: segs.map((g) => g.id),
    segmentLabels: segs.map((g) => g.label ?? g.id),
    segmentKinds: segs.map((g) => g.kind),
    constantShares: segs.every((g) => constantSeries(g.tokenShare)),
    capital: capitalStructureOf(s),
  };
}

/** The amortization of a single-object `finance.debt` (§3.6), or undefined. */
const singleAmortization = (s: Scenario): string | undefined => {
  const d = s.finance.debt;
  return d === undefined || Array.isArray(d) ? undefined : d.amortization;
};

/** Write every numeric input of `s` into `out` (a vector of `layout.count` slots). */
export function extractInputs(s: Scenario, l: Layout, out: Float64Array): void {
  const T = s.horizon.years;
  const { site, fleet, demand, finance, opex } = s;
  out[l.itMW] = site.itMW;
  out[l.pue] = site.pue;
  const power = site.power;
  out[l.powerPrice] = power === undefined ? 0 : power.pricePerMWh;
  out[l.powerEscalation] = power === undefined ? 0 : power.escalationPerYear;
  out[l.idle] = power === undefined ? 0 : power.idleFraction;
  const f = site.facility;
  out[l.facilityCapexPerMW] = f.mode === 'own' ? f.capexPerMW : 0;
  out[l.facilityLife] = f.mode === 'own' ? f.lifeYears : 1;
  out[l.leasePerKWMonth] = f.mode === 'lease' ? f.leasePerKWMonth : 0;
  out[l.leaseEscalation] = f.mode === 'lease' ? f.escalationPerYear : 0;
  out[l.leaseTerm] = f.mode === 'lease' ? f.termYears : 0;
  out[l.kW] = fleet.kWPerAccelerator as number;
  out[l.tokensPerSecond] = fleet.tokensPerSecond as number;
  out[l.capexPerAccelerator] = fleet.capexPerAccelerator ?? 0;
  out[l.usefulLife] = fleet.usefulLifeYears ?? T;
  out[l.depreciationYears] = fleet.depreciationYears ?? fleet.usefulLifeYears ?? T;
  out[l.residualValue] = fleet.residualValue;
  out[l.perfGainPerYear] = fleet.technology.perfGainPerYear;
  out[l.capexChangePerYear] = fleet.technology.capexChangePerYear;
  out[l.maintenance] = fleet.maintenancePctPerYear;
  out[l.rentPerHour] = fleet.rentPerAcceleratorHour ?? 0;
  out[l.rentChange] = fleet.rentChangePerYear;
  out[l.rentTerm] = fleet.rentTermYears ?? 0;
  out[l.softwareGain] = s.serving.softwareGainPerYear;
  out[l.tokensPerYear] = demand.tokensPerYear ?? 0;
  out[l.growthPerYear] = demand.growthPerYear ?? 0;
  out[l.maxUtilization] = demand.maxUtilization ?? 1;
  out[l.wacc] = finance.wacc;
  out[l.taxRate] = finance.taxRate;
  const debt = finance.debt === undefined || Array.isArray(finance.debt) ? undefined : finance.debt;
  out[l.debtShare] = debt === undefined ? 0 : debt.share;
  out[l.debtRate] = debt === undefined ? 0 : debt.rate;
  out[l.debtTerm] = debt === undefined ? 1 : debt.termYears;
  out[l.fixedPerMWYear] = opex.fixedPerMWYear;
  out[l.otherCostPerMTok] = opex.otherCostPerMTok;
  out[l.minMargin] = s.profitability.minMargin;
  writeSeries(demand.utilization ?? 0, out, l.utilization, T);
  const segs = demand.segments;
  for (let j = 0; j < segs.length; j++) {
    const seg = segs[j]!;
    const sl = l.segments[j] as SegmentSlots;
    writeSeries(seg.tokenShare, out, sl.share, T);
    out[sl.intensity] = seg.computeIntensity;
    out[sl.hidden] = seg.hiddenReasoningShare;
    writePricing(seg.pricing, sl, out);
  }
  if (l.capital !== null) extractCapital(s, l.capital, out);
}

/** The slots a pricing form fills (a segment's, or a shared market's segment's, MODEL.md §8). */
export type PricingSlots = Pick<SegmentSlots, 'price' | 'change' | 'discount' | 'techPremium' | 'arpu' | 'tokensPerUser' | 'arpuChange' | 'usageGrowth'>;

/** A segment's pricing into its slots: the form's own numbers, the model's neutral values in the others. */
export function writePricing(p: Pricing, sl: PricingSlots, out: Float64Array): void {
  let price = 0;
  let change = 0;
  let discount = 0;
  let premium = 1;
  let arpu = 0;
  let tokensPerUser = 1;
  let arpuChange = 0;
  let usageGrowth = 0;
  if ('perMTok' in p) {
    price = p.perMTok;
    change = p.changePerYear;
    discount = p.discount;
  } else if ('perAcceleratorHour' in p) {
    price = p.perAcceleratorHour;
    change = p.changePerYear;
    premium = p.techPremiumPerYear;
  } else if ('imputedPerMTok' in p) {
    price = p.imputedPerMTok;
    change = p.changePerYear;
  } else if ('subscription' in p) {
    const q = p.subscription;
    arpu = q.arpuPerMonth;
    tokensPerUser = q.tokensPerUserMonth;
    arpuChange = q.arpuChangePerYear;
    usageGrowth = q.usageGrowthPerYear;
  }
  out[sl.price] = price;
  out[sl.change] = change;
  out[sl.discount] = discount;
  out[sl.techPremium] = premium;
  out[sl.arpu] = arpu;
  out[sl.tokensPerUser] = tokensPerUser;
  out[sl.arpuChange] = arpuChange;
  out[sl.usageGrowth] = usageGrowth;
}

/** The inputs of MODEL.md §9 into their slots (defaults filled: a slot the scenario leaves out holds what the model uses instead). */
function extractCapital(s: Scenario, c: CapitalSlots, out: Float64Array): void {
  const T = s.horizon.years;
  const f = s.finance;
  writeSeries(f.baseRate ?? 0, out, c.baseRate, T);
  out[c.buildMonths] = s.site.buildMonths ?? 0;
  out[c.cashSweep] = f.cashSweep ?? 0;
  out[c.minDscr] = f.covenants?.minDscr ?? 0;
  out[c.maxLtv] = f.covenants?.maxLtv ?? 0;
  out[c.decline] = s.fleet.marketValue?.declinePerYear ?? 0;
  const tranches = tranchesOf(f.debt);
  for (let i = 0; i < c.tranches.length; i++) {
    const tr = tranches[i]!;
    const ts = c.tranches[i]!;
    out[ts.share] = tr.share ?? 0;
    out[ts.amount] = tr.amount ?? 0;
    out[ts.rate] = tr.rate ?? 0;
    out[ts.spread] = tr.spread ?? 0;
    out[ts.termYears] = tr.termYears;
    out[ts.amortizationYears] = tr.amortizationYears ?? 0;
    out[ts.targetDscr] = tr.targetDscr ?? 1;
    out[ts.refinanceTermYears] = tr.refinance?.termYears ?? 1;
    out[ts.refinanceSpread] = tr.refinance?.spread ?? 0;
  }
  const segs = s.demand.segments;
  for (let j = 0; j < c.contracts.length; j++) {
    const cs = c.contracts[j];
    const k = segs[j]!.contract;
    if (cs === null || cs === undefined || k === undefined) continue;
    out[cs.termYears] = k.termYears;
    out[cs.startYear] = k.startYear ?? s.horizon.startYear;
    out[cs.price] = k.price;
    out[cs.escalation] = k.escalationPerYear;
    out[cs.defaultRate] = k.counterpartyDefaultPerYear;
    out[cs.recovery] = k.recoveryRate;
  }
}

/** A Series into T slots from `at`, the last value carried forward. */
function writeSeries(v: number | readonly number[], out: Float64Array, at: number, T: number): void {
  if (typeof v === 'number') {
    // a loop, not `fill`: for a horizon's few slots the builtin's call costs more than the stores
    for (let t = 0; t < T; t++) out[at + t] = v;
    return;
  }
  const n = v.length;
  for (let t = 0; t < T; t++) out[at + t] = v[t < n ? t : n - 1] as number;
}

/** Whether `s` has the structure `st` (what the layout and the model depend on), compared field by field. */
export function hasStructure(st: Structure, s: Scenario): boolean {
  const f = s.fleet;
  const segs = s.demand.segments;
  if (
    st.T !== s.horizon.years ||
    st.startYear !== s.horizon.startYear ||
    st.own !== (f.mode === 'own') ||
    st.facilityMode !== s.site.facility.mode ||
    st.tokensMode !== (s.demand.tokensPerYear !== undefined) ||
    st.hasPower !== (f.mode === 'own' && s.site.power !== undefined) ||
    st.refresh !== f.refresh ||
    st.hasDebt !== (s.finance.debt !== undefined) ||
    st.straight !== (singleAmortization(s) !== 'bullet') ||
    st.bookValue !== (s.finance.terminalValue === 'bookValue') ||
    st.kinds.length !== segs.length
  ) {
    return false;
  }
  let constant = true;
  for (let j = 0; j < segs.length && constant; j++) constant = constantSeries(segs[j]!.tokenShare);
  if (st.constantShares !== constant) return false;
  for (let j = 0; j < segs.length; j++) {
    const g = segs[j]!;
    if (st.kinds[j] !== pricingKind(g.pricing) || st.reasoningBilled[j] !== g.reasoningBilled) return false;
  }
  if (st.capital === null) return !usesCapitalStack(s);
  const cap = capitalStructureOf(s);
  return cap !== null && sameCapital(st.capital, cap);
}

/** Where a path's value goes: one slot, or T slots of a Series (one per operating year). */
export interface SlotTarget {
  slots: number[];
  series: boolean;
}

/** The slots each canonical input path writes (paths as in MODEL.md §2 "Paths"; the capital stack's as in §9). */
export function slotTargets(l: Layout, T: number, segmentIds: readonly string[], cap: CapitalStructure | null = null): Map<string, SlotTarget> {
  const targets = new Map<string, SlotTarget>();
  const one = (path: string, slot: number): void => void targets.set(path, { slots: [slot], series: false });
  const years = (path: string, first: number): void => void targets.set(path, { slots: Array.from({ length: T }, (_, k) => first + k), series: true });
  one('site.itMW', l.itMW);
  one('site.pue', l.pue);
  one('site.power.pricePerMWh', l.powerPrice);
  one('site.power.escalationPerYear', l.powerEscalation);
  one('site.power.idleFraction', l.idle);
  one('site.facility.capexPerMW', l.facilityCapexPerMW);
  one('site.facility.lifeYears', l.facilityLife);
  one('site.facility.leasePerKWMonth', l.leasePerKWMonth);
  one('site.facility.escalationPerYear', l.leaseEscalation);
  one('site.facility.termYears', l.leaseTerm);
  one('fleet.kWPerAccelerator', l.kW);
  one('fleet.tokensPerSecond', l.tokensPerSecond);
  one('fleet.capexPerAccelerator', l.capexPerAccelerator);
  one('fleet.usefulLifeYears', l.usefulLife);
  one('fleet.depreciationYears', l.depreciationYears);
  one('fleet.residualValue', l.residualValue);
  one('fleet.technology.perfGainPerYear', l.perfGainPerYear);
  one('fleet.technology.capexChangePerYear', l.capexChangePerYear);
  one('fleet.maintenancePctPerYear', l.maintenance);
  one('fleet.rentPerAcceleratorHour', l.rentPerHour);
  one('fleet.rentChangePerYear', l.rentChange);
  one('fleet.rentTermYears', l.rentTerm);
  one('serving.softwareGainPerYear', l.softwareGain);
  one('demand.tokensPerYear', l.tokensPerYear);
  one('demand.growthPerYear', l.growthPerYear);
  one('demand.maxUtilization', l.maxUtilization);
  one('finance.wacc', l.wacc);
  one('finance.taxRate', l.taxRate);
  one('finance.debt.share', l.debtShare);
  one('finance.debt.rate', l.debtRate);
  one('finance.debt.termYears', l.debtTerm);
  one('opex.fixedPerMWYear', l.fixedPerMWYear);
  one('opex.otherCostPerMTok', l.otherCostPerMTok);
  one('profitability.minMargin', l.minMargin);
  years('demand.utilization', l.utilization);
  segmentIds.forEach((id, j) => {
    const sl = l.segments[j] as SegmentSlots;
    const p = `demand.segments[${id}]`;
    years(`${p}.tokenShare`, sl.share);
    one(`${p}.computeIntensity`, sl.intensity);
    one(`${p}.hiddenReasoningShare`, sl.hidden);
    one(`${p}.pricing.perMTok`, sl.price);
    one(`${p}.pricing.perAcceleratorHour`, sl.price);
    one(`${p}.pricing.imputedPerMTok`, sl.price);
    one(`${p}.pricing.changePerYear`, sl.change);
    one(`${p}.pricing.discount`, sl.discount);
    one(`${p}.pricing.techPremiumPerYear`, sl.techPremium);
    one(`${p}.pricing.subscription.arpuPerMonth`, sl.arpu);
    one(`${p}.pricing.subscription.tokensPerUserMonth`, sl.tokensPerUser);
    one(`${p}.pricing.subscription.arpuChangePerYear`, sl.arpuChange);
    one(`${p}.pricing.subscription.usageGrowthPerYear`, sl.usageGrowth);
  });
  const c = l.capital;
  if (c !== null && cap !== null) {
    years('finance.baseRate', c.baseRate);
    one('site.buildMonths', c.buildMonths);
    one('finance.cashSweep', c.cashSweep);
    one('finance.covenants.minDscr', c.minDscr);
    one('finance.covenants.maxLtv', c.maxLtv);
    one('fleet.marketValue.declinePerYear', c.decline);
    cap.tranches.forEach((tr, i) => {
      const ts = c.tranches[i] as TrancheSlots;
      // a single-object finance.debt keeps its own paths, now read from its tranche's slots
      const p = cap.objectDebt ? 'finance.debt' : `finance.debt[${tr.id}]`;
      one(`${p}.share`, ts.share);
      one(`${p}.rate`, ts.rate);
      one(`${p}.termYears`, ts.termYears);
      if (cap.objectDebt) return;
      one(`${p}.amount`, ts.amount);
      one(`${p}.spread`, ts.spread);
      one(`${p}.amortizationYears`, ts.amortizationYears);
      one(`${p}.targetDscr`, ts.targetDscr);
      one(`${p}.refinance.termYears`, ts.refinanceTermYears);
      one(`${p}.refinance.spread`, ts.refinanceSpread);
    });
    segmentIds.forEach((id, j) => {
      const cs = c.contracts[j];
      if (cs === null || cs === undefined) return;
      const p = `demand.segments[${id}].contract`;
      one(`${p}.termYears`, cs.termYears);
      one(`${p}.startYear`, cs.startYear);
      one(`${p}.price`, cs.price);
      one(`${p}.escalationPerYear`, cs.escalation);
      one(`${p}.counterpartyDefaultPerYear`, cs.defaultRate);
      one(`${p}.recoveryRate`, cs.recovery);
    });
  }
  return targets;
}
