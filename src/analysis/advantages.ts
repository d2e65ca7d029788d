/**
 * Structural advantages (MODEL.md §5): the Shapley attribution of the
 * difference in npv per MW between an operator and a reference operator to
 * five groups of inputs. Each of the 2⁵ = 32 coalitions takes the groups in it
 * from the operator and the rest from the reference; it is evaluated once.
 *
 * The groups, and where the inputs that MODEL.md does not name go:
 *
 * - **power** — the plant (`site.power`, `site.pue`, `site.facility`) and the
 *   running costs of the site (`opex`: fixed per MW-year, per-token).
 * - **silicon** — the `fleet` block whole (its `mode`, capex, kW, tokens/s,
 *   life, generations, or its rent), `serving` (software throughput gain
 *   multiplies tokens/s) and `horizon` (the years, hence the generations, the
 *   fleet is run for; it goes with the fleet so a generation plan stays whole).
 * - **distribution** — `demand` except pricing: utilization or tokens mode, the
 *   segment list with kinds, token shares, compute intensity and hidden
 *   reasoning share.
 * - **pricing** — each segment's `pricing` and `reasoningBilled` (the billing
 *   terms), laid on the distribution's segment list (see below).
 * - **balance sheet** — `finance` (wacc, tax, terminal value, debt).
 *
 * Kept from the operator in every coalition: `site.itMW` (npv per MW is
 * homogeneous of degree 1 in itMW, so the size does not move the metric; in
 * tokens mode the distribution's `tokensPerYear` is scaled to the operator's MW
 * so demand per MW is what its source says), and what does not enter npv
 * (`id`, names, `profitability`, `uncertainty`).
 *
 * Rent vs own. `fleet.mode: rent` goes only with `site.facility.mode: none`. The
 * fleet mode is silicon's; the plant (`site.power`, `pue`, `facility`) comes
 * from the power source when its fleet mode matches the silicon source's, and
 * from the silicon source otherwise (a rented fleet brings its power and
 * building inside the rent). So every coalition is a valid scenario, and
 * between a renter and an owner the plant difference counts under silicon;
 * power then carries only the site opex.
 *
 * Pricing on another mix (MODEL.md §5). When the two operators' segment lists
 * are the same (the same ids with the same kinds), "pricing from P on the mix
 * of D" swaps each segment's `pricing` and `reasoningBilled`. When they
 * differ (a token seller against a seller of GPU-hours), segment prices
 * cannot be laid on another list without inventing a match, so the pricing
 * group transplants one multiplier on D's cash prices (`perMTok`, a
 * subscription's `arpuPerMonth`, `perAcceleratorHour`): the ratio of P's to
 * D's lifetime cash revenue per served compute unit, each operator's own
 * (`revenuePerComputeUnit`). Imputed (strategic) prices stay D's: they are
 * not cash and do not enter npv. When D and P are the same scenario nothing
 * changes.
 *
 * Because every input that moves npv is in exactly one group, the attribution
 * is exact both ways: the parts sum to `npv/itMW` of the operator minus that of
 * the reference, and swapping the two flips every sign. Shares of the
 * difference are given only when every non-zero part has the sign of the
 * difference: with parts of both signs a share says nothing (−637 %, 1,783 %),
 * so the parts are read in $ per MW alone.
 */
import { evaluate, evaluateSummary } from '../model/engine.ts';
import type { ResolvedScenario } from '../model/load.ts';
import type { PortfolioResult } from '../model/portfolio.ts';
import { rebaseScenario } from '../model/rebase.ts';
import type { ModelResult } from '../model/result.ts';
import type { Scenario, Segment } from '../model/schema.ts';
import { scaleCashRevenue } from './payback-stack.ts';
import { isPortfolio, type Portfolio, resultOf, type Subject, summaryOf } from './subject.ts';

export const ADVANTAGE_GROUPS = ['power', 'silicon', 'distribution', 'pricing', 'balanceSheet'] as const;
export type AdvantageGroup = (typeof ADVANTAGE_GROUPS)[number];

