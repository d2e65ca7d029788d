/**
 * The Monte Carlo's block of samples: one Float64Array per input (a "slot")
 * holding that input for every sample of a chunk. Each sample runs through
 * `runFactory` (`model/factory.ts`) — the same computation of a year that
 * `evaluate` runs, so the Monte Carlo and the single run cannot disagree.
 */
import { type FactoryMetrics, type FactoryPlan, factoryPlan, LIFE_DEFINITIONS, MC_METRICS, type McMetric, newFactoryMetrics, runFactory } from '../model/factory.ts';
import { IRR_NONE, IRR_ONE, IRR_SEVERAL, irrRootClass, signChanges } from '../model/irr-class.ts';
import type { PricingKind } from '../model/result.ts';
import type { Scenario } from '../model/schema.ts';
import { extractInputs, type Layout, makeLayout, type SegmentSlots, type SlotTarget, slotTargets, structureOf } from '../model/slots.ts';

export { IRR_NONE, IRR_ONE, IRR_SEVERAL, irrRootClass, signChanges, MC_METRICS, type McMetric, type SlotTarget };

/** The outputs of a block, one entry per sample. NaN = no value. */
export interface BlockOutput {
  metrics: Record<McMetric, Float64Array>;
  /** IRR_NONE, IRR_ONE or IRR_SEVERAL */
  irrRoots: Uint8Array;
  equityIrrRoots: Uint8Array;
  /** 1 when the sample has an IRR and it is at least its wacc */
  irrAtLeastWacc: Uint8Array;
  /** 1 when it pays back within its life (see `ColumnarModel.lifeDefinition`) */
  paybackWithinLife: Uint8Array;
}

/** A block output of `n` samples. */
export function newBlockOutput(n: number): BlockOutput {
  const metrics = {} as Record<McMetric, Float64Array>;
  for (const m of MC_METRICS) metrics[m] = new Float64Array(n);
  return { metrics, irrRoots: new Uint8Array(n), equityIrrRoots: new Uint8Array(n), irrAtLeastWacc: new Uint8Array(n), paybackWithinLife: new Uint8Array(n) };
}

/** A run's metrics and IRR root classes into sample `i` of a block (a scenario's run or a portfolio's). */
export function putMetrics(out: BlockOutput, i: number, m: Omit<FactoryMetrics, 'cumAtRentTerm'>): void {
  const M = out.metrics;
  M.npv[i] = m.npv;
  M.irr[i] = m.irr;
  M.equityIrr[i] = m.equityIrr;
  M.paybackYears[i] = m.paybackYears;
  M.grossProfitPerMW[i] = m.grossProfitPerMW;
  M.revenuePerMW[i] = m.revenuePerMW;
  M.profitableShare[i] = m.profitableShare;
  M.strategicNpv[i] = m.strategicNpv;
  out.irrRoots[i] = m.irrClass;
  out.equityIrrRoots[i] = m.equityIrrClass;
}

/**
 * The model compiled for the structure of one scenario (its modes, horizon,
 * segments and pricing forms); the numbers come per sample in the slots.
 *
 * @example
 * const m = new ColumnarModel(scenario, 1024);
 * const slots = m.newSlots(); m.fillBase(slots, 0, n);
 * slots[m.target('finance.wacc').slots[0]][0] = 0.09;
 * m.evaluate(slots, n, out);
 */
export class ColumnarModel {
  readonly T: number;
  readonly capacity: number;
  readonly layout: Layout;
  readonly own: boolean;
  readonly kinds: PricingKind[];
  readonly cash: boolean[];
  readonly segmentIds: string[];
  /** What "pays back within its life" means for this fleet. */
  readonly lifeDefinition: string;
  private readonly base: Float64Array;
  private readonly targets: Map<string, SlotTarget>;
  private readonly plan: FactoryPlan;
  private readonly m: FactoryMetrics = newFactoryMetrics();
  /** one sample's inputs: the base scenario's, with the slots that vary copied in */
  private readonly x: Float64Array;
  private readonly scratch: Float64Array[];
  private readonly allSlots: number[];
  /** slots the model does not read for this structure */
  private readonly unread = new Set<number>();
  private readonly readCache = new WeakMap<readonly number[], number[]>();

