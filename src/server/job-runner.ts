/**
 * The heavy jobs as HTTP sees them: run in the worker pool within the time
 * budget, and each way a job can end mapped to its status — bad input 400,
 * over its time or memory 422, too many at once 429, shutting down 503.
 * A job estimated small runs here instead (`compute`): starting it in a
 * worker would cost more than it does.
 */
import type { ServerLimits } from './app.ts';
import { HttpError } from './http.ts';
import { runJob, type JobKind, type Jobs } from './jobs.ts';
import { JobFailed, JobStopped, PoolBusy, type WorkerPool } from './pool.ts';
import { asRequestError } from './requests.ts';

export interface JobOptions {
  signal?: AbortSignal | undefined;
  /** names it in errors ("Monte Carlo", "the grid") */
  what: string;
  /** where a timeout issue points, and what it says */
  budgetHint?: { path: string; message: string };
  /** the memory it is estimated to hold, bytes: the memory watch stops the largest job first */
  bytes?: number | undefined;
}

/** Computations estimated under this many ms run on the main thread when the limits do not say. */
export const DEFAULT_INLINE_MILLIS = 20;

export class JobRunner {
  constructor(
    readonly pool: WorkerPool,
    private readonly limits: ServerLimits,
  ) {}

  /**
   * Run a job here when it is estimated to take at most `limits.inlineMillis`
   * (the analyses are the same functions either way), else in the pool.
   */
  async compute<K extends JobKind>(kind: K, input: Jobs[K]['in'], estimateMs: number, opts: JobOptions): Promise<Jobs[K]['out']> {
    if (estimateMs <= (this.limits.inlineMillis ?? DEFAULT_INLINE_MILLIS)) {
      try {
        return await runJob(kind, input);
      } catch (e) {
        throw asRequestError(e);
      }
    }
    return this.run(kind, input, opts);
  }

  /** Run a job in the pool. */
  async run<K extends JobKind>(kind: K, input: Jobs[K]['in'], opts: JobOptions): Promise<Jobs[K]['out']> {
    const ms = this.limits.mcMillis;
    try {
      return await this.pool.run(kind, input, { timeoutMs: ms, signal: opts.signal, bytes: opts.bytes });
    } catch (e) {
      if (e instanceof PoolBusy) throw new HttpError(429, `the server is busy (${e.message}); retry shortly`, undefined, { 'Retry-After': '2' });
      if (e instanceof JobFailed) {
        if (e.errorName === 'AnalysisInputError' && e.issues !== undefined) throw new HttpError(400, 'invalid request', e.issues);
        if (e.errorName === 'RangeError') throw new HttpError(400, 'invalid request', [{ path: '', message: e.message, code: 'out_of_range' }]);
        throw new Error(`${opts.what} failed: ${e.message}`);
      }
      if (e instanceof JobStopped) {
        if (e.reason === 'timeout') {
          const hint = opts.budgetHint ?? { path: '', message: `it did not finish within ${ms} ms (limits.mcMillis); ask for less` };
          throw new HttpError(422, `${opts.what} ran past its time budget of ${ms} ms and was stopped`, [{ ...hint, code: 'time_budget' }]);
        }
        if (e.reason === 'memory') {
          throw new HttpError(422, `${opts.what} was stopped: ${e.message}`, [
            { path: opts.budgetHint?.path ?? '', message: `${e.message}; ask for less (fewer samples, segments or cells)`, code: 'memory_budget' },
          ]);
        }
        if (e.reason === 'aborted') throw new HttpError(499, 'the client closed the request');
        if (e.reason === 'closed') throw new HttpError(503, 'the server is shutting down');
        throw new Error(`${opts.what} failed: ${e.message}`);
      }
      throw e;
    }
  }
}
