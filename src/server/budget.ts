/**
 * The compute budget of the server: what a request would cost, worked out
 * from the shape of its scenario before anything is allocated, and refused
 * (422, `compute_budget`) past the server's limits. The loader's bounds
 * (MODEL.md §2) keep any one scenario small; a server adds its own limits on
 * top, because a request multiplies a scenario (Monte Carlo samples, grid
 * cells, drivers) and several run at once.
 *
 * The estimates are deliberately simple and on the generous side of this
 * machine's speed (a fast machine should not be refused what it can do);
 * they decide two things: refuse, and run here or in a worker.
 * `test/budget.test.ts` holds the memory estimate of Monte Carlo to what
 * `prepareMonteCarlo` really allocates, so the two cannot drift apart.
 */
import { DEFAULT_CHUNK_SIZE } from '../analysis/monte-carlo.ts';
import { MAX_SEGMENTS, MAX_YEARS } from '../model/bounds.ts';
import type { Issue } from '../model/issues.ts';
import type { Scenario } from '../model/schema.ts';
import { makeLayout } from '../model/slots.ts';
import type { ServerLimits } from './app.ts';
import { HttpError } from './http.ts';

/** The shape of a scenario as far as cost goes. */
export interface Workload {
  segments: number;
  /** the longest run of years the engine keeps a value for: the horizon, and every committed or accounting term */
  years: number;
  /**
   * Copies of the factory evaluated together: 1 today. HOOK: portfolios
   * (MODEL.md §8) multiply every cost by their vintages; set it here from
   * the portfolio's vintage count when they exist.
   */
  vintages: number;
}

/** A cost: bytes held at once, and milliseconds of one core. */
export interface Estimate {
  bytes: number;
  millis: number;
}

// Costs measured on the development machine (a 2020s x86 core, Node 20, the v2 engine) and halved:
// a request is refused only when even an idle core twice as fast could not finish it in the budget.
/** One model evaluation: fixed part, ms. */
const EVAL_FIXED_MS = 0.04;
/** One model evaluation: per segment-year, ms (the yearly rows of every segment). */
const EVAL_MS_PER_CELL = 0.0005;
/** Bytes one evaluation holds per segment-year (its rows), and for the JSON of a result. */
const EVAL_BYTES_PER_CELL = 1_500;
/** Monte Carlo, per sample: fixed, per year, per segment-year, ns (measured 8.2 µs, 0.92 µs, 81 ns). */
const MC_NS_PER_SAMPLE = 4_000;
const MC_NS_PER_SAMPLE_YEAR = 450;
const MC_NS_PER_SAMPLE_CELL = 40;
/** Columns of a sample the summary keeps per input and per metric, and the sorting scratch beside them. */
const MC_METRIC_COLUMNS = 16;
const MC_SORT_COPIES = 3;

/**
 * The workload of a scenario: its segments and the longest run of years any
 * line of the engine is computed over.
 *
 * @example
 * workloadOf(neocloud) // { segments: 2, years: 12, vintages: 1 }: the 12-year lease outlasts the 6-year horizon
 */
export function workloadOf(s: Scenario): Workload {
  return { segments: s.demand.segments.length, years: longestTerm(s).years, vintages: 1 };
}

/** The debt's terms by path: the single object's, or each tranche's (MODEL.md §9). */
function debtTerms(debt: Scenario['finance']['debt']): [string, number | undefined][] {
  if (debt === undefined) return [];
  if (!Array.isArray(debt)) return [['finance.debt.termYears', debt.termYears]];
  return debt.map((tr, i) => [`finance.debt[${tr.id ?? i}].termYears`, tr.termYears]);
}

/** The longest run of years in a scenario and the path that sets it. */
function longestTerm(s: Scenario): { years: number; path: string } {
  const site = s.site as { facility: { termYears?: number; lifeYears?: number } };
  const fleet = s.fleet as { rentTermYears?: number; usefulLifeYears?: number; depreciationYears?: number };
  const terms: [string, number | undefined][] = [
    ['horizon.years', s.horizon.years],
    ['site.facility.termYears', site.facility.termYears],
    ['site.facility.lifeYears', site.facility.lifeYears],
    ['fleet.rentTermYears', fleet.rentTermYears],
    ['fleet.usefulLifeYears', fleet.usefulLifeYears],
    ['fleet.depreciationYears', fleet.depreciationYears],
    ...debtTerms(s.finance.debt),
  ];
  let best = { years: 1, path: 'horizon.years' };
  for (const [path, y] of terms) if (typeof y === 'number' && Number.isFinite(y) && y > best.years) best = { years: y, path };
  return best;
}

/** Segment-years of a workload (plus one line a year for the factory itself), times its vintages. */
export const cellsOf = (w: Workload): number => w.vintages * w.years * (w.segments + 1);

/** `evaluations` runs of the single-scenario model. */
export function evaluationCost(w: Workload, evaluations: number): Estimate {
  const cells = cellsOf(w);
  return { bytes: cells * EVAL_BYTES_PER_CELL, millis: evaluations * (EVAL_FIXED_MS + cells * EVAL_MS_PER_CELL) };
}

/**
 * Slots of the Monte Carlo block engine for a horizon of `T` years and
 * `segments` segments: one per scalar input, one per year of each Series
 * (the engine's own layout). Each holds a chunk of samples.
 */
