/**
 * Status of a scenario's signals (MODEL.md §6): for each signal with
 * observations, the latest one that applies, what the scenario expected at
 * its date, the tripwire, and
 *
 * - `breach`   past the tripwire (on its bad side), whatever the scenario expected;
 * - `on track` as good as the scenario expected, or better;
 * - `watch`    worse than the scenario expected, still short of the tripwire.
 *
 * Breach is checked first. When the base case misses its target already (a
 * breakeven tripwire that needs a change, on the good side of the scenario's
 * own expectation), that breakeven is no tripwire: the row shows it as what
 * the signal would need (`needed`), scores on track / watch against the
 * expectation, and the report's verdict says the base case misses.
 *
 * Which observation: like for like (src/signals/scope.ts): the latest direct
 * one up to the as-of date; when none, the closest proxy (closeness of scope
 * before recency), labelled; when nothing is comparable, the latest is shown
 * and not scored. The trend is over the 12 months up to that observation, in
 * the same series, so a series that went quiet still shows its last year;
 * `ageDays` says how fresh it is.
 */
import type { ModelResult } from '../model/result.ts';
import type { Scenario } from '../model/schema.ts';
import { evaluate } from '../model/engine.ts';
import { addMonths, dayNumber, yearsBetween } from './dates.ts';
import { type SignalDefinition, unitFit } from './definitions.ts';
import { expectedInYear, linkSignal, type Tripwire, tripwireInYear, tripwireOf, yearAt } from './link.ts';
import type { Basis, Observation } from './observation.ts';
import { fitNote, type ScopeFit, scopeFit } from './scope.ts';
import { millions } from '../model/format.ts';

export type SignalState = 'on track' | 'watch' | 'breach';

/** How an observed series moved over a window. */
export interface Trend {
  /** Observations in the window. */
  n: number;
  from: string;
  to: string;
  first: number;
  last: number;
  /** `last / first − 1`; null when `first` is 0. */
  changePct: number | null;
  /** Least-squares slope, units per year; null with fewer than two dates. */
  slopePerYear: number | null;
  /** `(last / first)^(1 / years) − 1` over at least 30 days with both values positive, else null. */
  annualGrowth: number | null;
}

/** The trend of one series (observations of one scope, any order). */
export function trendOf(rows: readonly Observation[]): Trend | null {
  if (rows.length === 0) return null;
  const sorted = [...rows].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  const first = sorted[0] as Observation;
  const last = sorted[sorted.length - 1] as Observation;
  const x0 = dayNumber(first.date);
  let sx = 0;
  let sy = 0;
  for (const r of sorted) {
    sx += (dayNumber(r.date) - x0) / 365.25;
    sy += r.value;
  }
  const n = sorted.length;
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const r of sorted) {
    const dx = (dayNumber(r.date) - x0) / 365.25 - mx;
    sxx += dx * dx;
    sxy += dx * (r.value - my);
  }
  const span = yearsBetween(first.date, last.date);
  return {
    n,
    from: first.date,
    to: last.date,
    first: first.value,
    last: last.value,
    changePct: first.value === 0 ? null : last.value / first.value - 1,
    slopePerYear: sxx > 0 ? sxy / sxx : null,
    annualGrowth: span * 365.25 >= 30 && first.value > 0 && last.value > 0 ? (last.value / first.value) ** (1 / span) - 1 : null,
  };
}

const later = (a: Observation, b: Observation): boolean => a.date > b.date || (a.date === b.date && a.id > b.id);

/** The key of a series window in the `windows` map of `signalStatus`. */
export const seriesKey = (signal: string, scope: string): string => `${signal}\u0000${scope}`;

/** The observation a signal's status reads, how it fits the scenario, and the window of its series to fetch for the trend. */
export interface EvidencePick {
  signal: string;
  observation: Observation;
  /** null when the signal has no link into the scenario (shown, not scored). */
  fit: ScopeFit | null;
  window: { signal: string; scope: string; from: string; to: string };
}

