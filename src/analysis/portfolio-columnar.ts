/**
 * The Monte Carlo's block of samples for a portfolio (MODEL.md §8): one
 * column per input of every vintage and of the portfolio itself (its wacc and
 * tax rate, its market), each sample run through `runPortfolio` — the same
 * consolidation a single run makes, so the two cannot disagree.
 *
 * An uncertain input on every vintage is drawn once per sample and applied to
 * each vintage as `draw / base × the vintage's re-based value` (a common
 * shock; `portfolio-paths.ts`), each slot written as `a + c · draw`; with
 * `perVintage: true` each vintage gets a draw of its own.
 */
import { compilePortfolio, type CompiledPortfolio, newPortfolioMetrics, PORTFOLIO_LIFE, runPortfolio } from '../model/portfolio.ts';
import type { Portfolio } from '../model/portfolio-load.ts';
import type { MarketSegmentSlots, PortfolioLayout } from '../model/portfolio-market.ts';
import { isCashPricing, pricingKind } from '../model/slots.ts';
import { type SlotTarget, slotTargets } from '../model/slots.ts';
import { applyPaidShareColumns, type BlockOutput, putMetrics } from './columnar.ts';
import { getInput, inputInfo, PAID_SHARE } from './paths.ts';
import { portfolioTarget } from './portfolio-paths.ts';

/** Where a driver writes: its slots, and for a common shock each slot's `a + c · draw` (rounded for whole numbers). */
export interface PortfolioSlotTarget extends SlotTarget {
  affine?: { a: number[]; c: number[]; round: boolean };
}

/** A paid share to apply: the market's (`-1`), or a vintage's, with each its `a + c · draw`. */
interface PaidShareTarget {
  vintage: number;
  a: number;
  c: number;
}

export class PortfolioColumnarModel {
  readonly capacity: number;
  readonly lifeDefinition = PORTFOLIO_LIFE;
  /** unused by a portfolio's run (its vintages have horizons of their own); kept for the Monte Carlo's plan */
  readonly T: number;
  readonly segmentIds: string[] = [];
  private readonly p: Portfolio;
  private readonly compiled: CompiledPortfolio;
  /** slot offset of each vintage's inputs, then of the portfolio's own */
  private readonly offsets: number[];
  private readonly pxOffset: number;
  private readonly count: number;
  private readonly base: Float64Array;
  /** each slot's vector (a vintage's index, or the vintage count for the portfolio's own) and its place in it */
  private readonly vecOf: Int32Array;
  private readonly localOf: Int32Array;
  private readonly targetsOf: Map<string, SlotTarget>[] = [];
  private readonly scratch: [Float64Array, Float64Array, Float64Array, Float64Array];
  private readonly shareValues: Float64Array;
  private readonly m = newPortfolioMetrics();
  private readonly allSlots: number[];

  constructor(p: Portfolio, capacity: number) {
    this.p = p;
    this.capacity = capacity;
    this.T = p.years;
    this.compiled = compilePortfolio(p, false);
    const c = this.compiled;
    this.offsets = [];
    let next = 0;
    for (const v of c.vintages) {
      this.offsets.push(next);
      next += v.layout.count;
    }
    this.pxOffset = next;
    this.count = next + c.layout.count;
    this.base = new Float64Array(this.count);
    this.vecOf = new Int32Array(this.count);
    this.localOf = new Int32Array(this.count);
    c.vintages.forEach((v, k) => {
      const o = this.offsets[k] as number;
      this.base.set(v.x, o);
      for (let s = 0; s < v.layout.count; s++) {
        this.vecOf[o + s] = k;
        this.localOf[o + s] = s;
      }
    });
    this.base.set(c.px, this.pxOffset);
    for (let s = 0; s < c.layout.count; s++) {
      this.vecOf[this.pxOffset + s] = c.vintages.length;
      this.localOf[this.pxOffset + s] = s;
    }
    this.scratch = [new Float64Array(capacity), new Float64Array(capacity), new Float64Array(capacity), new Float64Array(capacity)];
    this.shareValues = new Float64Array(capacity);
    this.allSlots = Array.from({ length: this.count }, (_, k) => k);
  }

  newSlots(): Float64Array[] {
    return Array.from({ length: this.count }, () => new Float64Array(this.capacity));
  }

  fillBase(slots: Float64Array[], from: number, to: number): void {
    for (let s = 0; s < this.count; s++) (slots[s] as Float64Array).fill(this.base[s] as number, from, to);
  }

  resetSlots(slots: Float64Array[], which: readonly number[], from: number, to: number): void {
    for (const s of which) (slots[s] as Float64Array).fill(this.base[s] as number, from, to);
  }

