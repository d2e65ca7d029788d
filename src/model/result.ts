/** The result contract of MODEL.md §4. A field without a value is `null`, never NaN. */
import type { Scenario } from './schema.ts';

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

/** One row of `years`: `t = 0` is the build and carries only capex, draws, the flows and debt. */
export type YearRow = { t: number; year: number } & { [K in YearField]: number | null };

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
  'strategicValuePV',
  'strategicNpv',
] as const;
export type SummaryField = (typeof SUMMARY_FIELDS)[number];
export type Summary = { [K in SummaryField]: number | null };

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
}
