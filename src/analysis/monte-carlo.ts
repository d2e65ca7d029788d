/**
 * Monte Carlo over a scenario's `uncertainty:` block (MODEL.md §5): sample
 * the uncertain inputs (plain or Latin hypercube, with an optional rank
 * correlation induced by Iman–Conover), evaluate the summary metrics with the
 * columnar engine, and summarize: statistics, probabilities, the IRR's shape,
 * driver importance.
 *
 * Reproducibility: the n samples are cut into chunks of at most `chunkSize`
 * (the same cut for any number of workers); chunk k draws from its own
 * stream `stream(seed, k)`, is its own Latin hypercube, and gets its own
 * Iman–Conover reordering. The summary is computed from all samples in
 * sample order, so whoever evaluates the chunks — this single thread, or
 * workers (`src/io/mc-workers.ts`) — the result is the same to the bit.
 */
import type { Issue } from '../model/issues.ts';
import { isPortfolio } from '../model/portfolio-kind.ts';
import { type BlockOutput, ColumnarModel, IRR_NONE, IRR_SEVERAL, MC_METRICS, newBlockOutput, type McMetric } from './columnar.ts';
import {
  compileDistribution,
  describeDistribution,
  type DistributionSpec,
  formatRange,
  type Sampler,
  uncertaintyIssuePath,
  validateDistribution,
  type ValueRange,
} from './distributions.ts';
import { imanConover, prepareImanConover, type CorrelationSpec, type ImanConover, validateCorrelation } from './correlation.ts';
import { AnalysisInputError, checkInputPath, inputInfo, PAID_SHARE, type InputInfo, type Subject } from './paths.ts';
import { PortfolioColumnarModel, type PortfolioSlotTarget } from './portfolio-columnar.ts';
import { isValidSeed, stream } from './rng.ts';
import {
  centeredRanks,
  type ColumnStats,
  correlationFromSums,
  EXACT_RANK_SUMS,
  HISTOGRAM_BINS,
  type Ranked,
  rankDot,
  rankDots,
  releaseSortScratch,
  sortColumn,
  statsOfSorted,
  subsetCenteredRanks,
  subsetRankDot,
} from './statistics.ts';

/** Samples of a run unless told otherwise. */
export const DEFAULT_SAMPLES = 100_000;
/** The seed of a run unless told otherwise. */
export const DEFAULT_SEED = 42;
/** Samples per chunk: each chunk has its own random stream, hypercube and correlation reordering. */
export const DEFAULT_CHUNK_SIZE = 4096;
/** Keeping every sample's inputs and metrics in memory bounds a run. */
export const MAX_SAMPLES = 2_000_000;

/** How to run. Everything is plain data, so it can be sent to a worker as is. */
export interface MonteCarloOptions {
  /** samples (default 100,000) */
  n?: number;
  /** a whole number in [0, 2^53) (default 42) */
  seed?: number;
  /** Latin hypercube instead of plain Monte Carlo (default false) */
  lhs?: boolean;
  /** distributions by path, added to (or replacing those of) the scenario's `uncertainty:` block */
  distributions?: Readonly<Record<string, DistributionSpec>>;
  /** the rank-correlation matrix, replacing the scenario's `correlation:` block (null: none) */
  correlation?: CorrelationSpec | null;
  /** return every sample's inputs and metrics as columns (default false) */
  keepSamples?: boolean;
  /** samples per chunk (default 4096); part of what makes a run reproducible */
  chunkSize?: number;
  /** histogram bins (default 20) */
  bins?: number;
}

/** One uncertain input of a run. */
export interface McDriver {
  /** the input's path as written in the uncertainty block (or --dist) */
  key: string;
  /** canonical path */
  path: string;
  label: string;
  unit: string;
  spec: DistributionSpec;
  /** `set`: the sample is the input's value; `scale`: it multiplies the base value (every year of a series) */
  mode: 'set' | 'scale';
  /** the valid range of the sample (of the multiplier, when scaling) */
  range: ValueRange;
  sampler: Sampler;
  /** slots of the columnar model it writes, or 'paidShare' */
  slots: number[] | 'paidShare';
  /** a portfolio's common shock (MODEL.md §8): each slot written as `a + c · sample` (rounded for whole numbers) */
  affine?: PortfolioSlotTarget['affine'];
  /** a portfolio's `perVintage` draw of the paid share: the one vintage it moves */
  paidShareOf?: number;
}

export interface MonteCarloPlan {
  /** a scenario, or a portfolio (MODEL.md §8) */
  scenario: Subject;
  n: number;
  seed: number;
  lhs: boolean;
  chunkSize: number;
  bins: number;
  /** [start, size) of each chunk, in sample order */
  chunks: { start: number; size: number }[];
  drivers: McDriver[];
  correlation: { spec: CorrelationSpec; ic: ImanConover; indexes: number[] } | null;
  model: ColumnarModel | PortfolioColumnarModel;
  slots: Float64Array[];
  touched: number[];
  /** the paid share may be worked out for year 1 and copied: the shares are the same every year and nothing else moves them */
  paidShareOnce: boolean;
}

/** What one chunk gives: its samples' inputs and metrics (NaN = no value) and flags. */
export interface ChunkResult {
  index: number;
  start: number;
  size: number;
  /** one column per driver: the sampled value (the multiplier, when scaling) */
  inputs: Float64Array[];
  /** one column per metric of MC_METRICS */
  metrics: Float64Array[];
  irrRoots: Uint8Array;
  equityIrrRoots: Uint8Array;
  irrAtLeastWacc: Uint8Array;
  paybackWithinLife: Uint8Array;
  /** false when the chunk was too small for Iman–Conover (its samples are uncorrelated) */
  correlated: boolean;
}

/** A driver's rank correlation with a metric and its share of the explained variance. */
export interface Importance {
  path: string;
  spearman: number;
  /** ρ² / Σρ² over the drivers: a share of the rank-explained variance (approximate when drivers are correlated) */
  contribution: number;
}

