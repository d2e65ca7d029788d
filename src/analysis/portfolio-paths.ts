/**
 * Inputs of a portfolio by path (MODEL.md §8 "Analyses"): a path applies to
 * every vintage (`fleet.capexPerAccelerator`), to one
 * (`vintages[2025].demand.utilization`, by vintage id), or to the shared
 * market (`demand.growthPerYear`, `demand.segments[api].pricing.perMTok`);
 * `finance.wacc` and `finance.taxRate` move the portfolio's own (its
 * discounting, the revenue gap) and every vintage's.
 *
 * A path on every vintage is a common shock: its value is the first
 * vintage's (the base b), and putting it at v moves each vintage's re-based
 * value x to `x · v / b` (to v itself where x = b, by `v − b` where b = 0).
 * It moves the vintages' values as they are, re-based: it does not re-base
 * them again (a change to `capexChangePerYear` bends each vintage's own curve
 * from its build year). The market's inputs are by calendar year and price
 * every vintage through the market, so a shock to a price's yearly change
 * moves every later vintage's starting price too.
 */
import { didYouMeanSuffix, type Issue } from '../model/issues.ts';
import type { Portfolio, PortfolioVintage } from '../model/portfolio-load.ts';
import type { Scenario } from '../model/schema.ts';
import * as scenarioPaths from './paths.ts';
import { AnalysisInputError, type InputInfo, PAID_SHARE, parseInputPath, type SetMode } from './paths.ts';

/** How a path reaches into a portfolio. */
export type PortfolioPathTarget =
  | { kind: 'vintage'; path: string; inner: string; index: number }
  | { kind: 'market'; path: string; inner: string }
  | { kind: 'growth'; path: string }
  | { kind: 'every'; path: string; inner: string; indexes: number[]; finance: 'wacc' | 'taxRate' | null };

const GROWTH = 'demand.growthPerYear';

const issue = (path: string, message: string, code: string): Issue => ({ path, message, code });

/** The market as a scenario (for its paths: the same names, checks and ranges as a scenario's demand). */
export function marketScenario(p: Portfolio): Scenario {
  const d = p.demand;
  if (d === undefined) throw new Error('the portfolio has no shared demand');
  return {
    id: p.id,
    operator: 'custom',
    horizon: { startYear: p.startYear, years: Math.min(p.years, 50) },
    site: { itMW: 1, pue: 1, facility: { mode: 'none' } },
    fleet: { mode: 'rent', kWPerAccelerator: 1, tokensPerSecond: 1, rentPerAcceleratorHour: 0, rentTermYears: 1, rentChangePerYear: 0, residualValue: 0, refresh: true, technology: { perfGainPerYear: 1, capexChangePerYear: 1 }, maintenancePctPerYear: 0 },
    serving: { softwareGainPerYear: 0 },
    demand: { tokensPerYear: d.tokensPerYear, growthPerYear: 0, maxUtilization: d.maxUtilization, segments: d.segments },
    finance: { wacc: p.finance.wacc, taxRate: p.finance.taxRate, terminalValue: 'bookValue' },
    opex: { fixedPerMWYear: 0, otherCostPerMTok: 0 },
    profitability: { minMargin: 0 },
  };
}

function vintageIndex(p: Portfolio, id: string, path: string): number | Issue {
  const i = p.vintages.findIndex((v) => v.id === id);
  if (i >= 0) return i;
  const sameYear = p.vintages.filter((v) => String(v.buildYear) === id);
  if (sameYear.length > 1) {
    return issue(path, `${sameYear.length} vintages are built in ${id} (${sameYear.map((v) => v.id).join(', ')}): name one by its id`, 'ambiguous_vintage');
  }
  const ids = p.vintages.map((v) => v.id);
  return issue(path, `no vintage "${id}" in this portfolio${didYouMeanSuffix(id, ids)}; its vintages are ${ids.length > 12 ? `${ids.slice(0, 12).join(', ')}, …` : ids.join(', ')}`, 'unknown_vintage');
}

