/**
 * Formats of analysis values, as the HTML report writes them
 * (`formatInput`/`formatMetric` of src/report/html.ts, which the dashboard
 * cannot import without the report's SVG renderer).
 */
import type { InputKind } from '../../src/analysis/paths.ts';
import { count, millions, money, pct, price } from '../../src/report/format.ts';

/** A driver's value for people, by what it measures. */
export function formatInput(kind: InputKind, x: number | null, integer = false): string {
  if (x === null) return '—';
  switch (kind) {
    case 'money':
      return Math.abs(x) < 10 ? price(x, 3) : money(x, 2);
    case 'rate':
    case 'share':
      return pct(x, 2);
    case 'years':
      return `${integer ? count(x) : count(x, 2)} y`;
    case 'multiplier':
      return `${count(x, 3)}×`;
    default:
      return count(x, integer ? 0 : Math.abs(x) < 10 ? 3 : 1);
  }
}

/** A summary metric for people. */
export function formatMetric(metric: string, x: number | null): string {
  if (x === null) return 'none';
  if (metric === 'irr' || metric === 'equityIrr' || metric === 'grossMargin' || metric.endsWith('Share') || metric === 'maxLtv') return pct(x, 2);
  if (metric === 'paybackYears' || metric === 'discountedPaybackYears') return `${count(x, 2)} y`;
  if (metric === 'minDscr') return `${count(x, 2)}×`;
  if (metric === 'costPerMTok' || metric === 'realizedPricePerMTok') return price(x, 3);
  return millions(x, 1, true);
}

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