export interface McDriverSummary {
  path: string;
  label: string;
  unit: string;
  distribution: DistributionSpec;
  description: string;
  mode: 'set' | 'scale';
  range: { min: number; max: number };
  /** the probability the distribution puts in the valid range before truncation */
  keptMass: number;
  mean: number | null;
  sd: number | null;
  p5: number | null;
  p50: number | null;
  p95: number | null;
}

/** The summary of a run: what `payback mc --json` prints. */
export interface McSummary {
  scenario: { id: string; name: string };
  n: number;
  seed: number;
  sampling: 'monte-carlo' | 'latin-hypercube';
  chunkSize: number;
  drivers: McDriverSummary[];
  correlation: { paths: string[]; target: number[][]; achieved: (number | null)[][] } | null;
  metrics: Record<McMetric, ColumnStats>;
  probabilities: {
    /** P(npv ≥ 0) */
    npvAtLeastZero: number;
    /** P(the project has an IRR and it is ≥ its wacc); null when no sample has an IRR */
    irrAtLeastWacc: number | null;
    /** P(pays back within its life); see `definitions.paybackWithinLife` */
    paybackWithinLife: number;
  };
  /** share of samples whose flows have no IRR in (−99 %, 1000 %), or several */
  irrShape: { irr: { none: number; several: number }; equityIrr: { none: number; several: number } };
  /** per metric, the drivers by |Spearman ρ|, largest first */
  importance: Record<McMetric, Importance[]>;
  definitions: { irrAtLeastWacc: string; paybackWithinLife: string; importance: string; percentiles: string };
  warnings: { code: string; message: string }[];
}

/** Every sample's inputs and metrics, in sample order; NaN = no value. */
export interface McSamples {
  inputs: { path: string; mode: 'set' | 'scale'; values: Float64Array }[];
  metrics: Record<McMetric, Float64Array>;
}

export interface McResult {
  summary: McSummary;
  samples?: McSamples;
}

// ---------------------------------------------------------------------------
// Planning

/** The sample range of a multiplier that keeps every base value in [min, max]. */
export function multiplierRange(values: readonly number[], r: ValueRange): ValueRange {
  let lo = -Infinity;
  let hi = Infinity;
  for (const v of values) {
    if (v > 0) {
      lo = Math.max(lo, r.min / v);
      hi = Math.min(hi, r.max / v);
    } else if (v < 0) {
      lo = Math.max(lo, r.max / v);
      hi = Math.min(hi, r.min / v);
    }
  }
  // rounding must not take a product past a bound
  const ok = (m: number): boolean => values.every((v) => v * m >= r.min && v * m <= r.max);
  for (let k = 0; k < 64 && Number.isFinite(hi) && !ok(hi); k++) hi -= Math.abs(hi) * Number.EPSILON + Number.MIN_VALUE;
  for (let k = 0; k < 64 && Number.isFinite(lo) && !ok(lo); k++) lo += Math.abs(lo) * Number.EPSILON + Number.MIN_VALUE;
  return { min: lo, max: hi, minExclusive: false, maxExclusive: false, integer: false };
}

/** Chunk boundaries: K = ⌈n / chunkSize⌉ chunks of near-equal size, the same for any number of workers. */
export function chunkBounds(n: number, chunkSize: number): { start: number; size: number }[] {
  const K = Math.max(1, Math.ceil(n / chunkSize));
  const out: { start: number; size: number }[] = [];
  for (let k = 0; k < K; k++) {
    const a = Math.floor((k * n) / K);
    const b = Math.floor(((k + 1) * n) / K);
    out.push({ start: a, size: b - a });
  }
  return out;
}

/**
 * Check a run and make it ready: every problem at once (the options, each
 * uncertain input's path and distribution, the correlation block), or the plan.
 */