/** Where a path goes in this portfolio, or the issue that says why it goes nowhere. */
export function portfolioTarget(p: Portfolio, path: string): PortfolioPathTarget | Issue {
  const parsed = parseInputPath(path);
  if (!parsed.ok) return parsed.issue;
  const { steps, path: text } = parsed.path;
  const shared = p.demand !== undefined;
  const first = steps[0] as { key: string; id?: string };
  if (first.key === 'vintages') {
    if (first.id === undefined) return issue(text, 'name a vintage by its id: vintages[<id>].<path>, e.g. vintages[2025].demand.utilization', 'bad_path');
    const i = vintageIndex(p, first.id, text);
    if (typeof i !== 'number') return i;
    const inner = text.slice(text.indexOf('].') + 2);
    if (steps.length < 2) return issue(text, `end the path with an input of vintage ${first.id}, e.g. ${text}.fleet.capexPerAccelerator`, 'bad_path');
    if (inner === 'horizon.years') return issue(text, "a vintage's horizon places it on the calendar: it cannot move in an analysis", 'unsupported_path');
    if (shared && (inner.startsWith('demand.') || inner === PAID_SHARE)) {
      return issue(text, `the portfolio's demand is shared: a vintage's own demand is ignored; move the market's (${inner === PAID_SHARE ? PAID_SHARE : inner})`, 'input_absent');
    }
    const v = p.vintages[i] as PortfolioVintage;
    const bad = scenarioPaths.checkInputPath(v.scenario, inner);
    if (bad !== null) return { ...bad, path: text, message: `vintage ${v.id}: ${bad.message}` };
    return { kind: 'vintage', path: `vintages[${v.id}].${scenarioPaths.inputInfo(v.scenario, inner).path}`, inner: scenarioPaths.inputInfo(v.scenario, inner).path, index: i };
  }
  if (text === 'horizon.years') return issue(text, "the vintages' horizons place them on the calendar: they cannot move in an analysis", 'unsupported_path');
  if (shared && (first.key === 'demand' || text === PAID_SHARE)) {
    if (text === GROWTH) return { kind: 'growth', path: GROWTH };
    const m = marketScenario(p);
    const bad = scenarioPaths.checkInputPath(m, text);
    if (bad !== null) return { ...bad, message: `the shared market: ${bad.message}` };
    return { kind: 'market', path: scenarioPaths.inputInfo(m, text).path, inner: scenarioPaths.inputInfo(m, text).path };
  }
  const finance = text === 'finance.wacc' ? 'wacc' : text === 'finance.taxRate' ? 'taxRate' : null;
  const indexes: number[] = [];
  let firstIssue: Issue | null = null;
  let canonical = text;
  p.vintages.forEach((v, i) => {
    const bad = scenarioPaths.checkInputPath(v.scenario, text);
    if (bad === null) {
      if (indexes.length === 0) canonical = scenarioPaths.inputInfo(v.scenario, text).path;
      indexes.push(i);
    } else firstIssue ??= bad;
  });
  if (indexes.length === 0) {
    const why = firstIssue as Issue | null;
    return why === null ? issue(text, 'no vintage has this input', 'input_absent') : { ...why, message: p.vintages.length > 1 ? `no vintage has this input: ${why.message}` : why.message };
  }
  return { kind: 'every', path: canonical, inner: canonical, indexes, finance };
}

const fail = (i: Issue): never => {
  throw new AnalysisInputError([i]);
};
const isIssue = (x: PortfolioPathTarget | Issue): x is Issue => 'message' in x;

function targetOrThrow(p: Portfolio, path: string): PortfolioPathTarget {
  const t = portfolioTarget(p, path);
  return isIssue(t) ? fail(t) : t;
}

const sameValue = (a: number | number[], b: number | number[]): boolean => {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
};

