/**
 * MODEL.md §9, the capital stack: tranches that draw and amortize on their
 * own terms (straight, bullet, annuity, sculpted to a DSCR), refinancing of
 * balloons at the base rate plus a spread, a cash sweep, interest during
 * construction, market value and covenants, and contracts that fix a
 * segment's price for a term.
 *
 * `runFactory` (`factory.ts`) calls in here only for a plan whose structure
 * has a capital stack (`Structure.capital`), so a scenario with the §3.6 debt
 * alone runs the lean path it always ran. The year loop hands each year's
 * unlevered lines in (`CapitalPlan.ebitda` …); `capitalYears` then runs the
 * debt over the years and writes the equity flows; a recorded run adds
 * `capitalRecord`: the maturity wall, market LTV, covenant breaches and the
 * contract lines.
 *
 * Each tranche is a set of loans, one per draw (a tranche funding every capex
 * event draws once per event, each loan on the tranche's terms from its own
 * draw), plus the loans its balloons are refinanced into. Interest is paid on
 * a tranche's balances at the end of the previous year, kept as running sums
 * (`balance + draws − repayments`, as §3.6 keeps the debt), so a list of one
 * plain tranche gives the §3.6 numbers to the last bit.
 */
import { lossPoolAfter, powInt, taxWithCarryForward } from './lines.ts';
import type { CovenantBreach, ModelWarning } from './result.ts';
import { AM_ANNUITY, AM_BULLET, AM_SCULPTED, AM_STRAIGHT, type CapitalSlots, type CapitalStructure, FUNDS_EVERY, FUNDS_INITIAL, KIND_PER_HOUR } from './slots.ts';

/** Where a tranche-year's values lie in `CapitalPlan.trancheValues`, at `((i · (T + 1)) + t) · TV_COUNT`. */
export const TV = { draw: 0, interest: 1, principal: 2, principalDue: 3, balloon: 4, refinanced: 5, sweep: 6, outstanding: 7, rate: 8, refinanceRate: 9 } as const;
export const TV_COUNT = 10;

/** The most loans a plan keeps room for per tranche: one per capex event and one refinancing of each. */
const loansPerTranche = (T: number): number => 2 * (T + 1);

/**
 * The capital stack of one structure compiled for the runs: its slots and the
 * scratch arrays a run fills (one run at a time, as `FactoryPlan`).
 */
export interface CapitalPlan {
  readonly st: CapitalStructure;
  readonly slots: CapitalSlots;
  readonly T: number;
  readonly startYear: number;
  readonly nTr: number;
  /** the segments with a contract, in list order */
  readonly contractSegs: Int32Array;
  /** the segments whose revenue counts as traceable (basis contracted or metered) */
  readonly traceable: Uint8Array;
  readonly sculpted: boolean;
  readonly refinances: boolean;
  // handed in by the year loop, by t = 0..T
  readonly ebitda: Float64Array;
  readonly ebit: Float64Array;
  readonly residual: Float64Array;
  readonly terminal: Float64Array;
  readonly owed: Float64Array;
  /** the share of the interest during construction deducted from levered tax in year t (with generation 0) */
  readonly idcFrac: Float64Array;
  // a recorded run's: book value and market value at the end of t, cash revenue, strategic value, traceable revenue
  readonly book: Float64Array;
  readonly marketValue: Float64Array;
  readonly revenue: Float64Array;
  readonly value: Float64Array;
  readonly traceableRevenue: Float64Array;
  // contracts by t: gross contracted revenue, expected credit loss, and the contracts ending in t: contract minus market revenue
  readonly contracted: Float64Array;
  readonly ecl: Float64Array;
  readonly atRisk: Float64Array;
  // by tranche and t (index i · (T + 1) + t): the rate, the refinancing rate, the draw
  readonly rate: Float64Array;
  readonly refiRate: Float64Array;
  readonly draw: Float64Array;
  /** by tranche: interest during construction, and all its draws */
  readonly idc: Float64Array;
  readonly drawn: Float64Array;
  // the loans (struct of arrays)
  readonly loanTr: Int32Array;
  readonly loanStart: Int32Array;
  readonly loanTerm: Int32Array;
  readonly loanYears: Int32Array;
  readonly loanKind: Int32Array;
  readonly loanRefi: Uint8Array;
  readonly loanSwept: Uint8Array;
  readonly loanBal: Float64Array;
  readonly loanLevel: Float64Array;
  nLoans: number;
  idcTotal: number;
  // by tranche, during a year
  readonly origOut: Float64Array;
  readonly refiOut: Float64Array;
  readonly trInterest: Float64Array;
  readonly trDue: Float64Array;
  readonly trBalloon: Float64Array;
  readonly trRefi: Float64Array;
  readonly trSweep: Float64Array;
  readonly trOrigPaid: Float64Array;
  readonly trRefiPaid: Float64Array;
  readonly trOrigSwept: Float64Array;
  readonly trRefiSwept: Float64Array;
  // the years' debt lines, by t = 0..T
  readonly interest: Float64Array;
  readonly principal: Float64Array;
  readonly principalDue: Float64Array;
  readonly balloons: Float64Array;
  readonly refinanced: Float64Array;
  readonly sweep: Float64Array;
  readonly outstanding: Float64Array;
  readonly leveredTax: Float64Array;
  /** interest + principal due + balloons − refinanced: what DSCR divides by (the sweep is not debt service) */
  readonly service: Float64Array;
  readonly draws: Float64Array;
  readonly repaid: Float64Array;
  readonly cashAvailable: Float64Array;
  /** a recorded run's tranche lines (`TV`) */
  readonly trancheValues: Float64Array;
  /** a recorded run's capital lines by year (`CY`) */
  readonly yearValues: Float64Array;
}

