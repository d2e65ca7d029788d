/**
 * Value of information (MODEL.md §6, the evidence calendar): how much the
 * decision metric swings across one input's uncertainty, all else at base — a
 * tornado bar whose ends are the 5th and 95th percentiles of the input's
 * distribution in the scenario's effective uncertainty (its own block, else
 * the default of `default-uncertainty.ts`: the same distributions the Monte
 * Carlo samples), or the tornado's ±20 % when the input has none.
 */
import { evaluateSummary } from '../model/engine.ts';
import type { SummaryField } from '../model/result.ts';
import type { Scenario } from '../model/schema.ts';
import { effectiveUncertainty } from './default-uncertainty.ts';
import { compileDistribution, type DistributionSpec, type ValueRange } from './distributions.ts';
import { makeDriver } from './drivers.ts';
import { multiplierRange } from './monte-carlo.ts';
import { checkInputPath, inputInfo, type SetMode, setInput } from './paths.ts';
import { DEFAULT_SWING, swingRange } from './tornado.ts';

/** The low and high ends of one input's uncertainty, and the metric at each. */
export interface UncertaintySwing {
  /** The input, canonical. */
  path: string;
  /** `scenario`: its own uncertainty block; `default`: the default uncertainty; `swing`: ±20 % (no distribution on it). */
  from: 'scenario' | 'default' | 'swing';
  /** How `low` and `high` are put in (`scale`: multipliers of the path, a ramp keeps its shape). */
  mode: SetMode;
  /** The 5th and 95th percentiles of its distribution (or the swing's ends), as `setInput` takes them. */
  low: number;
  high: number;
  /** The input's base value (a Series: its mean), for reading `low`/`high` of a `scale` range as values. */
  base: number;
  metricLow: number | null;
  metricHigh: number | null;
  /** `|metricHigh − metricLow|`; null when the metric has no value at an end. */
  swing: number | null;
}

/** Percentiles that bound an input's uncertainty in the swing. */
export const SWING_PERCENTILES = [0.05, 0.95] as const;

const quantiles = (spec: DistributionSpec, range: ValueRange): [number, number] => {
  const s = compileDistribution(spec, range);
  return [s.quantile(SWING_PERCENTILES[0]), s.quantile(SWING_PERCENTILES[1])];
};

/**
 * The swing of a summary metric across one input's uncertainty; null when
 * the path is not an input of the scenario.
 *
 * @example
 * uncertaintySwing(neocloud, 'site.power.pricePerMWh');
 * // { from: 'default', mode: 'set', low: 70.9…, high: 103.…, metricLow: …, metricHigh: …, swing: 1.6e8 }
 */
export function uncertaintySwing(scenario: Scenario, path: string, metric: SummaryField = 'npv'): UncertaintySwing | null {
  if (checkInputPath(scenario, path) !== null) return null;
  const info = inputInfo(scenario, path);
  const canonical = info.path;
  const { origin, distributions } = effectiveUncertainty(scenario);
  const entry = Object.entries(distributions).find(([k]) => checkInputPath(scenario, k) === null && inputInfo(scenario, k).path === canonical);
  const at = (value: number, mode: SetMode): number | null => evaluateSummary(setInput(scenario, canonical, value, mode)).summary[metric];
  const d = makeDriver(scenario, canonical);
  let low: number;
  let high: number;
  let mode: SetMode;
  let from: UncertaintySwing['from'];
  if (entry !== undefined) {
    const spec = entry[1];
    const valueRange: ValueRange = { min: info.min, max: info.max, minExclusive: false, maxExclusive: false, integer: info.integer };
    mode = spec.scale === true ? 'scale' : 'set';
    const range = mode === 'scale' ? multiplierRange(typeof info.value === 'number' ? [info.value] : info.value, valueRange) : valueRange;
    [low, high] = quantiles(spec, range);
    from = origin;
  } else {
    const r = swingRange(d, DEFAULT_SWING);
    // a driver of a Series moves by scaling: its ends as multipliers of the path
    mode = d.mode;
    low = d.mode === 'scale' ? r.low / d.base : r.low;
    high = d.mode === 'scale' ? r.high / d.base : r.high;
    from = 'swing';
  }
  const metricLow = at(low, mode);
  const metricHigh = at(high, mode);
  return {
    path: canonical,
    from,
    mode,
    low,
    high,
    base: d.base,
    metricLow,
    metricHigh,
    swing: metricLow === null || metricHigh === null ? null : Math.abs(metricHigh - metricLow),
  };
}