/**
 * For each signal, the observation its status reads among `latest` (one
 * current row per series, as the store's `latestBySeries` gives), up to the
 * as-of date: a direct one first (the latest of them); else the closest proxy
 * (closeness of scope before recency); else, when nothing can be compared,
 * the latest of them, shown and not scored.
 */
export function evidencePlan(definitions: readonly SignalDefinition[], scenario: Scenario, latest: readonly Observation[], asOf: string): EvidencePick[] {
  const out: EvidencePick[] = [];
  for (const def of definitions) {
    const l = linkSignal(def, scenario);
    let best: { o: Observation; fit: ScopeFit | null } | undefined;
    let shown: { o: Observation; fit: ScopeFit | null } | undefined;
    for (const o of latest) {
      if (o.signal !== def.id || o.date > asOf) continue;
      const fit = l.applies ? scopeFit(l, scenario, o) : null;
      if (shown === undefined || later(o, shown.o)) shown = { o, fit };
      if (fit !== null && !fit.comparable) continue;
      if (best === undefined) best = { o, fit };
      else {
        const d = (fit?.distance ?? 0) - (best.fit?.distance ?? 0);
        if (d < 0 || (d === 0 && later(o, best.o))) best = { o, fit };
      }
    }
    const pick = best ?? shown;
    if (pick === undefined) continue;
    out.push({
      signal: def.id,
      observation: pick.o,
      fit: pick.fit,
      window: { signal: def.id, scope: pick.o.scope, from: addMonths(pick.o.date, -12), to: pick.o.date },
    });
  }
  return out;
}

/** The tripwire as the status shows it (without the scenario it was read from). */
export type TripwireInfo = Omit<Tripwire, 'scenario' | 'result'>;

/** One signal's line of the status. */
export interface SignalStatus {
  signal: string;
  label: string;
  unit: string;
  /** The direction that is good for this scenario (null when the signal is not linked to it). */
  good: 'higher' | 'lower' | null;
  role: string | null;
  /** `level`: the observed value is compared; `growth`: its annualized growth over the trend window. */
  compare: 'level' | 'growth';
  /** false when the signal has no link into this scenario (`reason` says why); it is shown, not scored. */
  applies: boolean;
  reason: string | null;
  /** The segment read, for a segment link. */
  segment: string | null;
  latest: Observation;
  /**
   * `direct`: the scope is the scenario's own; `proxy`: the closest evidence
   * there is, labelled; `none`: nothing like-for-like (shown, not scored).
   */
  match: 'direct' | 'proxy' | 'none';
  /** What makes it a proxy, or how it was converted, or why it cannot be compared. */
  scopeNote: string | null;
  /** Money per MW: the basis compared on (it-only or all-in). */
  basis: Basis | null;
  /** The unit is one of the signal's proxy units (a share of users for a share of tokens). */
  proxyUnit: boolean;
  /** What is compared: the latest value (converted to the basis compared on), or for a growth signal its annualized growth. */
  observed: number | null;
  /** The scenario's expected value at the latest observation's date. */
  expected: number | null;
  /** The calendar year of the model read for that date, and whether the date is outside the horizon. */
  expectedYear: number | null;
  clamped: 'before' | 'after' | null;
  /** Past it the scenario stops paying back; null when there is none, or when the base case misses the target already (see `needed`). */
  tripwire: number | null;
  /** When the base case misses the target already: the value the signal would need for it to pay back. */
  needed: number | null;
  tripwireInfo: TripwireInfo | null;
  status: SignalState | null;
  /** One sentence: why this status (or why none). */
  why: string;
  /** Distance from the tripwire on its good side, relative to it (negative: past it). */
  headroom: number | null;
  /** Over the 12 months up to the latest observation, same scope. */
  trend: Trend | null;
  /** Days from the latest observation to the as-of date. */
  ageDays: number;
}

/** Whether the base case meets the target its tripwires are breakevens of (npv ≥ 0). */
export interface Verdict {
  target: 'npv>=0';
  npv: number | null;
  meets: boolean | null;
  /** One sentence for people. */
  text: string;
}

