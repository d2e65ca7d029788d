/**
 * Descriptive statistics of Monte Carlo columns, null-aware: a column is a
 * Float64Array in which NaN stands for "no value" (an IRR that does not
 * exist); what comes out holds `null` there, never NaN. Every sum runs in
 * index order, so the same column gives the same bits.
 */

/** The percentiles reported for every metric. */
export const PERCENTILES = [5, 10, 50, 90, 95] as const;

/** Bins of the histogram of every metric. */
export const HISTOGRAM_BINS = 20;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The order that sorts `x[0..m)` ascending, stable (ties keep their index
 * order): an LSD radix sort on the IEEE bits, 16 bits a pass, linear in m.
 * No value may be NaN; −0 sorts as +0.
 */
export function argsort(x: Float64Array, m: number = x.length): Uint32Array {
  const keys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const v = x[i] as number;
    keys[i] = v === 0 ? 0 : v;
  }
  const words = new Uint32Array(keys.buffer);
  const hiAt = LITTLE_ENDIAN ? 1 : 0;
  const loAt = 1 - hiAt;
  // map the bits to an unsigned order: negatives flipped whole, positives get the sign bit set
  const hi = new Uint32Array(m);
  const lo = new Uint32Array(m);
  for (let i = 0; i < m; i++) {
    const h = words[2 * i + hiAt] as number;
    const l = words[2 * i + loAt] as number;
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  let order = new Uint32Array(m);
  let next = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < m; i++) {
      const d = ((src[i] as number) >>> shift) & 0xffff;
      count[d] = (count[d] as number) + 1;
    }
    let skip = false;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d] as number;
      if (c === m) skip = true;
      count[d] = sum;
      sum += c;
    }
    if (skip) continue; // every key has this digit
    for (let k = 0; k < m; k++) {
      const i = order[k] as number;
      const d = ((src[i] as number) >>> shift) & 0xffff;
      const at = count[d] as number;
      next[at] = i;
      count[d] = at + 1;
    }
    const tmp = order;
    order = next;
    next = tmp;
  }
  return order;
}

export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
}

export interface Histogram {
  bins: HistogramBin[];
  /** samples with no value, outside the bins */
  nullCount: number;
}

export interface ColumnStats {
  /** samples with a value */
  count: number;
  /** samples without one */
  nullCount: number;
  mean: number | null;
  /** sample standard deviation (n − 1) */
  sd: number | null;
  min: number | null;
  max: number | null;
  p5: number | null;
  p10: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  histogram: Histogram;
}

/** The values of a column that have one, sorted ascending. */
export function sortedValues(col: ArrayLike<number>, n: number = col.length): Float64Array {
  let m = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(col[i] as number)) m++;
  const vals = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = col[i] as number;
    if (!Number.isNaN(v)) vals[k++] = v;
  }
  const order = argsort(vals, m);
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) out[j] = vals[order[j] as number] as number;
  return out;
}

/**
 * The p-th percentile (0..100) of sorted values, interpolating linearly
 * between order statistics (numpy's default, Hyndman–Fan type 7).
 *
 * @example
 * percentileSorted(Float64Array.of(1, 2, 3, 4), 50); // 2.5
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number | null {
  const m = sorted.length;
  if (m === 0) return null;
  const h = ((m - 1) * p) / 100;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  if (lo + 1 >= m) return a;
  const b = sorted[lo + 1] as number;
  return a + (h - lo) * (b - a);
}

/** Equal-width bins over [min, max] of the values; one bin when they are all equal. */
export function histogram(sorted: ArrayLike<number>, nullCount: number, bins: number = HISTOGRAM_BINS): Histogram {
  const m = sorted.length;
  if (m === 0) return { bins: [], nullCount };
  const min = sorted[0] as number;
  const max = sorted[m - 1] as number;
  if (!(max > min)) return { bins: [{ lo: min, hi: max, count: m }], nullCount };
  const span = max - min;
  const edges: number[] = [];
  for (let k = 0; k <= bins; k++) edges.push(k === bins ? max : min + (span * k) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < m; i++) {
    const v = sorted[i] as number;
    let k = Math.floor(((v - min) / span) * bins);
    if (k >= bins) k = bins - 1;
    // the edge array decides, so a value on an edge falls in the bin that starts there
    while (k > 0 && v < (edges[k] as number)) k--;
    while (k < bins - 1 && v >= (edges[k + 1] as number)) k++;
    counts[k] = (counts[k] as number) + 1;
  }
  return { bins: counts.map((count, k) => ({ lo: edges[k] as number, hi: edges[k + 1] as number, count })), nullCount };
}

/**
 * Count, mean, sd, min, max, the percentiles of `PERCENTILES` and a
 * histogram of a column (NaN = no value). `sorted` may pass the column's
 * values already sorted (see `ranksAndSorted`).
 */
