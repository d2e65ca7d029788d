/**
 * The yearly engine of MODEL.md §3: a resolved scenario in, the result contract
 * of §4 out. Pure and deterministic; every line is a function of `lines.ts`.
 */
import { irrFast as irr } from './finance.ts';
import {
  acceleratorCount,
  acceleratorHoursSold,
  billedTokens as billedOf,
  capacityComputeUnits,
  demandedTokens,
  energyMWh,
  imputedValue,
  itDepreciationPerYear,
  leaseCost,
  paybackPeriod,
  powInt,
  perAcceleratorHourRevenue,
  perMTokRevenue,
  perTokenCost,
  powerCost,
  rentCost,
  seriesAt,
  servedComputeTokensMode,
  subscriptionRevenue,
  subscriptionUsers,
  lossPoolAfter,
  taxWithCarryForward,
  throughputPerAccelerator,
} from './lines.ts';
import {
  SEGMENT_YEAR_FIELDS,
  SUMMARY_FIELDS,
  YEAR_FIELDS,
  type ModelResult,
  type ModelWarning,
  type PricingKind,
  type SegmentResult,
  type SegmentYearRow,
  newBuildYearRow,
  newSegmentYearRow,
  newSummary,
  newYearRow,
  summaryIsFinite,
  type Summary,
  type YearRow,
} from './result.ts';
import type { Pricing, Scenario } from './schema.ts';

/** A generation of accelerators bought at one time (own mode). */
export interface Generation {
  k: number;
  /** first operating year in service, `s_k` */
  start: number;
  /** last operating year in service within the horizon */
  end: number;
  /** the year it retires and is sold, or null when it is still in service at the horizon */
  retireYear: number | null;
  capex: number;
  /** the `t` at which its capex is spent, `s_k − 1` */
  spendAt: number;
}

/** §3.1 the generations of an owned fleet over the horizon. */
export function generationSchedule(
  horizonYears: number,
  usefulLifeYears: number,
  refresh: boolean,
  firstCapex: number,
  capexChange: number,
): Generation[] {
  const out: Generation[] = [];
  for (let k = 0; ; k++) {
    const start = 1 + k * usefulLifeYears;
    if (k > 0 && (!refresh || start > horizonYears)) break;
    const last = start + usefulLifeYears - 1;
    out.push({
      k,
      start,
      end: Math.min(last, horizonYears),
      retireYear: last <= horizonYears ? last : null,
      capex: firstCapex * powInt(capexChange, k),
      spendAt: start - 1,
    });
    if (start > horizonYears) break;
  }
  return out;
}

export function pricingKind(p: Pricing): PricingKind {
  if ('perMTok' in p) return 'perMTok';
  if ('subscription' in p) return 'subscription';
  if ('perAcceleratorHour' in p) return 'perAcceleratorHour';
  if ('imputedPerMTok' in p) return 'imputed';
  return 'none';
}

/** Cash segments bring revenue; imputed segments bring strategic value only. */
export const isCashPricing = (k: PricingKind): boolean => k === 'perMTok' || k === 'subscription' || k === 'perAcceleratorHour';


const div = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/**
 * Evaluate a resolved scenario (see `resolveScenario`): the yearly lines, the
 * per-segment lines, the summary and the warnings.
 *
 * @example
 * const r = evaluate(scenario);
 * r.summary.npv; // 2.1e9
 * r.years[1]?.grossProfitPerMW;
 */