export interface StatusReport {
  scenarioId: string;
  asOf: string;
  verdict: Verdict;
  rows: SignalStatus[];
  /** Signals of the definitions with no observation up to the as-of date. */
  withoutObservations: string[];
}

const TOL = 1e-9;
const worse = (good: 'higher' | 'lower', a: number, b: number): boolean => {
  const eps = TOL * Math.max(Math.abs(a), Math.abs(b));
  return good === 'higher' ? a < b - eps : a > b + eps;
};

/** A sum of money for a sentence, as every surface writes it: `+$2,109M`, `−$207M`. */
const money = (x: number): string => millions(x, 0, true);

/**
 * The verdict of a scenario on npv ≥ 0 (what the breakeven tripwires meet).
 *
 * @example
 * verdictOf(evaluate(neocloud)).text; // 'The base case misses npv ≥ 0 already (npv −$207M): …'
 */
export function verdictOf(result: ModelResult): Verdict {
  const npv = result.summary.npv;
  if (npv === null) return { target: 'npv>=0', npv, meets: null, text: 'The base case has no npv: its tripwires cannot be read.' };
  if (npv >= 0) return { target: 'npv>=0', npv, meets: true, text: `The base case meets npv ≥ 0 (npv ${money(npv)}): each tripwire is where the evidence would make it stop paying back.` };
  return {
    target: 'npv>=0',
    npv,
    meets: false,
    text: `The base case misses npv ≥ 0 already (npv ${money(npv)}): there is no tripwire to cross on the way down; where a breakeven exists it is shown as what the signal would need for the factory to pay back.`,
  };
}

export interface StatusInput {
  scenario: Scenario;
  definitions: readonly SignalDefinition[];
  /** `YYYY-MM-DD`: observations after it are ignored. */
  asOf: string;
  /** The latest current observation of each series (the store's `latestBySeries`). */
  latest: readonly Observation[];
  /** The trend windows of `evidencePlan`, by `seriesKey(signal, scope)`. */
  windows: ReadonlyMap<string, readonly Observation[]>;
  /** The scenario's result, when the caller has it. */
  result?: ModelResult;
  /** Reuse tripwires across calls (they depend only on the scenario). */
  tripwires?: Map<string, Tripwire>;
}

/** A number for a sentence. */
const num = (x: number): string => {
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(4)));
};

/**
 * The status of every signal with observations (MODEL.md §6).
 *
 * @example
 * const plan = evidencePlan(defs, scenario, latest, '2026-11-30');
 * const windows = new Map(plan.map((p) => [seriesKey(p.signal, p.window.scope), rowsOf(p.window)]));
 * signalStatus({ scenario, definitions: defs, asOf: '2026-11-30', latest, windows }).rows;
 */
