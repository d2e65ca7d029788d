/**
 * The summary metrics of MODEL.md §3 for a block of samples at once: one
 * Float64Array per input (a "slot") and per yearly line, evaluated year by
 * year across the block. A re-implementation of the engine for the Monte
 * Carlo hot path — own and rent fleets, owned/leased/no facility, generations,
 * refresh, write-offs, residual and terminal values, tokens and utilization
 * modes, every pricing form, tax carry-forward, straight and bullet debt, the
 * equity flows — with the engine's arithmetic in the engine's order, so that
 * it agrees with `evaluate` to the last bits (test/mc-columnar.test.ts holds
 * it to 1e-9 relative on every archetype).
 */
import { isCashPricing, pricingKind } from '../model/engine.ts';
import { irrCountAfterFast, irrFast, irrRoots } from '../model/finance.ts';
import {
  acceleratorCount,
  acceleratorHoursSold,
  billedTokens,
  capacityComputeUnits,
  demandedTokens,
  energyMWh,
  imputedValue,
  itDepreciationPerYear,
  leaseCost,
  lossPoolAfter,
  paybackPeriod,
  perAcceleratorHourRevenue,
  perMTokRevenue,
  perTokenCost,
  powerCost,
  powInt,
  rentCost,
  seriesAt,
  servedComputeTokensMode,
  subscriptionRevenue,
  subscriptionUsers,
  taxWithCarryForward,
  throughputPerAccelerator,
} from '../model/lines.ts';
import type { PricingKind } from '../model/result.ts';
import type { Scenario } from '../model/schema.ts';
import { IRR_HI, IRR_LO } from '../model/tolerances.ts';

/** The metrics the Monte Carlo reports, in order. */
export const MC_METRICS = ['npv', 'irr', 'equityIrr', 'paybackYears', 'grossProfitPerMW', 'revenuePerMW', 'profitableShare', 'strategicNpv'] as const;
export type McMetric = (typeof MC_METRICS)[number];

/** How many IRRs a sample's flows have in the search window: none, one, or several. */
export const IRR_NONE = 0;
export const IRR_ONE = 1;
export const IRR_SEVERAL = 2;

const KIND_PER_MTOK = 0;
const KIND_SUBSCRIPTION = 1;
const KIND_PER_HOUR = 2;
const KIND_IMPUTED = 3;
const KIND_NONE = 4;
const KIND_CODES: Record<PricingKind, number> = {
  perMTok: KIND_PER_MTOK,
  subscription: KIND_SUBSCRIPTION,
  perAcceleratorHour: KIND_PER_HOUR,
  imputed: KIND_IMPUTED,
  none: KIND_NONE,
};

/** Where each input of the model lives among the slots. */
interface SegmentSlots {
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
  generationStep: number;
}

interface Layout {
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
  kW: number;
  tokensPerSecond: number;
  capexPerAccelerator: number;
  usefulLife: number;
  depreciationYears: number;
  residualValue: number;
  perfGain: number;
  capexChange: number;
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
}

function makeLayout(T: number, nSeg: number): Layout {
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
    kW: one(),
    tokensPerSecond: one(),
    capexPerAccelerator: one(),
    usefulLife: one(),
    depreciationYears: one(),
    residualValue: one(),
    perfGain: one(),
    capexChange: one(),
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
      generationStep: one(),
    });
  }
  return { ...l, count: next };
}

/** Where a path's value goes: one slot, or T slots of a Series (one per operating year). */
export interface SlotTarget {
  slots: number[];
  series: boolean;
}

/** The outputs of a block, one entry per sample. NaN = no value. */
export interface BlockOutput {
  metrics: Record<McMetric, Float64Array>;
  /** IRR_NONE, IRR_ONE or IRR_SEVERAL */
  irrRoots: Uint8Array;
  equityIrrRoots: Uint8Array;
  /** 1 when the sample has an IRR and it is at least its wacc */
  irrAtLeastWacc: Uint8Array;
  /** 1 when it pays back within its life (see `ColumnarModel.lifeDefinition`) */
  paybackWithinLife: Uint8Array;
}

/** A block output of `n` samples. */
export function newBlockOutput(n: number): BlockOutput {
  const metrics = {} as Record<McMetric, Float64Array>;
  for (const m of MC_METRICS) metrics[m] = new Float64Array(n);
  return { metrics, irrRoots: new Uint8Array(n), equityIrrRoots: new Uint8Array(n), irrAtLeastWacc: new Uint8Array(n), paybackWithinLife: new Uint8Array(n) };
}

/**
 * The engine compiled for the structure of one scenario (its modes, horizon,
 * segments and pricing forms); the numbers come per sample in the slots.
 *
 * @example
 * const m = new ColumnarModel(scenario, 1024);
 * const slots = m.newSlots(); m.fillBase(slots, 0, n);
 * slots[m.target('finance.wacc').slots[0]][0] = 0.09;
 * m.evaluate(slots, n, out);
 */
export class ColumnarModel {
  readonly T: number;
  readonly capacity: number;
  readonly layout: Layout;
  readonly own: boolean;
  readonly facilityMode: 'own' | 'lease' | 'none';
  readonly tokensMode: boolean;
  readonly hasPower: boolean;
  readonly refresh: boolean;
  readonly hasDebt: boolean;
  readonly straight: boolean;
  readonly bookValue: boolean;
  readonly kinds: PricingKind[];
  readonly cash: boolean[];
  readonly reasoningBilled: boolean[];
  readonly segmentIds: string[];
  /** What "pays back within its life" means for this fleet. */
  readonly lifeDefinition: string;
  private readonly base: Float64Array;
  private readonly targets = new Map<string, SlotTarget>();

  // per-sample work columns
  private readonly N: Float64Array;
  private readonly G: Float64Array;
  private readonly L: Float64Array;
  private readonly D: Float64Array;
  private readonly res: Float64Array;
  private readonly facCapex: Float64Array;
  private readonly facLife: Float64Array;
  private readonly facDep: Float64Array;
  private readonly totalCapex: Float64Array;
  private readonly genCapex: Float64Array[];
  private readonly genDep: Float64Array[];
  private readonly capexAt: Float64Array[];
  private readonly draws: Float64Array[];
  private readonly principalDue: Float64Array[];
  private readonly fcf: Float64Array[];
  private readonly eq: Float64Array[];
  private readonly taxPool: Float64Array;
  private readonly leveredPool: Float64Array;
  private readonly outstanding: Float64Array;
  private readonly cumulative: Float64Array;
  private readonly cumAtTerm: Float64Array;
  private readonly npv: Float64Array;
  private readonly svPV: Float64Array;
  private readonly active: Float64Array;
  private readonly revSum: Float64Array;
  private readonly gpSum: Float64Array;
  private readonly tokens: Float64Array;
  private readonly profitable: Float64Array;
  // the lines of one year, one column each
  private readonly gen: Float64Array;
  private readonly Ntc: Float64Array;
  private readonly Cc: Float64Array;
  private readonly wc: Float64Array;
  private readonly Uc: Float64Array;
  private readonly uc: Float64Array;
  private readonly Qc: Float64Array;
  private readonly Rc: Float64Array;
  private readonly Vc: Float64Array;
  private readonly cogsc: Float64Array;
  private readonly profc: Float64Array;
  private readonly depc: Float64Array;
  private readonly writeOffc: Float64Array;
  private readonly residualc: Float64Array;
  private readonly segQ: Float64Array[];
  private readonly segR: Float64Array[];
  private readonly kindCodes: Int32Array;
  private readonly flows: Float64Array;
  private readonly work: Float64Array;
  private readonly workAbs: Float64Array;

