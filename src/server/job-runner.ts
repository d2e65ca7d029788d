/**
 * The heavy jobs as HTTP sees them: run in the worker pool within the time
 * budget, and each way a job can end mapped to its status — bad input 400,
 * over budget 422, too many at once 429, shutting down 503.
 */
import type { ServerLimits } from './app.ts';
import { HttpError } from './http.ts';
import type { JobKind, Jobs } from './jobs.ts';
import { JobFailed, JobStopped, PoolBusy, type WorkerPool } from './pool.ts';

export class JobRunner {
  constructor(
    readonly pool: WorkerPool,
    private readonly limits: ServerLimits,
  ) {}

  /** Run a job; `what` names it in errors ("Monte Carlo", "the grid"), `budgetPath` is where a timeout issue points. */
  async run<K extends JobKind>(
    kind: K,
    input: Jobs[K]['in'],
    opts: { signal?: AbortSignal | undefined; what: string; budgetHint?: { path: string; message: string } },
  ): Promise<Jobs[K]['out']> {
    const ms = this.limits.mcMillis;
    try {
      return await this.pool.run(kind, input, { timeoutMs: ms, signal: opts.signal });
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
        if (e.reason === 'aborted') throw new HttpError(499, 'the client closed the request');
        if (e.reason === 'closed') throw new HttpError(503, 'the server is shutting down');
        throw new Error(`${opts.what} failed: ${e.message}`);
      }
      throw e;
    }
  }
}
