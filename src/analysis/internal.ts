/**
 * Internal inference (MODEL.md §5): the clean (cash) and strategic views side
 * by side as the internal share of tokens rises. Internal segments are the
 * kinds `internal-eval` and `internal-product`; setting the internal share `s`
 * scales their token shares to sum to `s` and the others' to `1 − s`, keeping
 * the proportions inside each group, in every year.
 */
import { evaluate } from '../model/engine.ts';
import { seriesAt } from '../model/lines.ts';
import type { ModelResult } from '../model/result.ts';
import type { Scenario, Segment } from '../model/schema.ts';
import { withGroupShare } from './mix.ts';

/** The segment kinds that count as internal inference. */
export const INTERNAL_KINDS: readonly Segment['kind'][] = ['internal-eval', 'internal-product'];

/** The top of the sweep: the internal share rises from 0 to this. */
export const INTERNAL_MAX_SHARE = 0.8;

/** Default number of points of the sweep (0, 10 %, …, 80 %). */
export const INTERNAL_DEFAULT_STEPS = 9;

/** Most points a sweep may have. */
export const INTERNAL_MAX_STEPS = 1001;

export const isInternalKind = (kind: Segment['kind']): boolean => INTERNAL_KINDS.includes(kind);

/** One point of the sweep. Per-MW values are averages over the years with accelerators in service. */
export interface InternalPoint {
  /** internal share of tokens, the same in every year */
  internalShare: number;
  /** cash revenue per MW-year (`summary.revenuePerMW`) */
  cleanRevenuePerMW: number | null;
  /** cash revenue plus imputed strategic value per MW-year (`summary.strategicRevenuePerMW`) */
  strategicRevenuePerMW: number | null;
  /** gross profit per MW-year on cash revenue (`summary.grossProfitPerMW`) */
  cleanGrossProfitPerMW: number | null;
  /** gross profit per MW-year counting strategic value as revenue: clean GP + (strategic − clean revenue) */
  strategicGrossProfitPerMW: number | null;
  npv: number | null;
  /** npv plus the after-tax PV of strategic value (`summary.strategicNpv`) */
  strategicNpv: number | null;
}

/** What `internalSweep` says. */
export interface InternalSweep {
  scenarioId: string;
  /** false when the sweep cannot be run on this scenario; `reason` says why and `points` is empty */
  available: boolean;
  reason: string | null;
  /** ids of the internal segments (scaled up) and of the others (scaled down) */
  internalSegments: string[];
  otherSegments: string[];
  /** lifetime internal share of tokens served today (null when no tokens are served) */
  baseInternalShare: number | null;
  /** internal share of the token mix as given, year by year (t = 1..T) */
  baseInternalShareByYear: number[];
  /** the scenario as it stands */
  base: InternalPoint;
  /** the sweep, internal share ascending from 0 to `INTERNAL_MAX_SHARE` */
  points: InternalPoint[];
}

function pointOf(r: ModelResult, internalShare: number): InternalPoint {
  const s = r.summary;
  const gp = s.grossProfitPerMW;
  const strategicGp = gp === null || s.strategicRevenuePerMW === null || s.revenuePerMW === null ? null : gp + (s.strategicRevenuePerMW - s.revenuePerMW);
  return {
    internalShare,
    cleanRevenuePerMW: s.revenuePerMW,
    strategicRevenuePerMW: s.strategicRevenuePerMW,
    cleanGrossProfitPerMW: gp,
    strategicGrossProfitPerMW: strategicGp,
    npv: s.npv,
    strategicNpv: s.strategicNpv,
  };
}

/**
 * The scenario with the internal share of tokens set to `share` in every year:
 * internal segments scaled to sum to `share`, the others to `1 − share`, the
 * proportions inside each group kept year by year (split evenly in a year where
 * the group's shares are all 0). Copies only the demand block and its segments.
 * Throws a RangeError when `share` is outside [0, 1] or a group it needs is missing.
 *
 * @example
 * const s = withInternalShare(scenario, 0.4);
 * // internal-product + internal-eval now hold 40 % of tokens in every year
 */
