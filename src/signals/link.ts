/**
 * A signal linked to one scenario: which link applies (seller or renter…),
 * which segments it reads, the value the scenario expects it to show at a
 * date, and its tripwire.
 *
 * Dates and model years: year `t` covers calendar year `startYear + t − 1`
 * (MODEL.md §1). The expected value at a date is the value of the model year
 * holding it — a **step** function, because the model's yearly value is that
 * year's average, and interpolating between two averages would invent a path
 * the model does not claim. Dates before the first year read year 1, dates
 * after the horizon read the last year; both are flagged (`clamped`).
 */
import { breakeven } from '../analysis/breakeven.ts';
import { paybackStack, scaleCashRevenue } from '../analysis/payback-stack.ts';
import { checkInputPath, getInput, setInput } from '../analysis/paths.ts';
import { evaluate, pricingKind } from '../model/engine.ts';
import { CAPITAL_SUMMARY_FIELDS, CAPITAL_YEAR_FIELDS, type ModelResult, type SummaryField, type YearField } from '../model/result.ts';
import { usesCapitalStack } from '../model/slots.ts';
import type { Scenario } from '../model/schema.ts';
import { yearOf } from './dates.ts';
import type { LinkDefinition, SignalDefinition } from './definitions.ts';
import type { Basis } from './observation.ts';

/** A signal's link into one scenario, or why it has none. */
export type LinkedSignal =
  | {
      definition: SignalDefinition;
      applies: true;
      link: LinkDefinition;
      /** `seller`, `renter`… or null. */
      role: string | null;
      good: 'higher' | 'lower';
      compare: 'level' | 'growth';
      /** The segment ids `[*]` stands for (empty when the link reads no segment). */
      segments: string[];
      /** The segment read when an observation's scope names none: the largest token share in year 1. */
      primarySegment: string | null;
    }
  | { definition: SignalDefinition; applies: false; reason: string };

const PRICING_KIND: Record<string, string> = { perMTok: 'perMTok', subscription: 'subscription', perAcceleratorHour: 'perAcceleratorHour', imputed: 'imputed' };

const share1 = (s: number | number[]): number => (typeof s === 'number' ? s : (s[0] ?? 0));

/** The segments a link's `[*]` stands for, largest token share (year 1) first. */
function linkSegments(link: LinkDefinition, scenario: Scenario): string[] {
  const sel = link.segments;
  if (sel === undefined) return [];
  return scenario.demand.segments
    .filter((s) => (sel.kinds as readonly string[]).includes(s.kind) && pricingKind(s.pricing) === PRICING_KIND[sel.pricing])
    .sort((a, b) => share1(b.tokenShare) - share1(a.tokenShare))
    .map((s) => s.id);
}

const forSegment = (path: string, segment: string | null): string => (segment === null ? path : path.replace('[*]', `[${segment}]`));

/** Why a link does not apply to a scenario, or undefined when it does. */
function whyNot(link: LinkDefinition, scenario: Scenario, segments: readonly string[]): string | undefined {
  if (link.segments !== undefined && segments.length === 0) {
    return `the scenario has no ${link.segments.kinds.join(' or ')} segment priced ${link.segments.pricing}`;
  }
  if (link.needs !== undefined && !scenario.demand.segments.some((x) => (link.needs?.segmentKinds as readonly string[]).includes(x.kind))) return link.needs.reason;
  if (link.result !== undefined && isCapitalField(link.result) && !usesCapitalStack(scenario)) {
    return `${link.result} is a line of the capital stack (MODEL.md §9: finance.debt as a list of tranches), and this scenario has none`;
  }
  const seg = segments[0] ?? null;
  const need = link.input ?? link.requires;
  if (need !== undefined) {
    const issue = checkInputPath(scenario, forSegment(need, seg));
    if (issue !== null) return issue.message.replace(/^an input of the schema, but not of this scenario: /, '');
  }
  return undefined;
}