  constructor(scenario: Scenario, capacity: number) {
    const T = scenario.horizon.years;
    this.T = T;
    this.capacity = capacity;
    const segs = scenario.demand.segments;
    this.layout = makeLayout(T, segs.length);
    this.own = scenario.fleet.mode === 'own';
    this.facilityMode = scenario.site.facility.mode;
    this.tokensMode = scenario.demand.tokensPerYear !== undefined;
    this.hasPower = this.own && scenario.site.power !== undefined;
    this.refresh = scenario.fleet.refresh;
    this.hasDebt = scenario.finance.debt !== undefined;
    this.straight = scenario.finance.debt?.amortization !== 'bullet';
    this.bookValue = scenario.finance.terminalValue === 'bookValue';
    this.kinds = segs.map((s) => pricingKind(s.pricing));
    this.cash = this.kinds.map(isCashPricing);
    this.reasoningBilled = segs.map((s) => s.reasoningBilled);
    this.segmentIds = segs.map((s) => s.id);
    this.lifeDefinition = this.own
      ? 'paybackYears ≤ fleet.usefulLifeYears'
      : 'cumulative free cash flow ≥ 0 at the end of the compute rent term (fleet.rentTermYears, or the horizon if shorter): a rented fleet has no capex to pay back, so its commitment is what must be earned back';
    this.base = new Float64Array(this.layout.count);
    this.extract(scenario, this.base);
    this.buildTargets();

    const col = (): Float64Array => new Float64Array(capacity);
    const cols = (k: number): Float64Array[] => Array.from({ length: k }, col);
    this.N = col();
    this.G = col();
    this.L = col();
    this.D = col();
    this.res = col();
    this.facCapex = col();
    this.facLife = col();
    this.facDep = col();
    this.totalCapex = col();
    this.genCapex = [];
    this.genDep = [];
    this.capexAt = cols(T + 1);
    this.draws = cols(T + 1);
    this.principalDue = cols(T + 1);
    this.fcf = cols(T + 1);
    this.eq = cols(T + 1);
    this.taxPool = col();
    this.leveredPool = col();
    this.outstanding = col();
    this.cumulative = col();
    this.cumAtTerm = col();
    this.npv = col();
    this.svPV = col();
    this.active = col();
    this.revSum = col();
    this.gpSum = col();
    this.tokens = col();
    this.profitable = col();
    this.gen = col();
    this.Ntc = col();
    this.Cc = col();
    this.wc = col();
    this.Uc = col();
    this.uc = col();
    this.Qc = col();
    this.Rc = col();
    this.Vc = col();
    this.cogsc = col();
    this.profc = col();
    this.depc = col();
    this.writeOffc = col();
    this.residualc = col();
    this.segQ = cols(segs.length);
    this.segR = cols(segs.length);
    this.kindCodes = Int32Array.from(this.kinds.map((k) => KIND_CODES[k]));
    this.flows = new Float64Array(T + 1);
    this.work = new Float64Array(T + 1);
    this.workAbs = new Float64Array(T + 1);
  }

  /** One column per slot, `capacity` long. */
  newSlots(): Float64Array[] {
    return Array.from({ length: this.layout.count }, () => new Float64Array(this.capacity));
  }

  /** Set samples [from, to) of every slot to the base scenario's values. */
  fillBase(slots: Float64Array[], from: number, to: number): void {
    for (let s = 0; s < this.layout.count; s++) (slots[s] as Float64Array).fill(this.base[s] as number, from, to);
  }

  /** Reset samples [from, to) of the given slots to the base scenario's values. */
  resetSlots(slots: Float64Array[], which: readonly number[], from: number, to: number): void {
    for (const s of which) (slots[s] as Float64Array).fill(this.base[s] as number, from, to);
  }

  /** The base value of a slot. */
  baseValue(slot: number): number {
    return this.base[slot] as number;
  }

  /** The slots a canonical input path writes, or undefined when the path is not a slot of this model. */
  target(path: string): SlotTarget | undefined {
    return this.targets.get(path);
  }

  /** True when every segment's base token share is the same in every year (no Series that changes). */
  sharesSameEveryYear(): boolean {
    for (let j = 0; j < this.segmentIds.length; j++) {
      const first = this.base[this.shareSlot(j, 1)] as number;
      for (let t = 2; t <= this.T; t++) if (!Object.is(this.base[this.shareSlot(j, t)], first)) return false;
    }
    return true;
  }

  /** The token-share slot of segment j in year t (1-based). */
  shareSlot(j: number, t: number): number {
    return (this.layout.segments[j] as SegmentSlots).share + t - 1;
  }

  /** Write every input of a scenario of this structure into `slots` at sample `i`. */
  extractInto(scenario: Scenario, slots: Float64Array[], i: number): void {
    const row = new Float64Array(this.layout.count);
    this.extract(scenario, row);
    for (let s = 0; s < row.length; s++) (slots[s] as Float64Array)[i] = row[s] as number;
  }

