/**
 * MODEL.md §7, the worked example, checked cell by cell.
 *
 * Every expectation below is recomputed by hand from the equations of §3 (the
 * arithmetic is written out), then compared with the engine at a relative
 * 1e-9; the table and summary line as printed in §7 are checked separately to
 * their printed digits.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/model/engine.ts';
import type { ModelResult, YearRow } from '../src/model/result.ts';
import { irrRef, near, nonFinitePaths, npvRef, printedAs, readYaml, scenario } from './helpers.ts';

const result: ModelResult = evaluate(scenario(readYaml('test/fixtures/worked-example.yaml')));
const row = (t: number): YearRow => {
  const r = result.years.find((y) => y.t === t);
  if (r === undefined) throw new Error(`no row t=${t}`);
  return r;
};

// ---------------------------------------------------------------------------
// The hand computation (MODEL.md §3 applied to the §7 inputs).
const H = 8760;
const itMW = 1;
const N = (itMW * 1000) / 1.0; // §3.1: 1,000 accelerators
const K = N * 10_000; // capex of a generation: 10,000,000 (capexChange 1)
const C0 = N * 1000 * 3600 * H; // generation 0 capacity: 3.1536e13 compute units
const C1 = N * 1000 * 2 * 3600 * H; // generation 1, bought at t = 2 (perfGainPerYear √2, so √2² = 2): 6.3072e13
const u = 0.5;
const w = 0.5 * 1 + 0.5 * 1; // mix weight = 1
const Q = [0, (u * C0) / w, (u * C0) / w, (u * C1) / w]; // tokens served, by t
const paidTokens = Q.map((q) => 0.5 * q); // billed (no hidden reasoning)
const revenue = paidTokens.map((b) => (b * 1.0) / 1e6); // perMTok 1.0
const power = itMW * 1.2 * (0.5 + (1 - 0.5) * u) * H * 100; // 788,400 every year
const lease = itMW * 1000 * 100 * 12; // 1,200,000 every year
const dep = (K * (1 - 0.1)) / 3; // 3,000,000 a year for each generation while in service
const cogs = power + lease + dep; // 4,988,400
const cashCost = power + lease; // 1,988,400
const ebitda = [0, revenue[1]! - cashCost, revenue[2]! - cashCost, revenue[3]! - cashCost];
// generation 0 retires at the end of year 2 with NBV K - 2·dep; it sells for 0.1·K
const writeOff = [0, 0, K - 2 * dep - 0.1 * K, 0];
const ebit = ebitda.map((e, t) => (t === 0 ? 0 : e - dep - writeOff[t]!));
// tax with the loss carry-forward pool
const tax = [0, 0.2 * ebit[1]!, 0, 0.2 * (ebit[3]! - -ebit[2]!)];
const capex = [K, 0, K, 0]; // generation 1 is bought at t = s_1 - 1 = 2
const residual = [0, 0, 0.1 * K, 0];
const terminal = [0, 0, 0, K - dep]; // generation 1 after one year of depreciation
// §3.6 v2: the lease runs two years past T = 3; those payments are owed at T, discounted at the debt rate
const owed = [0, 0, 0, lease / 1.1 + lease / 1.1 ** 2];
const fcf = [-K, 0, 0, 0].map((f, t) =>
  t === 0 ? f : ebitda[t]! - tax[t]! - capex[t]! + residual[t]! + terminal[t]! - owed[t]!,
);
// debt: 50 % of each capex event, 10 %, 2 years straight
const loan = 0.5 * K;
const debtEnd = [loan, loan - loan / 2, loan - loan / 2 - loan / 2 + loan, loan - loan / 2];
const interest = [0, 0.1 * debtEnd[0]!, 0.1 * debtEnd[1]!, 0.1 * debtEnd[2]!];
const principal = [0, loan / 2, loan / 2, loan / 2];
const repaidAtHorizon = debtEnd[3]!; // 2,500,000, not part of principal_3
const draws = [loan, 0, loan, 0];
// levered tax on ebit − interest with its own pool
const lebt = [0, ebit[1]! - interest[1]!, ebit[2]! - interest[2]!, ebit[3]! - interest[3]!];
const leveredTax = [0, 0.2 * lebt[1]!, 0, 0.2 * (lebt[3]! + lebt[2]!)];
const equity = [-K + loan, 0, 0, 0].map((e, t) =>
  t === 0
    ? e
    : ebitda[t]! -
      leveredTax[t]! -
      capex[t]! +
      draws[t]! -
      interest[t]! -
      principal[t]! +
      residual[t]! +
      (t === 3 ? terminal[3]! - repaidAtHorizon - owed[3]! : 0),
);
const dscr = [0, ebitda[1]! / (interest[1]! + principal[1]!), ebitda[2]! / (interest[2]! + principal[2]!), ebitda[3]! / (interest[3]! + principal[3]!)];
// IT book value at the end of t: gen 0 after 1 year; gen 1 just bought; gen 1 after 1 year
const book = [K, K - dep, K, K - dep];
const ltv = [0, debtEnd[1]! / book[1]!, debtEnd[2]! / book[2]!, debtEnd[3]! / book[3]!];

describe('MODEL.md §7 worked example, recomputed from §3', () => {
  it('has rows t = 0..3 with calendar years 2025..2028 (year t = startYear + t − 1)', () => {
    expect(result.years.map((y) => y.t)).toEqual([0, 1, 2, 3]);
    expect(result.years.map((y) => y.year)).toEqual([2025, 2026, 2027, 2028]);
  });

  it('year 0 carries capex, draws and fcf only', () => {
    const r = row(0);
    near(r.capex, K, 'capex_0');
    near(r.draws, loan, 'draws_0');
    near(r.fcf, -K, 'fcf_0');
    near(r.debtOutstanding, loan, 'debt at end of 0');
    for (const f of ['tokens', 'revenue', 'power', 'lease', 'depreciation', 'writeOff', 'cogs', 'ebitda', 'ebit', 'tax', 'interest', 'principal', 'dscr'] as const) {
      expect(r[f], `${f}_0`).toBeNull();
    }
  });

  for (const t of [1, 2, 3]) {
    it(`year ${t}: operations`, () => {
      const r = row(t);
      near(r.accelerators, N, `accelerators_${t}`);
      near(r.capacityTokens, t === 3 ? C1 : C0, `capacityTokens_${t}`);
      near(r.utilization, u, `utilization_${t}`);
      near(r.tokens, Q[t]!, `tokens_${t}`);
      near(r.billedTokens, paidTokens[t]!, `billedTokens_${t}`);
      near(r.monetizableTokens, paidTokens[t]!, `monetizableTokens_${t}`);
      near(r.profitableTokens, paidTokens[t]!, `profitableTokens_${t}`);
      near(r.hiddenReasoningTokens, 0, `hiddenReasoningTokens_${t}`);
      near(r.revenue, revenue[t]!, `revenue_${t}`);
      near(r.power, power, `power_${t}`);
      near(r.lease, lease, `lease_${t}`);
      near(r.depreciation, dep, `depreciation_${t}`);
      near(r.writeOff, writeOff[t]!, `writeOff_${t}`);
      near(r.cogs, cogs, `cogs_${t}`);
      near(r.grossProfit, revenue[t]! - cogs, `grossProfit_${t}`);
      near(r.grossMargin, (revenue[t]! - cogs) / revenue[t]!, `grossMargin_${t}`);
      near(r.ebitda, ebitda[t]!, `ebitda_${t}`);
      near(r.ebit, ebit[t]!, `ebit_${t}`);
      near(r.revenuePerMW, revenue[t]! / itMW, `revenuePerMW_${t}`);
      near(r.grossProfitPerMW, (revenue[t]! - cogs) / itMW, `grossProfitPerMW_${t}`);
      near(r.ebitdaPerMW, ebitda[t]! / itMW, `ebitdaPerMW_${t}`);
      near(r.costPerMTok, (cogs / Q[t]!) * 1e6, `costPerMTok_${t}`);
      near(r.realizedPricePerMTok, 1.0, `realizedPricePerMTok_${t}`);
    });

    it(`year ${t}: cash flows, tax and debt`, () => {
      const r = row(t);
      near(r.tax, tax[t]!, `tax_${t}`);
      near(r.capex, capex[t]!, `capex_${t}`);
      near(r.residual, residual[t]!, `residual_${t}`);
      near(r.terminalValue, terminal[t]!, `terminalValue_${t}`);
      near(r.commitmentsAfterHorizon, owed[t]!, `commitmentsAfterHorizon_${t}`);
      near(r.fcf, fcf[t]!, `fcf_${t}`);
      near(r.cumulativeFcf, fcf.slice(0, t + 1).reduce((a, b) => a + b, 0), `cumulativeFcf_${t}`);
      near(r.interest, interest[t]!, `interest_${t}`);
      near(r.principal, principal[t]!, `principal_${t}`);
      near(r.draws ?? 0, draws[t]!, `draws_${t}`);
      near(r.debtOutstanding, debtEnd[t]!, `debtOutstanding_${t}`);
      near(r.debtRepaidAtHorizon ?? 0, t === 3 ? repaidAtHorizon : 0, `debtRepaidAtHorizon_${t}`);
      near(r.leveredTax, leveredTax[t]!, `leveredTax_${t}`);
      near(r.equityCashFlow, equity[t]!, `equityCashFlow_${t}`);
      near(r.dscr, dscr[t]!, `dscr_${t}`);
      near(r.ltv, ltv[t]!, `ltv_${t}`);
    });
  }

  it('summary', () => {
    const s = result.summary;
    const totalQ = Q[1]! + Q[2]! + Q[3]!;
    const totalR = revenue[1]! + revenue[2]! + revenue[3]!;
    near(s.npv, npvRef(0.1, fcf), 'npv');
    near(s.irr, irrRef(fcf), 'irr');
    near(s.equityIrr, irrRef(equity), 'equityIrr');
    // cumulative fcf first turns ≥ 0 in year 3
    const cum2 = fcf[0]! + fcf[1]! + fcf[2]!;
    near(s.paybackYears, 3 - 1 + -cum2 / fcf[3]!, 'paybackYears');
    const d = fcf.map((f, t) => f / 1.1 ** t);
    near(s.discountedPaybackYears, 3 - 1 + -(d[0]! + d[1]! + d[2]!) / d[3]!, 'discountedPaybackYears');
    near(s.peakFunding, K, 'peakFunding');
    near(s.capexPerMW, K / itMW, 'capexPerMW');
    near(s.totalCapex, 2 * K, 'totalCapex');
    near(s.revenuePerMW, totalR / 3 / itMW, 'revenuePerMW (average over years in service)');
    near(s.grossProfitPerMW, (totalR - 3 * cogs) / 3 / itMW, 'grossProfitPerMW');
    near(s.ebitdaPerMW, (ebitda[1]! + ebitda[2]! + ebitda[3]!) / 3 / itMW, 'ebitdaPerMW');
    near(s.strategicRevenuePerMW, totalR / 3 / itMW, 'strategicRevenuePerMW');
    near(s.grossMargin, (totalR - 3 * cogs) / totalR, 'grossMargin');
    near(s.totalTokens, totalQ, 'totalTokens');
    near(s.billedTokens, totalQ / 2, 'billedTokens');
    near(s.monetizableTokens, totalQ / 2, 'monetizableTokens');
    near(s.profitableTokens, totalQ / 2, 'profitableTokens');
    near(s.monetizableShare, 0.5, 'monetizableShare');
    near(s.profitableShare, 0.5, 'profitableShare');
    near(s.costPerMTok, ((3 * cogs) / totalQ) * 1e6, 'costPerMTok');
    near(s.realizedPricePerMTok, (totalR / (totalQ / 2)) * 1e6, 'realizedPricePerMTok');
    near(s.totalRevenue, totalR, 'totalRevenue');
    near(s.totalGrossProfit, totalR - 3 * cogs, 'totalGrossProfit');
    near(s.minDscr, Math.min(dscr[1]!, dscr[2]!, dscr[3]!), 'minDscr');
    near(s.maxLtv, Math.max(ltv[1]!, ltv[2]!, ltv[3]!), 'maxLtv');
    // lease term 5 years, all of it, past the 3-year horizon
    near(s.leaseCommitment, 5 * lease, 'leaseCommitment');
    near(s.leaseCommitmentPV, [1, 2, 3, 4, 5].reduce((a, t) => a + lease / 1.1 ** t, 0), 'leaseCommitmentPV (at the debt rate)');
    near(s.strategicValuePV, 0, 'strategicValuePV');
    near(s.strategicNpv, npvRef(0.1, fcf), 'strategicNpv');
  });

  it('commitmentRemaining is the lease still due after each year', () => {
    for (const t of [1, 2, 3]) near(row(t).commitmentRemaining, (5 - t) * lease, `commitmentRemaining_${t}`);
  });

  it('no NaN or Infinity anywhere; one warning: the lease runs past the horizon', () => {
    expect(nonFinitePaths(result)).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['commitments-after-horizon']);
    const w = result.warnings[0]!;
    expect(w.message).toContain('2029–2030');
    expect(w.message).toContain('horizon.years: 5');
  });

  it('with a debt rate of 0.08 the commitments after the horizon are 2,139,917.70 (MODEL.md §3.6 check)', () => {
    const s = readYaml('test/fixtures/worked-example.yaml') as { finance: { debt: { rate: number } } };
    s.finance.debt.rate = 0.08;
    printedAs(evaluate(scenario(s)).summary.commitmentsAfterHorizon, 2_139_917.7, 2, 'commitmentsAfterHorizon at 8 %');
  });
});

describe('MODEL.md §7 as printed', () => {
  // t, tokens, revenue, power, lease, depreciation, writeOff, COGS, EBITDA, EBIT, tax, capex, residual, terminal, fcf, interest, principal, debt at end, dscr
  const printed = [
    [1, 1.5768e13, 7_884_000, 788_400, 1_200_000, 3_000_000, 0, 4_988_400, 5_895_600, 2_895_600, 579_120, 0, 0, 0, 5_316_480, 500_000, 2_500_000, 2_500_000, 1.9652],
    [2, 1.5768e13, 7_884_000, 788_400, 1_200_000, 3_000_000, 3_000_000, 4_988_400, 5_895_600, -104_400, 0, 10_000_000, 1_000_000, 0, -3_104_400, 250_000, 2_500_000, 5_000_000, 2.1439],
    [3, 3.1536e13, 15_768_000, 788_400, 1_200_000, 3_000_000, 0, 4_988_400, 13_779_600, 10_779_600, 2_135_040, 0, 0, 7_000_000, 16_561_915.37, 500_000, 2_500_000, 2_500_000, 4.5932],
  ] as const;
  const cols = ['tokens', 'revenue', 'power', 'lease', 'depreciation', 'writeOff', 'cogs', 'ebitda', 'ebit', 'tax', 'capex', 'residual', 'terminalValue', 'fcf', 'interest', 'principal', 'debtOutstanding'] as const;

  it('year 0: capex 10,000,000, fcf −10,000,000, debt at end 5,000,000', () => {
    near(row(0).capex, 10_000_000, 'capex_0');
    near(row(0).fcf, -10_000_000, 'fcf_0');
    near(row(0).debtOutstanding, 5_000_000, 'debt_0');
  });

  for (const line of printed) {
    const t = line[0];
    it(`year ${t} as printed`, () => {
      const r = row(t);
      cols.forEach((c, i) => (c === 'fcf' ? printedAs(r[c], line[i + 1]!, 2, `${c}_${t}`) : near(r[c], line[i + 1]!, `${c}_${t}`)));
      printedAs(r.dscr, line[18], 4, `dscr_${t}`);
    });
  }

  it('the lease past T: commitmentsAfterHorizon 2,082,644.63 taken from fcf_3 (18,644,560 before it)', () => {
    printedAs(row(3).commitmentsAfterHorizon, 2_082_644.63, 2, 'commitmentsAfterHorizon_3');
    near((row(3).fcf as number) + (row(3).commitmentsAfterHorizon as number), 18_644_560, 'fcf_3 before the commitments');
  });

  it('debt left at T is repaid as debtRepaidAtHorizon, not principal', () => {
    near(row(3).debtRepaidAtHorizon, 2_500_000, 'debtRepaidAtHorizon_3');
    near(row(3).principal, 2_500_000, 'principal_3');
  });

  it('summary line as printed', () => {
    const s = result.summary;
    printedAs(s.npv, 4_710_755.95, 2, 'npv');
    printedAs(s.irr, 0.288408, 6, 'irr');
    printedAs(s.equityIrr, 0.442494, 6, 'equityIrr');
    printedAs(s.paybackYears, 2.470231, 6, 'paybackYears');
    printedAs(s.discountedPaybackYears, 2.62142, 6, 'discountedPaybackYears');
    near(s.peakFunding, 10_000_000, 'peakFunding');
    printedAs(s.grossMargin, 0.525457, 6, 'grossMargin');
    printedAs(s.costPerMTok, 0.237272, 6, 'costPerMTok');
    near(s.realizedPricePerMTok, 1.0, 'realizedPricePerMTok');
    near(s.monetizableShare, 0.5, 'monetizableShare');
    near(s.profitableShare, 0.5, 'profitableShare');
    printedAs(s.minDscr, 1.9652, 4, 'minDscr');
    near(s.maxLtv, 0.5, 'maxLtv');
    near(s.leaseCommitment, 6_000_000, 'leaseCommitment');
    printedAs(s.leaseCommitmentPV, 4_548_944.12, 2, 'leaseCommitmentPV');
  });
});
