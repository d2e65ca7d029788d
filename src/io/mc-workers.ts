/**
 * Monte Carlo across cores: the chunks of a run (see `src/analysis/monte-carlo.ts`)
 * handed to worker threads one at a time, the results merged by chunk index
 * and summarized exactly as the single-threaded `monteCarlo` does — so the
 * summary is the same to the bit for any number of workers. Stops cleanly
 * when its AbortSignal fires (Ctrl-C): the workers are terminated and the
 * outcome says how far it got.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AnalysisInputError } from '../analysis/paths.ts';
import {
  type ChunkResult,
  type McResult,
  type MonteCarloOptions,
  type MonteCarloPlan,
  prepareMonteCarlo,
  runChunk,
  summarizeMonteCarlo,
} from '../analysis/monte-carlo.ts';
import type { Scenario } from '../model/schema.ts';
import type { ChunkRequest, WorkerReply } from './mc-worker.ts';

export interface ParallelOptions {
  /** worker threads (default: the cores available); 1 runs in this thread */
  workers?: number;
  /** stops the run when it fires */
  signal?: AbortSignal;
  /** called after each chunk with the samples done so far */
  onProgress?: (done: number, total: number) => void;
  /** called once the run is checked and about to start */
  onStart?: (run: { n: number; chunks: number; workers: number }) => void;
}

export type ParallelOutcome =
  | { status: 'done'; result: McResult; workers: number }
  | { status: 'interrupted'; done: number; total: number };

/** The cores this process may use. */
export const defaultWorkers = (): number => Math.max(1, availableParallelism());

const WORKER_ENTRY = new URL('./mc-worker-entry.mjs', import.meta.url);

/**
 * Run a Monte Carlo over `workers` threads (the main thread when 1, or when
 * the run has a single chunk). Throws an `AnalysisInputError` when the run is
 * ill-posed; resolves `interrupted` when the signal fires first.
 *
 * @example
 * const out = await runMonteCarloParallel(scenario, { n: 200_000, seed: 42 }, { workers: 4 });
 * if (out.status === 'done') console.log(out.result.summary.probabilities);
 */
export async function runMonteCarloParallel(scenario: Scenario, options: MonteCarloOptions, p: ParallelOptions = {}): Promise<ParallelOutcome> {
  const prepared = prepareMonteCarlo(scenario, options);
  if (!prepared.ok) throw new AnalysisInputError(prepared.issues);
  const plan = prepared.plan;
  const requested = p.workers ?? defaultWorkers();
  if (!Number.isSafeInteger(requested) || requested < 1) throw new RangeError(`workers must be a whole number ≥ 1, got ${requested}`);
  const workers = Math.min(requested, plan.chunks.length);
  p.onStart?.({ n: plan.n, chunks: plan.chunks.length, workers: Math.max(1, workers) });
  if (workers <= 1) return runHere(plan, options, p);
  return runOnWorkers(plan, scenario, options, workers, p);
}

/** In this thread, yielding between chunks so a signal can land. */
async function runHere(plan: MonteCarloPlan, options: MonteCarloOptions, p: ParallelOptions): Promise<ParallelOutcome> {
  const results: ChunkResult[] = [];
  let done = 0;
  for (let k = 0; k < plan.chunks.length; k++) {
    if (p.signal?.aborted) return { status: 'interrupted', done, total: plan.n };
    const r = runChunk(plan, k);
    results.push(r);
    done += r.size;
    p.onProgress?.(done, plan.n);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (p.signal?.aborted) return { status: 'interrupted', done, total: plan.n };
  return { status: 'done', result: summarizeMonteCarlo(plan, results, options.keepSamples === true), workers: 1 };
}

function runOnWorkers(plan: MonteCarloPlan, scenario: Scenario, options: MonteCarloOptions, count: number, p: ParallelOptions): Promise<ParallelOutcome> {
  return new Promise<ParallelOutcome>((resolve, reject) => {
    const K = plan.chunks.length;
    const results: (ChunkResult | undefined)[] = new Array<ChunkResult | undefined>(K);
    const pool: Worker[] = [];
    let next = 0;
    let received = 0;
    let done = 0;
    let settled = false;
    const stop = (): void => {
      p.signal?.removeEventListener('abort', onAbort);
      for (const w of pool) void w.terminate();
    };
    const finish = (outcome: () => ParallelOutcome): void => {
      if (settled) return;
      settled = true;
      stop();
      try {
        resolve(outcome());
      } catch (e) {
        reject(e);
      }
    };
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      stop();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const onAbort = (): void => finish(() => ({ status: 'interrupted', done, total: plan.n }));
    if (p.signal?.aborted) {
      resolve({ status: 'interrupted', done: 0, total: plan.n });
      return;
    }
    p.signal?.addEventListener('abort', onAbort);
    const send = (w: Worker): void => {
      if (next < K) w.postMessage({ type: 'chunk', index: next++ } satisfies ChunkRequest);
    };
    // plain data only: the options may carry nothing a worker cannot receive
    const workerOptions: MonteCarloOptions = JSON.parse(JSON.stringify({ ...options, keepSamples: false })) as MonteCarloOptions;
    for (let i = 0; i < count; i++) {
      const w = new Worker(WORKER_ENTRY, { workerData: { scenario, options: workerOptions } });
      pool.push(w);
      w.on('message', (msg: WorkerReply) => {
        if (settled) return;
        if (msg.type === 'failed') return fail(new Error(`a Monte Carlo worker could not plan the run: ${msg.message}`));
        if (msg.type === 'ready') return send(w);
        const r = msg.result;
        if (results[r.index] === undefined) {
          results[r.index] = r;
          received++;
          done += r.size;
          p.onProgress?.(done, plan.n);
        }
        if (received === K) {
          finish(() => ({ status: 'done', result: summarizeMonteCarlo(plan, results as ChunkResult[], options.keepSamples === true), workers: count }));
        } else send(w);
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!settled && code !== 0) fail(new Error(`a Monte Carlo worker stopped with exit code ${code}`));
      });
    }
  });
}
