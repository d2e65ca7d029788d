/**
 * Root finding: a sign-change scan over a grid, then Brent's method on each
 * bracket. Pure and allocation-light: the Monte Carlo engine calls these in its
 * hot loop, so the inner loops are plain `for` loops over numbers.
 */
import { POLISH_MAXITER, ROOT_MAXITER, ROOT_SCAN_INTERVALS, ROOT_XTOL } from './tolerances.ts';

/** A real function of one real variable. */
export type RealFn = (x: number) => number;

/** What a root search says: the root (or null), how many evaluations it took, whether it met its tolerance. */
export interface RootResult {
  value: number | null;
  iterations: number;
  converged: boolean;
}

/** Options of `brent`. */
export interface BrentOptions {
  /** Absolute part of the stopping tolerance (default `ROOT_XTOL`). */
  xtol?: number;
  /** Evaluation cap (default `ROOT_MAXITER`). */
  maxIter?: number;
}

/**
 * A subinterval `[a, b]` of a scan with `f(a)` and `f(b)` of opposite signs,
 * or a grid point where `f` is exactly 0 (`a === b`, `fa === fb === 0`).
 */
export interface Bracket {
  a: number;
  b: number;
  fa: number;
  fb: number;
}

/** Options of `findRoots`. */
export interface FindRootsOptions extends BrentOptions {
  /** Subintervals of the uniform scan grid (default `ROOT_SCAN_INTERVALS`). */
  n?: number;
  /** Scan this increasing grid instead of a uniform one; roots outside `[lo, hi]` are dropped. */
  grid?: ArrayLike<number>;
}

const EPS = Number.EPSILON;

// Written by brentCore so the hot path can read them without a result object.
let lastIterations = 0;
let lastConverged = false;

/**
 * Brent's method on `[a, b]` given `fa = f(a)`, `fb = f(b)` of opposite signs
 * (or one of them 0). Returns the root, or NaN when there is no sign change,
 * an evaluation is NaN, or `maxIter` runs out. No allocation.
 * Internal kernel of `brent`; exported for the finance hot path.
 */
export function brentCore(f: RealFn, a: number, b: number, fa: number, fb: number, xtol: number, maxIter: number): number {
  lastIterations = 0;
  lastConverged = false;
  if (fa === 0) {
    lastConverged = true;
    return a;
  }
  if (fb === 0) {
    lastConverged = true;
    return b;
  }
  if (!((fa < 0 && fb > 0) || (fa > 0 && fb < 0))) return Number.NaN;
  // Classic Brent (1973), in the layout of Numerical Recipes' zbrent.
  let c = b;
  let fc = fb;
  let d = 0;
  let e = 0;
  for (let iter = 0; iter <= maxIter; iter++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * EPS * Math.abs(b) + 0.5 * xtol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) {
      lastConverged = true;
      return b;
    }
    if (iter === maxIter) break;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      const min1 = 3 * xm * q - Math.abs(tol1 * q);
      const min2 = Math.abs(e * q);
      if (2 * p < (min1 < min2 ? min1 : min2)) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
    lastIterations++;
    if (fb !== fb) return Number.NaN;
  }
  return Number.NaN;
}

/**
 * Brent's method for a root of a continuous `f` on `[a, b]`. Needs a sign
 * change (or a zero at an end); without one it says `{ value: null,
 * converged: false }`. It never returns a point that is not a root: when the
 * evaluation cap runs out, `value` is null too.
 *
 * @example
 * brent((x) => x * x - 2, 0, 2); // { value: 1.414213562373095, iterations: 8, converged: true }
 * brent((x) => x * x + 1, -1, 1); // { value: null, iterations: 0, converged: false }
 */
export function brent(f: RealFn, a: number, b: number, opts?: BrentOptions): RootResult {
  const x = brentCore(f, a, b, f(a), f(b), opts?.xtol ?? ROOT_XTOL, opts?.maxIter ?? ROOT_MAXITER);
  const converged = lastConverged && x === x;
  return { value: converged ? x : null, iterations: lastIterations, converged };
}

/**
 * Scans an increasing grid and returns, in order, every subinterval where `f`
 * changes sign strictly, and every grid point where `f` is exactly 0 (as
 * `a === b`). Roots closer together than the grid step can be missed in pairs.
 *
 * @example
 * bracketScanGrid((x) => x * x - 1, [-2, 0, 2]); // [{ a: -2, b: 0, fa: 3, fb: -1 }, { a: 0, b: 2, fa: -1, fb: 3 }]
 */
