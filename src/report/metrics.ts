/**
 * The summary metrics for people: one table of every field of MODEL.md §3.7
 * with its label, unit, kind and better direction, and the one way each is
 * written (`formatMetric`). The CLI's tables, the HTML report, the dashboard,
 * the Monte Carlo views and the sentences of the analyses all read it, so a
 * number reads the same wherever it appears. They read the engine's summary;
 * none recomputes a number.
 */
import type { ModelResult, SummaryField } from '../model/result.ts';
import { count, millions, NONE, noValue, pct, price, ratio, tokens, yearsFmt } from './format.ts';

/** How a metric is written: money in millions (signed for the npvs), per MW-year, a rate, a share, years, tokens, a unit price, a ratio. */
export type MetricKind = 'money' | 'signedMoney' | 'perMW' | 'rate' | 'share' | 'years' | 'tokens' | 'price' | 'ratio';

export interface MetricInfo {
  label: string;
  unit: string;
  kind: MetricKind;
  /** which way is better, for ranking and for a chart's good/bad colours */
  better: 'higher' | 'lower';
}

const i = (label: string, unit: string, kind: MetricKind, better: 'higher' | 'lower'): MetricInfo => ({ label, unit, kind, better });

/** Every summary field. */
export const METRIC_INFO: Readonly<Record<SummaryField, MetricInfo>> = {
  npv: i('NPV', '$', 'signedMoney', 'higher'),
  irr: i('IRR', 'rate', 'rate', 'higher'),
  equityIrr: i('Equity IRR', 'rate', 'rate', 'higher'),
  paybackYears: i('Payback', 'years', 'years', 'lower'),
  discountedPaybackYears: i('Discounted payback', 'years', 'years', 'lower'),
  peakFunding: i('Peak funding', '$', 'money', 'lower'),
  capexPerMW: i('Capex / MW (t=0)', '$ per MW', 'perMW', 'lower'),
  totalCapex: i('Capex (lifetime)', '$', 'money', 'lower'),
  revenuePerMW: i('Revenue / MW-yr', '$ per MW-year', 'perMW', 'higher'),
  grossProfitPerMW: i('Gross profit / MW-yr', '$ per MW-year', 'perMW', 'higher'),
  ebitdaPerMW: i('EBITDA / MW-yr', '$ per MW-year', 'perMW', 'higher'),
  strategicRevenuePerMW: i('Strategic revenue / MW-yr', '$ per MW-year', 'perMW', 'higher'),
  grossMargin: i('Gross margin', 'share', 'share', 'higher'),
  totalTokens: i('Tokens (lifetime)', 'tokens', 'tokens', 'higher'),
  billedTokens: i('Billed tokens', 'tokens', 'tokens', 'higher'),
  monetizableTokens: i('Monetizable tokens', 'tokens', 'tokens', 'higher'),
  profitableTokens: i('Profitable tokens', 'tokens', 'tokens', 'higher'),
  strategicTokens: i('Strategic tokens', 'tokens', 'tokens', 'higher'),
  hiddenReasoningTokens: i('Hidden reasoning tokens', 'tokens', 'tokens', 'lower'),
  unmetTokens: i('Unmet tokens', 'tokens', 'tokens', 'lower'),
  monetizableShare: i('Monetizable share', 'share of tokens', 'share', 'higher'),
  profitableShare: i('Profitable share', 'share of tokens', 'share', 'higher'),
  costPerMTok: i('Cost / M tokens served', '$ per M tokens served', 'price', 'lower'),
  realizedPricePerMTok: i('Realized price / M billed tokens', '$ per M billed tokens', 'price', 'higher'),
  totalRevenue: i('Revenue (lifetime)', '$', 'money', 'higher'),
  totalGrossProfit: i('Gross profit (lifetime)', '$', 'money', 'higher'),
  minDscr: i('Min DSCR', '×', 'ratio', 'higher'),
  maxLtv: i('Max LTV', 'share', 'share', 'lower'),
  leaseCommitment: i('Lease + rent commitments', '$ (nominal, every committed year)', 'money', 'lower'),
  leaseCommitmentPV: i('Commitments (PV)', '$ (present value of lease + rent commitments)', 'money', 'lower'),
  commitmentsAfterHorizon: i('Commitments after the horizon (PV)', '$', 'money', 'lower'),
  strategicValuePV: i('Strategic value (PV, after tax)', '$', 'money', 'higher'),
  strategicNpv: i('Strategic NPV', '$', 'signedMoney', 'higher'),
};

/** A field of the summary, or another metric name the analyses use (its info is then unknown). */
const infoOf = (key: string): MetricInfo | undefined => (METRIC_INFO as Record<string, MetricInfo>)[key];

/** A metric's name for people (the field name when it is not a summary field). */
export const metricLabel = (key: string): string => infoOf(key)?.label ?? key;

/** Which way a metric is better (higher when unknown). */
export const metricBetter = (key: string): 'higher' | 'lower' => infoOf(key)?.better ?? 'higher';

/** Whether a metric is money (its axis reads in $). */
export const isMoneyMetric = (key: string): boolean => {
  const k = infoOf(key)?.kind;
  return k === 'money' || k === 'signedMoney' || k === 'perMW';
};

