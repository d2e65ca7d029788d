/**
 * The yearly engine of MODEL.md §3: a resolved scenario in, the result contract
 * of §4 out. Pure and deterministic. A thin view over `runFactory`
 * (`factory.ts`), the one computation of a year that the Monte Carlo runs
 * too: here once, recording every line.
 */
import { type FactoryMetrics, type FactoryPlan, factoryPlan, newFactoryMetrics, newRecording, runFactory, segmentRows, trancheRows, yearRows } from './factory.ts';
import { generationCapex } from './lines.ts';
import {
  CAPITAL_SUMMARY_FIELDS,
  CAPITAL_YEAR_FIELDS,
  type ModelWarning,
  type PricingKind,
  SEGMENT_YEAR_FIELDS,
  type Summary,
  SUMMARY_FIELDS,
  TRANCHE_YEAR_FIELDS,
  YEAR_FIELDS,
  type ModelResult,
  type SegmentResult,
  summaryIsFinite,
} from './result.ts';
import type { Issue } from './issues.ts';
import type { Scenario } from './schema.ts';
import { extractInputs, hasStructure, makeLayout, type Structure, structureOf } from './slots.ts';

export { isCashPricing, pricingKind } from './slots.ts';

/** A generation of accelerators bought at one time (own mode). */
export interface Generation {
  k: number;
  /** first operating year in service, `s_k` */
  start: number;
  /** last operating year in service within the horizon */
  end: number;
  /** the year it retires and is sold, or null when it is still in service at the horizon */
  retireYear: number | null;
  capex: number;
  /** the `t` at which its capex is spent, `b_k = s_k − 1`: its purchase year, counted from the start */
  spendAt: number;
}

/**
 * §3.1 the generations of an owned fleet over the horizon: generation k is
 * bought at `b_k = k·L` for `firstCapex · capexChangePerYear^(b_k)`.
 */
export function generationSchedule(
  horizonYears: number,
  usefulLifeYears: number,
  refresh: boolean,
  firstCapex: number,
  capexChangePerYear: number,
): Generation[] {
  const out: Generation[] = [];
  const count = refresh ? Math.floor((horizonYears - 1) / usefulLifeYears) + 1 : 1;
  for (let k = 0; k < count; k++) {
    const start = 1 + k * usefulLifeYears;
    const last = start + usefulLifeYears - 1;
    out.push({
      k,
      start,
      end: Math.min(last, horizonYears),
      retireYear: last <= horizonYears ? last : null,
      capex: generationCapex(firstCapex, capexChangePerYear, start - 1),
      spendAt: start - 1,
    });
  }
  return out;
}

/**
 * Evaluate a resolved scenario (see `resolveScenario`): the yearly lines, the
 * per-segment lines, the summary and the warnings.
 *
 * @example
 * const r = evaluate(scenario);
 * r.summary.npv; // 2.1e9
 * r.years[1]?.grossProfitPerMW;
 */
export function evaluate(scenario: Scenario): ModelResult {
  const c = compiledFor(scenario);
  const plan = c.plan;
  extractInputs(scenario, plan.layout, c.x);
  const rec = newRecording('rows');
  runFactory(plan, c.x, c.metrics, rec, false);
  const segs = scenario.demand.segments;
  const segments: SegmentResult[] = [];
  const basis = c.st.capital?.basis;
  for (let j = 0; j < segs.length; j++) {
    const g = segs[j]!;
    const seg: SegmentResult = { id: g.id, label: g.label ?? g.id, kind: g.kind, pricingKind: c.kinds[j]!, years: segmentRows(rec, j) };
    if (basis !== undefined) seg.basis = basis[j]!;
    segments.push(seg);
  }
  const result: ModelResult = { scenario, years: yearRows(plan, rec), segments, summary: rec.summary, warnings: rec.warnings };
  if (plan.cap !== null) result.tranches = trancheRows(plan);
  sanitize(result, rec.needsFix);
  return result;
}

/** What `evaluateSummary` gives: the summary of §3.7 and the warnings, without the yearly rows. */
export interface SummaryResult {
  scenario: Scenario;
  summary: Summary;
  warnings: ModelWarning[];
}

/**
 * The summary and warnings of `evaluate(scenario)`, the same numbers, without
 * making the rows of every year: what analyses that search or sweep an input
 * (breakeven, tornado, grid, the stack, the design point) read, many times.
 *
 * @example
 * evaluateSummary(s).summary.npv === evaluate(s).summary.npv; // true
 */
export function evaluateSummary(scenario: Scenario): SummaryResult {
  const c = compiledFor(scenario);
  extractInputs(scenario, c.plan.layout, c.x);
  const rec = newRecording('none');
  runFactory(c.plan, c.x, c.metrics, rec, false);
  const r = { scenario, summary: rec.summary, warnings: rec.warnings };
  fixSummary(r);
  return r;
}

