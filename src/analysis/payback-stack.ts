/**
 * The payback stack of MODEL.md §5: the cash revenue per MW-year the factory
 * needs to earn its wacc, beside what each source of cash brings today.
 *
 * The requirement is found by scaling every cash price by one factor `f`
 * (`perMTok`, a subscription's `arpuPerMonth`, `perAcceleratorHour`): each cash
 * segment's revenue is linear in its price, so cash revenue scales by `f` in
 * every year, at the same mix and volume. npv is not linear in `f` (taxes and
 * the loss carry-forward bend it), so `f` is solved by a bracket and Brent.
 *
 * The sources are grouped by segment kind (paid API, subscriptions, capacity
 * contracts…) or by payer (enterprise budgets, consumers, developers,
 * platforms, internal): the same cash, cut two ways, so that enterprise
 * budgets are one bar of the stack, not the whole (issue 19).
 */
import { isCashPricing, pricingKind } from '../model/engine.ts';
import type { PortfolioResult } from '../model/portfolio.ts';
import type { ModelResult } from '../model/result.ts';
import { brent } from '../model/root.ts';
import { PAYER_LABELS, PAYERS, payerOf, type Payer } from '../model/payers.ts';
import type { Pricing, Scenario, Segment } from '../model/schema.ts';
import { isPortfolio, type Portfolio, resultOf, type Subject, summaryOf } from './subject.ts';

/** How the stack cuts cash revenue into sources: by segment kind, or by who pays. */
export type StackGrouping = 'kind' | 'payer';

/** The groupings, the default first. */
export const STACK_GROUPINGS: readonly StackGrouping[] = ['kind', 'payer'];

/** The sources of cash revenue in the stack by segment kind. */
export type StackKindKey = 'paid-api' | 'subscription' | 'capacity-contract' | 'batch' | 'other-cash';

/** A source of the stack: a kind of segment, or a payer. */
export type StackSourceKey = StackKindKey | Payer;

/** The stack's sources by kind in order, with the label people read. */
export const STACK_SOURCES: readonly { key: StackKindKey; label: string }[] = [
  { key: 'paid-api', label: 'Paid API / enterprise' },
  { key: 'subscription', label: 'Subscriptions' },
  { key: 'capacity-contract', label: 'Capacity contracts' },
  { key: 'batch', label: 'Batch' },
  { key: 'other-cash', label: 'Other cash' },
];

/** The stack's sources by payer in order (`PAYERS`), with the label people read. */
export const STACK_PAYER_SOURCES: readonly { key: Payer; label: string }[] = PAYERS.map((key) => ({ key, label: PAYER_LABELS[key] }));

/** Options of `paybackStack`. */
export interface PaybackStackOptions {
  /** group the sources by segment kind (default) or by payer */
  by?: StackGrouping;
}

/** The largest price factor tried before the requirement is called unreachable. */
export const STACK_MAX_FACTOR = 1e6;

/** One source of cash in the stack. */
export interface StackSource {
  /** a segment kind's source (`by: 'kind'`) or a payer (`by: 'payer'`) */
  key: StackSourceKey;
  label: string;
  /** ids of the cash-priced segments in it (empty when the scenario has none) */
  segments: string[];
  /** cash revenue it brings today, $ per MW-year, averaged over the years with accelerators in service */
  revenuePerMW: number;
  /** `revenuePerMW / requiredRevenuePerMW`: the share of the requirement it covers; null when there is no requirement */
  shareOfRequired: number | null;
  /** what it brings at the required revenue (its prices × `factor`); null when there is no requirement */
  revenuePerMWAtRequired: number | null;
}

