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
 * Pricing on another mix. Segments differ between scenarios, so "pricing from
 * P on the mix of D" is defined segment by segment on D's list: the segment of P
 * with the same id and kind, else P's segment of the same kind with the
 * largest year-1 token share, else (P has no segment of that kind) D's own
 * pricing stays. When D and P are the same scenario nothing changes.
 *
 * Because every input that moves npv is in exactly one group, the attribution
 * is exact both ways: the parts sum to `npv/itMW` of the operator minus that of
 * the reference, and swapping the two flips every sign.
 */
import { seriesAt } from '../model/lines.ts';
import type { ResolvedScenario } from '../model/load.ts';
import { rebaseScenario } from '../model/rebase.ts';
import type { Scenario, Segment } from '../model/schema.ts';
import { isPortfolio, type Portfolio, type Subject, summaryOf } from './subject.ts';

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
  /** `npvPerMW / difference`; null when the difference is 0 or unknown */
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
}

function largestOfKind(segs: readonly Segment[], kind: Segment['kind']): Segment | undefined {
  let best: Segment | undefined;
  let bestShare = -Infinity;
  for (const s of segs) {
    if (s.kind !== kind) continue;
    const v = seriesAt(s.tokenShare, 1);
    if (v > bestShare) {
      best = s;
      bestShare = v;
    }
  }
  return best;
}

/** The pricing source's pricing matched onto the distribution's segment list (see the module comment). */
function pricedSegments(mix: readonly Segment[], prices: readonly Segment[]): Segment[] {
  return mix.map((s) => {
    const m = prices.find((p) => p.id === s.id && p.kind === s.kind) ?? largestOfKind(prices, s.kind);
    return m === undefined ? s : { ...s, pricing: m.pricing, reasoningBilled: m.reasoningBilled };
  });
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
  const from = new Set(fromOperator);
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
  if (prices !== mix) demand = { ...demand, segments: pricedSegments(mix.demand.segments, prices.demand.segments) };
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
  const itMW = isPortfolio(operator) ? operator.vintages.reduce((a, v) => a + v.scenario.site.itMW, 0) : operator.site.itMW;
  const v: (number | null)[] = new Array<number | null>(FULL + 1).fill(null);
  const coalitions: AdvantageCoalition[] = [];
  const coalition = (groups: AdvantageGroup[]): Subject => (isPortfolio(operator) ? portfolioCoalition(operator, reference, groups) : advantageCoalition(operator, reference, groups));
  for (let mask = 0; mask <= FULL; mask++) {
    const groups = groupsOf(mask);
    const npv = summaryOf(coalition(groups)).summary.npv;
    v[mask] = npv === null ? null : npv / itMW;
    coalitions.push({ fromOperator: groups, npvPerMW: v[mask] ?? null });
  }
  const complete = v.every((x) => x !== null);
  const vOp = v[FULL] ?? null;
  const vRef = v[0] ?? null;
  const difference = complete && vOp !== null && vRef !== null ? vOp - vRef : null;
  const parts: AdvantagePart[] = ADVANTAGE_GROUPS.map((group, g) => {
    let phi: number | null = null;
    if (complete) {
      phi = 0;
      const bit = 1 << g;
      for (let mask = 0; mask <= FULL; mask++) {
        if ((mask & bit) !== 0) continue;
        phi += (WEIGHTS[popcount(mask)] as number) * ((v[mask | bit] as number) - (v[mask] as number));
      }
    }
    return {
      group,
      ...ADVANTAGE_GROUP_INFO[group],
      npvPerMW: phi,
      shareOfDifference: phi === null || difference === null || difference === 0 ? null : phi / difference,
    };
  });
  return {
    operator: { id: operator.id, name: operator.name ?? operator.id, npvPerMW: vOp },
    reference: { id: reference.id, name: reference.name ?? reference.id, npvPerMW: vRef },
    difference,
    parts,
    coalitions,
    evaluations: FULL + 1,
    notes: isPortfolio(operator) ? portfolioNotes(operator, reference) : pairNotes(operator, reference),
    reason: complete ? null : 'npv has no finite value in some coalition, so the attribution is not defined',
  };
}

