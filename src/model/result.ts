/** The result contract of MODEL.md §4. A field without a value is `null`, never NaN. */
import type { RevenueBasis, Scenario } from './schema.ts';

/** The yearly lines, in the order the tables and exports show them. */
export const YEAR_FIELDS = [
  'accelerators',
  'generation',
  'capacityTokens',
  'utilization',
  'tokens',
  'billedTokens',
  'hiddenReasoningTokens',
  'monetizableTokens',
  'profitableTokens',
  'strategicTokens',
  'unmetTokens',
  'revenue',
  'strategicValue',
  'power',
  'lease',
  'rent',
  'maintenance',
  'fixedOpex',
  'otherCost',
  'depreciation',
  'writeOff',
  'cogs',
  'grossProfit',
  'grossMargin',
  'ebitda',
  'ebit',
  'tax',
  'capex',
  'residual',
  'terminalValue',
  'commitmentsAfterHorizon',
  'fcf',
  'cumulativeFcf',
  'draws',
  'debtOutstanding',
  'interest',
  'principal',
  'debtRepaidAtHorizon',
  'leveredTax',
  'equityCashFlow',
  'dscr',
  'ltv',
  'commitmentRemaining',
  'revenuePerMW',
  'grossProfitPerMW',
  'ebitdaPerMW',
  'strategicRevenuePerMW',
  'costPerMTok',
  'realizedPricePerMTok',
] as const;
export type YearField = (typeof YEAR_FIELDS)[number];

/**
 * The yearly lines a scenario with a capital stack (MODEL.md §9) adds to its
 * rows; a scenario without one has none of them. `t = 0` carries the market
 * value, its LTV and the backlog; the others start at t = 1.
 */
export const CAPITAL_YEAR_FIELDS = [
  'principalDue',
  'balloonsDue',
  'refinanced',
  'sweep',
  'cashAvailable',
  'refinancingNeed',
  'refinancingNeedRatio',
  'costOfDebt',
  'marketValue',
  'marketLtv',
  'contractedRevenue',
  'backlog',
  'contractedShare',
  'revenueAtRisk',
  'expectedCreditLoss',
] as const;
export type CapitalYearField = (typeof CAPITAL_YEAR_FIELDS)[number];

/** One row of `years`: `t = 0` is the build and carries only capex, draws, the flows and debt. */
export type YearRow = { t: number; year: number } & { [K in YearField]: number | null } & { [K in CapitalYearField]?: number | null };

export const SEGMENT_YEAR_FIELDS = [
  'tokenShare',
  'tokens',
  'billedTokens',
  'hiddenReasoningTokens',
  'revenue',
  'strategicValue',
  'cost',
  'grossProfit',
  'grossMargin',
  'users',
  'acceleratorHours',
] as const;
export type SegmentYearField = (typeof SEGMENT_YEAR_FIELDS)[number];
export type SegmentYearRow = { t: number; year: number; monetizable: boolean; profitable: boolean } & {
  [K in SegmentYearField]: number | null;
};
export type PricingKind = 'perMTok' | 'subscription' | 'perAcceleratorHour' | 'imputed' | 'none';
export interface SegmentResult {
  id: string;
  label: string;
  kind: string;
  pricingKind: PricingKind;
  /** MODEL.md §9 (a scenario with a capital stack): how its revenue is known */
  basis?: RevenueBasis;
  years: SegmentYearRow[];
}

export const SUMMARY_FIELDS = [
  'npv',
  'irr',
  'equityIrr',
  'paybackYears',
  'discountedPaybackYears',
  'peakFunding',
  'capexPerMW',
  'totalCapex',
  'revenuePerMW',
  'grossProfitPerMW',
  'ebitdaPerMW',
  'strategicRevenuePerMW',
  'grossMargin',
  'totalTokens',
  'billedTokens',
  'monetizableTokens',
  'profitableTokens',
  'strategicTokens',
  'hiddenReasoningTokens',
  'unmetTokens',
  'monetizableShare',
  'profitableShare',
  'costPerMTok',
  'realizedPricePerMTok',
  'totalRevenue',
  'totalGrossProfit',
  'minDscr',
  'maxLtv',
  'leaseCommitment',
  'leaseCommitmentPV',
  'commitmentsAfterHorizon',
  'strategicValuePV',
  'strategicNpv',
] as const;
export type SummaryField = (typeof SUMMARY_FIELDS)[number];