/** A result field (`years.f`, `summary.f`) only a scenario with a capital stack has (MODEL.md §9). */
function isCapitalField(field: string): boolean {
  const [where, name] = field.split('.') as [string, string];
  return ((where === 'years' ? CAPITAL_YEAR_FIELDS : CAPITAL_SUMMARY_FIELDS) as readonly string[]).includes(name);
}

/**
 * Link a signal to a scenario: the first of its links that applies.
 *
 * @example
 * const l = linkSignal(gpuHourPrice, neocloud);
 * l.applies && l.role;     // 'seller'
 * l.applies && l.segments; // ['term-contracts', 'on-demand']
 */
export function linkSignal(definition: SignalDefinition, scenario: Scenario): LinkedSignal {
  const reasons: string[] = [];
  for (const link of definition.links) {
    const segments = linkSegments(link, scenario);
    const why = whyNot(link, scenario, segments);
    if (why !== undefined) {
      reasons.push(link.role === undefined ? why : `as ${link.role}: ${why}`);
      continue;
    }
    const good = link.good ?? (definition.good === 'lower' ? 'lower' : 'higher');
    return {
      definition,
      applies: true,
      link,
      role: link.role ?? null,
      good,
      compare: link.compare,
      segments,
      primarySegment: segments[0] ?? null,
    };
  }
  return { definition, applies: false, reason: `not linked to this scenario: ${reasons.join('; ')}` };
}

/**
 * The input a linked signal's evidence bears on (for one segment of a segment
 * link): the first of the link's `driver` paths the scenario has, or null
 * (a result of every input, or none of the paths exists).
 *
 * @example
 * signalDriver(linkSignal(gpuHourPrice, neocloud), neocloud, 'on-demand'); // 'demand.segments[on-demand].pricing.perAcceleratorHour'
 */
export function signalDriver(l: Extract<LinkedSignal, { applies: true }>, scenario: Scenario, segment: string | null): string | null {
  const d = l.link.driver;
  if (d === undefined) return null;
  const seg = segment ?? l.primarySegment;
  for (const p of typeof d === 'string' ? [d] : d) {
    const path = forSegment(p, seg);
    if (checkInputPath(scenario, path) === null) return path;
  }
  return null;
}

/** Where a date falls in a scenario's years. */
export interface YearAt {
  /** The operating year read, 1..T. */
  t: number;
  /** Its calendar year. */
  year: number;
  /** `before` / `after` when the date is outside the horizon and the first / last year stands for it. */
  clamped: 'before' | 'after' | null;
}

/** The operating year that a date reads (step: the year holding it, clamped to the horizon). */
export function yearAt(scenario: Scenario, date: string): YearAt {
  const T = scenario.horizon.years;
  const t = yearOf(date) - scenario.horizon.startYear + 1;
  const clamped = t < 1 ? 'before' : t > T ? 'after' : null;
  const tt = Math.min(T, Math.max(1, t));
  return { t: tt, year: scenario.horizon.startYear + tt - 1, clamped };
}

/**
 * The level of a linked signal in operating year `t` (1..T), or null where the
 * model has no value. `basis: 'it-only'` reads a money-per-MW figure without
 * the link's `itOnlyLess` input (an owned facility's capex per MW).
 */
