/**
 * Grid (MODEL.md §5 "Sensitivity"): two drivers over ranges, a summary metric
 * at every pair, and the breakeven contour: the cells where the target flips
 * between a cell and one of its neighbours (for npv the zero contour, for
 * irr the wacc contour).
 */
import type { Issue } from '../model/issues.ts';
import type { SummaryField } from '../model/result.ts';
import { type Driver, type DriverLabel, makeDriver } from './drivers.ts';
import { AnalysisInputError, checkInputPath, PAID_SHARE, type Subject } from './paths.ts';
import { summaryOf } from './subject.ts';
import { resolveTarget } from './breakeven.ts';
import { defaultTargetFor, type Target, targetMargin } from './targets.ts';
import { checkDriverRange, checkMetric } from './tornado.ts';

/** Most points on one axis. */
export const GRID_MAX_POINTS = 201;

/** One axis: a driver path over `n` evenly spaced values from `lo` to `hi`. */
export interface GridAxis {
  path: string;
  lo: number;
  hi: number;
  n: number;
}

/** Options of `grid`. */
export interface GridOptions {
  x: GridAxis;
  y: GridAxis;
  /** The summary metric (default `npv`). */
  metric?: SummaryField;
  /** The target whose contour is marked; by default the metric's natural one (`defaultTargetFor`); null for none. */
  target?: Target | string | null;
}

/** An axis of the result. */
export interface GridAxisResult extends DriverLabel {
  base: number;
  values: number[];
}

/** The grid of one scenario. Matrices are indexed `[iy][ix]`. */
export interface GridReport {
  scenarioId: string;
  metric: SummaryField;
  baseMetric: number | null;
  target: { text: string; describe: string } | null;
  x: GridAxisResult;
  y: GridAxisResult;
  /** The metric at each pair (null where it has no value). */
  values: (number | null)[][];
  /** Whether each pair meets the target (null without a target). */
  met: boolean[][] | null;
  /** Cells next to the breakeven: the target flips between the cell and a neighbour (left, right, above, below). */
  contour: boolean[][] | null;
}

/**
 * `n` evenly spaced values from `lo` to `hi`, both included exactly, each
 * rounded to 12 significant digits so that 0.3:0.9:7 gives 0.6, not
 * 0.6000000000000001.
 *
 * @example
 * axisValues(0.4, 0.9, 6); // [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
 */
export function axisValues(lo: number, hi: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i === 0 ? lo : i === n - 1 ? hi : Number((lo + ((hi - lo) * i) / (n - 1)).toPrecision(12));
  return out;
}

function checkAxis(scenario: Subject, axis: GridAxis, name: 'x' | 'y'): { driver: Driver | null; issues: Issue[] } {
  const pathIssue = checkInputPath(scenario, axis.path);
  if (pathIssue !== null) return { driver: null, issues: [{ ...pathIssue, message: `--${name}: ${pathIssue.message}` }] };
  const d = makeDriver(scenario, axis.path);
  const issues: Issue[] = [];
  if (!Number.isInteger(axis.n) || axis.n < 2 || axis.n > GRID_MAX_POINTS) {
    issues.push({ path: d.path, message: `--${name}: the number of points is a whole number from 2 to ${GRID_MAX_POINTS}, got ${axis.n}`, code: 'bad_range' });
  }
  const r = checkDriverRange(d, axis.lo, axis.hi, `--${name} range`);
  if (r !== null) issues.push(r);
  if (issues.length === 0 && d.integer) {
    const bad = axisValues(axis.lo, axis.hi, axis.n).find((v) => Math.abs(v - Math.round(v)) > 1e-9);
    if (bad !== undefined) {
      const n = axis.hi - axis.lo + 1;
      issues.push({
        path: d.path,
        message: `--${name}: ${d.path} is a whole number, but ${axis.lo}:${axis.hi}:${axis.n} gives ${Number(bad.toPrecision(6))}; choose n so the steps are whole, e.g. ${axis.lo}:${axis.hi}:${n}`,
        code: 'bad_range',
      });
    }
  }
  return { driver: d, issues };
}