/** Where a year's §9 lines lie in `CapitalPlan.yearValues`, at `t · CY_COUNT` (t = 0..T); NaN: no value. */
export const CY = {
  principalDue: 0,
  balloonsDue: 1,
  refinanced: 2,
  sweep: 3,
  cashAvailable: 4,
  refinancingNeed: 5,
  refinancingNeedRatio: 6,
  costOfDebt: 7,
  marketValue: 8,
  marketLtv: 9,
  contractedRevenue: 10,
  backlog: 11,
  contractedShare: 12,
  revenueAtRisk: 13,
  expectedCreditLoss: 14,
  dscr: 15,
} as const;
export const CY_COUNT = 16;

export function capitalPlan(st: CapitalStructure, slots: CapitalSlots, T: number, startYear: number): CapitalPlan {
  const nTr = st.tranches.length;
  const years = (): Float64Array => new Float64Array(T + 1);
  const byTranche = (): Float64Array => new Float64Array(nTr);
  const byTrancheYear = (): Float64Array => new Float64Array(nTr * (T + 1));
  const maxLoans = Math.max(1, nTr * loansPerTranche(T));
  const contractSegs: number[] = [];
  st.contracts.forEach((has, j) => {
    if (has) contractSegs.push(j);
  });
  return {
    st,
    slots,
    T,
    startYear,
    nTr,
    contractSegs: Int32Array.from(contractSegs),
    traceable: Uint8Array.from(st.basis.map((b) => (b === 'imputed' ? 0 : 1))),
    sculpted: st.tranches.some((tr) => tr.amortization === AM_SCULPTED || (tr.refinance && tr.refinanceAmortization === AM_SCULPTED)),
    refinances: st.tranches.some((tr) => tr.refinance),
    ebitda: years(),
    ebit: years(),
    residual: years(),
    terminal: years(),
    owed: years(),
    idcFrac: years(),
    book: years(),
    marketValue: years(),
    revenue: years(),
    value: years(),
    traceableRevenue: years(),
    contracted: years(),
    ecl: years(),
    atRisk: new Float64Array(T + 3),
    rate: byTrancheYear(),
    refiRate: byTrancheYear(),
    draw: byTrancheYear(),
    idc: byTranche(),
    drawn: byTranche(),
    loanTr: new Int32Array(maxLoans),
    loanStart: new Int32Array(maxLoans),
    loanTerm: new Int32Array(maxLoans),
    loanYears: new Int32Array(maxLoans),
    loanKind: new Int32Array(maxLoans),
    loanRefi: new Uint8Array(maxLoans),
    loanSwept: new Uint8Array(maxLoans),
    loanBal: new Float64Array(maxLoans),
    loanLevel: new Float64Array(maxLoans),
    nLoans: 0,
    idcTotal: 0,
    origOut: byTranche(),
    refiOut: byTranche(),
    trInterest: byTranche(),
    trDue: byTranche(),
    trBalloon: byTranche(),
    trRefi: byTranche(),
    trSweep: byTranche(),
    trOrigPaid: byTranche(),
    trRefiPaid: byTranche(),
    trOrigSwept: byTranche(),
    trRefiSwept: byTranche(),
    interest: years(),
    principal: years(),
    principalDue: years(),
    balloons: years(),
    refinanced: years(),
    sweep: years(),
    outstanding: years(),
    leveredTax: years(),
    service: years(),
    draws: years(),
    repaid: years(),
    cashAvailable: years(),
    trancheValues: new Float64Array(nTr * (T + 1) * TV_COUNT),
    yearValues: new Float64Array((T + 1) * CY_COUNT),
  };
}