/** What `paybackStack` says. */
export interface PaybackStack {
  scenarioId: string;
  /** how `sources` cut the cash: by segment kind or by payer */
  by: StackGrouping;
  wacc: number;
  /** npv of the scenario as it stands */
  npv: number | null;
  /** the factor on every cash price at which npv = 0; null (with `reason`) when no factor ≥ 0 gets there */
  factor: number | null;
  /** cash revenue per MW-year at `factor`: what the capacity needs to earn its wacc (same definition as `summary.revenuePerMW`) */
  requiredRevenuePerMW: number | null;
  /** npv at `factor`: 0 up to the solver's tolerance (a check) */
  npvAtRequired: number | null;
  /** cash revenue per MW-year today, all sources (`summary.revenuePerMW`) */
  cashRevenuePerMW: number;
  /** `cash − required`, $ per MW-year: positive is a surplus (cash today earns more than the wacc needs), negative a gap; null without a requirement. The one sign of every surface. */
  surplusPerMW: number | null;
  /** `cash / required`; null without a requirement */
  cashShareOfRequired: number | null;
  /** the five sources, in `STACK_SOURCES` (by kind) or `STACK_PAYER_SOURCES` (by payer) order, empty ones included; their revenue sums to `cashRevenuePerMW` */
  sources: StackSource[];
  /** imputed strategic value per MW-year (not cash, not in the requirement) */
  strategicValuePerMW: number;
  /** `strategicValuePerMW / required`: what it would cover were it cash; null without a requirement */
  strategicShareOfRequired: number | null;
  /** ids of the segments priced with `imputedPerMTok` */
  strategicSegments: string[];
  /** ids of the segments that bring neither cash nor strategic value */
  unpricedSegments: string[];
  /** why there is no requirement, or null */
  reason: string | null;
}

/** The stack source a cash segment belongs to, by its kind. */
export function stackSourceOf(kind: Segment['kind']): StackKindKey {
  switch (kind) {
    case 'paid-api':
    case 'subscription':
    case 'capacity-contract':
    case 'batch':
      return kind;
    default:
      return 'other-cash';
  }
}

function scalePricing(p: Pricing, f: number): Pricing {
  if ('perMTok' in p) return { ...p, perMTok: p.perMTok * f };
  if ('subscription' in p) return { subscription: { ...p.subscription, arpuPerMonth: p.subscription.arpuPerMonth * f } };
  if ('perAcceleratorHour' in p) return { ...p, perAcceleratorHour: p.perAcceleratorHour * f };
  return p;
}

/**
 * The scenario with every cash price multiplied by `f` (`perMTok`, a
 * subscription's `arpuPerMonth`, `perAcceleratorHour`): its cash revenue is `f`
 * times the original in every year. Copies only the segments it changes.
 *
 * @example
 * evaluate(scaleCashRevenue(scenario, 1.5)).summary.revenuePerMW; // 1.5 × today's
 */
export function scaleCashRevenue<S extends Subject>(scenario: S, f: number): S {
  const scaled = (segs: readonly Segment[]): Segment[] => segs.map((s) => (isCashPricing(pricingKind(s.pricing)) ? { ...s, pricing: scalePricing(s.pricing, f) } : s));
  if (isPortfolio(scenario)) {
    // a portfolio: every vintage's cash prices, and the shared market's (MODEL.md §8)
    const p: Portfolio = scenario;
    const vintages = p.vintages.map((v) => ({ ...v, scenario: { ...v.scenario, demand: { ...v.scenario.demand, segments: scaled(v.scenario.demand.segments) } } }));
    return { ...p, vintages, ...(p.demand !== undefined && { demand: { ...p.demand, segments: scaled(p.demand.segments) } }) } as S;
  }
  const s = scenario as Scenario;
  return { ...s, demand: { ...s.demand, segments: scaled(s.demand.segments) } } as S;
}

/** A subject's segments: a scenario's; a portfolio's market's, else each of its vintages' by id (the first of an id). */
function segmentsOf(s: Subject): Segment[] {
  if (!isPortfolio(s)) return s.demand.segments;
  if (s.demand !== undefined) return s.demand.segments;
  const out = new Map<string, Segment>();
  for (const v of s.vintages) for (const seg of v.scenario.demand.segments) if (!out.has(seg.id)) out.set(seg.id, seg);
  return [...out.values()];
}