  private extract(s: Scenario, out: Float64Array): void {
    const l = this.layout;
    const T = this.T;
    const { site, fleet, demand, finance, opex } = s;
    out[l.itMW] = site.itMW;
    out[l.pue] = site.pue;
    out[l.powerPrice] = site.power?.pricePerMWh ?? 0;
    out[l.powerEscalation] = site.power?.escalationPerYear ?? 0;
    out[l.idle] = site.power?.idleFraction ?? 0;
    const f = site.facility;
    out[l.facilityCapexPerMW] = f.mode === 'own' ? f.capexPerMW : 0;
    out[l.facilityLife] = f.mode === 'own' ? f.lifeYears : 1;
    out[l.leasePerKWMonth] = f.mode === 'lease' ? f.leasePerKWMonth : 0;
    out[l.leaseEscalation] = f.mode === 'lease' ? f.escalationPerYear : 0;
    out[l.kW] = fleet.kWPerAccelerator as number;
    out[l.tokensPerSecond] = fleet.tokensPerSecond as number;
    out[l.capexPerAccelerator] = fleet.capexPerAccelerator ?? 0;
    out[l.usefulLife] = fleet.usefulLifeYears ?? T;
    out[l.depreciationYears] = fleet.depreciationYears ?? fleet.usefulLifeYears ?? T;
    out[l.residualValue] = fleet.residualValue;
    out[l.perfGain] = fleet.nextGeneration.perfGain;
    out[l.capexChange] = fleet.nextGeneration.capexChange;
    out[l.maintenance] = fleet.maintenancePctPerYear;
    out[l.rentPerHour] = fleet.rentPerAcceleratorHour ?? 0;
    out[l.rentChange] = fleet.rentChangePerYear;
    out[l.rentTerm] = fleet.rentTermYears ?? T;
    out[l.softwareGain] = s.serving.softwareGainPerYear;
    out[l.tokensPerYear] = demand.tokensPerYear ?? 0;
    out[l.growthPerYear] = demand.growthPerYear ?? 0;
    out[l.maxUtilization] = demand.maxUtilization ?? 1;
    out[l.wacc] = finance.wacc;
    out[l.taxRate] = finance.taxRate;
    out[l.debtShare] = finance.debt?.share ?? 0;
    out[l.debtRate] = finance.debt?.rate ?? 0;
    out[l.debtTerm] = finance.debt?.termYears ?? 1;
    out[l.fixedPerMWYear] = opex.fixedPerMWYear;
    out[l.otherCostPerMTok] = opex.otherCostPerMTok;
    out[l.minMargin] = s.profitability.minMargin;
    for (let t = 1; t <= T; t++) out[l.utilization + t - 1] = demand.utilization === undefined ? 0 : seriesAt(demand.utilization, t);
    demand.segments.forEach((seg, j) => {
      const sl = l.segments[j] as SegmentSlots;
      for (let t = 1; t <= T; t++) out[sl.share + t - 1] = seriesAt(seg.tokenShare, t);
      out[sl.intensity] = seg.computeIntensity;
      out[sl.hidden] = seg.hiddenReasoningShare;
      const p = seg.pricing as Record<string, unknown>;
      const num = (k: string, d = 0): number => (typeof p[k] === 'number' ? (p[k] as number) : d);
      out[sl.price] = num('perMTok', num('perAcceleratorHour', num('imputedPerMTok')));
      out[sl.change] = num('changePerYear');
      out[sl.discount] = num('discount');
      out[sl.generationStep] = num('generationStep', 1);
      const sub = p['subscription'] as Record<string, number> | undefined;
      out[sl.arpu] = sub?.['arpuPerMonth'] ?? 0;
      out[sl.tokensPerUser] = sub?.['tokensPerUserMonth'] ?? 1;
      out[sl.arpuChange] = sub?.['arpuChangePerYear'] ?? 0;
      out[sl.usageGrowth] = sub?.['usageGrowthPerYear'] ?? 0;
    });
  }

  private buildTargets(): void {
    const l = this.layout;
    const T = this.T;
    const one = (path: string, slot: number): void => void this.targets.set(path, { slots: [slot], series: false });
    const years = (path: string, first: number): void =>
      void this.targets.set(path, { slots: Array.from({ length: T }, (_, k) => first + k), series: true });
    one('site.itMW', l.itMW);
    one('site.pue', l.pue);
    one('site.power.pricePerMWh', l.powerPrice);
    one('site.power.escalationPerYear', l.powerEscalation);
    one('site.power.idleFraction', l.idle);
    one('site.facility.capexPerMW', l.facilityCapexPerMW);
    one('site.facility.lifeYears', l.facilityLife);
    one('site.facility.leasePerKWMonth', l.leasePerKWMonth);
    one('site.facility.escalationPerYear', l.leaseEscalation);
    one('fleet.kWPerAccelerator', l.kW);
    one('fleet.tokensPerSecond', l.tokensPerSecond);
    one('fleet.capexPerAccelerator', l.capexPerAccelerator);
    one('fleet.usefulLifeYears', l.usefulLife);
    one('fleet.depreciationYears', l.depreciationYears);
    one('fleet.residualValue', l.residualValue);
    one('fleet.nextGeneration.perfGain', l.perfGain);
    one('fleet.nextGeneration.capexChange', l.capexChange);
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
    this.segmentIds.forEach((id, j) => {
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
      one(`${p}.pricing.generationStep`, sl.generationStep);
      one(`${p}.pricing.subscription.arpuPerMonth`, sl.arpu);
      one(`${p}.pricing.subscription.tokensPerUserMonth`, sl.tokensPerUser);
      one(`${p}.pricing.subscription.arpuChangePerYear`, sl.arpuChange);
      one(`${p}.pricing.subscription.usageGrowthPerYear`, sl.usageGrowth);
    });
  }

  /**
   * Put the paid share (MODEL.md §5) of samples [0, m) at `values[i]` (`set`)
   * or multiply it by them (`scale`), exactly as `setInput(s, 'paidShare', …)`
   * does: the cash segments' shares scaled to sum to p, the others to 1 − p,
   * keeping the proportions in each group, every year (a group without tokens
   * is split evenly).
   */
  applyPaidShare(slots: Float64Array[], values: Float64Array, m: number, scale: boolean, sameEveryYear = false): void {
    const nSeg = this.segmentIds.length;
    let nCash = 0;
    for (let j = 0; j < nSeg; j++) if (this.cash[j]) nCash++;
    const nOther = nSeg - nCash;
    const cashSum = this.wc; // scratch columns, free between evaluations
    const otherSum = this.Uc;
    const all = this.Qc;
    const target = this.Rc;
    const years = sameEveryYear ? 1 : this.T;
    for (let t = 1; t <= years; t++) {
      cashSum.fill(0, 0, m);
      otherSum.fill(0, 0, m);
      all.fill(0, 0, m);
      for (let j = 0; j < nSeg; j++) {
        const col = slots[this.shareSlot(j, t)] as Float64Array;
        const sum = this.cash[j] ? cashSum : otherSum;
        for (let i = 0; i < m; i++) {
          const x = col[i] as number;
          all[i] = (all[i] as number) + x;
          sum[i] = (sum[i] as number) + x;
        }
      }
      for (let i = 0; i < m; i++) {
        const a = all[i] as number;
        target[i] = scale ? (a === 0 ? 0 : (cashSum[i] as number) / a) * (values[i] as number) : (values[i] as number);
      }
      for (let j = 0; j < nSeg; j++) {
        const col = slots[this.shareSlot(j, t)] as Float64Array;
        const cash = this.cash[j] as boolean;
        const sum = cash ? cashSum : otherSum;
        const even = cash ? nCash : nOther;
        for (let i = 0; i < m; i++) {
          const p = target[i] as number;
          const groupTarget = cash ? p : 1 - p;
          const s = sum[i] as number;
          col[i] = s > 0 ? ((col[i] as number) * groupTarget) / s : groupTarget / even;
        }
      }
    }
    // the shares of every year were those of year 1: so are the results
    for (let t = 2; t <= this.T && sameEveryYear; t++) {
      for (let j = 0; j < nSeg; j++) (slots[this.shareSlot(j, t)] as Float64Array).set((slots[this.shareSlot(j, 1)] as Float64Array).subarray(0, m));
    }
  }

