/**
 * Status of a scenario's signals (MODEL.md §6): for each signal with
 * observations, the latest one that applies, what the scenario expected at
 * its date, the tripwire, and
 *
 * - `breach`   past the tripwire (on its bad side), whatever the scenario expected;
 * - `on track` as good as the scenario expected, or better;
 * - `watch`    worse than the scenario expected, still short of the tripwire.
 *
 * Breach is checked first: when a scenario misses its target already (its
 * tripwire lies on the good side of its own expectation), an observation
 * better than expected but short of the tripwire is still a breach.
 *
 * Which observation: the latest (by date, then by id) of those up to the
 * as-of date whose scope names the scenario (a segment id, its accelerator,
 * its id, its operator: `scope.matches` in signals.yaml); when none does, the
 * latest of all, marked as a proxy. The trend is over the 12 months up to that
 * observation, in the same scope (one series), so a series that went quiet
 * still shows its last year; `ageDays` says how fresh it is.
 */
import type { ModelResult } from '../model/result.ts';
import type { Scenario } from '../model/schema.ts';
import { evaluate } from '../model/engine.ts';
import { addMonths, dayNumber, yearsBetween } from './dates.ts';
import { type SignalDefinition, unitFit } from './definitions.ts';
import { expectedInYear, linkSignal, type LinkedSignal, type Tripwire, tripwireInYear, tripwireOf, yearAt } from './link.ts';
import type { Observation } from './observation.ts';

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

/** Whether an observation's scope names the scenario, and which segment it names. */
export interface ScopeMatch {
  direct: boolean;
  /** A segment id the scope names (a segment link reads that segment). */
  segment: string | null;
  /** What the scope named: `segment term-contracts`, `accelerator gb200`… */
  named: string | null;
}

