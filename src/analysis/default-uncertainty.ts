/**
 * The default uncertainty of a scenario (MODEL.md §5 "Monte Carlo"): one
 * library function, so that a scenario without an `uncertainty:` block gets
 * the same distributions in the CLI (`payback mc`), the report (`--mc`), the
 * API (`POST /api/mc`), the dashboard and the watch list. Same scenario, n and
 * seed: the same P(npv ≥ 0) on every surface.
 *
 * The ranges are deliberately wider on the side that hurts, and each says
 * where its width comes from (DATA.md):
 *
 * | input | distribution | why |
 * |---|---|---|
 * | utilization (a ramp keeps its shape) | × pert(0.75, 1, 1.15) | a fleet under contract can lose a quarter of its load more easily than it can gain; CoreWeave's contracted share is near the top already |
 * | tokens demanded | × triangular(0.5, 1, 1.5) | token demand forecasts (Google's monthly tokens ×2.7 in five months) |
 * | a segment's price (per M tokens, ARPU, per accelerator-hour) | × triangular(0.7, 1, 1.2) | the H100 1-year contract went $1.70 → $2.35 in five months (SemiAnalysis); API list prices are cut often |
 * | its yearly change | + triangular(−0.10, 0, +0.05) | LLMflation (a16z: ~10× a year at constant capability): faster falls are likelier |
 * | the paid share | × triangular(0.85, 1, 1.1) | ChatGPT's paying share of users ~5.5 % (press, Mar 2026) |
 * | capex per accelerator | × triangular(0.9, 1, 1.25) | GB200 NVL72 racks $3.0–3.3M plus ~15 % network and storage (SemiAnalysis InferenceX v2) |
 * | compute rent | × triangular(0.85, 1, 1.2) | GB200 rental $3.30 against owners' $2.21–2.75 an hour (InferenceX constants) |
 * | power price | × triangular(0.8, 1, 1.4) | EIA industrial $83/MWh against PJM wholesale $137/MWh (Q1 2026) |
 * | colocation lease | × triangular(0.9, 1, 1.25) | CBRE primary-market asking rate $184/kW-month, +12.6 % a year |
 * | useful life | discrete(L − 1, L, L + 1; weights 1, 2, 1) | peers depreciate accelerators over 4–6 years (Nebius 4, Amazon 5, Meta 5.5, CoreWeave and Microsoft 6) |
 * | software gain per year | + triangular(−0.10, 0, +0.10) | serving gains of 28–57 % come in steps (InferenceX), not every year |
 * | wacc | + triangular(−0.02, 0, +0.03) | the spread of the archetypes' costs of capital |
 * | a debt rate, a tranche's rate or spread | + triangular(−0.01, 0, +0.03) | CoreWeave's facilities cost 7–15 % (10-Q, June 2025); DDTL 2.0 pays SOFR + 6.00–6.50 % on investment-grade contracts, + 13 % on the others (8-K, Oct 2025) |
 * | the base rate (a path keeps its shape) | + triangular(−0.015, 0, +0.02) | the FOMC's median funds rate for 2026–2027 moved 3.4 → 3.1 % within a year of projections (SEP, Mar 2025) |
 * | any other default driver | triangular(−20 %, base, +20 %) | the tornado's swing |
 *
 * Every range is clipped to the input's valid range (a utilization ramp that
 * peaks at 88 % can be scaled by at most 1/0.88) and its parameters are
 * rounded inwards to six significant digits. Pure: no clock, no randomness.
 */
import type { Scenario } from '../model/schema.ts';
import type { DistributionSpec } from './distributions.ts';
import { type Driver, defaultDriverPaths, makeDriver } from './drivers.ts';
import { checkInputPath, PAID_SHARE } from './paths.ts';
import { DEFAULT_SWING } from './tornado.ts';

/** Where a run's distributions come from. */
export type UncertaintyOrigin = 'scenario' | 'default';

/** A shape of a default range: a multiplier of the base, or an amount added to it. */
type Shape =
  | { kind: 'times'; dist: 'triangular' | 'pert'; min: number; max: number }
  | { kind: 'plus'; min: number; max: number }
  | { kind: 'life' };

/** The inputs beyond the default drivers of MODEL.md §5 that the default also covers, where the scenario has them. */
const EXTRA_PATHS = ['site.facility.leasePerKWMonth', 'finance.debt.rate'] as const;

