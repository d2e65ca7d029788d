/**
 * What has to be true (MODEL.md §5): for each driver, the value that just
 * meets a target with everything else at base.
 *
 * The search moves out from the base value on both sides over a grid that is
 * dense near the base (quadratic spacing, `SCAN_STEPS` points a side, to the
 * ends of the driver's valid range), takes the first place where the target
 * flips, and solves it with Brent's method; when both sides flip, the
 * breakeven nearest the base wins (metrics need not be monotone). The value
 * reported is on the side that meets the target, so putting a driver at its
 * breakeven (`row.setting`, the exact `setInput` arguments) meets the target.
 * A metric without a value (an IRR that does not exist, a payback that never
 * comes) counts as not met; where the target flips at such a gap, the search
 * bisects to the edge of it. A whole-number driver (useful life) gives the
 * nearest whole value that meets the target.
 */
import type { ModelWarning } from '../model/result.ts';
import { brentCore } from '../model/root.ts';
import { ROOT_MAXITER } from '../model/tolerances.ts';
import { type Driver, type DriverLabel, type DriverSetting, makeDrivers } from './drivers.ts';
import { AnalysisInputError, type SetMode, type Subject } from './paths.ts';
import { summaryOf } from './subject.ts';
import { checkTarget, DEFAULT_TARGET, parseTarget, type Target, targetMargin, type TargetMetric, type TargetOp } from './targets.ts';

/** Points on each side of the base value in the scan for a flip. */
export const SCAN_STEPS = 12;

/**
 * Relative tolerance of Brent's method here: the bracket is narrowed to
 * `BREAKEVEN_RTOL · max(1, |x|)`. Tighter than any input is known to, and it
 * spares the bisection-like tail where a metric jumps (payback).
 */
export const BREAKEVEN_RTOL = 1e-12;

/**
 * met: the base meets the target already; needs-change: the driver must move
 * to the breakeven; unreachable: no value in the driver's economic range meets
 * it (a breakeven outside that range, a negative wacc or a share above 1, is
 * never offered as a target); no-effect: the driver does not move the metric
 * anywhere in its range within the horizon (a useful life longer than the
 * horizon without refresh, a software gain where capacity is sold by the hour).
 */
export type BreakevenStatus = 'met' | 'needs-change' | 'unreachable' | 'no-effect';

/** One driver's line of the breakeven table. */
export interface BreakevenRow extends DriverLabel {
  mode: SetMode;
  base: number;
  /**
   * The value that just meets the target. For `met`, the value at which it
   * would stop being met (how far the driver can move), null when it is met
   * across the whole range; null for `unreachable`.
   */
  breakeven: number | null;
  /** `breakeven − base`. */
  change: number | null;
  /** `change / |base|`; null when it has no value (a base of 0, or too small for the ratio to be finite), with a warning. */
  changePct: number | null;
  status: BreakevenStatus;
  /** The range searched: the driver's valid range. */
  lo: number;
  hi: number;
  /** The `setInput` call that puts the driver at its breakeven. */
  setting: DriverSetting | null;
  /** The target's metric at the breakeven. */
  metricAtBreakeven: number | null;
  /** For `unreachable` and `no-effect`: the end of the range that comes closest to the target, and the metric there. */
  closest: { bound: 'lo' | 'hi'; value: number; metric: number | null } | null;
  /** Model evaluations this row took. */
  evaluations: number;
}

/** The breakeven table of one scenario. */
export interface BreakevenReport {
  scenarioId: string;
  target: { text: string; describe: string; metric: TargetMetric; op: TargetOp; threshold: number };
  /** The base scenario against the target. */
  base: { metric: number | null; met: boolean };
  rows: BreakevenRow[];
  evaluations: number;
  /** Values the table cannot give, and why (a change in % from a base of 0). */
  warnings: ModelWarning[];
}

/** Options of `breakeven`. */
export interface BreakevenOptions {
  /** A target (`npv>=0` by default), parsed or as text. */
  target?: Target | string;
  /** Driver paths; the default list of MODEL.md §5 (those in this scenario) when absent or empty. */
  drivers?: readonly string[];
}

/** A target given as text or parsed; bad text and a target the scenario cannot judge are an `AnalysisInputError`. */
export function resolveTarget(scenario: Subject, target: Target | string | undefined): Target {
  let t: Target;
  if (target === undefined || typeof target === 'string') {
    const r = parseTarget(target ?? DEFAULT_TARGET);
    if (!r.ok) throw new AnalysisInputError([r.issue]);
    t = r.target;
  } else t = target;
  const issue = checkTarget(t, scenario);
  if (issue !== null) throw new AnalysisInputError([issue]);
  return t;
}

/**
 * The breakeven table: for each driver, its base value, the value that just
 * meets the target with all else at base, the change (absolute and
 * relative) and a status. Bad targets and driver paths throw an
 * `AnalysisInputError` with every issue.
 *
 * @example
 * const r = breakeven(scenario, { target: 'irr>=wacc' });
 * for (const row of r.rows) console.log(row.path, row.base, row.breakeven, row.status);
 * // putting a driver at its breakeven meets the target:
 * const row = r.rows[0]!;
 * if (row.setting) evaluate(setInput(scenario, row.setting.path, row.setting.value, row.setting.mode));
 */
