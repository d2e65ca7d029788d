/**
 * The default uncertainty of a scenario that has no `uncertainty:` block
 * (MODEL.md §5: one library function, the same ranges on every surface),
 * and which distributions a run uses. Moved here from the report so the
 * dashboard, the CLI and the API ask the same function.
 */
import type { DistributionSpec } from './distributions.ts';
import { makeDrivers } from './drivers.ts';
import type { Scenario } from '../model/schema.ts';
import { DEFAULT_SWING, swingRange } from './tornado.ts';

/**
 * Distributions for a scenario without an `uncertainty:` block, so that
 * `--mc` still says something: each default driver of MODEL.md §5 triangular
 * between the tornado's low and high (±20 %, clipped to its valid range) with
 * its base as the mode; a year-by-year Series as a multiplier of its path; a
 * whole-number driver as low / base / high with weights 1 / 2 / 1. The report
 * says when these are used.
 *
 * @example
 * defaultUncertainty(neocloud)['fleet.capexPerAccelerator']; // { dist: 'triangular', min: 41600, mode: 52000, max: 62400 }
 */
export function defaultUncertainty(s: Scenario): Record<string, DistributionSpec> {
  const out: Record<string, DistributionSpec> = {};
  for (const d of makeDrivers(s, undefined)) {
    const { low, high } = swingRange(d, DEFAULT_SWING);
    if (!(low < high)) continue;
    if (d.integer) out[d.path] = { dist: 'discrete', values: [low, d.base, high].filter((v, i, a) => a.indexOf(v) === i), weights: low < d.base && d.base < high ? [1, 2, 1] : [1, 1] };
    else if (d.mode === 'scale') out[d.path] = { dist: 'triangular', min: roundUp(low / d.base), mode: 1, max: roundDown(high / d.base), scale: true };
    else out[d.path] = { dist: 'triangular', min: roundUp(low), mode: d.base, max: roundDown(high) };
  }
  return out;
}

// six significant digits, rounded inwards so a bound stays inside the valid range: readable parameters
const roundDown = (x: number): number => {
  const r = Number(x.toPrecision(6));
  return r > x ? Number((x - Math.abs(x) * 1e-6).toPrecision(6)) : r;
};
const roundUp = (x: number): number => -roundDown(-x);

/**
 * The distributions a run on this scenario uses beyond its own block, and
 * where they come from, in words: none when it has an `uncertainty:` block,
 * else the default uncertainty. Every caller that samples a scenario without
 * being told what to sample (the report, `payback conditions`,
 * `payback designpoint`, their API routes, the dashboard) asks here.
 *
 * @example
 * const { distributions, origin } = uncertaintyFor(scenario);
 * monteCarlo(scenario, { distributions });
 */
export function uncertaintyFor(s: Scenario): { distributions: Record<string, DistributionSpec>; own: boolean; origin: string } {
  const own = Object.keys(s.uncertainty ?? {}).length > 0;
  return {
    distributions: own ? {} : defaultUncertainty(s),
    own,
    origin: own
      ? "Distributions: the scenario's uncertainty block."
      : `The scenario has no uncertainty block, so the default uncertainty is sampled on its main drivers: each triangular between the tornado's low and high (±${Math.round(
          DEFAULT_SWING * 100,
        )} %, clipped to its valid range) with the base value as the mode; a year-by-year series as a multiplier of its path; a whole number as low / base / high weighted 1 / 2 / 1. Add an uncertainty block to the scenario to use your own.`,
  };
}