/** The value of an input of a portfolio: every vintage's is the first vintage's (or, for finance, the portfolio's own). */
export function getPortfolioInput(p: Portfolio, path: string): number | number[] {
  const t = targetOrThrow(p, path);
  switch (t.kind) {
    case 'vintage':
      return scenarioPaths.getInput((p.vintages[t.index] as PortfolioVintage).scenario, t.inner);
    case 'market':
      return scenarioPaths.getInput(marketScenario(p), t.inner);
    case 'growth': {
      const g = p.demand?.growthPerYear ?? 0;
      return typeof g === 'number' ? g : g.slice();
    }
    case 'every':
      if (t.finance !== null) return p.finance[t.finance];
      return scenarioPaths.getInput((p.vintages[t.indexes[0] as number] as PortfolioVintage).scenario, t.inner);
  }
}

/**
 * A new portfolio with one input set or scaled (see the module's note for a
 * path on every vintage). Throws an `AnalysisInputError` for a bad path and a
 * `RangeError` for a value outside the schema's bounds.
 */
export function setPortfolioInput(p: Portfolio, path: string, value: number, mode: SetMode = 'set'): Portfolio {
  const t = targetOrThrow(p, path);
  if (!Number.isFinite(value)) throw new RangeError(`${t.path}: expected a finite number, got ${value}`);
  switch (t.kind) {
    case 'vintage': {
      const vintages = p.vintages.slice();
      const v = vintages[t.index] as PortfolioVintage;
      vintages[t.index] = { ...v, scenario: scenarioPaths.setInput(v.scenario, t.inner, value, mode) };
      return { ...p, vintages };
    }
    case 'market': {
      const m = scenarioPaths.setInput(marketScenario(p), t.inner, value, mode);
      const d = p.demand as NonNullable<Portfolio['demand']>;
      return { ...p, demand: { ...d, tokensPerYear: m.demand.tokensPerYear ?? d.tokensPerYear, maxUtilization: m.demand.maxUtilization ?? d.maxUtilization, segments: m.demand.segments } };
    }
    case 'growth': {
      const d = p.demand as NonNullable<Portfolio['demand']>;
      const g = d.growthPerYear;
      const next = mode === 'scale' ? (typeof g === 'number' ? g * value : g.map((x) => x * value)) : value;
      for (const x of typeof next === 'number' ? [next] : next) if (!(x > -1 && x <= 10)) throw new RangeError(`${GROWTH}: ${x} is not a valid value; expected a number in (-1, 10]`);
      return { ...p, demand: { ...d, growthPerYear: next } };
    }
    case 'every': {
      const base = getPortfolioInput(p, t.path);
      const vintages = p.vintages.slice();
      for (const i of t.indexes) {
        const v = vintages[i] as PortfolioVintage;
        vintages[i] = { ...v, scenario: shock(v.scenario, t.inner, base, value, mode) as PortfolioVintage['scenario'] };
      }
      if (t.finance === null) return { ...p, vintages };
      const own = p.finance[t.finance];
      const next = mode === 'scale' ? own * value : value;
      if (t.finance === 'wacc' ? !(next > -1 && next <= 1) : !(next >= 0 && next < 1)) throw new RangeError(`${t.path}: ${next} is not a valid value`);
      return { ...p, finance: { ...p.finance, [t.finance]: next }, vintages };
    }
  }
}

/** One vintage's value moved by a common shock to `value` from `base` (or scaled by it). */
function shock(s: Scenario, inner: string, base: number | number[], value: number, mode: SetMode): Scenario {
  if (mode === 'scale') return scenarioPaths.setInput(s, inner, value, 'scale');
  const x = scenarioPaths.getInput(s, inner);
  if (sameValue(x, base) || typeof base !== 'number') return scenarioPaths.setInput(s, inner, value, 'set');
  if (base !== 0) {
    if (typeof x !== 'number') return scenarioPaths.setInput(s, inner, value / base, 'scale');
    const moved = (x * value) / base;
    return scenarioPaths.setInput(s, inner, scenarioPaths.inputInfo(s, inner).integer ? Math.round(moved) : moved, 'set');
  }
  if (typeof x !== 'number') return scenarioPaths.setInput(s, inner, value, 'set');
  return scenarioPaths.setInput(s, inner, x + value, 'set');
}