export const monteCarloSlots = (T: number, segments: number): number => makeLayout(T, segments).count;

/** A Monte Carlo run of `n` samples with `inputs` uncertain inputs. */
export function monteCarloCost(s: Scenario, w: Workload, n: number, inputs: number): Estimate {
  const T = s.horizon.years;
  const chunk = Math.max(1, Math.min(DEFAULT_CHUNK_SIZE, n));
  // the slots and the block's own columns (a few per year, two per segment), one chunk deep
  const block = (monteCarloSlots(T, w.segments) + 5 * (T + 1) + 2 * w.segments + 40) * chunk * 8;
  // every sample's inputs and metrics, gathered, and what sorting them for the summary takes
  const gathered = (inputs + MC_METRIC_COLUMNS) * n * 8 * MC_SORT_COPIES;
  const perSampleNs = MC_NS_PER_SAMPLE + T * MC_NS_PER_SAMPLE_YEAR + T * w.segments * MC_NS_PER_SAMPLE_CELL;
  return { bytes: w.vintages * (block + gathered), millis: (w.vintages * n * perSampleNs) / 1e6 };
}

/** The largest scenario a server evaluates unless told otherwise: 100 segments over 50 years (MODEL.md §2's bounds). */
export const DEFAULT_SCENARIO_CELLS = MAX_YEARS * (MAX_SEGMENTS + 1);
/** The memory one job may be estimated to hold unless told otherwise. */
export const DEFAULT_JOB_BYTES = 2 ** 30;

/** The budget of one job under a server's limits (defaults filled). */
export function budgetOf(limits: Pick<ServerLimits, 'scenarioCells' | 'jobBytes' | 'mcMillis' | 'refuseMillis'>): BudgetLimits {
  return {
    scenarioCells: limits.scenarioCells ?? DEFAULT_SCENARIO_CELLS,
    jobBytes: limits.jobBytes ?? DEFAULT_JOB_BYTES,
    jobMillis: limits.refuseMillis ?? limits.mcMillis,
  };
}

/** The limits the budget holds requests to. */
export interface BudgetLimits {
  /** segment-years (× vintages) of the largest scenario evaluated */
  scenarioCells: number;
  /** bytes one job may be estimated to hold */
  jobBytes: number;
  /** ms one job may be estimated to take (its time budget, unless the limits say otherwise) */
  jobMillis: number;
}

const mb = (bytes: number): string => `${Math.ceil(bytes / 2 ** 20).toLocaleString('en-US')} MB`;
const seconds = (ms: number): string => `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: ms < 10_000 ? 1 : 0 })} s`;

function refuse(error: string, issue: Issue): never {
  throw new HttpError(422, error, [{ ...issue, code: 'compute_budget' }]);
}

/**
 * Refuse a scenario larger than the server evaluates. Past the loader's
 * bounds this is what stops a scenario whose terms or segments would make
 * one evaluation huge.
 */
export function checkScenario(s: Scenario, limits: BudgetLimits, at = ''): void {
  const issue = scenarioTooLarge(s, limits.scenarioCells);
  if (issue !== null) refuseScenario(issue, at);
}

/** Refuse a scenario with the issue `scenarioTooLarge` gave (placed at `at`, where the request named it). */
export function refuseScenario(issue: Issue, at = ''): never {
  refuse(TOO_LARGE, { ...issue, path: at === '' ? issue.path : `${at}.${issue.path}` });
}

const TOO_LARGE = 'the scenario is larger than this server evaluates';

/** The issue of a scenario larger than `maxCells` segment-years, or null. Plain data: a worker that loaded it says so without sending it back. */
export function scenarioTooLarge(s: Scenario, maxCells: number): Issue | null {
  const w = workloadOf(s);
  const cells = cellsOf(w);
  if (cells <= maxCells) return null;
  const longest = longestTerm(s);
  // point at what makes it large: a term far past the horizon, else the segments
  const path = longest.path !== 'horizon.years' && longest.years > 2 * s.horizon.years ? longest.path : w.segments > MAX_SEGMENTS ? 'demand.segments' : longest.path;
  return {
    path,
    message:
      `${w.segments.toLocaleString('en-US')} segments over ${w.years.toLocaleString('en-US')} years` +
      `${w.years > s.horizon.years ? ` (${longest.path})` : ''} is ${cells.toLocaleString('en-US')} segment-years; ` +
      `this server evaluates at most ${maxCells.toLocaleString('en-US')} (limits.scenarioCells)`,
    code: 'compute_budget',
  };
}

/** Refuse a job whose estimate is past the memory or the time of one job. `what` names it; `path` is where to point. */
export function checkEstimate(e: Estimate, limits: BudgetLimits, what: string, path: string, advice: string): void {
  if (e.bytes > limits.jobBytes) {
    refuse(`${what} would need more memory than this server gives one job`, {
      path,
      message: `about ${mb(e.bytes)}, over the limit of ${mb(limits.jobBytes)} (limits.jobBytes); ${advice}`,
    });
  }
  if (e.millis > limits.jobMillis) {
    refuse(`${what} would run past its time budget`, {
      path,
      message: `about ${seconds(e.millis)} at the least, over the budget of ${seconds(limits.jobMillis)} (limits.mcMillis); ${advice}`,
    });
  }
}
