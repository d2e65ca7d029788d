/**
 * Text → every problem at once, or a resolved portfolio (MODEL.md §8).
 *
 * A vintage is its scenario, built at t = 0 in `buildYear − 1`: the template
 * is resolved (catalog merged), re-based to the calendar (`rebase.ts`), its
 * `set:` values written as of the build year, then sized by `itMW` or
 * `scale`. The result holds every vintage as a resolved scenario that starts
 * in its build year, ready to run; a resolved portfolio is itself a valid
 * portfolio (its vintages inline), and resolving it again changes nothing.
 *
 * Pure: templates named by id or path come through a `TemplateLoader` the
 * caller gives (the CLI reads files and built-ins, the server built-ins and
 * its store, never a path).
 */
import { formatPath, type Issue } from './issues.ts';
import { type CheckIssue, type Locate, type ParsedText, parseScenarioText, placeIssues, type ResolvedScenario, resolveScenario, type ScenarioCheck, schemaIssues } from './load.ts';
import { MAX_IT_MW } from './bounds.ts';
import { MAX_VINTAGES, portfolioFinanceSchema, type PortfolioFile, portfolioSchema, type SharedDemand } from './portfolio-schema.ts';
import { rebaseScenario, scaleTrancheAmounts } from './rebase.ts';
import type { Catalog } from './schema.ts';

/** One factory of a portfolio: its scenario re-based, set and sized, starting in `buildYear`. */
export interface PortfolioVintage {
  id: string;
  buildYear: number;
  /** where its scenario came from: a built-in or stored id, a file, `inline` */
  template: string;
  scenario: ResolvedScenario;
}

/** A resolved portfolio: every vintage a resolved scenario (the program spelled out), every default filled. */
export type Portfolio = Omit<PortfolioFile, 'vintages' | 'program' | 'demand'> & {
  vintages: PortfolioVintage[];
  demand?: SharedDemand;
};

/** A template by id or path, loaded and resolved; its issues as its own source reports them. */
export type TemplateResult = { ok: true; scenario: ResolvedScenario; warnings: Issue[]; name?: string } | { ok: false; issues: Issue[]; warnings?: Issue[] };

/**
 * Loads the scenario a vintage names by a string: a built-in or stored id, or
 * a file path (relative to the portfolio's file). An unknown name is an issue
 * with `code: 'not_found'` (placed at the vintage by the loader).
 */
export type TemplateLoader = (ref: string) => TemplateResult;

export type PortfolioResolveResult =
  | { ok: true; portfolio: Portfolio; warnings: Issue[]; templates: Map<string, ResolvedScenario> }
  | { ok: false; issues: Issue[]; warnings: Issue[] };

/** A check of a resolved portfolio that needs more than the model (its `uncertainty:` block needs the analyses). */
export type PortfolioCheck = (portfolio: Portfolio, templates: Map<string, ResolvedScenario>) => { portfolio: Portfolio; issues: CheckIssue[] };

