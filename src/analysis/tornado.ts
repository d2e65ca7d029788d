/**
 * Tornado (MODEL.md §5 "Sensitivity"): each driver at a low and a high value
 * with everything else at base, a summary metric at each, sorted by swing.
 */
import { didYouMeanSuffix, type Issue } from '../model/issues.ts';
import { SUMMARY_FIELDS, type SummaryField } from '../model/result.ts';
import { type Driver, type DriverLabel, type DriverSetting, makeDriver, makeDrivers } from './drivers.ts';
import { AnalysisInputError, checkInputPath, type SetMode, type Subject } from './paths.ts';
import { summaryOf } from './subject.ts';

/** The default swing: ±20 % of the base value. */
export const DEFAULT_SWING = 0.2;

/** A driver's low and high value, given explicitly. */
export interface DriverRange {
  path: string;
  lo: number;
  hi: number;
}

/** Options of `tornado`. */
export interface TornadoOptions {
  /** The summary metric (default `npv`). */
  metric?: SummaryField;
  /** Low and high are `base ∓ swing · |base|` (default 0.2), clipped to the driver's valid range. */
  swing?: number;
  /** Explicit low and high values for some drivers (a driver not in the list is added). */
  ranges?: readonly DriverRange[];
  /** Driver paths; the default list of MODEL.md §5 when absent or empty. */
  drivers?: readonly string[];
}

/** One bar of the tornado. */
export interface TornadoRow extends DriverLabel {
  mode: SetMode;
  base: number;
  low: number;
  high: number;
  /** Where low and high come from: the swing (clipped) or an explicit range. */
  source: 'swing' | 'range';
  metricLow: number | null;
  metricHigh: number | null;
  /** `|metricHigh − metricLow|`; null when the metric has no value at either end. */
  swing: number | null;
  settingLow: DriverSetting;
  settingHigh: DriverSetting;
}

/** The tornado of one scenario. */
export interface TornadoReport {
  scenarioId: string;
  metric: SummaryField;
  baseMetric: number | null;
  swing: number;
  /** Sorted by swing, largest first; rows without a swing last. */
  rows: TornadoRow[];
}

/** Whether a name is a summary metric; an issue listing them when not. */
export function checkMetric(metric: string): Issue | null {
  if ((SUMMARY_FIELDS as readonly string[]).includes(metric)) return null;
  return {
    path: '',
    message: `unknown metric "${metric}"${didYouMeanSuffix(metric, SUMMARY_FIELDS)}; metrics: ${SUMMARY_FIELDS.join(', ')}`,
    code: 'bad_metric',
  };
}

/** An explicit range for a driver checked against its valid range; null when fine. */
export function checkDriverRange(d: Driver, lo: number, hi: number, what = 'range'): Issue | null {
  const valid = `valid: ${fmt(d.lo)} to ${fmt(d.hi)}${d.integer ? ', whole numbers' : ''}`;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { path: d.path, message: `the ${what} needs finite numbers, got ${lo}:${hi}; ${valid}`, code: 'bad_range' };
  if (!(lo < hi)) return { path: d.path, message: `the ${what} ${fmt(lo)}:${fmt(hi)} is empty: lo must be below hi; ${valid}`, code: 'bad_range' };
  const slack = 1e-12 * Math.max(1, Math.abs(d.lo), Math.abs(d.hi));
  if (lo < d.lo - slack || hi > d.hi + slack) {
    const series = d.mode === 'scale' ? ' (a Series given year by year moves as a whole: its value is the mean over the horizon, and no year may leave the valid range)' : '';
    return { path: d.path, message: `the ${what} ${fmt(lo)}:${fmt(hi)} goes outside the valid range; ${valid}${series}`, code: 'bad_range' };
  }
  if (d.integer && (!Number.isInteger(lo) || !Number.isInteger(hi))) return { path: d.path, message: `the ${what} ${fmt(lo)}:${fmt(hi)} must be whole numbers; ${valid}`, code: 'bad_range' };
  return null;
}

const fmt = (x: number): string => String(Number(x.toPrecision(6)));