/** Σ over a segment list's years of a line, per MW-year of the installed base: a scenario's per-MW average, or a portfolio's (§8: over the vintages' MW-years in service). */
function sourcePerMW(r: ModelResult | PortfolioResult, ids: readonly string[], field: 'revenue' | 'strategicValue'): number {
  if ('portfolio' in r) {
    const mwYears = r.summary.installedMWYears;
    if (!(mwYears > 0)) return 0;
    let sum = 0;
    for (const seg of r.segments) if (ids.includes(seg.id)) for (const y of seg.years) sum += y[field] ?? 0;
    return sum / mwYears;
  }
  const idx = ids.map((id) => r.segments.findIndex((x) => x.id === id)).filter((i) => i >= 0);
  return perMWAverage(r, segmentSum(r, idx, field));
}

/** Σ over the years with accelerators in service of `value(t)`, divided by itMW and by their count (the engine's per-MW average). */
function perMWAverage(r: ModelResult, value: (t: number) => number): number {
  let sum = 0;
  let n = 0;
  for (const y of r.years) {
    if (y.t === 0 || !((y.accelerators ?? 0) > 0)) continue;
    sum += value(y.t) / r.scenario.site.itMW;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

const segmentSum = (r: ModelResult, idx: readonly number[], field: 'revenue' | 'strategicValue') => (t: number): number => {
  let s = 0;
  for (const i of idx) s += r.segments[i]?.years[t - 1]?.[field] ?? 0;
  return s;
};

/**
 * The payback stack: the cash revenue per MW-year that earns the wacc (npv = 0,
 * found by scaling all cash prices by one factor), what each source brings
 * today and its share of that requirement, the strategic value beside it, and
 * the surplus (cash − required; negative: a gap). The sources are the segment kinds, or with `by: 'payer'` the
 * payers (each cash segment in exactly one source either way). When no
 * factor ≥ 0 reaches npv = 0 (no cash segment, no cash revenue to scale, or
 * npv positive even with no cash at all), the requirement is null and
 * `reason` says why.
 *
 * @example
 * const s = paybackStack(scenario);
 * s.requiredRevenuePerMW;             // 12.9e6 ($ per MW-year)
 * s.sources[0]?.shareOfRequired;      // 0.31: "paid API covers 31 % of what this capacity needs"
 * s.surplusPerMW;                     // cash today − required: +3.77e6 is a surplus, a negative value a gap
 * paybackStack(scenario, { by: 'payer' }).sources.map((x) => x.key); // ['enterprise', 'consumer', 'developer', 'platform', 'internal']
 */
export function paybackStack(scenario: Subject, options: PaybackStackOptions = {}): PaybackStack {
  const by = options.by ?? 'kind';
  if (!STACK_GROUPINGS.includes(by)) throw new RangeError(`by: "${String(by)}" is not a grouping of the stack; expected ${STACK_GROUPINGS.join(' or ')}`);
  const base = resultOf(scenario);
  const segs = segmentsOf(scenario);
  const kinds = segs.map((s) => pricingKind(s.pricing));
  const list: readonly { key: StackSourceKey; label: string }[] = by === 'payer' ? STACK_PAYER_SOURCES : STACK_SOURCES;
  const bySource = new Map<StackSourceKey, number[]>(list.map((x) => [x.key, []]));
  const strategicIdx: number[] = [];
  const unpriced: string[] = [];
  segs.forEach((s, i) => {
    const k = kinds[i];
    if (k !== undefined && isCashPricing(k)) bySource.get(by === 'payer' ? payerOf(s) : stackSourceOf(s.kind))?.push(i);
    else if (k === 'imputed') strategicIdx.push(i);
    else unpriced.push(s.id);
  });
  const cashIdx = [...bySource.values()].flat();
  const idsOf = (idx: readonly number[]): string[] => idx.map((i) => segs[i]?.id ?? '');
  const cashRevenuePerMW = base.summary.revenuePerMW ?? sourcePerMW(base, idsOf(cashIdx), 'revenue');
  const strategicValuePerMW = sourcePerMW(base, idsOf(strategicIdx), 'strategicValue');

  const solved = solveFactor(scenario, base, cashIdx.length > 0);
  let required: number | null = null;
  let npvAtRequired: number | null = null;
  if (solved.factor !== null) {
    const at = summaryOf(scaleCashRevenue(scenario, solved.factor));
    required = at.summary.revenuePerMW;
    npvAtRequired = at.summary.npv;
  }
  const share = (x: number): number | null => (required === null || required === 0 ? null : x / required);

  const sources: StackSource[] = list.map(({ key, label }) => {
    const idx = bySource.get(key) ?? [];
    const revenuePerMW = sourcePerMW(base, idsOf(idx), 'revenue');
    return {
      key,
      label,
      segments: idx.map((i) => segs[i]?.id ?? ''),
      revenuePerMW,
      shareOfRequired: share(revenuePerMW),
      revenuePerMWAtRequired: solved.factor === null ? null : revenuePerMW * solved.factor,
    };
  });

  return {
    scenarioId: scenario.id,
    by,
    wacc: scenario.finance.wacc,
    npv: base.summary.npv,
    factor: solved.factor,
    requiredRevenuePerMW: required,
    npvAtRequired,
    cashRevenuePerMW,
    surplusPerMW: required === null ? null : cashRevenuePerMW - required,
    cashShareOfRequired: share(cashRevenuePerMW),
    sources,
    strategicValuePerMW,
    strategicShareOfRequired: share(strategicValuePerMW),
    strategicSegments: strategicIdx.map((i) => segs[i]?.id ?? ''),
    unpricedSegments: unpriced,
    reason: solved.reason,
  };
}

/** The factor f ≥ 0 on all cash prices with npv(f) = 0: the first sign change on 0, 1, 2, 4, …, then Brent. */
function solveFactor(scenario: Subject, base: { summary: ModelResult['summary'] }, hasCash: boolean): { factor: number | null; reason: string | null } {
  if (!hasCash) {
    return { factor: null, reason: 'no segment is priced in cash (perMTok, subscription or perAcceleratorHour), so no scale of cash revenue can move npv; strategic value is not cash' };
  }
  const totalCash = base.summary.totalRevenue ?? 0;
  if (!(totalCash > 0)) {
    return { factor: null, reason: 'the cash segments bring no revenue (zero prices, shares or utilization), so no scale of their prices can move npv' };
  }
  const npvAt = (f: number): number => (f === 1 ? (base.summary.npv ?? Number.NaN) : (summaryOf(scaleCashRevenue(scenario, f)).summary.npv ?? Number.NaN));
  const n0 = npvAt(0);
  if (Number.isNaN(n0)) return { factor: null, reason: 'npv has no finite value with zero cash revenue' };
  if (n0 > 0) {
    return { factor: null, reason: `npv is positive (${Math.round(n0).toLocaleString('en-US')}) even with no cash revenue at all: no cash is needed to earn the wacc` };
  }
  if (n0 === 0) return { factor: 0, reason: null };
  let lo = 0;
  let nLo = n0;
  for (let hi = 1; hi <= STACK_MAX_FACTOR; hi *= 2) {
    const nHi = npvAt(hi);
    if (Number.isNaN(nHi)) return { factor: null, reason: `npv has no finite value at ${hi}× today's cash prices` };
    if (nHi >= 0) {
      const r = brent(npvAt, lo, hi);
      if (r.value === null) return { factor: null, reason: `the root finder did not converge between ${lo}× and ${hi}× today's cash prices` };
      return { factor: r.value, reason: null };
    }
    lo = hi;
    nLo = nHi;
  }
  return {
    factor: null,
    reason: `npv stays negative (${Math.round(nLo).toLocaleString('en-US')}) even at ${STACK_MAX_FACTOR.toExponential(0)}× today's cash prices`,
  };
}
