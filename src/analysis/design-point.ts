/**
 * The design point (first-order reliability, FORM; issue 19): the most likely
 * combination of the uncertain inputs at which the factory just meets its
 * target — "the most likely way this misses (or reaches) payback" — with the
 * reliability index β, the first-order probability Φ(−β) beside the Monte
 * Carlo's, and each input's share of it.
 *
 * **The transformation.** Each uncertain input is its marginal's inverse CDF
 * of a standard normal: `x_j = F_j⁻¹(Φ(z_j))`, with `F_j⁻¹` the Monte Carlo's
 * own sampler (the same distribution, truncated to the input's valid range).
 * Correlation is the Gaussian copula that Iman–Conover induces in the Monte
 * Carlo: the normal scores z are correlated by `R0 = 2·sin(π·ρ_s/6)` (the
 * Pearson correlation of normal scores that gives the Spearman ρ_s, exact
 * under a Gaussian copula; Nataf's model with that fictitious correlation),
 * and `z = L·u` with `L·Lᵀ = R0` maps independent standard normals u to
 * them. z is cut at ±8 (Φ(−8) ≈ 6e−16), where every marginal has reached the
 * end of its range.
 *
 * **The search.** The limit state is `g(u) = margin of the target` (npv − 0
 * for `npv>=0`); the design point is the u on `g = 0` nearest the origin (the
 * medians). Every candidate lies on the limit state: along a direction `a`,
 * `β(a)` is the first root of `g(t·a)` for t > 0, found by a scan that
 * brackets it and Brent's method. From the steepest direction at the origin,
 * Hasofer–Lind–Rackwitz–Fiessler steps turn the direction towards the
 * gradient (central differences) at the current point; a step that does not
 * bring the limit state nearer is halved (a line search on the direction)
 * until it does. It stops when the direction is parallel to the gradient
 * (the optimality condition) or no step brings it nearer, and says whether it
 * converged, with the optimality gap: it never diverges silently.
 *
 * **Discrete inputs** (a discrete distribution, a whole-number input such as
 * the useful life) are conditioned on: one search per combination of their
 * values, the probabilities weighted by the combination's probability (exact
 * in the discrete inputs), and the design point is the most likely point on
 * the limit state over all combinations (largest `P(combination)·φ(β)`).
 */
import { evaluate, evaluateSummary } from '../model/engine.ts';
import { brent } from '../model/root.ts';
import type { Scenario } from '../model/schema.ts';
import { MC_METRICS, type McMetric } from './columnar.ts';
import { describeDistribution } from './distributions.ts';
import { makeDriver } from './drivers.ts';
import { DEFAULT_SAMPLES, DEFAULT_SEED, monteCarlo } from './monte-carlo.ts';
import { AnalysisInputError, type InputKind, type SetMode } from './paths.ts';
import { normalCdf, normalQuantile } from './special-functions.ts';
import { checkTarget, DEFAULT_TARGET, parseTarget, type Target, targetMargin, type TargetMetric, type TargetOp } from './targets.ts';
import { applyValues, discreteSupport, prepareUncertainSpace, type UncertainInput, type UncertainSpace, type UncertaintyOptions } from './uncertain-space.ts';
import { cholesky } from './correlation.ts';

/** Normal scores are cut here: Φ(−8) ≈ 6.2e−16, the end of every marginal's range in double precision. */
export const Z_MAX = 8;
/** Step of the central differences of the gradient, in standard normal units. */
export const GRADIENT_STEP = 1e-4;
/** Converged when 1 − cos(angle between the point and the gradient) is at most this. */
export const OPTIMALITY_TOL = 1e-8;
/** HL-RF iterations at most. */
export const MAX_ITERATIONS = 100;
/** A step that brings the limit state nearer by less than this (relative) ends the search: β has settled. */
export const STALL_TOL = 1e-8;
/** Halvings of a step at most in the line search. */
export const MAX_HALVINGS = 30;
/** Combinations of discrete values searched at most; beyond it the discrete inputs stay at their medians. */
export const MAX_BRANCHES = 64;

