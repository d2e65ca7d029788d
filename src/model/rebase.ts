/**
 * Re-basing a scenario to the calendar (MODEL.md §8): a template written for
 * its own `horizon.startYear` y0 and built in year y meets the market of year
 * y, so every input with a yearly change is moved `y − y0` years along it
 * before the vintage starts. Series (utilization, token shares) are by the
 * vintage's own operating year and are not moved.
 */
import type { ResolvedScenario } from './load.ts';
import type { Scenario, Segment } from './schema.ts';

/** `(1 + change)^k`: a value moved k years along a yearly change, any whole k (negative too). */
export const along = (change: number, k: number): number => Math.pow(1 + change, k);
/** `m^k`: a value moved k years along a yearly multiplier. */
export const times = (m: number, k: number): number => Math.pow(m, k);

/**
 * A segment moved `k` years along its prices' yearly changes: `perMTok` and
 * `imputedPerMTok` by `changePerYear`; `arpuPerMonth` by `arpuChangePerYear`
 * and `tokensPerUserMonth` by `usageGrowthPerYear`; `perAcceleratorHour` by
 * `changePerYear` and `techPremiumPerYear` (the newer hardware's hour).
 *
 * @example
 * rebaseSegment({ …, pricing: { perMTok: 2, changePerYear: -0.3, discount: 0 } }, 2).pricing; // perMTok 0.98
 */
export function rebaseSegment(seg: Segment, k: number): Segment {
  if (k === 0) return seg;
  const moved = movedSegment(seg, k);
  const c = seg.contract;
  if (c === undefined) return moved;
  // §9 a contract is signed at the market of the year it starts: its start moves with the vintage, its price with the segment's price
  return { ...moved, contract: { ...c, price: c.price * marketFactor(seg, k), ...(c.startYear !== undefined && { startYear: c.startYear + k }) } };
}

function movedSegment(seg: Segment, k: number): Segment {
  const p = seg.pricing;
  if ('perMTok' in p) return { ...seg, pricing: { ...p, perMTok: p.perMTok * along(p.changePerYear, k) } };
  if ('imputedPerMTok' in p) return { ...seg, pricing: { ...p, imputedPerMTok: p.imputedPerMTok * along(p.changePerYear, k) } };
  if ('perAcceleratorHour' in p) {
    return { ...seg, pricing: { ...p, perAcceleratorHour: p.perAcceleratorHour * along(p.changePerYear, k) * times(p.techPremiumPerYear, k) } };
  }
  if ('subscription' in p) {
    const q = p.subscription;
    return {
      ...seg,
      pricing: { subscription: { ...q, arpuPerMonth: q.arpuPerMonth * along(q.arpuChangePerYear, k), tokensPerUserMonth: q.tokensPerUserMonth * along(q.usageGrowthPerYear, k) } },
    };
  }
  return seg;
}

/** How far a segment's price (in its pricing unit) moves in k years along its path: what its contract's price moves by. */
function marketFactor(seg: Segment, k: number): number {
  const p = seg.pricing;
  if ('perMTok' in p || 'imputedPerMTok' in p) return along(p.changePerYear, k);
  if ('perAcceleratorHour' in p) return along(p.changePerYear, k) * times(p.techPremiumPerYear, k);
  if ('subscription' in p) return along(p.subscription.arpuChangePerYear, k);
  return 1;
}

/**
 * The capex at t = 0 (MODEL.md §3.1, §3.4): the first generation of an owned
 * fleet (`N · capexPerAccelerator`, `N = itMW · 1000 / kW`) and an owned
 * facility (`capexPerMW · itMW`).
 *
 * @example
 * capexAtBuild(neocloud); // 100 MW of 1.2 kW accelerators at $52,000: $4.33B
 */
export function capexAtBuild(s: ResolvedScenario): number {
  const itMW = s.site.itMW;
  const fac = s.site.facility;
  const facility = fac.mode === 'own' ? fac.capexPerMW * itMW : 0;
  const f = s.fleet;
  const it = f.mode === 'own' ? ((itMW * 1000) / f.kWPerAccelerator) * (f.capexPerAccelerator ?? 0) : 0;
  return facility + it;
}

