/**
 * MODEL.md §3: one factory, one sample, year by year. This is the one place
 * where a year of the model is computed — capacity, demand, the funnel,
 * revenue, costs, tax pools, debt service, the flows — for a single scenario
 * (`evaluate` runs it once with a recording of every line) and for Monte Carlo
 * blocks (`ColumnarModel` runs it per sample, recording nothing).
 *
 * A kernel is made for a scenario's structure (`Structure`: horizon, modes,
 * segments, pricing forms); a sample's numbers come in as a vector of slots
 * (`Layout`). Every line is a function of `lines.ts`. A year runs in three
 * steps — `capacityYear`, then `serveYear` (or `serveGiven`, for a market
 * shared between factories), then `settleYear` — so that several kernels can be
 * stepped side by side on one calendar.
 */
import { irrFast } from './finance.ts';
import { irrRootClass, IRR_NONE } from './irr-class.ts';
import {
  acceleratorCount,
  acceleratorHoursSold,
  billedTokens as billedOf,
  capacityComputeUnits,
  demandedTokens,
  energyMWh,
  generationCapex,
  imputedValue,
  itDepreciationPerYear,
  leaseCost,
  lossPoolAfter,
  owedAtHorizon,
  paybackPeriod,
  perAcceleratorHourRevenue,
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
import {
  type ModelWarning,
  newBuildYearRow,
  newSegmentYearRow,
  newSummary,
  newYearRow,
  type SegmentYearRow,
  type Summary,
  type YearRow,
} from './result.ts';
import { KIND_CODES, KIND_IMPUTED, KIND_PER_HOUR, KIND_PER_MTOK, KIND_SUBSCRIPTION, type Layout, type Structure } from './slots.ts';

/** What a recorded run gives: every line of every year (MODEL.md §4), the summary and the warnings. */
export interface Recording {
  years: YearRow[];
  /** per segment, its rows for t = 1..T */
  segments: SegmentYearRow[][];
  summary: Summary;
  warnings: ModelWarning[];
  /** a year's values were not all finite: the caller fixes the rows field by field */
  needsFix: boolean;
}

export function newRecording(): Recording {
  return { years: [], segments: [], summary: newSummary(), warnings: [], needsFix: false };
}

const div = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export class FactoryKernel {
  readonly T: number;
  readonly nSeg: number;
  private readonly layout: Layout;
  private readonly startYear: number;
  private readonly own: boolean;
  private readonly ownFacility: boolean;
  private readonly leaseFacility: boolean;
  private readonly tokensMode: boolean;
  private readonly hasPower: boolean;
  private readonly refresh: boolean;
  private readonly hasDebt: boolean;
  private readonly straight: boolean;
  private readonly bookValue: boolean;
  private readonly kinds: Int32Array;
  private readonly cash: Uint8Array;
  private readonly billedAll: Uint8Array;
  /** when set, `finish` also classifies the IRRs (none, one, several) */
  classify = false;

  // the sample's inputs
  private x: Float64Array = new Float64Array(0);
  private itMW = 0;
  private pue = 0;
  private powerPrice = 0;
  private powerEscalation = 0;
  private idle = 0;
  private leasePerKWMonth = 0;
  private leaseEscalation = 0;
  private leaseTerm = 0;
  private tokensPerSecond = 0;
  private perfGainPerYear = 1;
  private maintenancePct = 0;
  private rentPerHour = 0;
  private rentChange = 0;
  private rentTerm = 0;
  private softwareGain = 0;
  private tokensPerYear = 0;
  private growthPerYear = 0;
  private maxUtilization = 1;
  private wacc = 0;
  private taxRate = 0;
  private debtRate = 0;
  private fixedPerMWYear = 0;
  private otherCostPerMTok = 0;
  private minMargin = 0;
  private readonly segIntensity: Float64Array;
  private readonly segHidden: Float64Array;
  private readonly segPrice: Float64Array;
  private readonly segChange: Float64Array;
  private readonly segDiscount: Float64Array;
  private readonly segArpu: Float64Array;
  private readonly segTokensPerUser: Float64Array;
  private readonly segArpuChange: Float64Array;
  private readonly segUsageGrowth: Float64Array;
  private readonly segPremium: Float64Array;
  private readonly segShareSlot: Int32Array;

  // schedules (§3.1, §3.4, §3.6)
  /** accelerators */
  N = 0;
  /** generations bought within the horizon */
  G = 0;
  /** useful life and depreciation life */
  L = 0;
  private D = 0;
  private residualFrac = 0;
  private facCapex = 0;
  private facLife = 1;
  private facDep = 0;
  totalCapex = 0;
  private readonly genCapex: Float64Array;
  private readonly genDep: Float64Array;
  private readonly capexAt: Float64Array;
  private readonly draws: Float64Array;
  private readonly principalDue: Float64Array;
  /** §3.6 commitments after the horizon, owed at T */
  commitmentsAfterHorizon = 0;
  private commitRate = 0;

  // running state
  private taxPool = 0;
  private leveredPool = 0;
  private outstanding = 0;
  private cumulative = 0;
  private minCumulative = 0;
  /** unlevered and equity flows, t = 0..T */
  readonly fcf: Float64Array;
  readonly eq: Float64Array;
  private readonly disc: Float64Array;
  private readonly work: Float64Array;
  private readonly workAbs: Float64Array;

  // the current year, between its steps
  /** generation in service (−1: none) and its purchase year */
  k = -1;
  private b = 0;
  /** accelerators in service, capacity in compute units, mix weight */
  Nt = 0;
  C = 0;
  w = 0;
  U = 0;
  u = 0;
  Q = 0;
  private unmet = 0;
  private readonly shares: Float64Array;
  private readonly segQ: Float64Array;
  private readonly segR: Float64Array;
  private readonly segV: Float64Array;

  // §3.7 running sums
  private npvSum = 0;
  private svPV = 0;
  private active = 0;
  private revSum = 0;
  private gpSum = 0;
  private ebitdaSum = 0;
  private strategicRevSum = 0;
  private tokensSum = 0;
  private profitableSum = 0;
  /** cumulative fcf at the end of the compute rent term (rented fleets) */
  cumAtRentTerm = 0;

  // the sample's summary metrics (NaN: no value)
  npv = 0;
  irr = Number.NaN;
  equityIrr = Number.NaN;
  paybackYears = Number.NaN;
  grossProfitPerMW = Number.NaN;
  revenuePerMW = Number.NaN;
  profitableShare = Number.NaN;
  strategicNpv = 0;
  irrClass = IRR_NONE;
  equityIrrClass = IRR_NONE;

  private rec: Recording | null = null;
  /** recorded rows of the current year */
  private row: YearRow | null = null;
  private readonly segRows: (SegmentYearRow | null)[];
  // what only a recording needs
  private billedSum = 0;
  private monetizableSum = 0;
  private strategicTokensSum = 0;
  private hiddenSum = 0;
  private cogsSum = 0;
  private revenueTotal = 0;
  private gpTotal = 0;
  private unmetSum = 0;
  private minDscr: number | null = null;
  private maxLtv: number | null = null;
  private committed: Float64Array = new Float64Array(0);
  private leaseCommitment = 0;
  private leaseCommitmentPV = 0;

  constructor(st: Structure, layout: Layout) {
    const T = st.T;
    const nSeg = st.kinds.length;
    this.T = T;
    this.nSeg = nSeg;
    this.layout = layout;
    this.startYear = st.startYear;
    this.own = st.own;
    this.ownFacility = st.facilityMode === 'own';
    this.leaseFacility = st.facilityMode === 'lease';
    this.tokensMode = st.tokensMode;
    this.hasPower = st.hasPower;
    this.refresh = st.refresh;
    this.hasDebt = st.hasDebt;
    this.straight = st.straight;
    this.bookValue = st.bookValue;
    this.kinds = Int32Array.from(st.kinds.map((k) => KIND_CODES[k]));
    this.cash = Uint8Array.from(st.cash.map(Number));
    this.billedAll = Uint8Array.from(st.reasoningBilled.map(Number));
    const seg = (): Float64Array => new Float64Array(nSeg);
    this.segIntensity = seg();
    this.segHidden = seg();
    this.segPrice = seg();
    this.segChange = seg();
    this.segDiscount = seg();
    this.segArpu = seg();
    this.segTokensPerUser = seg();
    this.segArpuChange = seg();
    this.segUsageGrowth = seg();
    this.segPremium = seg();
    this.segShareSlot = Int32Array.from(layout.segments.map((s) => s.share));
    this.shares = seg();
    this.segQ = seg();
    this.segR = seg();
    this.segV = seg();
    this.segRows = new Array<SegmentYearRow | null>(nSeg).fill(null);
    const years = (): Float64Array => new Float64Array(T + 1);
    this.genCapex = years();
    this.genDep = years();
    this.capexAt = years();
    this.draws = years();
    this.principalDue = years();
    this.fcf = years();
    this.eq = years();
    this.disc = years();
    this.work = years();
    this.workAbs = years();
  }

  /** Evaluate one sample whose inputs are `x` (a vector of `layout.count` slots); record every line into `rec` when given. */
  run(x: Float64Array, rec: Recording | null): void {
    this.begin(x, rec);
    for (let t = 1; t <= this.T; t++) {
      this.capacityYear(t);
      this.serveYear(t);
      this.settleYear(t);
    }
    this.finish();
  }

  /** Read a sample's inputs; lay out its generations, capex, debt and commitments (§3.1, §3.4, §3.6); year 0. */
  begin(x: Float64Array, rec: Recording | null): void {
    const l = this.layout;
    const T = this.T;
    this.x = x;
    this.rec = rec;
    const itMW = x[l.itMW] as number;
    this.itMW = itMW;
    this.pue = x[l.pue] as number;
    this.powerPrice = x[l.powerPrice] as number;
    this.powerEscalation = x[l.powerEscalation] as number;
    this.idle = x[l.idle] as number;
    this.leasePerKWMonth = x[l.leasePerKWMonth] as number;
    this.leaseEscalation = x[l.leaseEscalation] as number;
    this.leaseTerm = this.leaseFacility ? (x[l.leaseTerm] as number) : 0;
    this.tokensPerSecond = x[l.tokensPerSecond] as number;
    this.perfGainPerYear = x[l.perfGainPerYear] as number;
    this.maintenancePct = x[l.maintenance] as number;
    this.rentPerHour = x[l.rentPerHour] as number;
    this.rentChange = x[l.rentChange] as number;
    this.rentTerm = this.own ? 0 : (x[l.rentTerm] as number);
    this.softwareGain = x[l.softwareGain] as number;
    this.tokensPerYear = x[l.tokensPerYear] as number;
    this.growthPerYear = x[l.growthPerYear] as number;
    this.maxUtilization = x[l.maxUtilization] as number;
    const wacc = x[l.wacc] as number;
    this.wacc = wacc;
    this.taxRate = x[l.taxRate] as number;
    this.debtRate = x[l.debtRate] as number;
    this.fixedPerMWYear = x[l.fixedPerMWYear] as number;
    this.otherCostPerMTok = x[l.otherCostPerMTok] as number;
    this.minMargin = x[l.minMargin] as number;
    for (let j = 0; j < this.nSeg; j++) {
      const sl = l.segments[j]!;
      this.segIntensity[j] = x[sl.intensity] as number;
      this.segHidden[j] = x[sl.hidden] as number;
      this.segPrice[j] = x[sl.price] as number;
      this.segChange[j] = x[sl.change] as number;
      this.segDiscount[j] = x[sl.discount] as number;
      this.segArpu[j] = x[sl.arpu] as number;
      this.segTokensPerUser[j] = x[sl.tokensPerUser] as number;
      this.segArpuChange[j] = x[sl.arpuChange] as number;
      this.segUsageGrowth[j] = x[sl.usageGrowth] as number;
      this.segPremium[j] = x[sl.techPremium] as number;
    }

    // §3.1 the fleet and its generations: generation k is bought at b_k = k·L, the hardware on sale then
    const N = acceleratorCount(itMW, x[l.kW] as number);
    this.N = N;
    const { genCapex, genDep, capexAt, draws, principalDue } = this;
    capexAt.fill(0);
    if (this.own) {
      const L = x[l.usefulLife] as number;
      this.L = L;
      this.D = x[l.depreciationYears] as number;
      this.residualFrac = x[l.residualValue] as number;
      this.G = this.refresh ? Math.floor((T - 1) / L) + 1 : 1;
    } else {
      this.L = T;
      this.D = T;
      this.residualFrac = 0;
      this.G = 0;
    }
    if (this.ownFacility) {
      const fc = (x[l.facilityCapexPerMW] as number) * itMW;
      const fl = x[l.facilityLife] as number;
      this.facCapex = fc;
      this.facLife = fl;
      this.facDep = fc / fl;
    } else {
      this.facCapex = 0;
      this.facLife = 1;
      this.facDep = 0;
    }
    capexAt[0] = this.facCapex;
    const firstCapex = N * (x[l.capexPerAccelerator] as number);
    const capexChange = x[l.capexChangePerYear] as number;
    for (let k = 0; k < this.G; k++) {
      const b = k * this.L;
      const capex = generationCapex(firstCapex, capexChange, b);
      genCapex[k] = capex;
      genDep[k] = itDepreciationPerYear(capex, this.residualFrac, this.D);
      capexAt[b] = (capexAt[b] as number) + capex;
    }
    let tc = 0;
    for (let t = 0; t <= T; t++) tc += capexAt[t] as number;
    this.totalCapex = tc;

    // §3.6 debt: each capex event draws share · capex, repaid straight or bullet
    draws.fill(0);
    principalDue.fill(0);
    if (this.hasDebt) {
      const share = x[l.debtShare] as number;
      const term = x[l.debtTerm] as number;
      const straight = this.straight;
      for (let t = 0; t <= T; t++) {
        const loan = share * (capexAt[t] as number);
        if (loan <= 0) continue;
        draws[t] = loan;
        for (let j = 1; j <= term; j++) {
          const due = t + j;
          if (due > T) break;
          const pay = straight ? loan / term : j === term ? loan : 0;
          principalDue[due] = (principalDue[due] as number) + pay;
        }
      }
    }

    // §3.6 commitments after the horizon: lease and rent due past T under their terms, owed at T
    const r = this.hasDebt ? this.debtRate : wacc;
    this.commitRate = r;
    let after = 0;
    for (let j = T + 1; j <= this.leaseTerm; j++) after += owedAtHorizon(leaseCost(itMW, this.leasePerKWMonth, this.leaseEscalation, j), r, j - T);
    for (let j = T + 1; j <= this.rentTerm; j++) after += owedAtHorizon(rentCost(N, this.rentPerHour, this.rentChange, j), r, j - T);
    this.commitmentsAfterHorizon = after;

    // year 0: the build
    const f0 = 0 - (capexAt[0] as number);
    this.fcf[0] = f0;
    this.eq[0] = (draws[0] as number) - (capexAt[0] as number);
    this.disc[0] = f0 / powInt(1 + wacc, 0);
    this.npvSum = this.disc[0] as number;
    this.cumulative = f0;
    this.minCumulative = Math.min(0, f0);
    this.cumAtRentTerm = f0;
    this.outstanding = draws[0] as number;
    this.taxPool = 0;
    this.leveredPool = 0;
    this.svPV = 0;
    this.active = 0;
    this.revSum = 0;
    this.gpSum = 0;
    this.ebitdaSum = 0;
    this.strategicRevSum = 0;
    this.tokensSum = 0;
    this.profitableSum = 0;
    if (rec !== null) this.beginRecording(rec, f0);
  }

  /** Commitments, and the build row, of a recorded run. */
  private beginRecording(rec: Recording, f0: number): void {
    const T = this.T;
    const commitYears = Math.max(this.leaseTerm, this.rentTerm);
    // committed[j]: what is still due after year j (j = 0..commitYears), as a tail sum
    const pay = new Float64Array(commitYears + 1);
    let total = 0;
    let pv = 0;
    for (let j = 1; j <= commitYears; j++) {
      let c = 0;
      if (j <= this.leaseTerm) c += leaseCost(this.itMW, this.leasePerKWMonth, this.leaseEscalation, j);
      if (j <= this.rentTerm) c += rentCost(this.N, this.rentPerHour, this.rentChange, j);
      pay[j] = c;
      total += c;
      pv += c / powInt(1 + this.commitRate, j);
    }
    const committed = new Float64Array(commitYears + 1);
    for (let j = commitYears - 1; j >= 0; j--) committed[j] = (committed[j + 1] as number) + (pay[j + 1] as number);
    this.committed = committed;
    this.leaseCommitment = total;
    this.leaseCommitmentPV = pv;
    this.billedSum = 0;
    this.monetizableSum = 0;
    this.strategicTokensSum = 0;
    this.hiddenSum = 0;
    this.cogsSum = 0;
    this.revenueTotal = 0;
    this.gpTotal = 0;
    this.unmetSum = 0;
    this.minDscr = null;
    this.maxLtv = null;
    rec.years.length = 0;
    rec.warnings.length = 0;
    rec.needsFix = false;
    rec.segments = [];
    for (let j = 0; j < this.nSeg; j++) rec.segments.push(new Array<SegmentYearRow>(T));
    const y0 = newBuildYearRow(this.startYear - 1);
    y0.capex = this.capexAt[0] as number;
    y0.draws = this.draws[0] as number;
    y0.fcf = f0;
    y0.cumulativeFcf = f0;
    y0.equityCashFlow = this.eq[0] as number;
    y0.debtOutstanding = this.draws[0] as number;
    rec.years.push(y0);
    if (this.hasDebt && (y0.capex as number) > 0) this.maxLtv = (y0.debtOutstanding as number) / (y0.capex as number);
    if (this.commitmentsAfterHorizon > 0) {
      const parts: string[] = [];
      if (this.leaseTerm > T) parts.push(`the facility lease runs ${this.leaseTerm} years, to ${this.startYear + this.leaseTerm - 1}`);
      if (this.rentTerm > T) parts.push(`the compute rent runs ${this.rentTerm} years, to ${this.startYear + this.rentTerm - 1}`);
      const past = commitYears - T;
      rec.warnings.push({
        code: 'commitments-after-horizon',
        field: 'commitmentsAfterHorizon',
        t: T,
        message:
          `${parts.join(' and ')}: the payments of ${this.startYear + T}–${this.startYear + commitYears - 1} (${past} year${past === 1 ? '' : 's'} past the horizon) ` +
          `are owed at ${this.startYear + T - 1}, discounted at ${(this.commitRate * 100).toFixed(2)} %: $${Math.round(this.commitmentsAfterHorizon).toLocaleString('en-US')} taken from that year's flows; ` +
          `set horizon.years: ${commitYears} to model those years`,
      });
    }
  }

  /** §3.1 the fleet in service in year t and its capacity; §3.2 the mix weight. */
  capacityYear(t: number): void {
    let k = 0;
    let inService = true;
    if (this.own) {
      k = Math.floor((t - 1) / this.L);
      inService = k < this.G;
    }
    this.k = inService ? k : -1;
    const b = this.own && inService ? k * this.L : 0;
    this.b = b;
    const Nt = inService ? this.N : 0;
    this.Nt = Nt;
    this.C = capacityComputeUnits(Nt, throughputPerAccelerator(this.tokensPerSecond, this.perfGainPerYear, b, this.softwareGain, t));
    const x = this.x;
    let w = 0;
    for (let j = 0; j < this.nSeg; j++) {
      const s = x[(this.segShareSlot[j] as number) + t - 1] as number;
      this.shares[j] = s;
      w += s * (this.segIntensity[j] as number);
    }
    this.w = w;
  }

  /** §3.2 served compute from the factory's own demand: utilization, or tokens demanded. */
  serveYear(t: number): void {
    if (this.tokensMode) {
      const Dt = demandedTokens(this.tokensPerYear, this.growthPerYear, t);
      const C = this.C;
      const U = servedComputeTokensMode(Dt, this.w, this.maxUtilization, C);
      this.U = U;
      this.u = C === 0 ? 0 : U / C;
      const unmet = Dt - U / this.w;
      this.unmet = unmet > Dt * 1e-12 ? unmet : 0;
    } else {
      const u = this.x[this.layout.utilization + t - 1] as number;
      this.u = u;
      this.U = u * this.C;
      this.unmet = 0;
    }
    this.Q = this.U / this.w;
  }

  /** §3.2 served compute given from outside (a market shared between factories); `unmet` is the market's. */
  serveGiven(U: number): void {
    const C = this.C;
    this.U = U;
    this.u = C === 0 ? 0 : U / C;
    this.unmet = 0;
    this.Q = U / this.w;
  }

  /** §3.3–§3.6 revenue, costs, profit, the funnel, taxes, debt and the flows of year t. */
  settleYear(t: number): void {
    const T = this.T;
    const rec = this.rec;
    const year = this.startYear + t - 1;
    const Nt = this.Nt;
    const k = this.k;
    const inService = k >= 0;
    const u = this.u;
    const U = this.U;
    const Q = this.Q;
    const w = this.w;
    const itMW = this.itMW;

    // §3.3 revenue and strategic value per segment
    let R = 0;
    let V = 0;
    let hidden = 0;
    let billedCash = 0;
    let segCheck = 0;
    for (let j = 0; j < this.nSeg; j++) {
      const s = this.shares[j] as number;
      const h = this.segHidden[j] as number;
      const Qi = s * Q;
      const Bi = billedOf(Qi, h, this.billedAll[j] === 1);
      hidden += Qi * h;
      let Ri = 0;
      let Vi = 0;
      let users = -1;
      let hours = -1;
      switch (this.kinds[j]) {
        case KIND_PER_MTOK:
          Ri = perMTokRevenue(Bi, this.segPrice[j] as number, this.segChange[j] as number, this.segDiscount[j] as number, t);
          break;
        case KIND_SUBSCRIPTION:
          users = subscriptionUsers(Qi, this.segTokensPerUser[j] as number, this.segUsageGrowth[j] as number, t);
          Ri = subscriptionRevenue(users, this.segArpu[j] as number, this.segArpuChange[j] as number, t);
          break;
        case KIND_PER_HOUR:
          hours = acceleratorHoursSold((s * (this.segIntensity[j] as number)) / w, u, Nt);
          Ri = perAcceleratorHourRevenue(hours, this.segPrice[j] as number, this.segChange[j] as number, this.segPremium[j] as number, this.b, t);
          break;
        case KIND_IMPUTED:
          Vi = imputedValue(Bi, this.segPrice[j] as number, this.segChange[j] as number, t);
          break;
        default:
          break;
      }
      if (this.cash[j] === 1) billedCash += Bi;
      this.segQ[j] = Qi;
      this.segR[j] = Ri;
      this.segV[j] = Vi;
      R += Ri;
      V += Vi;
      if (rec !== null) {
        const sr = newSegmentYearRow(t, year);
        sr.tokenShare = s;
        sr.tokens = Qi;
        sr.billedTokens = Bi;
        sr.hiddenReasoningTokens = Qi * h;
        sr.revenue = Ri;
        sr.strategicValue = Vi;
        sr.users = users < 0 ? null : users;
        sr.acceleratorHours = hours < 0 ? null : hours;
        segCheck += Qi + Bi + Ri + Vi + (users < 0 ? 0 : users) + (hours < 0 ? 0 : hours);
        this.segRows[j] = sr;
        rec.segments[j]![t - 1] = sr;
      }
    }

    // §3.4 costs
    const power =
      this.hasPower && inService ? powerCost(energyMWh(itMW, this.pue, this.idle, u), this.powerPrice, this.powerEscalation, t) : 0;
    const lease = this.leaseFacility ? leaseCost(itMW, this.leasePerKWMonth, this.leaseEscalation, t) : 0;
    const rent = this.own ? 0 : rentCost(this.N, this.rentPerHour, this.rentChange, t);
    const maintenance = this.own && inService ? this.maintenancePct * (this.genCapex[k] as number) : 0;
    const fixedOpex = this.fixedPerMWYear * itMW;
    const otherCost = perTokenCost(this.otherCostPerMTok, Q);
    let depreciation = t <= this.facLife ? this.facDep : 0;
    let writeOff = 0;
    let residual = 0;
    const L = this.L;
    const D = this.D;
    for (let j = 0; j < this.G; j++) {
      const start = 1 + j * L;
      const last = start + L - 1;
      const gd = this.genDep[j] as number;
      if (t >= start && t <= Math.min(start + D - 1, last)) depreciation += gd;
      if (last === t && last <= T) {
        // NBV − residual·K = K(1 − residual)(1 − L/D) = dep·(D − L) when D > L; exactly 0 when D ≤ L
        // (written this way, not as a difference, so a fully depreciated generation leaves no rounding dust)
        if (D > L) writeOff += gd * (D - L);
        residual += this.residualFrac * (this.genCapex[j] as number);
      }
    }
    const cogs = power + lease + rent + maintenance + fixedOpex + otherCost + depreciation;
    const opexCash = cogs - depreciation;

    // §3.5 profit and the funnel
    const grossProfit = R - cogs;
    const ebitda = R - opexCash;
    const ebit = ebitda - depreciation - writeOff;
    const costPerUnit = U === 0 ? -1 : cogs / U;
    let monetizable = 0;
    let profitable = 0;
    let strategic = 0;
    const minMargin = this.minMargin;
    for (let j = 0; j < this.nSeg; j++) {
      const Ri = this.segR[j] as number;
      const Qi = this.segQ[j] as number;
      // a segment's allocated cost k_i · c_t · Q_i; no cost per unit (U = 0) leaves it without one unless it has no tokens
      const hasCost = costPerUnit >= 0 || Qi === 0;
      const cost = costPerUnit >= 0 ? (this.segIntensity[j] as number) * costPerUnit * Qi : 0;
      const margin = hasCost && Ri !== 0 ? (Ri - cost) / Ri : Number.NaN;
      if (Ri > 0) {
        monetizable += Qi;
        if (margin >= minMargin) profitable += Qi;
      }
      if ((this.segV[j] as number) > 0) strategic += Qi;
      if (rec !== null) {
        const sr = this.segRows[j] as SegmentYearRow;
        sr.cost = hasCost ? cost : null;
        sr.grossProfit = hasCost ? Ri - cost : null;
        sr.grossMargin = hasCost && Ri !== 0 ? margin : null;
        sr.monetizable = Ri > 0;
        sr.profitable = Ri > 0 && margin >= minMargin;
        segCheck += cost + (sr.grossMargin ?? 0);
      }
    }

    // §3.6 cash flows, taxes, financing
    const taxRate = this.taxRate;
    const tax = taxWithCarryForward(ebit, taxRate, this.taxPool);
    this.taxPool = lossPoolAfter(ebit, this.taxPool);
    const capex = this.capexAt[t] as number;
    const terminal = t === T && this.bookValue ? this.bookValueAtEnd(t) : 0;
    const owed = t === T ? this.commitmentsAfterHorizon : 0;
    const flow = ebitda - tax - capex + residual + terminal - owed;
    this.fcf[t] = flow;
    const cum = this.cumulative + flow;
    this.cumulative = cum;
    if (cum < this.minCumulative) this.minCumulative = cum;
    if (!this.own && t === Math.min(this.rentTerm, T)) this.cumAtRentTerm = cum;

    const out0 = this.outstanding;
    const interest = this.hasDebt ? this.debtRate * out0 : 0;
    const principal = this.principalDue[t] as number;
    const draw = this.draws[t] as number;
    let outNext = out0 + draw - principal;
    if (Math.abs(outNext) < 1e-6 * Math.max(1, this.draws[0] as number)) outNext = 0;
    this.outstanding = outNext;
    const repaidAtHorizon = t === T ? outNext : 0;
    const leveredTax = taxWithCarryForward(ebit - interest, taxRate, this.leveredPool);
    this.leveredPool = lossPoolAfter(ebit - interest, this.leveredPool);
    const equity = ebitda - leveredTax - capex + draw - interest - principal + residual + (t === T ? terminal - repaidAtHorizon - owed : 0);
    this.eq[t] = equity;

    // §3.7 the summary's running sums
    if (Nt > 0) {
      this.active++;
      this.revSum += R / itMW;
      this.gpSum += grossProfit / itMW;
      this.ebitdaSum += ebitda / itMW;
      this.strategicRevSum += (R + V) / itMW;
    }
    this.tokensSum += Q;
    this.profitableSum += profitable;
    const discount = powInt(1 + this.wacc, t);
    this.svPV += (V * (1 - taxRate)) / discount;
    const d = flow / discount;
    this.disc[t] = d;
    this.npvSum += d;

    if (rec === null) return;
    const service = interest + principal;
    const book = this.bookValueAtEnd(t);
    const row = newYearRow(t, year);
    const unmet = this.tokensMode ? this.unmet : null;
    if (unmet !== null && unmet > 0) {
      rec.warnings.push({ code: 'unmet-demand', message: `year ${year}: ${unmet.toExponential(3)} tokens of demand exceed capacity and are not served`, field: 'unmetTokens', t });
    }
    // the last guard against NaN/Infinity, cheap: one sum of this year's locals;
    // only a non-finite sum sends the rows through the field-by-field fix
    const yearCheck =
      Nt + this.C + u + Q + billedCash + hidden + monetizable + profitable + strategic + (unmet ?? 0) + R + V + power + lease + rent +
      maintenance + fixedOpex + otherCost + depreciation + writeOff + cogs + ebitda + ebit + tax + capex + residual + terminal + owed +
      flow + cum + draw + outNext + interest + principal + repaidAtHorizon + leveredTax + equity + book + (costPerUnit >= 0 ? costPerUnit : 0) +
      (service > 0 ? ebitda / service : 0) + (R === 0 ? 0 : grossProfit / R) + (Q === 0 ? 0 : cogs / Q) * 1e6 +
      (billedCash === 0 ? 0 : R / billedCash) * 1e6 + (R + V) / itMW + grossProfit / itMW + ebitda / itMW + R / itMW + segCheck;
    if (!Number.isFinite(yearCheck)) rec.needsFix = true;
    row.accelerators = Nt;
    row.generation = this.own ? (inService ? k : null) : 0;
    row.capacityTokens = this.C;
    row.utilization = u;
    row.tokens = Q;
    row.billedTokens = billedCash;
    row.hiddenReasoningTokens = hidden;
    row.monetizableTokens = monetizable;
    row.profitableTokens = profitable;
    row.strategicTokens = strategic;
    row.unmetTokens = unmet;
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
    row.grossMargin = div(grossProfit, R);
    row.ebitda = ebitda;
    row.ebit = ebit;
    row.tax = tax;
    row.capex = capex;
    row.residual = residual;
    row.terminalValue = terminal;
    row.commitmentsAfterHorizon = owed;
    row.fcf = flow;
    row.cumulativeFcf = cum;
    row.draws = draw;
    row.debtOutstanding = outNext;
    row.interest = interest;
    row.principal = principal;
    row.debtRepaidAtHorizon = repaidAtHorizon;
    row.leveredTax = leveredTax;
    row.equityCashFlow = equity;
    row.dscr = service > 0 ? ebitda / service : null;
    row.ltv = this.hasDebt ? div(outNext, book) : null;
    row.commitmentRemaining = t < this.committed.length ? (this.committed[t] as number) : 0;
    row.revenuePerMW = R / itMW;
    row.grossProfitPerMW = grossProfit / itMW;
    row.ebitdaPerMW = ebitda / itMW;
    row.strategicRevenuePerMW = (R + V) / itMW;
    row.costPerMTok = Q === 0 ? null : (cogs / Q) * 1e6;
    row.realizedPricePerMTok = billedCash === 0 ? null : (R / billedCash) * 1e6;
    rec.years.push(row);
    this.billedSum += billedCash;
    this.monetizableSum += monetizable;
    this.strategicTokensSum += strategic;
    this.hiddenSum += hidden;
    this.cogsSum += cogs;
    this.revenueTotal += R;
    this.gpTotal += grossProfit;
    this.unmetSum += unmet ?? 0;
    if (row.dscr !== null) this.minDscr = this.minDscr === null ? row.dscr : Math.min(this.minDscr, row.dscr);
    if (row.ltv !== null) this.maxLtv = this.maxLtv === null ? row.ltv : Math.max(this.maxLtv, row.ltv);
  }

  /** §3.6, §3.7 the sample's summary metrics (and, recording, the whole summary and its warnings). */
  finish(): void {
    const T = this.T;
    const n = T + 1;
    const irr = irrFast(this.fcf, n);
    if (this.classify) this.irrClass = irrRootClass(this.fcf, n, irr, this.work, this.workAbs);
    let equityIrr = irr;
    if (this.hasDebt) {
      equityIrr = irrFast(this.eq, n);
      if (this.classify) this.equityIrrClass = irrRootClass(this.eq, n, equityIrr, this.work, this.workAbs);
    } else if (this.classify) this.equityIrrClass = this.irrClass;
    const payback = this.totalCapex === 0 ? 0 : paybackPeriod(this.fcf, n);
    const a = this.active;
    const npv = this.npvSum;
    this.npv = npv;
    this.irr = irr === null ? Number.NaN : irr;
    this.equityIrr = equityIrr === null ? Number.NaN : equityIrr;
    this.paybackYears = payback === null ? Number.NaN : payback;
    this.grossProfitPerMW = a === 0 ? Number.NaN : this.gpSum / a;
    this.revenuePerMW = a === 0 ? Number.NaN : this.revSum / a;
    this.profitableShare = this.tokensSum === 0 ? Number.NaN : this.profitableSum / this.tokensSum;
    this.strategicNpv = npv + this.svPV;
    const rec = this.rec;
    if (rec === null) return;

    const s = rec.summary;
    const warnings = rec.warnings;
    if (irr === null) {
      warnings.push({
        code: 'irr-none',
        field: 'irr',
        message: this.totalCapex === 0 ? 'irr: no capex, the cash flows never change sign' : 'irr: the cash flows have no internal rate of return in (−99 %, 1000 %)',
      });
    }
    if (this.hasDebt && equityIrr === null) {
      warnings.push({ code: 'equity-irr-none', field: 'equityIrr', message: 'equityIrr: the equity cash flows have no internal rate of return in (−99 %, 1000 %)' });
    }
    if (payback === null) {
      warnings.push({ code: 'payback-never', field: 'paybackYears', message: `paybackYears: the cumulative free cash flow never turns positive within ${T} years` });
    }
    const tokens = this.tokensSum;
    s.npv = npv;
    s.irr = irr;
    s.equityIrr = equityIrr;
    s.paybackYears = payback;
    s.discountedPaybackYears = this.totalCapex === 0 ? 0 : paybackPeriod(this.disc, n);
    s.peakFunding = Math.max(0, -this.minCumulative);
    s.capexPerMW = (this.capexAt[0] as number) / this.itMW;
    s.totalCapex = this.totalCapex;
    s.revenuePerMW = a === 0 ? null : this.revSum / a;
    s.grossProfitPerMW = a === 0 ? null : this.gpSum / a;
    s.ebitdaPerMW = a === 0 ? null : this.ebitdaSum / a;
    s.strategicRevenuePerMW = a === 0 ? null : this.strategicRevSum / a;
    s.grossMargin = div(this.gpTotal, this.revenueTotal);
    s.totalTokens = tokens;
    s.billedTokens = this.billedSum;
    s.monetizableTokens = this.monetizableSum;
    s.profitableTokens = this.profitableSum;
    s.strategicTokens = this.strategicTokensSum;
    s.hiddenReasoningTokens = this.hiddenSum;
    s.unmetTokens = this.tokensMode ? this.unmetSum : null;
    s.monetizableShare = div(this.monetizableSum, tokens);
    s.profitableShare = div(this.profitableSum, tokens);
    s.costPerMTok = tokens === 0 ? null : (this.cogsSum / tokens) * 1e6;
    s.realizedPricePerMTok = this.billedSum === 0 ? null : (this.revenueTotal / this.billedSum) * 1e6;
    s.totalRevenue = this.revenueTotal;
    s.totalGrossProfit = this.gpTotal;
    s.minDscr = this.hasDebt ? this.minDscr : null;
    s.maxLtv = this.hasDebt ? this.maxLtv : null;
    s.leaseCommitment = this.leaseCommitment;
    s.leaseCommitmentPV = this.leaseCommitmentPV;
    s.commitmentsAfterHorizon = this.commitmentsAfterHorizon;
    s.strategicValuePV = this.svPV;
    s.strategicNpv = npv + this.svPV;
  }

  /** Net book value at the end of year t of the generations still held and of the owned facility. */
  private bookValueAtEnd(t: number): number {
    let book = this.facCapex - this.facDep * Math.min(t, this.facLife);
    const L = this.L;
    const D = this.D;
    const T = this.T;
    for (let j = 0; j < this.G; j++) {
      const start = 1 + j * L;
      if (start - 1 > t) continue; // not bought yet
      const last = start + L - 1;
      if (last <= T && last <= t) continue; // sold
      const yearsDep = Math.max(0, Math.min(t - start + 1, D, L));
      book += (this.genCapex[j] as number) - (this.genDep[j] as number) * yearsDep;
    }
    return book;
  }
}