export function columnStats(col: ArrayLike<number>, n: number = col.length, bins: number = HISTOGRAM_BINS, sorted: Float64Array = sortedValues(col, n)): ColumnStats {
  const m = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = col[i] as number;
    if (!Number.isNaN(v)) sum += v;
  }
  const mean = m === 0 ? null : sum / m;
  let sd: number | null = null;
  if (mean !== null && m >= 2) {
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = col[i] as number;
      if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
    }
    sd = Math.sqrt(ss / (m - 1));
  }
  const pct = (p: number): number | null => percentileSorted(sorted, p);
  const finiteOrNull = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x);
  return {
    count: m,
    nullCount: n - m,
    mean: finiteOrNull(mean),
    sd: finiteOrNull(sd),
    min: m === 0 ? null : (sorted[0] as number),
    max: m === 0 ? null : (sorted[m - 1] as number),
    p5: pct(5),
    p10: pct(10),
    p50: pct(50),
    p90: pct(90),
    p95: pct(95),
    histogram: histogram(sorted, n - m, bins),
  };
}

/**
 * The ranks (1-based, ties averaged) of `values[idx[k]]` for k < m (`idx`
 * null: `values[0..m)`) and those values sorted, from one sort. No value may be NaN.
 */
export function ranksAndSorted(
  values: ArrayLike<number>,
  m: number,
  idx: Int32Array | null = null,
): { ranks: Float64Array; sorted: Float64Array; order: Uint32Array } {
  const x = new Float64Array(m);
  for (let k = 0; k < m; k++) x[k] = values[idx === null ? k : (idx[k] as number)] as number;
  const order = argsort(x, m);
  const sorted = new Float64Array(m);
  for (let k = 0; k < m; k++) sorted[k] = x[order[k] as number] as number;
  return { ranks: ranksFromOrder(x, order, m), sorted, order };
}

/** Average ranks of `x` given the order that sorts it (ties: equal values, consecutive in the order). */
function ranksFromOrder(x: ArrayLike<number>, order: ArrayLike<number>, m: number, posOf?: Int32Array): Float64Array {
  const r = new Float64Array(m);
  let a = 0;
  while (a < m) {
    const v = x[order[a] as number] as number;
    let b = a + 1;
    while (b < m && x[order[b] as number] === v) b++;
    // positions a..b−1 hold ranks a+1..b: their average
    const avg = (a + 1 + b) / 2;
    for (let k = a; k < b; k++) {
      const i = order[k] as number;
      r[posOf === undefined ? i : (posOf[i] as number)] = avg;
    }
    a = b;
  }
  return r;
}

/**
 * The ranks of a full column `x` (sorted by `order`, see `ranksAndSorted`)
 * among the samples of a subset only: `posOf[i]` is sample i's position in
 * the subset (−1: not in it), `m` the subset's size. No sort: one pass over `order`.
 */
export function subsetRanks(x: ArrayLike<number>, order: Uint32Array, posOf: Int32Array, m: number): Float64Array {
  const sub = new Uint32Array(m);
  let k = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j] as number;
    if ((posOf[i] as number) >= 0) sub[k++] = i;
  }
  return ranksFromOrder(x, sub, m, posOf);
}

/**
 * Ranks (1-based, ties get their average rank) of `values[idx[k]]` for
 * k < m; `idx` null means all of `values[0..m)`. No value may be NaN.
 */
export function ranks(values: ArrayLike<number>, m: number, idx: Int32Array | null = null): Float64Array {
  return ranksAndSorted(values, m, idx).ranks;
}

/** Pearson correlation of x[0..m) and y[0..m); null when either is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>, m: number): number | null {
  if (m < 2) return null;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < m; i++) {
    sx += x[i] as number;
    sy += y[i] as number;
  }
  const mx = sx / m;
  const my = sy / m;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < m; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return null;
  const r = sxy / Math.sqrt(sxx * syy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * Spearman rank correlation of two columns over the samples where both have
 * a value; null when fewer than 3 such samples or either is constant there.
 *
 * @example
 * spearman(Float64Array.of(1, 2, 3), Float64Array.of(10, 30, 20)); // 0.5
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>, n: number = x.length): number | null {
  const idx = completeCases([x, y], n);
  if (idx.length < 3) return null;
  return pearson(ranks(x, idx.length, idx), ranks(y, idx.length, idx), idx.length);
}

/** The sample indexes at which every column has a value. */
export function completeCases(cols: readonly ArrayLike<number>[], n: number): Int32Array {
  let m = 0;
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let ok = 1;
    for (const c of cols) if (Number.isNaN(c[i] as number)) ok = 0;
    keep[i] = ok;
    m += ok;
  }
  const idx = new Int32Array(m);
  let k = 0;
  for (let i = 0; i < n; i++) if (keep[i]) idx[k++] = i;
  return idx;
}