/** The plan of one structure of scenario and its input vector, kept for the next evaluation of that structure. */
interface Compiled {
  st: Structure;
  plan: FactoryPlan;
  x: Float64Array;
  metrics: FactoryMetrics;
  kinds: PricingKind[];
}

// Analyses evaluate many scenarios of one structure (a breakeven moves one number at a time), so the
// plans of the last few structures are kept, most recent first; `evaluate` is synchronous and a plan
// holds nothing between runs.
const compiledCache: Compiled[] = [];
const COMPILED_CACHE_SIZE = 16;

function compiledFor(scenario: Scenario): Compiled {
  for (let i = 0; i < compiledCache.length; i++) {
    const c = compiledCache[i]!;
    if (hasStructure(c.st, scenario)) {
      if (i > 0) {
        compiledCache.splice(i, 1);
        compiledCache.unshift(c);
      }
      return c;
    }
  }
  const st = structureOf(scenario);
  const layout = makeLayout(st.T, st.kinds.length, st.capital);
  const c: Compiled = { st, plan: factoryPlan(st, layout), x: new Float64Array(layout.count), metrics: newFactoryMetrics(), kinds: st.kinds };
  compiledCache.unshift(c);
  if (compiledCache.length > COMPILED_CACHE_SIZE) compiledCache.pop();
  return c;
}

/**
 * MODEL.md §2: an evaluation that still yields a non-finite value is an
 * input error (exit 2 / HTTP 422) that names the line and the year. The
 * result itself carries those values as null with a `not-finite` warning;
 * this turns those warnings into the input issues a surface reports.
 *
 * @example
 * const problems = nonFiniteIssues(evaluate(s));
 * if (problems.length > 0) throw new InputError(problems);
 */
export function nonFiniteIssues(r: ModelResult): Issue[] {
  return r.warnings
    .filter((w) => w.code === 'not-finite')
    .map((w) => ({
      path: w.field ?? '',
      message: `${w.message.replace(/; reported as null$/, '')}: the inputs overflow the model's arithmetic (MODEL.md §2) — bring the extreme values in`,
      code: 'not_finite',
    }));
}

/** Null out the non-finite fields of one row, with a warning each. */
function fixRow(r: { warnings: ModelWarning[] }, obj: Record<string, number | null>, keys: readonly string[], where: string, t?: number): void {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = obj[key];
    if (v !== null && v !== undefined && !Number.isFinite(v)) {
      obj[key] = null;
      r.warnings.push({ code: 'not-finite', field: key, message: `${where}${key} has no finite value (inputs out of a numeric range); reported as null`, ...(t === undefined ? {} : { t }) });
    }
  }
}

/**
 * The last guard of "no NaN or Infinity in any output": such a value becomes null
 * with a warning. Rows are checked field by field only when the factory's cheap
 * per-year sums said something was not finite; the summary always is.
 */
function sanitize(r: ModelResult, rowsNeedFix: boolean): void {
  if (rowsNeedFix) {
    const capital = r.tranches !== undefined;
    for (const y of r.years) {
      fixRow(r, y as unknown as Record<string, number | null>, YEAR_FIELDS, `year ${y.year}: `, y.t);
      if (capital) fixRow(r, y as unknown as Record<string, number | null>, CAPITAL_YEAR_FIELDS, `year ${y.year}: `, y.t);
    }
    for (const s of r.segments) for (const y of s.years) fixRow(r, y as unknown as Record<string, number | null>, SEGMENT_YEAR_FIELDS, `segment ${s.id}, year ${y.year}: `, y.t);
    for (const tr of r.tranches ?? []) for (const y of tr.years) fixRow(r, y as unknown as Record<string, number | null>, TRANCHE_YEAR_FIELDS, `tranche ${tr.id}, year ${y.year}: `, y.t);
  }
  fixSummary(r);
}

/** The summary's non-finite fields as null with a warning (the capital stack's too, and its breaches). */
function fixSummary(r: { summary: Summary; warnings: ModelWarning[] }): void {
  const s = r.summary;
  if (!summaryIsFinite(s)) fixRow(r, s as unknown as Record<string, number | null>, SUMMARY_FIELDS, 'summary: ');
  if (s.covenantBreaches === undefined) return;
  fixRow(r, s as unknown as Record<string, number | null>, CAPITAL_SUMMARY_FIELDS, 'summary: ');
  const bad = s.covenantBreaches.filter((b) => !Number.isFinite(b.value + b.cure));
  if (bad.length > 0) {
    s.covenantBreaches = s.covenantBreaches.filter((b) => Number.isFinite(b.value + b.cure));
    r.warnings.push({ code: 'not-finite', field: 'covenantBreaches', message: `summary: ${bad.length} covenant breach${bad.length === 1 ? '' : 'es'} had no finite value (inputs out of a numeric range) and are left out` });
  }
}