const names = (scope: string, word: string): boolean => {
  const w = word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9])${w}([^a-z0-9]|$)`).test(scope.toLowerCase());
};

/** How an observation's scope maps onto the scenario (signals.yaml `scope.matches`). */
export function matchScope(l: LinkedSignal, scenario: Scenario, scope: string): ScopeMatch {
  const matches = l.definition.scope.matches;
  if (l.applies && matches.includes('segment')) {
    for (const id of l.segments) if (names(scope, id)) return { direct: true, segment: id, named: `segment ${id}` };
  }
  const acc = scenario.fleet.accelerator;
  if (matches.includes('accelerator') && acc !== undefined && names(scope, acc)) return { direct: true, segment: null, named: `accelerator ${acc}` };
  if (matches.includes('scenario') && names(scope, scenario.id)) return { direct: true, segment: null, named: `scenario ${scenario.id}` };
  if (matches.includes('operator') && names(scope, scenario.operator)) return { direct: true, segment: null, named: `operator ${scenario.operator}` };
  return { direct: false, segment: null, named: null };
}

/** The observation a signal's status reads, and the window of its series to fetch for the trend. */
export interface EvidencePick {
  signal: string;
  observation: Observation;
  match: ScopeMatch;
  window: { signal: string; scope: string; from: string; to: string };
}

const later = (a: Observation, b: Observation): boolean => a.date > b.date || (a.date === b.date && a.id > b.id);

/** The key of a series window in the `windows` map of `signalStatus`. */
export const seriesKey = (signal: string, scope: string): string => `${signal}\u0000${scope}`;

/**
 * For each signal, the observation its status reads (direct scopes first, then
 * the latest of all) among `latest` (one current row per series, as the store's
 * `latestBySeries` gives), and the window of its series to fetch.
 */
export function evidencePlan(definitions: readonly SignalDefinition[], scenario: Scenario, latest: readonly Observation[], asOf: string): EvidencePick[] {
  const out: EvidencePick[] = [];
  for (const def of definitions) {
    const l = linkSignal(def, scenario);
    let best: { o: Observation; m: ScopeMatch } | undefined;
    for (const o of latest) {
      if (o.signal !== def.id || o.date > asOf) continue;
      const m = matchScope(l, scenario, o.scope);
      if (best === undefined || (m.direct && !best.m.direct) || (m.direct === best.m.direct && later(o, best.o))) best = { o, m };
    }
    if (best === undefined) continue;
    out.push({
      signal: def.id,
      observation: best.o,
      match: best.m,
      window: { signal: def.id, scope: best.o.scope, from: addMonths(best.o.date, -12), to: best.o.date },
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
  /** `direct`: the scope names the scenario; `proxy`: market evidence. */
  match: 'direct' | 'proxy';
  matchedBy: string | null;
  /** The unit is one of the signal's proxy units (a share of users for a share of tokens). */
  proxyUnit: boolean;
  /** What is compared: the latest value, or for a growth signal its annualized growth. */
  observed: number | null;
  /** The scenario's expected value at the latest observation's date. */
  expected: number | null;
  /** The calendar year of the model read for that date, and whether the date is outside the horizon. */
  expectedYear: number | null;
  clamped: 'before' | 'after' | null;
  tripwire: number | null;
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

export interface StatusReport {
  scenarioId: string;
  asOf: string;
  rows: SignalStatus[];
  /** Signals of the definitions with no observation up to the as-of date. */
  withoutObservations: string[];
}

const TOL = 1e-9;
const worse = (good: 'higher' | 'lower', a: number, b: number): boolean => {
  const eps = TOL * Math.max(Math.abs(a), Math.abs(b));
  return good === 'higher' ? a < b - eps : a > b + eps;
};

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
    const windowRows = (input.windows.get(seriesKey(pick.signal, o.scope)) ?? [o]).filter((r) => r.date >= pick.window.from && r.date <= pick.window.to);
    const trend = trendOf(windowRows.length > 0 ? windowRows : [o]);
    const base = {
      signal: def.id,
      label: def.label,
      unit: def.unit,
      compare: l.applies ? l.compare : ('level' as const),
      latest: o,
      match: pick.match.direct ? ('direct' as const) : ('proxy' as const),
      matchedBy: pick.match.named,
      proxyUnit: unitFit(def, o.unit) === 'proxy',
      trend,
      ageDays: Math.round(dayNumber(asOf) - dayNumber(o.date)),
    };
    if (!l.applies) {
      rows.push({
        ...base,
        good: null,
        role: null,
        applies: false,
        reason: l.reason,
        segment: null,
        observed: o.value,
        expected: null,
        expectedYear: null,
        clamped: null,
        tripwire: null,
        tripwireInfo: null,
        status: null,
        why: `shown, not scored: ${l.reason}`,
        headroom: null,
      });
      continue;
    }
    const segment = pick.match.segment ?? l.primarySegment;
    const y = yearAt(scenario, o.date);
    const expected = expectedInYear(l, scenario, result, y.t, segment);
    const key = `${def.id}\u0000${segment ?? ''}`;
    let tw = cache.get(key);
    if (tw === undefined) {
      tw = tripwireOf(l, scenario, segment);
      cache.set(key, tw);
    }
    const tripwire = tripwireInYear(l, tw, y.t, segment);
    const observed = l.compare === 'growth' ? (trend?.annualGrowth ?? null) : o.value;
    const { scenario: _s, result: _r, ...tripwireInfo } = tw;
    let status: SignalState | null = null;
    let why: string;
    const what = l.compare === 'growth' ? 'growth' : 'value';
    const good = l.good;
    const side = good === 'higher' ? 'below' : 'above';
    if (observed === null) {
      why = l.compare === 'growth' ? 'needs two observations of the series at least a month apart within 12 months to measure its growth' : 'no value';
    } else if (expected === null) {
      why = 'the scenario has no value for this signal in that year';
    } else if (tripwire !== null && worse(good, observed, tripwire)) {
      status = 'breach';
      why = `${what} ${num(observed)} is ${side} the tripwire ${num(tripwire)}${tw.target ? ` (${tw.kind === 'input' ? tw.driver : tw.target})` : ''}`;
    } else if (!worse(good, observed, expected)) {
      status = 'on track';
      why = `${what} ${num(observed)} is as good as the scenario's ${num(expected)} or better`;
    } else {
      status = 'watch';
      why = `${what} ${num(observed)} is worse than the scenario's ${num(expected)}${tripwire === null ? ` (no tripwire: ${tw.reason ?? ''})` : `, not yet past the tripwire ${num(tripwire)}`}`;
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
      observed,
      expected,
      expectedYear: y.year,
      clamped: y.clamped,
      tripwire,
      tripwireInfo,
      status,
      why,
      headroom,
    });
  }
  const seen = new Set(rows.map((r) => r.signal));
  return { scenarioId: scenario.id, asOf, rows, withoutObservations: definitions.map((d) => d.id).filter((id) => !seen.has(id)) };
}
