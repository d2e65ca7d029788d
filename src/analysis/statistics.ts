/**
 * Descriptive statistics of Monte Carlo columns, null-aware: a column is a
 * Float64Array in which NaN stands for "no value" (an IRR that does not
 * exist); what comes out holds `null` there, never NaN. Every sum runs in
 * index order — or, where every partial sum is exact (sums of ranks), in an
 * order that is faster — so the same column gives the same bits.
 */

/** The percentiles reported for every metric. */
export const PERCENTILES = [5, 10, 50, 90, 95] as const;

/** Bins of the histogram of every metric. */
export const HISTOGRAM_BINS = 20;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HI_WORD = LITTLE_ENDIAN ? 1 : 0;
const LO_WORD = 1 - HI_WORD;

/** Buckets at most this full are finished by insertion sort; fuller ones are bucketed again. */
const SMALL_BUCKET = 32;
/** Bucketing levels before a range goes to the radix sort (values spread over many orders of magnitude). */
const MAX_BUCKET_DEPTH = 4;

// scratch reused from sort to sort (one set per bucketing level): a sort allocates nothing once warm
const bucketCounts: Int32Array[] = [];
const levelValues: Float64Array[] = [];
const levelIndexes: Uint32Array[] = [];

/** Let the sort's scratch go (it is kept from sort to sort, sized to the largest). */
export function releaseSortScratch(): void {
  bucketCounts.length = 0;
  levelValues.length = 0;
  levelIndexes.length = 0;
}

function scratchInt32(pool: Int32Array[], level: number, size: number): Int32Array {
  let a = pool[level];
  if (a === undefined || a.length < size) pool[level] = a = new Int32Array(Math.max(size, 2 * (a?.length ?? 0)));
  return a;
}
function scratchFloat64(pool: Float64Array[], level: number, size: number): Float64Array {
  let a = pool[level];
  if (a === undefined || a.length < size) pool[level] = a = new Float64Array(Math.max(size, 2 * (a?.length ?? 0)));
  return a;
}
function scratchUint32(pool: Uint32Array[], level: number, size: number): Uint32Array {
  let a = pool[level];
  if (a === undefined || a.length < size) pool[level] = a = new Uint32Array(Math.max(size, 2 * (a?.length ?? 0)));
  return a;
}

/**
 * Sort `x[0..m)` ascending into `sorted`, with `order` the indexes it came
 * from (`sorted[k] = x[order[k]]`), stably: ties keep their index order, so
 * the result is unique. No value may be NaN; −0 and +0 are ties.
 *
 * A distribution sort: each value goes to the bucket of its linear position
 * between the minimum and the maximum (a monotone map, so the buckets come
 * in order), about 2 values a bucket; small buckets are finished by
 * insertion sort, full ones (skewed data) are bucketed again over their own
 * range, and a range still spread over many orders of magnitude (or holding
 * an infinity) goes to an LSD radix sort on the IEEE bits. `x` must not be
 * `sorted`.
 */
export function sortWithOrder(x: Float64Array, m: number, sorted: Float64Array, order: Uint32Array): void {
  distribute(x, null, 0, m, sorted, order, 0, 0);
}

/**
 * The order that sorts `x[0..m)` ascending, stable (ties keep their index
 * order); see `sortWithOrder`.
 */
export function argsort(x: Float64Array, m: number = x.length): Uint32Array {
  const order = new Uint32Array(m);
  sortWithOrder(x, m, new Float64Array(m), order);
  return order;
}