export function evaluate(scenario: Scenario): ModelResult {
  const warnings: ModelWarning[] = [];
  const { site, fleet, demand, finance, opex } = scenario;
  const T = scenario.horizon.years;
  const startYear = scenario.horizon.startYear;
  const itMW = site.itMW;
  const own = fleet.mode === 'own';
  const N = acceleratorCount(itMW, fleet.kWPerAccelerator as number);
  const L = own ? (fleet.usefulLifeYears as number) : T;
  const D = own ? (fleet.depreciationYears ?? L) : T;
  const residualFrac = own ? fleet.residualValue : 0;
  const gens: Generation[] = own
    ? generationSchedule(T, L, fleet.refresh, N * (fleet.capexPerAccelerator as number), fleet.nextGeneration.capexChange)
    : [];
  // plain loops, not .map callbacks, in this hot function: tsx/esbuild wrap every
  // closure created per call with a naming helper, which showed up in the profile
  const genDep: number[] = [];
  for (const g of gens) genDep.push(itDepreciationPerYear(g.capex, residualFrac, D));
  const facility = site.facility;
  const facilityCapex = facility.mode === 'own' ? facility.capexPerMW * itMW : 0;
  const facilityLife = facility.mode === 'own' ? facility.lifeYears : 1;
  const facilityDep = facility.mode === 'own' ? facilityCapex / facilityLife : 0;
  const segs = demand.segments;
  const nSeg = segs.length;
  const kinds: PricingKind[] = [];
  for (const sg of segs) kinds.push(pricingKind(sg.pricing));
  const tokensMode = demand.tokensPerYear !== undefined;
  const debt = finance.debt;
  const minMargin = scenario.profitability.minMargin;

  const years: YearRow[] = [];
  const segRows: SegmentYearRow[][] = [];
  for (let i = 0; i < nSeg; i++) segRows.push(new Array<SegmentYearRow>(T));

  // capex and draws by t (0..T)
  const capexAt = new Array<number>(T + 1).fill(0);
  capexAt[0] = facilityCapex;
  // a generation k ≥ 1 exists only when it starts within the horizon, so its spend is at t ≤ T − 1
  for (const g of gens) capexAt[g.spendAt] = (capexAt[g.spendAt] as number) + g.capex;

  // debt schedule: each capex event draws share · capex, repaid straight or bullet
  const draws = new Array<number>(T + 1).fill(0);
  const principalDue = new Array<number>(T + 1).fill(0);
  if (debt) {
    for (let t = 0; t <= T; t++) {
      const loan = debt.share * (capexAt[t] as number);
      if (loan <= 0) continue;
      draws[t] = loan;
      for (let j = 1; j <= debt.termYears; j++) {
        const due = t + j;
        if (due > T) break;
        const pay = debt.amortization === 'straight' ? loan / debt.termYears : j === debt.termYears ? loan : 0;
        principalDue[due] = (principalDue[due] as number) + pay;
      }
    }
  }

  // commitments: facility lease over its term, compute rent over its term, even past T
  const commitmentByYear: number[] = [];
  const leaseTerm = facility.mode === 'lease' ? facility.termYears : 0;
  const rentTerm = own ? 0 : (fleet.rentTermYears as number);
  const commitYears = Math.max(leaseTerm, rentTerm);
  for (let t = 1; t <= commitYears; t++) {
    let c = 0;
    if (t <= leaseTerm && facility.mode === 'lease') c += leaseCost(itMW, facility.leasePerKWMonth, facility.escalationPerYear, t);
    if (t <= rentTerm) c += rentCost(N, fleet.rentPerAcceleratorHour as number, fleet.rentChangePerYear, t);
    commitmentByYear.push(c);
  }
  let leaseCommitment = 0;
  for (const c of commitmentByYear) leaseCommitment += c;
  const commitRate = debt ? debt.rate : finance.wacc;
  let leaseCommitmentPV = 0;
  for (let t = 1; t <= commitYears; t++) leaseCommitmentPV += (commitmentByYear[t - 1] as number) / powInt(1 + commitRate, t);

  // year 0: the build
  const y0 = newBuildYearRow(startYear - 1);
  y0.capex = capexAt[0] as number;
  y0.draws = draws[0] as number;
  y0.fcf = 0 - (capexAt[0] as number);
  y0.cumulativeFcf = y0.fcf;
  y0.equityCashFlow = (draws[0] as number) - (capexAt[0] as number);
  y0.debtOutstanding = draws[0] as number;
  years.push(y0);

  let taxPool = 0;
  let leveredPool = 0;
  let cumulative = y0.fcf;
  let outstanding = draws[0] as number;
  const shares = new Array<number>(nSeg).fill(0);
  const segTokens = new Array<number>(nSeg).fill(0);
  const segRevenue = new Array<number>(nSeg).fill(0);
  const segValue = new Array<number>(nSeg).fill(0);
  const segBilled = new Array<number>(nSeg).fill(0);

  // set when a year's values are not all finite: `sanitize` then fixes the rows field by field
  let needsFix = false;
  for (let t = 1; t <= T; t++) {
    const row = newYearRow(t, startYear + t - 1);
    let segCheck = 0;
    // §3.1 fleet in service
    let k = 0;
    let inService = true;
    if (own) {
      k = Math.floor((t - 1) / L);
      inService = k < gens.length;
    }
    const Nt = inService ? N : 0;
    const tau = throughputPerAccelerator(
      fleet.tokensPerSecond as number,
      fleet.nextGeneration.perfGain,
      inService ? k : 0,
      scenario.serving.softwareGainPerYear,
      t,
    );
    const C = capacityComputeUnits(Nt, tau);

    // §3.2 demand
    let w = 0;
    for (let i = 0; i < nSeg; i++) {
      const s = segs[i]!;
      shares[i] = seriesAt(s.tokenShare, t);
      w += (shares[i] as number) * s.computeIntensity;
    }
    let U: number;
    let u: number;
    let unmet: number | null = null;
    if (tokensMode) {
      const Dt = demandedTokens(demand.tokensPerYear as number, demand.growthPerYear ?? 0, t);
      U = servedComputeTokensMode(Dt, w, demand.maxUtilization ?? 1, C);
      u = C === 0 ? 0 : U / C;
      unmet = Dt - U / w;
      if (unmet > Dt * 1e-12) {
        warnings.push({ code: 'unmet-demand', message: `year ${row.year}: ${fmtTokens(unmet)} tokens of demand exceed capacity and are not served`, field: 'unmetTokens', t });
      } else unmet = 0;
    } else {
      u = seriesAt(demand.utilization as number | number[], t);
      U = u * C;
    }
    const Q = U / w;

    // §3.3 revenue and strategic value per segment
    let R = 0;
    let V = 0;
    let hidden = 0;
    let billedCash = 0;
    for (let i = 0; i < nSeg; i++) {
      const s = segs[i]!;
      const p = s.pricing as Record<string, unknown> & Pricing;
      const Qi = (shares[i] as number) * Q;
      const Bi = billedOf(Qi, s.hiddenReasoningShare, s.reasoningBilled);
      hidden += Qi * s.hiddenReasoningShare;
      let Ri = 0;
      let Vi = 0;
      let users: number | null = null;
      let hours: number | null = null;
      switch (kinds[i]) {
        case 'perMTok': {
          const q = p as { perMTok: number; changePerYear: number; discount: number };
          Ri = perMTokRevenue(Bi, q.perMTok, q.changePerYear, q.discount, t);
          break;
        }
        case 'subscription': {
          const q = (p as { subscription: { arpuPerMonth: number; tokensPerUserMonth: number; arpuChangePerYear: number; usageGrowthPerYear: number } }).subscription;
          users = subscriptionUsers(Qi, q.tokensPerUserMonth, q.usageGrowthPerYear, t);
          Ri = subscriptionRevenue(users, q.arpuPerMonth, q.arpuChangePerYear, t);
          break;
        }
        case 'perAcceleratorHour': {
          const q = p as { perAcceleratorHour: number; changePerYear: number; generationStep: number };
          hours = acceleratorHoursSold(((shares[i] as number) * s.computeIntensity) / w, u, Nt);
          Ri = perAcceleratorHourRevenue(hours, q.perAcceleratorHour, q.changePerYear, q.generationStep, inService ? k : 0, t);
          break;
        }
        case 'imputed': {
          const q = p as { imputedPerMTok: number; changePerYear: number };
          Vi = imputedValue(Bi, q.imputedPerMTok, q.changePerYear, t);
          break;
        }
        default:
          break;
      }
      if (isCashPricing(kinds[i] as PricingKind)) billedCash += Bi;
      segCheck += Qi + Bi + Ri + Vi + (users ?? 0) + (hours ?? 0);
      segTokens[i] = Qi;
      segBilled[i] = Bi;
      segRevenue[i] = Ri;
      segValue[i] = Vi;
      R += Ri;
      V += Vi;
      const sr = newSegmentYearRow(t, row.year);
      sr.tokenShare = shares[i] as number;
      sr.tokens = Qi;
      sr.billedTokens = Bi;
      sr.hiddenReasoningTokens = Qi * s.hiddenReasoningShare;
      sr.revenue = Ri;
      sr.strategicValue = Vi;
      sr.users = users;
      sr.acceleratorHours = hours;
      segRows[i]![t - 1] = sr;
    }

    // §3.4 costs
    let power = 0;
    if (own && inService && site.power) {
      power = powerCost(energyMWh(itMW, site.pue, site.power.idleFraction, u), site.power.pricePerMWh, site.power.escalationPerYear, t);
    }
    const lease = facility.mode === 'lease' ? leaseCost(itMW, facility.leasePerKWMonth, facility.escalationPerYear, t) : 0;
    const rent = own ? 0 : rentCost(N, fleet.rentPerAcceleratorHour as number, fleet.rentChangePerYear, t);
    const maintenance = own && inService ? fleet.maintenancePctPerYear * (gens[k] as Generation).capex : 0;
    const fixedOpex = opex.fixedPerMWYear * itMW;
    const otherCost = perTokenCost(opex.otherCostPerMTok, Q);
    let depreciation = t <= facilityLife ? facilityDep : 0;
    let writeOff = 0;
    let residual = 0;
    for (let j = 0; j < gens.length; j++) {
      const g = gens[j]!;
      const depEnd = Math.min(g.start + D - 1, g.start + L - 1);
      if (t >= g.start && t <= depEnd) depreciation += genDep[j] as number;
      if (g.retireYear === t) {
        // NBV − residual·K = K(1 − residual)(1 − L/D) when D > L; exactly 0 when D ≤ L
        // (written this way, not as a difference, so a fully depreciated generation leaves no rounding dust)
        if (D > L) writeOff += (genDep[j] as number) * (D - L);
        residual += residualFrac * g.capex;
      }
    }
    const cogs = power + lease + rent + maintenance + fixedOpex + otherCost + depreciation;
    const opexCash = cogs - depreciation;

    // §3.5 profit and the funnel
    const grossProfit = R - cogs;
    const ebitda = R - opexCash;
    const ebit = ebitda - depreciation - writeOff;
    const costPerUnit = U === 0 ? null : cogs / U;
    let monetizable = 0;
    let profitable = 0;
    let strategic = 0;
    for (let i = 0; i < nSeg; i++) {
      const sr = segRows[i]![t - 1]!;
      const Ri = segRevenue[i] as number;
      const Qi = segTokens[i] as number;
      const cost = costPerUnit === null ? (Qi === 0 ? 0 : null) : segs[i]!.computeIntensity * costPerUnit * Qi;
      sr.cost = cost;
      sr.grossProfit = cost === null ? null : Ri - cost;
      sr.grossMargin = cost === null || Ri === 0 ? null : (Ri - cost) / Ri;
      segCheck += (cost ?? 0) + (sr.grossMargin ?? 0);
      if (Ri > 0) {
        monetizable += Qi;
        sr.monetizable = true;
        if (sr.grossMargin !== null && sr.grossMargin >= minMargin) {
          profitable += Qi;
          sr.profitable = true;
        }
      }
      if ((segValue[i] as number) > 0) strategic += Qi;
    }

    // §3.6 cash flows, taxes, financing
    const tax = taxWithCarryForward(ebit, finance.taxRate, taxPool);
    taxPool = lossPoolAfter(ebit, taxPool);
    const capex = capexAt[t] as number;
    let terminal = 0;
    if (t === T && finance.terminalValue === 'bookValue') terminal = bookValueAtEnd(t, gens, genDep, L, D, facilityCapex, facilityDep, facilityLife);
    const fcf = ebitda - tax - capex + residual + terminal;
    cumulative += fcf;

    const interest = debt ? debt.rate * outstanding : 0;
    const principal = principalDue[t] as number;
    const draw = draws[t] as number;
    outstanding = outstanding + draw - principal;
    if (Math.abs(outstanding) < 1e-6 * Math.max(1, draws[0] as number)) outstanding = 0;
    const repaidAtHorizon = t === T ? outstanding : 0;
    const leveredTax = taxWithCarryForward(ebit - interest, finance.taxRate, leveredPool);
    leveredPool = lossPoolAfter(ebit - interest, leveredPool);
    const equity = ebitda - leveredTax - capex + draw - interest - principal + residual + (t === T ? terminal - repaidAtHorizon : 0);
    const service = interest + principal;
    const book = bookValueAtEnd(t, gens, genDep, L, D, facilityCapex, facilityDep, facilityLife);

    // the last guard against NaN/Infinity, cheap: one sum of this year's locals;
    // only a non-finite sum sends the row through the field-by-field fix below
    const yearCheck =
      Nt + C + u + Q + billedCash + hidden + monetizable + profitable + strategic + (unmet ?? 0) + R + V + power + lease + rent +
      maintenance + fixedOpex + otherCost + depreciation + writeOff + cogs + ebitda + ebit + tax + capex + residual + terminal +
      fcf + cumulative + draw + outstanding + interest + principal + repaidAtHorizon + leveredTax + equity + book + (costPerUnit ?? 0) +
      (service > 0 ? ebitda / service : 0) + (R === 0 ? 0 : grossProfit / R) + (Q === 0 ? 0 : cogs / Q) * 1e6 +
      (billedCash === 0 ? 0 : R / billedCash) * 1e6 + (R + V) / itMW + grossProfit / itMW + ebitda / itMW + R / itMW;
    if (!Number.isFinite(yearCheck)) needsFix = true;
    row.accelerators = Nt;
    row.generation = own ? (inService ? k : null) : 0;
    row.capacityTokens = C;
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
    row.terminalValue = t === T ? terminal : 0;
    row.fcf = fcf;
    row.cumulativeFcf = cumulative;
    row.draws = draw;
    row.debtOutstanding = outstanding;
    row.interest = interest;
    row.principal = principal;
    row.debtRepaidAtHorizon = repaidAtHorizon;
    row.leveredTax = leveredTax;
    row.equityCashFlow = equity;
    row.dscr = service > 0 ? ebitda / service : null;
    row.ltv = debt ? div(outstanding, book) : null;
    row.commitmentRemaining = sumFrom(commitmentByYear, t);
    row.revenuePerMW = R / itMW;
    row.grossProfitPerMW = grossProfit / itMW;
    row.ebitdaPerMW = ebitda / itMW;
    row.strategicRevenuePerMW = (R + V) / itMW;
    row.costPerMTok = Q === 0 ? null : (cogs / Q) * 1e6;
    row.realizedPricePerMTok = billedCash === 0 ? null : (R / billedCash) * 1e6;
    if (!Number.isFinite(segCheck)) needsFix = true;
    years.push(row);
  }

  const summary = summarize(scenario, years, leaseCommitment, leaseCommitmentPV, warnings);
  const segments: SegmentResult[] = [];
  for (let i = 0; i < nSeg; i++) {
    const sg = segs[i]!;
    segments.push({ id: sg.id, label: sg.label ?? sg.id, kind: sg.kind, pricingKind: kinds[i] as PricingKind, years: segRows[i]! });
  }
  const result: ModelResult = { scenario, years, segments, summary, warnings };
  sanitize(result, needsFix);
  return result;
}