/** What each group is called and which inputs it holds. */
export const ADVANTAGE_GROUP_INFO: Readonly<Record<AdvantageGroup, { label: string; inputs: string }>> = {
  power: { label: 'Power', inputs: 'site.power, site.pue, site.facility, opex' },
  silicon: { label: 'Silicon', inputs: 'fleet, serving, horizon' },
  distribution: { label: 'Distribution', inputs: 'demand: utilization or tokens, segments, shares, intensity, reasoning' },
  pricing: { label: 'Pricing', inputs: 'demand.segments[*].pricing, reasoningBilled' },
  balanceSheet: { label: 'Balance sheet', inputs: 'finance' },
};

const N_GROUPS = ADVANTAGE_GROUPS.length;
const FULL = (1 << N_GROUPS) - 1;

/** One group's part of the difference. */
export interface AdvantagePart {
  group: AdvantageGroup;
  label: string;
  inputs: string;
  /** its Shapley value: $ of npv per MW of IT load (operator minus reference) */
  npvPerMW: number | null;
  /** `npvPerMW / difference`; null when the difference is 0 or unknown, or when the parts have both signs (`sharesNote` says so) */
  shareOfDifference: number | null;
}

/** One coalition: the groups taken from the operator (the rest from the reference) and its npv per MW. */
export interface AdvantageCoalition {
  fromOperator: AdvantageGroup[];
  npvPerMW: number | null;
}

/** What `advantages` says. */
export interface Advantages {
  operator: { id: string; name: string; npvPerMW: number | null };
  /** the reference's npv per MW (its inputs evaluated at the operator's itMW; per MW it is the same) */
  reference: { id: string; name: string; npvPerMW: number | null };
  /** operator minus reference npv per MW; the parts sum to it */
  difference: number | null;
  parts: AdvantagePart[];
  /** the 32 coalitions, indexed by bitmask (bit i set = group `ADVANTAGE_GROUPS[i]` from the operator) */
  coalitions: AdvantageCoalition[];
  evaluations: number;
  /** how this pair was handled where the two scenarios differ in shape */
  notes: string[];
  /** why the parts are null (an npv with no finite value), or null */
  reason: string | null;
  /** how the pricing group was carried between the two mixes (MODEL.md §5) */
  pricing: AdvantagePricing;
  /** why the shares of the difference are not given (parts of both signs, or no difference), or null */
  sharesNote: string | null;
}

/** How pricing moves between the two operators' mixes. */
export interface AdvantagePricing {
  /** `segments`: the same segment lists, each segment's pricing swapped; `multiplier`: one multiplier on the cash prices */
  mode: 'segments' | 'multiplier';
  /** lifetime cash revenue per served compute unit of each operator ($ per compute unit; null without served compute) */
  revenuePerComputeUnit: { operator: number | null; reference: number | null };
  /** the operator's pricing on the reference's mix multiplies its cash prices by this (the reverse by its inverse); null in `segments` mode or when it does not exist */
  multiplier: number | null;
}