/** Open a loan of `principal` drawn at `t` on the terms of tranche `i` (or of its refinancing). */
function addLoan(cp: CapitalPlan, x: Float64Array, i: number, t: number, principal: number, refi: boolean): void {
  const q = cp.nLoans++;
  const tr = cp.st.tranches[i]!;
  const ts = cp.slots.tranches[i]!;
  const term = refi ? (x[ts.refinanceTermYears] as number) : (x[ts.termYears] as number);
  const kind = refi ? tr.refinanceAmortization : tr.amortization;
  // straight and annuity may amortize over more years than the term (the rest a balloon; 0: not given); a refinancing over its own term
  const years = !refi && (kind === AM_STRAIGHT || kind === AM_ANNUITY) ? Math.max(term, x[ts.amortizationYears] as number) : term;
  cp.loanTr[q] = i;
  cp.loanStart[q] = t;
  cp.loanTerm[q] = term;
  cp.loanYears[q] = years;
  cp.loanKind[q] = kind;
  cp.loanRefi[q] = refi ? 1 : 0;
  cp.loanSwept[q] = 0;
  cp.loanBal[q] = principal;
  cp.loanLevel[q] = principal / years;
}

/**
 * §9 the rates, draws and loans of a run, and the interest during
 * construction; the total draws by year into `drawsOut`. Returns the rate
 * commitments after the horizon are discounted at (§3.6): the draw-weighted
 * average of the tranches' year-1 rates (`wacc` when nothing is drawn).
 */
export function capitalSchedule(
  cp: CapitalPlan,
  x: Float64Array,
  capexAt: Float64Array,
  genCapex: Float64Array,
  G: number,
  L: number,
  drawsOut: Float64Array,
  wacc: number,
  warnings: ModelWarning[] | null,
): number {
  const { T, nTr, st, slots: cs, rate, refiRate, draw, idc, drawn } = cp;
  const W = T + 1;
  for (let i = 0; i < nTr; i++) {
    const tr = st.tranches[i]!;
    const ts = cs.tranches[i]!;
    for (let t = 1; t <= T; t++) {
      const base = x[cs.baseRate + t - 1] as number;
      rate[i * W + t] = tr.floating ? base + (x[ts.spread] as number) : (x[ts.rate] as number);
      refiRate[i * W + t] = tr.refinance ? base + (x[ts.refinanceSpread] as number) : 0;
    }
    // interest during construction accrues at the year-1 rate
    rate[i * W] = rate[i * W + 1] as number;
  }
  for (let k = 0; k < draw.length; k++) draw[k] = 0;
  for (let t = 0; t <= T; t++) drawsOut[t] = 0;
  for (let t = 0; t < cp.atRisk.length; t++) cp.atRisk[t] = 0;
  cp.nLoans = 0;
  const capex0 = capexAt[0] as number;
  // what the share tranches draw at t = 0: the amount tranches draw at most the rest of the capex there
  let room = capex0;
  for (let i = 0; i < nTr; i++) {
    const tr = st.tranches[i]!;
    if (tr.amount || tr.funds >= 1) continue;
    room -= (x[cs.tranches[i]!.share] as number) * (tr.funds === FUNDS_EVERY || tr.funds === FUNDS_INITIAL ? capex0 : (genCapex[0] as number));
  }
  const m = x[cs.buildMonths] as number;
  const idcFactor = m >= 1 ? (m + 1) / 24 : 0;
  let idcTotal = 0;
  for (let i = 0; i < nTr; i++) {
    const tr = st.tranches[i]!;
    const ts = cs.tranches[i]!;
    let total = 0;
    idc[i] = 0;
    if (tr.amount) {
      const want = x[ts.amount] as number;
      const d = Math.min(want, Math.max(0, room));
      room -= d;
      if (d < want && warnings !== null) {
        warnings.push({
          code: 'tranche-amount-capped',
          field: `finance.debt[${tr.id}].amount`,
          t: 0,
          message: `tranche ${tr.id}: its amount $${Math.round(want).toLocaleString('en-US')} is more than the capex at t = 0 left to fund; it draws $${Math.round(d).toLocaleString('en-US')}`,
        });
      }
      if (d > 0) {
        draw[i * W] = d;
        total = d;
      }
    } else {
      const share = x[ts.share] as number;
      for (let t = 0; t <= T; t++) {
        let funded = 0;
        if (tr.funds === FUNDS_EVERY) funded = capexAt[t] as number;
        else if (tr.funds === FUNDS_INITIAL) funded = t === 0 ? capex0 : 0;
        else if (tr.funds < G && t === tr.funds * L) funded = genCapex[tr.funds] as number;
        const d = share * funded;
        if (d > 0) {
          draw[i * W + t] = d;
          total += d;
        }
      }
    }
    drawn[i] = total;
    const d0 = draw[i * W] as number;
    if (d0 > 0 && idcFactor > 0) {
      idc[i] = d0 * (rate[i * W] as number) * idcFactor;
      idcTotal += idc[i] as number;
    }
    // the tranche's loans, one per draw, in the order of their draws (the t = 0 loan carries the capitalised interest)
    for (let t = 0; t <= T; t++) {
      const d = draw[i * W + t] as number;
      if (d > 0) addLoan(cp, x, i, t, t === 0 ? d + (idc[i] as number) : d, false);
    }
  }
  cp.idcTotal = idcTotal;
  for (let i = 0; i < nTr; i++) for (let t = 0; t <= T; t++) drawsOut[t] = (drawsOut[t] as number) + (draw[i * W + t] as number);
  // the commitment rate: one rate when every tranche that draws has it, else the draw-weighted average of year-1 rates
  let weighted = 0;
  let weights = 0;
  let only = Number.NaN;
  let same = true;
  for (let i = 0; i < nTr; i++) {
    const w = drawn[i] as number;
    if (!(w > 0)) continue;
    const r = rate[i * W + 1] as number;
    if (weights === 0) only = r;
    else if (r !== only) same = false;
    weighted += w * r;
    weights += w;
  }
  if (weights > 0) return same ? only : weighted / weights;
  // nothing drawn: the tranches' own year-1 rates (one tranche: its rate, as the single debt of §3.6)
  if (nTr === 0) return wacc;
  let sum = 0;
  for (let i = 0; i < nTr; i++) sum += rate[i * W + 1] as number;
  return nTr === 1 ? (rate[1] as number) : sum / nTr;
}