/** Options of `designPoint`. */
export interface DesignPointOptions extends UncertaintyOptions {
  /** the target, as text (`npv>=0`, `irr>=wacc`…) or parsed; default `npv>=0` */
  target?: string | Target;
  /** Monte Carlo samples for the estimate beside the first-order one (default 100,000; 0: none) */
  n?: number;
  /** the Monte Carlo seed (default 42) */
  seed?: number;
}

/** One uncertain input at the design point. */
export interface DesignPointInput {
  path: string;
  label: string;
  unit: string;
  /** what it measures (money, rate, share…) and whether it is a whole number: for formatting */
  kind: InputKind;
  integer: boolean;
  /** `scale`: the values are multipliers of the scenario's own (every year of a Series) */
  mode: SetMode;
  distribution: string;
  /** the scenario's value (a Series: its mean over the horizon; a multiplier: 1) */
  base: number;
  /** the input's median (the origin of the search) */
  median: number;
  /** the value at the design point */
  value: number;
  /** `value − base`, and relative to |base| (null when base is 0) */
  change: number;
  changePct: number | null;
  /** its standard normal score z at the design point (null: discrete, conditioned on) */
  z: number | null;
  /** its share of β² (α², or γ² with correlation); the shares of the continuous inputs sum to 1; null for a discrete input */
  importance: number | null;
  discrete: boolean;
}

/** One combination of the discrete inputs' values, searched on its own. */
export interface DesignPointBranch {
  values: { path: string; value: number }[];
  probability: number;
  /** the target's margin with the continuous inputs at their medians */
  marginAtMedians: number | null;
  /** distance of its design point; null when its limit state is out of reach */
  beta: number | null;
  /** first-order P(target missed | this combination) */
  pMiss: number;
  iterations: number;
  converged: boolean;
}

/** What `designPoint` says. */
export interface DesignPointReport {
  scenario: { id: string; name: string };
  target: { text: string; describe: string; metric: TargetMetric; op: TargetOp; threshold: number };
  /** `found`: a design point; `unreachable`: no value of the inputs in their ranges crosses the target (see `closest`) */
  status: 'found' | 'unreachable';
  /** `miss`: the inputs' medians meet the target, the design point is the most likely way to miss it; `reach`: the other way round */
  event: 'miss' | 'reach';
  /** the scenario as it stands */
  base: { metric: number | null; met: boolean };
  /** every uncertain input at its median */
  median: { metric: number | null; met: boolean };
  /** reliability index: the design point's distance (with discrete inputs, −Φ⁻¹ of the weighted probability) */
  beta: number | null;
  /** first-order probability of `event`, Φ(−β) */
  probability: number | null;
  /** first-order probability that the target is met */
  probabilityMet: number | null;
  /** the Monte Carlo's estimate from the same distributions; null when not run or the metric is not one of its metrics */
  monteCarlo: { n: number; seed: number; probabilityMet: number; probability: number } | null;
  /** the inputs at the design point, the largest importance first (discrete inputs last); for `unreachable`, the closest point found */
  inputs: DesignPointInput[];
  /** the target's metric at that point (the threshold, to the solver's tolerance, when found) */
  metricAtPoint: number | null;
  /** the `setInput` calls, in order, that put the scenario at that point */
  setting: { path: string; value: number; mode: SetMode }[];
  branches: DesignPointBranch[];
  solver: { method: string; iterations: number; evaluations: number; converged: boolean; optimality: number | null };
  definitions: { transform: string; importance: string; probability: string };
  warnings: { code: string; message: string }[];
}

// ---------------------------------------------------------------------------
// Linear algebra on small dense matrices

const dot = (a: readonly number[], b: readonly number[]): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};
const norm = (a: readonly number[]): number => Math.sqrt(dot(a, a));
const scale = (a: readonly number[], k: number): number[] => a.map((x) => x * k);
const mulLower = (L: readonly (readonly number[])[], u: readonly number[]): number[] =>
  L.map((row, i) => {
    let s = 0;
    for (let j = 0; j <= i; j++) s += (row[j] as number) * (u[j] as number);
    return s;
  });