/** Whether two segment lists are the same: the same ids, each with the same kind. */
export function sameSegmentLists(a: readonly Segment[], b: readonly Segment[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((s) => b.some((p) => p.id === s.id && p.kind === s.kind));
}

/**
 * Lifetime cash revenue per served compute unit (MODEL.md §5): Σ revenue over
 * Σ served compute, where a segment's token costs `computeIntensity` compute
 * units; null when nothing is served.
 *
 * @example
 * revenuePerComputeUnit(evaluate(neocloud)); // 1.0e-7 ($ per compute unit: $0.10 per million)
 */
export function revenuePerComputeUnit(r: ModelResult): number | null {
  let compute = 0;
  for (const [i, seg] of r.segments.entries()) {
    const k = r.scenario.demand.segments[i]?.computeIntensity ?? 1;
    for (const y of seg.years) compute += (y.tokens ?? 0) * k;
  }
  const revenue = r.summary.totalRevenue;
  return compute > 0 && revenue !== null ? revenue / compute : null;
}

/** The pricing source's pricing swapped onto the same segment list, segment by segment. */
function pricedSegments(mix: readonly Segment[], prices: readonly Segment[]): Segment[] {
  return mix.map((s) => {
    const m = prices.find((p) => p.id === s.id && p.kind === s.kind);
    return m === undefined ? s : { ...s, pricing: m.pricing, reasoningBilled: m.reasoningBilled };
  });
}

/** What a pair needs to carry pricing from one mix to the other, computed once per pair. */
interface PricingPlan {
  same: boolean;
  /** revenue per served compute unit of the operator and of the reference */
  op: number | null;
  ref: number | null;
}

/** The plan of a pair; `results` evaluates the operator and the reference when the lists differ (the two results may be given). */
function pricingPlan(operator: Scenario, reference: Scenario, results?: { operator: ModelResult; reference: ModelResult }): PricingPlan {
  const same = sameSegmentLists(operator.demand.segments, reference.demand.segments);
  if (same) return { same, op: null, ref: null };
  const r = results ?? { operator: evaluate(operator), reference: evaluate(reference) };
  return { same, op: revenuePerComputeUnit(r.operator), ref: revenuePerComputeUnit(r.reference) };
}

/** The plan of the two coalitions that need none: each side's pricing on its own mix. */
const OWN_PRICES: PricingPlan = { same: true, op: null, ref: null };

/** The multiplier on the mix source's cash prices that carries the pricing source's revenue per compute unit (1 where it cannot). */
function transplantFactor(pricesFromOperator: boolean, plan: PricingPlan): number {
  const p = pricesFromOperator ? plan.op : plan.ref;
  const d = pricesFromOperator ? plan.ref : plan.op;
  if (p === null || d === null || !(d > 0)) return 1;
  return p / d;
}

const groupsOf = (mask: number): AdvantageGroup[] => ADVANTAGE_GROUPS.filter((_, i) => (mask & (1 << i)) !== 0);

/**
 * The scenario of one coalition: the groups in `fromOperator` from `operator`,
 * the others from `reference`, the frame (itMW, id, profitability) from the
 * operator. Always a valid scenario; shares its unchanged blocks with the two
 * inputs (nothing is deep-copied).
 *
 * @example
 * const s = advantageCoalition(neocloud, hyperscaler, ['pricing']);
 * evaluate(s).summary.npv; // the hyperscaler with the neocloud's prices
 */
export function advantageCoalition<S extends Scenario>(operator: S, reference: Scenario, fromOperator: Iterable<AdvantageGroup>): S {
  return coalitionOf(operator, reference, new Set(fromOperator), pricingPlan(operator, reference));
}

function coalitionOf<S extends Scenario>(operator: S, reference: Scenario, from: ReadonlySet<AdvantageGroup>, plan: PricingPlan): S {
  const src = (g: AdvantageGroup): Scenario => (from.has(g) ? operator : reference);
  const power = src('power');
  const silicon = src('silicon');
  const mix = src('distribution');
  const prices = src('pricing');
  const plant = power.fleet.mode === silicon.fleet.mode ? power.site : silicon.site;
  const itMW = operator.site.itMW;
  const { power: plantPower, ...plantRest } = plant;
  const site: Scenario['site'] = {
    ...plantRest,
    itMW,
    ...(plantPower === undefined ? {} : { power: plantPower }),
  };
  let demand = mix.demand;
  if (prices !== mix) {
    if (plan.same) demand = { ...demand, segments: pricedSegments(mix.demand.segments, prices.demand.segments) };
    else {
      const f = transplantFactor(prices === operator, plan);
      if (f !== 1) demand = scaleCashRevenue({ ...mix, demand }, f).demand;
    }
  }
  if (demand.tokensPerYear !== undefined && mix.site.itMW !== itMW) {
    demand = { ...demand, tokensPerYear: (demand.tokensPerYear * itMW) / mix.site.itMW };
  }
  return {
    ...operator,
    horizon: silicon.horizon,
    site,
    fleet: silicon.fleet,
    serving: silicon.serving,
    demand,
    finance: src('balanceSheet').finance,
    opex: power.opex,
  };
}

/** Shapley weight of a coalition of `s` players that a player joins, with `N_GROUPS` players: s!(n−s−1)!/n!. */
function weight(s: number): number {
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  return (fact(s) * fact(N_GROUPS - s - 1)) / fact(N_GROUPS);
}
const WEIGHTS = Array.from({ length: N_GROUPS }, (_, s) => weight(s));
const popcount = (m: number): number => {
  let c = 0;
  for (let x = m; x !== 0; x &= x - 1) c++;
  return c;
};

/**
 * The Shapley attribution of the npv-per-MW difference (operator minus
 * reference) to power, silicon, distribution, pricing and balance sheet: 32
 * evaluations, one per coalition; the parts sum to the difference, and
 * `advantages(b, a)` has every sign of `advantages(a, b)` flipped. The library
 * takes the reference as a scenario; the CLI's default is `hyperscaler-base`.
 *
 * @example
 * const a = advantages(neocloud, hyperscaler);
 * a.difference;                                  // −2.2e7 ($ npv per MW)
 * a.parts.find((p) => p.group === 'balanceSheet'); // { npvPerMW: −4.1e6, shareOfDifference: 0.19, … }
 */
export function advantages(operator: Subject, reference: Scenario): Advantages {
  if (isPortfolio(operator)) return portfolioAdvantages(operator, reference);
  const itMW = operator.site.itMW;
  // the two ends (every group from one side) carry no pricing across: they are the two operators, and give the plan
  // (their served compute by segment needs the yearly rows only when the segment lists differ)
  const same = sameSegmentLists(operator.demand.segments, reference.demand.segments);
  const run = same ? evaluateSummary : evaluate;
  const ends = {
    reference: run(coalitionOf(operator, reference, new Set(), OWN_PRICES)),
    operator: run(coalitionOf(operator, reference, new Set(ADVANTAGE_GROUPS), OWN_PRICES)),
  };
  const plan = same ? OWN_PRICES : pricingPlan(operator, reference, ends as { operator: ModelResult; reference: ModelResult });
  const npvOf = (mask: number): number | null => (mask === 0 ? ends.reference : mask === FULL ? ends.operator : evaluateSummary(coalitionOf(operator, reference, new Set(groupsOf(mask)), plan))).summary.npv;
  return attribution(operator, reference, itMW, npvOf, pairNotes(operator, reference, plan), {
    mode: plan.same ? 'segments' : 'multiplier',
    revenuePerComputeUnit: { operator: plan.op, reference: plan.ref },
    multiplier: plan.same || plan.op === null || plan.ref === null || !(plan.ref > 0) ? null : plan.op / plan.ref,
  });
}

/** The Shapley attribution of the 32 coalitions' npv per MW (`npvOf(mask)`, bit i set = group i from the operator). */
function attribution(operator: { id: string; name?: string | undefined }, reference: Scenario, itMW: number, npvOf: (mask: number) => number | null, notes: string[], pricing: AdvantagePricing): Advantages {
  const v: (number | null)[] = new Array<number | null>(FULL + 1).fill(null);
  const coalitions: AdvantageCoalition[] = [];
  for (let mask = 0; mask <= FULL; mask++) {
    const npv = npvOf(mask);
    v[mask] = npv === null ? null : npv / itMW;
    coalitions.push({ fromOperator: groupsOf(mask), npvPerMW: v[mask] ?? null });
  }
  const complete = v.every((x) => x !== null);
  const vOp = v[FULL] ?? null;
  const vRef = v[0] ?? null;
  const difference = complete && vOp !== null && vRef !== null ? vOp - vRef : null;
  const phis = ADVANTAGE_GROUPS.map((group, g) => {
    let phi: number | null = null;
    if (complete) {
      phi = 0;
      const bit = 1 << g;
      for (let mask = 0; mask <= FULL; mask++) {
        if ((mask & bit) !== 0) continue;
        phi += (WEIGHTS[popcount(mask)] as number) * ((v[mask | bit] as number) - (v[mask] as number));
      }
    }
    return { group, ...ADVANTAGE_GROUP_INFO[group], npvPerMW: phi };
  });
  const sharesNote = sharesNoteOf(phis, difference);
  const parts: AdvantagePart[] = phis.map((p) => ({
    ...p,
    shareOfDifference: sharesNote !== null || p.npvPerMW === null || difference === null ? null : p.npvPerMW / difference,
  }));
  return {
    operator: { id: operator.id, name: operator.name ?? operator.id, npvPerMW: vOp },
    reference: { id: reference.id, name: reference.name ?? reference.id, npvPerMW: vRef },
    difference,
    parts,
    coalitions,
    evaluations: FULL + 1,
    notes,
    reason: complete ? null : 'npv has no finite value in some coalition, so the attribution is not defined',
    pricing,
    sharesNote,
  };
}

/** Lifetime cash revenue per served compute unit of a portfolio's result: Σ revenue over Σ served compute of its consolidated segments. */
function portfolioRevenuePerComputeUnit(r: PortfolioResult, segments: readonly Segment[]): number | null {
  let compute = 0;
  for (const seg of r.segments) {
    const k = segments.find((s) => s.id === seg.id)?.computeIntensity ?? 1;
    for (const y of seg.years) compute += (y.tokens ?? 0) * k;
  }
  const revenue = r.summary.totalRevenue;
  return compute > 0 && revenue !== null ? revenue / compute : null;
}

/**
 * A portfolio against a reference operator (MODEL.md §8): each coalition
 * applied to every vintage against the reference re-based to the vintage's
 * build year (it meets the same market year), with the vintage's own pricing
 * plan; each vintage keeps its horizon (its place on the calendar). With a
 * shared market the distribution group keeps the market's demand and the
 * pricing group carries the reference's pricing onto the market's segments
 * (swapped segment by segment, or one multiplier when the lists differ). npv
 * per MW is over the MW of all vintages.
 */
function portfolioAdvantages(operator: Portfolio, reference: Scenario): Advantages {
  const itMW = operator.vintages.reduce((a, v) => a + v.scenario.site.itMW, 0);
  const rebased = new Map<number, Scenario>();
  const refFor = (year: number): Scenario => {
    let r = rebased.get(year);
    if (r === undefined) {
      r = rebaseScenario(reference as ResolvedScenario, year);
      rebased.set(year, r);
    }
    return r;
  };
  const plans = operator.vintages.map((v) => pricingPlan(v.scenario, refFor(v.buildYear)));
  const d = operator.demand;
  const market = refFor(operator.startYear);
  const marketSame = d === undefined || sameSegmentLists(d.segments, market.demand.segments);
  const marketFactor = (): number => {
    if (d === undefined || marketSame) return 1;
    const op = portfolioRevenuePerComputeUnit(resultOf(operator), d.segments);
    const ref = revenuePerComputeUnit(evaluate(market));
    return op === null || ref === null || !(op > 0) ? 1 : ref / op;
  };
  const factor = d === undefined || marketSame ? 1 : marketFactor();
  const coalition = (mask: number): Portfolio => {
    const from = new Set(groupsOf(mask));
    const vintages = operator.vintages.map((v, k) => {
      const c = coalitionOf(v.scenario, refFor(v.buildYear), from, mask === 0 || mask === FULL ? OWN_PRICES : (plans[k] as PricingPlan));
      return { ...v, scenario: { ...c, horizon: v.scenario.horizon } };
    });
    if (d === undefined || from.has('pricing')) return { ...operator, vintages };
    const segments = marketSame ? pricedSegments(d.segments, market.demand.segments) : factor === 1 ? d.segments : (scaleCashRevenue({ ...market, demand: { ...market.demand, segments: d.segments } }, factor).demand.segments);
    return { ...operator, vintages, demand: { ...d, segments } };
  };
  const notes = [
    `${operator.id} is a portfolio of ${operator.vintages.length} vintages: each is compared with ${reference.id} re-based to its build year, keeps its own horizon (its place on the calendar), and npv per MW is over all ${itMW.toLocaleString('en-US')} MW`,
    ...(d !== undefined ? [`its vintages share one market: the distribution group keeps the market's demand, and ${reference.id}'s pricing is ${marketSame ? 'swapped onto the market\'s segments' : 'carried onto the market\'s cash prices as one multiplier'}`] : []),
    ...(operator.vintages[0] === undefined ? [] : pairNotes(operator.vintages[0].scenario, refFor(operator.vintages[0].buildYear), plans[0] as PricingPlan).filter((n) => !n.startsWith('horizons differ'))),
  ];
  const plan0 = plans[0] ?? OWN_PRICES;
  return attribution(operator, reference, itMW, (mask) => summaryOf(coalition(mask)).summary.npv, notes, {
    mode: plan0.same && marketSame ? 'segments' : 'multiplier',
    revenuePerComputeUnit: { operator: plan0.op, reference: plan0.ref },
    multiplier: plan0.same || plan0.op === null || plan0.ref === null || !(plan0.ref > 0) ? null : plan0.op / plan0.ref,
  });
}

/** Why shares of the difference are not shown, or null when they are (every non-zero part with the sign of a non-zero difference). */
function sharesNoteOf(parts: readonly { npvPerMW: number | null }[], difference: number | null): string | null {
  if (difference === null) return 'no difference to share';
  if (difference === 0) return 'the two are equal: no difference to share';
  // a part within rounding of zero has no sign
  const tiny = 1e-9 * Math.max(Math.abs(difference), ...parts.map((p) => Math.abs(p.npvPerMW ?? 0)));
  const mixed = parts.some((p) => p.npvPerMW !== null && Math.abs(p.npvPerMW) > tiny && Math.sign(p.npvPerMW) !== Math.sign(difference));
  return mixed ? 'the parts pull both ways, so a share of the difference would mislead: read the parts in $ per MW' : null;
}

function pairNotes(op: Scenario, ref: Scenario, plan: PricingPlan): string[] {
  const notes: string[] = [];
  if (op.fleet.mode !== ref.fleet.mode) {
    const renter = op.fleet.mode === 'rent' ? op.id : ref.id;
    notes.push(`${renter} rents its fleet: power, PUE and facility come inside the rent, so the plant difference counts under silicon and power carries only the site opex`);
  }
  if (op.horizon.years !== ref.horizon.years) {
    notes.push(`horizons differ (${op.horizon.years} vs ${ref.horizon.years} years): the horizon goes with silicon (the years the fleet is run)`);
  }
  if (!plan.same) {
    const perM = (x: number | null): string => (x === null ? 'none' : `$${(x * 1e6).toLocaleString('en-US', { maximumFractionDigits: 3 })}`);
    const missing = plan.op === null || plan.ref === null || !(plan.op > 0) || !(plan.ref > 0);
    notes.push(
      `the segment lists differ, so pricing moves as one multiplier on the other mix's cash prices: the ratio of lifetime cash revenue per served compute unit (${op.id} ${perM(plan.op)}, ${ref.id} ${perM(
        plan.ref,
      )} per million)${missing ? '; where one side has none, the prices stay as they are' : ''}`,
    );
  }
  if ((op.demand.tokensPerYear !== undefined || ref.demand.tokensPerYear !== undefined) && op.site.itMW !== ref.site.itMW) {
    notes.push(`tokens-mode demand is scaled to ${op.id}'s ${op.site.itMW} MW, so demand per MW is its source's`);
  }
  return notes;
}