/** The summary fields a scenario with a capital stack (MODEL.md §9) adds; `covenantBreaches` is a list beside them. */
export const CAPITAL_SUMMARY_FIELDS = [
  'maxRefinancingNeed',
  'maxRefinancingNeedRatio',
  'maxMarketLtv',
  'minDscrHeadroom',
  'marketLtvHeadroom',
  'covenantBreachCount',
  'interestDuringConstruction',
  'backlog',
  'contractedRevenue',
  'expectedCreditLoss',
  'traceableShare',
] as const;
export type CapitalSummaryField = (typeof CAPITAL_SUMMARY_FIELDS)[number];

/** MODEL.md §9: a covenant broken in a year, and the equity that would restore it (reported; the flows are unchanged). */
export interface CovenantBreach {
  t: number;
  year: number;
  covenant: 'minDscr' | 'maxLtv';
  /** the DSCR or the market LTV of that year */
  value: number;
  /** the covenant's bound */
  limit: number;
  /** DSCR: max(0, minDscr · debt service − ebitda); LTV: max(0, debt − maxLtv · market value) */
  cure: number;
}

export type Summary = { [K in SummaryField]: number | null } & { [K in CapitalSummaryField]?: number | null } & { covenantBreaches?: CovenantBreach[] };

/** MODEL.md §4, §9: a tranche's lines by year (t = 0..T). */
export const TRANCHE_YEAR_FIELDS = ['draw', 'interest', 'principal', 'principalDue', 'balloon', 'refinanced', 'sweep', 'outstanding', 'rate', 'refinanceRate'] as const;
export type TrancheYearField = (typeof TRANCHE_YEAR_FIELDS)[number];
export type TrancheYearRow = { t: number; year: number } & { [K in TrancheYearField]: number | null };

/** One tranche of the capital stack and its lines by year. */
export interface TrancheResult {
  id: string;
  /** pays `baseRate + spread` (else a fixed rate) */
  floating: boolean;
  amortization: string;
  /** `every-capex`, `initial`, `generation-<k>` or `amount` */
  funds: string;
  /** its balloon rolls into a new floating loan at maturity */
  refinances: boolean;
  /** the interest during construction capitalised into its balance at t = 0 */
  interestDuringConstruction: number;
  years: TrancheYearRow[];
}

export interface ModelWarning {
  code: string;
  message: string;
  field?: string;
  t?: number;
}

export interface ModelResult {
  scenario: Scenario;
  years: YearRow[];
  segments: SegmentResult[];
  summary: Summary;
  warnings: ModelWarning[];
  /** MODEL.md §9: the tranches of a scenario with a capital stack (absent without one) */
  tranches?: TrancheResult[];
}

/**
 * An operating-year row, every line 0 but those that may have no value (null).
 * Written as one literal, in YEAR_FIELDS order (a test checks it), so all rows
 * share one shape and the lines that always hold a number stay unboxed doubles:
 * the engine makes many of them.
 */
export function newYearRow(t: number, year: number): YearRow {
  return {
    t,
    year,
    accelerators: 0,
    generation: null,
    capacityTokens: 0,
    utilization: 0,
    tokens: 0,
    billedTokens: 0,
    hiddenReasoningTokens: 0,
    monetizableTokens: 0,
    profitableTokens: 0,
    strategicTokens: 0,
    unmetTokens: null,
    revenue: 0,
    strategicValue: 0,
    power: 0,
    lease: 0,
    rent: 0,
    maintenance: 0,
    fixedOpex: 0,
    otherCost: 0,
    depreciation: 0,
    writeOff: 0,
    cogs: 0,
    grossProfit: 0,
    grossMargin: null,
    ebitda: 0,
    ebit: 0,
    tax: 0,
    capex: 0,
    residual: 0,
    terminalValue: 0,
    commitmentsAfterHorizon: 0,
    fcf: 0,
    cumulativeFcf: 0,
    draws: 0,
    debtOutstanding: 0,
    interest: 0,
    principal: 0,
    debtRepaidAtHorizon: 0,
    leveredTax: 0,
    equityCashFlow: 0,
    dscr: null,
    ltv: null,
    commitmentRemaining: 0,
    revenuePerMW: 0,
    grossProfitPerMW: 0,
    ebitdaPerMW: 0,
    strategicRevenuePerMW: 0,
    costPerMTok: null,
    realizedPricePerMTok: null,
  };
}