  private ensureGenerations(k: number): void {
    while (this.genCapex.length < k) {
      this.genCapex.push(new Float64Array(this.capacity));
      this.genDep.push(new Float64Array(this.capacity));
    }
  }

  /**
   * Evaluate samples [0, n) whose inputs are in `slots`; write the metrics
   * and flags of each into `out` at the same index. One small method per
   * step of a year (each a loop over the block), so each is compiled on its
   * own, with the line functions inlined, and warms up quickly.
   */
  evaluate(slots: Float64Array[], n: number, out: BlockOutput): void {
    if (n > this.capacity) throw new RangeError(`block of ${n} samples exceeds the model's capacity ${this.capacity}`);
    this.schedules(slots, n);
    this.build(slots, n);
    const nSeg = this.segmentIds.length;
    for (let t = 1; t <= this.T; t++) {
      this.fleetYear(slots, n, t);
      for (let j = 0; j < nSeg; j++) this.mixYear(slots, n, t, j);
      if (this.tokensMode) this.servedTokensMode(slots, n, t);
      else this.servedUtilizationMode(slots, n, t);
      for (let j = 0; j < nSeg; j++) {
        switch (this.kindCodes[j]) {
          case KIND_PER_MTOK:
            this.perMTokYear(slots, n, t, j);
            break;
          case KIND_SUBSCRIPTION:
            this.subscriptionYear(slots, n, t, j);
            break;
          case KIND_PER_HOUR:
            this.perHourYear(slots, n, t, j);
            break;
          case KIND_IMPUTED:
            this.imputedYear(slots, n, t, j);
            break;
          default:
            this.unpricedYear(slots, n, t, j);
        }
      }
      if (this.own) this.depreciationYear(n, t);
      else this.facilityDepreciationYear(n, t);
      this.cashYear(slots, n, t);
      for (let j = 0; j < nSeg; j++) if (this.cash[j] as boolean) this.profitableYear(slots, n, j);
      this.addProfitable(n);
    }
    this.metrics(slots, n, out);
  }

  /**
   * Per sample: fleet, generations, capex and debt schedules (§3.1, §3.4, §3.6).
   * Each loop is a method of its own with nothing after it: a loop compiled
   * on stack replacement mid-way through a method that goes on after it
   * would be compiled without feedback for the rest, and V8 can re-enter that
   * code, and bail out of it, on every call.
   */
  private schedules(P: Float64Array[], n: number): void {
    this.ensureGenerations(this.fleetSchedule(P, n));
    this.capexSchedule(P, n);
    if (this.hasDebt) this.debtSchedule(P, n);
  }

  /** Accelerators, generations, lives and the facility of each sample; the most generations any has. */
  private fleetSchedule(P: Float64Array[], n: number): number {
    const T = this.T;
    const l = this.layout;
    const own = this.own;
    const refresh = this.refresh;
    const itMWc = P[l.itMW] as Float64Array;
    const kWc = P[l.kW] as Float64Array;
    const lifec = P[l.usefulLife] as Float64Array;
    const depYc = P[l.depreciationYears] as Float64Array;
    const resc = P[l.residualValue] as Float64Array;
    const facCapexPerMWc = P[l.facilityCapexPerMW] as Float64Array;
    const facLifec = P[l.facilityLife] as Float64Array;
    const ownFacility = this.facilityMode === 'own';
    const { N, G, L, D, res, facCapex, facLife, facDep } = this;
    let maxG = 0;
    for (let i = 0; i < n; i++) {
      const itMW = itMWc[i] as number;
      N[i] = acceleratorCount(itMW, kWc[i] as number);
      let Gi = 0;
      if (own) {
        const Li = lifec[i] as number;
        Gi = refresh ? Math.floor((T - 1) / Li) + 1 : 1;
        L[i] = Li;
        D[i] = depYc[i] as number;
        res[i] = resc[i] as number;
      } else {
        L[i] = T;
        D[i] = T;
        res[i] = 0;
      }
      G[i] = Gi;
      if (Gi > maxG) maxG = Gi;
      if (ownFacility) {
        const fc = (facCapexPerMWc[i] as number) * itMW;
        const fl = facLifec[i] as number;
        facCapex[i] = fc;
        facLife[i] = fl;
        facDep[i] = fc / fl;
      } else {
        facCapex[i] = 0;
        facLife[i] = 1;
        facDep[i] = 0;
      }
    }
    return maxG;
  }

  private capexSchedule(P: Float64Array[], n: number): void {
    const T = this.T;
    const l = this.layout;
    const capexPerAccc = P[l.capexPerAccelerator] as Float64Array;
    const capexChangec = P[l.capexChange] as Float64Array;
    const { N, G, L, D, res, facCapex, totalCapex, capexAt, draws, principalDue, genCapex, genDep } = this;
    for (let t = 0; t <= T; t++) {
      (capexAt[t] as Float64Array).fill(0, 0, n);
      (draws[t] as Float64Array).fill(0, 0, n);
      (principalDue[t] as Float64Array).fill(0, 0, n);
    }
    const capex0 = capexAt[0] as Float64Array;
    for (let i = 0; i < n; i++) {
      const Gi = G[i] as number;
      const Li = L[i] as number;
      const firstCapex = (N[i] as number) * (capexPerAccc[i] as number);
      const cc = capexChangec[i] as number;
      capex0[i] = facCapex[i] as number;
      for (let k = 0; k < Gi; k++) {
        const capex = firstCapex * powInt(cc, k);
        (genCapex[k] as Float64Array)[i] = capex;
        (genDep[k] as Float64Array)[i] = itDepreciationPerYear(capex, res[i] as number, D[i] as number);
        const at = capexAt[k * Li] as Float64Array;
        at[i] = (at[i] as number) + capex;
      }
      let tc = 0;
      for (let t = 0; t <= T; t++) tc += (capexAt[t] as Float64Array)[i] as number;
      totalCapex[i] = tc;
    }
  }

