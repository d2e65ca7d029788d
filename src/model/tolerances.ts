/**
 * Named numeric tolerances and defaults of the finance kernels, kept in one
 * place so a change is one diff (cf. Squiggle's `magicNumbers.ts`).
 */

/** Lower end (exclusive) of the window in which an IRR is searched: −99 %. */
export const IRR_LO = -0.99;

/** Upper end (exclusive) of the window in which an IRR is searched: 1000 %. */
export const IRR_HI = 10;

/**
 * Grid points on each side of 0 of the IRR scan grid (the grid has
 * `2 · IRR_GRID_POINTS_PER_SIDE + 1` points, 0 included).
 */
export const IRR_GRID_POINTS_PER_SIDE = 100;

/**
 * Step of the IRR scan grid next to 0, in `u = ln(1 + r)`. The grid is uniform
 * in `s` with `u = U · expm1(α s) / expm1(α)`, α chosen so the first step is
 * this, so it is dense near 0 and coarse near the ends (about 0.023 at
 * r = 50 %, 0.7 at r = 1000 %).
 */
export const IRR_GRID_STEP0 = 0.005;

/** Window searched by `rate` (same as the IRR window). */
export const RATE_LO = IRR_LO;
/** Window searched by `rate` (same as the IRR window). */
export const RATE_HI = IRR_HI;

/** numpy-financial's default `guess` of `rate`; here it picks among several roots. */
export const RATE_GUESS = 0.1;

/**
 * Absolute part of Brent's stopping tolerance: it stops when the bracket is
 * narrower than `4 · EPSILON · |x| + ROOT_XTOL`. Tight enough that NPV at the
 * IRR is at rounding level for ordinary flows; the absolute part lets a root
 * at or near 0 terminate.
 */
export const ROOT_XTOL = 1e-15;

/** Brent's iteration cap (function evaluations after the two endpoints). */
export const ROOT_MAXITER = 200;

/** Subintervals of the uniform grid `findRoots` scans by default. */
export const ROOT_SCAN_INTERVALS = 100;

/** Cap on the evaluations of `polishRoot` (bracket expansion plus bisection). */
export const POLISH_MAXITER = 200;

/** Day count of `xnpv`/`xirr`: actual/365 from the first date, as spreadsheets do. */
export const DAYS_PER_YEAR = 365;

/** Milliseconds in a UTC day. */
export const MS_PER_DAY = 86_400_000;
