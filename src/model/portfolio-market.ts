/**
 * A portfolio's own inputs as a vector of slots — its wacc and tax rate, and
 * the market its vintages share (MODEL.md §8) — and the two things the market
 * does: it prices every vintage's segments as of the vintage's build year
 * (`applyMarket`), and it serves its compute cheapest-first (`allocateMarket`).
 * One implementation for a single run and for every Monte Carlo sample.
 */
import { HOURS_PER_YEAR } from './lines.ts';
import type { Portfolio } from './portfolio-load.ts';
import type { SharedDemand } from './portfolio-schema.ts';
import { along, times } from './rebase.ts';
import { KIND_IMPUTED, KIND_PER_HOUR, KIND_PER_MTOK, KIND_SUBSCRIPTION, type Layout, type SegmentSlots, writePricing } from './slots.ts';

/** Where a market segment's inputs are among the portfolio's slots. */
export interface MarketSegmentSlots {
  /** first of Y slots, one per calendar year from startYear */
  share: number;
  intensity: number;
  hidden: number;
  price: number;
  change: number;
  discount: number;
  techPremium: number;
  arpu: number;
  tokensPerUser: number;
  arpuChange: number;
  usageGrowth: number;
}

/** The slots of a portfolio's own inputs: finance, and (with shared demand) the market by calendar year. */
export interface PortfolioLayout {
  count: number;
  /** calendar years */
  Y: number;
  wacc: number;
  taxRate: number;
  tokensPerYear: number;
  maxUtilization: number;
  /** first of Y slots: growth_i, i = 1..Y */
  growth: number;
  segments: MarketSegmentSlots[];
}

export function makePortfolioLayout(Y: number, nSeg: number): PortfolioLayout {
  let next = 0;
  const one = (): number => next++;
  const years = (): number => {
    const first = next;
    next += Y;
    return first;
  };
  const l: Omit<PortfolioLayout, 'count'> = { Y, wacc: one(), taxRate: one(), tokensPerYear: one(), maxUtilization: one(), growth: years(), segments: [] };
  for (let j = 0; j < nSeg; j++) {
    l.segments.push({ share: years(), intensity: one(), hidden: one(), price: one(), change: one(), discount: one(), techPremium: one(), arpu: one(), tokensPerUser: one(), arpuChange: one(), usageGrowth: one() });
  }
  return { ...l, count: next };
}

function writeSeries(v: number | readonly number[], out: Float64Array, at: number, n: number): void {
  if (typeof v === 'number') {
    out.fill(v, at, at + n);
    return;
  }
  for (let t = 0; t < n; t++) out[at + t] = v[t < v.length ? t : v.length - 1] as number;
}

/** Write a portfolio's own inputs (finance, and its market when it has one) into `out`. */
export function extractPortfolioInputs(p: Portfolio, l: PortfolioLayout, out: Float64Array): void {
  out[l.wacc] = p.finance.wacc;
  out[l.taxRate] = p.finance.taxRate;
  const d = p.demand;
  if (d === undefined) return;
  extractMarket(d, l, out);
}

function extractMarket(d: SharedDemand, l: PortfolioLayout, out: Float64Array): void {
  out[l.tokensPerYear] = d.tokensPerYear;
  out[l.maxUtilization] = d.maxUtilization;
  writeSeries(d.growthPerYear, out, l.growth, l.Y);
  d.segments.forEach((seg, j) => {
    const sl = l.segments[j] as MarketSegmentSlots;
    writeSeries(seg.tokenShare, out, sl.share, l.Y);
    out[sl.intensity] = seg.computeIntensity;
    out[sl.hidden] = seg.hiddenReasoningShare;
    writePricing(seg.pricing, sl, out);
  });
}

/** The market's tokens demanded in calendar year index i = 1..Y (`D_startYear = tokensPerYear`, `D_{y+1} = D_y · (1 + growth_i)`), into `D[1..Y]`. */
export function marketDemand(l: PortfolioLayout, px: Float64Array, D: Float64Array): void {
  let d = px[l.tokensPerYear] as number;
  for (let i = 1; i <= l.Y; i++) {
    D[i] = d;
    d *= 1 + (px[l.growth + i - 1] as number);
  }
}

/** The market's mix weight `w_y = Σ share · computeIntensity` in calendar year index i = 1..Y, into `w[1..Y]`. */
export function marketMixWeight(l: PortfolioLayout, px: Float64Array, w: Float64Array): void {
  for (let i = 1; i <= l.Y; i++) {
    let s = 0;
    for (const sl of l.segments) s += (px[sl.share + i - 1] as number) * (px[sl.intensity] as number);
    w[i] = s;
  }
}

/**
 * The market's segments as a vintage built `off` years after `startYear`
 * meets them (MODEL.md §8): each price moved `off` years along its yearly
 * change (`rebase.ts`: an hour's tech premium too), every token share read
 * from the vintage's own calendar years, the market's maximum utilization.
 * Writes the vintage's segment and demand slots (`vl`, a layout whose
 * segments are the market's, in order).
 */