  private debtSchedule(P: Float64Array[], n: number): void {
    const T = this.T;
    const l = this.layout;
    const straight = this.straight;
    const debtSharec = P[l.debtShare] as Float64Array;
    const debtTermc = P[l.debtTerm] as Float64Array;
    const { capexAt, draws, principalDue } = this;
    for (let i = 0; i < n; i++) {
      const share = debtSharec[i] as number;
      const term = debtTermc[i] as number;
      for (let t = 0; t <= T; t++) {
        const loan = share * ((capexAt[t] as Float64Array)[i] as number);
        if (loan <= 0) continue;
        (draws[t] as Float64Array)[i] = loan;
        for (let j = 1; j <= term; j++) {
          const due = t + j;
          if (due > T) break;
          const pay = straight ? loan / term : j === term ? loan : 0;
          const pd = principalDue[due] as Float64Array;
          pd[i] = (pd[i] as number) + pay;
        }
      }
    }
  }

  /** Year 0: the build. */
  private build(P: Float64Array[], n: number): void {
    const { taxPool, leveredPool, outstanding, cumulative, cumAtTerm, npv, svPV, active, revSum, gpSum, tokens, profitable } = this;
    const fcf0 = this.fcf[0] as Float64Array;
    const eq0 = this.eq[0] as Float64Array;
    const capex0 = this.capexAt[0] as Float64Array;
    const draws0 = this.draws[0] as Float64Array;
    const waccc = P[this.layout.wacc] as Float64Array;
    for (let i = 0; i < n; i++) {
      const f0 = 0 - (capex0[i] as number);
      fcf0[i] = f0;
      eq0[i] = (draws0[i] as number) - (capex0[i] as number);
      cumulative[i] = f0;
      cumAtTerm[i] = f0;
      outstanding[i] = draws0[i] as number;
      taxPool[i] = 0;
      leveredPool[i] = 0;
      npv[i] = 0 + f0 / powInt(1 + (waccc[i] as number), 0);
      svPV[i] = 0;
      active[i] = 0;
      revSum[i] = 0;
      gpSum[i] = 0;
      tokens[i] = 0;
      profitable[i] = 0;
    }
  }

  /** §3.1 fleet in service in year t: the generation k (−1 when none is), accelerators, capacity. */
  private fleetYear(P: Float64Array[], n: number, t: number): void {
    const l = this.layout;
    const own = this.own;
    const tps = P[l.tokensPerSecond] as Float64Array;
    const perfGain = P[l.perfGain] as Float64Array;
    const swGain = P[l.softwareGain] as Float64Array;
    const { N, G, L, gen, Ntc, Cc, wc } = this;
    for (let i = 0; i < n; i++) {
      let k = 0;
      let inService = true;
      if (own) {
        k = Math.floor((t - 1) / (L[i] as number));
        inService = k < (G[i] as number);
      }
      gen[i] = inService ? k : -1;
      const Nt = inService ? (N[i] as number) : 0;
      Ntc[i] = Nt;
      const tau = throughputPerAccelerator(tps[i] as number, perfGain[i] as number, inService ? k : 0, swGain[i] as number, t);
      Cc[i] = capacityComputeUnits(Nt, tau);
      wc[i] = 0;
    }
  }

  /** §3.2 the mix weight: segment j's share times its compute intensity, added. */
  private mixYear(P: Float64Array[], n: number, t: number, j: number): void {
    const sl = this.layout.segments[j] as SegmentSlots;
    const share = P[sl.share + t - 1] as Float64Array;
    const ci = P[sl.intensity] as Float64Array;
    const wc = this.wc;
    for (let i = 0; i < n; i++) wc[i] = (wc[i] as number) + (share[i] as number) * (ci[i] as number);
  }

  /** §3.2 served compute and tokens when demand is stated in tokens. */
  private servedTokensMode(P: Float64Array[], n: number, t: number): void {
    const l = this.layout;
    const tpy = P[l.tokensPerYear] as Float64Array;
    const growthc = P[l.growthPerYear] as Float64Array;
    const maxU = P[l.maxUtilization] as Float64Array;
    const { Cc, wc, Uc, uc, Qc, Rc, Vc } = this;
    for (let i = 0; i < n; i++) {
      const C = Cc[i] as number;
      const w = wc[i] as number;
      const Dt = demandedTokens(tpy[i] as number, growthc[i] as number, t);
      const U = servedComputeTokensMode(Dt, w, maxU[i] as number, C);
      Uc[i] = U;
      uc[i] = C === 0 ? 0 : U / C;
      Qc[i] = U / w;
      Rc[i] = 0;
      Vc[i] = 0;
    }
  }

  /** §3.2 served compute and tokens when demand is stated as utilization. */
  private servedUtilizationMode(P: Float64Array[], n: number, t: number): void {
    const util = P[this.layout.utilization + t - 1] as Float64Array;
    const { Cc, wc, Uc, uc, Qc, Rc, Vc } = this;
    for (let i = 0; i < n; i++) {
      const u = util[i] as number;
      const U = u * (Cc[i] as number);
      Uc[i] = U;
      uc[i] = u;
      Qc[i] = U / (wc[i] as number);
      Rc[i] = 0;
      Vc[i] = 0;
    }
  }

  // §3.3 revenue and strategic value of segment j in year t, one method per pricing form

  private perMTokYear(P: Float64Array[], n: number, t: number, j: number): void {
    const sl = this.layout.segments[j] as SegmentSlots;
    const share = P[sl.share + t - 1] as Float64Array;
    const hidden = P[sl.hidden] as Float64Array;
    const price = P[sl.price] as Float64Array;
    const change = P[sl.change] as Float64Array;
    const discount = P[sl.discount] as Float64Array;
    const billedAll = this.reasoningBilled[j] as boolean;
    const q = this.segQ[j] as Float64Array;
    const r = this.segR[j] as Float64Array;
    const { Qc, Rc } = this;
    for (let i = 0; i < n; i++) {
      const Qi = (share[i] as number) * (Qc[i] as number);
      const Ri = perMTokRevenue(billedTokens(Qi, hidden[i] as number, billedAll), price[i] as number, change[i] as number, discount[i] as number, t);
      q[i] = Qi;
      r[i] = Ri;
      Rc[i] = (Rc[i] as number) + Ri;
    }
  }

  private subscriptionYear(P: Float64Array[], n: number, t: number, j: number): void {
    const sl = this.layout.segments[j] as SegmentSlots;
    const share = P[sl.share + t - 1] as Float64Array;
    const tpu = P[sl.tokensPerUser] as Float64Array;
    const usage = P[sl.usageGrowth] as Float64Array;
    const arpu = P[sl.arpu] as Float64Array;
    const arpuChange = P[sl.arpuChange] as Float64Array;
    const q = this.segQ[j] as Float64Array;
    const r = this.segR[j] as Float64Array;
    const { Qc, Rc } = this;
    for (let i = 0; i < n; i++) {
      const Qi = (share[i] as number) * (Qc[i] as number);
      const users = subscriptionUsers(Qi, tpu[i] as number, usage[i] as number, t);
      const Ri = subscriptionRevenue(users, arpu[i] as number, arpuChange[i] as number, t);
      q[i] = Qi;
      r[i] = Ri;
      Rc[i] = (Rc[i] as number) + Ri;
    }
  }