const mulLowerT = (L: readonly (readonly number[])[], v: readonly number[]): number[] => {
  const d = v.length;
  const out = new Array<number>(d).fill(0);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) out[j] = (out[j] as number) + ((L[i] as number[])[j] as number) * (v[i] as number);
  return out;
};
/** Solve L·u = z (forward substitution). */
const solveLower = (L: readonly (readonly number[])[], z: readonly number[]): number[] => {
  const u: number[] = [];
  for (let i = 0; i < z.length; i++) {
    let s = z[i] as number;
    for (let j = 0; j < i; j++) s -= ((L[i] as number[])[j] as number) * (u[j] as number);
    u.push(s / ((L[i] as number[])[i] as number));
  }
  return u;
};
/** Solve Lᵀ·w = v (back substitution). */
const solveLowerT = (L: readonly (readonly number[])[], v: readonly number[]): number[] => {
  const d = v.length;
  const w = new Array<number>(d).fill(0);
  for (let i = d - 1; i >= 0; i--) {
    let s = v[i] as number;
    for (let j = i + 1; j < d; j++) s -= ((L[j] as number[])[i] as number) * (w[j] as number);
    w[i] = s / ((L[i] as number[])[i] as number);
  }
  return w;
};

/** Φ(z) accurate on both sides (the quantile near 1 reads 1 − Φ(−z)). */
const probabilityOf = (z: number): number => (z <= 0 ? normalCdf(z) : 1 - normalCdf(-z));
const clampZ = (z: number): number => (z < -Z_MAX ? -Z_MAX : z > Z_MAX ? Z_MAX : z);

// ---------------------------------------------------------------------------
// One search: the continuous inputs, with the others held

interface Problem {
  space: UncertainSpace;
  target: Target;
  continuous: UncertainInput[];
  /** lower Cholesky factor of the continuous inputs' normal-score correlation (identity where uncorrelated) */
  L: number[][];
  evaluations: number;
}

interface Search {
  g0: number;
  /** on the limit state, or null when none was found */
  u: number[] | null;
  beta: number | null;
  iterations: number;
  converged: boolean;
  optimality: number | null;
  /** when there is no crossing: the point nearest to one, and its margin */
  closest: { u: number[]; margin: number } | null;
}

function valuesAt(p: Problem, held: ReadonlyMap<number, number>, z: readonly number[]): Map<number, number> {
  const m = new Map(held);
  p.continuous.forEach((x, j) => m.set(x.index, x.sampler.quantile(probabilityOf(clampZ(z[j] as number)))));
  return m;
}

function marginAtZ(p: Problem, held: ReadonlyMap<number, number>, z: readonly number[]): number {
  p.evaluations++;
  const m = targetMargin(p.target, evaluateSummary(applyValues(p.space, valuesAt(p, held, z))));
  return Number.isNaN(m) ? -Infinity : m;
}

/** The gradient of the margin in u (central differences in z, then Lᵀ). */
function gradient(p: Problem, held: ReadonlyMap<number, number>, u: readonly number[]): number[] {
  const z = mulLower(p.L, u);
  const gz = z.map((zj, j) => {
    const hi = z.slice();
    const lo = z.slice();
    hi[j] = zj + GRADIENT_STEP;
    lo[j] = zj - GRADIENT_STEP;
    const d = (marginAtZ(p, held, hi) - marginAtZ(p, held, lo)) / (2 * GRADIENT_STEP);
    return Number.isFinite(d) ? d : 0;
  });
  return mulLowerT(p.L, gz);
}