  constructor(scenario: Scenario, capacity: number) {
    const st = structureOf(scenario);
    const T = st.T;
    this.T = T;
    this.capacity = capacity;
    this.layout = makeLayout(T, st.kinds.length, st.capital);
    this.own = st.own;
    this.kinds = st.kinds;
    this.cash = st.cash;
    this.segmentIds = st.segmentIds;
    this.plan = factoryPlan(st, this.layout);
    this.lifeDefinition = st.own ? LIFE_DEFINITIONS.own : LIFE_DEFINITIONS.rent;
    this.base = new Float64Array(this.layout.count);
    extractInputs(scenario, this.layout, this.base);
    this.targets = slotTargets(this.layout, T, st.segmentIds, st.capital);
    this.scratch = Array.from({ length: 4 }, () => new Float64Array(capacity));
    this.x = new Float64Array(this.layout.count);
    this.allSlots = Array.from({ length: this.layout.count }, (_, k) => k);
    // with every share the same in every year the model reads year 1's slot alone: later years need no copying
    if (st.constantShares) {
      for (const sl of this.layout.segments) for (let t = 2; t <= T; t++) this.unread.add(sl.share + t - 1);
    }
  }

  /** One column per slot, `capacity` long. */
  newSlots(): Float64Array[] {
    return Array.from({ length: this.layout.count }, () => new Float64Array(this.capacity));
  }

  /** Set samples [from, to) of every slot to the base scenario's values. */
  fillBase(slots: Float64Array[], from: number, to: number): void {
    for (let s = 0; s < this.layout.count; s++) (slots[s] as Float64Array).fill(this.base[s] as number, from, to);
  }

  /** Reset samples [from, to) of the given slots to the base scenario's values. */
  resetSlots(slots: Float64Array[], which: readonly number[], from: number, to: number): void {
    for (const s of which) (slots[s] as Float64Array).fill(this.base[s] as number, from, to);
  }

  /** The base value of a slot. */
  baseValue(slot: number): number {
    return this.base[slot] as number;
  }

  /** The slots a canonical input path writes, or undefined when the path is not a slot of this model. */
  target(path: string): SlotTarget | undefined {
    return this.targets.get(path);
  }

  /** True when every segment's base token share is the same in every year (no Series that changes). */
  sharesSameEveryYear(): boolean {
    for (let j = 0; j < this.segmentIds.length; j++) {
      const first = this.base[this.shareSlot(j, 1)] as number;
      for (let t = 2; t <= this.T; t++) if (!Object.is(this.base[this.shareSlot(j, t)], first)) return false;
    }
    return true;
  }

  /** The token-share slot of segment j in year t (1-based). */
  shareSlot(j: number, t: number): number {
    return (this.layout.segments[j] as SegmentSlots).share + t - 1;
  }

  /** Write every input of a scenario of this structure into `slots` at sample `i`. */
  extractInto(scenario: Scenario, slots: Float64Array[], i: number): void {
    const row = new Float64Array(this.layout.count);
    extractInputs(scenario, this.layout, row);
    for (let s = 0; s < row.length; s++) (slots[s] as Float64Array)[i] = row[s] as number;
  }

  /**
   * Put the paid share (MODEL.md §5) of samples [0, m) at `values[i]` (`set`)
   * or multiply it by them (`scale`), exactly as `setInput(s, 'paidShare', …)`
   * does: the cash segments' shares scaled to sum to p, the others to 1 − p,
   * keeping the proportions in each group, every year (a group without tokens
   * is split evenly).
   */
  applyPaidShare(slots: Float64Array[], values: Float64Array, m: number, scale: boolean, sameEveryYear = false): void {
    applyPaidShareColumns(slots, (j, t) => this.shareSlot(j, t), this.cash, sameEveryYear ? 1 : this.T, this.T, values, m, scale, this.scratch as [Float64Array, Float64Array, Float64Array, Float64Array]);
  }

