/** Formats of analysis values: the one formatter of every surface (src/report/analysis-format.ts, metrics.ts), and the metric choices of the pages. */
import { metricLabel } from '../../src/report/metrics.ts';

export { advantageNotes, advantageRows, breakevenStatusText, formatChangePct, formatInput, formatInputChange, formatMetric, formatMetricDelta } from '../../src/report/analysis-format.ts';
export { metricLabel };

/** The metrics a page lets people pick, with the names every surface gives them. */
export const METRIC_CHOICES: readonly { key: string; label: string }[] = ['npv', 'irr', 'equityIrr', 'paybackYears', 'grossProfitPerMW', 'revenuePerMW', 'strategicNpv', 'grossMargin'].map((key) => ({
  key,
  label: metricLabel(key),
}));