export function prepareMonteCarlo(scenario: Subject, options: MonteCarloOptions = {}): { ok: true; plan: MonteCarloPlan } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const n = options.n ?? DEFAULT_SAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const bins = options.bins ?? HISTOGRAM_BINS;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_SAMPLES) issues.push({ path: 'n', message: `samples must be a whole number in [1, ${MAX_SAMPLES.toLocaleString('en-US')}], got ${n}`, code: 'invalid_option' });
  if (!isValidSeed(seed)) issues.push({ path: 'seed', message: `the seed must be a whole number in [0, 2^53), got ${seed}`, code: 'invalid_option' });
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 16) issues.push({ path: 'chunkSize', message: `the chunk size must be a whole number ≥ 16, got ${chunkSize}`, code: 'invalid_option' });
  if (!Number.isSafeInteger(bins) || bins < 1 || bins > 1000) issues.push({ path: 'bins', message: `histogram bins must be a whole number in [1, 1000], got ${bins}`, code: 'invalid_option' });

  // the uncertainty block, then the overrides (same path: replaced in place)
  const entries: { key: string; spec: DistributionSpec }[] = [];
  const canonical = (key: string): string => (checkInputPath(scenario, key) === null ? inputInfo(scenario, key).path : key);
  for (const [key, spec] of Object.entries(scenario.uncertainty ?? {})) entries.push({ key, spec });
  for (const [key, spec] of Object.entries(options.distributions ?? {})) {
    const at = entries.findIndex((e) => canonical(e.key) === canonical(key));
    if (at >= 0) entries[at] = { key, spec };
    else entries.push({ key, spec });
  }
  if (entries.length === 0) {
    issues.push({
      path: 'uncertainty',
      message: "no uncertain inputs: add an uncertainty: block to the scenario (MODEL.md §2) or give --dist 'PATH=DIST:PARAMS'",
      code: 'no_uncertainty',
    });
  }

  const capacity = Math.max(1, Math.min(chunkSize, n));
  const model = isPortfolio(scenario) ? new PortfolioColumnarModel(scenario, capacity) : new ColumnarModel(scenario, capacity);
  const drivers: McDriver[] = [];
  const seen = new Map<string, string>();
  for (const { key, spec: given } of entries) {
    const bad = checkInputPath(scenario, key);
    if (bad !== null) {
      issues.push({ path: uncertaintyIssuePath(key), message: `${key}: ${bad.message}`, code: bad.code ?? 'unknown_path' });
      continue;
    }
    // a portfolio's entry may draw each vintage on its own (MODEL.md §8); the distribution itself is a scenario's
    const perVintage = (given as { perVintage?: boolean }).perVintage === true;
    const spec: DistributionSpec = perVintage || 'perVintage' in given ? { ...given, perVintage: undefined } as DistributionSpec : given;
    const info: InputInfo = inputInfo(scenario, key);
    const path = info.path;
    const twin = seen.get(path);
    if (twin !== undefined) {
      issues.push({ path: uncertaintyIssuePath(key), message: `the same input as "${twin}": give each input one distribution`, code: 'duplicate_path' });
      continue;
    }
    seen.set(path, key);
    let slots: number[] | 'paidShare';
    let affine: McDriver['affine'];
    if (path === PAID_SHARE) slots = 'paidShare';
    else {
      const target = model.target(path);
      if (target === undefined) {
        issues.push({
          path: uncertaintyIssuePath(key),
          message: path === 'horizon.years' ? 'the horizon cannot vary within a Monte Carlo run (it sets the length of every sample)' : `${path} cannot vary in a Monte Carlo run`,
          code: 'unsupported_path',
        });
        continue;
      }
      slots = target.slots;
      affine = (target as PortfolioSlotTarget).affine;
    }
    const valueRange: ValueRange = { min: info.min, max: info.max, minExclusive: false, maxExclusive: false, integer: info.integer };
    const scale = spec.scale === true;
    const baseValues = info.allValues ?? (typeof info.value === 'number' ? [info.value] : info.value);
    if (scale && baseValues.every((v) => v === 0)) {
      issues.push({ path: uncertaintyIssuePath(key, 'scale'), message: `${path} is 0 in this scenario: scaling it changes nothing; give its values instead (drop scale)`, code: 'invalid_distribution' });
      continue;
    }
    const range = scale ? multiplierRange(baseValues, valueRange) : valueRange;
    const problems = validateDistribution(key, spec, range);
    if (problems.length > 0) {
      issues.push(...problems);
      continue;
    }
    if (!perVintage) {
      drivers.push({ key, path, label: info.label, unit: info.unit, spec, mode: scale ? 'scale' : 'set', range, sampler: compileDistribution(spec, range), slots, ...(affine !== undefined && { affine }) });
      continue;
    }
    const each = model instanceof PortfolioColumnarModel ? model.vintagesOf(path) : [];
    if (each.length === 0) {
      issues.push({ path: uncertaintyIssuePath(key, 'perVintage'), message: `perVintage draws each vintage on its own: it applies to a portfolio's input on every vintage, and ${path} is not one`, code: 'invalid_distribution' });
      continue;
    }
    for (const v of each) {
      const target = slots === 'paidShare' ? undefined : (model as PortfolioColumnarModel).target(path, v.index);
      drivers.push({
        key: `vintages[${v.id}].${key}`,
        path: `vintages[${v.id}].${path}`,
        label: `Vintage ${v.id}: ${info.label}`,
        unit: info.unit,
        spec,
        mode: scale ? 'scale' : 'set',
        range,
        sampler: compileDistribution(spec, range),
        slots: target === undefined ? 'paidShare' : target.slots,
        ...(target?.affine !== undefined && { affine: target.affine }),
        ...(target === undefined && { paidShareOf: v.index }),
      });
    }
  }

  let correlation: MonteCarloPlan['correlation'] = null;
  const corrSpec = options.correlation !== undefined ? options.correlation : (scenario.correlation ?? null);
  if (corrSpec !== null) {
    const paths = corrSpec.paths.map((p) => (checkInputPath(scenario, p) === null ? inputInfo(scenario, p).path : p));
    const spec = { paths, matrix: corrSpec.matrix };
    const problems = validateCorrelation(
      spec,
      drivers.map((d) => d.path),
      drivers.filter((d) => d.sampler.constant).map((d) => d.path),
    );
    if (problems.length > 0) issues.push(...problems);
    else if (issues.length === 0) {
      correlation = { spec, ic: prepareImanConover(spec.matrix), indexes: paths.map((p) => drivers.findIndex((d) => d.path === p)) };
    }
  }
  if (issues.length > 0) return { ok: false, issues };

  const shareSlots = new Set<number>();
  if (model instanceof PortfolioColumnarModel) for (const s of model.shareSlots()) shareSlots.add(s);
  else for (let j = 0; j < model.segmentIds.length; j++) for (let t = 1; t <= model.T; t++) shareSlots.add(model.shareSlot(j, t));
  const touched = new Set<number>();
  for (const d of drivers) for (const s of d.slots === 'paidShare' ? shareSlots : d.slots) touched.add(s);
  const paidShareOnce = model.sharesSameEveryYear() && drivers.every((d) => d.slots === 'paidShare' || d.slots.every((s) => !shareSlots.has(s)));
  const slots = model.newSlots();
  model.fillBase(slots, 0, model.capacity);
  return {
    ok: true,
    plan: {
      scenario,
      n,
      seed,
      lhs: options.lhs === true,
      chunkSize,
      bins,
      chunks: chunkBounds(n, chunkSize),
      drivers,
      correlation,
      model,
      slots,
      touched: [...touched].sort((a, b) => a - b),
      paidShareOnce,
    },
  };
}

// ---------------------------------------------------------------------------
// One chunk

/**
 * Sample and evaluate chunk `index` of a plan: its own stream, hypercube and
 * correlation reordering, so the result depends on nothing but the plan and
 * the index. With `reuse` its columns are the plan's own buffers, valid until
 * the next `runChunk(plan, …, true)`: for a caller that copies them away at
 * once (`placeChunk`), so a run allocates nothing per chunk.
 */