/** The first t in (0, tMax] with g(t·a) on the other side of g0: scan, then Brent (bisection where the margin has no value). */
function rayRoot(p: Problem, held: ReadonlyMap<number, number>, a: readonly number[], g0: number, tMax: number): number | null {
  const g = (t: number): number => marginAtZ(p, held, mulLower(p.L, scale(a, t)));
  const other = (v: number): boolean => (g0 > 0 ? v <= 0 : v >= 0);
  let tPrev = 0;
  let gPrev = g0;
  for (let t = 0.5; ; t = t < 8 ? t + 0.5 : t + 2) {
    const tt = Math.min(t, tMax);
    const gt = g(tt);
    if (other(gt)) {
      if (gt === 0) return tt;
      if (Number.isFinite(gt) && Number.isFinite(gPrev)) {
        const r = brent(g, tPrev, tt, { xtol: 1e-14 });
        if (r.value !== null) return r.value;
      }
      // bisection to the edge
      let lo = tPrev;
      let hi = tt;
      for (let k = 0; k < 80 && hi - lo > 1e-14 * hi; k++) {
        const m = (lo + hi) / 2;
        if (other(g(m))) hi = m;
        else lo = m;
      }
      return hi;
    }
    tPrev = tt;
    gPrev = gt;
    if (tt >= tMax) return null;
  }
}

function search(p: Problem, held: ReadonlyMap<number, number>): Search {
  const d = p.continuous.length;
  const origin = new Array<number>(d).fill(0);
  const g0 = marginAtZ(p, held, origin);
  const none: Search = { g0, u: null, beta: null, iterations: 0, converged: false, optimality: null, closest: null };
  if (d === 0) return { ...none, converged: true };
  if (g0 === 0) return { ...none, u: origin, beta: 0, converged: true, optimality: 0 };
  const side = g0 > 0 ? 1 : -1;
  let tMax = Z_MAX * Math.sqrt(d);
  const grad0 = gradient(p, held, origin);
  const n0 = norm(grad0);
  // towards the limit state: down the margin when it is met, up when not
  let a = n0 > 0 ? scale(grad0, -side / n0) : null;
  let beta = a === null ? null : rayRoot(p, held, a, g0, tMax);
  if (beta === null) {
    // the most favourable corner of the ranges, in z
    const gz = solveLowerT(p.L, grad0);
    const zc = gz.map((x) => (x === 0 ? 0 : -side * Math.sign(x) * Z_MAX));
    const uc = solveLower(p.L, zc);
    const nc = norm(uc);
    const gc = nc > 0 ? marginAtZ(p, held, zc) : g0;
    const reached = side > 0 ? gc <= 0 : gc >= 0;
    if (!reached || nc === 0) {
      // no crossing: report the nearer of the corner and the end of the steepest path
      let closest = { u: uc, margin: gc };
      if (a !== null) {
        const ue = scale(a, tMax);
        const ge = marginAtZ(p, held, mulLower(p.L, ue));
        if (-side * ge > -side * gc) closest = { u: ue, margin: ge };
      }
      return { ...none, closest };
    }
    a = scale(uc, 1 / nc);
    tMax = Math.max(tMax, nc * (1 + 1e-9));
    beta = rayRoot(p, held, a, g0, tMax);
    if (beta === null) return { ...none, closest: { u: uc, margin: gc } };
  }
  let u = scale(a as number[], beta);
  let iterations = 0;
  let optimality: number | null = null;
  let converged = false;
  let stalled = false;
  while (iterations < MAX_ITERATIONS) {
    iterations++;
    const gr = gradient(p, held, u);
    const ng = norm(gr);
    if (ng === 0) break;
    const cos = Math.abs(dot(a as number[], gr)) / ng;
    optimality = Math.max(0, 1 - cos);
    if (optimality <= OPTIMALITY_TOL) {
      converged = true;
      break;
    }
    // HL-RF: the foot of the perpendicular from the origin to the linearized limit state
    const gu = marginAtZ(p, held, mulLower(p.L, u));
    const uHl = scale(gr, (dot(gr, u) - (Number.isFinite(gu) ? gu : 0)) / (ng * ng));
    const nHl = norm(uHl);
    if (nHl === 0) break;
    const aHl = scale(uHl, 1 / nHl);
    let accepted = false;
    for (let k = 0, lambda = 1; k <= MAX_HALVINGS; k++, lambda /= 2) {
      const mix = (a as number[]).map((x, j) => x + lambda * ((aHl[j] as number) - x));
      const nm = norm(mix);
      if (nm === 0) continue;
      const aNew = scale(mix, 1 / nm);
      const bNew = rayRoot(p, held, aNew, g0, tMax);
      if (bNew !== null && bNew < (beta as number) * (1 - 1e-15)) {
        stalled = (beta as number) - bNew <= STALL_TOL * bNew;
        a = aNew;
        beta = bNew;
        u = scale(aNew, bNew);
        accepted = true;
        break;
      }
    }
    if (!accepted || stalled) {
      // no step brings the limit state (noticeably) nearer: a numerical stationary point; converged if the gap is small
      converged = optimality <= Math.sqrt(OPTIMALITY_TOL);
      break;
    }
  }
  return { g0, u, beta, iterations, converged, optimality, closest: null };
}

