/**
 * Monte Carlo across cores: the chunks of a run (see `src/analysis/monte-carlo.ts`)
 * handed to worker threads one at a time, the results merged by chunk index;
 * then the summary's parts — each metric's statistics and ranks, then the
 * drivers' statistics and rank correlations, a group at a time — handed to
 * the same threads over columns in shared memory, and put together in a
 * fixed order exactly as the single-threaded `monteCarlo` does, so the
 * summary is the same to the bit for any number of workers. Stops cleanly
 * when its AbortSignal fires (Ctrl-C): the workers are terminated and the
 * outcome says how far it got.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { AnalysisInputError } from '../analysis/paths.ts';
import {
  assembleSummary,
  type BufferAlloc,
  ColumnGatherer,
  driverGroups,
  everyMetricPart,
  importanceSets,
  type McColumns,
  type McResult,
  type MonteCarloOptions,
  type MonteCarloPlan,
  prepareMonteCarlo,
  runChunk,
  sameMetrics,
  summarizeColumns,
} from '../analysis/monte-carlo.ts';
import type { Subject } from '../analysis/paths.ts';
import { isPortfolio } from '../model/portfolio-kind.ts';
import type { WorkerReply, WorkerRequest } from './mc-worker.ts';
import { moduleBeside, startWorker } from './worker-start.ts';

export interface ParallelOptions {
  /** worker threads (default: `defaultWorkers` of the run); 1 runs in this thread */
  workers?: number;
  /** stops the run when it fires */
  signal?: AbortSignal;
  /** called after each chunk with the samples done so far */
  onProgress?: (done: number, total: number) => void;
  /** called once the run is checked and about to start */
  onStart?: (run: { n: number; chunks: number; workers: number }) => void;
  /**
   * With `keepSamples` on workers: hand the samples back in the shared memory
   * the workers summarized them in, instead of copies in memory of their own
   * (the default). Saves a copy of every column — what a caller that only
   * streams them to a file wants (`payback mc --samples`).
   */
  sharedSamples?: boolean;
}

export type ParallelOutcome =
  | { status: 'done'; result: McResult; workers: number }
  | { status: 'interrupted'; done: number; total: number };

/**
 * Scenario-years (samples × horizon) a worker must have to earn its start:
 * starting one (its thread, the TypeScript loader, the model's modules, a
 * JIT warming up from cold) costs 0.5–1 s here, about what one warm thread
 * needs for 2 million scenario-years. Measured on 2 cores: 400,000
 * hyperscaler samples (4 M) ran in 3.7 s on 2 workers and 4.2 s on one
 * thread; 100,000 neocloud samples in 2.2 s on 2 workers and 1.1–1.3 s on one.
 */
export const SCENARIO_YEARS_PER_WORKER = 2_000_000;

/**
 * The worker threads a run uses unless told: one per SCENARIO_YEARS_PER_WORKER
 * of the run, at least one (the calling thread), at most the cores this
 * process may use.
 *
 * @example
 * defaultWorkers(100_000 * 10); // 1: a 100,000-sample hyperscaler run stays in this thread
 */
export function defaultWorkers(scenarioYears: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(scenarioYears / SCENARIO_YEARS_PER_WORKER)));
}

/** `mc-worker.js` in the compiled package, `mc-worker.ts` (booted through tsx) from source. */
const WORKER_ENTRY = moduleBeside('mc-worker', import.meta.url);

/**
 * Run a Monte Carlo over `workers` threads (the main thread when 1, or when
 * the run has a single chunk). Throws an `AnalysisInputError` when the run is
 * ill-posed; resolves `interrupted` when the signal fires first.
 *
 * @example
 * const out = await runMonteCarloParallel(scenario, { n: 200_000, seed: 42 }, { workers: 4 });
 * if (out.status === 'done') console.log(out.result.summary.probabilities);
 */