  private perHourYear(P: Float64Array[], n: number, t: number, j: number): void {
    const sl = this.layout.segments[j] as SegmentSlots;
    const share = P[sl.share + t - 1] as Float64Array;
    const ci = P[sl.intensity] as Float64Array;
    const price = P[sl.price] as Float64Array;
    const change = P[sl.change] as Float64Array;
    const step = P[sl.generationStep] as Float64Array;
    const q = this.segQ[j] as Float64Array;
    const r = this.segR[j] as Float64Array;
    const { Qc, Rc, wc, uc, Ntc, gen } = this;
    for (let i = 0; i < n; i++) {
      const s = share[i] as number;
      const Qi = s * (Qc[i] as number);
      const k = gen[i] as number;
      const hours = acceleratorHoursSold((s * (ci[i] as number)) / (wc[i] as number), uc[i] as number, Ntc[i] as number);
      const Ri = perAcceleratorHourRevenue(hours, price[i] as number, change[i] as number, step[i] as number, k < 0 ? 0 : k, t);
      q[i] = Qi;
      r[i] = Ri;
      Rc[i] = (Rc[i] as number) + Ri;
    }
  }

  private imputedYear(P: Float64Array[], n: number, t: number, j: number): void {
    const sl = this.layout.segments[j] as SegmentSlots;
    const share = P[sl.share + t - 1] as Float64Array;
    const hidden = P[sl.hidden] as Float64Array;
    const price = P[sl.price] as Float64Array;
    const change = P[sl.change] as Float64Array;
    const billedAll = this.reasoningBilled[j] as boolean;
    const q = this.segQ[j] as Float64Array;
    const r = this.segR[j] as Float64Array;
    const { Qc, Vc } = this;
    for (let i = 0; i < n; i++) {
      const Qi = (share[i] as number) * (Qc[i] as number);
      q[i] = Qi;
      r[i] = 0;
      Vc[i] = (Vc[i] as number) + imputedValue(billedTokens(Qi, hidden[i] as number, billedAll), price[i] as number, change[i] as number, t);
    }
  }

  private unpricedYear(P: Float64Array[], n: number, t: number, j: number): void {
    const share = P[(this.layout.segments[j] as SegmentSlots).share + t - 1] as Float64Array;
    const q = this.segQ[j] as Float64Array;
    const r = this.segR[j] as Float64Array;
    const Qc = this.Qc;
    for (let i = 0; i < n; i++) {
      q[i] = (share[i] as number) * (Qc[i] as number);
      r[i] = 0;
    }
  }

  /** Depreciation of the owned facility alone in year t (rented fleets). */
  private facilityDepreciationYear(n: number, t: number): void {
    const { facLife, facDep, depc, writeOffc, residualc } = this;
    for (let i = 0; i < n; i++) {
      depc[i] = t <= (facLife[i] as number) ? (facDep[i] as number) : 0;
      writeOffc[i] = 0;
      residualc[i] = 0;
    }
  }

  /** Depreciation (facility, then each generation in service), write-offs and residual proceeds in year t (§3.4, §3.6). */
  private depreciationYear(n: number, t: number): void {
    const T = this.T;
    const { facLife, facDep, G, L, D, res, genDep, genCapex, depc, writeOffc, residualc } = this;
    for (let i = 0; i < n; i++) {
      let depreciation = t <= (facLife[i] as number) ? (facDep[i] as number) : 0;
      let writeOff = 0;
      let residual = 0;
      const Gi = G[i] as number;
      const Li = L[i] as number;
      const Di = D[i] as number;
      const resi = res[i] as number;
      for (let j = 0; j < Gi; j++) {
        const start = 1 + j * Li;
        const depEnd = Math.min(start + Di - 1, start + Li - 1);
        const gd = (genDep[j] as Float64Array)[i] as number;
        if (t >= start && t <= depEnd) depreciation += gd;
        const last = start + Li - 1;
        if (last <= T && last === t) {
          // NBV − residual·K = K(1 − residual)(1 − L/D) = dep·(D − L) when D > L, else 0
          if (Di > Li) writeOff += gd * (Di - Li);
          residual += resi * ((genCapex[j] as Float64Array)[i] as number);
        }
      }
      depc[i] = depreciation;
      writeOffc[i] = writeOff;
      residualc[i] = residual;
    }
  }