/**
 * §9 contracts in year t: each contract segment earns its contract price on
 * the volume it serves while the contract runs (less the expected credit
 * loss), its market price before and (renewal: market) after, or nothing after
 * (renewal: none). Updates the segments' revenue and returns the change in
 * cash revenue.
 */
export function contractsYear(cp: CapitalPlan, x: Float64Array, t: number, kinds: Int32Array, segR: Float64Array, segB: Float64Array, segAux: Float64Array): number {
  const y = cp.startYear + t - 1;
  let dR = 0;
  let contracted = 0;
  let ecl = 0;
  let atRisk = 0;
  for (let q = 0; q < cp.contractSegs.length; q++) {
    const j = cp.contractSegs[q] as number;
    const c = cp.slots.contracts[j]!;
    const start = x[c.startYear] as number;
    const end = start + (x[c.termYears] as number) - 1;
    const market = segR[j] as number;
    let Ri = market;
    if (y >= start && y <= end) {
      const price = (x[c.price] as number) * powInt(1 + (x[c.escalation] as number), y - start);
      // per accelerator-hour on the hours sold; per million tokens on the billed tokens; no tech premium, no discount
      const volume = kinds[j] === KIND_PER_HOUR ? (segAux[j] as number) : (segB[j] as number) / 1e6;
      const gross = volume * price;
      const loss = gross * (x[c.defaultRate] as number) * (1 - (x[c.recovery] as number));
      Ri = gross - loss;
      contracted += gross;
      ecl += loss;
      if (y === end) atRisk += gross - market;
    } else if (y > end && cp.st.renewsAtMarket[j] !== true) {
      Ri = 0;
    }
    dR += Ri - market;
    segR[j] = Ri;
  }
  cp.contracted[t] = contracted;
  cp.ecl[t] = ecl;
  cp.atRisk[t] = atRisk;
  return dR;
}

/**
 * §9 the debt over the years 1..T: each tranche's interest, scheduled
 * principal, balloons, refinancing and sweep; levered tax (with the interest
 * during construction depreciated with generation 0) and the equity flows
 * into `eq`. Reads the unlevered lines the year loop left in `cp`. A recorded
 * run also keeps each tranche's lines.
 */