export function levelInYear(l: Extract<LinkedSignal, { applies: true }>, scenario: Scenario, result: ModelResult, t: number, segment: string | null, basis: Basis | null = null): number | null {
  const link = l.link;
  const seg = segment ?? l.primarySegment;
  if (link.input !== undefined) {
    const v = getInput(scenario, forSegment(link.input, seg)) as number | number[] | undefined;
    if (v === undefined) return null;
    let x = typeof v === 'number' ? v : (v[Math.min(t, v.length) - 1] ?? 0);
    if (link.change !== undefined) {
      const cp = forSegment(link.change, seg);
      if (checkInputPath(scenario, cp) === null) {
        const c = getInput(scenario, cp);
        x *= (1 + (typeof c === 'number' ? c : (c[0] ?? 0))) ** (t - 1);
      }
    }
    if (link.techPremium !== undefined) {
      // an hour of the generation in service, bought in year b_k = k · usefulLifeYears, rents for premium^(b_k) more (MODEL.md §3.3)
      const sp = forSegment(link.techPremium, seg);
      const k = result.years[t]?.generation ?? 0;
      const b = k * (scenario.fleet.usefulLifeYears ?? 0);
      if (b > 0 && checkInputPath(scenario, sp) === null) {
        const premium = getInput(scenario, sp);
        x *= (typeof premium === 'number' ? premium : (premium[0] ?? 1)) ** b;
      }
    }
    return x;
  }
  const read = (field: string): number | null => {
    const [where, name] = field.split('.') as ['years' | 'summary', string];
    return where === 'summary' ? (result.summary[name as SummaryField] ?? null) : (result.years[t]?.[name as YearField] ?? null);
  };
  let x = read(link.result as string);
  if (x !== null && link.over !== undefined) {
    const d = read(link.over);
    x = d === null || d === 0 ? null : x / d;
  }
  if (x !== null && link.per === 'month') x /= 12;
  if (x !== null && basis === 'it-only' && link.itOnlyLess !== undefined && checkInputPath(scenario, link.itOnlyLess) === null) {
    const less = getInput(scenario, link.itOnlyLess);
    x -= typeof less === 'number' ? less : (less[0] ?? 0);
  }
  return x;
}

/**
 * What the scenario expects the signal to show in operating year `t`: its
 * level, or for a `growth` signal the growth into year `t` from the year
 * before (for the first year, into the second), as a rate per year.
 */
export function expectedInYear(l: Extract<LinkedSignal, { applies: true }>, scenario: Scenario, result: ModelResult, t: number, segment: string | null, basis: Basis | null = null): number | null {
  if (l.compare === 'level') return levelInYear(l, scenario, result, t, segment, basis);
  const T = scenario.horizon.years;
  if (T < 2) return null;
  const to = t === 1 ? 2 : t;
  const a = levelInYear(l, scenario, result, to - 1, segment);
  const b = levelInYear(l, scenario, result, to, segment);
  return a === null || b === null || a === 0 ? null : b / a - 1;
}

/** A signal's tripwire in one scenario: a scenario to read it from, or a fixed input, or why there is none. */
export interface Tripwire {
  /** `breakeven`, `revenueScale`, `input`, `level` (a fixed value, `driver` says what it means), or null when there is none. */
  kind: 'breakeven' | 'revenueScale' | 'input' | 'level' | null;
  /** The driver moved (breakeven), or the input read (input). */
  driver: string | null;
  /** The target met at the tripwire (`npv>=0`, `minDscr>=1`). */
  target: string | null;
  /** The driver's base value and its breakeven (for a Series: its mean over the horizon). */
  base: number | null;
  breakeven: number | null;
  /** `met` / `needs-change` / `unreachable` from the breakeven analysis. */
  breakevenStatus: string | null;
  /** Why there is no tripwire (or a remark about it). */
  reason: string | null;
  /** The scenario with the driver at its breakeven: the tripwire is the signal's value in it. */
  scenario: Scenario | null;
  result: ModelResult | null;
  /** A fixed tripwire (the useful life). */
  value: number | null;
  /**
   * The base case misses the target already (a breakeven that needs a change):
   * the value read there is what the signal would need for the scenario to
   * pay back, not a tripwire on the way down.
   */
  baseMisses: boolean;
}

const none = (reason: string, rest: Partial<Tripwire> = {}): Tripwire => ({
  kind: null,
  driver: null,
  target: null,
  base: null,
  breakeven: null,
  breakevenStatus: null,
  reason,
  scenario: null,
  result: null,
  value: null,
  baseMisses: false,
  ...rest,
});