export function breakeven(scenario: Subject, opts: BreakevenOptions = {}): BreakevenReport {
  const target = resolveTarget(scenario, opts.target);
  const drivers = makeDrivers(scenario, opts.drivers);
  const baseResult = summaryOf(scenario);
  const baseMargin = targetMargin(target, baseResult);
  const baseMet = baseMargin >= 0;
  const rows = drivers.map((d) => breakevenRow(scenario, d, target, baseMet));
  return {
    scenarioId: scenario.id,
    target: { text: target.text, describe: target.describe, metric: target.metric, op: target.op, threshold: target.threshold(scenario) },
    base: { metric: baseResult.summary[target.metric], met: baseMet },
    rows,
    evaluations: 1 + rows.reduce((a, r) => a + r.evaluations, 0),
    warnings: rows.flatMap(relativeChangeWarning),
  };
}

/** `change / |base|`, or null when that has no finite value. */
function relativeChange(change: number | null, base: number): number | null {
  if (change === null || base === 0) return null;
  const r = change / Math.abs(base);
  return Number.isFinite(r) ? r : null;
}

/** Why a row with a change has no change in %. */
function relativeChangeWarning(r: BreakevenRow): ModelWarning[] {
  if (r.change === null || r.changePct !== null) return [];
  const why = r.base === 0 ? 'a change in % from a base of 0 has no value' : `the change in % from a base of ${r.base} is too large to be a number`;
  return [{ code: 'change-pct-none', field: r.path, message: `${r.path}: ${why}; changePct is null` }];
}

/** A driver's value → the target's margin, the metric remembered by value. */
interface Probe {
  f: (x: number) => number;
  metricAt: (x: number) => number | null;
  count: () => number;
}

function probe(scenario: Subject, d: Driver, target: Target): Probe {
  const metrics = new Map<number, number | null>();
  let n = 0;
  const f = (x: number): number => {
    n++;
    const r = summaryOf(d.apply(scenario, x));
    metrics.set(x, r.summary[target.metric]);
    return targetMargin(target, r);
  };
  const metricAt = (x: number): number | null => {
    if (!metrics.has(x)) f(x);
    return metrics.get(x) ?? null;
  };
  return { f, metricAt, count: () => n };
}

/** The breakeven row of one driver (exported for the tests). */
export function breakevenRow(scenario: Subject, d: Driver, target: Target, baseMet: boolean): BreakevenRow {
  const p = probe(scenario, d, target);
  const found = d.integer ? scanInteger(d, p.f, baseMet) : scanContinuous(d, p.f);
  let status: BreakevenStatus;
  let x: number | null = null;
  let closest: BreakevenRow['closest'] = null;
  if (found.kind === 'flip') {
    x = found.x;
    status = baseMet ? 'met' : 'needs-change';
  } else if (found.flat && d.lo < d.hi) {
    status = 'no-effect';
    closest = { bound: 'lo', value: d.lo, metric: p.metricAt(d.lo) };
  } else if (baseMet) status = 'met';
  else {
    status = 'unreachable';
    const bound = found.fLo >= found.fHi ? 'lo' : 'hi';
    const value = bound === 'lo' ? d.lo : d.hi;
    closest = { bound, value, metric: p.metricAt(value) };
  }
  const change = x === null ? null : x - d.base;
  return {
    path: d.path,
    label: d.info.label,
    unit: d.info.unit,
    kind: d.info.kind,
    integer: d.integer,
    series: d.mode === 'scale',
    mode: d.mode,
    base: d.base,
    breakeven: x,
    change,
    changePct: relativeChange(change, d.base),
    status,
    lo: d.lo,
    hi: d.hi,
    setting: x === null ? null : d.setting(x),
    metricAtBreakeven: x === null ? null : p.metricAt(x),
    closest,
    evaluations: p.count(),
  };
}

/** `flat`: every point scanned gave the base's margin, to the last bit — the driver moves nothing. */
type ScanResult = { kind: 'flip'; x: number } | { kind: 'none'; fLo: number; fHi: number; flat: boolean };

const met = (m: number): boolean => m >= 0;