/**
 * The tranches of a capital stack (MODEL.md §9) with each fixed `amount`
 * multiplied by `factor`: a vintage's amounts follow its capex at t = 0 (its
 * re-based hardware, its size), so a vintage keeps the template's stack as
 * shares of what it builds. Other finance is returned as it is.
 */
export function scaleTrancheAmounts(finance: Scenario['finance'], factor: number): Scenario['finance'] {
  const debt = finance.debt;
  if (!Array.isArray(debt) || factor === 1 || !Number.isFinite(factor) || !debt.some((tr) => tr.amount !== undefined)) return finance;
  return { ...finance, debt: debt.map((tr) => (tr.amount === undefined ? tr : { ...tr, amount: tr.amount * factor })) };
}

/**
 * The scenario re-based to start in calendar year `buildYear` (MODEL.md §8,
 * `anchor: calendar`): with `k = buildYear − horizon.startYear`, each factor
 * is `(1 + change)^k` for a change and `m^k` for a multiplier. Besides the
 * segments' prices: `rentPerAcceleratorHour` by `rentChangePerYear`;
 * `leasePerKWMonth` and `pricePerMWh` by their escalation; `tokensPerSecond`
 * by `perfGainPerYear` and `softwareGainPerYear` (a rented fleet by the
 * software gain only: it buys no hardware); `capexPerAccelerator` by
 * `capexChangePerYear`; `tokensPerYear` by `growthPerYear`. A capital stack
 * (§9) comes along: a contract's price moves with its segment's price and a
 * given contract `startYear` by `k` (signed at the market of the year it
 * starts), a tranche's fixed `amount` with the capex at t = 0; shares, rates,
 * spreads, terms and `baseRate` (a Series by operating year) stay. The result
 * starts in `buildYear`; the input is not changed.
 *
 * @example
 * const s2028 = rebaseScenario(hyperscaler, 2028); // 2026 template, two years along
 * s2028.fleet.capexPerAccelerator; // 50,000 × 1.0283^2
 */
export function rebaseScenario(s: ResolvedScenario, buildYear: number): ResolvedScenario {
  const k = buildYear - s.horizon.startYear;
  const horizon = { ...s.horizon, startYear: buildYear };
  if (k === 0) return { ...s, horizon };
  const f = s.fleet;
  const own = f.mode === 'own';
  const software = along(s.serving.softwareGainPerYear, k);
  const fleet = {
    ...f,
    tokensPerSecond: f.tokensPerSecond * software * (own ? times(f.technology.perfGainPerYear, k) : 1),
    ...(own && f.capexPerAccelerator !== undefined && { capexPerAccelerator: f.capexPerAccelerator * times(f.technology.capexChangePerYear, k) }),
    ...(!own && f.rentPerAcceleratorHour !== undefined && { rentPerAcceleratorHour: f.rentPerAcceleratorHour * along(f.rentChangePerYear, k) }),
  };
  const site = { ...s.site };
  if (site.power !== undefined) site.power = { ...site.power, pricePerMWh: site.power.pricePerMWh * along(site.power.escalationPerYear, k) };
  const fac = site.facility;
  if (fac.mode === 'lease') site.facility = { ...fac, leasePerKWMonth: fac.leasePerKWMonth * along(fac.escalationPerYear, k) };
  const d = s.demand;
  const demand = {
    ...d,
    ...(d.tokensPerYear !== undefined && { tokensPerYear: d.tokensPerYear * along(d.growthPerYear ?? 0, k) }),
    segments: d.segments.map((seg) => rebaseSegment(seg, k)),
  };
  const moved: ResolvedScenario = { ...s, horizon, site, fleet, demand };
  const before = capexAtBuild(s);
  return before > 0 ? { ...moved, finance: scaleTrancheAmounts(s.finance, capexAtBuild(moved) / before) } : moved;
}