/** The build row (t = 0): every line null until the engine sets capex, draws and the flows. A shape of its own. */
export function newBuildYearRow(year: number): YearRow {
  return {
    t: 0,
    year,
    accelerators: null,
    generation: null,
    capacityTokens: null,
    utilization: null,
    tokens: null,
    billedTokens: null,
    hiddenReasoningTokens: null,
    monetizableTokens: null,
    profitableTokens: null,
    strategicTokens: null,
    unmetTokens: null,
    revenue: null,
    strategicValue: null,
    power: null,
    lease: null,
    rent: null,
    maintenance: null,
    fixedOpex: null,
    otherCost: null,
    depreciation: null,
    writeOff: null,
    cogs: null,
    grossProfit: null,
    grossMargin: null,
    ebitda: null,
    ebit: null,
    tax: null,
    capex: null,
    residual: null,
    terminalValue: null,
    commitmentsAfterHorizon: null,
    fcf: null,
    cumulativeFcf: null,
    draws: null,
    debtOutstanding: null,
    interest: null,
    principal: null,
    debtRepaidAtHorizon: null,
    leveredTax: null,
    equityCashFlow: null,
    dscr: null,
    ltv: null,
    commitmentRemaining: null,
    revenuePerMW: null,
    grossProfitPerMW: null,
    ebitdaPerMW: null,
    strategicRevenuePerMW: null,
    costPerMTok: null,
    realizedPricePerMTok: null,
  };
}

/** A segment-year row; one literal for one shape, as `newYearRow`. */
export function newSegmentYearRow(t: number, year: number): SegmentYearRow {
  return {
    t,
    year,
    monetizable: false,
    profitable: false,
    tokenShare: 0,
    tokens: 0,
    billedTokens: 0,
    hiddenReasoningTokens: 0,
    revenue: 0,
    strategicValue: 0,
    cost: null,
    grossProfit: null,
    grossMargin: null,
    users: null,
    acceleratorHours: null,
  };
}

/** A summary with every field null; one literal for one shape. */
export function newSummary(): Summary {
  return {
    npv: null,
    irr: null,
    equityIrr: null,
    paybackYears: null,
    discountedPaybackYears: null,
    peakFunding: null,
    capexPerMW: null,
    totalCapex: null,
    revenuePerMW: null,
    grossProfitPerMW: null,
    ebitdaPerMW: null,
    strategicRevenuePerMW: null,
    grossMargin: null,
    totalTokens: null,
    billedTokens: null,
    monetizableTokens: null,
    profitableTokens: null,
    strategicTokens: null,
    hiddenReasoningTokens: null,
    unmetTokens: null,
    monetizableShare: null,
    profitableShare: null,
    costPerMTok: null,
    realizedPricePerMTok: null,
    totalRevenue: null,
    totalGrossProfit: null,
    minDscr: null,
    maxLtv: null,
    leaseCommitment: null,
    leaseCommitmentPV: null,
    commitmentsAfterHorizon: null,
    strategicValuePV: null,
    strategicNpv: null,
  };
}

// The finite check below is one expression over every field (a NaN or an
// Infinity anywhere makes the sum non-finite) so the engine's last guard costs
// little; a test checks it covers every field of the list above.
const n = (x: number | null): number => (x === null ? 0 : x);



/** true when no field of the summary is NaN or ±Infinity. */
export function summaryIsFinite(r: Summary): boolean {
  return Number.isFinite(
    n(r.npv) +
    n(r.irr) +
    n(r.equityIrr) +
    n(r.paybackYears) +
    n(r.discountedPaybackYears) +
    n(r.peakFunding) +
    n(r.capexPerMW) +
    n(r.totalCapex) +
    n(r.revenuePerMW) +
    n(r.grossProfitPerMW) +
    n(r.ebitdaPerMW) +
    n(r.strategicRevenuePerMW) +
    n(r.grossMargin) +
    n(r.totalTokens) +
    n(r.billedTokens) +
    n(r.monetizableTokens) +
    n(r.profitableTokens) +
    n(r.strategicTokens) +
    n(r.hiddenReasoningTokens) +
    n(r.unmetTokens) +
    n(r.monetizableShare) +
    n(r.profitableShare) +
    n(r.costPerMTok) +
    n(r.realizedPricePerMTok) +
    n(r.totalRevenue) +
    n(r.totalGrossProfit) +
    n(r.minDscr) +
    n(r.maxLtv) +
    n(r.leaseCommitment) +
    n(r.leaseCommitmentPV) +
    n(r.commitmentsAfterHorizon) +
    n(r.strategicValuePV) +
    n(r.strategicNpv),
  );
}
