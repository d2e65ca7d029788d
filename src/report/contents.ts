/**
 * What a report holds, decided once for every caller (`payback report`, the
 * server's report job): the analyses of each scenario, run with their
 * defaults, and the Monte Carlo run — the scenario's own uncertainty block, or
 * the report's default distributions when it has none. Pure: a failure is a
 * note in the result (and a warning through `warn`), never a lost report.
 */
import { advantages } from '../analysis/advantages.ts';
import { breakeven } from '../analysis/breakeven.ts';
import { uncertaintyFor } from '../analysis/default-uncertainty.ts';
import { internalSweep } from '../analysis/internal.ts';
import { monteCarlo } from '../analysis/monte-carlo.ts';
import { paybackStack } from '../analysis/payback-stack.ts';
import { tornado } from '../analysis/tornado.ts';
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

// The default uncertainty lives in the library (analysis/default-uncertainty.ts), so the dashboard asks the same function.
export { defaultUncertainty as reportDefaultUncertainty, uncertaintyFor } from '../analysis/default-uncertainty.ts';

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