/** The values a common shock can take that keep one vintage's value in its range `[lo, hi]`. */
function shockRange(x: number | number[], base: number | number[], lo: number, hi: number): [number, number] {
  if (typeof x !== 'number' || typeof base !== 'number' || sameValue(x, base)) return [lo, hi];
  if (base !== 0) {
    const r = x / base;
    if (r > 0) return [lo / r, hi / r];
    if (r < 0) return [hi / r, lo / r];
    return [-Infinity, Infinity];
  }
  return [lo - x, hi - x];
}

/** What an input of a portfolio is and where it may go (for a path on every vintage, the values that keep every vintage valid). */
export function portfolioInputInfo(p: Portfolio, path: string): InputInfo {
  const t = targetOrThrow(p, path);
  switch (t.kind) {
    case 'vintage': {
      const v = p.vintages[t.index] as PortfolioVintage;
      const info = scenarioPaths.inputInfo(v.scenario, t.inner);
      return { ...info, path: t.path, label: `Vintage ${v.id}: ${info.label}`, years: v.scenario.horizon.years };
    }
    case 'market': {
      const info = scenarioPaths.inputInfo(marketScenario(p), t.inner);
      return { ...info, label: `Market: ${info.label}`, years: p.years };
    }
    case 'growth': {
      const value = getPortfolioInput(p, GROWTH);
      const values = typeof value === 'number' ? [value] : value;
      return {
        path: GROWTH,
        label: 'Market token demand growth',
        unit: 'per year',
        kind: 'rate',
        min: Math.min(-0.99, ...values),
        max: Math.max(10, ...values),
        schemaMin: -1,
        schemaMax: 10,
        minExclusive: true,
        maxExclusive: false,
        integer: false,
        series: true,
        derived: false,
        value,
        years: p.years,
      };
    }
    case 'every': {
      const firstV = p.vintages[t.indexes[0] as number] as PortfolioVintage;
      const info = scenarioPaths.inputInfo(firstV.scenario, t.inner);
      const base = getPortfolioInput(p, t.path);
      let lo = info.min;
      let hi = info.max;
      const all: number[] = [];
      for (const i of t.indexes) {
        const s = (p.vintages[i] as PortfolioVintage).scenario;
        const vi = scenarioPaths.inputInfo(s, t.inner);
        const [a, b] = shockRange(vi.value, base, vi.min, vi.max);
        lo = Math.max(lo, a);
        hi = Math.min(hi, b);
        if (typeof vi.value === 'number') all.push(vi.value);
        else all.push(...vi.value);
      }
      if (t.finance !== null) {
        lo = Math.max(lo, info.min);
        hi = Math.min(hi, info.max);
      }
      const every = p.vintages.length > 1 ? (t.indexes.length === p.vintages.length ? ' (every vintage)' : ` (${t.indexes.length} of ${p.vintages.length} vintages)`) : '';
      return { ...info, path: t.path, label: `${info.label}${every}`, value: base, min: Math.min(lo, hi), max: Math.max(lo, hi), allValues: all, years: firstV.scenario.horizon.years };
    }
  }
}

/** Whether `path` names an input of this portfolio: null when it does, else why not. */
export function checkPortfolioPath(p: Portfolio, path: string): Issue | null {
  const t = portfolioTarget(p, path);
  return isIssue(t) ? t : null;
}

/** The inputs of a portfolio by path: the portfolio's finance, the inputs every vintage has, the market's; `vintages[<id>].…` reaches one vintage. */
export function listPortfolioPaths(p: Portfolio): string[] {
  const out = new Set<string>(['finance.wacc', 'finance.taxRate']);
  const shared = p.demand !== undefined;
  for (const v of p.vintages) {
    for (const path of scenarioPaths.listInputPaths(v.scenario)) {
      if (path === 'horizon.years' || (shared && (path.startsWith('demand.') || path === PAID_SHARE))) continue;
      out.add(path);
    }
  }
  if (shared) {
    out.add(GROWTH);
    for (const path of scenarioPaths.listInputPaths(marketScenario(p))) if (path.startsWith('demand.') || path === PAID_SHARE) out.add(path);
  }
  return [...out];
}