export function applyMarket(l: PortfolioLayout, px: Float64Array, vl: Layout, kinds: Int32Array, x: Float64Array, off: number, T: number, demandAtBuild: number): void {
  const Y = l.Y;
  x[vl.tokensPerYear] = demandAtBuild;
  x[vl.growthPerYear] = 0;
  x[vl.maxUtilization] = px[l.maxUtilization] as number;
  for (let j = 0; j < l.segments.length; j++) {
    const m = l.segments[j] as MarketSegmentSlots;
    const v = vl.segments[j] as SegmentSlots;
    for (let t = 1; t <= T; t++) {
      const i = off + t - 1;
      x[v.share + t - 1] = px[m.share + (i < Y ? i : Y - 1)] as number;
    }
    const change = px[m.change] as number;
    const premium = px[m.techPremium] as number;
    const arpuChange = px[m.arpuChange] as number;
    const usageGrowth = px[m.usageGrowth] as number;
    x[v.intensity] = px[m.intensity] as number;
    x[v.hidden] = px[m.hidden] as number;
    x[v.change] = change;
    x[v.discount] = px[m.discount] as number;
    x[v.techPremium] = premium;
    x[v.arpuChange] = arpuChange;
    x[v.usageGrowth] = usageGrowth;
    const kind = kinds[j];
    const price = px[m.price] as number;
    x[v.price] = kind === KIND_PER_HOUR ? price * along(change, off) * times(premium, off) : kind === KIND_PER_MTOK || kind === KIND_IMPUTED ? price * along(change, off) : price;
    x[v.arpu] = kind === KIND_SUBSCRIPTION ? (px[m.arpu] as number) * along(arpuChange, off) : (px[m.arpu] as number);
    x[v.tokensPerUser] = kind === KIND_SUBSCRIPTION ? (px[m.tokensPerUser] as number) * along(usageGrowth, off) : (px[m.tokensPerUser] as number);
  }
}

/** What the allocation reads of one vintage. */
export interface MarketVintage {
  layout: Layout;
  x: Float64Array;
  /** calendar index of its t = 0 (buildYear − startYear) */
  off: number;
  T: number;
  /** an owned fleet with a power bill (its variable cost) */
  hasPower: boolean;
  /** by t = 1..T: its capacity in compute units, and its generation's purchase year b (from its build) */
  cap: Float64Array;
  bought: Float64Array;
  /** by t = 1..T: what the market gives it (written here) */
  served: Float64Array;
  /** its build year, for the order of ties */
  buildYear: number;
}

/** The scratch of an allocation, by vintage. */
export interface AllocationScratch {
  order: Int32Array;
  vc: Float64Array;
  purchase: Float64Array;
}

export function newAllocationScratch(V: number): AllocationScratch {
  return { order: new Int32Array(V), vc: new Float64Array(V), purchase: new Float64Array(V) };
}

/**
 * MODEL.md §8 shared demand: each calendar year the market's compute
 * `D_y · w_y` is filled greedily up to `maxUtilization · C_v,y` of each
 * vintage in service, in ascending order of its variable cost per compute unit
 * `vc = itMW · pue · (1 − idle) · H · price_y / C_v,y + otherCostPerMTok / (1e6 · w_y)`
 * (idle power, leases and rent are sunk); ties go to the later purchase year,
 * then the later build year, then list order. Writes each vintage's `served`
 * and the tokens left unmet in `unmet[i]`, i = 1..Y.
 */
export function allocateMarket(l: PortfolioLayout, px: Float64Array, vs: readonly MarketVintage[], D: Float64Array, w: Float64Array, unmet: Float64Array, s: AllocationScratch): void {
  const maxU = px[l.maxUtilization] as number;
  const { order, vc, purchase } = s;
  // cheaper first; ties: the later purchase, the later build, then list order
  const before = (a: number, b: number): boolean => {
    const d = (vc[a] as number) - (vc[b] as number);
    if (d !== 0) return d < 0;
    const p = (purchase[a] as number) - (purchase[b] as number);
    if (p !== 0) return p > 0;
    const y = (vs[a] as MarketVintage).buildYear - (vs[b] as MarketVintage).buildYear;
    return y !== 0 ? y > 0 : a < b;
  };
  for (const v of vs) v.served.fill(0);
  for (let i = 1; i <= l.Y; i++) {
    const wy = w[i] as number;
    let rem = (D[i] as number) * wy;
    let n = 0;
    for (let k = 0; k < vs.length; k++) {
      const v = vs[k] as MarketVintage;
      const t = i - v.off;
      if (t < 1 || t > v.T) continue;
      const C = v.cap[t] as number;
      if (!(C > 0)) continue;
      const x = v.x;
      const vl = v.layout;
      const power = v.hasPower
        ? ((x[vl.itMW] as number) * (x[vl.pue] as number) * (1 - (x[vl.idle] as number)) * HOURS_PER_YEAR * (x[vl.powerPrice] as number) * along(x[vl.powerEscalation] as number, t - 1)) / C
        : 0;
      vc[k] = power + (x[vl.otherCostPerMTok] as number) / (1e6 * wy);
      purchase[k] = v.buildYear - 1 + (v.bought[t] as number);
      order[n++] = k;
    }
    // insertion sort (a few dozen vintages, in nearly the same order year after year)
    for (let a = 1; a < n; a++) {
      const k = order[a] as number;
      let b = a - 1;
      while (b >= 0 && before(k, order[b] as number)) {
        order[b + 1] = order[b] as number;
        b--;
      }
      order[b + 1] = k;
    }
    for (let q = 0; q < n && rem > 0; q++) {
      const k = order[q] as number;
      const v = vs[k] as MarketVintage;
      const t = i - v.off;
      const give = Math.min(rem, maxU * (v.cap[t] as number));
      v.served[t] = give;
      rem -= give;
    }
    const left = wy > 0 ? rem / wy : 0;
    unmet[i] = left > (D[i] as number) * 1e-12 ? left : 0;
  }
}