/**
 * A portfolio's coalition (MODEL.md §8): each vintage's, against the
 * reference re-based to the vintage's build year (it meets the same market
 * year); each vintage keeps its horizon (its place on the calendar) and, with
 * a shared market, the market keeps its demand — the reference's pricing is
 * laid on the market's segments when pricing comes from the reference. npv
 * per MW is over the MW of all vintages.
 */
export function portfolioCoalition(operator: Portfolio, reference: Scenario, fromOperator: Iterable<AdvantageGroup>): Portfolio {
  const groups = [...fromOperator];
  const rebased = new Map<number, Scenario>();
  const refFor = (year: number): Scenario => {
    let r = rebased.get(year);
    if (r === undefined) {
      r = rebaseScenario(reference as ResolvedScenario, year);
      rebased.set(year, r);
    }
    return r;
  };
  const vintages = operator.vintages.map((v) => {
    const c = advantageCoalition(v.scenario, refFor(v.buildYear), groups);
    return { ...v, scenario: { ...c, horizon: v.scenario.horizon } };
  });
  const d = operator.demand;
  if (d === undefined || groups.includes('pricing')) return { ...operator, vintages };
  return { ...operator, vintages, demand: { ...d, segments: pricedSegments(d.segments, refFor(operator.startYear).demand.segments) } };
}

function portfolioNotes(op: Portfolio, ref: Scenario): string[] {
  const notes = [
    `${op.id} is a portfolio of ${op.vintages.length} vintages: each is compared with ${ref.id} re-based to its build year, keeps its own horizon (its place on the calendar), and npv per MW is over all ${op.vintages.reduce((a, v) => a + v.scenario.site.itMW, 0).toLocaleString('en-US')} MW`,
  ];
  if (op.demand !== undefined) notes.push(`its vintages share one market: the distribution group keeps the market's demand, and ${ref.id}'s pricing is laid on the market's segments`);
  const first = op.vintages[0];
  if (first !== undefined) notes.push(...pairNotes(first.scenario, ref).filter((n) => !n.startsWith('horizons differ')));
  return notes;
}

function pairNotes(op: Scenario, ref: Scenario): string[] {
  const notes: string[] = [];
  if (op.fleet.mode !== ref.fleet.mode) {
    const renter = op.fleet.mode === 'rent' ? op.id : ref.id;
    notes.push(`${renter} rents its fleet: power, PUE and facility come inside the rent, so the plant difference counts under silicon and power carries only the site opex`);
  }
  if (op.horizon.years !== ref.horizon.years) {
    notes.push(`horizons differ (${op.horizon.years} vs ${ref.horizon.years} years): the horizon goes with silicon (the years the fleet is run)`);
  }
  // priced segments of one mix whose kind the other side does not have: their pricing cannot be swapped
  const unmatched = (mix: Scenario, prices: Scenario): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const s of mix.demand.segments) {
      if ('none' in s.pricing || prices.demand.segments.some((p) => p.kind === s.kind)) continue;
      out.set(s.kind, [...(out.get(s.kind) ?? []), s.id]);
    }
    return out;
  };
  for (const [mix, prices] of [
    [op, ref],
    [ref, op],
  ] as const) {
    const u = unmatched(mix, prices);
    if (u.size === 0) continue;
    const what = [...u].map(([kind, ids]) => `${kind} (${ids.join(', ')})`).join(', ');
    notes.push(`${prices.id} has no segment of kind ${what}: on ${mix.id}'s mix these keep their own pricing, whoever sets the prices`);
  }
  if ((op.demand.tokensPerYear !== undefined || ref.demand.tokensPerYear !== undefined) && op.site.itMW !== ref.site.itMW) {
    notes.push(`tokens-mode demand is scaled to ${op.id}'s ${op.site.itMW} MW, so demand per MW is its source's`);
  }
  return notes;
}