export function runChunk(plan: MonteCarloPlan, index: number, reuse = false): ChunkResult {
  const chunk = plan.chunks[index];
  if (chunk === undefined) throw new RangeError(`no chunk ${index} (the run has ${plan.chunks.length})`);
  const { start, size: m } = chunk;
  const rng = stream(plan.seed, index);
  const buffers = reuse ? chunkBuffers(plan) : null;
  const u = buffers?.u ?? new Float64Array(m);
  const perm = plan.lhs ? (buffers?.perm ?? new Int32Array(m)) : null;
  const inputs = buffers === null ? plan.drivers.map(() => new Float64Array(m)) : buffers.inputs.map((x) => x.subarray(0, m));
  plan.drivers.forEach((d, j) => {
    if (perm !== null) {
      for (let i = 0; i < m; i++) perm[i] = i;
      for (let i = m - 1; i > 0; i--) {
        const k = rng.nextInt(i + 1);
        const x = perm[i] as number;
        perm[i] = perm[k] as number;
        perm[k] = x;
      }
      for (let i = 0; i < m; i++) u[i] = ((perm[i] as number) + rng.next()) / m;
    } else for (let i = 0; i < m; i++) u[i] = rng.next();
    d.sampler.fill(u, inputs[j] as Float64Array, m);
  });
  let correlated = true;
  if (plan.correlation !== null) {
    correlated = imanConover(
      plan.correlation.ic,
      plan.correlation.indexes.map((k) => inputs[k] as Float64Array),
      m,
      rng,
    );
  }

  const { model, slots } = plan;
  model.resetSlots(slots, plan.touched, 0, m);
  plan.drivers.forEach((d, j) => {
    const x = inputs[j] as Float64Array;
    const scale = d.mode === 'scale';
    if (d.slots === 'paidShare') {
      if (model instanceof PortfolioColumnarModel) model.applyPaidShare(slots, x, m, scale, plan.paidShareOnce, d.paidShareOf);
      else model.applyPaidShare(slots, x, m, scale, plan.paidShareOnce);
      return;
    }
    const aff = d.affine;
    for (let q = 0; q < d.slots.length; q++) {
      const col = slots[d.slots[q] as number] as Float64Array;
      if (scale) for (let i = 0; i < m; i++) col[i] = (col[i] as number) * (x[i] as number);
      else if (aff !== undefined) {
        const a = aff.a[q] as number;
        const c = aff.c[q] as number;
        if (a === 0 && c === 1) col.set(x.subarray(0, m));
        else if (aff.round) for (let i = 0; i < m; i++) col[i] = Math.round(a + c * (x[i] as number));
        else for (let i = 0; i < m; i++) col[i] = a + c * (x[i] as number);
      } else col.set(x.subarray(0, m));
    }
  });
  const out = buffers === null ? newBlockOutput(m) : blockView(buffers.out, m);
  model.evaluate(slots, m, out, plan.touched);
  return {
    index,
    start,
    size: m,
    inputs,
    metrics: MC_METRICS.map((k) => out.metrics[k]),
    irrRoots: out.irrRoots,
    equityIrrRoots: out.equityIrrRoots,
    irrAtLeastWacc: out.irrAtLeastWacc,
    paybackWithinLife: out.paybackWithinLife,
    correlated,
  };
}

/** What `runChunk(plan, k, true)` fills, one set per plan, reused chunk after chunk. */
interface ChunkBuffers {
  u: Float64Array;
  perm: Int32Array;
  inputs: Float64Array[];
  out: BlockOutput;
}
const buffersOf = new WeakMap<MonteCarloPlan, ChunkBuffers>();

function chunkBuffers(plan: MonteCarloPlan): ChunkBuffers {
  let b = buffersOf.get(plan);
  if (b === undefined) {
    const size = Math.max(0, ...plan.chunks.map((c) => c.size));
    b = { u: new Float64Array(size), perm: new Int32Array(size), inputs: plan.drivers.map(() => new Float64Array(size)), out: newBlockOutput(size) };
    buffersOf.set(plan, b);
  }
  return b;
}

/** The first `m` samples of a block output. */
function blockView(o: BlockOutput, m: number): BlockOutput {
  const metrics = {} as Record<McMetric, Float64Array>;
  for (const k of MC_METRICS) metrics[k] = o.metrics[k].subarray(0, m);
  return {
    metrics,
    irrRoots: o.irrRoots.subarray(0, m),
    equityIrrRoots: o.equityIrrRoots.subarray(0, m),
    irrAtLeastWacc: o.irrAtLeastWacc.subarray(0, m),
    paybackWithinLife: o.paybackWithinLife.subarray(0, m),
  };
}

// ---------------------------------------------------------------------------
// The summary

const IMPORTANCE_DEFINITION =
  'Spearman rank correlation of each uncertain input with the metric over the samples where the metric has a value; contribution = ρ² / Σρ² over the inputs (a share of the rank-explained variance, approximate when inputs are correlated)';
const PERCENTILE_DEFINITION = 'linear interpolation between order statistics (numpy default, Hyndman–Fan type 7); sd with n − 1';

/** Allocates the memory of what the summary's parts hand on (a SharedArrayBuffer when they run on several threads). */
export type BufferAlloc = (bytes: number) => ArrayBufferLike;

const plainBuffer: BufferAlloc = (bytes) => new ArrayBuffer(bytes);

/**
 * Every sample of a run in sample order, as a chunk has its own: one column
 * per driver and per metric (NaN = no value), and the flags; and how many
 * samples were drawn without the correlation.
 */
export type McColumns = Pick<ChunkResult, 'inputs' | 'metrics' | 'irrRoots' | 'equityIrrRoots' | 'irrAtLeastWacc' | 'paybackWithinLife'> & { uncorrelated: number };

/**
 * The columns of a run, filled chunk by chunk as the chunks come (in any
 * order, each once), so that a chunk's own memory can go as soon as it is
 * added: a run holds its samples once, not twice.
 *
 * @example
 * const g = new ColumnGatherer(plan);
 * for (let k = 0; k < plan.chunks.length; k++) g.add(runChunk(plan, k));
 * const result = summarizeColumns(plan, g.done());
 */
