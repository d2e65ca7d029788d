/**
 * How many IRRs a flow has in the search window — none, one or several — as
 * cheaply as possible, for the Monte Carlo's "share of samples with several
 * IRRs". Exact: Descartes' rule of signs on the window, bisected until it is,
 * and `irrRoots` only when the cheap tests cannot tell.
 */
import { irrCountAfterFast, irrRoots } from './finance.ts';
import { IRR_HI, IRR_LO } from './tolerances.ts';

/** How many IRRs a sample's flows have in the search window: none, one, or several. */
export const IRR_NONE = 0;
export const IRR_ONE = 1;
export const IRR_SEVERAL = 2;

/** Sign changes of a sequence, zeros skipped (Descartes: an upper bound on the IRRs). */
export function signChanges(values: ArrayLike<number>, n: number = values.length): number {
  let changes = 0;
  let last = 0;
  for (let t = 0; t < n; t++) {
    const v = values[t] as number;
    if (v > 0 || v < 0) {
      const s = v > 0 ? 1 : -1;
      if (last !== 0 && s !== last) changes++;
      last = s;
    }
  }
  return changes;
}

// The IRR window in the discount factor d = 1/(1 + r): r in (IRR_LO, IRR_HI) ⇔ d in (D_LO, D_HI).
const D_LO = 1 / (1 + IRR_HI);
const D_HI = 1 / (1 + IRR_LO);
/** Subdivisions of the window before the count gives up and asks `irrRoots`. */
const ROOT_COUNT_DEPTH = 12;

/**
 * Descartes' bound on the roots in (a, b) of p(d) = Σ c_t d^t (the NPV as a
 * polynomial in the discount factor): the sign variations of
 * (1 + x)^T p((a + b x)/(1 + x)). −1 when a coefficient is too close to 0 to
 * trust its sign. `w` and `wa` are scratch buffers of length ≥ n.
 */
function descartesBound(c: ArrayLike<number>, n: number, a: number, b: number, w: Float64Array, wa: Float64Array): number {
  const T = n - 1;
  for (let k = 0; k < n; k++) {
    const v = c[k] as number;
    w[k] = v;
    wa[k] = Math.abs(v);
  }
  // p(a + z): Taylor shift by a
  for (let i = 0; i < T; i++) {
    for (let j = T - 1; j >= i; j--) {
      w[j] = (w[j] as number) + a * (w[j + 1] as number);
      wa[j] = (wa[j] as number) + a * (wa[j + 1] as number);
    }
  }
  // z = (b − a) y, then reversed and shifted by 1: y = 1/(1 + x)
  let scale = 1;
  const span = b - a;
  for (let k = 0; k < n; k++) {
    w[k] = (w[k] as number) * scale;
    wa[k] = (wa[k] as number) * scale;
    scale *= span;
  }
  for (let i = 0, j = T; i < j; i++, j--) {
    const x = w[i] as number;
    w[i] = w[j] as number;
    w[j] = x;
    const y = wa[i] as number;
    wa[i] = wa[j] as number;
    wa[j] = y;
  }
  for (let i = 0; i < T; i++) {
    for (let j = T - 1; j >= i; j--) {
      w[j] = (w[j] as number) + (w[j + 1] as number);
      wa[j] = (wa[j] as number) + (wa[j + 1] as number);
    }
  }
  let variations = 0;
  let last = 0;
  for (let k = 0; k < n; k++) {
    const v = w[k] as number;
    if (!(Math.abs(v) > 1e-12 * (wa[k] as number))) {
      if (v === 0 && wa[k] === 0) continue;
      return -1;
    }
    const sg = v > 0 ? 1 : -1;
    if (last !== 0 && sg !== last) variations++;
    last = sg;
  }
  return variations;
}

/** Roots of p in (a, b), counted up to 2 by bisecting (geometrically) until Descartes' bound is exact; −1 when unsure. */
function countRoots(c: ArrayLike<number>, n: number, a: number, b: number, depth: number, w: Float64Array, wa: Float64Array): number {
  const v = descartesBound(c, n, a, b, w, wa);
  if (v < 0) return -1;
  if (v <= 1) return v; // 0 or 1 variation: exactly that many roots
  if (depth === 0) return -1;
  const m = Math.sqrt(a * b);
  let pm = 0;
  for (let t = n - 1; t >= 0; t--) pm = pm * m + (c[t] as number);
  if (pm === 0) return -1;
  const left = countRoots(c, n, a, m, depth - 1, w, wa);
  if (left < 0 || left >= 2) return left < 0 ? -1 : 2;
  const right = countRoots(c, n, m, b, depth - 1, w, wa);
  return right < 0 ? -1 : Math.min(2, left + right);
}

/**
 * How many IRRs flows with IRR `irr` (null: none) have in the window: IRR_NONE,
 * IRR_ONE or IRR_SEVERAL, as `irrRoots(flows).length` would say. Call it right
 * after the `irrFast(flows, n)` that gave `irr`: cheap tests first (what that
 * search learnt, `irrCountAfterFast`; then Descartes on the window, bisected),
 * `irrRoots` only when they cannot tell.
 */
export function irrRootClass(flows: Float64Array, n: number, irr: number | null, w: Float64Array, wa: Float64Array): number {
  if (irr === null) return IRR_NONE;
  const fast = irrCountAfterFast(flows, n, irr);
  if (fast >= 1) return fast === 1 ? IRR_ONE : IRR_SEVERAL;
  // the window split at r = 0 (d = 1) first: roots usually lie on either side of it
  let p1 = 0;
  for (let t = n - 1; t >= 0; t--) p1 += flows[t] as number;
  let count = -1;
  if (p1 !== 0) {
    const above = countRoots(flows, n, D_LO, 1, ROOT_COUNT_DEPTH, w, wa);
    if (above >= 2) return IRR_SEVERAL;
    const below = above < 0 ? -1 : countRoots(flows, n, 1, D_HI, ROOT_COUNT_DEPTH, w, wa);
    if (below >= 0) count = above + below;
  }
  if (count >= 0) return count >= 2 ? IRR_SEVERAL : IRR_ONE;
  return irrRoots(flows.subarray(0, n)).length > 1 ? IRR_SEVERAL : IRR_ONE;
}
