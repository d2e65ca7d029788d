/**
 * The evidence calendar (MODEL.md §6), a ranked watch list: quarter by
 * quarter over the next 24 months, the value each signal should show if the
 * scenario holds and its tripwire, the signals ranked by value of
 * information — how much npv swings across each signal's uncertainty (the
 * p5–p95 of its input in the scenario's effective uncertainty, the one the
 * Monte Carlo samples; src/analysis/uncertainty-swing.ts) — so that the
 * first rows are the few that can change the verdict, each with a one-line
 * reason. A base case that misses npv ≥ 0 already says so: its breakevens
 * are shown as what the signal would need (`needed`), not as tripwires on
 * the wrong side. Each quarter reads the model year holding its last day
 * (the same step rule as the status).
 */
import { type UncertaintySwing, uncertaintySwing } from '../analysis/uncertainty-swing.ts';
import type { ModelResult } from '../model/result.ts';
import type { Scenario } from '../model/schema.ts';
import { evaluate } from '../model/engine.ts';
import { addMonths, quartersAhead, type Quarter } from './dates.ts';
import type { SignalDefinition } from './definitions.ts';
import { expectedInYear, linkSignal, type LinkedSignal, signalDriver, type Tripwire, tripwireInYear, tripwireOf, yearAt } from './link.ts';
import { type TripwireInfo, type Verdict, verdictOf } from './status.ts';
import { millions } from '../model/format.ts';

/** One quarter of one signal. */
export interface CalendarCell {
  quarter: string;
  /** The quarter's last day, the date read. */
  date: string;
  /** The model year read, and whether the date is outside the horizon. */
  year: number;
  clamped: 'before' | 'after' | null;
  /** Within 12 months of the as-of date (else within 24). */
  within12Months: boolean;
  expected: number | null;
  /** Past it the scenario stops paying back; null when the base case misses npv ≥ 0 already (see `needed`). */
  tripwire: number | null;
  /** When the base case misses the target already: what the signal would need for it to pay back. */
  needed: number | null;
}

/** Why a line ranks where it does: the swing in npv across its input's uncertainty. */
export interface WatchValue {
  /** 1 = the signal the verdict depends on most. */
  rank: number;
  /** The input the signal's evidence bears on (null: a result of every input, or no such input here). */
  driver: string | null;
  /** The value of information: npv's swing across the driver's uncertainty (null when there is no driver). */
  voi: number | null;
  /** The ends of the driver's uncertainty and npv at each (null when there is no driver). */
  range: UncertaintySwing | null;
  /** One line for people. */
  reason: string;
}

/** One line of the calendar: a signal (for a segment link, one line per segment). */
export interface CalendarLine {
  signal: string;
  label: string;
  unit: string;
  good: 'higher' | 'lower';
  role: string | null;
  compare: 'level' | 'growth';
  segment: string | null;
  tripwireInfo: TripwireInfo;
  watch: WatchValue;
  cells: CalendarCell[];
}

export interface Calendar {
  scenarioId: string;
  asOf: string;
  months: number;
  verdict: Verdict;
  quarters: Quarter[];
  /** Ranked: the largest value of information first; lines without a driver last, in the definitions' order. */
  lines: CalendarLine[];
  /** Signals with no link into this scenario, and why. */
  notLinked: { signal: string; reason: string }[];
}

/**
 * The evidence calendar of a scenario from `asOf` (a parameter: no clock here).
 *
 * @example
 * const c = evidenceCalendar(neocloud, definitions, '2026-11-30');
 * c.quarters.length; // 8
 * c.lines[0]?.watch; // { rank: 1, driver: 'demand.utilization', voi: 6.1e8, reason: 'npv moves $610M across ×0.82–×1.09 …' }
 * c.lines.find((l) => l.signal === 'gpu-hour-price')?.cells[0]; // { quarter: '2026-Q4', expected: 3, tripwire: null, needed: 3.11, … }
 */