export class ColumnGatherer {
  private readonly cols: McColumns;
  private readonly seen: Uint8Array;
  private added = 0;

  constructor(
    private readonly plan: MonteCarloPlan,
    alloc: BufferAlloc = plainBuffer,
  ) {
    const n = plan.n;
    const float = (): Float64Array => new Float64Array(alloc(8 * n));
    const flags = (): Uint8Array => new Uint8Array(alloc(n));
    this.cols = {
      inputs: plan.drivers.map(float),
      metrics: MC_METRICS.map(float),
      irrRoots: flags(),
      equityIrrRoots: flags(),
      irrAtLeastWacc: flags(),
      paybackWithinLife: flags(),
      uncorrelated: 0,
    };
    this.seen = new Uint8Array(plan.chunks.length);
  }

  /** The columns being filled (in the memory `alloc` gave: shared, a worker can `placeChunk` into them). */
  get columns(): McColumns {
    return this.cols;
  }

  /** Copy a chunk's samples to their places. */
  add(c: ChunkResult): void {
    this.placed(c.index, c.size, c.correlated);
    placeChunk(this.cols, c);
  }

  /** Chunk `index` of `size` samples is in the columns (a worker put it there with `placeChunk`). */
  placed(index: number, size: number, correlated: boolean): void {
    const where = this.plan.chunks[index];
    if (where === undefined || this.seen[index] === 1 || where.size !== size) {
      throw new RangeError(`a summary needs every chunk once: chunk ${index} is not one of the run's ${this.plan.chunks.length} or came twice`);
    }
    this.seen[index] = 1;
    this.added++;
    if (!correlated) this.cols.uncorrelated += size;
  }

  /** The columns, once every chunk is in. */
  done(): McColumns {
    if (this.added !== this.plan.chunks.length) throw new RangeError(`a summary needs every chunk once: got ${this.added} of ${this.plan.chunks.length}`);
    return this.cols;
  }
}

/** Copy a chunk's samples into a run's columns at the chunk's start (not its `uncorrelated` count: `ColumnGatherer` keeps that). */
export function placeChunk(cols: McColumns, c: ChunkResult): void {
  cols.inputs.forEach((col, j) => col.set(c.inputs[j] as Float64Array, c.start));
  cols.metrics.forEach((col, k) => col.set(c.metrics[k] as Float64Array, c.start));
  cols.irrRoots.set(c.irrRoots, c.start);
  cols.equityIrrRoots.set(c.equityIrrRoots, c.start);
  cols.irrAtLeastWacc.set(c.irrAtLeastWacc, c.start);
  cols.paybackWithinLife.set(c.paybackWithinLife, c.start);
}

/** Put the chunks of a run (in any order; each once) together in sample order. */
export function gatherChunks(plan: MonteCarloPlan, chunks: readonly ChunkResult[], alloc: BufferAlloc = plainBuffer): McColumns {
  if (chunks.length !== plan.chunks.length) throw new RangeError(`a summary needs every chunk once: got ${chunks.length} of ${plan.chunks.length}`);
  const g = new ColumnGatherer(plan, alloc);
  for (const c of chunks) g.add(c);
  return g.done();
}

/** A metric's share of the summary: its statistics, and its ranks for the importance of the drivers. */
export interface MetricPart {
  stats: ColumnStats;
  /**
   * centered ranks (statistics.ts `centeredRanks`) of the samples where it
   * has a value, among them, by sample; NaN where it has none (sums of
   * products over every sample leave those out: `rankDot`)
   */
  ranks: Float32Array;
  /** Σ ranks² */
  ss: number;
}

/** What the drivers' part needs of a metric's. */
export type MetricRanks = Pick<MetricPart, 'ranks' | 'ss'>;

// scratch of the per-column work, reused from column to column; each array made when first needed
interface Scratch {
  n: number;
  /** a driver's ranks over every sample, by sample */
  ranks: Float32Array | null;
  /** a driver's ranks among a subset, by sample */
  subset: Float32Array | null;
}
let scratchOf: Scratch | null = null;

/** Let the scratch of the per-column work go (a thread that summarizes again reuses it). */
export function releaseSummaryScratch(): void {
  scratchOf = null;
  releaseSortScratch();
}

function scratch(n: number): Scratch {
  if (scratchOf === null || scratchOf.n < n) scratchOf = { n, ranks: null, subset: null };
  return scratchOf;
}

/** Σ ranks² of the centered ranks of m values written by sample into `ranks[0..n)` (NaN elsewhere): `ranked.ss` when it is exact, else summed in index order. */
function squares(ranked: Ranked, ranks: Float32Array, m: number, n: number): number {
  return m <= EXACT_RANK_SUMS ? ranked.ss : rankDot(ranks, ranks, m, 0, n, 0, m < n);
}

/** The share of metric column `col` (one of `McColumns.metrics`): one sort gives its percentiles, histogram and ranks. */
export function summarizeMetric(plan: MonteCarloPlan, col: Float64Array, alloc: BufferAlloc = plainBuffer): MetricPart {
  const n = plan.n;
  const { m, sum, sq, sorted, order } = sortColumn(col, n);
  const ranks = new Float32Array(alloc(4 * n));
  if (m < n) ranks.fill(NaN);
  const ranked = centeredRanks(sorted, order, m, ranks);
  return { stats: statsOfSorted(sorted, n, sum, sq, plan.bins), ranks, ss: squares(ranked, ranks, m, n) };
}

/** Whether two columns hold the same values (`Object.is`) up to the length of the first. */
function sameColumn(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x === y ? x === 0 && 1 / x !== 1 / y : x === x || y === y) return false;
  }
  return true;
}

/**
 * For each metric, the first metric before it whose column is the same value
 * for value (−1: none) — the equity IRR of a project without debt is its IRR,
 * the strategic NPV without strategic value its NPV: such a column is
 * summarized once (`everyMetricPart`).
 */