/** Both sides of the base on a grid dense near it, nearest first; the flip nearest the base, solved. */
function scanContinuous(d: Driver, f: (x: number) => number): ScanResult {
  const x0 = d.base;
  const f0 = f(x0);
  const points: { x: number; dist: number; side: 0 | 1 }[] = [];
  const ends = [d.lo, d.hi] as const;
  for (const side of [0, 1] as const) {
    const end = ends[side];
    if (end === x0) continue;
    for (let j = 1; j <= SCAN_STEPS; j++) {
      const x = j === SCAN_STEPS ? end : x0 + (end - x0) * (j / SCAN_STEPS) ** 2;
      points.push({ x, dist: Math.abs(x - x0), side });
    }
  }
  points.sort((a, b) => a.dist - b.dist);
  const prev = [
    { x: x0, f: f0 },
    { x: x0, f: f0 },
  ];
  const brackets: { a: number; fa: number; b: number; fb: number }[] = [];
  const done = [false, false];
  let limit = Infinity;
  let flat = true;
  for (const pt of points) {
    if (pt.dist > limit) break;
    if (done[pt.side]) continue;
    const fx = f(pt.x);
    if (!Object.is(fx, f0)) flat = false;
    const pr = prev[pt.side]!;
    if (met(fx) !== met(pr.f)) {
      brackets.push({ a: pr.x, fa: pr.f, b: pt.x, fb: fx });
      done[pt.side] = true;
      limit = Math.min(limit, pt.dist);
    }
    prev[pt.side] = { x: pt.x, f: fx };
  }
  if (brackets.length === 0) return { kind: 'none', fLo: prev[0]!.f, fHi: prev[1]!.f, flat };
  let best: number | null = null;
  for (const br of brackets) {
    const x = boundary(f, br.a, br.fa, br.b, br.fb);
    if (best === null || Math.abs(x - x0) < Math.abs(best - x0)) best = x;
  }
  return { kind: 'flip', x: best as number };
}

/**
 * The point next to where the target flips inside `[a, b]` (met at one end,
 * not at the other) on the side that meets it: bisection while an end has no
 * metric (−Infinity), then Brent, then a step of a few ulps to the met side
 * if Brent's last point is just short of it.
 */
function boundary(f: (x: number) => number, a: number, fa: number, b: number, fb: number): number {
  for (let i = 0; i < 200 && !(Number.isFinite(fa) && Number.isFinite(fb)); i++) {
    const m = a + (b - a) / 2;
    if (m === a || m === b) return met(fa) ? a : b;
    const fm = f(m);
    if (met(fm) === met(fa)) {
      a = m;
      fa = fm;
    } else {
      b = m;
      fb = fm;
    }
  }
  const metEnd = met(fa) ? a : b;
  const xtol = BREAKEVEN_RTOL * Math.max(1, Math.abs(a), Math.abs(b));
  let x = brentCore(f, a, b, fa, fb, xtol, ROOT_MAXITER);
  if (x !== x) return bisect(f, a, fa, b, fb);
  if (met(f(x))) return x;
  // the flip is within about xtol of x: step towards the met end from a fraction of that
  const dir = metEnd > x ? 1 : -1;
  let step = Math.max(xtol / 16, Math.abs(x) * Number.EPSILON, Number.MIN_VALUE);
  for (let i = 0; i < 80; i++) {
    const y = x + dir * step;
    if ((dir > 0 && y >= metEnd) || (dir < 0 && y <= metEnd)) return metEnd;
    if (met(f(y))) return y;
    x = y;
    step *= 2;
  }
  return metEnd;
}

/** Plain bisection on met / not met down to neighbouring floats; returns the met end. */
function bisect(f: (x: number) => number, a: number, fa: number, b: number, fb: number): number {
  for (let i = 0; i < 2100; i++) {
    const m = a + (b - a) / 2;
    if (m === a || m === b) break;
    const fm = f(m);
    if (met(fm) === met(fa)) {
      a = m;
      fa = fm;
    } else {
      b = m;
      fb = fm;
    }
  }
  return met(fa) ? a : b;
}

/**
 * A whole-number driver: the whole values in order of distance from the base.
 * Not met at base: the nearest value that meets the target. Met: the last
 * value before the nearest one that fails (how far it can move).
 */
function scanInteger(d: Driver, f: (x: number) => number, baseMet: boolean): ScanResult {
  const x0 = Math.round(d.base);
  const lo = Math.ceil(d.lo);
  const hi = Math.floor(d.hi);
  const seen = new Map<number, number>();
  const at = (x: number): number => {
    let v = seen.get(x);
    if (v === undefined) {
      v = f(x);
      seen.set(x, v);
    }
    return v;
  };
  const f0 = at(x0);
  for (let k = 1; x0 - k >= lo || x0 + k <= hi; k++) {
    const cands = [x0 - k, x0 + k].filter((x) => x >= lo && x <= hi);
    const values = cands.map((x) => ({ x, m: at(x) }));
    if (baseMet) {
      const failing = values.filter((v) => !met(v.m));
      if (failing.length > 0) {
        const worst = failing.reduce((p, q) => (q.m < p.m ? q : p));
        return { kind: 'flip', x: worst.x > x0 ? worst.x - 1 : worst.x + 1 };
      }
    } else {
      const meeting = values.filter((v) => met(v.m));
      if (meeting.length > 0) return { kind: 'flip', x: meeting.reduce((p, q) => (q.m > p.m ? q : p)).x };
    }
  }
  const fLo = at(lo);
  const fHi = at(hi);
  let flat = true;
  for (const v of seen.values()) if (!Object.is(v, f0)) flat = false;
  return { kind: 'none', fLo, fHi, flat };
}