export function withInternalShare<S extends Scenario>(scenario: S, share: number): S {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`internal share must be in [0, 1], got ${share}`);
  const segs = scenario.demand.segments;
  const internal = segs.map((s) => isInternalKind(s.kind));
  const nInternal = internal.filter(Boolean).length;
  const nOther = segs.length - nInternal;
  if (share > 0 && nInternal === 0) throw new RangeError('the scenario has no internal segment (kind internal-eval or internal-product) to scale up');
  if (share < 1 && nOther === 0) throw new RangeError('every segment is internal: there is nothing to scale down');
  return withGroupShare(scenario, (seg) => isInternalKind(seg.kind), () => share, scenario.horizon.years, false);
}

/**
 * Clean (cash) and strategic revenue and gross profit per MW, npv and
 * strategic npv as the internal share of tokens rises from 0 to 80 % in
 * `steps` evenly spaced points (see `withInternalShare`). A scenario with no
 * internal segment gets no invented one: the sweep is `available: false` with
 * a reason (as is one where every segment is internal).
 * Throws a RangeError when `steps` is not an integer in [2, 1001].
 *
 * @example
 * const sweep = internalSweep(scenario, { steps: 5 });     // 0, 20 %, 40 %, 60 %, 80 %
 * sweep.points.map((p) => p.cleanGrossProfitPerMW);       // falls as the internal share rises
 * sweep.baseInternalShare;                                // 0.35 today
 */
export function internalSweep(scenario: Scenario, opts: { steps?: number } = {}): InternalSweep {
  const steps = opts.steps ?? INTERNAL_DEFAULT_STEPS;
  if (!Number.isInteger(steps) || steps < 2 || steps > INTERNAL_MAX_STEPS) {
    throw new RangeError(`steps must be an integer from 2 to ${INTERNAL_MAX_STEPS}, got ${steps}`);
  }
  const segs = scenario.demand.segments;
  const internalIdx = segs.flatMap((s, i) => (isInternalKind(s.kind) ? [i] : []));
  const base = evaluate(scenario);
  const T = scenario.horizon.years;
  const baseInternalShareByYear: number[] = [];
  for (let t = 1; t <= T; t++) baseInternalShareByYear.push(internalIdx.reduce((a, i) => a + seriesAt(segs[i]!.tokenShare, t), 0));
  let internalTokens = 0;
  for (const i of internalIdx) for (const y of base.segments[i]?.years ?? []) internalTokens += y.tokens ?? 0;
  const total = base.summary.totalTokens ?? 0;
  const baseInternalShare = total > 0 ? internalTokens / total : null;
  const basePoint = pointOf(base, baseInternalShare ?? baseInternalShareByYear[0] ?? 0);

  let reason: string | null = null;
  if (internalIdx.length === 0) {
    reason = `no segment is internal (kind ${INTERNAL_KINDS.join(' or ')}): there is no internal share to raise, and the sweep does not invent a segment`;
  } else if (internalIdx.length === segs.length) {
    reason = 'every segment is internal: there is no external share to lower';
  }
  const points: InternalPoint[] = [];
  if (reason === null) {
    for (let j = 0; j < steps; j++) {
      const share = (INTERNAL_MAX_SHARE * j) / (steps - 1);
      points.push(pointOf(evaluate(withInternalShare(scenario, share)), share));
    }
  }
  return {
    scenarioId: scenario.id,
    available: reason === null,
    reason,
    internalSegments: internalIdx.map((i) => segs[i]!.id),
    otherSegments: segs.filter((s) => !isInternalKind(s.kind)).map((s) => s.id),
    baseInternalShare,
    baseInternalShareByYear,
    base: basePoint,
    points,
  };
}