// ---------------------------------------------------------------------------
// The analysis

/** The scenario's value of an input as the report shows it: a multiplier's base is 1, a Series its mean over the horizon. */
function baseOf(s: Scenario, x: UncertainInput): number {
  if (x.mode === 'scale') return 1;
  return makeDriver(s, x.path).base;
}

/** P(target met) in each Monte Carlo sample, from its metric (and its own wacc or life when the threshold reads an uncertain one). */
function mcProbabilityMet(scenario: Scenario, target: Target, metrics: Record<McMetric, Float64Array>, inputs: { path: string; mode: SetMode; values: Float64Array }[]): number | null {
  if (!(MC_METRICS as readonly string[]).includes(target.metric)) return null;
  const col = metrics[target.metric as McMetric];
  const n = col.length;
  const refPath = target.ref === 'wacc' ? 'finance.wacc' : target.ref === 'life' && scenario.fleet.mode === 'own' ? 'fleet.usefulLifeYears' : null;
  const varying = refPath === null ? undefined : inputs.find((c) => c.path === refPath);
  const fixed = target.threshold(scenario);
  let met = 0;
  for (let i = 0; i < n; i++) {
    const v = col[i] as number;
    const th = varying === undefined ? fixed : varying.mode === 'scale' ? fixed * (varying.values[i] as number) : (varying.values[i] as number);
    if (target.op === '>=' ? v >= th : v <= th) met++;
  }
  return met / n;
}

/**
 * The design point of a scenario for a target (default `npv>=0`): β, the
 * first-order probability Φ(−β) beside the Monte Carlo estimate from the same
 * distributions, and the inputs at the design point as changes from base,
 * the most important first. Throws an `AnalysisInputError` with every issue
 * when the target or the uncertain inputs are ill-posed (no uncertain input,
 * a correlation matrix that is not positive definite, a bad distribution).
 * When no value of the inputs in their ranges crosses the target the status
 * is `unreachable` and `inputs` is the closest point found
 * (`unreachableIssue` words it).
 *
 * @example
 * const d = designPoint(scenario, { distributions: defaults, n: 100_000 });
 * d.beta;            // 1.58
 * d.probability;     // Φ(−β) = 0.057
 * d.monteCarlo?.probability; // 0.057
 * d.inputs[0];       // { path: 'demand.utilization', value: 0.87 (× base), importance: 0.41, … }
 */