/** Net book value at the end of year `t` of the generations still held and of the owned facility. */
function bookValueAtEnd(
  t: number,
  gens: readonly Generation[],
  genDep: readonly number[],
  L: number,
  D: number,
  facilityCapex: number,
  facilityDep: number,
  facilityLife: number,
): number {
  let book = facilityCapex - facilityDep * Math.min(t, facilityLife);
  for (let j = 0; j < gens.length; j++) {
    const g = gens[j]!;
    if (g.spendAt > t) continue; // not bought yet
    if (g.retireYear !== null && g.retireYear <= t) continue; // sold
    const yearsDep = Math.max(0, Math.min(t - g.start + 1, D, L));
    book += g.capex - (genDep[j] as number) * yearsDep;
  }
  return book;
}

function sumFrom(xs: readonly number[], t: number): number {
  let s = 0;
  for (let i = t; i < xs.length; i++) s += xs[i] as number;
  return s;
}

function fmtTokens(x: number): string {
  return x.toExponential(3);
}

function summarize(
  scenario: Scenario,
  years: YearRow[],
  leaseCommitment: number,
  leaseCommitmentPV: number,
  warnings: ModelWarning[],
): Summary {
  const { finance, site } = scenario;
  const wacc = finance.wacc;
  const T = scenario.horizon.years;
  const fcf = new Array<number>(T + 1);
  const eq = new Array<number>(T + 1);
  const disc = new Array<number>(T + 1);
  let npv = 0;
  let totalCapex = 0;
  for (let t = 0; t <= T; t++) {
    const y = years[t]!;
    fcf[t] = y.fcf as number;
    eq[t] = y.equityCashFlow as number;
    disc[t] = (y.fcf as number) / powInt(1 + wacc, t);
    npv += disc[t] as number;
    totalCapex += y.capex as number;
  }
  const irrValue = irr(fcf);
  if (irrValue === null) {
    warnings.push({
      code: 'irr-none',
      field: 'irr',
      message: totalCapex === 0 ? 'irr: no capex, the cash flows never change sign' : 'irr: the cash flows have no internal rate of return in (−99 %, 1000 %)',
    });
  }
  const equityIrr = finance.debt ? irr(eq) : irrValue;
  if (finance.debt && equityIrr === null) warnings.push({ code: 'equity-irr-none', field: 'equityIrr', message: 'equityIrr: the equity cash flows have no internal rate of return in (−99 %, 1000 %)' });
  // MODEL.md §3.6: with no capex there is nothing to pay back
  const payback = totalCapex === 0 ? 0 : paybackPeriod(fcf);
  if (payback === null) warnings.push({ code: 'payback-never', field: 'paybackYears', message: `paybackYears: the cumulative free cash flow never turns positive within ${T} years` });
  const discPayback = totalCapex === 0 ? 0 : paybackPeriod(disc);
  let minCum = 0;
  let active = 0;
  let revenuePerMW = 0;
  let grossProfitPerMW = 0;
  let ebitdaPerMW = 0;
  let strategicRevenuePerMW = 0;
  let totalRevenue = 0;
  let totalGP = 0;
  let totalTokens = 0;
  let billed = 0;
  let monet = 0;
  let prof = 0;
  let strategicTokens = 0;
  let hiddenTokens = 0;
  let totalCogs = 0;
  let unmet: number | null = scenario.demand.tokensPerYear !== undefined ? 0 : null;
  let strategicValuePV = 0;
  for (let t = 0; t <= T; t++) {
    const y = years[t]!;
    minCum = Math.min(minCum, y.cumulativeFcf as number);
    if (t === 0) continue;
    if ((y.accelerators as number) > 0) {
      // per-MW averages run over the years with accelerators in service
      active++;
      revenuePerMW += y.revenuePerMW as number;
      grossProfitPerMW += y.grossProfitPerMW as number;
      ebitdaPerMW += y.ebitdaPerMW as number;
      strategicRevenuePerMW += y.strategicRevenuePerMW as number;
    }
    totalRevenue += y.revenue as number;
    totalGP += y.grossProfit as number;
    totalTokens += y.tokens as number;
    billed += y.billedTokens as number;
    monet += y.monetizableTokens as number;
    prof += y.profitableTokens as number;
    strategicTokens += y.strategicTokens as number;
    hiddenTokens += y.hiddenReasoningTokens as number;
    totalCogs += y.cogs as number;
    if (unmet !== null) unmet += y.unmetTokens as number;
    strategicValuePV += ((y.strategicValue as number) * (1 - finance.taxRate)) / powInt(1 + wacc, t);
  }
  let minDscr: number | null = null;
  let maxLtv: number | null = null;
  if (finance.debt) {
    for (let t = 1; t <= T; t++) {
      const y = years[t]!;
      if (y.dscr !== null) minDscr = minDscr === null ? y.dscr : Math.min(minDscr, y.dscr);
      if (y.ltv !== null) maxLtv = maxLtv === null ? y.ltv : Math.max(maxLtv, y.ltv);
    }
    const cap0 = years[0]!.capex as number;
    const book0 = cap0;
    if (book0 > 0) {
      const ltv0 = (years[0]!.debtOutstanding as number) / book0;
      maxLtv = maxLtv === null ? ltv0 : Math.max(maxLtv, ltv0);
    }
  }

  const s = newSummary();
  s.npv = npv;
  s.irr = irrValue;
  s.equityIrr = equityIrr;
  s.paybackYears = payback;
  s.discountedPaybackYears = discPayback;
  s.peakFunding = Math.max(0, -minCum);
  s.capexPerMW = (years[0]!.capex as number) / site.itMW;
  s.totalCapex = totalCapex;
  s.revenuePerMW = active === 0 ? null : revenuePerMW / active;
  s.grossProfitPerMW = active === 0 ? null : grossProfitPerMW / active;
  s.ebitdaPerMW = active === 0 ? null : ebitdaPerMW / active;
  s.strategicRevenuePerMW = active === 0 ? null : strategicRevenuePerMW / active;
  s.grossMargin = div(totalGP, totalRevenue);
  s.totalTokens = totalTokens;
  s.billedTokens = billed;
  s.monetizableTokens = monet;
  s.profitableTokens = prof;
  s.strategicTokens = strategicTokens;
  s.hiddenReasoningTokens = hiddenTokens;
  s.unmetTokens = unmet;
  s.monetizableShare = div(monet, totalTokens);
  s.profitableShare = div(prof, totalTokens);
  s.costPerMTok = totalTokens === 0 ? null : (totalCogs / totalTokens) * 1e6;
  s.realizedPricePerMTok = billed === 0 ? null : (totalRevenue / billed) * 1e6;
  s.totalRevenue = totalRevenue;
  s.totalGrossProfit = totalGP;
  s.minDscr = minDscr;
  s.maxLtv = maxLtv;
  s.leaseCommitment = leaseCommitment;
  s.leaseCommitmentPV = leaseCommitmentPV;
  s.strategicValuePV = strategicValuePV;
  s.strategicNpv = npv + strategicValuePV;
  return s;
}

