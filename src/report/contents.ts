/**
 * What a report holds, decided once for every caller (`payback report`, the
 * server's report job): the analyses of each scenario, run with their
 * defaults, and the Monte Carlo run — the scenario's own uncertainty block, or
 * the report's default distributions when it has none. Pure: a failure is a
 * note in the result (and a warning through `warn`), never a lost report.
 */
import { advantages } from '../analysis/advantages.ts';
import { breakeven } from '../analysis/breakeven.ts';
import type { DistributionSpec } from '../analysis/distributions.ts';
import { makeDrivers } from '../analysis/drivers.ts';
import { internalSweep } from '../analysis/internal.ts';
import { monteCarlo } from '../analysis/monte-carlo.ts';
import { paybackStack } from '../analysis/payback-stack.ts';
import { DEFAULT_SWING, swingRange, tornado } from '../analysis/tornado.ts';
import type { Scenario } from '../model/schema.ts';
import type { AnalysisKey, MonteCarloSection, ScenarioAnalyses } from './html.ts';

/** Where warnings go: `CliIO` fits, as does `{ err: () => {} }` for none. */
export interface WarningSink {
  err: (text: string) => void;
}

/** Run one analysis; a failure becomes a note in the report (and a warning), never a lost report. */
export function attempt<T>(key: AnalysisKey, id: string, notes: Partial<Record<AnalysisKey, string>>, io: WarningSink, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    notes[key] = why;
    io.err(`warning (${id}): ${key} not computed: ${why}`);
    return undefined;
  }
}

/** Histogram bins of the report's Monte Carlo charts. */
export const REPORT_MC_BINS = 40;

/**
 * Distributions for a scenario without an `uncertainty:` block, so that
 * `--mc` still says something: each default driver of MODEL.md §5 triangular
 * between the tornado's low and high (±20 %, clipped to its valid range) with
 * its base as the mode; a year-by-year Series as a multiplier of its path; a
 * whole-number driver as low / base / high with weights 1 / 2 / 1. The report
 * says when these are used.
 */
export function reportDefaultUncertainty(s: Scenario): Record<string, DistributionSpec> {
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
 */
export function uncertaintyFor(s: Scenario): { distributions: Record<string, DistributionSpec>; own: boolean; origin: string } {
  const own = Object.keys(s.uncertainty ?? {}).length > 0;
  return {
    distributions: own ? {} : reportDefaultUncertainty(s),
    own,
    origin: own
      ? "Distributions: the scenario's uncertainty block."
      : `The scenario has no uncertainty block, so the default uncertainty is sampled on its main drivers: each triangular between the tornado's low and high (±${Math.round(
          DEFAULT_SWING * 100,
        )} %, clipped to its valid range) with the base value as the mode; a year-by-year series as a multiplier of its path; a whole number as low / base / high weighted 1 / 2 / 1. Add an uncertainty block to the scenario to use your own.`,
  };
}

/** One scenario's Monte Carlo run for the report: its own uncertainty block, else the report's default. */
export function reportMonteCarlo(s: Scenario, n: number, seed: number): MonteCarloSection {
  const { distributions, origin } = uncertaintyFor(s);
  const { summary } = monteCarlo(s, { n, seed, bins: REPORT_MC_BINS, distributions });
  return { summary, wacc: s.finance.wacc, origin };
}

/**
 * The analyses of one scenario for the report, each with its defaults: what
 * has to be true for `npv ≥ 0`, the npv tornado (±20 %), the payback stack
 * (by segment kind and by payer), the internal-inference sweep, and the structural advantages against
 * `reference` (none for the reference itself).
 *
 * @example
 * const analyses = scenarios.map((s) => reportAnalyses(s, hyperscaler, { err: console.error }));
 */
export function reportAnalyses(s: Scenario, reference: Scenario | undefined, io: WarningSink): ScenarioAnalyses {
  const notes: Partial<Record<AnalysisKey, string>> = {};
  const be = attempt('breakeven', s.id, notes, io, () => breakeven(s));
  const torn = attempt('tornado', s.id, notes, io, () => tornado(s));
  const stack = attempt('paybackStack', s.id, notes, io, () => paybackStack(s));
  const byPayer = attempt('paybackStackByPayer', s.id, notes, io, () => paybackStack(s, { by: 'payer' }));
  const internal = attempt('internal', s.id, notes, io, () => internalSweep(s));
  const adv = reference === undefined || reference.id === s.id ? undefined : attempt('advantages', s.id, notes, io, () => advantages(s, reference));
  return {
    ...(be !== undefined && { breakeven: be }),
    ...(torn !== undefined && { tornado: torn }),
    ...(stack !== undefined && { paybackStack: stack }),
    ...(byPayer !== undefined && { paybackStackByPayer: byPayer }),
    ...(internal !== undefined && { internal }),
    ...(adv !== undefined && { advantages: adv }),
    notes,
  };
}
