/**
 * A driver: one input that an analysis moves (breakeven, tornado, grid), with
 * the range it may move in and the way a value is put into a scenario.
 *
 * A driver's value is the input itself, except for a Series given year by
 * year (a utilization ramp, year-by-year token shares): there the value is
 * the path's mean over the horizon, and setting the driver to `v` scales the
 * whole path by `v / mean`, so the ramp keeps its shape. Its range is then
 * where no year leaves the input's valid range (a utilization path whose peak
 * is 88 % can be scaled up by at most 1/0.88). A Series given as one number
 * is simply set.
 */
import { isCashPricing, pricingKind } from '../model/engine.ts';
import type { Scenario } from '../model/schema.ts';
import { AnalysisInputError, checkInputPath, inputInfo, PAID_SHARE, setInput, type InputInfo, type InputKind, type SetMode } from './paths.ts';

/** The arguments of the `setInput` call that puts a driver at a value. */
export interface DriverSetting {
  path: string;
  value: number;
  mode: SetMode;
}

/** How an analysis result names the driver it moved: what the breakeven, tornado and grid rows share. */
export interface DriverLabel {
  path: string;
  label: string;
  unit: string;
  kind: InputKind;
  integer: boolean;
  /** A Series given year by year: the values are its mean over the horizon, moved by scaling the path. */
  series: boolean;
}

/** One input an analysis moves. */
export interface Driver {
  path: string;
  info: InputInfo;
  /** The driver's value in the base scenario (a Series given year by year: its mean over the horizon). */
  base: number;
  /** The range the driver may move in: the input's practical valid range, as driver values. */
  lo: number;
  hi: number;
  integer: boolean;
  /** `scale` for a Series given year by year (the path keeps its shape), else `set`. */
  mode: SetMode;
  /** The `setInput` arguments that put the driver at `value`. */
  setting: (value: number) => DriverSetting;
  /** `scenario` with the driver at `value`. */
  apply: <S extends Scenario>(scenario: S, value: number) => S;
}

/**
 * The driver for an input path of this scenario. Throws an
 * `AnalysisInputError` when the path is not an input of it.
 *
 * @example
 * const d = makeDriver(s, 'demand.utilization');
 * d.base;                 // 0.73 (mean of the ramp over the horizon)
 * d.apply(s, 0.8);        // the ramp scaled so that its mean is 0.8
 * d.setting(0.8);         // { path: 'demand.utilization', value: 1.0959, mode: 'scale' }
 */
export function makeDriver(scenario: Scenario, path: string): Driver {
  const issue = checkInputPath(scenario, path);
  if (issue !== null) throw new AnalysisInputError([issue]);
  const info = inputInfo(scenario, path);
  const canonical = info.path;
  const v = info.value;
  if (typeof v === 'number' || v.every((x) => x === 0)) {
    const base = typeof v === 'number' ? v : 0;
    return {
      path: canonical,
      info,
      base,
      lo: info.min,
      hi: info.max,
      integer: info.integer,
      mode: 'set',
      setting: (value) => ({ path: canonical, value, mode: 'set' }),
      apply: (s, value) => setInput(s, canonical, value, 'set'),
    };
  }
  // a Series given year by year: the value is its mean over the horizon, moved by scaling
  const T = scenario.horizon.years;
  let sum = 0;
  for (let t = 0; t < T; t++) sum += v[t < v.length ? t : v.length - 1] as number;
  const base = sum / T;
  let mLo = 0;
  let mHi = Infinity;
  for (const x of v) {
    if (x > 0) {
      mLo = Math.max(mLo, info.min / x);
      mHi = Math.min(mHi, info.max / x);
    }
  }
  const factor = (value: number): number => value / base;
  return {
    path: canonical,
    info,
    base,
    lo: mLo * base,
    hi: mHi * base,
    integer: false,
    mode: 'scale',
    setting: (value) => ({ path: canonical, value: factor(value), mode: 'scale' }),
    apply: (s, value) => setInput(s, canonical, factor(value), 'scale'),
  };
}

/**
 * The default drivers of MODEL.md §5 that exist in this scenario, in this
 * order: utilization (in tokens mode, the tokens demanded), each cash
 * segment's price and its yearly change (a subscription's ARPU and ARPU
 * change), the paid share, capex per accelerator (own fleet) or compute rent
 * (rented fleet), power price (own), useful life (own), the lease rate
 * (leased facility), software gain, wacc, the debt rate (with debt); with
 * a list of tranches (MODEL.md §9) the base rate and each tranche's rate or
 * spread.
 *
 * @example
 * defaultDriverPaths(neocloud);
 * // ['demand.utilization', 'demand.segments[term-contracts].pricing.perAcceleratorHour', …, 'finance.wacc']
 */
export function defaultDriverPaths(scenario: Scenario): string[] {
  const out: string[] = [];
  out.push(scenario.demand.utilization !== undefined ? 'demand.utilization' : 'demand.tokensPerYear');
  for (const seg of scenario.demand.segments) {
    const k = pricingKind(seg.pricing);
    if (!isCashPricing(k)) continue;
    const at = `demand.segments[${seg.id}].pricing`;
    if (k === 'perMTok') out.push(`${at}.perMTok`, `${at}.changePerYear`);
    else if (k === 'subscription') out.push(`${at}.subscription.arpuPerMonth`, `${at}.subscription.arpuChangePerYear`);
    else out.push(`${at}.perAcceleratorHour`, `${at}.changePerYear`);
  }
  out.push(PAID_SHARE);
  if (scenario.fleet.mode === 'own') out.push('fleet.capexPerAccelerator', 'site.power.pricePerMWh', 'fleet.usefulLifeYears');
  else out.push('fleet.rentPerAcceleratorHour');
  out.push('site.facility.leasePerKWMonth', 'serving.softwareGainPerYear', 'finance.wacc', 'finance.debt.rate');
  // a capital stack (MODEL.md §9): the base rate, and each tranche's rate (fixed) or spread (floating)
  if (Array.isArray(scenario.finance.debt)) {
    out.push('finance.baseRate');
    scenario.finance.debt.forEach((tr, i) => {
      const at = `finance.debt[${tr.id ?? `debt-${i + 1}`}]`;
      out.push(`${at}.rate`, `${at}.spread`);
    });
  }
  return out.filter((p) => checkInputPath(scenario, p) === null);
}

/**
 * Drivers for these paths (the defaults of `defaultDriverPaths` when none are
 * given); every bad path is reported at once in one `AnalysisInputError`.
 *
 * @example
 * makeDrivers(s, ['finance.wacc', 'paidShare']).map((d) => [d.path, d.base, d.lo, d.hi]);
 * // [['finance.wacc', 0.08, -0.99, 2], ['paidShare', 0.4, 0, 1]]
 */
export function makeDrivers(scenario: Scenario, paths: readonly string[] | undefined): Driver[] {
  const list = paths === undefined || paths.length === 0 ? defaultDriverPaths(scenario) : unique(paths);
  const issues = list.map((p) => checkInputPath(scenario, p)).filter((i) => i !== null);
  if (issues.length > 0) throw new AnalysisInputError(issues);
  const drivers = list.map((p) => makeDriver(scenario, p));
  // the same input named twice (e.g. with spaces) counts once
  const seen = new Set<string>();
  return drivers.filter((d) => (seen.has(d.path) ? false : (seen.add(d.path), true)));
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