export function sameMetrics(cols: McColumns): number[] {
  return cols.metrics.map((col, k) => cols.metrics.findIndex((other, a) => a < k && sameColumn(col, other)));
}

/** A copy of a metric's statistics (its histogram's bins its own). */
function copyStats(s: ColumnStats): ColumnStats {
  return { ...s, histogram: { bins: s.histogram.bins.map((b) => ({ ...b })), nullCount: s.histogram.nullCount } };
}

/**
 * Every metric's part from those of the metrics whose column is not the same
 * as an earlier one's (`same[k] < 0`), in metric order; the others get their
 * own copy of the statistics and the same ranks.
 */
export function everyMetricPart(same: readonly number[], distinct: readonly MetricPart[]): MetricPart[] {
  const out: MetricPart[] = [];
  let t = 0;
  for (const a of same) {
    const p = a >= 0 ? (out[a] as MetricPart) : (distinct[t++] as MetricPart);
    out.push(a >= 0 ? { ...p, stats: copyStats(p.stats) } : p);
  }
  return out;
}

/**
 * The sample sets over which the importance of the metrics is taken (where
 * each has a value), each distinct set once: `of[k]` is metric k's set (−1:
 * fewer than 3 samples, no importance), `sets[s]` its size and whether it
 * leaves samples out (those where the ranks of its metrics are NaN).
 */
export interface ImportanceSets {
  of: number[];
  sets: { m: number; subset: boolean }[];
}

/** Whether two columns have a value (are not NaN) at the same samples. */
function sameGaps(a: Float64Array, b: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if ((x === x) !== (y === y)) return false;
  }
  return true;
}

export function importanceSets(plan: MonteCarloPlan, cols: McColumns, metrics: readonly MetricPart[]): ImportanceSets {
  const n = plan.n;
  const sets: ImportanceSets['sets'] = [];
  // a column with each set's gaps (null: none)
  const gapsOf: (Float64Array | null)[] = [];
  const of = metrics.map((p, k) => {
    const m = p.stats.count;
    if (m < 3) return -1;
    const col = m === n ? null : (cols.metrics[k] as Float64Array);
    const at = gapsOf.findIndex((g, s) => (g === null || col === null ? g === col : (sets[s] as { m: number }).m === m && sameGaps(g, col, n)));
    if (at >= 0) return at;
    gapsOf.push(col);
    sets.push({ m, subset: col !== null });
    return sets.length - 1;
  });
  return { of, sets };
}

/** The samples where `ranks` is NaN (n − m of them), ascending. */
function gapsOf(ranks: Float32Array, n: number, m: number): Int32Array {
  const out = new Int32Array(n - m);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = ranks[i] as number;
    if (v !== v) out[k++] = i;
  }
  return out;
}

/** A driver's share of the summary: its statistics, and its rank correlation with each metric. */
export interface DriverPart {
  mean: number | null;
  sd: number | null;
  p5: number | null;
  p50: number | null;
  p95: number | null;
  /** Spearman ρ with each metric of MC_METRICS; null when there is none (a constant, too few samples) */
  spearman: (number | null)[];
  /** centered ranks over every sample, kept when the driver is correlated (for the achieved correlation); Σ ranks² */
  ranks: Float32Array | null;
  ss: number;
}

/**
 * The shares of drivers `js` (their columns `cols`, of `McColumns.inputs`):
 * one sort of each gives its percentiles and its ranks, and from them its
 * Spearman ρ with every metric over the metric's sample set (over a subset:
 * the driver's ranks among it, one pass over its sort).
 */
export function summarizeDrivers(
  plan: MonteCarloPlan,
  js: readonly number[],
  cols: readonly Float64Array[],
  metrics: readonly MetricRanks[],
  sets: ImportanceSets,
  alloc: BufferAlloc = plainBuffer,
): DriverPart[] {
  const n = plan.n;
  const sc = scratch(n);
  // the metrics of a set, each column of ranks once (two metrics may share theirs: `sameMetrics`)
  const metricsOf = (set: number): number[] => sets.of.flatMap((of, k) => (of === set && metrics.findIndex((x) => x.ranks === (metrics[k] as MetricRanks).ranks) === k ? [k] : []));
  const bySet = sets.sets.map((_, si) => metricsOf(si));
  // each subset's samples outside it, when needed
  const outside: Int32Array[] = [];
  const parts = js.map((j, at): DriverPart => {
    const col = cols[at] as Float64Array;
    const { m, sum, sq, sorted, order } = sortColumn(col, n);
    const s = statsOfSorted(sorted, n, sum, sq, 1);
    const keep = plan.correlation !== null && plan.correlation.indexes.includes(j);
    const ranks = keep ? new Float32Array(alloc(4 * n)) : (sc.ranks ??= new Float32Array(sc.n)).subarray(0, n);
    const varying = !(plan.drivers[j] as McDriver).sampler.constant;
    const spearman: (number | null)[] = metrics.map(() => null);
    const ranked = centeredRanks(sorted, order, m, ranks);
    const ss = squares(ranked, ranks, m, n);
    if (varying) {
      sets.sets.forEach((set, si) => {
        const ks = bySet[si] as number[];
        if (ks.length === 0) return;
        let x = ranks;
        let sxx = ss;
        if (set.subset) {
          const mask = (metrics[ks[0] as number] as MetricRanks).ranks;
          if (!ranked.ties) {
            // the driver's ranks among the subset from its ranks over every sample, and their sums, in sample order
            for (const k of ks) {
              const { ss: xx, dot } = subsetRankDot(ranks, n, set.m, (outside[si] ??= gapsOf(mask, n, set.m)), (metrics[k] as MetricRanks).ranks);
              spearman[k] = correlationFromSums(dot, xx, (metrics[k] as MetricRanks).ss);
            }
            return;
          }
          // the driver's ranks among the subset (one pass over its sort), by sample, NaN elsewhere (where its
          // metrics' ranks are NaN), so sums over every sample are those over the subset
          x = (sc.subset ??= new Float32Array(sc.n)).subarray(0, n);
          // (summed with itself in index order, not exact: nothing but its own)
          if (set.m > EXACT_RANK_SUMS) x.fill(NaN);
          const xx = subsetCenteredRanks(sorted, order, n, ranked.ties, mask, set.m, x);
          sxx = set.m <= EXACT_RANK_SUMS ? xx : rankDot(x, x, set.m, 0, n, 0, true);
        }
        const sxy = new Float64Array(ks.length);
        rankDots(
          x,
          ks.map((k) => (metrics[k] as MetricRanks).ranks),
          set.m,
          sxy,
          0,
          n,
          set.subset,
        );
        ks.forEach((k, t) => {
          spearman[k] = correlationFromSums(sxy[t] as number, sxx, (metrics[k] as MetricRanks).ss);
        });
      });
    }
    return { mean: s.mean, sd: s.sd, p5: s.p5, p50: s.p50, p95: s.p95, spearman, ranks: keep ? ranks : null, ss };
  });
  // a metric that shares its ranks with an earlier one has its ρ
  const first = metrics.map((m) => metrics.findIndex((x) => x.ranks === m.ranks));
  for (const p of parts) p.spearman = first.map((a) => p.spearman[a] ?? null);
  return parts;
}

