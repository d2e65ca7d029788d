/**
 * The uncertain inputs of a scenario as the Monte Carlo sees them, for the
 * analyses that reason about them one by one (the eight conditions, the
 * design point): the run is planned by `prepareMonteCarlo` (the same paths,
 * distributions, truncation to the valid range, correlation checks and
 * issues), and each input keeps its sampler, whose inverse CDF gives its
 * quantiles. Values go into a scenario with `setInput`, as a sample's do.
 */
import type { Issue } from '../model/issues.ts';
import type { Scenario } from '../model/schema.ts';
import { normalScoreCorrelation, type CorrelationSpec } from './correlation.ts';
import type { DistributionSpec, Sampler } from './distributions.ts';
import { prepareMonteCarlo } from './monte-carlo.ts';
import { inputInfo, setInput, type InputKind, type SetMode } from './paths.ts';

/** What decides the uncertain inputs: the scenario's `uncertainty:` block plus these, as `monteCarlo` takes them. */
export interface UncertaintyOptions {
  /** distributions by path, added to (or replacing those of) the scenario's `uncertainty:` block */
  distributions?: Readonly<Record<string, DistributionSpec>>;
  /** the rank-correlation matrix, replacing the scenario's `correlation:` block (null: none) */
  correlation?: CorrelationSpec | null;
}

/** One input with a distribution. */
export interface UncertainInput {
  /** its position among the Monte Carlo's drivers (and sample columns) */
  index: number;
  path: string;
  label: string;
  unit: string;
  /** what it measures (for formatting) and whether it is a whole number */
  kind: InputKind;
  integer: boolean;
  spec: DistributionSpec;
  /** `set`: a draw is the input's value; `scale`: it multiplies the base value (every year of a Series) */
  mode: SetMode;
  sampler: Sampler;
  /** every draw the same value (a `fixed` distribution, or one value of a discrete) */
  constant: boolean;
  /** draws take a few values only (a `discrete` distribution, or a whole-number input) */
  discrete: boolean;
  /** the draw at probability 0.5 */
  median: number;
}

/** The uncertain inputs of a scenario and the correlation among them. */
export interface UncertainSpace {
  scenario: Scenario;
  /** every input with a distribution, in the Monte Carlo's order */
  inputs: UncertainInput[];
  /** the correlation, as the Gaussian copula of Iman–Conover's target: indexes into `inputs`, and the normal-score matrix 2·sin(π·ρ/6) */
  correlation: { indexes: number[]; normalScore: number[][] } | null;
}

/**
 * Plan the uncertain inputs of a scenario: every problem at once (as
 * `prepareMonteCarlo` finds them: paths, distributions, a correlation matrix
 * that is not positive definite, no uncertain input at all), or the space.
 *
 * @example
 * const r = prepareUncertainSpace(s, { distributions: { 'finance.wacc': { dist: 'normal', mean: 0.1, sd: 0.01 } } });
 * if (r.ok) r.space.inputs.map((x) => [x.path, x.median]);
 */
export function prepareUncertainSpace(scenario: Scenario, options: UncertaintyOptions = {}): { ok: true; space: UncertainSpace } | { ok: false; issues: Issue[] } {
  const prepared = prepareMonteCarlo(scenario, {
    n: 1,
    ...(options.distributions !== undefined && { distributions: options.distributions }),
    ...(options.correlation !== undefined && { correlation: options.correlation }),
  });
  if (!prepared.ok) return prepared;
  const { plan } = prepared;
  const inputs: UncertainInput[] = plan.drivers.map((d, index) => ({
    index,
    path: d.path,
    label: d.label,
    unit: d.unit,
    kind: inputInfo(scenario, d.path).kind,
    integer: d.range.integer,
    spec: d.spec,
    mode: d.mode,
    sampler: d.sampler,
    constant: d.sampler.constant,
    discrete: d.spec.dist === 'discrete' || d.range.integer,
    median: d.sampler.quantile(0.5),
  }));
  if (inputs.every((x) => x.constant)) {
    return {
      ok: false,
      issues: [
        {
          path: 'uncertainty',
          message: `no uncertain inputs: every distribution is a single value (${inputs.map((x) => x.path).join(', ')}); give at least one input a spread`,
          code: 'no_uncertainty',
        },
      ],
    };
  }
  let correlation: UncertainSpace['correlation'] = null;
  if (plan.correlation !== null) {
    const m = plan.correlation.spec.matrix;
    correlation = { indexes: plan.correlation.indexes, normalScore: m.map((row, i) => row.map((v, j) => (i === j ? 1 : normalScoreCorrelation(v)))) };
  }
  return { ok: true, space: { scenario, inputs, correlation } };
}

/**
 * The scenario with some uncertain inputs at the given values (a multiplier
 * for a `scale` input), in the Monte Carlo's order, each by `setInput`.
 *
 * @example
 * applyValues(space, new Map([[0, 0.9], [3, 52_000]]));
 */
export function applyValues(space: UncertainSpace, values: ReadonlyMap<number, number>): Scenario {
  let s = space.scenario;
  for (const x of space.inputs) {
    const v = values.get(x.index);
    if (v !== undefined) s = setInput(s, x.path, v, x.mode);
  }
  return s;
}

/** The values a discrete input takes and the probability of each, read off its inverse CDF. */
export interface DiscreteSupport {
  values: number[];
  probabilities: number[];
}

/** A discrete input with more values than this is not enumerated. */
export const MAX_DISCRETE_VALUES = 60;

/**
 * The values of a discrete input with their probabilities, found from the
 * sampler's inverse CDF alone (the edge of each step by bisection in u, to
 * 2⁻⁶⁰); null when it takes more than `MAX_DISCRETE_VALUES` values.
 *
 * @example
 * discreteSupport(lifeInput); // { values: [4, 5, 6], probabilities: [0.25, 0.5, 0.25] }
 */
export function discreteSupport(input: UncertainInput): DiscreteSupport | null {
  const q = (u: number): number => input.sampler.quantile(u);
  const values: number[] = [];
  const probabilities: number[] = [];
  let uLo = 0;
  while (uLo < 1) {
    const v = q(uLo === 0 ? Number.MIN_VALUE : uLo + Number.EPSILON);
    // where the step of v ends: q(a) ≤ v < q(b)
    let uHi = 1;
    if (q(1) !== v) {
      let a = uLo;
      let b = 1;
      for (let k = 0; k < 60; k++) {
        const m = (a + b) / 2;
        if (q(m) <= v) a = m;
        else b = m;
      }
      uHi = b;
    }
    values.push(v);
    probabilities.push(uHi - uLo);
    if (values.length > MAX_DISCRETE_VALUES) return null;
    if (uHi >= 1) break;
    uLo = uHi;
  }
  return { values, probabilities };
}