export async function runMonteCarloParallel(scenario: Subject, options: MonteCarloOptions, p: ParallelOptions = {}): Promise<ParallelOutcome> {
  const prepared = prepareMonteCarlo(scenario, options);
  if (!prepared.ok) throw new AnalysisInputError(prepared.issues);
  const plan = prepared.plan;
  // a portfolio's sample runs every vintage: its scenario-years are the vintages' years (MODEL.md §8)
  const yearsPerSample = isPortfolio(scenario) ? scenario.vintages.reduce((a, v) => a + v.scenario.horizon.years, 0) : plan.model.T;
  const requested = p.workers ?? defaultWorkers(plan.n * yearsPerSample);
  if (!Number.isSafeInteger(requested) || requested < 1) throw new RangeError(`workers must be a whole number ≥ 1, got ${requested}`);
  const workers = Math.min(requested, plan.chunks.length);
  p.onStart?.({ n: plan.n, chunks: plan.chunks.length, workers: Math.max(1, workers) });
  if (workers <= 1) return runHere(plan, options, p);
  return runOnWorkers(plan, scenario, options, workers, p);
}

/** In this thread, yielding between chunks so a signal can land. */
async function runHere(plan: MonteCarloPlan, options: MonteCarloOptions, p: ParallelOptions): Promise<ParallelOutcome> {
  // each chunk goes to its place in the run's columns as it is made: the run holds its samples once
  const gathered = new ColumnGatherer(plan);
  let done = 0;
  for (let k = 0; k < plan.chunks.length; k++) {
    if (p.signal?.aborted) return { status: 'interrupted', done, total: plan.n };
    const r = runChunk(plan, k, true);
    gathered.add(r);
    done += r.size;
    p.onProgress?.(done, plan.n);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (p.signal?.aborted) return { status: 'interrupted', done, total: plan.n };
  return { status: 'done', result: summarizeColumns(plan, gathered.done(), options.keepSamples === true), workers: 1 };
}

async function runOnWorkers(plan: MonteCarloPlan, scenario: Subject, options: MonteCarloOptions, count: number, p: ParallelOptions): Promise<ParallelOutcome> {
  if (p.signal?.aborted) return { status: 'interrupted', done: 0, total: plan.n };
  // plain data only: the options may carry nothing a worker cannot receive
  const workerOptions: MonteCarloOptions = JSON.parse(JSON.stringify({ ...options, keepSamples: false })) as MonteCarloOptions;
  const pool = new WorkerPool(count, { scenario, options: workerOptions }, p.signal);
  let done = 0;
  // each worker writes its chunks into the run's columns in shared memory: the run holds its samples once
  const gathered = new ColumnGatherer(plan, sharedBuffer);
  try {
    const into = gathered.columns;
    await pool.run(
      'chunk',
      plan.chunks.map((_, index) => ({ type: 'chunk', index, into })),
      (r) => {
        gathered.placed(r.index, r.size, r.correlated);
        done += r.size;
        p.onProgress?.(done, plan.n);
      },
      false,
    );
    const result = await summarizeOnWorkers(
      plan,
      gathered.done(),
      pool,
      options.keepSamples === true,
      p.sharedSamples === true,
    );
    return { status: 'done', result, workers: count };
  } catch (e) {
    if (e instanceof Interrupted) return { status: 'interrupted', done, total: plan.n };
    throw e;
  } finally {
    pool.close();
  }
}

/** Memory every thread can read. */
const sharedBuffer: BufferAlloc = (bytes) => new SharedArrayBuffer(bytes);

/**
 * The summary with its per-column work on the workers: the same parts, in
 * the same order, as `summarizeMonteCarlo`. The columns live in shared
 * memory; every part lands by its index, whichever worker computed it.
 */
async function summarizeOnWorkers(plan: MonteCarloPlan, cols: McColumns, pool: WorkerPool, keepSamples: boolean, sharedSamples: boolean): Promise<McResult> {
  const same = sameMetrics(cols);
  const distinct = await pool.run(
    'metric',
    cols.metrics.flatMap((column, k) => (same[k] === -1 ? [column] : [])).map((column, index) => ({ type: 'metric', index, column })),
  );
  const metrics = everyMetricPart(
    same,
    distinct.map((r) => r.part),
  );
  const sets = importanceSets(plan, cols, metrics);
  const ranks = metrics.map(({ ranks: r, ss }) => ({ ranks: r, ss }));
  const groups = driverGroups(plan, plan.drivers.length);
  const drivers = await pool.run(
    'drivers',
    groups.map((js, index) => ({ type: 'drivers', index, drivers: js, columns: js.map((j) => cols.inputs[j] as Float64Array), metrics: ranks, sets })),
  );
  const result = assembleSummary(
    plan,
    cols,
    metrics,
    drivers.flatMap((r) => r.parts),
    keepSamples,
  );
  if (result.samples === undefined || sharedSamples) return result;
  // the samples leave in memory of their own, not shared
  const own = (x: Float64Array): Float64Array => x.slice();
  const metricCols = Object.fromEntries(Object.entries(result.samples.metrics).map(([m, x]) => [m, own(x)])) as typeof result.samples.metrics;
  return { summary: result.summary, samples: { inputs: result.samples.inputs.map((x) => ({ ...x, values: own(x.values) })), metrics: metricCols } };
}

/** Why a batch of tasks stopped: the signal fired. */
class Interrupted extends Error {}

type Reply<T extends WorkerRequest['type']> = Extract<WorkerReply, { type: T }>;

/**
 * Worker threads that take tasks one at a time: a batch's requests go to
 * whichever worker is free, its replies come back in request order.
 */
class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private failure: Error | null = null;
  private closed = false;
  private batch: {
    requests: WorkerRequest[];
    next: number;
    replies: WorkerReply[];
    /** 1 where request i has its reply */
    answered: Uint8Array;
    received: number;
    onReply: (r: WorkerReply) => void;
    resolve: (replies: WorkerReply[]) => void;
    reject: (e: Error) => void;
  } | null = null;
  private readonly onAbort = (): void => this.fail(new Interrupted('interrupted'));

  constructor(
    count: number,
    data: unknown,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', this.onAbort);
    for (let i = 0; i < count; i++) {
      const w = startWorker(WORKER_ENTRY, { workerData: data });
      this.workers.push(w);
      w.on('message', (msg: WorkerReply) => this.receive(w, msg));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (!this.closed && code !== 0) this.fail(new Error(`a Monte Carlo worker stopped with exit code ${code}`));
      });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Run every request; the replies in request order (`onReply` as each
   * arrives). With `keep` false the replies are handed to `onReply` alone and
   * the promise gives an empty list (nothing held for the batch's end).
   */
  run<T extends WorkerRequest['type']>(type: T, requests: Extract<WorkerRequest, { type: T }>[], onReply?: (r: Reply<T>) => void, keep = true): Promise<Reply<T>[]> {
    return new Promise<Reply<T>[]>((resolve, reject) => {
      if (this.failure !== null) return reject(this.failure);
      if (requests.length === 0) return resolve([]);
      this.batch = {
        requests,
        next: 0,
        replies: keep ? new Array<WorkerReply>(requests.length) : [],
        answered: new Uint8Array(requests.length),
        received: 0,
        onReply: (r) => {
          if (r.type !== type) throw new Error(`a Monte Carlo worker answered ${r.type} to ${type}`);
          onReply?.(r as Reply<T>);
        },
        resolve: (replies) => resolve(replies as Reply<T>[]),
        reject,
      };
      this.dispatch();
    });
  }

  close(): void {
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    for (const w of this.workers) void w.terminate();
  }

  private receive(w: Worker, msg: WorkerReply): void {
    if (this.closed || this.failure !== null) return;
    if (msg.type === 'failed') return this.fail(new Error(`a Monte Carlo worker could not plan the run: ${msg.message}`));
    const b = this.batch;
    if (msg.type !== 'ready' && b !== null && b.answered[msg.index] === 0) {
      b.answered[msg.index] = 1;
      if (b.replies.length > 0) b.replies[msg.index] = msg;
      b.received++;
      try {
        b.onReply(msg);
      } catch (e) {
        return this.fail(e instanceof Error ? e : new Error(String(e)));
      }
      if (b.received === b.requests.length) {
        this.batch = null;
        b.resolve(b.replies);
      }
    }
    this.idle.push(w);
    this.dispatch();
  }

  private dispatch(): void {
    const b = this.batch;
    while (b !== null && b.next < b.requests.length && this.idle.length > 0) {
      (this.idle.shift() as Worker).postMessage(b.requests[b.next++]);
    }
  }

  private fail(e: Error): void {
    if (this.failure !== null || this.closed) return;
    this.failure = e;
    const b = this.batch;
    this.batch = null;
    b?.reject(e);
  }
}