/** Drivers a group of `summarizeDrivers` (one call, one task on a worker) takes at most; it holds the ranks of one at a time. */
export const DRIVER_GROUP = 8;

/** The drivers of a plan in `count` groups of near-equal size, in order (more when a group would pass `DRIVER_GROUP`). */
export function driverGroups(plan: MonteCarloPlan, count = 1): number[][] {
  const d = plan.drivers.length;
  const k = Math.min(d, Math.max(count, Math.ceil(d / DRIVER_GROUP)));
  const out: number[][] = [];
  for (let g = 0; g < k; g++) {
    const group: number[] = [];
    for (let j = Math.floor((g * d) / k); j < Math.floor(((g + 1) * d) / k); j++) group.push(j);
    out.push(group);
  }
  return out;
}

/**
 * The summary of a run from all its chunks (in any order; each once).
 * Computed from the samples in sample order, whatever evaluated them: the
 * parts above, in turn (`src/io/mc-workers.ts` spreads the same parts over
 * its threads; the numbers do not depend on who computes them).
 */
export function summarizeMonteCarlo(plan: MonteCarloPlan, chunks: readonly ChunkResult[], keepSamples = false): McResult {
  return summarizeColumns(plan, gatherChunks(plan, chunks), keepSamples);
}

/** `summarizeMonteCarlo` of a run's columns (`ColumnGatherer`). */
export function summarizeColumns(plan: MonteCarloPlan, cols: McColumns, keepSamples = false): McResult {
  try {
    return summarizeParts(plan, cols, keepSamples);
  } finally {
    releaseSummaryScratch();
  }
}

function summarizeParts(plan: MonteCarloPlan, cols: McColumns, keepSamples: boolean): McResult {
  const same = sameMetrics(cols);
  const metrics = everyMetricPart(
    same,
    cols.metrics.flatMap((col, k) => (same[k] === -1 ? [summarizeMetric(plan, col)] : [])),
  );
  const sets = importanceSets(plan, cols, metrics);
  const drivers = driverGroups(plan).flatMap((js) =>
    summarizeDrivers(
      plan,
      js,
      js.map((j) => cols.inputs[j] as Float64Array),
      metrics,
      sets,
    ),
  );
  return assembleSummary(plan, cols, metrics, drivers, keepSamples);
}

/**
 * In one pass over the samples: how many have npv ≥ 0, irrAtLeastWacc,
 * paybackWithinLife, no IRR and several, no equity IRR and several.
 */
function countFlags(cols: McColumns, npv: Float64Array, n: number): number[] {
  const npvOk = countLoop(cols, npv, n);
  return [npvOk, countedAtLeast, countedWithin, countedIrrNone, countedIrrSeveral, countedEqNone, countedEqSeveral];
}

// countLoop's other counts: module variables, so that nothing after its loop needs what the JIT has not seen run
let countedAtLeast = 0;
let countedWithin = 0;
let countedIrrNone = 0;
let countedIrrSeveral = 0;
let countedEqNone = 0;
let countedEqSeveral = 0;

function countLoop(cols: McColumns, npv: Float64Array, n: number): number {
  const { irrAtLeastWacc, paybackWithinLife, irrRoots, equityIrrRoots } = cols;
  let npvOk = 0;
  let atLeast = 0;
  let within = 0;
  let irrNone = 0;
  let irrSeveral = 0;
  let eqNone = 0;
  let eqSeveral = 0;
  for (let i = 0; i < n; i++) {
    if ((npv[i] as number) >= 0) npvOk++;
    if (irrAtLeastWacc[i] === 1) atLeast++;
    if (paybackWithinLife[i] === 1) within++;
    const r = irrRoots[i] as number;
    if (r === IRR_NONE) irrNone++;
    else if (r === IRR_SEVERAL) irrSeveral++;
    const q = equityIrrRoots[i] as number;
    if (q === IRR_NONE) eqNone++;
    else if (q === IRR_SEVERAL) eqSeveral++;
  }
  countedAtLeast = atLeast;
  countedWithin = within;
  countedIrrNone = irrNone;
  countedIrrSeveral = irrSeveral;
  countedEqNone = eqNone;
  countedEqSeveral = eqSeveral;
  return npvOk;
}