export interface PortfolioContext {
  /** loads the templates named by id or path; without it only inline templates resolve */
  loadTemplate?: TemplateLoader | undefined;
  locate?: Locate | undefined;
  file?: string | undefined;
  /** the checks of an inline template (its uncertainty block) */
  checkScenario?: ScenarioCheck | undefined;
  /** the checks of the resolved portfolio (and its effective uncertainty block) */
  check?: PortfolioCheck | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export { isPortfolio, isPortfolioValue } from './portfolio-kind.ts';

/** The last calendar year of a portfolio. */
export const lastYearOf = (p: { startYear: number; years: number }): number => p.startYear + p.years - 1;

/** One vintage as the file states it (an explicit entry, or one year of the program), with where it is in the file. */
interface VintageEntry {
  id: string | undefined;
  ref: unknown;
  buildYear: number;
  itMW: number | undefined;
  scale: number | undefined;
  set: Record<string, unknown> | undefined;
  /** where it is in the file: ['vintages', i] or ['program'] */
  at: PropertyKey[];
  /** where its scenario is: ['vintages', i, 'scenario'] or ['program', 'template'] */
  refAt: PropertyKey[];
  /** where its set is */
  setAt: PropertyKey[];
  program: boolean;
}

const seriesItem = (s: unknown, i: number): number | undefined => {
  if (typeof s === 'number') return s;
  if (Array.isArray(s) && s.length > 0) {
    const v: unknown = s[Math.min(i, s.length - 1)];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
};

/**
 * Check a raw portfolio (as parsed from text) against the schema and the
 * rules across vintages, all at once; on success load each template, re-base,
 * set and size it, and fill every default.
 *
 * @example
 * const r = resolvePortfolio(parseScenarioText(text).value, catalog, { loadTemplate });
 * if (r.ok) r.portfolio.vintages.map((v) => v.id); // ['2024', '2025', 'texas-2', …]
 */
export function resolvePortfolio(input: unknown, catalog: Catalog, ctx: PortfolioContext = {}): PortfolioResolveResult {
  let raw = input;
  const errors: CheckIssue[] = [];
  if (isRecord(input) && '$schema' in input) {
    const { $schema, ...rest } = input;
    raw = rest;
    if (typeof $schema !== 'string') errors.push({ path: ['$schema'], message: `expected a string (the URL or path of the JSON Schema), got ${JSON.stringify($schema)}`, code: 'invalid_type' });
  }
  errors.push(...schemaIssues(portfolioSchema, raw));
  const placed: Issue[] = [];
  const warnings: Issue[] = [];
  const place = (issues: readonly CheckIssue[]): Issue[] => placeIssues(issues, raw, { locate: ctx.locate, file: ctx.file });
  const where = (path: PropertyKey[]): string => formatPath(path, raw);
  const r = isRecord(raw) ? raw : {};

  const startYear = Number.isInteger(r['startYear']) ? (r['startYear'] as number) : undefined;
  const years = Number.isInteger(r['years']) && (r['years'] as number) >= 1 ? (r['years'] as number) : undefined;
  const lastYear = startYear !== undefined && years !== undefined ? startYear + years - 1 : undefined;
  const span = startYear !== undefined && lastYear !== undefined ? `${startYear}–${lastYear}` : undefined;
  const anchor = r['anchor'] === 'template' ? 'template' : 'calendar';
  const finance = isRecord(r['finance']) ? r['finance'] : {};
  const rawBase = finance['baseRate'];
  // the schema reports a bad one; the vintages take only a valid one
  const baseRate = rawBase !== undefined && portfolioFinanceSchema.shape.baseRate.safeParse(rawBase).success && startYear !== undefined ? { series: rawBase as number | number[], startYear } : undefined;

  // --- the vintages as the file states them: the list, then the program
  const entries: VintageEntry[] = [];
  const list = Array.isArray(r['vintages']) ? (r['vintages'] as unknown[]) : [];
  list.forEach((v, i) => {
    if (!isRecord(v) || !Number.isInteger(v['buildYear'])) return;
    entries.push({
      id: typeof v['id'] === 'string' ? v['id'] : undefined,
      ref: v['scenario'],
      buildYear: v['buildYear'] as number,
      itMW: typeof v['itMW'] === 'number' ? v['itMW'] : undefined,
      scale: typeof v['scale'] === 'number' ? v['scale'] : undefined,
      set: isRecord(v['set']) ? v['set'] : undefined,
      at: ['vintages', i],
      refAt: ['vintages', i, 'scenario'],
      setAt: ['vintages', i, 'set'],
      program: false,
    });
    if (v['itMW'] !== undefined && v['scale'] !== undefined) errors.push({ path: ['vintages', i, 'scale'], message: 'give at most one of itMW and scale', code: 'size_conflict' });
  });
  const program = isRecord(r['program']) ? r['program'] : undefined;
  let programCount = 0;
  if (program !== undefined && Number.isInteger(program['from']) && Number.isInteger(program['to'])) {
    const from = program['from'] as number;
    const to = program['to'] as number;
    if (to < from) errors.push({ path: ['program', 'to'], message: `the program runs from ${from} to ${to}: to must not be before from`, code: 'invalid_range' });
    if (program['itMW'] !== undefined && program['scale'] !== undefined) errors.push({ path: ['program', 'scale'], message: 'give at most one of itMW and scale', code: 'size_conflict' });
    programCount = Math.max(0, to - from + 1);
    if (list.length + programCount <= MAX_VINTAGES) {
      for (let y = from; y <= to; y++) {
        entries.push({
          id: undefined,
          ref: program['template'],
          buildYear: y,
          itMW: seriesItem(program['itMW'], y - from),
          scale: seriesItem(program['scale'], y - from),
          set: isRecord(program['set']) ? program['set'] : undefined,
          at: ['program'],
          refAt: ['program', 'template'],
          setAt: ['program', 'set'],
          program: true,
        });
      }
    }
  }
  const total = list.length + programCount;
  if (total > MAX_VINTAGES && list.length <= MAX_VINTAGES) {
    errors.push({ path: program !== undefined ? ['program'] : ['vintages'], message: `a portfolio has at most ${MAX_VINTAGES} vintages (MODEL.md §8), this one ${total} (${list.length} listed, ${programCount} in the program)`, code: 'too_many_vintages' });
  }
  if (total === 0 && Array.isArray(r['vintages'])) {
    errors.push({ path: ['vintages'], message: 'a portfolio needs at least one vintage: list vintages or give a program', code: 'no_vintages' });
  } else if (total === 0 && r['vintages'] === undefined && program === undefined && isRecord(raw)) {
    errors.push({ path: ['vintages'], message: 'missing: a portfolio needs at least one vintage (vintages:, or a program:)', code: 'no_vintages' });
  }

  // --- ids: the build year, or <buildYear>-<n> when build years repeat
  const byYear = new Map<number, number>();
  for (const e of entries) byYear.set(e.buildYear, (byYear.get(e.buildYear) ?? 0) + 1);
  const nth = new Map<number, number>();
  const ids: string[] = entries.map((e) => {
    const n = (nth.get(e.buildYear) ?? 0) + 1;
    nth.set(e.buildYear, n);
    return e.id ?? ((byYear.get(e.buildYear) ?? 0) > 1 ? `${e.buildYear}-${n}` : String(e.buildYear));
  });
  const firstOf = new Map<string, number>();
  ids.forEach((id, k) => {
    const first = firstOf.get(id);
    if (first === undefined) firstOf.set(id, k);
    else {
      const e = entries[k] as VintageEntry;
      errors.push({ path: e.id !== undefined ? [...e.at, 'id'] : e.at, message: `duplicate vintage id "${id}" (also ${where((entries[first] as VintageEntry).at)}): give each vintage its own id`, code: 'duplicate_id' });
    }
  });

  // --- each vintage: its template loaded, re-based, set, sized, placed on the calendar
  const templates = new Map<string, ResolvedScenario>();
  const cache = new Map<unknown, { scenario: ResolvedScenario | undefined; name: string }>();
  const failedRefs = new Set<unknown>();
  const vintages: PortfolioVintage[] = [];
  entries.forEach((e, k) => {
    const id = ids[k] as string;
    const name = e.program ? `vintage ${id} (program, built in ${e.buildYear})` : `vintage ${id}`;
    if (startYear !== undefined && lastYear !== undefined && (e.buildYear < startYear || e.buildYear > lastYear)) {
      errors.push({
        path: e.program ? ['program'] : [...e.at, 'buildYear'],
        message: `${name}: build year ${e.buildYear} is outside the portfolio's years ${span}`,
        code: 'build_year_outside',
      });
    }
    let loaded = cache.get(e.ref);
    if (loaded === undefined && !failedRefs.has(e.ref)) {
      const t = loadTemplate(e, catalog, ctx, where);
      if (t.issues.length > 0) {
        placed.push(...t.issues);
        failedRefs.add(e.ref);
      }
      warnings.push(...t.warnings);
      if (t.scenario !== undefined) {
        loaded = { scenario: t.scenario, name: t.name };
        cache.set(e.ref, loaded);
        templates.set(t.name, t.scenario);
      }
    }
    if (loaded?.scenario === undefined) return;
    const built = buildVintage(loaded.scenario, e, anchor, catalog, ctx, raw, baseRate);
    errors.push(...built.errors);
    placed.push(...built.placed);
    if (built.scenario === undefined) return;
    const T = built.scenario.horizon.years;
    const end = e.buildYear + T - 1;
    if (lastYear !== undefined && startYear !== undefined && end > lastYear && e.buildYear >= startYear) {
      errors.push({
        path: e.at,
        message: `${name} (${loaded.name}, ${T} years from ${e.buildYear}) runs to ${end}, past the portfolio's last year ${lastYear}: it needs years: ${end - startYear + 1}`,
        code: 'vintage_past_end',
      });
    }
    vintages.push({ id, buildYear: e.buildYear, template: loaded.name, scenario: built.scenario });
  });

  // --- the shared market: its segments checked as a scenario's are (ids, share sums, capacity contracts)
  let demand: SharedDemand | undefined;
  const rawDemand = isRecord(r['demand']) ? r['demand'] : undefined;
  if (rawDemand !== undefined && startYear !== undefined && years !== undefined) {
    const market = resolveScenario(marketProbe(rawDemand, startYear, Math.min(years, 50)), catalog, { locate: ctx.locate, file: ctx.file });
    const cross = new Set(['share_sum', 'duplicate_id', 'pricing_kind']);
    if (!market.ok) placed.push(...market.issues.filter((i) => i.path.startsWith('demand.segments') && cross.has(i.code ?? '')));
    warnings.push(...market.warnings.filter((w) => w.path.startsWith('demand.segments')));
    if (market.ok) demand = { ...(rawDemand as unknown as SharedDemand), segments: market.scenario.demand.segments };
  }

  const all = [...place(errors), ...placed];
  if (all.length > 0 || vintages.length !== entries.length) {
    return { ok: false, issues: all.length > 0 ? sortIssues(all) : place([{ path: [], message: 'the portfolio has vintages that did not resolve', code: 'invalid' }]), warnings };
  }
  const parsed = portfolioSchema.parse(raw);
  const { vintages: _v, program: _p, demand: _d, ...head } = parsed;
  let portfolio: Portfolio = { ...head, vintages, ...(parsed.demand !== undefined && { demand: { ...parsed.demand, segments: (demand ?? parsed.demand).segments } }) };
  if (ctx.check !== undefined) {
    const checked = ctx.check(portfolio, templates);
    if (checked.issues.length > 0) return { ok: false, issues: place(checked.issues), warnings };
    portfolio = checked.portfolio;
  }
  return { ok: true, portfolio, warnings, templates };
}

function sortIssues(issues: Issue[]): Issue[] {
  const cmp = (a: number | undefined, b: number | undefined): number => (a ?? Infinity) - (b ?? Infinity) || 0;
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => (a.issue.file === b.issue.file ? 0 : a.issue.file === undefined ? 1 : b.issue.file === undefined ? -1 : 0) || cmp(a.issue.line, b.issue.line) || cmp(a.issue.column, b.issue.column) || a.i - b.i)
    .map(({ issue }) => issue);
}

/** A scenario that carries the shared market's demand, so its segments get the scenario's checks with the same paths. */
function marketProbe(d: Record<string, unknown>, startYear: number, years: number): unknown {
  return {
    id: 'market',
    operator: 'custom',
    horizon: { startYear, years },
    site: { itMW: 1, pue: 1, facility: { mode: 'none' } },
    fleet: { mode: 'rent', kWPerAccelerator: 1, tokensPerSecond: 1, rentPerAcceleratorHour: 0, rentTermYears: 1 },
    demand: { tokensPerYear: typeof d['tokensPerYear'] === 'number' && d['tokensPerYear'] >= 0 ? d['tokensPerYear'] : 0, segments: d['segments'] },
    finance: { wacc: 0 },
  };
}

/** Load the template of an entry: inline through the resolver, by name through the caller's loader. */
function loadTemplate(
  e: VintageEntry,
  catalog: Catalog,
  ctx: PortfolioContext,
  where: (path: PropertyKey[]) => string,
): { scenario: ResolvedScenario | undefined; name: string; issues: Issue[]; warnings: Issue[] } {
  const at = where(e.refAt);
  const here = (message: string, code: string): Issue => {
    const pos = ctx.locate?.(e.refAt);
    return { path: at, message, code, ...(pos !== undefined && { line: pos.line, column: pos.column }), ...(ctx.file !== undefined && { file: ctx.file }) };
  };
  if (isRecord(e.ref)) {
    const prefix = (i: Issue): Issue => ({ ...i, path: i.path === '' ? at : `${at}.${i.path}` });
    const res = resolveScenario(e.ref, catalog, { locate: (p) => ctx.locate?.([...e.refAt, ...p]), file: ctx.file, check: ctx.checkScenario });
    const name = typeof e.ref['id'] === 'string' ? `inline ${e.ref['id']}` : 'inline';
    if (!res.ok) return { scenario: undefined, name, issues: res.issues.map(prefix), warnings: res.warnings.map(prefix) };
    return { scenario: res.scenario, name, issues: [], warnings: res.warnings.map(prefix) };
  }
  if (typeof e.ref !== 'string') return { scenario: undefined, name: '', issues: [], warnings: [] }; // the schema says what is wrong
  if (ctx.loadTemplate === undefined) {
    return { scenario: undefined, name: e.ref, issues: [here(`cannot load the scenario "${e.ref}" here: give it inline`, 'no_loader')], warnings: [] };
  }
  const res = ctx.loadTemplate(e.ref);
  if (res.ok) return { scenario: res.scenario, name: res.name ?? e.ref, issues: [], warnings: res.warnings };
  // a name that does not resolve is this file's problem, at the vintage; a broken template file is its own, at its lines
  const issues = res.issues.map((i) => (i.file === undefined || i.code === 'not_found' || i.code === 'path_not_allowed' ? here(i.message, i.code ?? 'not_found') : { ...i, message: `${i.message} (the scenario of ${at})` }));
  return { scenario: undefined, name: e.ref, issues, warnings: res.warnings ?? [] };
}

/** The catalog fields a new `fleet.accelerator` re-reads unless `set` gives them. */
const CATALOG_FIELDS = ['kWPerAccelerator', 'tokensPerSecond', 'capexPerAccelerator'] as const;

/**
 * A vintage from its resolved template: re-based to its build year (anchor
 * calendar), `set` written as of the build year, re-resolved (so a set value
 * gets every check a scenario's value gets), sized and started in its build year.
 */
function buildVintage(
  template: ResolvedScenario,
  e: VintageEntry,
  anchor: 'calendar' | 'template',
  catalog: Catalog,
  ctx: PortfolioContext,
  raw: unknown,
  portfolioBaseRate: { series: number | readonly number[]; startYear: number } | undefined,
): { scenario: ResolvedScenario | undefined; errors: CheckIssue[]; placed: Issue[] } {
  const errors: CheckIssue[] = [];
  const placed: Issue[] = [];
  let base = anchor === 'calendar' ? rebaseScenario(template, e.buildYear) : { ...template, horizon: { ...template.horizon, startYear: e.buildYear } };
  if (portfolioBaseRate !== undefined && takesBaseRate(base)) {
    base = { ...base, finance: { ...base.finance, baseRate: vintageBaseRate(portfolioBaseRate.series, portfolioBaseRate.startYear, e.buildYear, base.horizon.years) } };
  }
  let s: ResolvedScenario = base;
  const setKeys = e.set === undefined ? [] : Object.keys(e.set);
  if (e.set !== undefined && setKeys.length > 0) {
    const obj = structuredClone(base) as unknown as Record<string, unknown>;
    for (const key of setKeys) {
      const value = e.set[key];
      if (key === 'horizon.startYear') {
        errors.push({ path: [...e.setAt, key], message: 'a vintage starts in its buildYear: set buildYear instead', code: 'set_start_year' });
        continue;
      }
      const bad = writePath(obj, key, value);
      if (bad !== null) errors.push({ path: [...e.setAt, key], message: bad, code: 'bad_set_path' });
      if (key === 'fleet.accelerator') {
        const fleet = obj['fleet'] as Record<string, unknown>;
        for (const f of CATALOG_FIELDS) if (!setKeys.includes(`fleet.${f}`)) delete fleet[f];
      }
    }
    if (errors.length > 0) return { scenario: undefined, errors, placed };
    const res = resolveScenario(obj, catalog, {});
    if (!res.ok) {
      const setAt = formatPath(e.setAt, raw);
      const atText = formatPath(e.at, raw);
      for (const i of res.issues) {
        const key = setKeys.find((k) => i.path === k || i.path.startsWith(`${k}.`) || i.path.startsWith(`${k}[`)) ?? (setKeys.includes('fleet.accelerator') && i.path.startsWith('fleet.') ? 'fleet.accelerator' : undefined);
        const pos = ctx.locate?.(key === undefined ? e.at : [...e.setAt, key]);
        const inside = key !== undefined && i.path.startsWith(key);
        placed.push({
          path: key === undefined ? atText : `${setAt}.${key}${inside ? i.path.slice(key.length) : ''}`,
          message: key === undefined || !inside ? `${i.path === '' ? '' : `${i.path}: `}${i.message}${key === undefined ? ' (after its set:)' : ''}` : i.message,
          code: i.code ?? 'invalid_set',
          ...(pos !== undefined && { line: pos.line, column: pos.column }),
          ...(ctx.file !== undefined && { file: ctx.file }),
        });
      }
      return { scenario: undefined, errors, placed };
    }
    s = res.scenario;
  }
  const itMW = e.itMW ?? s.site.itMW * (e.scale ?? 1);
  if (!(itMW > 0 && itMW <= MAX_IT_MW)) {
    errors.push({ path: [...e.at, e.scale !== undefined ? 'scale' : 'itMW'], message: `the vintage's IT load would be ${itMW} MW: it must be in (0, ${MAX_IT_MW}] (MODEL.md §2)`, code: 'too_big' });
    return { scenario: undefined, errors, placed };
  }
  // a capital stack's fixed amounts follow the vintage's size (MODEL.md §9: each vintage keeps its own tranches)
  return { scenario: { ...s, site: { ...s.site, itMW }, horizon: { ...s.horizon, startYear: e.buildYear }, finance: scaleTrancheAmounts(s.finance, itMW / s.site.itMW) }, errors, placed };
}

/**
 * MODEL.md §8, §9: a portfolio's `finance.baseRate` is by calendar year from
 * its startYear and replaces the base rate of each vintage with a capital
 * stack (a tranche list or a base rate of its own): the vintage's operating
 * year t reads the portfolio's year `buildYear + t − 1` (its last value
 * carried forward).
 *
 * @example
 * vintageBaseRate([0.04, 0.035, 0.03], 2026, 2027, 12); // [0.035, 0.03]
 */
export function vintageBaseRate(baseRate: number | readonly number[], startYear: number, buildYear: number, years: number): number | number[] {
  if (typeof baseRate === 'number') return baseRate;
  const from = Math.max(0, buildYear - startYear);
  const out = baseRate.slice(Math.min(from, baseRate.length - 1), from + years);
  return out.length === 1 ? (out[0] as number) : out;
}

/** Whether a scenario has a capital stack whose base rate a portfolio's replaces. */
const takesBaseRate = (s: ResolvedScenario): boolean => Array.isArray(s.finance.debt) || s.finance.baseRate !== undefined;

/** Write `value` at a dotted path (`demand.segments[paid].pricing.perMTok`, `[2]` by index) into `obj`, making objects along it; an error text when it cannot. */
function writePath(obj: Record<string, unknown>, path: string, value: unknown): string | null {
  const steps = splitPath(path);
  if (steps === null || steps.length === 0) return `"${path}" is not a path: write it as dotted keys, list elements by id in brackets (demand.segments[paid].pricing.perMTok)`;
  let node: Record<string, unknown> = obj;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as { key: string; id?: string };
    const last = i === steps.length - 1;
    if (step.id !== undefined) {
      const listValue = node[step.key];
      if (!Array.isArray(listValue)) return `${steps.slice(0, i + 1).map((s) => s.key).join('.')} is not a list of this scenario`;
      const arr = listValue as unknown[];
      const byId = arr.findIndex((el) => isRecord(el) && el['id'] === step.id);
      const idx = byId >= 0 ? byId : /^\d+$/.test(step.id) ? Number(step.id) : -1;
      if (idx < 0 || idx >= arr.length) {
        const ids = arr.map((el) => (isRecord(el) ? String(el['id']) : '?'));
        return `no element "${step.id}" in ${step.key}; its ids are ${ids.join(', ')}`;
      }
      if (last) {
        arr[idx] = value;
        return null;
      }
      const el = arr[idx];
      if (!isRecord(el)) return `${step.key}[${step.id}] is not an object`;
      node = el;
      continue;
    }
    if (last) {
      node[step.key] = value;
      return null;
    }
    const next = node[step.key];
    if (next === undefined) node[step.key] = {};
    else if (!isRecord(next)) return `${steps.slice(0, i + 1).map((s) => s.key).join('.')} is a value, not a group of inputs: end the path there`;
    node = node[step.key] as Record<string, unknown>;
  }
  return null;
}

