/** Formats of analysis values: the report's own (src/report/analysis-format.ts), and the metric choices of the pages. */
export { formatInput, formatMetric, breakevenStatusText } from '../../src/report/analysis-format.ts';

/** The metrics a page lets people pick, with their names. */
export const METRIC_CHOICES: readonly { key: string; label: string }[] = [
  { key: 'npv', label: 'NPV' },
  { key: 'irr', label: 'IRR' },
  { key: 'equityIrr', label: 'Equity IRR' },
  { key: 'paybackYears', label: 'Payback (years)' },
  { key: 'grossProfitPerMW', label: 'Gross profit per MW-year' },
  { key: 'revenuePerMW', label: 'Revenue per MW-year' },
  { key: 'strategicNpv', label: 'Strategic NPV' },
  { key: 'grossMargin', label: 'Gross margin' },
];

export const metricLabel = (key: string): string => METRIC_CHOICES.find((m) => m.key === key)?.label ?? key;