/**
 * A summary metric's value for people: `+$2,109M`, `$14.26M`, `18.7 %`,
 * `3.41 y`, `$0.064`, `1.18×`; `never` for a payback that never comes,
 * `none` for an IRR that does not exist, `—` otherwise.
 *
 * @example
 * formatMetric('npv', 2.109e9);        // '+$2,109M'
 * formatMetric('paybackYears', null);  // 'never'
 */
export function formatMetric(key: string, x: number | null): string {
  const kind = infoOf(key)?.kind;
  if (x === null) return kind === 'years' ? 'never' : kind === 'rate' ? 'none' : NONE;
  if (noValue(x)) return NONE;
  switch (kind) {
    case 'signedMoney':
      return millions(x, 0, true);
    case 'money':
      return millions(x, 0);
    case 'perMW':
      return millions(x);
    case 'rate':
    case 'share':
      return pct(x);
    case 'years':
      return yearsFmt(x);
    case 'tokens':
      return tokens(x);
    case 'price':
      return price(x, 3);
    case 'ratio':
      return ratio(x);
    default:
      return Math.abs(x) >= 1e5 ? millions(x, 0, true) : count(x, 3);
  }
}

/** A difference of a metric (a swing, a distance), unsigned: `$1,052M`, `5.2 pp`, `0.40 y`. */
export function formatMetricDelta(key: string, x: number | null): string {
  if (noValue(x)) return NONE;
  const kind = infoOf(key)?.kind;
  const a = Math.abs(x);
  if (kind === 'rate' || kind === 'share') return `${count(a * 100, 1)} pp`;
  if (kind === 'signedMoney') return millions(a, 0);
  return formatMetric(key, a);
}

/** Whether the result is a rented fleet with no capex: its payback and capex per MW say so instead of `0.00 y` and `$0`. */
export const rentedNoCapex = (r: ModelResult): boolean => r.scenario.fleet.mode === 'rent' && (r.summary.totalCapex ?? 0) === 0;

/** What a payback reads when there is no capex to pay back because the fleet is rented. */
export const RENTED_PAYBACK = 'no capex (rented): see commitments';

/**
 * A summary metric of a result for people: `formatMetric` of its value, except
 * where the value alone misleads — a rented fleet has no capex to pay back, so
 * its payback reads "no capex (rented): see commitments", not `0.00 y`.
 */
export function metricText(key: string, r: ModelResult): string {
  if (rentedNoCapex(r)) {
    if (key === 'paybackYears' || key === 'discountedPaybackYears') return RENTED_PAYBACK;
    if (key === 'capexPerMW' || key === 'totalCapex') return 'no capex (rented)';
  }
  const v = (r.summary as Record<string, unknown>)[key];
  return formatMetric(key, typeof v === 'number' ? v : null);
}

export interface Metric {
  /** a summary field (or a row of its own, such as a rank) */
  key: string;
  label: string;
  unit: string;
  /** which way is better, for ranking */
  better: 'higher' | 'lower';
  get: (r: ModelResult) => number | null;
  /** the value alone for people (`formatMetric`) */
  format: (x: number | null) => string;
  /** the value of a result for people (`metricText`: a rented fleet's payback says so) */
  text: (r: ModelResult) => string;
}

const ALL_METRICS = new Map<string, Metric>(
  (Object.keys(METRIC_INFO) as SummaryField[]).map((key) => {
    const m = METRIC_INFO[key];
    return [key, { key, label: m.label, unit: m.unit, better: m.better, get: (r) => r.summary[key], format: (x) => formatMetric(key, x), text: (r) => metricText(key, r) }];
  }),
);

/** The metric of a summary field, with its accessors (one object per field). */
export function metric(key: SummaryField): Metric {
  return ALL_METRICS.get(key) as Metric;
}

/** The rows of `payback compare`, of the report's comparison and key figures and of the dashboard's Compare table, in order; commitments beside peak funding. */
export const COMPARE_METRICS: readonly Metric[] = (
  [
    'revenuePerMW',
    'grossProfitPerMW',
    'grossMargin',
    'ebitdaPerMW',
    'npv',
    'irr',
    'equityIrr',
    'paybackYears',
    'monetizableShare',
    'profitableShare',
    'costPerMTok',
    'realizedPricePerMTok',
    'capexPerMW',
    'peakFunding',
    'leaseCommitmentPV',
    'minDscr',
    'strategicNpv',
  ] as const
).map(metric);

/** The headline of one scenario (`payback run`), in order. */
export const SUMMARY_METRICS: readonly Metric[] = (
  [
    'revenuePerMW',
    'grossProfitPerMW',
    'ebitdaPerMW',
    'strategicRevenuePerMW',
    'grossMargin',
    'npv',
    'irr',
    'equityIrr',
    'paybackYears',
    'discountedPaybackYears',
    'peakFunding',
    'leaseCommitmentPV',
    'leaseCommitment',
    'capexPerMW',
    'totalTokens',
    'monetizableShare',
    'profitableShare',
    'costPerMTok',
    'realizedPricePerMTok',
    'minDscr',
    'maxLtv',
    'strategicValuePV',
    'strategicNpv',
  ] as const
).map(metric);

/** A metric by key (`payback compare --metric`): a compare column, or any other summary field. */
export function metricByKey(key: string): Metric | undefined {
  return ALL_METRICS.get(key);
}
