/**
 * Finance kernels with numpy-financial's conventions and argument order.
 * Where numpy-financial returns NaN (or ±Infinity), these return `null`: a
 * numerical dead end is a value, not an exception. Root finding is a
 * sign-change scan on a grid, then Brent on the bracket (never bare Newton).
 */
import { bracketScanGrid, brentCore, type RealFn } from './root.ts';
import {
  DAYS_PER_YEAR,
  IRR_GRID_POINTS_PER_SIDE,
  IRR_GRID_STEP0,
  IRR_HI,
  IRR_LO,
  MS_PER_DAY,
  RATE_GUESS,
  RATE_HI,
  RATE_LO,
  ROOT_MAXITER,
  ROOT_XTOL,
} from './tolerances.ts';

/** When payments fall in a period: at the end (0, `'end'`) or the beginning (1, `'begin'`). */
export type When = 0 | 1 | 'end' | 'begin';

/** A calendar date: a `Date` (read by its UTC day) or an ISO `'YYYY-MM-DD'` string. */
export type DateLike = Date | string;

/** The IRR search window, `lo < r < hi`; needs `-1 < lo < 0 < hi`. Defaults `IRR_LO`, `IRR_HI`. */
export interface IrrWindow {
  lo?: number;
  hi?: number;
}

function whenNum(when: When): 0 | 1 {
  return when === 1 || when === 'begin' ? 1 : 0;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function hasBothSigns(values: ArrayLike<number>, n: number): boolean {
  let pos = false;
  let neg = false;
  for (let t = 0; t < n; t++) {
    const v = values[t] as number;
    if (v > 0) pos = true;
    else if (v < 0) neg = true;
  }
  return pos && neg;
}

/**
 * NPV times `min(1, 1 + r)^(n-1)`: same sign and roots as the NPV on (−1, ∞),
 * continuous at 0, and it neither overflows as r → −1 nor as r grows
 * (Horner in 1/(1+r) for r ≥ 0, in 1+r for r < 0). For r ≥ 0 it is
 * bit-identical to `npv`.
 */
function scaledNpv(values: ArrayLike<number>, n: number, r: number): number {
  if (r >= 0) {
    const d = 1 / (1 + r);
    let acc = 0;
    for (let t = n - 1; t >= 0; t--) acc = acc * d + (values[t] as number);
    return acc;
  }
  const x = 1 + r;
  let acc = 0;
  for (let t = 0; t < n; t++) acc = acc * x + (values[t] as number);
  return acc;
}

interface IrrGrid {
  grid: Float64Array;
  zero: number;
  lo: number;
  hi: number;
}

/**
 * Grid over (lo, hi), uniform in s on each side of 0 with
 * `u = ln(1 + r) = U · expm1(α s) / expm1(α)`, α set so the first step is
 * `IRR_GRID_STEP0`: dense near 0, coarse near the ends.
 */
function buildIrrGrid(lo: number, hi: number): IrrGrid {
  const N = IRR_GRID_POINTS_PER_SIDE;
  const grid = new Float64Array(2 * N + 1);
  const side = (U: number, sign: number): void => {
    const absU = Math.abs(U);
    let alpha = 0;
    if (absU / N > IRR_GRID_STEP0) {
      const g: RealFn = (a) => (absU * Math.expm1(a / N)) / Math.expm1(a) - IRR_GRID_STEP0;
      const a = brentCore(g, 1e-9, 200, g(1e-9), g(200), 1e-12, ROOT_MAXITER);
      alpha = a === a ? a : 0;
    }
    for (let k = 1; k <= N; k++) {
      const u = alpha === 0 ? (absU * k) / N : (absU * Math.expm1((alpha * k) / N)) / Math.expm1(alpha);
      grid[N + sign * k] = Math.expm1(sign * u);
    }
  };
  side(Math.log1p(lo), -1);
  side(Math.log1p(hi), 1);
  grid[N] = 0;
  grid[0] = lo;
  grid[2 * N] = hi;
  return { grid, zero: N, lo, hi };
}

const DEFAULT_GRID = buildIrrGrid(IRR_LO, IRR_HI);

function gridFor(window: IrrWindow | undefined): IrrGrid {
  const lo = window?.lo ?? IRR_LO;
  const hi = window?.hi ?? IRR_HI;
  if (lo === IRR_LO && hi === IRR_HI) return DEFAULT_GRID;
  if (!(lo > -1 && lo < 0 && hi > 0 && Number.isFinite(hi))) {
    throw new RangeError(`IRR window must satisfy -1 < lo < 0 < hi < Infinity; got lo=${lo}, hi=${hi}`);
  }
  return buildIrrGrid(lo, hi);
}

/** All roots of `f` strictly inside the grid's ends, ascending (grid is increasing). */
function rootsOnGrid(f: RealFn, g: IrrGrid): number[] {
  const roots: number[] = [];
  for (const br of bracketScanGrid(f, g.grid)) {
    const x = br.a === br.b ? br.a : brentCore(f, br.a, br.b, br.fa, br.fb, ROOT_XTOL, ROOT_MAXITER);
    if (x > g.lo && x < g.hi) roots.push(x);
  }
  return roots;
}

/** numpy-financial's pick: the smallest non-negative root, else the negative root nearest 0. */
function pickIrr(sortedRoots: readonly number[]): number | null {
  let best: number | null = null;
  for (const r of sortedRoots) {
    if (r >= 0) return r;
    best = r;
  }
  return best;
}

/**
 * Net present value, `Σ values[t] / (1 + rate)^t` with `values[0]` at t = 0
 * (numpy-financial's convention, not the spreadsheet's). Null at `rate = -1`.
 *
 * @example
 * npv(0.05, [-15000, 1500, 2500, 3500, 4500, 6000]); // 122.89485495093868
 */
export function npv(rate: number, values: ArrayLike<number>): number | null {
  if (rate === -1) return null;
  const d = 1 / (1 + rate);
  let acc = 0;
  for (let t = values.length - 1; t >= 0; t--) acc = acc * d + (values[t] as number);
  return finite(acc);
}

/**
 * Every internal rate of return in the window (default (−0.99, 10)): the
 * roots of the NPV a grid scan finds, each by Brent, ascending. Empty when the
 * flows never change sign.
 *
 * @example
 * irrRoots([-100, 230, -132]); // [0.1, 0.2] (to ~1e-15)
 */
export function irrRoots(values: ArrayLike<number>, window?: IrrWindow): number[] {
  const n = values.length;
  if (!hasBothSigns(values, n)) return [];
  return rootsOnGrid((r) => scaledNpv(values, n, r), gridFor(window));
}

/**
 * Internal rate of return, with numpy-financial's choice among several
 * roots: the smallest non-negative root, else the negative root nearest 0.
 * Null when the flows never change sign or no root lies in the window
 * (default (−0.99, 10)).
 *
 * @example
 * irr([-100, 39, 59, 55, 20]); // 0.28094842115996105
 * irr([1, 2, 3]); // null
 * irr(flows, { lo: -1 + 1e-15 }); // also finds roots down to 1 + r ≈ 1e-15
 */
export function irr(values: ArrayLike<number>, window?: IrrWindow): number | null {
  return pickIrr(irrRoots(values, window));
}

/**
 * With exactly one root above 0 the NPV keeps the sign `f0` has at 0 up to the
 * root and has the other sign (or is 0) from the first grid point past it: the
 * grid index of that first point, found from a guess (where the last search
 * found it: flows of one Monte Carlo run are alike) by galloping, then
 * bisection; `last + 1` when no grid point in the window is past it. Sets
 * `SEARCH[BEFORE]` to f at the point before and `SEARCH[AT]` to f at the point
 * found. Any guess gives the same index, the one a scan from 0 finds, so the
 * result never depends on what ran before.
 */
function crossingAbove(values: ArrayLike<number>, n: number, f0: number): number {
  const { grid, zero } = DEFAULT_GRID;
  const last = grid.length - 1;
  const pos = f0 > 0;
  // lo: an index known to be before the crossing (f of f0's sign), hi: one known past it (other sign or 0)
  let lo = zero;
  let fLo = f0;
  let hi = last + 1;
  let fHi = Number.NaN;
  const g = crossingGuess <= zero ? zero + 1 : crossingGuess > last ? last : crossingGuess;
  const fg = scaledNpv(values, n, grid[g] as number);
  if (fg === 0 || fg > 0 !== pos) {
    hi = g;
    fHi = fg;
    for (let step = 1; hi - lo > 1; step *= 2) {
      const p = Math.max(hi - step, lo + 1);
      const fp = scaledNpv(values, n, grid[p] as number);
      if (fp === 0 || fp > 0 !== pos) {
        hi = p;
        fHi = fp;
      } else {
        lo = p;
        fLo = fp;
        break;
      }
    }
  } else {
    lo = g;
    fLo = fg;
    for (let step = 1; lo < last; step *= 2) {
      const p = Math.min(lo + step, last);
      const fp = scaledNpv(values, n, grid[p] as number);
      if (fp === 0 || fp > 0 !== pos) {
        hi = p;
        fHi = fp;
        break;
      }
      lo = p;
      fLo = fp;
    }
  }
  if (hi > last) {
    SEARCH[BEFORE] = fLo;
    SEARCH[AT] = Number.NaN;
    return last + 1;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const fm = scaledNpv(values, n, grid[mid] as number);
    if (fm === 0 || fm > 0 !== pos) {
      hi = mid;
      fHi = fm;
    } else {
      lo = mid;
      fLo = fm;
    }
  }
  crossingGuess = hi;
  SEARCH[BEFORE] = fLo;
  SEARCH[AT] = fHi;
  return hi;
}
let crossingGuess = 0;
// What a search hands on, as doubles in place (a module's variable would box each double it is given).
const SEARCH = new Float64Array(3);
const BEFORE = 0;
const AT = 1;
const F0 = 2;

// State of the one function irrFast hands to Brent, so no closure is made per call.
const NO_VALUES: ArrayLike<number> = new Float64Array(0);
let fastValues: ArrayLike<number> = NO_VALUES;
let fastN = 0;
const fastScaledNpv: RealFn = (r) => scaledNpv(fastValues, fastN, r);

/** How many grid cells the coarse search of `irrFast` steps over at once (flows with one sign change only). */
const IRR_COARSE_STRIDE = 8;

/** The number of sign changes in the first `n` flows, zeros skipped. */
function signChanges(values: ArrayLike<number>, n: number): number {
  let changes = 0;
  let prev = 0;
  for (let t = 0; t < n; t++) {
    const v = values[t] as number;
    if (v === 0) continue;
    if (prev !== 0 && (v > 0) !== (prev > 0)) changes++;
    prev = v;
  }
  return changes;
}

/**
 * How many roots the NPV has at r > 0 (`ascending`) or at −1 < r < 0 (not
 * `ascending`), when a cheap test can say it exactly: 0 or 1; −1 when it
 * cannot (more than one root possible, or a sum too close to 0 to trust its
 * sign).
 *
 * For r > 0 the NPV is p(d) = Σ c_t d^t with d = 1/(1 + r) in (0, 1), and p has
 * the roots of p(d)/(1 − d)^m there, a power series whose coefficients are the
 * m-times cumulative sums of the flows. By Descartes' rule of signs for power
 * series (Laguerre) the roots in (0, 1) are at most the sign variations V of
 * those coefficients, and of V's parity (the series starts with the sign of
 * p(0) and ends with that of p(1)): V ≤ 1 counts them exactly. m = 1 (the
 * cumulative flows; a project that never pays back has no IRR ≥ 0) and m = 2
 * (whose coefficients past T grow linearly toward the sign of the total) are
 * tried in turn. For −1 < r < 0 the same holds for x = 1 + r with the flows
 * reversed (x^T·p(1/x)): the sums of the flows from each year to the end.
 */
export function rootsOnOneSide(values: ArrayLike<number>, n: number, ascending: boolean): number {
  let scale = 0;
  for (let t = 0; t < n; t++) scale += Math.abs(values[t] as number);
  // every sum must be clearly of one sign (rounding in the sums is far below this margin)
  const tol = 1e-9 * scale;
  const tol2 = tol * n;
  let s1 = 0;
  let s2 = 0;
  let last1 = 0;
  let last2 = 0;
  let v1 = 0;
  let v2 = 0;
  let sure2 = true;
  const step = ascending ? 1 : -1;
  for (let k = 0, t = ascending ? 0 : n - 1; k < n; k++, t += step) {
    s1 += values[t] as number;
    const g1 = s1 > tol ? 1 : s1 < -tol ? -1 : 0;
    if (g1 === 0) return -1;
    if (last1 !== 0 && g1 !== last1) v1++;
    last1 = g1;
    s2 += s1;
    const g2 = s2 > tol2 ? 1 : s2 < -tol2 ? -1 : 0;
    if (g2 === 0) sure2 = false;
    else {
      if (last2 !== 0 && g2 !== last2) v2++;
      last2 = g2;
    }
  }
  if (v1 <= 1) return v1;
  if (!sure2) return -1;
  if (last2 !== last1) v2++; // the tail s2 + j·s1 (j = 1, 2, …) ends with the sign of s1
  return v2 <= 1 ? v2 : -1;
}

function firstNonZero(values: ArrayLike<number>, n: number): number {
  for (let t = 0; t < n; t++) if ((values[t] as number) !== 0) return values[t] as number;
  return 0;
}

/**
 * `irr` for the hot path, identical result: it scans the same grid upward
 * from 0 and stops at the first bracket (else downward from 0), and runs Brent
 * on that bracket only. Allocates nothing. Uses the first `n` values (default
 * all), so a reused buffer can be passed.
 *
 * @example
 * irrFast(new Float64Array([-100, 39, 59, 55, 20])); // 0.28094842115996105
 */
export function irrFast(values: ArrayLike<number>, n: number = values.length): number | null {
  searchUp = 0;
  searchDown = 0;
  foundSide = 0;
  // the flows' sign changes (none: no IRR), kept for `irrCountAfterFast`
  const changes = signChanges(values, n);
  searchChanges = changes;
  if (changes === 0) return null;
  const { grid, zero } = DEFAULT_GRID;
  const last = grid.length - 1;
  fastValues = values;
  fastN = n;
  try {
    const f0 = scaledNpv(values, n, 0);
    SEARCH[F0] = f0;
    if (f0 === 0) {
      searchUp = -1;
      return 0;
    }
    // How many roots lie on each side of 0, when that is cheap to know
    // (Descartes on the flows: one sign change, one root in (−1, ∞); else
    // `rootsOnOneSide`). No root: that scan is skipped. One root: the NPV keeps
    // the sign it has at 0 up to it and the other sign after it, so a coarse
    // stride finds the grid cells that hold it and the fine scan starts there.
    // Same grid cells, same values, same Brent: the answer is identical to the
    // plain scan's, with far fewer NPV evaluations.
    let up: number;
    let down: number;
    if (changes === 1) {
      up = Math.sign(f0) === Math.sign(firstNonZero(values, n)) ? 0 : 1;
      down = 1 - up;
    } else {
      up = rootsOnOneSide(values, n, true);
      down = -2; // asked only when the upward scan finds nothing
    }
    searchUp = up;
    searchDown = down;
    let upStart = zero + 1;
    let fUp = f0;
    // f at grid[upStart] when the search below already has it (NaN: not yet)
    let fAtStart = Number.NaN;
    if (up === 0) upStart = last + 1;
    else if (up === 1) {
      upStart = crossingAbove(values, n, f0);
      fUp = SEARCH[BEFORE] as number;
      fAtStart = SEARCH[AT] as number;
    }
    let fPrev = fUp;
    for (let i = upStart; i <= last; i++) {
      const fi = i === upStart && fAtStart === fAtStart ? fAtStart : scaledNpv(values, n, grid[i] as number);
      if (fi === 0) {
        if (i < last) {
          foundSide = 1;
          return grid[i] as number;
        }
      } else if ((fPrev < 0 && fi > 0) || (fPrev > 0 && fi < 0)) {
        const x = brentCore(fastScaledNpv, grid[i - 1] as number, grid[i] as number, fPrev, fi, ROOT_XTOL, ROOT_MAXITER);
        if (x > IRR_LO && x < IRR_HI) {
          foundSide = 1;
          return x;
        }
      }
      fPrev = fi;
    }
    if (down === -2) down = rootsOnOneSide(values, n, false);
    searchDown = down;
    let downStart = zero - 1;
    let fDown = f0;
    if (down === 0) downStart = -1;
    else if (down === 1) {
      downStart = -1;
      for (let j = zero, fj = f0; j > 0; ) {
        const k = Math.max(j - IRR_COARSE_STRIDE, 0);
        const fk = scaledNpv(values, n, grid[k] as number);
        if (fk === 0 || fk > 0 !== f0 > 0) {
          downStart = j - 1;
          fDown = fj;
          break;
        }
        j = k;
        fj = fk;
      }
    }
    let fNext = fDown;
    for (let i = downStart; i >= 0; i--) {
      const fi = scaledNpv(values, n, grid[i] as number);
      if (fi === 0) {
        if (i > 0) {
          foundSide = -1;
          return grid[i] as number;
        }
      } else if ((fi < 0 && fNext > 0) || (fi > 0 && fNext < 0)) {
        const x = brentCore(fastScaledNpv, grid[i] as number, grid[i + 1] as number, fi, fNext, ROOT_XTOL, ROOT_MAXITER);
        if (x > IRR_LO && x < IRR_HI) {
          foundSide = -1;
          return x;
        }
      }
      fNext = fi;
    }
    return null;
  } finally {
    fastValues = NO_VALUES;
    fastN = 0;
  }
}

// What the last `irrFast` learnt, for `irrCountAfterFast`: the root counts on
// each side of 0 (0, 1; −1 unknown; −2 not asked), the NPV at 0, and the side
// its IRR was found on (1 above 0, −1 below, 0 none), and the sign changes of its flows.
let searchUp = 0;
let searchDown = 0;
let foundSide = 0;
let searchChanges = 0;

/**
 * How many IRRs `irrRoots` finds in the default window for the flows of the
 * last `irrFast` call (which returned `irr`), when cheap tests can say it:
 * 0, 1 or 2 (two or more); −1 when they cannot. Reuses what that call learnt:
 * with the count of roots on each side of 0 known (`rootsOnOneSide`), a
 * side's one root lies in the window exactly when the IRR was found there or
 * the NPV at that end of the window has the other sign than at 0. Call it
 * with the same values, right after `irrFast`.
 *
 * @example
 * const f = new Float64Array([-100, 230, -132]);
 * irrCountAfterFast(f, 3, irrFast(f)); // 2 (10 % and 20 %)
 */
export function irrCountAfterFast(values: ArrayLike<number>, n: number, irr: number | null): number {
  if (irr === null) return 0;
  if (searchChanges <= 1) return 1;
  const up = searchUp;
  if (up < 0) return -1;
  const down = searchDown === -2 ? rootsOnOneSide(values, n, false) : searchDown;
  if (down < 0) return -1;
  const f0 = SEARCH[F0] as number;
  let count = 0;
  if (foundSide === 1) count++;
  else if (up === 1) {
    const fHi = scaledNpv(values, n, IRR_HI);
    if (fHi === 0) return -1;
    if (fHi > 0 !== f0 > 0) count++;
  }
  if (foundSide === -1) count++;
  else if (down === 1) {
    const fLo = scaledNpv(values, n, IRR_LO);
    if (fLo === 0) return -1;
    if (fLo > 0 !== f0 > 0) count++;
  }
  return count;
}

/**
 * Modified IRR: positive flows reinvested at `reinvestRate`, negative ones
 * financed at `financeRate` (numpy-financial's formula). Null unless there is
 * at least one positive and one negative flow.
 *
 * @example
 * mirr([-120000, 39000, 30000, 21000, 37000, 46000], 0.1, 0.12); // 0.1260941303659051
 */
export function mirr(values: ArrayLike<number>, financeRate: number, reinvestRate: number): number | null {
  const n = values.length;
  if (!hasBothSigns(values, n)) return null;
  const dPos = 1 / (1 + reinvestRate);
  const dNeg = 1 / (1 + financeRate);
  let pos = 0;
  let neg = 0;
  for (let t = n - 1; t >= 0; t--) {
    const v = values[t] as number;
    pos = pos * dPos + (v > 0 ? v : 0);
    neg = neg * dNeg + (v < 0 ? v : 0);
  }
  return finite(Math.pow(Math.abs(pos) / Math.abs(neg), 1 / (n - 1)) * (1 + reinvestRate) - 1);
}

function fvRaw(rate: number, nper: number, pmt: number, pv: number, w: number): number {
  if (rate === 0) return -(pv + pmt * nper);
  const temp = Math.pow(1 + rate, nper);
  return -pv * temp - ((pmt * (1 + rate * w)) / rate) * (temp - 1);
}

function pmtRaw(rate: number, nper: number, pv: number, fv: number, w: number): number {
  const temp = Math.pow(1 + rate, nper);
  const fact = rate === 0 ? nper : ((1 + rate * w) * (temp - 1)) / rate;
  return -(fv + pv * temp) / fact;
}

function ipmtRaw(rate: number, per: number, nper: number, pv: number, fv: number, w: number): number {
  if (per < 1) return Number.NaN;
  if (w === 1 && per === 1) return 0;
  const total = pmtRaw(rate, nper, pv, fv, w);
  // Interest on the balance left after per − 1 payments; paid a period early when `begin`.
  const ip = fvRaw(rate, per - 1, total, pv, w) * rate;
  return w === 1 ? ip / (1 + rate) : ip;
}

/**
 * Present value of `nper` payments of `pmt` plus `fv` at the end.
 *
 * @example
 * pv(0.07, 20, 12000); // -127128.17094619398
 * pv(0.07, 20, 12000, 0, 'begin'); // -136027.14291242755
 */
export function pv(rate: number, nper: number, pmt: number, fv: number = 0, when: When = 0): number | null {
  const temp = Math.pow(1 + rate, nper);
  const fact = rate === 0 ? nper : ((1 + rate * whenNum(when)) * (temp - 1)) / rate;
  return finite(-(fv + pmt * fact) / temp);
}

/**
 * Future value of `pv` now plus `nper` payments of `pmt`.
 *
 * @example
 * fv(0.075, 20, -2000, 0); // 86609.36267304292
 */
export function fv(rate: number, nper: number, pmt: number, pv: number, when: When = 0): number | null {
  return finite(fvRaw(rate, nper, pmt, pv, whenNum(when)));
}

/**
 * Payment per period that takes `pv` to `fv` in `nper` periods.
 *
 * @example
 * pmt(0.08 / 12, 60, 15000); // -304.14591432620784
 */
export function pmt(rate: number, nper: number, pv: number, fv: number = 0, when: When = 0): number | null {
  return finite(pmtRaw(rate, nper, pv, fv, whenNum(when)));
}

/**
 * Number of periods that takes `pv` to `fv` with payments `pmt`. Null where
 * numpy-financial gives NaN or ±Infinity (e.g. no payments at rate 0).
 *
 * @example
 * nper(0.075, -2000, 0, 100000); // 21.54494419732334
 */
export function nper(rate: number, pmt: number, pv: number, fv: number = 0, when: When = 0): number | null {
  if (rate === 0) return finite(-(fv + pv) / pmt);
  const z = (pmt * (1 + rate * whenNum(when))) / rate;
  return finite(Math.log((-fv + z) / (pv + z)) / Math.log(1 + rate));
}

/**
 * Interest part of payment number `per` (1-based). Null for `per < 1`.
 *
 * @example
 * ipmt(0.1 / 12, 2, 24, 2000); // -16.03647344993028
 */
export function ipmt(rate: number, per: number, nper: number, pv: number, fv: number = 0, when: When = 0): number | null {
  return finite(ipmtRaw(rate, per, nper, pv, fv, whenNum(when)));
}

/**
 * Principal part of payment number `per` (1-based): `pmt − ipmt`.
 *
 * @example
 * ppmt(0.1 / 12, 1, 60, 55000); // -710.254125786425
 */
export function ppmt(rate: number, per: number, nper: number, pv: number, fv: number = 0, when: When = 0): number | null {
  const w = whenNum(when);
  return finite(pmtRaw(rate, nper, pv, fv, w) - ipmtRaw(rate, per, nper, pv, fv, w));
}

/**
 * Rate per period that takes `pv` with payments `pmt` to `fv` in `nper`
 * periods. Solved by a grid scan of (−0.99, 10) and Brent, not Newton; among
 * several roots it returns the one nearest `guess`. `tol` is Brent's absolute
 * tolerance and `maxiter` its evaluation cap. Null when there is no root.
 *
 * @example
 * rate(10, 0, -3500, 10000); // 0.11069085371075281
 * rate(12, 400, 10000, 5000); // null
 */
export function rate(
  nper: number,
  pmt: number,
  pv: number,
  fv: number,
  when: When = 0,
  guess: number = RATE_GUESS,
  tol: number = ROOT_XTOL,
  maxiter: number = ROOT_MAXITER,
): number | null {
  const w = whenNum(when);
  // The annuity equation, scaled by (1 + r)^-n for r > 0 so it stays finite.
  const f: RealFn = (r) => {
    if (r === 0) return fv + pv + pmt * nper;
    const l = Math.log1p(r);
    const k = (pmt * (1 + r * w)) / r;
    if (r > 0) return fv * Math.exp(-nper * l) + pv - k * Math.expm1(-nper * l);
    return fv + pv * Math.exp(nper * l) + k * Math.expm1(nper * l);
  };
  const g = RATE_LO === IRR_LO && RATE_HI === IRR_HI ? DEFAULT_GRID : buildIrrGrid(RATE_LO, RATE_HI);
  let best: number | null = null;
  for (const br of bracketScanGrid(f, g.grid)) {
    const x = br.a === br.b ? br.a : brentCore(f, br.a, br.b, br.fa, br.fb, tol, maxiter);
    if (!(x > g.lo && x < g.hi)) continue;
    if (best === null || Math.abs(x - guess) < Math.abs(best - guess)) best = x;
  }
  return best;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(date: DateLike, index: number): number {
  if (typeof date === 'string') {
    const m = ISO_DATE.exec(date);
    if (m) {
      const y = Number(m[1]);
      const mo = Number(m[2]);
      const d = Number(m[3]);
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      const dim = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
      if (mo >= 1 && mo <= 12 && d >= 1 && d <= dim) return daysFromCivil(y, mo, d);
    }
    throw new RangeError(`dates[${index}]: expected an ISO date 'YYYY-MM-DD', got '${date}'`);
  }
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`dates[${index}]: invalid Date`);
  return Math.floor(ms / MS_PER_DAY);
}

/** Year fractions (actual/365) of each date from the first. */
function yearFractions(flows: ArrayLike<number>, dates: ArrayLike<DateLike>): Float64Array {
  if (flows.length !== dates.length) {
    throw new RangeError(`flows and dates differ in length: ${flows.length} vs ${dates.length}`);
  }
  const t = new Float64Array(dates.length);
  if (dates.length === 0) return t;
  const d0 = dayNumber(dates[0] as DateLike, 0);
  for (let i = 1; i < dates.length; i++) t[i] = (dayNumber(dates[i] as DateLike, i) - d0) / DAYS_PER_YEAR;
  return t;
}

/**
 * NPV of dated flows, discounted actual/365 from the first date (as
 * spreadsheets' XNPV). Dates are `Date`s (their UTC day) or `'YYYY-MM-DD'`.
 * Null for `rate <= -1`. Throws RangeError on mismatched lengths or a bad date.
 *
 * @example
 * xnpv(0.09, [-10000, 2750, 4250, 3250, 2750], ['2008-01-01', '2008-03-01', '2008-10-30', '2009-02-15', '2009-04-01']); // 2086.6476020315363
 */
export function xnpv(rate: number, flows: ArrayLike<number>, dates: ArrayLike<DateLike>): number | null {
  const t = yearFractions(flows, dates);
  if (!(rate > -1)) return null;
  let acc = 0;
  for (let i = 0; i < flows.length; i++) acc += (flows[i] as number) * Math.pow(1 + rate, -(t[i] as number));
  return finite(acc);
}

/**
 * IRR of dated flows (actual/365 from the first date), with `irr`'s window
 * and choice among several roots. Throws RangeError on mismatched lengths or
 * a bad date.
 *
 * @example
 * xirr([-10000, 2750, 4250, 3250, 2750], ['2008-01-01', '2008-03-01', '2008-10-30', '2009-02-15', '2009-04-01']); // 0.37336253351883136
 */
export function xirr(flows: ArrayLike<number>, dates: ArrayLike<DateLike>, window?: IrrWindow): number | null {
  const t = yearFractions(flows, dates);
  const n = flows.length;
  if (!hasBothSigns(flows, n)) return null;
  let tMax = 0;
  for (let i = 0; i < n; i++) if ((t[i] as number) > tMax) tMax = t[i] as number;
  // Scaled by min(1, 1 + r)^tMax like scaledNpv, so r → −1 cannot overflow.
  const f: RealFn = (r) => {
    const x = 1 + r;
    let acc = 0;
    if (r >= 0) for (let i = 0; i < n; i++) acc += (flows[i] as number) * Math.pow(x, -(t[i] as number));
    else for (let i = 0; i < n; i++) acc += (flows[i] as number) * Math.pow(x, tMax - (t[i] as number));
    return acc;
  };
  return pickIrr(rootsOnGrid(f, gridFor(window)));
}