export function bracketScanGrid(f: RealFn, grid: ArrayLike<number>): Bracket[] {
  const out: Bracket[] = [];
  const m = grid.length;
  if (m === 0) return out;
  let xPrev = grid[0] as number;
  let fPrev = f(xPrev);
  if (fPrev === 0) out.push({ a: xPrev, b: xPrev, fa: 0, fb: 0 });
  for (let i = 1; i < m; i++) {
    const x = grid[i] as number;
    const fx = f(x);
    if (fx === 0) out.push({ a: x, b: x, fa: 0, fb: 0 });
    else if ((fPrev < 0 && fx > 0) || (fPrev > 0 && fx < 0)) out.push({ a: xPrev, b: x, fa: fPrev, fb: fx });
    xPrev = x;
    fPrev = fx;
  }
  return out;
}

/**
 * `bracketScanGrid` on the uniform grid of `n` subintervals of `[lo, hi]`.
 *
 * @example
 * bracketScan(Math.sin, 1, 7, 6); // [{ a: 3, b: 4, … }, { a: 6, b: 7, … }]
 */
export function bracketScan(f: RealFn, lo: number, hi: number, n: number): Bracket[] {
  return bracketScanGrid(f, uniformGrid(lo, hi, n));
}

/**
 * All roots of `f` in `[lo, hi]` that a sign-change scan finds, each solved by
 * Brent, sorted ascending. Brackets where Brent does not converge are left out.
 *
 * @example
 * findRoots((x) => (x - 1) * (x - 2) * (x - 3), 0, 4); // [1, 2, 3] (to ~1e-15)
 */
export function findRoots(f: RealFn, lo: number, hi: number, opts?: FindRootsOptions): number[] {
  const grid = opts?.grid ?? uniformGrid(lo, hi, opts?.n ?? ROOT_SCAN_INTERVALS);
  const xtol = opts?.xtol ?? ROOT_XTOL;
  const maxIter = opts?.maxIter ?? ROOT_MAXITER;
  const roots: number[] = [];
  for (const br of bracketScanGrid(f, grid)) {
    const x = br.a === br.b ? br.a : brentCore(f, br.a, br.b, br.fa, br.fb, xtol, maxIter);
    if (x === x && x >= lo && x <= hi) roots.push(x);
  }
  return roots.sort((p, q) => p - q);
}

/**
 * Tightens an approximate root `x` of a continuous `f` to the float where
 * `|f|` is smallest: it widens a bracket around `x` (from one ulp, doubling)
 * until `f` changes sign, then bisects until the ends are adjacent floats.
 * The result never has a larger `|f|` than `x`; `x` is returned as is when no
 * sign change is found within `POLISH_MAXITER` evaluations.
 *
 * @example
 * polishRoot((x) => x * x - 2, 1.4142135); // 1.4142135623730951
 */
export function polishRoot(f: RealFn, x: number, maxIter: number = POLISH_MAXITER): number {
  const fx = f(x);
  if (fx === 0 || !Number.isFinite(fx)) return x;
  let evals = 1;
  let h = Math.max(Math.abs(x) * EPS, Number.MIN_VALUE);
  let a = x;
  let fa = fx;
  let b = x;
  let fb = fx;
  let found = false;
  while (evals + 2 <= maxIter && h < Number.MAX_VALUE) {
    const lo = x - h;
    const flo = f(lo);
    const hi = x + h;
    const fhi = f(hi);
    evals += 2;
    if (flo === 0) return lo;
    if (fhi === 0) return hi;
    if ((flo < 0) !== (fx < 0) && flo === flo) {
      a = lo;
      fa = flo;
      found = true;
      break;
    }
    if ((fhi < 0) !== (fx < 0) && fhi === fhi) {
      b = hi;
      fb = fhi;
      found = true;
      break;
    }
    h *= 2;
  }
  if (!found) return x;
  // a < b, one of them is x; keep the best point seen, as bisection's ends can be noisier than x.
  let best = x;
  let fBest = Math.abs(fx);
  if (Math.abs(fa) < fBest) {
    best = a;
    fBest = Math.abs(fa);
  }
  if (Math.abs(fb) < fBest) {
    best = b;
    fBest = Math.abs(fb);
  }
  while (evals < maxIter) {
    const mid = a + 0.5 * (b - a);
    if (!(mid > a && mid < b)) break;
    const fm = f(mid);
    evals++;
    if (fm === 0) return mid;
    if (Math.abs(fm) < fBest) {
      best = mid;
      fBest = Math.abs(fm);
    }
    if ((fm < 0) === (fa < 0)) {
      a = mid;
      fa = fm;
    } else {
      b = mid;
    }
  }
  return best;
}

function uniformGrid(lo: number, hi: number, n: number): Float64Array {
  const m = Math.max(1, Math.floor(n));
  const g = new Float64Array(m + 1);
  for (let i = 0; i <= m; i++) g[i] = lo + ((hi - lo) * i) / m;
  g[m] = hi;
  return g;
}
