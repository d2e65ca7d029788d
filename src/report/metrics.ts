/**
 * The summary metrics that tables, CSV and charts show, each with a label, a
 * unit and a formatter. They read the engine's summary; none recomputes a number.
 */
import type { ModelResult } from '../model/result.ts';
import { millions, pct, price, ratio, yearsFmt, NONE } from './format.ts';

export interface Metric {
  key: string;
  label: string;
  unit: string;
  /** which way is better, for ranking */
  better: 'higher' | 'lower';
  get: (r: ModelResult) => number | null;
  format: (x: number | null) => string;
}

const m = (
  key: string,
  label: string,
  unit: string,
  better: 'higher' | 'lower',
  get: (r: ModelResult) => number | null,
  format: (x: number | null) => string,
): Metric => ({ key, label, unit, better, get, format });

const irrText = (x: number | null): string => (x === null ? 'none' : pct(x));

/** The columns of `payback compare`, in order. */
export const COMPARE_METRICS: readonly Metric[] = [
  m('revenuePerMW', 'Revenue / MW-yr', '$ per MW-year', 'higher', (r) => r.summary.revenuePerMW, (x) => millions(x)),
  m('grossProfitPerMW', 'Gross profit / MW-yr', '$ per MW-year', 'higher', (r) => r.summary.grossProfitPerMW, (x) => millions(x)),
  m('grossMargin', 'Gross margin', 'share', 'higher', (r) => r.summary.grossMargin, (x) => pct(x)),
  m('ebitdaPerMW', 'EBITDA / MW-yr', '$ per MW-year', 'higher', (r) => r.summary.ebitdaPerMW, (x) => millions(x)),
  m('npv', 'NPV', '$', 'higher', (r) => r.summary.npv, (x) => millions(x, 0, true)),
  m('irr', 'IRR', 'rate', 'higher', (r) => r.summary.irr, irrText),
  m('equityIrr', 'Equity IRR', 'rate', 'higher', (r) => r.summary.equityIrr, irrText),
  m('paybackYears', 'Payback', 'years', 'lower', (r) => r.summary.paybackYears, (x) => (x === null ? 'never' : yearsFmt(x))),
  m('monetizableShare', 'Monetizable share', 'share of tokens', 'higher', (r) => r.summary.monetizableShare, (x) => pct(x)),
  m('profitableShare', 'Profitable share', 'share of tokens', 'higher', (r) => r.summary.profitableShare, (x) => pct(x)),
  m('costPerMTok', 'Cost / M tokens', '$ per M tokens', 'lower', (r) => r.summary.costPerMTok, (x) => price(x, 3)),
  m('realizedPricePerMTok', 'Realized price / M tokens', '$ per M billed tokens', 'higher', (r) => r.summary.realizedPricePerMTok, (x) => price(x, 3)),
  m('capexPerMW', 'Capex / MW (t=0)', '$ per MW', 'lower', (r) => r.summary.capexPerMW, (x) => millions(x)),
  m('peakFunding', 'Peak funding', '$', 'lower', (r) => r.summary.peakFunding, (x) => millions(x, 0)),
  m('minDscr', 'Min DSCR', '×', 'higher', (r) => r.summary.minDscr, (x) => (x === null ? NONE : ratio(x))),
  m('leaseCommitment', 'Lease + rent commitments', '$', 'lower', (r) => r.summary.leaseCommitment, (x) => millions(x, 0)),
  m('strategicNpv', 'Strategic NPV', '$', 'higher', (r) => r.summary.strategicNpv, (x) => millions(x, 0, true)),
];

export function metricByKey(key: string): Metric | undefined {
  return COMPARE_METRICS.find((x) => x.key === key);
}