/** The summary from its parts: every metric's and every driver's (in plan order). */
export function assembleSummary(plan: MonteCarloPlan, cols: McColumns, metricParts: readonly MetricPart[], driverParts: readonly DriverPart[], keepSamples = false): McResult {
  const n = plan.n;
  const metric = (m: McMetric): Float64Array => cols.metrics[MC_METRICS.indexOf(m)] as Float64Array;
  const warnings: McSummary['warnings'] = [];
  const stats = {} as Record<McMetric, ColumnStats>;
  const importance = {} as Record<McMetric, Importance[]>;
  MC_METRICS.forEach((m, k) => {
    stats[m] = (metricParts[k] as MetricPart).stats;
    const list: Importance[] = [];
    plan.drivers.forEach((dr, j) => {
      const rho = (driverParts[j] as DriverPart).spearman[k];
      if (rho !== null && rho !== undefined) list.push({ path: dr.path, spearman: rho, contribution: 0 });
    });
    let total = 0;
    for (const x of list) total += x.spearman * x.spearman;
    for (const x of list) x.contribution = total > 0 ? (x.spearman * x.spearman) / total : 0;
    list.sort((a, b) => Math.abs(b.spearman) - Math.abs(a.spearman) || a.path.localeCompare(b.path));
    importance[m] = list;
  });

  const counted = countFlags(cols, metric('npv'), n);
  const irrCount = stats.irr.count;

  let correlation: McSummary['correlation'] = null;
  if (plan.correlation !== null) {
    const idx = plan.correlation.indexes;
    const rho = (a: number, b: number): number | null => {
      const pa = driverParts[a] as DriverPart;
      const pb = driverParts[b] as DriverPart;
      return correlationFromSums(rankDot(pa.ranks as Float32Array, pb.ranks as Float32Array, n), pa.ss, pb.ss);
    };
    const achieved = idx.map((a) => idx.map((b) => (a === b ? 1 : rho(a, b))));
    correlation = { paths: plan.correlation.spec.paths, target: plan.correlation.spec.matrix, achieved };
    if (cols.uncorrelated > 0) {
      warnings.push({ code: 'uncorrelated-chunk', message: `${cols.uncorrelated} samples (chunks too small for Iman–Conover) were drawn without the correlation` });
    }
  }

  const drivers: McDriverSummary[] = plan.drivers.map((dr, j) => {
    const s = driverParts[j] as DriverPart;
    return {
      path: dr.path,
      label: dr.label,
      unit: dr.mode === 'scale' ? `× base (${dr.unit})` : dr.unit,
      distribution: dr.spec,
      description: describeDistribution(dr.spec),
      mode: dr.mode,
      range: { min: dr.range.min, max: dr.range.max },
      keptMass: dr.sampler.keptMass,
      mean: s.mean,
      sd: s.sd,
      p5: s.p5,
      p50: s.p50,
      p95: s.p95,
    };
  });
  for (const dr of plan.drivers) {
    if (dr.sampler.keptMass < 0.95) {
      warnings.push({
        code: 'truncated',
        message: `${dr.path}: ${((1 - dr.sampler.keptMass) * 100).toFixed(1)} % of ${describeDistribution(dr.spec)} lies outside the valid range ${formatRange(dr.range)} and is cut off`,
      });
    }
  }
  for (const m of MC_METRICS) {
    const nulls = stats[m].nullCount;
    if (nulls > 0 && (m === 'npv' || m === 'strategicNpv' || m === 'grossProfitPerMW' || m === 'revenuePerMW')) {
      warnings.push({ code: 'no-value', message: `${m}: ${nulls} samples have no finite value` });
    }
  }

  const s = plan.scenario;
  const summary: McSummary = {
    scenario: { id: s.id, name: s.name ?? s.id },
    n,
    seed: plan.seed,
    sampling: plan.lhs ? 'latin-hypercube' : 'monte-carlo',
    chunkSize: plan.chunkSize,
    drivers,
    correlation,
    metrics: stats,
    probabilities: {
      npvAtLeastZero: (counted[0] as number) / n,
      irrAtLeastWacc: irrCount === 0 ? null : (counted[1] as number) / n,
      paybackWithinLife: (counted[2] as number) / n,
    },
    irrShape: {
      irr: { none: (counted[3] as number) / n, several: (counted[4] as number) / n },
      equityIrr: { none: (counted[5] as number) / n, several: (counted[6] as number) / n },
    },
    importance,
    definitions: {
      irrAtLeastWacc: 'share of all samples whose free cash flows have an IRR (MODEL.md §3.6) at least their own wacc; a sample without an IRR does not count; null when no sample has one (e.g. rented capacity with no capex)',
      paybackWithinLife: plan.model.lifeDefinition,
      importance: IMPORTANCE_DEFINITION,
      percentiles: PERCENTILE_DEFINITION,
    },
    warnings,
  };
  if (!keepSamples) return { summary };
  const metricCols = {} as Record<McMetric, Float64Array>;
  for (const m of MC_METRICS) metricCols[m] = metric(m);
  return {
    summary,
    samples: { inputs: plan.drivers.map((dr, j) => ({ path: dr.path, mode: dr.mode, values: cols.inputs[j] as Float64Array })), metrics: metricCols },
  };
}

/**
 * Monte Carlo of a resolved scenario over its `uncertainty:` block (plus
 * `options.distributions`), single-threaded: the summary, and with
 * `keepSamples` every sample's inputs and metrics. Throws an
 * `AnalysisInputError` with every issue when the run is ill-posed.
 *
 * @example
 * const { summary } = monteCarlo(scenario, { n: 20_000, seed: 7, lhs: true,
 *   distributions: { 'demand.utilization': { dist: 'pert', min: 0.5, mode: 0.75, max: 0.9 } } });
 * summary.probabilities.npvAtLeastZero; // 0.62
 */
export function monteCarlo(scenario: Subject, options: MonteCarloOptions = {}, onProgress?: (done: number, total: number) => void): McResult {
  const prepared = prepareMonteCarlo(scenario, options);
  if (!prepared.ok) throw new AnalysisInputError(prepared.issues);
  const { plan } = prepared;
  const results: ChunkResult[] = [];
  let done = 0;
  for (let k = 0; k < plan.chunks.length; k++) {
    const r = runChunk(plan, k);
    results.push(r);
    done += r.size;
    onProgress?.(done, plan.n);
  }
  return summarizeMonteCarlo(plan, results, options.keepSamples === true);
}