function splitPath(path: string): { key: string; id?: string }[] | null {
  const out: { key: string; id?: string }[] = [];
  const re = /([A-Za-z_$][A-Za-z0-9_$]*)(?:\[([^\]]+)\])?(?:\.|$)/y;
  let at = 0;
  while (at < path.length) {
    re.lastIndex = at;
    const m = re.exec(path);
    if (m === null || m[0] === '') return null;
    out.push(m[2] === undefined ? { key: m[1] as string } : { key: m[1] as string, id: m[2] });
    at = re.lastIndex;
  }
  return out;
}

/**
 * Parse and resolve a portfolio text; issues carry file, line and column. When
 * the text has syntax errors only those are reported. `parsed`: the text
 * already parsed (`knownValue`: a shipped file the build parsed).
 */
export function loadPortfolioText(text: string, catalog: Catalog, opts: Omit<PortfolioContext, 'locate'> & { parsed?: ParsedText | undefined } = {}): PortfolioResolveResult {
  const { parsed, ...context } = opts;
  const { value, issues, locate } = parsed ?? parseScenarioText(text, { file: opts.file });
  const syntaxErrors = issues.filter((i) => i.severity !== 'warning');
  const syntaxWarnings = issues.filter((i) => i.severity === 'warning');
  if (syntaxErrors.length > 0) return { ok: false, issues: syntaxErrors, warnings: syntaxWarnings };
  const r = resolvePortfolio(value, catalog, { ...context, locate });
  return { ...r, warnings: [...syntaxWarnings, ...r.warnings] } as PortfolioResolveResult;
}