/**
 * The metric over a grid of two drivers (all else at base), with the
 * contour of a target marked. Bad paths, ranges (lo ≥ hi, n < 2, outside the
 * valid range, fractional steps of a whole-number driver), metrics and targets
 * throw an `AnalysisInputError` with every issue.
 *
 * @example
 * const g = grid(scenario, {
 *   x: { path: 'demand.utilization', lo: 0.4, hi: 0.9, n: 11 },
 *   y: { path: 'fleet.capexPerAccelerator', lo: 30_000, hi: 70_000, n: 9 },
 *   metric: 'npv',
 * });
 * g.values[0]?.[0]; // npv at utilization 0.4, capex $30k
 * g.contour?.[0]?.[3]; // true where npv changes sign next to this cell
 */
export function grid(scenario: Subject, opts: GridOptions): GridReport {
  const metric = opts.metric ?? 'npv';
  const issues: Issue[] = [];
  const m = checkMetric(metric);
  if (m !== null) issues.push(m);
  const ax = checkAxis(scenario, opts.x, 'x');
  const ay = checkAxis(scenario, opts.y, 'y');
  issues.push(...ax.issues, ...ay.issues);
  if (ax.driver !== null && ay.driver !== null) {
    const px = ax.driver.path;
    const py = ay.driver.path;
    const overlap = px === py || ((px === PAID_SHARE || py === PAID_SHARE) && (px.endsWith('.tokenShare') || py.endsWith('.tokenShare')));
    if (overlap) issues.push({ path: py, message: `--x and --y move the same input (${px}, ${py}); choose two different inputs`, code: 'bad_range' });
  }
  let target: Target | null = null;
  try {
    target = opts.target === null ? null : opts.target === undefined ? defaultTargetFor(metric) : resolveTarget(scenario, opts.target);
  } catch (e) {
    if (e instanceof AnalysisInputError) issues.push(...e.issues);
    else throw e;
  }
  if (issues.length > 0) throw new AnalysisInputError(issues);
  const dx = ax.driver as Driver;
  const dy = ay.driver as Driver;
  const xs = axisValues(opts.x.lo, opts.x.hi, opts.x.n).map((v) => (dx.integer ? Math.round(v) : v));
  const ys = axisValues(opts.y.lo, opts.y.hi, opts.y.n).map((v) => (dy.integer ? Math.round(v) : v));

  const values: (number | null)[][] = [];
  const met: boolean[][] | null = target === null ? null : [];
  for (const y of ys) {
    const sy = dy.apply(scenario, y);
    const row: (number | null)[] = [];
    const metRow: boolean[] = [];
    for (const x of xs) {
      const r = summaryOf(dx.apply(sy, x));
      row.push(r.summary[metric]);
      if (target !== null) metRow.push(targetMargin(target, r) >= 0);
    }
    values.push(row);
    if (met !== null) met.push(metRow);
  }
  return {
    scenarioId: scenario.id,
    metric,
    baseMetric: summaryOf(scenario).summary[metric],
    target: target === null ? null : { text: target.text, describe: target.describe },
    x: axisResult(dx, xs),
    y: axisResult(dy, ys),
    values,
    met,
    contour: met === null ? null : contourOf(met),
  };
}

function axisResult(d: Driver, values: number[]): GridAxisResult {
  return { path: d.path, label: d.info.label, unit: d.info.unit, kind: d.info.kind, integer: d.integer, series: d.mode === 'scale', base: d.base, values };
}

/**
 * The cells next to a flip: a cell is marked when it and a neighbour (left,
 * right, above, below) differ in meeting the target.
 *
 * @example
 * contourOf([[false, true], [false, false]]); // [[true, true], [false, true]]
 */
export function contourOf(met: readonly (readonly boolean[])[]): boolean[][] {
  return met.map((row, j) =>
    row.map((v, i) => row[i - 1] === !v || row[i + 1] === !v || met[j - 1]?.[i] === !v || met[j + 1]?.[i] === !v),
  );
}