  /**
   * Evaluate samples [0, n) whose inputs are in `slots`; write the metrics
   * and flags of each into `out` at the same index. `varying` lists the slots
   * that differ from the base scenario (the others hold its values, as
   * `fillBase` leaves them); only those are read per sample.
   */
  evaluate(slots: Float64Array[], n: number, out: BlockOutput, varying: readonly number[] = this.allSlots): void {
    if (n > this.capacity) throw new RangeError(`block of ${n} samples exceeds the model's capacity ${this.capacity}`);
    const x = this.x;
    x.set(this.base);
    const plan = this.plan;
    const m = this.m;
    let read = this.readCache.get(varying);
    if (read === undefined) {
      read = varying.filter((v) => !this.unread.has(v));
      this.readCache.set(varying, read);
    }
    const q = read.length;
    const wacc = slots[this.layout.wacc] as Float64Array;
    const life = slots[this.layout.usefulLife] as Float64Array;
    const own = this.own;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < q; k++) {
        const s = read[k] as number;
        x[s] = (slots[s] as Float64Array)[i] as number;
      }
      runFactory(plan, x, m, null, true);
      putMetrics(out, i, m);
      out.irrAtLeastWacc[i] = m.irr >= (wacc[i] as number) ? 1 : 0;
      out.paybackWithinLife[i] = own ? (m.paybackYears <= (life[i] as number) ? 1 : 0) : m.cumAtRentTerm >= 0 ? 1 : 0;
    }
  }
}

/**
 * The paid share (MODEL.md §5) of samples [0, m) put at `values[i]` (`set`)
 * or multiplied by them (`scale`) in the share columns `shareSlot(j, t)` of
 * segments j (cash or not) in years t = 1..`years`: the cash segments' shares
 * scaled to sum to p, the others to 1 − p, keeping the proportions in each
 * group, every year (a group without tokens is split evenly); with fewer
 * `years` than `T`, the later years copy the last one worked out. What
 * `setInput(s, 'paidShare', …)` does, column by column; a portfolio's market
 * and vintages use it too. `scratch` holds four columns of at least m.
 */
export function applyPaidShareColumns(
  slots: Float64Array[],
  shareSlot: (j: number, t: number) => number,
  cash: readonly boolean[],
  years: number,
  T: number,
  values: Float64Array,
  m: number,
  scale: boolean,
  scratch: readonly [Float64Array, Float64Array, Float64Array, Float64Array],
): void {
  const nSeg = cash.length;
  let nCash = 0;
  for (let j = 0; j < nSeg; j++) if (cash[j]) nCash++;
  const nOther = nSeg - nCash;
  const [cashSum, otherSum, all, target] = scratch;
  for (let t = 1; t <= years; t++) {
    cashSum.fill(0, 0, m);
    otherSum.fill(0, 0, m);
    all.fill(0, 0, m);
    for (let j = 0; j < nSeg; j++) {
      const col = slots[shareSlot(j, t)] as Float64Array;
      const sum = cash[j] ? cashSum : otherSum;
      for (let i = 0; i < m; i++) {
        const x = col[i] as number;
        all[i] = (all[i] as number) + x;
        sum[i] = (sum[i] as number) + x;
      }
    }
    for (let i = 0; i < m; i++) {
      const a = all[i] as number;
      target[i] = scale ? (a === 0 ? 0 : (cashSum[i] as number) / a) * (values[i] as number) : (values[i] as number);
    }
    for (let j = 0; j < nSeg; j++) {
      const col = slots[shareSlot(j, t)] as Float64Array;
      const isCash = cash[j] as boolean;
      const sum = isCash ? cashSum : otherSum;
      const even = isCash ? nCash : nOther;
      for (let i = 0; i < m; i++) {
        const p = target[i] as number;
        const groupTarget = isCash ? p : 1 - p;
        const s = sum[i] as number;
        col[i] = s > 0 ? ((col[i] as number) * groupTarget) / s : groupTarget / even;
      }
    }
  }
  // the shares of every later year were those of the last one worked out: so are the results
  for (let t = years + 1; t <= T; t++) {
    for (let j = 0; j < nSeg; j++) (slots[shareSlot(j, t)] as Float64Array).set((slots[shareSlot(j, years)] as Float64Array).subarray(0, m));
  }
}