/**
 * The tripwire of a linked signal (for one segment of a segment link): the
 * breakeven of its driver (MODEL.md §5) turned into the signal's units by
 * reading the signal in the scenario with the driver there; or every cash
 * price scaled until npv = 0; or an input of the scenario.
 */
export function tripwireOf(l: Extract<LinkedSignal, { applies: true }>, scenario: Scenario, segment: string | null): Tripwire {
  const def = l.link.tripwire;
  if (def === undefined) return none('this signal has no tripwire');
  const seg = segment ?? l.primarySegment;
  if ('input' in def) {
    const path = forSegment(def.input, seg);
    if (checkInputPath(scenario, path) !== null) return none(`${path} is not an input of this scenario`);
    const v = getInput(scenario, path);
    return { ...none(''), kind: 'input', driver: path, value: typeof v === 'number' ? v : (v[0] ?? null), reason: null };
  }
  if ('level' in def) return { ...none(''), kind: 'level', driver: def.label, value: def.level, reason: null };
  if ('revenueScale' in def) {
    const stack = paybackStack(scenario);
    if (stack.factor === null) return none(`no scale of cash revenue meets npv>=0: ${stack.reason ?? ''}`, { kind: null, target: 'npv>=0' });
    const at = scaleCashRevenue(scenario, stack.factor);
    return {
      kind: 'revenueScale',
      driver: 'every cash price',
      target: 'npv>=0',
      base: 1,
      breakeven: stack.factor,
      breakevenStatus: stack.factor <= 1 ? 'met' : 'needs-change',
      reason: null,
      scenario: at,
      result: evaluate(at),
      value: null,
      baseMisses: stack.factor > 1,
    };
  }
  const drivers = (typeof def.breakeven === 'string' ? [def.breakeven] : def.breakeven).map((p) => forSegment(p, seg));
  const driver = drivers.find((p) => checkInputPath(scenario, p) === null);
  if (driver === undefined) {
    const why = checkInputPath(scenario, drivers[0] as string)?.message ?? '';
    return none(`no breakeven: ${why.replace(/^an input of the schema, but not of this scenario: /, '')}`, { driver: drivers[0] ?? null, target: def.target });
  }
  const row = breakeven(scenario, { target: def.target, drivers: [driver] }).rows[0];
  if (row === undefined) return none('no breakeven', { driver, target: def.target });
  const common = { driver, target: def.target, base: row.base, breakeven: row.breakeven, breakevenStatus: row.status };
  if (row.setting === null) {
    const why =
      row.status === 'unreachable'
        ? `no value of ${driver} in [${fmt(row.lo)}, ${fmt(row.hi)}] meets ${def.target}: the scenario misses it whatever this signal does`
        : row.status === 'no-effect'
          ? `${driver} does not move ${def.target} within the horizon: no tripwire`
          : `${def.target} holds for any value of ${driver} in [${fmt(row.lo)}, ${fmt(row.hi)}]`;
    return none(why, common);
  }
  const at = setInput(scenario, row.setting.path, row.setting.value, row.setting.mode);
  return { ...common, kind: 'breakeven', reason: null, scenario: at, result: evaluate(at), value: null, baseMisses: row.status === 'needs-change' };
}

const fmt = (x: number): string => (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(4))));

/**
 * The tripwire's value in operating year `t`, in the signal's units; null when
 * there is none. When the base case misses the target (`tw.baseMisses`) this
 * is the value the signal would need, not a tripwire.
 */
export function tripwireInYear(l: Extract<LinkedSignal, { applies: true }>, tw: Tripwire, t: number, segment: string | null, basis: Basis | null = null): number | null {
  if (tw.kind === 'input' || tw.kind === 'level') return tw.value;
  if (tw.scenario === null || tw.result === null) return null;
  return expectedInYear(l, tw.scenario, tw.result, t, segment, basis);
}