/** Null out the non-finite fields of one row, with a warning each. */
function fixRow(r: ModelResult, obj: Record<string, number | null>, keys: readonly string[], where: string, t?: number): void {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = obj[key];
    if (v !== null && v !== undefined && !Number.isFinite(v)) {
      obj[key] = null;
      r.warnings.push({ code: 'not-finite', field: key, message: `${where}${key} has no finite value (inputs out of a numeric range); reported as null`, ...(t === undefined ? {} : { t }) });
    }
  }
}

/**
 * The last guard of "no NaN or Infinity in any output": such a value becomes null
 * with a warning. Rows are checked field by field only when the engine's cheap
 * per-year sums said something was not finite; the summary always is.
 */
function sanitize(r: ModelResult, rowsNeedFix: boolean): void {
  if (rowsNeedFix) {
    for (const y of r.years) fixRow(r, y as unknown as Record<string, number | null>, YEAR_FIELDS, `year ${y.year}: `, y.t);
    for (const s of r.segments) for (const y of s.years) fixRow(r, y as unknown as Record<string, number | null>, SEGMENT_YEAR_FIELDS, `segment ${s.id}, year ${y.year}: `, y.t);
  }
  if (!summaryIsFinite(r.summary)) fixRow(r, r.summary as unknown as Record<string, number | null>, SUMMARY_FIELDS, 'summary: ');
}