export function capitalYears(cp: CapitalPlan, x: Float64Array, capexAt: Float64Array, eq: Float64Array, taxRate: number, recording: boolean): void {
  const { T, nTr, st, slots: cs, rate, refiRate, draw, origOut, refiOut } = cp;
  const { trInterest, trDue, trBalloon, trRefi, trSweep, trOrigPaid, trRefiPaid, trOrigSwept, trRefiSwept } = cp;
  const { loanTr, loanStart, loanTerm, loanYears, loanKind, loanRefi, loanSwept, loanBal, loanLevel } = cp;
  const W = T + 1;
  const tv = cp.trancheValues;
  const sweepShare = st.sweep ? (x[cs.cashSweep] as number) : 0;
  let draws0 = 0;
  for (let i = 0; i < nTr; i++) draws0 += draw[i * W] as number;
  // outstanding at t = 0: the draws and the interest during construction
  let out = draws0 + cp.idcTotal;
  const dust = 1e-6 * Math.max(1, draws0);
  for (let i = 0; i < nTr; i++) {
    origOut[i] = (draw[i * W] as number) + (cp.idc[i] as number);
    refiOut[i] = 0;
  }
  eq[0] = draws0 - (capexAt[0] as number);
  cp.outstanding[0] = out;
  cp.draws[0] = draws0;
  if (recording) {
    for (let i = 0; i < nTr; i++) {
      const o = i * W * TV_COUNT;
      for (let f = 0; f < TV_COUNT; f++) tv[o + f] = 0;
      tv[o + TV.draw] = draw[i * W] as number;
      tv[o + TV.outstanding] = origOut[i] as number;
      tv[o + TV.rate] = rate[i * W] as number;
      tv[o + TV.refinanceRate] = Number.NaN;
    }
  }
  let pool = 0;
  for (let t = 1; t <= T; t++) {
    const ebitda = cp.ebitda[t] as number;
    // interest on each tranche's balances at the end of t − 1
    let interestTot = 0;
    let drawTot = 0;
    for (let i = 0; i < nTr; i++) {
      let it = (rate[i * W + t] as number) * (origOut[i] as number);
      if (st.tranches[i]!.refinance) it += (refiRate[i * W + t] as number) * (refiOut[i] as number);
      trInterest[i] = it;
      interestTot += it;
      drawTot += draw[i * W + t] as number;
      trDue[i] = 0;
      trBalloon[i] = 0;
      trRefi[i] = 0;
      trSweep[i] = 0;
      trOrigPaid[i] = 0;
      trRefiPaid[i] = 0;
      trOrigSwept[i] = 0;
      trRefiSwept[i] = 0;
    }
    // the scheduled principal and the balloons, loan by loan (a loan refinanced this year starts paying next year)
    const nL = cp.nLoans;
    for (let pass = 0; pass < (cp.sculpted ? 2 : 1); pass++) {
      for (let q = 0; q < nL; q++) {
        const kind = loanKind[q] as number;
        if ((kind === AM_SCULPTED) !== (pass === 1)) continue;
        const j = t - (loanStart[q] as number);
        const n = loanTerm[q] as number;
        if (j < 1 || j > n) continue;
        let bal = loanBal[q] as number;
        if (bal === 0) continue;
        const i = loanTr[q] as number;
        const refi = loanRefi[q] === 1;
        const A = loanYears[q] as number;
        let due = 0;
        if (kind === AM_STRAIGHT) {
          due = loanSwept[q] === 1 ? bal / (A - j + 1) : (loanLevel[q] as number);
        } else if (kind === AM_ANNUITY) {
          // level payment over the remaining years at this year's rate: re-levelled each year when the rate floats
          const r = refi ? (refiRate[i * W + t] as number) : (rate[i * W + t] as number);
          const left = A - j + 1;
          due = left === 1 ? bal : r === 0 ? bal / left : (bal * r) / (powInt(1 + r, left) - 1);
        } else if (kind === AM_SCULPTED) {
          // the principal that brings total debt service to ebitda / targetDscr, given what the others pay
          let other = interestTot;
          for (let k = 0; k < nTr; k++) other += (trDue[k] as number) + (trBalloon[k] as number) - (trRefi[k] as number);
          const target = ebitda / (x[cs.tranches[i]!.targetDscr] as number) - other;
          due = target > 0 ? Math.min(target, bal) : 0;
        }
        bal -= due;
        let balloon = 0;
        if (j === n) {
          // at the term: what is left is a balloon (a loan amortized over its term leaves only rounding dust)
          if (kind === AM_BULLET || kind === AM_SCULPTED || A > n) balloon = bal;
          bal = 0;
        }
        loanBal[q] = bal;
        trDue[i] = (trDue[i] as number) + due;
        if (refi) trRefiPaid[i] = (trRefiPaid[i] as number) + (due + balloon);
        else trOrigPaid[i] = (trOrigPaid[i] as number) + (due + balloon);
        if (balloon > 0) {
          trBalloon[i] = (trBalloon[i] as number) + balloon;
          if (!refi && st.tranches[i]!.refinance) {
            // the balloon rolls into a new floating loan: refinanced once, its own balloon due
            trRefi[i] = (trRefi[i] as number) + balloon;
            addLoan(cp, x, i, t, balloon, true);
          }
        }
      }
    }
    let scheduled = 0;
    for (let i = 0; i < nTr; i++) scheduled += (trDue[i] as number) + (trBalloon[i] as number) - (trRefi[i] as number);
    const idcDep = cp.idcTotal === 0 ? 0 : cp.idcTotal * (cp.idcFrac[t] as number);
    const ebit = cp.ebit[t] as number;
    const leveredTax = taxWithCarryForward(ebit - interestTot - idcDep, taxRate, pool);
    pool = lossPoolAfter(ebit - interestTot - idcDep, pool);
    const capex = capexAt[t] as number;
    const residual = cp.residual[t] as number;
    let swept = 0;
    if (sweepShare > 0 && t < T) {
      // a share of the equity's excess cash prepays the tranches in list order, each one's loans oldest first
      let left = sweepShare * Math.max(0, ebitda - leveredTax - capex + drawTot - interestTot - scheduled + residual);
      for (let i = 0; i < nTr && left > 0; i++) {
        for (let q = 0; q < cp.nLoans && left > 0; q++) {
          // only loans drawn by now (a later capex event's loan is not there yet)
          if (loanTr[q] !== i || (loanStart[q] as number) > t) continue;
          const bal = loanBal[q] as number;
          if (!(bal > 0)) continue;
          const p = Math.min(left, bal);
          loanBal[q] = bal - p;
          loanSwept[q] = 1;
          left -= p;
          trSweep[i] = (trSweep[i] as number) + p;
          if (loanRefi[q] === 1) trRefiSwept[i] = (trRefiSwept[i] as number) + p;
          else trOrigSwept[i] = (trOrigSwept[i] as number) + p;
          swept += p;
        }
      }
    }
    let principalTot = 0;
    let dueTot = 0;
    let balloonTot = 0;
    let refiTot = 0;
    for (let i = 0; i < nTr; i++) {
      const principal = (trDue[i] as number) + (trBalloon[i] as number) - (trRefi[i] as number) + (trSweep[i] as number);
      principalTot += principal;
      dueTot += trDue[i] as number;
      balloonTot += trBalloon[i] as number;
      refiTot += trRefi[i] as number;
      let o = (origOut[i] as number) + (draw[i * W + t] as number) - ((trOrigPaid[i] as number) + (trOrigSwept[i] as number));
      if (Math.abs(o) < dust) o = 0;
      origOut[i] = o;
      const refiOpen = refiOut[i] as number;
      if (st.tranches[i]!.refinance) {
        let r = refiOpen + (trRefi[i] as number) - ((trRefiPaid[i] as number) + (trRefiSwept[i] as number));
        if (Math.abs(r) < dust) r = 0;
        refiOut[i] = r;
      }
      if (recording) {
        const b = (i * W + t) * TV_COUNT;
        tv[b + TV.draw] = draw[i * W + t] as number;
        tv[b + TV.interest] = trInterest[i] as number;
        tv[b + TV.principal] = principal;
        tv[b + TV.principalDue] = trDue[i] as number;
        tv[b + TV.balloon] = trBalloon[i] as number;
        tv[b + TV.refinanced] = trRefi[i] as number;
        tv[b + TV.sweep] = trSweep[i] as number;
        tv[b + TV.outstanding] = (origOut[i] as number) + (refiOut[i] as number);
        tv[b + TV.rate] = rate[i * W + t] as number;
        // the refinancing's rate in the years it runs (from the year of the refinancing)
        tv[b + TV.refinanceRate] = refiOpen > 0 || (trRefi[i] as number) > 0 ? (refiRate[i * W + t] as number) : Number.NaN;
      }
    }
    let outNext = out + drawTot - principalTot;
    if (Math.abs(outNext) < dust) outNext = 0;
    out = outNext;
    const repaid = t === T ? outNext : 0;
    const terminal = cp.terminal[t] as number;
    const owed = cp.owed[t] as number;
    // the equity flow of §3.6, written as the single debt's so that one plain tranche gives its numbers exactly
    eq[t] = ebitda - leveredTax - capex + drawTot - interestTot - principalTot + residual + (t === T ? terminal - repaid - owed : 0);
    cp.interest[t] = interestTot;
    cp.principal[t] = principalTot;
    cp.principalDue[t] = dueTot;
    cp.balloons[t] = balloonTot;
    cp.refinanced[t] = refiTot;
    cp.sweep[t] = swept;
    cp.outstanding[t] = outNext;
    cp.leveredTax[t] = leveredTax;
    cp.service[t] = interestTot + scheduled;
    cp.draws[t] = drawTot;
    cp.repaid[t] = repaid;
    cp.cashAvailable[t] = ebitda - leveredTax - interestTot;
  }
}

