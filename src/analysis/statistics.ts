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
/** Bits of a value's key in `sortColumn` beyond those of the count of values: about 8 keys a value, so few values share one. */
const KEY_SPARE_BITS = 3;
/** The most bits of a digit of `sortColumn`'s keys: the places a pass scatters to stay in cache. */
const MAX_DIGIT_BITS = 12;
/** Values of a column `sortColumn` looks at for its range (every value when fewer), before it counts them all. */
const RANGE_SAMPLE = 2048;
/** The memory of the sort passes holds at least this many values (see `passesFor`). */
const MIN_PASSES = 1 << 16;
/** Bucketing levels before a range goes to the radix sort (values spread over many orders of magnitude). */
const MAX_BUCKET_DEPTH = 4;

// scratch of `distribute`, reused from sort to sort (one set per bucketing level)
const bucketCounts: Int32Array[] = [];
const levelValues: Float64Array[] = [];
const levelIndexes: Uint32Array[] = [];

/**
 * Let the sort's scratch go. The memory of the sort passes (`passesFor`)
 * stays with the thread: it is made once (its pages only as far as a sort
 * has used them), so that the passes stay compiled for it.
 */
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

// What the passes give besides their result: module variables, not an object, so that the code
// after a loop the JIT compiled while it ran (on-stack replacement) needs nothing it has not seen
// run yet (it would throw that code away at the loop's end, at every call).
let passSum = 0;
let passSq = 0;
let passTies = false;
let passSubsetSs = 0;

/**
 * The passes over a column that sort and rank it, with their memory. A
 * closure made once per thread (`passesFor`): V8 compiles a loop over a
 * typed array that is a constant of its closure 2–3× tighter than over one
 * passed as an argument, whose address, length and type it checks again at
 * every turn; likewise the numbers a loop needs come from `key`, a typed
 * array read before the loop, not from arguments it would unbox at every turn.
 * Each loop is a function of its own, compiled on its own.
 */
interface Passes {
  /** values it can hold */
  cap: number;
  sorted: Float64Array;
  order: Uint32Array;
  /** sorts the values of col[0..n) that are not NaN into sorted/order; gives m (and passSum, passSq) */
  sort(col: Float64Array, n: number): number;
  /** centered ranks from sorted/order[0..m) into out[order[k]]; gives Σ rank² (and passTies) */
  rank(m: number, out: Float32Array): number;
  /** the ranks among a subset, from sorted/order[0..n): see `subsetCenteredRanks` */
  subsetRank(n: number, ties: boolean, mask: Float32Array, m: number, out: Float32Array): number;
  /** a subset's sums from ranks that do not tie: see `subsetRankDot` */
  subsetDot(ranks: Float32Array, n: number, m: number, outside: Int32Array, y: Float32Array): number;
  /** sorted/order hold values from elsewhere (not known not to tie) */
  forget(): void;
}

let passes: Passes | null = null;

/**
 * This thread's passes, for m values. Made at the size of the first column
 * (at least `MIN_PASSES`), and made again — larger — only for a longer one:
 * the compiled passes belong to the closures they were made in.
 */
function passesFor(m: number): Passes {
  if (passes === null || passes.cap < m) passes = makePasses(Math.max(m, MIN_PASSES, 2 * (passes?.cap ?? 0)));
  return passes;
}