const SEGMENT = /^demand\.segments\[[^\]]+\]\.pricing\.(.+)$/;
const TRANCHE_RATE = /^finance\.debt\[[^\]]+\]\.(rate|spread)$/;

function shapeOf(path: string): Shape {
  const seg = SEGMENT.exec(path)?.[1];
  if (seg !== undefined) {
    if (seg === 'changePerYear' || seg === 'subscription.arpuChangePerYear') return { kind: 'plus', min: -0.1, max: 0.05 };
    if (seg === 'perMTok' || seg === 'subscription.arpuPerMonth' || seg === 'perAcceleratorHour') return { kind: 'times', dist: 'triangular', min: 0.7, max: 1.2 };
  }
  if (TRANCHE_RATE.test(path)) return { kind: 'plus', min: -0.01, max: 0.03 };
  switch (path) {
    case 'finance.baseRate':
      return { kind: 'plus', min: -0.015, max: 0.02 };
    case 'demand.utilization':
      return { kind: 'times', dist: 'pert', min: 0.75, max: 1.15 };
    case 'demand.tokensPerYear':
      return { kind: 'times', dist: 'triangular', min: 0.5, max: 1.5 };
    case PAID_SHARE:
      return { kind: 'times', dist: 'triangular', min: 0.85, max: 1.1 };
    case 'fleet.capexPerAccelerator':
      return { kind: 'times', dist: 'triangular', min: 0.9, max: 1.25 };
    case 'fleet.rentPerAcceleratorHour':
      return { kind: 'times', dist: 'triangular', min: 0.85, max: 1.2 };
    case 'site.power.pricePerMWh':
      return { kind: 'times', dist: 'triangular', min: 0.8, max: 1.4 };
    case 'site.facility.leasePerKWMonth':
      return { kind: 'times', dist: 'triangular', min: 0.9, max: 1.25 };
    case 'fleet.usefulLifeYears':
      return { kind: 'life' };
    case 'serving.softwareGainPerYear':
      return { kind: 'plus', min: -0.1, max: 0.1 };
    case 'finance.wacc':
      return { kind: 'plus', min: -0.02, max: 0.03 };
    case 'finance.debt.rate':
      return { kind: 'plus', min: -0.01, max: 0.03 };
    default:
      return { kind: 'times', dist: 'triangular', min: 1 - DEFAULT_SWING, max: 1 + DEFAULT_SWING };
  }
}

// six significant digits, rounded inwards so a bound stays inside the valid range
const roundDown = (x: number): number => {
  const r = Number(x.toPrecision(6));
  return r > x ? Number((x - Math.abs(x) * 1e-6).toPrecision(6)) : r;
};
const roundUp = (x: number): number => -roundDown(-x);
const tidy = (x: number): number => Number(x.toPrecision(12));

/** One driver's default distribution, or undefined when its range is empty (a value at a bound it cannot leave). */
function specFor(d: Driver, shape: Shape): DistributionSpec | undefined {
  const b = d.base;
  if (shape.kind === 'life') {
    const values = [b - 1, b, b + 1].filter((v) => v >= d.lo && v <= d.hi);
    if (values.length < 2) return undefined;
    return { dist: 'discrete', values, weights: values.map((v) => (v === b ? 2 : 1)) };
  }
  if (d.mode === 'scale') {
    // a Series given year by year: a multiplier of its path, inside the multipliers that keep every year valid
    const mLo = d.lo / b;
    const mHi = d.hi / b;
    const min = roundUp(Math.max(shape.kind === 'times' ? shape.min : 1 + shape.min / b, mLo));
    const max = roundDown(Math.min(shape.kind === 'times' ? shape.max : 1 + shape.max / b, mHi));
    if (!(min < max) || min > 1 || max < 1) return undefined;
    return { dist: shape.kind === 'times' ? shape.dist : 'triangular', min, mode: 1, max, scale: true };
  }
  let lo: number;
  let hi: number;
  if (shape.kind === 'times') {
    if (b === 0) return undefined;
    lo = b * shape.min;
    hi = b * shape.max;
  } else {
    lo = tidy(b + shape.min);
    hi = tidy(b + shape.max);
  }
  const min = roundUp(Math.max(Math.min(lo, hi), d.lo));
  const max = roundDown(Math.min(Math.max(lo, hi), d.hi));
  if (!(min < max) || min > b || max < b) return undefined;
  const dist = shape.kind === 'times' ? shape.dist : 'triangular';
  if (d.integer) {
    const values = [Math.ceil(min), b, Math.floor(max)].filter((v, i, a) => a.indexOf(v) === i);
    return values.length < 2 ? undefined : { dist: 'discrete', values, weights: values.map((v) => (v === b ? 2 : 1)) };
  }
  return { dist, min, mode: Math.min(max, Math.max(min, tidy(b))), max };
}

