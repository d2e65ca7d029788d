/**
 * What a report holds, decided once for every caller (`payback report`, the
 * server's report job): the analyses of each scenario, run with their
 * defaults, and the Monte Carlo run — the scenario's own uncertainty block, or
 * the default uncertainty every surface uses when it has none. Pure: a failure is a
 * note in the result (and a warning through `warn`), never a lost report.
 */
import { advantages } from '../analysis/advantages.ts';
import { breakeven } from '../analysis/breakeven.ts';
import { effectiveUncertainty, uncertaintyOriginText, withEffectiveUncertainty } from '../analysis/default-uncertainty.ts';
import { internalSweep } from '../analysis/internal.ts';
import { monteCarlo } from '../analysis/monte-carlo.ts';
import { paybackStack } from '../analysis/payback-stack.ts';
import { tornado } from '../analysis/tornado.ts';
import type { Portfolio } from '../model/portfolio-load.ts';
import type { Scenario } from '../model/schema.ts';
import type { Subject } from '../analysis/paths.ts';
import { evidenceCalendar } from '../signals/calendar.ts';
import type { SignalDefinition } from '../signals/definitions.ts';
import { nowcast } from '../signals/nowcast.ts';
import type { Observation } from '../signals/observation.ts';
import type { AnalysisKey, MonteCarloSection, ScenarioAnalyses, SignalsSection } from './html.ts';
import type { PortfolioAnalyses } from './portfolio-html.ts';

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

export { REPORT_MC_SAMPLES, REPORT_MC_SEED } from './report-defaults.ts';

/** What the watch list of the Verdict needs: the signal definitions and the day to start from (the caller reads the clock). */
export interface WatchListInput {
  definitions: readonly SignalDefinition[];
  asOf: string;
}

/** One scenario's Monte Carlo run for the report: its own uncertainty block, else the default of `src/analysis/default-uncertainty.ts`, as every surface runs it. */
export function reportMonteCarlo(s: Subject, n: number, seed: number): MonteCarloSection {
  const { origin } = effectiveUncertainty(s);
  const { summary } = monteCarlo(withEffectiveUncertainty(s), { n, seed, bins: REPORT_MC_BINS });
  return { summary, wacc: s.finance.wacc, origin: uncertaintyOriginText(origin), from: origin };
}

/**
 * The analyses of one scenario for the report, each with its defaults: what
 * has to be true for `npv ≥ 0`, the npv tornado (±20 %), the payback stack
 * (by segment kind and by payer), the internal-inference sweep, the structural advantages against
 * `reference` (none for the reference itself) and, given the signal definitions and a day, the watch
 * list ranked by value of information (the Verdict's biggest risk; no store needed).
 *
 * @example
 * const analyses = scenarios.map((s) => reportAnalyses(s, hyperscaler, { err: console.error }));
 */
export function reportAnalyses(s: Scenario, reference: Scenario | undefined, io: WarningSink, watch?: WatchListInput): ScenarioAnalyses {
  const notes: Partial<Record<AnalysisKey, string>> = {};
  const watchList = watch === undefined ? undefined : attempt('watchList', s.id, notes, io, () => evidenceCalendar(s, watch.definitions, watch.asOf));
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
    ...(watchList !== undefined && { watchList }),
    notes,
  };
}

/**
 * One scenario's evidence for the report: its ranked watch list, and the
 * nowcast from the evidence given (null, with the reason, when there is none).
 */
export function reportSignals(
  s: Scenario,
  definitions: readonly SignalDefinition[],
  asOf: string,
  evidence: { latest: Observation[]; windows: ReadonlyMap<string, readonly Observation[]> } | { none: string },
): SignalsSection {
  const calendar = evidenceCalendar(s, definitions, asOf);
  if ('none' in evidence) return { calendar, nowcast: null, nowcastNote: evidence.none };
  return { calendar, nowcast: nowcast({ scenario: s, definitions, asOf, latest: evidence.latest, windows: evidence.windows }) };
}

/**
 * The analyses of one portfolio for the report (MODEL.md §8), each with its
 * defaults: what has to be true for `npv ≥ 0`, the npv tornado, the payback
 * stack, and with `mc` the Monte Carlo with common shocks.
 */
export function reportPortfolioAnalyses(p: Portfolio, io: WarningSink, mc?: { n: number; seed: number }): PortfolioAnalyses {
  const notes: Partial<Record<AnalysisKey, string>> = {};
  const be = attempt('breakeven', p.id, notes, io, () => breakeven(p));
  const torn = attempt('tornado', p.id, notes, io, () => tornado(p));
  const stack = attempt('paybackStack', p.id, notes, io, () => paybackStack(p));
  const run = mc === undefined ? undefined : attempt('monteCarlo', p.id, notes, io, () => reportMonteCarlo(p, mc.n, mc.seed));
  return {
    ...(be !== undefined && { breakeven: be }),
    ...(torn !== undefined && { tornado: torn }),
    ...(stack !== undefined && { paybackStack: stack }),
    ...(run !== undefined && { monteCarlo: run }),
    notes: notes as NonNullable<PortfolioAnalyses['notes']>,
  };
}