  /** §3.4 costs, §3.5 profit, §3.6 cash flows, taxes and financing in year t, and the summary's running sums (§3.7). */
  private cashYear(P: Float64Array[], n: number, t: number): void {
    const T = this.T;
    const l = this.layout;
    const own = this.own;
    const hasDebt = this.hasDebt;
    const hasPower = this.hasPower;
    const leaseMode = this.facilityMode === 'lease';
    const bookValue = this.bookValue;
    const itMWc = P[l.itMW] as Float64Array;
    const pue = P[l.pue] as Float64Array;
    const powerPrice = P[l.powerPrice] as Float64Array;
    const powerEsc = P[l.powerEscalation] as Float64Array;
    const idle = P[l.idle] as Float64Array;
    const leasePerKW = P[l.leasePerKWMonth] as Float64Array;
    const leaseEsc = P[l.leaseEscalation] as Float64Array;
    const maint = P[l.maintenance] as Float64Array;
    const rentPerHour = P[l.rentPerHour] as Float64Array;
    const rentChange = P[l.rentChange] as Float64Array;
    const rentTerm = P[l.rentTerm] as Float64Array;
    const waccc = P[l.wacc] as Float64Array;
    const taxc = P[l.taxRate] as Float64Array;
    const debtRate = P[l.debtRate] as Float64Array;
    const fixedc = P[l.fixedPerMWYear] as Float64Array;
    const otherc = P[l.otherCostPerMTok] as Float64Array;
    const { N, gen, Ntc, uc, Qc, Rc, Vc, cogsc, profc, genCapex, depc, writeOffc, residualc } = this;
    const { taxPool, leveredPool, outstanding, cumulative, cumAtTerm, npv, svPV, active, revSum, gpSum, tokens } = this;
    const capexT = this.capexAt[t] as Float64Array;
    const drawsT = this.draws[t] as Float64Array;
    const dueT = this.principalDue[t] as Float64Array;
    const draws0 = this.draws[0] as Float64Array;
    const fcfT = this.fcf[t] as Float64Array;
    const eqT = this.eq[t] as Float64Array;
    for (let i = 0; i < n; i++) {
      const itMW = itMWc[i] as number;
      const k = gen[i] as number;
      const inService = k >= 0;
      const u = uc[i] as number;
      const Q = Qc[i] as number;
      const R = Rc[i] as number;
      let power = 0;
      if (hasPower && inService) {
        power = powerCost(energyMWh(itMW, pue[i] as number, idle[i] as number, u), powerPrice[i] as number, powerEsc[i] as number, t);
      }
      const lease = leaseMode ? leaseCost(itMW, leasePerKW[i] as number, leaseEsc[i] as number, t) : 0;
      const rent = own ? 0 : rentCost(N[i] as number, rentPerHour[i] as number, rentChange[i] as number, t);
      const maintenance = own && inService ? (maint[i] as number) * ((genCapex[k] as Float64Array)[i] as number) : 0;
      const fixedOpex = (fixedc[i] as number) * itMW;
      const otherCost = perTokenCost(otherc[i] as number, Q);
      const depreciation = depc[i] as number;
      const writeOff = writeOffc[i] as number;
      const residual = residualc[i] as number;
      const cogs = power + lease + rent + maintenance + fixedOpex + otherCost + depreciation;
      cogsc[i] = cogs;
      const opexCash = cogs - depreciation;
      const grossProfit = R - cogs;
      const ebitda = R - opexCash;
      const ebit = ebitda - depreciation - writeOff;

      const taxRate = taxc[i] as number;
      const pool = taxPool[i] as number;
      const tax = taxWithCarryForward(ebit, taxRate, pool);
      taxPool[i] = lossPoolAfter(ebit, pool);
      const capex = capexT[i] as number;
      const terminal = t === T && bookValue ? this.bookValueAtEnd(i, t) : 0;
      const flow = ebitda - tax - capex + residual + terminal;
      fcfT[i] = flow;
      const cum = (cumulative[i] as number) + flow;
      cumulative[i] = cum;
      if (!own && t === Math.min(rentTerm[i] as number, T)) cumAtTerm[i] = cum;

      const out0 = outstanding[i] as number;
      const interest = hasDebt ? (debtRate[i] as number) * out0 : 0;
      const principal = dueT[i] as number;
      const draw = drawsT[i] as number;
      let outNext = out0 + draw - principal;
      if (Math.abs(outNext) < 1e-6 * Math.max(1, draws0[i] as number)) outNext = 0;
      outstanding[i] = outNext;
      const repaidAtHorizon = t === T ? outNext : 0;
      const lpool = leveredPool[i] as number;
      const ltax = taxWithCarryForward(ebit - interest, taxRate, lpool);
      leveredPool[i] = lossPoolAfter(ebit - interest, lpool);
      eqT[i] = ebitda - ltax - capex + draw - interest - principal + residual + (t === T ? terminal - repaidAtHorizon : 0);

      // the summary's running sums (§3.7)
      if ((Ntc[i] as number) > 0) {
        active[i] = (active[i] as number) + 1;
        revSum[i] = (revSum[i] as number) + R / itMW;
        gpSum[i] = (gpSum[i] as number) + grossProfit / itMW;
      }
      tokens[i] = (tokens[i] as number) + Q;
      const discount = powInt(1 + (waccc[i] as number), t);
      svPV[i] = (svPV[i] as number) + ((Vc[i] as number) * (1 - taxRate)) / discount;
      npv[i] = (npv[i] as number) + flow / discount;
      profc[i] = 0;
    }
  }

  /** §3.5 the profitable tokens of cash segment j: its tokens count when its margin on its allocated cost meets minMargin. */
  private profitableYear(P: Float64Array[], n: number, j: number): void {
    const q = this.segQ[j] as Float64Array;
    const r = this.segR[j] as Float64Array;
    const ci = P[(this.layout.segments[j] as SegmentSlots).intensity] as Float64Array;
    const minMarginc = P[this.layout.minMargin] as Float64Array;
    const { Uc, cogsc, profc } = this;
    for (let i = 0; i < n; i++) {
      const Ri = r[i] as number;
      if (!(Ri > 0)) continue;
      const Qi = q[i] as number;
      const U = Uc[i] as number;
      let cost: number;
      if (U === 0) {
        if (Qi !== 0) continue; // no cost per unit, no margin: not profitable
        cost = 0;
      } else cost = (ci[i] as number) * ((cogsc[i] as number) / U) * Qi;
      if ((Ri - cost) / Ri >= (minMarginc[i] as number)) profc[i] = (profc[i] as number) + Qi;
    }
  }

  private addProfitable(n: number): void {
    const { profitable, profc } = this;
    for (let i = 0; i < n; i++) profitable[i] = (profitable[i] as number) + (profc[i] as number);
  }

  /** The summary metrics of each sample (§3.6, §3.7) and its flags. */
  private metrics(P: Float64Array[], n: number, out: BlockOutput): void {
    const T = this.T;
    const own = this.own;
    const hasDebt = this.hasDebt;
    const waccc = P[this.layout.wacc] as Float64Array;
    const { fcf, eq, totalCapex, active, tokens, npv, gpSum, revSum, profitable, svPV, cumAtTerm, L } = this;
    const M = out.metrics;
    const flows = this.flows;
    for (let i = 0; i < n; i++) {
      for (let t = 0; t <= T; t++) flows[t] = (fcf[t] as Float64Array)[i] as number;
      const irr = irrFast(flows, T + 1);
      const irrClass = irrRootClass(flows, T + 1, irr, this.work, this.workAbs);
      const payback = (totalCapex[i] as number) === 0 ? 0 : paybackPeriod(flows as unknown as number[]);
      let equityIrr = irr;
      let eqClass = irrClass;
      if (hasDebt) {
        for (let t = 0; t <= T; t++) flows[t] = (eq[t] as Float64Array)[i] as number;
        equityIrr = irrFast(flows, T + 1);
        eqClass = irrRootClass(flows, T + 1, equityIrr, this.work, this.workAbs);
      }
      const a = active[i] as number;
      const q = tokens[i] as number;
      const npvi = npv[i] as number;
      M.npv[i] = finiteOrNaN(npvi);
      M.irr[i] = irr === null ? Number.NaN : finiteOrNaN(irr);
      M.equityIrr[i] = equityIrr === null ? Number.NaN : finiteOrNaN(equityIrr);
      M.paybackYears[i] = payback === null ? Number.NaN : finiteOrNaN(payback);
      M.grossProfitPerMW[i] = a === 0 ? Number.NaN : finiteOrNaN((gpSum[i] as number) / a);
      M.revenuePerMW[i] = a === 0 ? Number.NaN : finiteOrNaN((revSum[i] as number) / a);
      M.profitableShare[i] = q === 0 ? Number.NaN : finiteOrNaN((profitable[i] as number) / q);
      M.strategicNpv[i] = finiteOrNaN(npvi + (svPV[i] as number));
      out.irrRoots[i] = irrClass;
      out.equityIrrRoots[i] = eqClass;
      out.irrAtLeastWacc[i] = irr !== null && irr >= (waccc[i] as number) ? 1 : 0;
      const pb = M.paybackYears[i] as number;
      out.paybackWithinLife[i] = own ? (pb <= (L[i] as number) ? 1 : 0) : (cumAtTerm[i] as number) >= 0 ? 1 : 0;
    }
  }