export function designPoint(scenario: Scenario, options: DesignPointOptions = {}): DesignPointReport {
  const parsed = typeof options.target === 'object' ? { ok: true as const, target: options.target } : parseTarget(options.target ?? DEFAULT_TARGET);
  if (!parsed.ok) throw new AnalysisInputError([{ ...parsed.issue, path: parsed.issue.path === '' ? 'target' : parsed.issue.path }]);
  const target = parsed.target;
  const targetIssue = checkTarget(target, scenario);
  const uncertainty = {
    ...(options.distributions !== undefined && { distributions: options.distributions }),
    ...(options.correlation !== undefined && { correlation: options.correlation }),
  };
  const prepared = prepareUncertainSpace(scenario, uncertainty);
  const issues = [...(targetIssue === null ? [] : [targetIssue]), ...(prepared.ok ? [] : prepared.issues)];
  if (issues.length > 0 || !prepared.ok) throw new AnalysisInputError(issues);
  const { space } = prepared;
  const warnings: DesignPointReport['warnings'] = [];

  // the inputs: held (fixed), conditioned on (discrete) and searched (continuous)
  const held = new Map<number, number>();
  const discrete: { input: UncertainInput; values: number[]; probabilities: number[] }[] = [];
  const continuous: UncertainInput[] = [];
  for (const x of space.inputs) {
    if (x.constant) held.set(x.index, x.median);
    else if (x.discrete) {
      const support = discreteSupport(x);
      if (support === null) {
        held.set(x.index, x.median);
        warnings.push({ code: 'discrete-held', message: `${x.path} takes too many values to condition on: held at its median ${x.median}` });
      } else discrete.push({ input: x, ...support });
    } else continuous.push(x);
  }
  let branchCount = discrete.reduce((k, d) => k * d.values.length, 1);
  if (branchCount > MAX_BRANCHES) {
    for (const d of discrete) held.set(d.input.index, d.input.median);
    warnings.push({
      code: 'discrete-held',
      message: `the discrete inputs have ${branchCount} combinations of values (more than ${MAX_BRANCHES}): held at their medians (${discrete.map((d) => d.input.path).join(', ')})`,
    });
    discrete.length = 0;
    branchCount = 1;
  }

  // correlation among the continuous inputs; a correlated discrete input is conditioned on, its correlation dropped
  const d = continuous.length;
  const L: number[][] = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  if (space.correlation !== null) {
    const { indexes, normalScore } = space.correlation;
    const at = indexes.map((k) => continuous.findIndex((x) => x.index === k));
    const keep = at.map((j, r) => ({ j, r })).filter((x) => x.j >= 0);
    if (keep.length < indexes.length) warnings.push({ code: 'correlation-dropped', message: 'a correlated input is discrete: it is conditioned on, and its correlation with the others is left out of the first-order estimate' });
    if (keep.length >= 2) {
      const sub = keep.map((a) => keep.map((b) => (normalScore[a.r] as number[])[b.r] as number));
      const C = cholesky(sub);
      if (C === null) throw new AnalysisInputError([{ path: 'correlation.matrix', message: 'the normal-score correlation of the continuous inputs is not positive definite; loosen the strongest correlations', code: 'invalid_correlation' }]);
      keep.forEach((a, r) => keep.forEach((b, c) => ((L[a.j] as number[])[b.j] = (C[r] as number[])[c] as number)));
    }
  }
  const problem: Problem = { space, target, continuous, L, evaluations: 0 };

  // one search per combination of the discrete values
  interface BranchRun {
    values: Map<number, number>;
    probability: number;
    s: Search;
  }
  const runs: BranchRun[] = [];
  for (let k = 0; k < branchCount; k++) {
    const values = new Map(held);
    let probability = 1;
    let rest = k;
    for (const dd of discrete) {
      const i = rest % dd.values.length;
      rest = Math.floor(rest / dd.values.length);
      values.set(dd.input.index, dd.values[i] as number);
      probability *= dd.probabilities[i] as number;
    }
    runs.push({ values, probability, s: search(problem, values) });
  }
  const pMissOf = (s: Search): number => {
    if (s.beta === null) return s.g0 >= 0 ? 0 : 1;
    return s.g0 >= 0 ? normalCdf(-s.beta) : normalCdf(s.beta);
  };
  let pMiss = 0;
  for (const r of runs) pMiss += r.probability * pMissOf(r.s);
  const event: 'miss' | 'reach' = pMiss <= 0.5 ? 'miss' : 'reach';

  // the design point: the most likely point on the limit state over the combinations
  let best: BranchRun | undefined;
  let bestScore = -Infinity;
  for (const r of runs) {
    if (r.s.beta === null || r.probability === 0) continue;
    const score = Math.log(r.probability) - 0.5 * r.s.beta * r.s.beta;
    if (score > bestScore) {
      bestScore = score;
      best = r;
    }
  }
  const sidesDiffer = runs.some((r) => pMissOf(r.s) > 0) && runs.some((r) => pMissOf(r.s) < 1);
  const status: DesignPointReport['status'] = best !== undefined || sidesDiffer ? 'found' : 'unreachable';
  if (best === undefined && sidesDiffer) {
    // only the discrete values decide: the most likely combination on the other side of the medians' outcome
    const other = runs.filter((r) => (event === 'miss' ? pMissOf(r.s) > 0.5 : pMissOf(r.s) < 0.5)).sort((x, y) => y.probability - x.probability);
    best = other[0];
  }

  // the point reported
  const origin = new Array<number>(d).fill(0);
  let point: { values: Map<number, number>; u: number[] };
  if (best !== undefined) point = { values: best.values, u: best.s.u ?? origin };
  else {
    // unreachable: the closest point over the combinations (largest progress towards the other side)
    let c: BranchRun | undefined;
    let progress = -Infinity;
    for (const r of runs) {
      if (r.s.closest === null) continue;
      const pr = r.s.g0 >= 0 ? -r.s.closest.margin : r.s.closest.margin;
      if (pr > progress) {
        progress = pr;
        c = r;
      }
    }
    const chosen = c ?? runs[0];
    point = { values: chosen?.values ?? held, u: chosen?.s.closest?.u ?? origin };
  }
  const zStar = mulLower(L, point.u);
  const atPoint = valuesAt(problem, point.values, zStar);
  const pointScenario = applyValues(space, atPoint);
  const metricAtPoint = evaluate(pointScenario).summary[target.metric];

  // importance: α = u*/|u*|; with correlation γ = αᵀL⁻¹ normalized (Der Kiureghian 2005), α itself without
  const nu = norm(point.u);
  let importance: number[] | null = null;
  if (nu > 0 && best?.s.u !== null && best !== undefined) {
    const alpha = scale(point.u, 1 / nu);
    const gamma = solveLowerT(L, alpha);
    const ng = norm(gamma);
    importance = gamma.map((x) => (x / ng) ** 2);
  }
  const inputs: DesignPointInput[] = space.inputs
    .filter((x) => !x.constant)
    .map((x) => {
      const base = baseOf(scenario, x);
      const value = atPoint.get(x.index) ?? x.median;
      const j = continuous.indexOf(x);
      const change = value - base;
      return {
        path: x.path,
        label: x.label,
        unit: x.mode === 'scale' ? `× base (${x.unit})` : x.unit,
        kind: x.mode === 'scale' ? 'multiplier' : x.kind,
        integer: x.integer,
        mode: x.mode,
        distribution: describeDistribution(x.spec),
        base,
        median: x.median,
        value,
        change,
        changePct: base === 0 ? null : change / Math.abs(base),
        z: j >= 0 ? clampZ(zStar[j] as number) : null,
        importance: j >= 0 && importance !== null ? (importance[j] as number) : null,
        discrete: j < 0,
      };
    })
    .sort((x, y) => (y.importance ?? -1) - (x.importance ?? -1) || Math.abs(y.changePct ?? 0) - Math.abs(x.changePct ?? 0));
  const setting = space.inputs.filter((x) => atPoint.has(x.index)).map((x) => ({ path: x.path, value: atPoint.get(x.index) as number, mode: x.mode }));

  // β and the probability
  let beta: number | null = null;
  let probability: number | null = null;
  if (status === 'found') {
    if (discrete.length === 0 && best !== undefined && best.s.beta !== null) {
      beta = best.s.beta;
      probability = normalCdf(-beta);
    } else {
      probability = Math.min(pMiss, 1 - pMiss);
      beta = probability > 0 ? -normalQuantile(probability) : null;
    }
  }
  const probabilityMet = status === 'found' ? 1 - pMiss : pMiss === 0 ? 1 : 0;

  // the Monte Carlo beside it
  let mc: DesignPointReport['monteCarlo'] = null;
  const n = options.n ?? DEFAULT_SAMPLES;
  if (n > 0) {
    const seed = options.seed ?? DEFAULT_SEED;
    const r = monteCarlo(scenario, { n, seed, ...uncertainty, keepSamples: true });
    const met = r.samples === undefined ? null : mcProbabilityMet(scenario, target, r.samples.metrics, r.samples.inputs);
    if (met !== null) mc = { n: r.summary.n, seed: r.summary.seed, probabilityMet: met, probability: event === 'miss' ? 1 - met : met };
    else warnings.push({ code: 'no-mc-metric', message: `the Monte Carlo does not carry ${target.metric}: no estimate beside the first-order one` });
  }

  const baseResult = evaluate(scenario);
  const baseMargin = targetMargin(target, baseResult);
  const medianScenario = applyValues(space, valuesAt(problem, new Map([...held, ...discrete.map((dd) => [dd.input.index, dd.input.median] as [number, number])]), origin));
  const medianResult = evaluate(medianScenario);
  const solverRuns = runs.filter((r) => r.s.beta !== null);
  const converged = solverRuns.every((r) => r.s.converged);
  if (!converged) {
    const gaps = solverRuns.filter((r) => !r.s.converged).map((r) => r.s.optimality?.toExponential(1) ?? 'unknown');
    warnings.push({ code: 'not-converged', message: `the search did not converge: the design point is where it stopped (optimality gap 1 − cos θ = ${gaps.join(', ')}; converged means ≤ ${OPTIMALITY_TOL})` });
  }
  const branches: DesignPointBranch[] = discrete.length === 0 ? [] : runs.map((r) => ({
    values: discrete.map((dd) => ({ path: dd.input.path, value: r.values.get(dd.input.index) as number })),
    probability: r.probability,
    marginAtMedians: Number.isFinite(r.s.g0) ? r.s.g0 : null,
    beta: r.s.beta,
    pMiss: pMissOf(r.s),
    iterations: r.s.iterations,
    converged: r.s.converged,
  }));
  const chosen = best ?? runs[0];
  return {
    scenario: { id: scenario.id, name: scenario.name ?? scenario.id },
    target: { text: target.text, describe: target.describe, metric: target.metric, op: target.op, threshold: target.threshold(scenario) },
    status,
    event,
    base: { metric: baseResult.summary[target.metric], met: baseMargin >= 0 },
    median: { metric: medianResult.summary[target.metric], met: targetMargin(target, medianResult) >= 0 },
    beta,
    probability,
    probabilityMet,
    monteCarlo: mc,
    inputs,
    metricAtPoint,
    setting,
    branches,
    solver: {
      method: 'HL-RF on the limit state (ray roots by scan and Brent), line search by halving, central-difference gradients',
      iterations: runs.reduce((k, r) => k + r.s.iterations, 0),
      evaluations: problem.evaluations,
      converged,
      optimality: chosen?.s.optimality ?? null,
    },
    definitions: {
      transform:
        "x = F⁻¹(Φ(z)) with F the input's distribution truncated to its valid range (the Monte Carlo's sampler); correlated inputs through the Gaussian copula of Iman–Conover: z = L·u, L·Lᵀ = 2·sin(π·ρ/6); z cut at ±8; discrete inputs conditioned on, each combination weighted by its probability",
      importance: "each continuous input's share of β²: α² with α = u*/β, or with correlation γ² with γ ∝ αᵀ·L⁻¹ (Der Kiureghian 2005); they sum to 1",
      probability: 'first-order: Φ(−β) is the probability of the event beyond the tangent plane of the limit state at the design point',
    },
    warnings,
  };
}

/**
 * The issue that says a target is out of reach, with the closest point (how
 * the CLI and the API refuse it).
 *
 * @example
 * if (d.status === 'unreachable') throw new InputError([unreachableIssue(d)]);
 */
export function unreachableIssue(d: DesignPointReport): { path: string; message: string; code: string } {
  const side = d.median.met ? 'missed' : 'met';
  const pts = d.inputs
    .slice(0, 6)
    .map((x) => `${x.path} = ${Number(x.value.toPrecision(6))}${x.mode === 'scale' ? '× base' : ''}`)
    .join(', ');
  const metric = d.metricAtPoint === null ? 'no value' : `${d.target.metric} = ${Number(d.metricAtPoint.toPrecision(6))}`;
  return {
    path: 'target',
    message: `unreachable: the target ${d.target.text} is ${side === 'met' ? 'never met' : 'never missed'} for any values of the uncertain inputs in their ranges; the closest point found gives ${metric} at ${pts}${d.inputs.length > 6 ? ', …' : ''}`,
    code: 'unreachable_target',
  };
}