export function evidenceCalendar(scenario: Scenario, definitions: readonly SignalDefinition[], asOf: string, opts: { months?: number; result?: ModelResult } = {}): Calendar {
  const months = opts.months ?? 24;
  const result = opts.result ?? evaluate(scenario);
  const quarters = quartersAhead(asOf, months);
  const mark12 = addMonths(asOf, 12);
  const lines: CalendarLine[] = [];
  const notLinked: Calendar['notLinked'] = [];
  for (const def of definitions) {
    const l = linkSignal(def, scenario);
    if (!l.applies) {
      notLinked.push({ signal: def.id, reason: l.reason });
      continue;
    }
    const segments: (string | null)[] = l.segments.length > 0 ? l.segments : [null];
    for (const segment of segments) {
      const tw: Tripwire = tripwireOf(l, scenario, segment);
      const { scenario: _s, result: _r, ...tripwireInfo } = tw;
      const driver = signalDriver(l, scenario, segment);
      const range = driver === null ? null : uncertaintySwing(scenario, driver);
      const first = tripwireInYear(l, tw, yearAt(scenario, quarters[0]?.end ?? asOf).t, segment);
      lines.push({
        signal: def.id,
        label: def.label,
        unit: def.unit,
        good: l.good,
        role: l.role,
        compare: l.compare,
        segment,
        tripwireInfo,
        watch: { rank: 0, driver, voi: range?.swing ?? null, range, reason: reasonFor(l, tw, driver, range, first) },
        cells: quarters.map((q) => {
          const y = yearAt(scenario, q.end);
          const at = tripwireInYear(l, tw, y.t, segment);
          return {
            quarter: q.label,
            date: q.end,
            year: y.year,
            clamped: y.clamped,
            within12Months: q.start < mark12,
            expected: expectedInYear(l, scenario, result, y.t, segment),
            tripwire: tw.baseMisses ? null : at,
            needed: tw.baseMisses ? at : null,
          };
        }),
      });
    }
  }
  // rank by value of information; a stable sort keeps the definitions' order among equals and lines without one
  const ranked = lines
    .map((line, i) => ({ line, i }))
    .sort((a, b) => {
      const va = a.line.watch.voi;
      const vb = b.line.watch.voi;
      if (va === null || vb === null) return va === null && vb === null ? a.i - b.i : va === null ? 1 : -1;
      return vb - va || a.i - b.i;
    })
    .map(({ line }, i) => ({ ...line, watch: { ...line.watch, rank: i + 1 } }));
  return { scenarioId: scenario.id, asOf, months, verdict: verdictOf(result), quarters, lines: ranked, notLinked };
}

/** A number for a sentence: `3.11`, `27.7M`, `1.3e15`. */
const num = (x: number): string => {
  const a = Math.abs(x);
  if (a >= 1e6 && a < 1e12) return `${Number((x / 1e6).toPrecision(3))}M`;
  if (a !== 0 && (a >= 1e12 || a < 1e-3)) return x.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(3)));
};
/** A sum of money for a sentence: `$412M`. */
const moneyM = (x: number): string => millions(x, 0);

/** The one-line reason of a line of the watch list. */
function reasonFor(l: Extract<LinkedSignal, { applies: true }>, tw: Tripwire, driver: string | null, range: UncertaintySwing | null, first: number | null): string {
  const side = l.good === 'higher' ? 'below' : 'above';
  const tripwire =
    first === null
      ? ''
      : tw.baseMisses
        ? `; it would need ${num(first)} for the factory to pay back`
        : tw.kind === 'input' || tw.kind === 'level'
          ? `; ${side} ${num(first)} (${tw.driver}) it is a breach`
          : `; ${side} ${num(first)} it stops paying back`;
  if (driver === null) {
    const link = l.link.driver;
    if (link === undefined) return `no single input to watch through: it moves with prices, utilization and costs${tripwire}`;
    const paths = typeof link === 'string' ? link : link.join(' or ');
    return `not ranked: ${paths} is not an input of this scenario${tripwire}`;
  }
  if (range === null || range.swing === null) return `not ranked: npv has no value at the ends of ${driver}'s uncertainty${tripwire}`;
  const ends = range.mode === 'scale' ? `×${num(range.low)}–×${num(range.high)} of its path` : `${num(range.low)}–${num(range.high)}`;
  const from = range.from === 'scenario' ? "p5–p95 of the scenario's uncertainty" : range.from === 'default' ? 'p5–p95 of the default uncertainty' : '±20 %: no distribution on it';
  return `npv moves ${moneyM(range.swing)} across ${driver} ${ends} (${from})${tripwire}`;
}