/**
 * Low and high of a driver from a swing: `base ∓ swing · |base|`, clipped to
 * the valid range. A whole-number driver moves by at least 1. A rate or a
 * share at 0 moves by `swing` itself (±20 points); another driver at 0 stays
 * at 0 (give it a range).
 *
 * @example
 * swingRange(makeDriver(s, 'finance.wacc'), 0.2);          // { low: 0.064, high: 0.096 }
 * swingRange(makeDriver(s, 'fleet.usefulLifeYears'), 0.2); // { low: 4, high: 6 }
 */
export function swingRange(d: Driver, swing: number): { low: number; high: number } {
  const b = d.base;
  let delta = swing * Math.abs(b);
  if (b === 0 && (d.info.kind === 'rate' || d.info.kind === 'share')) delta = swing;
  let low = b - delta;
  let high = b + delta;
  if (d.integer) {
    low = Math.min(b - 1, Math.round(low));
    high = Math.max(b + 1, Math.round(high));
  }
  return { low: Math.min(Math.max(low, d.lo), b), high: Math.max(Math.min(high, d.hi), b) };
}

/**
 * The tornado: each driver at low and high (±`swing` of its base, or the
 * given range), the metric at each, sorted by swing. Bad paths, metrics and
 * ranges throw an `AnalysisInputError` with every issue.
 *
 * @example
 * const t = tornado(scenario, { metric: 'npv', swing: 0.2 });
 * t.rows[0]; // { path: 'demand.utilization', low: 0.584, high: 0.876, metricLow: …, metricHigh: …, swing: … }
 * tornado(scenario, { ranges: [{ path: 'finance.wacc', lo: 0.06, hi: 0.12 }] });
 */
export function tornado(scenario: Subject, opts: TornadoOptions = {}): TornadoReport {
  const metric = opts.metric ?? 'npv';
  const swing = opts.swing ?? DEFAULT_SWING;
  const issues: Issue[] = [];
  const metricIssue = checkMetric(metric);
  if (metricIssue !== null) issues.push(metricIssue);
  if (!(Number.isFinite(swing) && swing > 0 && swing <= 10)) {
    issues.push({ path: '', message: `the swing is a fraction of the base value in (0, 10], e.g. 0.2 for ±20 %, got ${swing}`, code: 'bad_swing' });
  }
  const ranges = opts.ranges ?? [];
  const named = opts.drivers !== undefined && opts.drivers.length > 0 ? opts.drivers : undefined;
  for (const p of [...(named ?? []), ...ranges.map((r) => r.path)]) {
    const i = checkInputPath(scenario, p);
    if (i !== null) issues.push(i);
  }
  if (issues.length > 0) throw new AnalysisInputError(issues);
  const byPath = new Map<string, Driver>(makeDrivers(scenario, named).map((d) => [d.path, d]));
  const given = new Map<string, DriverRange>();
  for (const r of ranges) {
    let d = makeDriver(scenario, r.path);
    // a driver named only by a range joins the list
    if (byPath.has(d.path)) d = byPath.get(d.path) as Driver;
    else byPath.set(d.path, d);
    const i = checkDriverRange(d, r.lo, r.hi);
    if (i !== null) issues.push(i);
    given.set(d.path, r);
  }
  if (issues.length > 0) throw new AnalysisInputError(issues);
  const drivers = [...byPath.values()];

  const at = (d: Driver, x: number): number | null => summaryOf(d.apply(scenario, x)).summary[metric];
  const rows: TornadoRow[] = drivers.map((d) => {
    const r = given.get(d.path);
    const { low, high } = r !== undefined ? { low: r.lo, high: r.hi } : swingRange(d, swing);
    const metricLow = at(d, low);
    const metricHigh = at(d, high);
    return {
      path: d.path,
      label: d.info.label,
      unit: d.info.unit,
      kind: d.info.kind,
      integer: d.integer,
      series: d.mode === 'scale',
      mode: d.mode,
      base: d.base,
      low,
      high,
      source: r !== undefined ? 'range' : 'swing',
      metricLow,
      metricHigh,
      swing: metricLow === null || metricHigh === null ? null : Math.abs(metricHigh - metricLow),
      settingLow: d.setting(low),
      settingHigh: d.setting(high),
    };
  });
  rows.sort((a, b) => (b.swing ?? -1) - (a.swing ?? -1));
  return { scenarioId: scenario.id, metric, baseMetric: summaryOf(scenario).summary[metric], swing, rows };
}
