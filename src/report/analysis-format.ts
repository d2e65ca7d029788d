/**
 * Analysis values for people, shared by the HTML report and the dashboard (pure:
 * no SVG renderer, no node), so both write a breakeven or a metric the same way.
 */
import type { BreakevenReport, BreakevenRow } from '../analysis/breakeven.ts';
import type { InputKind } from '../analysis/paths.ts';
import { count, millions, money, pct, price } from './format.ts';

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

/** A summary metric for people ('none' where it has no value). */
export function formatMetric(metric: string, x: number | null): string {
  if (x === null) return 'none';
  if (metric === 'irr' || metric === 'equityIrr' || metric === 'grossMargin' || metric.endsWith('Share') || metric === 'maxLtv') return pct(x, 2);
  if (metric === 'paybackYears' || metric === 'discountedPaybackYears') return `${count(x, 2)} y`;
  if (metric === 'minDscr') return `${count(x, 2)}×`;
  if (metric === 'costPerMTok' || metric === 'realizedPricePerMTok') return price(x, 3);
  return millions(x, 1, true);
}

/** What a breakeven row's status means, in words: "met already; holds to 61 %", "unreachable in […]". */
export function breakevenStatusText(r: BreakevenRow, b: BreakevenReport): string {
  const f = (x: number | null): string => formatInput(r.kind, x, r.integer);
  switch (r.status) {
    case 'met':
      return r.breakeven === null ? `met across [${f(r.lo)}, ${f(r.hi)}]` : `met already; holds to ${f(r.breakeven)}`;
    case 'needs-change':
      return 'needs the change';
    case 'unreachable':
      return `unreachable in [${f(r.lo)}, ${f(r.hi)}]${r.closest === null ? '' : `; closest at ${f(r.closest.value)} (${b.target.metric} ${formatMetric(b.target.metric, r.closest.metric)})`}`;
    case 'no-effect':
      return `no effect within the horizon: ${b.target.metric} stays ${formatMetric(b.target.metric, b.base.metric)} across [${f(r.lo)}, ${f(r.hi)}]`;
  }
}