/** Sort `sv[s0..s0+s)` (their indexes `si`, or s0.. when null) into `dv`/`dOrder` from `at` on. */
function distribute(sv: Float64Array, si: Uint32Array | null, s0: number, s: number, dv: Float64Array, dOrder: Uint32Array, at: number, level: number): void {
  const end = s0 + s;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = s0; k < end; k++) {
    const v = sv[k] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    // every value equal (or none): already in order
    for (let k = 0; k < s; k++) {
      dv[at + k] = sv[s0 + k] as number;
      dOrder[at + k] = si === null ? s0 + k : (si[s0 + k] as number);
    }
    return;
  }
  const B = Math.max(2, Math.ceil(s / 2));
  const scale = B / (hi - lo);
  if (level >= MAX_BUCKET_DEPTH || !(scale < Infinity) || !(hi - lo < Infinity)) {
    radixSort(sv, si, s0, s, dv, dOrder, at);
    return;
  }
  const counts = scratchInt32(bucketCounts, level, B);
  counts.fill(0, 0, B);
  for (let k = s0; k < end; k++) {
    const b = ((sv[k] as number) - lo) * scale;
    const d = b >= B ? B - 1 : b | 0;
    counts[d] = (counts[d] as number) + 1;
  }
  // counts → where each bucket starts; after the scatter, where it ends
  let sum = at;
  for (let b = 0; b < B; b++) {
    const c = counts[b] as number;
    counts[b] = sum;
    sum += c;
  }
  for (let k = s0; k < end; k++) {
    const v = sv[k] as number;
    const f = (v - lo) * scale;
    const b = f >= B ? B - 1 : f | 0;
    const to = counts[b] as number;
    counts[b] = to + 1;
    dv[to] = v;
    dOrder[to] = si === null ? k : (si[k] as number);
  }
  let a = at;
  for (let b = 0; b < B; b++) {
    const e = counts[b] as number;
    if (e - a > SMALL_BUCKET) {
      const v0 = dv[a] as number;
      let same = true;
      for (let k = a + 1; k < e && same; k++) same = dv[k] === v0;
      if (!same) {
        const tv = scratchFloat64(levelValues, level, e - a);
        const ti = scratchUint32(levelIndexes, level, e - a);
        tv.set(dv.subarray(a, e));
        ti.set(dOrder.subarray(a, e));
        distribute(tv, ti, 0, e - a, dv, dOrder, a, level + 1);
      }
    } else if (e - a > 1) insertionSort(dv, dOrder, a, e);
    a = e;
  }
}

function bump(counts: Int32Array, d: number): void {
  counts[d] = (counts[d] as number) + 1;
}

/** Stable insertion sort of v[a..b) carrying o. */
function insertionSort(v: Float64Array, o: Uint32Array, a: number, b: number): void {
  for (let k = a + 1; k < b; k++) {
    const x = v[k] as number;
    if (!((v[k - 1] as number) > x)) continue;
    const i = o[k] as number;
    let j = k - 1;
    do {
      v[j + 1] = v[j] as number;
      o[j + 1] = o[j] as number;
      j--;
    } while (j >= a && (v[j] as number) > x);
    v[j + 1] = x;
    o[j + 1] = i;
  }
}

/**
 * LSD radix sort of `sv[s0..s0+s)` on its IEEE bits mapped to an unsigned
 * order (negatives flipped whole, positives with the sign bit set; −0 as +0),
 * 11 bits a pass, skipping passes whose digit is the same for every value.
 */