function makePasses(cap: number): Passes {
  const sorted = new Float64Array(cap);
  const order = new Uint32Array(cap);
  // the values by the low digit of their key
  const tv = new Float64Array(cap);
  const ti = new Uint32Array(cap);
  // the starts of the places of the low digit, then those of the high one
  const counts = new Int32Array(2 << MAX_DIGIT_BITS);
  // lo, scale, K (the keys: ⌊(v − lo)·scale⌋ clamped to [0, K)), the mean; a range's min and max
  const key = new Float64Array(4);
  // whether two values of the last sort were seen to tie (finishKeys); whether sorted holds values known not to
  let tied = false;
  let distinct = false;
  // subsetDot's: a bit for each position of the samples outside a subset, the bits set before each word
  const outsideBits = new Int32Array((cap >> 5) + 1);
  const bitsBefore = new Int32Array((cap >> 5) + 1);

  /** The least and greatest of about RANGE_SAMPLE values of col (into key[0], key[1]); gives how many it saw. */
  function sampleRange(col: Float64Array, n: number): number {
    const step = Math.max(1, Math.floor(n / RANGE_SAMPLE));
    let seen = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i += step) {
      const v = col[i] as number;
      if (v !== v) continue;
      seen++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    key[0] = min;
    key[1] = max;
    return seen;
  }

  /** Every value of col: into key[0], key[1] the least and greatest, into passSum the sum in sample order; gives how many. */
  function scanRange(col: Float64Array, n: number): number {
    let m = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = col[i] as number;
      if (v !== v) continue;
      m++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    key[0] = min;
    key[1] = max;
    passSum = sum;
    return m;
  }

  function sort(col: Float64Array, n: number): number {
    let lo: number;
    let hi: number;
    if (sampleRange(col, n) > 0 && (key[1] as number) > (key[0] as number)) {
      // a little wider than the sample's: values out of it share the first or the last key
      const w = ((key[1] as number) - (key[0] as number)) / 8;
      lo = (key[0] as number) - w;
      hi = (key[1] as number) + w;
    } else {
      const m = scanRange(col, n);
      if (m === 0) {
        passSq = 0;
        distinct = true;
        return 0;
      }
      lo = key[0] as number;
      hi = key[1] as number;
    }
    const bits = keyBits(n);
    if (!setKeys(lo, hi, bits)) return spanless(col, n);
    const loBits = bits - (bits >> 1);
    distinct = false;
    const m = countDigits(col, 0, n, loBits, bits >> 1);
    if (m === 0) {
      passSq = 0;
      distinct = true;
      return 0;
    }
    key[3] = passSum / m;
    // by the low digit, in sample order; then by the high digit, stably
    passSq = scatterLow(col, null, 0, n, loBits);
    scatterHigh(m, loBits, 0);
    tied = false;
    finishKeys(0, m, 0);
    distinct = !tied;
    return m;
  }

  /** Bits of the keys of s values. */
  function keyBits(s: number): number {
    let bits = 0;
    while (2 ** bits < s) bits++;
    return Math.min(bits + KEY_SPARE_BITS, 2 * MAX_DIGIT_BITS);
  }

  /** The keys of [lo, hi] on 2^bits steps, and their counts cleared; false when no double holds the span. */
  function setKeys(lo: number, hi: number, bits: number): boolean {
    const K = 2 ** bits;
    const scale = K / (hi - lo);
    if (!(hi > lo) || !(scale < Infinity) || !(hi - lo < Infinity)) return false;
    key[0] = lo;
    key[1] = scale;
    key[2] = K;
    key[3] = 0;
    counts.fill(0, 0, (1 << (bits - (bits >> 1))) + (1 << (bits >> 1)));
    return true;
  }

  /** All values equal, or a span no double holds: the values in sample order, then (when they differ) the general sort. */
  function spanless(col: Float64Array, n: number): number {
    const m = scanRange(col, n);
    distinct = m <= 1;
    const spread = (key[1] as number) > (key[0] as number);
    const mean = passSum / m;
    let sq = 0;
    let k = 0;
    const values = spread ? tv : sorted;
    const idx = spread ? ti : order;
    for (let i = 0; i < n; i++) {
      const v = col[i] as number;
      if (v !== v) continue;
      const d = v - mean;
      sq += d * d;
      values[k] = v;
      idx[k++] = i;
    }
    passSq = sq;
    if (spread) {
      distribute(tv, ti, 0, m, sorted, order, 0, 1);
      distinct = !tieWithin(0, m);
    }
    return m;
  }

  /** Whether two neighbours of sorted[a..e) are equal. */
  function tieWithin(a: number, e: number): boolean {
    for (let k = a + 1; k < e; k++) if (sorted[k] === sorted[k - 1]) return true;
    return false;
  }

  function keyOf(v: number): number {
    const f = (v - (key[0] as number)) * (key[1] as number);
    const K = key[2] as number;
    return f > 0 ? (f >= K ? K - 1 : f | 0) : 0;
  }

  /**
   * Counts the values of src[from..to) (NaN: none) by the low and the high
   * digit of their key (the low digit's counts first, then the high one's);
   * gives how many (their sum in index order into passSum).
   */
  function countDigits(src: Float64Array, from: number, to: number, loBits: number, hiBits: number): number {
    const lo = key[0] as number;
    const scale = key[1] as number;
    const K = key[2] as number;
    const top = (K - 1) | 0;
    const loMask = (1 << loBits) - 1;
    const H = 1 << loBits;
    let m = 0;
    let sum = 0;
    for (let i = from; i < to; i++) {
      const v = src[i] as number;
      if (v !== v) continue;
      m++;
      sum += v;
      const f = (v - lo) * scale;
      const at = f > 0 ? (f >= K ? top : f | 0) : 0;
      const a = at & loMask;
      const b = H + (at >>> loBits);
      counts[a] = (counts[a] as number) + 1;
      counts[b] = (counts[b] as number) + 1;
    }
    passSum = sum;
    // the counts → where each place starts
    let c0 = 0;
    for (let d = 0; d < H; d++) {
      const c = counts[d] as number;
      counts[d] = c0;
      c0 += c;
    }
    let c1 = 0;
    for (let d = H; d < H + (1 << hiBits); d++) {
      const c = counts[d] as number;
      counts[d] = c1;
      c1 += c;
    }
    return m;
  }

  /**
   * The values of src[from..to) (NaN: none) and where each came from
   * (`srcIdx[i]`, or i when null) into tv/ti by their key's low digit, in
   * index order; gives Σ (v − key[3])² in index order.
   */
  function scatterLow(src: Float64Array, srcIdx: Uint32Array | null, from: number, to: number, loBits: number): number {
    const lo = key[0] as number;
    const scale = key[1] as number;
    const K = key[2] as number;
    const mean = key[3] as number;
    const top = (K - 1) | 0;
    const loMask = (1 << loBits) - 1;
    let sq = 0;
    for (let i = from; i < to; i++) {
      const v = src[i] as number;
      if (v !== v) continue;
      const d = v - mean;
      sq += d * d;
      const f = (v - lo) * scale;
      const at = (f > 0 ? (f >= K ? top : f | 0) : 0) & loMask;
      const pos = counts[at] as number;
      counts[at] = pos + 1;
      tv[pos] = v;
      ti[pos] = srcIdx === null ? i : (srcIdx[i] as number);
    }
    return sq;
  }

  /** tv/ti[0..m) into sorted/order[at..at + m) by their key's high digit, stably. */
  function scatterHigh(m: number, loBits: number, at: number): void {
    const lo = key[0] as number;
    const scale = key[1] as number;
    const K = key[2] as number;
    const top = (K - 1) | 0;
    const H = 1 << loBits;
    for (let p = 0; p < m; p++) {
      const v = tv[p] as number;
      const f = (v - lo) * scale;
      const d = H + ((f > 0 ? (f >= K ? top : f | 0) : 0) >>> loBits);
      const to = counts[d] as number;
      counts[d] = to + 1;
      sorted[at + to] = v;
      order[at + to] = ti[p] as number;
    }
  }

  /**
   * sorted[a0..e0) in order of key, the values of a key in sample order:
   * sorted by insertion (a value moves only among those of its key); a key
   * many values share has them sorted on their own (`sortGroup`).
   */
  function finishKeys(a0: number, e0: number, depth: number): void {
    for (let k = a0 + 1; k < e0; k++) {
      const x = sorted[k] as number;
      const before = sorted[k - 1] as number;
      if (!(before > x)) {
        // equal neighbours stay neighbours: no value can come between them
        if (before === x) tied = true;
        continue;
      }
      const i = order[k] as number;
      let j = k - 1;
      do {
        sorted[j + 1] = sorted[j] as number;
        order[j + 1] = order[j] as number;
        j--;
      } while (j >= a0 && (sorted[j] as number) > x);
      sorted[j + 1] = x;
      order[j + 1] = i;
      // (before a0: another key, another value)
      if (j >= a0 && sorted[j] === x) tied = true;
      if (k - j > SMALL_BUCKET) k = sortGroup(a0, e0, j + 1, k, depth) - 1;
    }
  }

  /**
   * The values of the key of sorted[at] (within [a0, e0)) — those up to k
   * sorted, the rest in sample order, so ties are in sample order — sorted
   * on their own: keyed again over their own span; gives where they end.
   */
  function sortGroup(a0: number, e0: number, at: number, k: number, depth: number): number {
    const own = keyOf(sorted[at] as number);
    let a = at;
    while (a > a0 && keyOf(sorted[a - 1] as number) === own) a--;
    let e = k + 1;
    while (e < e0 && keyOf(sorted[e] as number) === own) e++;
    const s = e - a;
    const lo = key[0] as number;
    const scale = key[1] as number;
    const K = key[2] as number;
    const sum = passSum;
    let min = Infinity;
    let max = -Infinity;
    for (let q = a; q < e; q++) {
      const v = sorted[q] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const bits = keyBits(s);
    if (depth < MAX_BUCKET_DEPTH && setKeys(min, max, bits)) {
      const loBits = bits - (bits >> 1);
      countDigits(sorted, a, e, loBits, bits >> 1);
      scatterLow(sorted, order, a, e, loBits);
      scatterHigh(s, loBits, a);
      finishKeys(a, e, depth + 1);
    } else {
      tv.set(sorted.subarray(a, e));
      ti.set(order.subarray(a, e));
      distribute(tv, ti, 0, s, sorted, order, a, 1);
      if (tieWithin(a, e)) tied = true;
    }
    key[0] = lo;
    key[1] = scale;
    key[2] = K;
    passSum = sum;
    return e;
  }

  function rank(m: number, out: Float32Array): number {
    return distinct ? rankDistinct(m, out) : rankTied(m, out);
  }

  /** `rank` of values that do not tie: no need to read them. */
  function rankDistinct(m: number, out: Float32Array): number {
    const mean = (m + 1) / 2;
    let ss = 0;
    for (let j = 0; j < m; j++) {
      const c = j + 1 - mean;
      out[order[j] as number] = c;
      ss += c * c;
    }
    passTies = false;
    return ss;
  }

  function rankTied(m: number, out: Float32Array): number {
    const mean = (m + 1) / 2;
    let ties = false;
    let ss = 0;
    let a = 0;
    while (a < m) {
      const v = sorted[a] as number;
      if (a + 1 === m || sorted[a + 1] !== v) {
        const c = a + 1 - mean;
        out[order[a] as number] = c;
        ss += c * c;
        a++;
        continue;
      }
      let b = a + 2;
      while (b < m && sorted[b] === v) b++;
      // positions a..b−1 hold ranks a+1..b: their average
      const c = (a + 1 + b) / 2 - mean;
      ties = true;
      for (let k = a; k < b; k++) out[order[k] as number] = c;
      // (b − a)·c² ≤ the sum of the group's own squares: exact below the limit
      ss += (b - a) * c * c;
      a = b;
    }
    passTies = ties;
    return ss;
  }

  /**
   * Σ rank·y[i] over the m samples where y[i] is not NaN (the subset; the
   * others, `outside`), their ranks among it those of a column whose values
   * do not tie, from its centered ranks over all n samples (`ranks`, by
   * sample); Σ rank² into passSubsetSs. Plain running sums in sample order.
   * A sample's rank among the subset is its rank
   * less the samples outside it below it: counted from a bitmap of the
   * positions (in the column's order) of the samples outside and how many
   * come before each 32 of them.
   */
  function subsetDot(ranks: Float32Array, n: number, m: number, outside: Int32Array, y: Float32Array): number {
    const half = (n - 1) / 2;
    const words = (n >> 5) + 1;
    outsideBits.fill(0, 0, words);
    markOutside(ranks, outside, half);
    countBits(words);
    return subsetDotLoop(ranks, n, m, y, half);
  }

  /** Sets the bits of the positions (in the column's order) of the samples outside. */
  function markOutside(ranks: Float32Array, outside: Int32Array, half: number): void {
    for (let t = 0; t < outside.length; t++) {
      const r = ((ranks[outside[t] as number] as number) + half) | 0;
      outsideBits[r >> 5] = (outsideBits[r >> 5] as number) | (1 << (r & 31));
    }
  }

  /** bitsBefore[w]: the bits set in the words before w. */
  function countBits(words: number): void {
    let c = 0;
    for (let w = 0; w < words; w++) {
      bitsBefore[w] = c;
      c += popcount(outsideBits[w] as number);
    }
  }

  function subsetDotLoop(ranks: Float32Array, n: number, m: number, y: Float32Array, half: number): number {
    const off = (m - 1) / 2;
    let ss = 0;
    let dot = 0;
    for (let i = 0; i < n; i++) {
      const w = y[i] as number;
      if (w !== w) continue;
      const r = ((ranks[i] as number) + half) | 0;
      const word = r >> 5;
      // the samples outside below it: those of the words before, and of its word, the bits below its own
      const below = (bitsBefore[word] as number) + popcount((outsideBits[word] as number) & ~(-1 << (r & 31)));
      // its rank among the subset, 1-based: r + 1 − below; centered
      const d = r - below - off;
      ss += d * d;
      dot += d * w;
    }
    passSubsetSs = ss;
    return dot;
  }

  function subsetRank(n: number, ties: boolean, mask: Float32Array, m: number, out: Float32Array): number {
    return ties ? subsetRankTied(n, mask, m, out) : subsetRankDistinct(n, mask, m, out);
  }

  function subsetRankDistinct(n: number, mask: Float32Array, m: number, out: Float32Array): number {
    const mean = (m + 1) / 2;
    let k = 0;
    let ss = 0;
    for (let j = 0; j < n; j++) {
      const i = order[j] as number;
      const w = mask[i] as number;
      if (w !== w) continue;
      const c = ++k - mean;
      out[i] = c;
      ss += c * c;
    }
    return ss;
  }

  /** A tie group among the members: those of a run of equal values of the column. */
  function subsetRankTied(n: number, mask: Float32Array, m: number, out: Float32Array): number {
    const mean = (m + 1) / 2;
    let k = 0;
    let ss = 0;
    let a = 0;
    while (a < n) {
      const v = sorted[a] as number;
      let b = a + 1;
      while (b < n && sorted[b] === v) b++;
      let t = 0;
      for (let j = a; j < b; j++) {
        const w = mask[order[j] as number] as number;
        if (w === w) t++;
      }
      if (t > 0) {
        const c = (2 * k + 1 + t) / 2 - mean;
        for (let j = a; j < b; j++) {
          const i = order[j] as number;
          const w = mask[i] as number;
          if (w === w) out[i] = c;
        }
        ss += t * c * c;
        k += t;
      }
      a = b;
    }
    return ss;
  }

  return {
    cap,
    sorted,
    order,
    sort,
    rank,
    subsetRank,
    subsetDot,
    forget: () => {
      distinct = false;
    },
  };
}

/** The bits set in a 32-bit word. */
function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** A column sorted by `sortColumn`. */
export interface SortedColumn {
  /** values (samples that are not NaN) */
  m: number;
  /** their sum, in sample order */
  sum: number;
  /** Σ (v − mean)² in sample order (the mean: sum / m) */
  sq: number;
  /** the values, ascending */
  sorted: Float64Array;
  /** the sample of each, ties in sample order */
  order: Uint32Array;
}

/**
 * Sort the values of `col[0..n)` that are not NaN, stably (ties in sample
 * order), with the sample each came from; and, from the same passes, their
 * sum and Σ (v − mean)² in sample order (what `columnStats` sums). The sorted
 * values and their order are this thread's memory: valid until its next sort.
 *
 * Each value has a key, its linear position on a grid of about 8m steps
 * between a little under the least and a little over the greatest of a
 * sample of the column (a monotone map: a smaller key is a smaller value;
 * values out of that span take the first or the last key); two passes of an
 * LSD radix sort order the values by key, each scattering them over a few
 * thousand places that stay in cache, then one insertion pass orders the
 * values of a key (a value moves only among those). A key many values share
 * (skewed data) has them sorted on their own (`distribute`).
 */
export function sortColumn(col: Float64Array, n: number = col.length): SortedColumn {
  const p = passesFor(n);
  const m = p.sort(col, n);
  return { m, sum: passSum, sq: passSq, sorted: p.sorted.subarray(0, m), order: p.order.subarray(0, m) };
}

/**
 * Sort `x[0..m)` ascending into `sorted`, with `order` the indexes it came
 * from (`sorted[k] = x[order[k]]`), stably: ties keep their index order, so
 * the result is unique. No value may be NaN; −0 and +0 are ties. See
 * `sortColumn`. `x` must not be `sorted`.
 */
export function sortWithOrder(x: Float64Array, m: number, sorted: Float64Array, order: Uint32Array): void {
  const s = sortColumn(x, m);
  sorted.set(s.sorted);
  order.set(s.order);
}

/**
 * The order that sorts `x[0..m)` ascending, stable (ties keep their index
 * order); see `sortWithOrder`.
 */
export function argsort(x: Float64Array, m: number = x.length): Uint32Array {
  return sortColumn(x, m).order.slice();
}

/** This thread's passes, holding `sorted`/`order[0..m)` (copied in when they are not the passes' own, as `sortColumn` gives them). */
function passesHolding(sorted: Float64Array, order: Uint32Array, m: number): Passes {
  const p = passesFor(m);
  if (sorted.buffer !== p.sorted.buffer || sorted.byteOffset !== 0) {
    p.sorted.set(sorted.subarray(0, m));
    p.forget();
  }
  if (order.buffer !== p.order.buffer || order.byteOffset !== 0) p.order.set(order.subarray(0, m));
  return p;
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
  let sq = 0;
  if (m >= 2) {
    const mean = sum / m;
    for (let i = 0; i < n; i++) {
      const v = col[i] as number;
      if (!Number.isNaN(v)) sq += (v - mean) * (v - mean);
    }
  }
  return statsOfSorted(sorted, n, sum, sq, bins);
}

/**
 * `columnStats` from the column's sorted values (`sorted`, m of them, of n
 * samples), their sum in index order and Σ (v − mean)² in index order (as
 * `sortColumn` gives them).
 */
export function statsOfSorted(sorted: Float64Array, n: number, sum: number, sq: number, bins: number = HISTOGRAM_BINS): ColumnStats {
  const m = sorted.length;
  const mean = m === 0 ? null : sum / m;
  const sd = mean !== null && m >= 2 ? Math.sqrt(sq / (m - 1)) : null;
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

/** What `centeredRanks` says of the ranks it wrote. */
export interface Ranked {
  /** whether any two values tie */
  ties: boolean;
  /**
   * Σ rank² — exact, so the same as `rankDot` of the ranks with themselves,
   * when m ≤ `EXACT_RANK_SUMS` (above, sum them in index order: `rankDot`)
   */
  ss: number;
}

/**
 * Ranks centered on their mean: rank − (m + 1)/2, the rank 1-based with ties
 * averaged. They are half-integers of magnitude < m/2, exact in a
 * Float32Array for any m ≤ 2^23, and sums of their products are exact in
 * doubles up to `EXACT_RANK_SUMS` samples (see `rankDot`).
 *
 * Writes `out[order[k]]` for the k-th smallest of the m values that `sorted`
 * and `order` sort (`sortWithOrder`, `sortColumn`); says whether any two
 * values tie, and the sum of the squares of the ranks.
 */
export function centeredRanks(sorted: Float64Array, order: Uint32Array, m: number, out: Float32Array): Ranked {
  const ss = passesHolding(sorted, order, m).rank(m, out);
  return { ties: passTies, ss };
}

/**
 * The centered ranks (see `centeredRanks`) of a full column among the
 * samples of a subset only, from the column's sort (`sorted`, `order` over
 * all n samples; `ties`: whether any of its values tie): the subset is the
 * samples i where `mask[i]` is not NaN, `m` of them; writes `out[i]` for
 * each (by sample: the others are left as they are) and gives the sum of
 * the squares of the ranks (exact, see `Ranked.ss`). No sort: one pass over
 * `order`.
 */
export function subsetCenteredRanks(sorted: Float64Array, order: Uint32Array, n: number, ties: boolean, mask: Float32Array, m: number, out: Float32Array): number {
  return passesHolding(sorted, order, n).subsetRank(n, ties, mask, m, out);
}

/**
 * Over the m samples where y[i] is not NaN (the subset; `outside`: the
 * others, ascending), the ranks among it of a column whose n values do not
 * tie, from its centered ranks over every sample (`ranks`, by sample, as
 * `centeredRanks` writes them): Σ rank² and Σ rank·y[i], plain running sums
 * in sample order — the bits of `subsetCenteredRanks` then `rankDot` over
 * the subset, for any m. One pass over the samples, in their order.
 */
export function subsetRankDot(ranks: Float32Array, n: number, m: number, outside: Int32Array, y: Float32Array): { ss: number; dot: number } {
  const dot = passesFor(n).subsetDot(ranks, n, m, outside, y);
  return { ss: passSubsetSs, dot };
}

/**
 * Up to this many samples every partial sum of products of centered ranks
 * (multiples of 1/4 of magnitude ≤ m(m² − 1)/12 ≤ 2^51) is exact in a double,
 * so such sums are the same in any order.
 */
export const EXACT_RANK_SUMS = 1 << 18;

/**
 * `start` + Σ a[i]·b[i] over i in [from, to), for centered ranks of m
 * samples — with `gaps`, leaving out the terms that are NaN (a sample out of
 * a subset: see `MetricPart.ranks`): in index order — the bits of a plain
 * running sum over the terms left — or, when m ≤ `EXACT_RANK_SUMS` and every
 * partial sum is exact, in four interleaved sums.
 */
export function rankDot(a: Float32Array, b: Float32Array, m: number, from = 0, to = m, start = 0, gaps = false): number {
  if (m > EXACT_RANK_SUMS) return gaps ? plainDotGaps(a, b, from, to, start) : plainDot(a, b, from, to, start);
  return gaps ? exactDotGaps(a, b, from, to, start) : exactDot(a, b, from, to, start);
}

/** `rankDot` as a plain running sum in index order. */
function plainDot(a: Float32Array, b: Float32Array, from: number, to: number, start: number): number {
  let s = start;
  for (let i = from; i < to; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** `plainDot`, NaN terms left out (adding +0 instead: the same sum, which is never −0). */
function plainDotGaps(a: Float32Array, b: Float32Array, from: number, to: number, start: number): number {
  let s = start;
  for (let i = from; i < to; i++) {
    const p = (a[i] as number) * (b[i] as number);
    s += p === p ? p : 0;
  }
  return s;
}

/** `rankDot` in four interleaved sums (exact). */
function exactDot(a: Float32Array, b: Float32Array, from: number, to: number, start: number): number {
  let s0 = start;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = from + ((to - from) & ~3);
  for (let i = from; i < end; i += 4) {
    s0 += (a[i] as number) * (b[i] as number);
    s1 += (a[i + 1] as number) * (b[i + 1] as number);
    s2 += (a[i + 2] as number) * (b[i + 2] as number);
    s3 += (a[i + 3] as number) * (b[i + 3] as number);
  }
  return plainDot(a, b, end, to, s0) + s1 + (s2 + s3);
}

/** `exactDot`, NaN terms left out. */
function exactDotGaps(a: Float32Array, b: Float32Array, from: number, to: number, start: number): number {
  let s0 = start;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = from + ((to - from) & ~3);
  for (let i = from; i < end; i += 4) {
    const p0 = (a[i] as number) * (b[i] as number);
    const p1 = (a[i + 1] as number) * (b[i + 1] as number);
    const p2 = (a[i + 2] as number) * (b[i + 2] as number);
    const p3 = (a[i + 3] as number) * (b[i + 3] as number);
    s0 += p0 === p0 ? p0 : 0;
    s1 += p1 === p1 ? p1 : 0;
    s2 += p2 === p2 ? p2 : 0;
    s3 += p3 === p3 ? p3 : 0;
  }
  return plainDotGaps(a, b, end, to, s0) + s1 + (s2 + s3);
}

/**
 * sums[t] += Σ x[i]·ys[t][i] over i in [from, to), for each t — centered
 * ranks of m samples, so the same bits as `rankDot`: each sum a plain
 * running sum in index order (or, when it is exact, one in any order); with
 * `gaps`, the terms that are NaN (samples out of a subset) left out. Up to
 * four run side by side in one pass over x.
 */
export function rankDots(x: Float32Array, ys: readonly Float32Array[], m: number, sums: Float64Array, from = 0, to = m, gaps = false): void {
  for (let t = 0; t < ys.length; t += 4) {
    const left = ys.length - t;
    const a = ys[t] as Float32Array;
    if (left === 1) {
      sums[t] = rankDot(x, a, m, from, to, sums[t] as number, gaps);
      break;
    }
    // fewer than four: repeat some (their sums are dropped)
    const b = ys[t + 1] as Float32Array;
    const c = left > 2 ? (ys[t + 2] as Float32Array) : a;
    const d = left > 3 ? (ys[t + 3] as Float32Array) : b;
    const sa = sums[t] as number;
    const sb = sums[t + 1] as number;
    const sc = left > 2 ? (sums[t + 2] as number) : 0;
    const sd = left > 3 ? (sums[t + 3] as number) : 0;
    sums[t] = gaps ? dots4Gaps(x, a, b, c, d, from, to, sa, sb, sc, sd) : dots4(x, a, b, c, d, from, to, sa, sb, sc, sd);
    sums[t + 1] = dotB;
    if (left > 2) sums[t + 2] = dotC;
    if (left > 3) sums[t + 3] = dotD;
  }
}

// dots4's other sums (module variables: see passSum)
let dotB = 0;
let dotC = 0;
let dotD = 0;

/** Four running sums of x·a, x·b, x·c, x·d over [from, to): gives the first (the others into dotB, dotC, dotD). */
function dots4(x: Float32Array, a: Float32Array, b: Float32Array, c: Float32Array, d: Float32Array, from: number, to: number, sa: number, sb: number, sc: number, sd: number): number {
  for (let i = from; i < to; i++) {
    const v = x[i] as number;
    sa += v * (a[i] as number);
    sb += v * (b[i] as number);
    sc += v * (c[i] as number);
    sd += v * (d[i] as number);
  }
  dotB = sb;
  dotC = sc;
  dotD = sd;
  return sa;
}

/** `dots4`, the terms that are NaN left out (adding +0 instead: the same sums, none of which is −0). */
function dots4Gaps(x: Float32Array, a: Float32Array, b: Float32Array, c: Float32Array, d: Float32Array, from: number, to: number, sa: number, sb: number, sc: number, sd: number): number {
  for (let i = from; i < to; i++) {
    const v = x[i] as number;
    const pa = v * (a[i] as number);
    const pb = v * (b[i] as number);
    const pc = v * (c[i] as number);
    const pd = v * (d[i] as number);
    sa += pa === pa ? pa : 0;
    sb += pb === pb ? pb : 0;
    sc += pc === pc ? pc : 0;
    sd += pd === pd ? pd : 0;
  }
  dotB = sb;
  dotC = sc;
  dotD = sd;
  return sa;
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