/** What a recorded run of the capital stack adds to the summary (§9). */
export interface CapitalSummary {
  minDscr: number | null;
  maxLtv: number | null;
  maxRefinancingNeed: number;
  maxRefinancingNeedRatio: number | null;
  maxMarketLtv: number | null;
  minDscrHeadroom: number | null;
  marketLtvHeadroom: number | null;
  interestDuringConstruction: number;
  backlog: number;
  contractedRevenue: number;
  expectedCreditLoss: number;
  traceableShare: number | null;
  covenantBreaches: CovenantBreach[];
  /** a value was not finite: the rows need their field-by-field fix */
  notFinite: boolean;
}

const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);

/**
 * §9 what a recorded run reports besides the debt lines: by year the maturity
 * wall (principal due and balloons beside the cash available), the
 * refinancing need and its ratio to the cash of the same two years, the cost
 * of debt, market value and market LTV, the contract lines; the covenant
 * breaches with their cures; the summary figures. Years' values go to
 * `cp.yearValues` (NaN: no value).
 */
export function capitalRecord(cp: CapitalPlan, x: Float64Array, capexAt: Float64Array, warnings: ModelWarning[]): CapitalSummary {
  const { T, st, slots: cs } = cp;
  const yv = cp.yearValues;
  const minDscrLimit = st.minDscr ? (x[cs.minDscr] as number) : Number.NaN;
  const maxLtvLimit = st.maxLtv ? (x[cs.maxLtv] as number) : Number.NaN;
  const breaches: CovenantBreach[] = [];
  let check = 0;
  // the build: market value and LTV at cost, the whole backlog
  cp.book[0] = capexAt[0] as number;
  cp.marketValue[0] = capexAt[0] as number;
  let backlog = 0;
  let contractedTotal = 0;
  let eclTotal = 0;
  for (let t = 1; t <= T; t++) {
    backlog += cp.contracted[t] as number;
    eclTotal += cp.ecl[t] as number;
  }
  contractedTotal = backlog;
  let minDscr: number | null = null;
  let maxLtv: number | null = null;
  let maxMarketLtv: number | null = null;
  let maxNeed = 0;
  let maxNeedRatio: number | null = null;
  const uncovered: number[] = [];
  let left = backlog;
  let revenueTotal = 0;
  let valueTotal = 0;
  let traceableTotal = 0;
  for (let t = 0; t <= T; t++) {
    const o = t * CY_COUNT;
    for (let f = 0; f < CY_COUNT; f++) yv[o + f] = Number.NaN;
    const debt = cp.outstanding[t] as number;
    const mv = cp.marketValue[t] as number;
    const marketLtv = st.tranches.length === 0 || mv === 0 ? Number.NaN : debt / mv;
    yv[o + CY.marketValue] = mv;
    yv[o + CY.marketLtv] = marketLtv;
    if (t > 0) left -= cp.contracted[t] as number;
    yv[o + CY.backlog] = t === T ? 0 : Math.max(0, left);
    if (marketLtv === marketLtv) maxMarketLtv = maxMarketLtv === null ? marketLtv : Math.max(maxMarketLtv, marketLtv);
    const book = cp.book[t] as number;
    const ltv = st.tranches.length === 0 || book === 0 ? Number.NaN : debt / book;
    if (ltv === ltv) maxLtv = maxLtv === null ? ltv : Math.max(maxLtv, ltv);
    if (st.maxLtv && marketLtv === marketLtv && marketLtv > maxLtvLimit) {
      breaches.push({ t, year: cp.startYear + t - 1, covenant: 'maxLtv', value: marketLtv, limit: maxLtvLimit, cure: Math.max(0, debt - maxLtvLimit * mv) });
    }
    check += mv + (marketLtv === marketLtv ? marketLtv : 0);
    if (t === 0) continue;
    const ebitda = cp.ebitda[t] as number;
    const service = cp.service[t] as number;
    const dscr = service > 0 ? ebitda / service : Number.NaN;
    if (dscr === dscr) minDscr = minDscr === null ? dscr : Math.min(minDscr, dscr);
    if (st.minDscr && dscr === dscr && dscr < minDscrLimit) {
      breaches.push({ t, year: cp.startYear + t - 1, covenant: 'minDscr', value: dscr, limit: minDscrLimit, cure: Math.max(0, minDscrLimit * service - ebitda) });
    }
    const balloonsNext = t < T ? (cp.balloons[t + 1] as number) : 0;
    const need = (cp.balloons[t] as number) + balloonsNext;
    const cash = (cp.cashAvailable[t] as number) + (t < T ? (cp.cashAvailable[t + 1] as number) : 0);
    const needRatio = need === 0 ? 0 : cash > 0 ? need / cash : Number.NaN;
    if (need > 0 && !(cash > 0)) uncovered.push(t);
    if (need > maxNeed) maxNeed = need;
    if (needRatio === needRatio) maxNeedRatio = maxNeedRatio === null ? needRatio : Math.max(maxNeedRatio, needRatio);
    const revenue = cp.revenue[t] as number;
    const gross = revenue + (cp.ecl[t] as number);
    revenueTotal += revenue;
    valueTotal += cp.value[t] as number;
    traceableTotal += cp.traceableRevenue[t] as number;
    yv[o + CY.principalDue] = cp.principalDue[t] as number;
    yv[o + CY.balloonsDue] = cp.balloons[t] as number;
    yv[o + CY.refinanced] = cp.refinanced[t] as number;
    yv[o + CY.sweep] = cp.sweep[t] as number;
    yv[o + CY.cashAvailable] = cp.cashAvailable[t] as number;
    yv[o + CY.refinancingNeed] = need;
    yv[o + CY.refinancingNeedRatio] = needRatio;
    yv[o + CY.costOfDebt] = ratio(cp.interest[t] as number, cp.outstanding[t - 1] as number);
    yv[o + CY.contractedRevenue] = cp.contracted[t] as number;
    yv[o + CY.contractedShare] = ratio(cp.contracted[t] as number, gross);
    yv[o + CY.revenueAtRisk] = (t + 1 <= T ? (cp.atRisk[t + 1] as number) : 0) + (t + 2 <= T ? (cp.atRisk[t + 2] as number) : 0);
    yv[o + CY.expectedCreditLoss] = cp.ecl[t] as number;
    yv[o + CY.dscr] = dscr;
    check += (dscr === dscr ? dscr : 0) + (needRatio === needRatio ? needRatio : 0) + (yv[o + CY.costOfDebt] === yv[o + CY.costOfDebt] ? (yv[o + CY.costOfDebt] as number) : 0) + (yv[o + CY.contractedShare] === yv[o + CY.contractedShare] ? (yv[o + CY.contractedShare] as number) : 0);
    check += need + (cp.cashAvailable[t] as number) + (cp.principalDue[t] as number) + (cp.balloons[t] as number) + (cp.sweep[t] as number) + (cp.contracted[t] as number) + (cp.ecl[t] as number) + (yv[o + CY.revenueAtRisk] as number);
  }
  if (uncovered.length > 0) {
    const years = uncovered.map((t) => cp.startYear + t - 1);
    warnings.push({
      code: 'refinancing-need-uncovered',
      field: 'refinancingNeedRatio',
      t: uncovered[0] as number,
      message: `balloons fall due in ${years.join(', ')} (or the year after) with no cash available over those two years: the refinancing need has no finite ratio there (reported as null)`,
    });
  }
  const headroom = (a: number | null, b: number, sign: 1 | -1): number | null => (a === null || b !== b ? null : sign * (a - b));
  return {
    minDscr,
    maxLtv,
    maxRefinancingNeed: maxNeed,
    maxRefinancingNeedRatio: maxNeedRatio,
    maxMarketLtv,
    minDscrHeadroom: st.minDscr ? headroom(minDscr, minDscrLimit, 1) : null,
    marketLtvHeadroom: st.maxLtv ? headroom(maxMarketLtv, maxLtvLimit, -1) : null,
    interestDuringConstruction: cp.idcTotal,
    backlog: contractedTotal,
    contractedRevenue: contractedTotal,
    expectedCreditLoss: eclTotal,
    traceableShare: revenueTotal + valueTotal === 0 ? null : traceableTotal / (revenueTotal + valueTotal),
    covenantBreaches: breaches,
    notFinite: !Number.isFinite(check + backlog + eclTotal + traceableTotal + cp.idcTotal),
  };
}
