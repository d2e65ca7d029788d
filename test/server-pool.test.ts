/** The worker pool of heavy jobs on its own: results, the queue, aborts, close. */
import { describe, expect, it } from 'vitest';
import { readScenarioFile } from '../src/io/files.ts';
import { JobFailed, JobStopped, PoolBusy, WorkerPool } from '../src/server/pool.ts';
import { internalSweep } from '../src/analysis/internal.ts';

const loaded = readScenarioFile('hyperscaler-base');
if (!loaded.ok) throw new Error('hyperscaler-base');
const scenario = loaded.scenario;
const dist = { 'demand.utilization': { dist: 'pert' as const, min: 0.5, mode: 0.75, max: 0.9 } };

describe('WorkerPool', () => {
  it('runs jobs in a worker with the library results; bad input comes back as JobFailed with its issues', async () => {
    const pool = new WorkerPool({ size: 1 });
    try {
      expect(await pool.run('internal', { scenario, steps: 3 }, { timeoutMs: 30_000 })).toEqual(JSON.parse(JSON.stringify(internalSweep(scenario, { steps: 3 }))));
      const failed = await pool.run('breakeven', { scenario, options: { drivers: ['site.nothing'] } }, { timeoutMs: 30_000 }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(JobFailed);
      expect((failed as JobFailed).errorName).toBe('AnalysisInputError');
      expect((failed as JobFailed).issues?.[0]?.path).toBe('site.nothing');
      expect(pool.stats).toEqual({ workers: 1, running: 0, queued: 0 });
    } finally {
      await pool.close();
    }
  });

  it('a queued job can be aborted, a full queue refuses, and close stops the rest', async () => {
    const pool = new WorkerPool({ size: 1, queueMax: 1 });
    const long = pool.run('mc', { scenario, options: { n: 2_000_000, distributions: dist } }, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    const abort = new AbortController();
    const queued = pool.run('mc', { scenario, options: { n: 10, distributions: dist } }, { timeoutMs: 60_000, signal: abort.signal }).catch((e: unknown) => e);
    await expect(pool.run('internal', { scenario }, { timeoutMs: 1000 })).rejects.toBeInstanceOf(PoolBusy);
    abort.abort();
    const q = await queued;
    expect(q).toBeInstanceOf(JobStopped);
    expect((q as JobStopped).reason).toBe('aborted');
    expect(pool.stats.queued).toBe(0);
    await pool.close();
    const l = await long;
    expect(l).toBeInstanceOf(JobStopped);
    expect((l as JobStopped).reason).toBe('closed');
    expect(pool.stats.workers).toBe(0);
    await expect(pool.run('internal', { scenario }, { timeoutMs: 1000 })).rejects.toMatchObject({ reason: 'closed' });
  });
});