  /** Net book value at the end of year t of the generations still held and of the owned facility (sample i). */
  private bookValueAtEnd(i: number, t: number): number {
    const facDep = this.facDep[i] as number;
    let book = (this.facCapex[i] as number) - facDep * Math.min(t, this.facLife[i] as number);
    const Gi = this.G[i] as number;
    const Li = this.L[i] as number;
    const Di = this.D[i] as number;
    const T = this.T;
    for (let j = 0; j < Gi; j++) {
      const start = 1 + j * Li;
      if (start - 1 > t) continue; // not bought yet
      const last = start + Li - 1;
      if (last <= T && last <= t) continue; // sold
      const yearsDep = Math.max(0, Math.min(t - start + 1, Di, Li));
      book += ((this.genCapex[j] as Float64Array)[i] as number) - ((this.genDep[j] as Float64Array)[i] as number) * yearsDep;
    }
    return book;
  }
}

const finiteOrNaN = (x: number): number => (Number.isFinite(x) ? x : Number.NaN);

/** Sign changes of a sequence, zeros skipped (Descartes: an upper bound on the IRRs). */
export function signChanges(values: ArrayLike<number>, n: number = values.length): number {
  let changes = 0;
  let last = 0;
  for (let t = 0; t < n; t++) {
    const v = values[t] as number;
    if (v > 0 || v < 0) {
      const s = v > 0 ? 1 : -1;
      if (last !== 0 && s !== last) changes++;
      last = s;
    }
  }
  return changes;
}

// The IRR window in the discount factor d = 1/(1 + r): r in (IRR_LO, IRR_HI) ⇔ d in (D_LO, D_HI).
const D_LO = 1 / (1 + IRR_HI);
const D_HI = 1 / (1 + IRR_LO);
/** Subdivisions of the window before the count gives up and asks `irrRoots`. */
const ROOT_COUNT_DEPTH = 12;

/**
 * Descartes' bound on the roots in (a, b) of p(d) = Σ c_t d^t (the NPV as a
 * polynomial in the discount factor): the sign variations of
 * (1 + x)^T p((a + b x)/(1 + x)). −1 when a coefficient is too close to 0 to
 * trust its sign. `w` and `wa` are scratch buffers of length ≥ n.
 */
function descartesBound(c: ArrayLike<number>, n: number, a: number, b: number, w: Float64Array, wa: Float64Array): number {
  const T = n - 1;
  for (let k = 0; k < n; k++) {
    const v = c[k] as number;
    w[k] = v;
    wa[k] = Math.abs(v);
  }
  // p(a + z): Taylor shift by a
  for (let i = 0; i < T; i++) {
    for (let j = T - 1; j >= i; j--) {
      w[j] = (w[j] as number) + a * (w[j + 1] as number);
      wa[j] = (wa[j] as number) + a * (wa[j + 1] as number);
    }
  }
  // z = (b − a) y, then reversed and shifted by 1: y = 1/(1 + x)
  let scale = 1;
  const span = b - a;
  for (let k = 0; k < n; k++) {
    w[k] = (w[k] as number) * scale;
    wa[k] = (wa[k] as number) * scale;
    scale *= span;
  }
  for (let i = 0, j = T; i < j; i++, j--) {
    const x = w[i] as number;
    w[i] = w[j] as number;
    w[j] = x;
    const y = wa[i] as number;
    wa[i] = wa[j] as number;
    wa[j] = y;
  }
  for (let i = 0; i < T; i++) {
    for (let j = T - 1; j >= i; j--) {
      w[j] = (w[j] as number) + (w[j + 1] as number);
      wa[j] = (wa[j] as number) + (wa[j + 1] as number);
    }
  }
  let variations = 0;
  let last = 0;
  for (let k = 0; k < n; k++) {
    const v = w[k] as number;
    if (!(Math.abs(v) > 1e-12 * (wa[k] as number))) {
      if (v === 0 && wa[k] === 0) continue;
      return -1;
    }
    const sg = v > 0 ? 1 : -1;
    if (last !== 0 && sg !== last) variations++;
    last = sg;
  }
  return variations;
}

/** Roots of p in (a, b), counted up to 2 by bisecting (geometrically) until Descartes' bound is exact; −1 when unsure. */
function countRoots(c: ArrayLike<number>, n: number, a: number, b: number, depth: number, w: Float64Array, wa: Float64Array): number {
  const v = descartesBound(c, n, a, b, w, wa);
  if (v < 0) return -1;
  if (v <= 1) return v; // 0 or 1 variation: exactly that many roots
  if (depth === 0) return -1;
  const m = Math.sqrt(a * b);
  let pm = 0;
  for (let t = n - 1; t >= 0; t--) pm = pm * m + (c[t] as number);
  if (pm === 0) return -1;
  const left = countRoots(c, n, a, m, depth - 1, w, wa);
  if (left < 0 || left >= 2) return left < 0 ? -1 : 2;
  const right = countRoots(c, n, m, b, depth - 1, w, wa);
  return right < 0 ? -1 : Math.min(2, left + right);
}

/**
 * How many IRRs flows with IRR `irr` (null: none) have in the window: IRR_NONE,
 * IRR_ONE or IRR_SEVERAL, as `irrRoots(flows).length` would say. Call it right
 * after the `irrFast(flows, n)` that gave `irr`: cheap tests first (what that
 * search learnt, `irrCountAfterFast`; then Descartes on the window, bisected),
 * `irrRoots` only when they cannot tell.
 */
export function irrRootClass(flows: Float64Array, n: number, irr: number | null, w: Float64Array, wa: Float64Array): number {
  if (irr === null) return IRR_NONE;
  const fast = irrCountAfterFast(flows, n, irr);
  if (fast >= 1) return fast === 1 ? IRR_ONE : IRR_SEVERAL;
  // the window split at r = 0 (d = 1) first: roots usually lie on either side of it
  let p1 = 0;
  for (let t = n - 1; t >= 0; t--) p1 += flows[t] as number;
  let count = -1;
  if (p1 !== 0) {
    const above = countRoots(flows, n, D_LO, 1, ROOT_COUNT_DEPTH, w, wa);
    if (above >= 2) return IRR_SEVERAL;
    const below = above < 0 ? -1 : countRoots(flows, n, 1, D_HI, ROOT_COUNT_DEPTH, w, wa);
    if (below >= 0) count = above + below;
  }
  if (count >= 0) return count >= 2 ? IRR_SEVERAL : IRR_ONE;
  return irrRoots(flows.subarray(0, n)).length > 1 ? IRR_SEVERAL : IRR_ONE;
}
