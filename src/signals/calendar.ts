/**
 * The evidence calendar (MODEL.md §6): quarter by quarter over the next 24
 * months, the value each signal should show if the scenario holds, and its
 * tripwire. Each quarter reads the model year holding its last day (the same
 * step rule as the status).
 */
import type { ModelResult } from '../model/result.ts';
import type { Scenario } from '../model/schema.ts';
import { evaluate } from '../model/engine.ts';
import { addMonths, quartersAhead, type Quarter } from './dates.ts';
import type { SignalDefinition } from './definitions.ts';
import { expectedInYear, linkSignal, type Tripwire, tripwireInYear, tripwireOf, yearAt } from './link.ts';
import type { TripwireInfo } from './status.ts';

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
  tripwire: number | null;
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
  cells: CalendarCell[];
}

export interface Calendar {
  scenarioId: string;
  asOf: string;
  months: number;
  quarters: Quarter[];
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
 * c.lines.find((l) => l.signal === 'gpu-hour-price')?.cells[0]; // { quarter: '2026-Q4', expected: 3, tripwire: 3.11, … }
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
      lines.push({
        signal: def.id,
        label: def.label,
        unit: def.unit,
        good: l.good,
        role: l.role,
        compare: l.compare,
        segment,
        tripwireInfo,
        cells: quarters.map((q) => {
          const y = yearAt(scenario, q.end);
          return {
            quarter: q.label,
            date: q.end,
            year: y.year,
            clamped: y.clamped,
            within12Months: q.start < mark12,
            expected: expectedInYear(l, scenario, result, y.t, segment),
            tripwire: tripwireInYear(l, tw, y.t, segment),
          };
        }),
      });
    }
  }
  return { scenarioId: scenario.id, asOf, months, quarters, lines, notLinked };
}