  baseValue(slot: number): number {
    return this.base[slot] as number;
  }

  /** A portfolio's paid share is worked out year by year. */
  sharesSameEveryYear(): boolean {
    return false;
  }

  /** Every token-share slot (what a paid share moves). */
  shareSlots(): number[] {
    const out: number[] = [];
    const c = this.compiled;
    if (c.shared) {
      for (const sl of c.layout.segments) for (let i = 0; i < c.layout.Y; i++) out.push(this.pxOffset + sl.share + i);
      return out;
    }
    c.vintages.forEach((v, k) => {
      for (const sl of v.layout.segments) for (let t = 0; t < v.T; t++) out.push((this.offsets[k] as number) + sl.share + t);
    });
    return out;
  }

  private vintageTargets(k: number): Map<string, SlotTarget> {
    let t = this.targetsOf[k];
    if (t === undefined) {
      const v = this.compiled.vintages[k]!;
      t = slotTargets(v.layout, v.T, v.st.segmentIds, v.st.capital);
      this.targetsOf[k] = t;
    }
    return t;
  }

  private marketTargets(path: string): SlotTarget | undefined {
    const l = this.compiled.layout;
    const o = this.pxOffset;
    const years = (first: number): SlotTarget => ({ slots: Array.from({ length: l.Y }, (_, i) => o + first + i), series: true });
    if (path === 'demand.tokensPerYear') return { slots: [o + l.tokensPerYear], series: false };
    if (path === 'demand.maxUtilization') return { slots: [o + l.maxUtilization], series: false };
    if (path === 'demand.growthPerYear') return years(l.growth);
    const m = /^demand\.segments\[([^\]]+)\]\.(.+)$/.exec(path);
    if (m === null) return undefined;
    const j = this.p.demand?.segments.findIndex((s) => s.id === m[1]) ?? -1;
    if (j < 0) return undefined;
    const sl = l.segments[j] as MarketSegmentSlots;
    const one = (slot: number): SlotTarget => ({ slots: [o + slot], series: false });
    switch (m[2]) {
      case 'tokenShare':
        return years(sl.share);
      case 'computeIntensity':
        return one(sl.intensity);
      case 'hiddenReasoningShare':
        return one(sl.hidden);
      case 'pricing.perMTok':
      case 'pricing.perAcceleratorHour':
      case 'pricing.imputedPerMTok':
        return one(sl.price);
      case 'pricing.changePerYear':
        return one(sl.change);
      case 'pricing.discount':
        return one(sl.discount);
      case 'pricing.techPremiumPerYear':
        return one(sl.techPremium);
      case 'pricing.subscription.arpuPerMonth':
        return one(sl.arpu);
      case 'pricing.subscription.tokensPerUserMonth':
        return one(sl.tokensPerUser);
      case 'pricing.subscription.arpuChangePerYear':
        return one(sl.arpuChange);
      case 'pricing.subscription.usageGrowthPerYear':
        return one(sl.usageGrowth);
      default:
        return undefined;
    }
  }

  /**
   * The slots a canonical path of this portfolio writes (undefined when it
   * cannot vary in a run); for a path on every vintage (or, with `only`, on
   * that vintage alone, a `perVintage` draw) each slot's common shock.
   */
  target(path: string, only?: number): PortfolioSlotTarget | undefined {
    const t = portfolioTarget(this.p, path);
    if ('message' in t) return undefined;
    if (t.kind === 'market' || t.kind === 'growth') return t.path === PAID_SHARE ? undefined : this.marketTargets(t.path);
    if (t.kind === 'vintage') {
      const st = this.vintageTargets(t.index).get(t.inner);
      return st === undefined ? undefined : { slots: st.slots.map((s) => s + (this.offsets[t.index] as number)), series: st.series };
    }
    const base = getInput(this.p, t.path);
    const integer = inputInfo(this.p, t.path).integer;
    const slots: number[] = [];
    const a: number[] = [];
    const c: number[] = [];
    let series = false;
    if (t.finance !== null && only === undefined) {
      slots.push(this.pxOffset + (t.finance === 'wacc' ? this.compiled.layout.wacc : this.compiled.layout.taxRate));
      a.push(0);
      c.push(1);
    }
    for (const k of t.indexes) {
      if (only !== undefined && k !== only) continue;
      const st = this.vintageTargets(k).get(t.inner);
      if (st === undefined) return undefined;
      series ||= st.series;
      const o = this.offsets[k] as number;
      const x = getInput((this.p.vintages[k] as Portfolio['vintages'][number]).scenario, t.inner);
      for (const s of st.slots) {
        const xs = this.base[o + s] as number;
        slots.push(o + s);
        const [ai, ci] = shockAffine(x, base, xs);
        a.push(ai);
        c.push(ci);
      }
    }
    return { slots, series, affine: { a, c, round: integer } };
  }

  /** The vintages a path on every vintage reaches (for `perVintage` draws): their indexes and ids. */
  vintagesOf(path: string): { index: number; id: string }[] {
    const t = portfolioTarget(this.p, path);
    if ('message' in t || t.kind !== 'every') return [];
    return t.indexes.map((k) => ({ index: k, id: (this.p.vintages[k] as Portfolio['vintages'][number]).id }));
  }

  /** The paid share targets of a draw: the market's, or each vintage's as a common shock (or one vintage's). */
  private paidShareTargets(only?: number): PaidShareTarget[] {
    if (this.compiled.shared) return [{ vintage: -1, a: 0, c: 1 }];
    const base = getInput(this.p, PAID_SHARE);
    const out: PaidShareTarget[] = [];
    this.p.vintages.forEach((v, k) => {
      if (only !== undefined && k !== only) return;
      let x: number | number[];
      try {
        x = getInput(v.scenario, PAID_SHARE);
      } catch {
        return;
      }
      const [a, c] = shockAffine(x, base, typeof x === 'number' ? x : (x[0] as number));
      out.push({ vintage: k, a, c });
    });
    return out;
  }

  /** Put the paid share of samples [0, m) at `values[i]` (or scale it), as `setInput(portfolio, 'paidShare', …)` does. */
  applyPaidShare(slots: Float64Array[], values: Float64Array, m: number, scale: boolean, _sameEveryYear = false, only?: number): void {
    const c = this.compiled;
    for (const pt of this.paidShareTargets(only)) {
      const vals = this.shareValues;
      for (let i = 0; i < m; i++) vals[i] = scale ? (values[i] as number) : pt.a + pt.c * (values[i] as number);
      if (pt.vintage < 0) {
        const l: PortfolioLayout = c.layout;
        const cash = (this.p.demand?.segments ?? []).map((s) => isCashPricing(pricingKind(s.pricing)));
        applyPaidShareColumns(slots, (j, t) => this.pxOffset + (l.segments[j] as MarketSegmentSlots).share + t - 1, cash, l.Y, l.Y, vals, m, scale, this.scratch);
      } else {
        const v = c.vintages[pt.vintage]!;
        const o = this.offsets[pt.vintage] as number;
        applyPaidShareColumns(slots, (j, t) => o + v.layout.segments[j]!.share + t - 1, v.st.cash, v.T, v.T, vals, m, scale, this.scratch);
      }
    }
  }

  /** Evaluate samples [0, n) whose inputs are in `slots` (the slots in `varying` differ from the base). */
  evaluate(slots: Float64Array[], n: number, out: BlockOutput, varying: readonly number[] = this.allSlots): void {
    if (n > this.capacity) throw new RangeError(`block of ${n} samples exceeds the model's capacity ${this.capacity}`);
    const c = this.compiled;
    c.vintages.forEach((v, k) => v.x.set(this.base.subarray(this.offsets[k] as number, (this.offsets[k] as number) + v.layout.count)));
    c.px.set(this.base.subarray(this.pxOffset));
    const q = varying.length;
    const vec: Float64Array[] = [...c.vintages.map((v) => v.x), c.px];
    const m = this.m;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < q; k++) {
        const s = varying[k] as number;
        (vec[this.vecOf[s] as number] as Float64Array)[this.localOf[s] as number] = (slots[s] as Float64Array)[i] as number;
      }
      runPortfolio(c, m, true);
      putMetrics(out, i, m);
      out.irrAtLeastWacc[i] = m.irr >= m.wacc ? 1 : 0;
      out.paybackWithinLife[i] = m.paybackYears <= m.life ? 1 : 0;
    }
  }
}

/** One slot's common shock `a + c · draw` (see `portfolio-paths.ts`): the draw itself where the vintage's value is the base, else `x · draw / base`, else `x + draw` from a base of 0. */
function shockAffine(x: number | number[], base: number | number[], slotValue: number): [number, number] {
  const same = typeof x === 'number' || typeof base === 'number' ? x === base : x.length === base.length && x.every((v, i) => v === base[i]);
  if (same || typeof base !== 'number') return [0, 1];
  if (base !== 0) return [0, slotValue / base];
  return typeof x === 'number' ? [slotValue, 1] : [0, 1];
}