/**
 * The default uncertainty of a scenario: a distribution on each default
 * driver of MODEL.md §5 it has (utilization or tokens demanded, each cash
 * segment's price and yearly change, the paid share, capex or compute rent,
 * power price, useful life, software gain, wacc) and on its lease rate and
 * debt rate, with the ranges of the table above, by path.
 *
 * @example
 * defaultUncertainty(neocloud)['site.power.pricePerMWh']; // { dist: 'triangular', min: 64, mode: 80, max: 112 }
 * defaultUncertainty(neocloud)['demand.utilization'];     // { dist: 'pert', min: 0.75, mode: 1, max: 1.13636, scale: true }
 */
export function defaultUncertainty(scenario: Scenario): Record<string, DistributionSpec> {
  const out: Record<string, DistributionSpec> = {};
  const paths = [...defaultDriverPaths(scenario), ...EXTRA_PATHS.filter((p) => checkInputPath(scenario, p) === null)];
  for (const path of paths) {
    let d: Driver;
    try {
      d = makeDriver(scenario, path);
    } catch {
      continue;
    }
    if (out[d.path] !== undefined) continue;
    const spec = specFor(d, shapeOf(d.path));
    if (spec !== undefined) out[d.path] = spec;
  }
  return out;
}

/**
 * The distributions a Monte Carlo of this scenario samples unless told
 * otherwise: its own `uncertainty:` block when it has one (not empty), else
 * `defaultUncertainty`.
 *
 * @example
 * effectiveUncertainty(neocloud).origin; // 'default' (no block of its own)
 */
export function effectiveUncertainty(scenario: Scenario): { origin: UncertaintyOrigin; distributions: Record<string, DistributionSpec> } {
  const own = scenario.uncertainty ?? {};
  if (Object.keys(own).length > 0) return { origin: 'scenario', distributions: own };
  return { origin: 'default', distributions: defaultUncertainty(scenario) };
}

/**
 * The scenario as every surface hands it to the Monte Carlo: with its own
 * uncertainty block, or with the default one put in its place. Options such
 * as `--dist` then add to or replace entries of it.
 *
 * @example
 * monteCarlo(withEffectiveUncertainty(neocloud), { n: 10_000, seed: 42 }).summary.probabilities.npvAtLeastZero;
 */
export function withEffectiveUncertainty<S extends Scenario>(scenario: S): S {
  const e = effectiveUncertainty(scenario);
  return e.origin === 'scenario' ? scenario : { ...scenario, uncertainty: e.distributions };
}

/** One sentence for people: where the run's distributions come from. */
export function uncertaintyOriginText(origin: UncertaintyOrigin): string {
  return origin === 'scenario'
    ? "Distributions: the scenario's uncertainty block."
    : 'The scenario has no uncertainty block, so its default uncertainty is sampled (src/analysis/default-uncertainty.ts): utilization × pert(0.75, 1, 1.15); each price × triangular(0.7, 1, 1.2) and its yearly change −10 to +5 points; the paid share × (0.85, 1, 1.1); capex × (0.9, 1, 1.25); compute rent × (0.85, 1, 1.2); power × (0.8, 1, 1.4); lease × (0.9, 1, 1.25); useful life ±1 year; software gain ±10 points; wacc −2 to +3 points; a debt rate (or a tranche rate or spread) −1 to +3 points; the base rate −1.5 to +2 points; each clipped to its valid range. Add an uncertainty block to use your own.';
}

/**
 * What to hand `monteCarlo` as its `distributions` for this scenario (none
 * when it has its own block, which the Monte Carlo reads itself; else the
 * default), whether it has its own, and the sentence that says so.
 *
 * @example
 * monteCarlo(s, { n, seed, distributions: uncertaintyFor(s).distributions });
 */
export function uncertaintyFor(s: Scenario): { distributions: Record<string, DistributionSpec>; own: boolean; origin: string } {
  const e = effectiveUncertainty(s);
  const own = e.origin === 'scenario';
  return { distributions: own ? {} : e.distributions, own, origin: uncertaintyOriginText(e.origin) };
}