function radixSort(sv: Float64Array, si: Uint32Array | null, s0: number, s: number, dv: Float64Array, dOrder: Uint32Array, at: number): void {
  const words = new Int32Array(sv.buffer, sv.byteOffset + 8 * s0, 2 * s);
  let hi = new Int32Array(s);
  let lo = new Int32Array(s);
  let idx = new Uint32Array(s); // positions in the range
  const counts = new Int32Array(6 * 2048);
  for (let k = 0; k < s; k++) {
    let h = words[2 * k + HI_WORD] as number;
    let l = words[2 * k + LO_WORD] as number;
    if (h === -0x80000000 && l === 0) h = 0; // −0
    const sign = h >> 31;
    h ^= sign | -0x80000000;
    l ^= sign;
    hi[k] = h;
    lo[k] = l;
    idx[k] = k;
    bump(counts, l & 2047);
    bump(counts, 2048 + ((l >>> 11) & 2047));
    bump(counts, 4096 + (l >>> 22));
    bump(counts, 6144 + (h & 2047));
    bump(counts, 8192 + ((h >>> 11) & 2047));
    bump(counts, 10240 + (h >>> 22));
  }
  let hi2 = new Int32Array(s);
  let lo2 = new Int32Array(s);
  let idx2 = new Uint32Array(s);
  for (let pass = 0; pass < 6; pass++) {
    const shift = (pass % 3) * 11;
    const base = pass * 2048;
    const first = ((((pass < 3 ? lo[0] : hi[0]) as number) >>> shift) & 2047) + base;
    if (counts[first] === s) continue; // every value has this digit
    let sum = 0;
    for (let d = base; d < base + 2048; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    const key = pass < 3 ? lo : hi;
    for (let k = 0; k < s; k++) {
      const d = base + (((key[k] as number) >>> shift) & 2047);
      const to = counts[d] as number;
      counts[d] = to + 1;
      hi2[to] = hi[k] as number;
      lo2[to] = lo[k] as number;
      idx2[to] = idx[k] as number;
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [idx, idx2] = [idx2, idx];
  }
  // idx holds positions in the range: the values and their indexes from there
  for (let k = 0; k < s; k++) {
    const p = s0 + (idx[k] as number);
    dv[at + k] = sv[p] as number;
    dOrder[at + k] = si === null ? p : (si[p] as number);
  }
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
  const out = new Float64Array(m);
  sortWithOrder(vals, m, out, new Uint32Array(m));
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
  // a value falls in the last bin whose lower edge it reaches (the edges ascend): bin k holds
  // the values in [edges[k], edges[k + 1]), the last bin the max too — found by binary search
  const counts = new Array<number>(bins).fill(0);
  let below = 0; // values under edges[k]
  for (let k = 1; k < bins; k++) {
    const reached = lowerBound(sorted, edges[k] as number, below, m);
    counts[k - 1] = reached - below;
    below = reached;
  }
  counts[bins - 1] = m - below;
  return { bins: counts.map((count, k) => ({ lo: edges[k] as number, hi: edges[k + 1] as number, count })), nullCount };
}

/**
 * Count, mean, sd, min, max, the percentiles of `PERCENTILES` and a
 * histogram of a column (NaN = no value). `sorted` may pass the column's
 * values already sorted (see `sortWithOrder`).
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

/** The first position in sorted[from..to) whose value is ≥ v (to when none). */
function lowerBound(sorted: ArrayLike<number>, v: number, from: number, to: number): number {
  let a = from;
  let b = to;
  while (a < b) {
    const h = (a + b) >>> 1;
    if ((sorted[h] as number) < v) a = h + 1;
    else b = h;
  }
  return a;
}

/**
 * Ranks centered on their mean: rank − (m + 1)/2, the rank 1-based with ties
 * averaged. They are half-integers of magnitude < m/2, exact in a
 * Float32Array for any m ≤ 2^23, and sums of their products are exact in
 * doubles up to `EXACT_RANK_SUMS` samples (see `rankDot`).
 *
 * Writes `out[order[k]]` for the k-th smallest of the m values that `sorted`
 * and `order` sort (`sortWithOrder`); says whether any two values tie.
 */
export function centeredRanks(sorted: Float64Array, order: Uint32Array, m: number, out: Float32Array): boolean {
  const mean = (m + 1) / 2;
  let ties = false;
  let a = 0;
  while (a < m) {
    const v = sorted[a] as number;
    let b = a + 1;
    while (b < m && sorted[b] === v) b++;
    // positions a..b−1 hold ranks a+1..b: their average
    const c = (a + 1 + b) / 2 - mean;
    if (b - a > 1) ties = true;
    for (let k = a; k < b; k++) out[order[k] as number] = c;
    a = b;
  }
  return ties;
}

/**
 * The centered ranks (see `centeredRanks`) of a full column among the
 * samples of a subset only, from the column's sort (`sorted`, `order` over
 * all n samples; `ties`: whether any of its values tie): `posOf[i]` is
 * sample i's position in the subset (−1: not in it), `m` the subset's size,
 * `out[p]` the rank of the subset's p-th sample. No sort: one pass over `order`.
 */
export function subsetCenteredRanks(sorted: Float64Array, order: Uint32Array, n: number, ties: boolean, posOf: Int32Array, m: number, out: Float32Array): void {
  const mean = (m + 1) / 2;
  let k = 0;
  if (!ties) {
    for (let j = 0; j < n; j++) {
      const p = posOf[order[j] as number] as number;
      if (p >= 0) out[p] = ++k - mean;
    }
    return;
  }
  // the members in sorted order; a tie group is a run of equal values among them
  const members = new Int32Array(m);
  let start = 0;
  let prev = 0;
  for (let j = 0; j < n; j++) {
    const p = posOf[order[j] as number] as number;
    if (p < 0) continue;
    const v = sorted[j] as number;
    if (k > 0 && v !== prev) {
      const c = (start + 1 + k) / 2 - mean;
      for (let t = start; t < k; t++) out[members[t] as number] = c;
      start = k;
    }
    members[k++] = p;
    prev = v;
  }
  const c = (start + 1 + k) / 2 - mean;
  for (let t = start; t < k; t++) out[members[t] as number] = c;
}

/**
 * Up to this many samples every partial sum of products of centered ranks
 * (multiples of 1/4 of magnitude ≤ m(m² − 1)/12 ≤ 2^51) is exact in a double,
 * so such sums are the same in any order.
 */
export const EXACT_RANK_SUMS = 1 << 18;

/**
 * `start` + Σ a[i]·b[i] over i in [from, to), for centered ranks of m
 * samples: in index order — the bits of a plain running sum — or, when m ≤
 * `EXACT_RANK_SUMS` and every partial sum is exact, in four interleaved sums.
 */
export function rankDot(a: Float32Array, b: Float32Array, m: number, from = 0, to = m, start = 0): number {
  if (m > EXACT_RANK_SUMS) {
    let s = start;
    for (let i = from; i < to; i++) s += (a[i] as number) * (b[i] as number);
    return s;
  }
  let s0 = start;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = from;
  for (; i + 3 < to; i += 4) {
    s0 += (a[i] as number) * (b[i] as number);
    s1 += (a[i + 1] as number) * (b[i + 1] as number);
    s2 += (a[i + 2] as number) * (b[i + 2] as number);
    s3 += (a[i + 3] as number) * (b[i + 3] as number);
  }
  for (; i < to; i++) s0 += (a[i] as number) * (b[i] as number);
  return s0 + s1 + (s2 + s3);
}

/**
 * sums[t] += Σ x[i]·ys[t][i] over i in [from, to), for each t — centered
 * ranks of m samples, so the same bits as `rankDot`: each sum a plain running
 * sum in index order (or, when it is exact, one in any order). Up to four run
 * side by side in one pass over x.
 */
export function rankDots(x: Float32Array, ys: readonly Float32Array[], m: number, sums: Float64Array, from = 0, to = m): void {
  for (let t = 0; t < ys.length; t += 4) {
    const left = ys.length - t;
    const a = ys[t] as Float32Array;
    if (left === 1) {
      sums[t] = rankDot(x, a, m, from, to, sums[t] as number);
      break;
    }
    // fewer than four: repeat some (their sums are dropped)
    const b = ys[t + 1] as Float32Array;
    const c = left > 2 ? (ys[t + 2] as Float32Array) : a;
    const d = left > 3 ? (ys[t + 3] as Float32Array) : b;
    let sa = sums[t] as number;
    let sb = sums[t + 1] as number;
    let sc = left > 2 ? (sums[t + 2] as number) : 0;
    let sd = left > 3 ? (sums[t + 3] as number) : 0;
    for (let i = from; i < to; i++) {
      const v = x[i] as number;
      sa += v * (a[i] as number);
      sb += v * (b[i] as number);
      sc += v * (c[i] as number);
      sd += v * (d[i] as number);
    }
    sums[t] = sa;
    sums[t + 1] = sb;
    if (left > 2) sums[t + 2] = sc;
    if (left > 3) sums[t + 3] = sd;
  }
}

/** A correlation from its centered sums: null when either side is constant; clamped to [−1, 1]. */
export function correlationFromSums(sxy: number, sxx: number, syy: number): number | null {
  if (!(sxx > 0) || !(syy > 0)) return null;
  const r = sxy / Math.sqrt(sxx * syy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * The centered ranks (see `centeredRanks`) of `values[idx[k]]` for k < m
 * (`idx` null: `values[0..m)`), by k. No value may be NaN.
 */
export function centeredRanksOf(values: ArrayLike<number>, m: number, idx: Int32Array | null = null): Float32Array {
  const x = new Float64Array(m);
  for (let k = 0; k < m; k++) x[k] = values[idx === null ? k : (idx[k] as number)] as number;
  const order = new Uint32Array(m);
  const sorted = new Float64Array(m);
  sortWithOrder(x, m, sorted, order);
  const out = new Float32Array(m);
  centeredRanks(sorted, order, m, out);
  return out;
}

/**
 * Ranks (1-based, ties get their average rank) of `values[idx[k]]` for
 * k < m; `idx` null means all of `values[0..m)`. No value may be NaN.
 */
export function ranks(values: ArrayLike<number>, m: number, idx: Int32Array | null = null): Float64Array {
  const c = centeredRanksOf(values, m, idx);
  const mean = (m + 1) / 2;
  const out = new Float64Array(m);
  for (let k = 0; k < m; k++) out[k] = (c[k] as number) + mean;
  return out;
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
  return correlationFromSums(sxy, sxx, syy);
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
  const m = idx.length;
  if (m < 3) return null;
  const rx = centeredRanksOf(x, m, idx);
  const ry = centeredRanksOf(y, m, idx);
  return correlationFromSums(rankDot(rx, ry, m), rankDot(rx, rx, m), rankDot(ry, ry, m));
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
