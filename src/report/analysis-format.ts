/**
 * Analysis values for people, shared by the CLI's tables, the HTML report and
 * the dashboard (pure: no renderer, no node), so a breakeven, a tornado end
 * or a metric reads the same on every surface.
 */
import type { Advantages } from '../analysis/advantages.ts';
import type { BreakevenReport, BreakevenRow } from '../analysis/breakeven.ts';
import type { DriverLabel } from '../analysis/drivers.ts';
import { count, group, NONE, noValue, pct, ratio, signedMillions, tokens } from './format.ts';
import { formatMetric } from './metrics.ts';

export { formatMetric, formatMetricDelta, metricLabel } from './metrics.ts';

/** What an input's value needs to be written: its kind, its unit, and whether it is a whole number. */
export type InputFormat = Pick<DriverLabel, 'kind' | 'unit'> & { integer?: boolean };

/** `$ per M tokens` → `/M tok`: the unit after a money amount. */
function perUnit(unit: string): string {
  const short: Record<string, string> = {
    '$ per M tokens': '/M tok',
    '$ per accelerator': '/accel.',
    '$ per accelerator-hour': '/accel-h',
    '$ per user-month': '/user-mo',
    '$ per kW-month': '/kW-mo',
    '$ per MW-year': '/MW-yr',
    '$ per MWh': '/MWh',
  };
  return short[unit] ?? (unit.startsWith('$ per ') ? `/${unit.slice(6)}` : '');
}

/** Money with as many decimals as a price needs: `$0.962`, `$2.00`, `$65.00`, `$50.0k`, `$12.0M`. */
function moneyAmount(x: number): string {
  const a = Math.abs(x);
  let s: string;
  if (a >= 1e9) s = `$${group(a / 1e9, 2)}B`;
  else if (a >= 1e6) s = `$${group(a / 1e6, 2)}M`;
  else if (a >= 1e4) s = `$${group(a / 1e3, 1)}k`;
  else if (a >= 1000) s = `$${group(a, 0)}`;
  else if (a >= 1 || a === 0) s = `$${group(a, 2)}`;
  else s = `$${group(a, 3)}`;
  return x < 0 && s !== '$0.00' ? `−${s}` : s;
}

/**
 * An input's value for people, by its kind and unit: `$2.00/M tok`,
 * `−30.00 %/yr`, `73.00 %`, `5 y`, `2.500×`, `1.58Q tokens`.
 *
 * @example
 * formatInput(row, row.breakeven); // a breakeven row is its own format
 */
export function formatInput(d: InputFormat, x: number | null): string {
  if (noValue(x)) return NONE;
  switch (d.kind) {
    case 'money':
      return `${moneyAmount(x)}${perUnit(d.unit)}`;
    case 'rate':
      return `${pct(x, 2)}${d.unit === 'per year' ? '/yr' : ''}`;
    case 'share':
      return pct(x, 2);
    case 'years':
      return d.integer === true || Number.isInteger(x) ? `${count(x)} y` : `${count(x, 2)} y`;
    case 'multiplier':
      return ratio(x, 3);
    default:
      if (d.unit.startsWith('tokens')) return tokens(x);
      return `${count(x, d.integer === true ? 0 : Math.abs(x) < 10 ? 3 : 1)}${d.unit === '' ? '' : ` ${d.unit.split(' ')[0]}`}`;
  }
}

/** A change of an input, signed: `+$0.47/M tok`, `−5.20 pp`, `+1 y`, `+0.250×`. */
export function formatInputChange(d: InputFormat, dx: number | null): string {
  if (noValue(dx)) return NONE;
  const sign = dx > 0 ? '+' : dx < 0 ? '−' : '';
  const a = Math.abs(dx);
  if (d.kind === 'rate' || d.kind === 'share') return `${sign}${count(a * 100, 2)} pp`;
  return `${sign}${formatInput(d, a)}`;
}

/** A relative change, signed: `+9.3 %`, `−19.0 %`. */
export const formatChangePct = (x: number | null): string => (noValue(x) ? NONE : `${x > 0 ? '+' : ''}${pct(x)}`);

/** What a breakeven row's status means, in words: "met already; holds to 61 %", "unreachable in […]". */
export function breakevenStatusText(r: BreakevenRow, b: BreakevenReport): string {
  const f = (x: number | null): string => formatInput(r, x);
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

/** The rows of the structural advantages for people (group, inputs, npv per MW, share), the total last; shares only when the parts pull one way. */
export function advantageRows(a: Advantages): string[][] {
  const share = (x: number | null): string => (x === null ? NONE : pct(x));
  const rows = a.parts.map((p) => [p.label, p.inputs, signedMillions(p.npvPerMW), share(p.shareOfDifference)]);
  rows.push(['Total (difference)', '', signedMillions(a.difference), a.sharesNote === null && a.difference !== null ? pct(1) : NONE]);
  return rows;
}

/** What to say under the advantages: why there are no shares, how pricing moved, the notes. */
export function advantageNotes(a: Advantages): string[] {
  return [...(a.sharesNote !== null ? [`Shares of the difference: not shown, ${a.sharesNote}.`] : []), ...a.notes.map((n) => `${n[0]?.toUpperCase() ?? ''}${n.slice(1)}.`)];
}