export function signalStatus(input: StatusInput): StatusReport {
  const { scenario, definitions, asOf } = input;
  const result = input.result ?? evaluate(scenario);
  const cache = input.tripwires ?? new Map<string, Tripwire>();
  const plan = evidencePlan(definitions, scenario, input.latest, asOf);
  const byId = new Map(definitions.map((d) => [d.id, d]));
  const rows: SignalStatus[] = [];
  for (const pick of plan) {
    const def = byId.get(pick.signal) as SignalDefinition;
    const l = linkSignal(def, scenario);
    const o = pick.observation;
    const fit = pick.fit;
    const windowRows = (input.windows.get(seriesKey(pick.signal, o.scope)) ?? [o]).filter((r) => r.date >= pick.window.from && r.date <= pick.window.to);
    const trend = trendOf(windowRows.length > 0 ? windowRows : [o]);
    const base = {
      signal: def.id,
      label: def.label,
      unit: def.unit,
      compare: l.applies ? l.compare : ('level' as const),
      latest: o,
      proxyUnit: unitFit(def, o.unit) === 'proxy',
      trend,
      ageDays: Math.round(dayNumber(asOf) - dayNumber(o.date)),
    };
    const unscored = {
      observed: o.value,
      expected: null,
      expectedYear: null,
      clamped: null,
      tripwire: null,
      needed: null,
      tripwireInfo: null,
      status: null,
      headroom: null,
      basis: null,
    };
    if (!l.applies) {
      rows.push({ ...base, ...unscored, good: null, role: null, applies: false, reason: l.reason, segment: null, match: 'none', scopeNote: null, why: `shown, not scored: ${l.reason}` });
      continue;
    }
    if (fit === null || !fit.comparable) {
      const why = `no like-for-like observation: the latest, ${o.scope}, is ${fit?.reason ?? 'not comparable'}`;
      rows.push({ ...base, ...unscored, good: l.good, role: l.role, applies: true, reason: null, segment: null, match: 'none', scopeNote: fit?.reason ?? null, why: `shown, not scored: ${why}` });
      continue;
    }
    const segment = fit.segment ?? l.primarySegment;
    const y = yearAt(scenario, o.date);
    const expected = expectedInYear(l, scenario, result, y.t, segment, fit.basis);
    const key = `${def.id}\u0000${segment ?? ''}`;
    let tw = cache.get(key);
    if (tw === undefined) {
      tw = tripwireOf(l, scenario, segment);
      cache.set(key, tw);
    }
    const atTripwire = tripwireInYear(l, tw, y.t, segment, fit.basis);
    const tripwire = tw.baseMisses ? null : atTripwire;
    const needed = tw.baseMisses ? atTripwire : null;
    const observed = l.compare === 'growth' ? (trend?.annualGrowth ?? null) : o.value * fit.factor;
    const { scenario: _s, result: _r, ...tripwireInfo } = tw;
    let status: SignalState | null = null;
    let why: string;
    const what = l.compare === 'growth' ? 'growth' : 'value';
    const good = l.good;
    const side = good === 'higher' ? 'below' : 'above';
    const misses = needed === null ? '' : `; the base case misses ${tw.target ?? 'its target'} already: it would need ${num(needed)} to pay back`;
    if (observed === null) {
      why = l.compare === 'growth' ? 'needs two observations of the series at least a month apart within 12 months to measure its growth' : 'no value';
    } else if (expected === null) {
      why = 'the scenario has no value for this signal in that year';
    } else if (tripwire !== null && worse(good, observed, tripwire)) {
      status = 'breach';
      why = `${what} ${num(observed)} is ${side} the tripwire ${num(tripwire)}${tw.target ? ` (${tw.kind === 'input' ? tw.driver : tw.target})` : tw.kind === 'level' ? ` (${tw.driver ?? ''})` : ''}`;
    } else if (!worse(good, observed, expected)) {
      status = 'on track';
      why = `${what} ${num(observed)} is as good as the scenario's ${num(expected)} or better${misses}`;
    } else {
      status = 'watch';
      const short = tripwire !== null ? `, not yet past the tripwire ${num(tripwire)}` : needed !== null ? '' : ` (no tripwire: ${tw.reason ?? ''})`;
      why = `${what} ${num(observed)} is worse than the scenario's ${num(expected)}${short}${misses}`;
    }
    const headroom =
      observed === null || tripwire === null || tripwire === 0 ? null : (good === 'higher' ? observed - tripwire : tripwire - observed) / Math.abs(tripwire);
    rows.push({
      ...base,
      good,
      role: l.role,
      applies: true,
      reason: null,
      segment: l.segments.length > 0 ? segment : null,
      match: fit.direct ? 'direct' : 'proxy',
      scopeNote: fitNote(fit),
      basis: fit.basis,
      observed,
      expected,
      expectedYear: y.year,
      clamped: y.clamped,
      tripwire,
      needed,
      tripwireInfo,
      status,
      why,
      headroom,
    });
  }
  const seen = new Set(rows.map((r) => r.signal));
  return { scenarioId: scenario.id, asOf, verdict: verdictOf(result), rows, withoutObservations: definitions.map((d) => d.id).filter((id) => !seen.has(id)) };
}
