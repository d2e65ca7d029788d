/**
 * The compute budget and the worker pool's guards: the estimates hold what
 * the code really allocates; a request past the budget is refused before it
 * allocates; a job that outgrows its worker's heap ends its worker (422), not
 * the server; the memory watch stops the largest running job.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { prepareMonteCarlo } from '../src/analysis/monte-carlo.ts';
import type { ResolvedScenario } from '../src/model/load.ts';
import { DEFAULT_LIMITS } from '../src/server/app.ts';
import { budgetOf, cellsOf, checkScenario, monteCarloCost, monteCarloSlots, workloadOf } from '../src/server/budget.ts';
import { HttpError } from '../src/server/http.ts';
import { JobStopped, WorkerPool } from '../src/server/pool.ts';
import { base, scenario, withPatch } from './helpers.ts';
import { postJson, testApp } from './server-helpers.ts';

/** A resolved scenario of `segments` tiny segments over `years` years, built past the loader (its bounds would refuse the big ones). */
function shaped(segments: number, years: number): ResolvedScenario {
  const s = scenario(withPatch(base('neocloud-base'), (d: any) => {
    d.horizon.years = Math.min(years, 50);
    d.demand.utilization = 0.8;
    d.demand.segments = [{ id: 's0', kind: 'paid-api', tokenShare: 1, pricing: { perMTok: 2 } }];
    delete d.uncertainty;
    delete d.correlation;
  }));
  const seg = s.demand.segments[0]!;
  return { ...s, horizon: { ...s.horizon, years }, demand: { ...s.demand, segments: Array.from({ length: segments }, (_, i) => ({ ...seg, id: `s${i}`, tokenShare: 1 / segments })) } } as ResolvedScenario;
}

const dist = { 'site.power.pricePerMWh': { dist: 'uniform' as const, min: 50, max: 100 } };

describe('the estimates', () => {
  it('the workload counts the longest term: a 12-year lease outlasts a 6-year horizon', () => {
    const s = scenario(withPatch(base('neocloud-base'), (d: any) => void (d.horizon.years = 6)));
    expect(workloadOf(s)).toEqual({ segments: 2, years: 12, vintages: 1 });
    expect(cellsOf(workloadOf(s))).toBe(36);
  });

  it("Monte Carlo's estimate holds what prepareMonteCarlo allocates (the slots of the block engine)", () => {
    for (const [segments, years, n] of [[2, 6, 100], [10, 20, 5000], [40, 50, 20_000]] as const) {
      const s = shaped(segments, years);
      const p = prepareMonteCarlo(s, { n, distributions: dist });
      if (!p.ok) throw new Error(JSON.stringify(p.issues));
      expect(p.plan.slots.length, `${segments} × ${years}`).toBe(monteCarloSlots(years, segments));
      const allocated = p.plan.slots.reduce((a, c) => a + c.byteLength, 0);
      expect(monteCarloCost(s, workloadOf(s), n, 1).bytes).toBeGreaterThan(allocated);
    }
  });

  it('the MC bomb is estimated in the gigabytes; what MODEL.md allows at the most fits the default budget', () => {
    const bomb = shaped(10_000, 50);
    expect(monteCarloCost(bomb, workloadOf(bomb), 100_000, 1).bytes).toBeGreaterThan(15 * 2 ** 30);
    const largest = shaped(100, 50);
    const e = monteCarloCost(largest, workloadOf(largest), 100_000, 20);
    expect(e.bytes).toBeLessThan(DEFAULT_LIMITS.jobBytes as number);
    expect(e.millis).toBeLessThan(DEFAULT_LIMITS.mcMillis);
  });

  it('a scenario past the cells of the server is refused with the path that makes it large', () => {
    const limits = budgetOf(DEFAULT_LIMITS);
    expect(() => checkScenario(shaped(100, 50), limits)).not.toThrow();
    const refused = (s: ResolvedScenario): HttpError => {
      try {
        checkScenario(s, limits, 'vs');
      } catch (e) {
        return e as HttpError;
      }
      throw new Error('not refused');
    };
    const many = refused(shaped(10_000, 50));
    expect(many.status).toBe(422);
    expect(many.issues?.[0]).toMatchObject({ path: 'vs.demand.segments', code: 'compute_budget' });
    const term = withPatch(scenario(base('neocloud-base')), (d) => {
      (d.site.facility as { termYears: number }).termYears = 200_000_000;
    });
    expect(refused(term).issues?.[0]).toMatchObject({ path: 'vs.site.facility.termYears' });
    expect(refused(term).issues?.[0]?.message).toContain('200,000,000 years');
  });
});

describe('refused before anything is allocated', () => {
  const apps: { close: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close();
  });

  it('POST /api/mc past the memory budget: 422 compute_budget on n, at once', async () => {
    // the largest scenario MODEL.md allows (100 segments over 50 years) at 100,000 samples: about 250 MB
    const t = await testApp({ limits: { bodyBytes: 2_000_000, mcSamples: 100_000, mcMillis: 30_000, jobBytes: 128 * 2 ** 20 } });
    apps.push(t);
    const t0 = performance.now();
    const r = await postJson(t.app, '/api/mc', { scenario: structuredClone(shaped(100, 50)), n: 100_000, dist: ['site.power.pricePerMWh=uniform:50,100'] });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.issues[0]).toMatchObject({ path: 'n', code: 'compute_budget' });
    expect(r.body.issues[0].message).toMatch(/about [\d,]+ MB, over the limit of 128 MB \(limits\.jobBytes\)/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  }, 60_000);

  it('POST /api/mc estimated past its time budget: 422 compute_budget before it starts', async () => {
    // memory left unbounded: the time is what refuses it (about 20 s of samples against a budget of 2 s)
    const t = await testApp({ limits: { bodyBytes: 200_000, mcSamples: 2_000_000, mcMillis: 2_000, jobBytes: Infinity } });
    apps.push(t);
    const r = await postJson(t.app, '/api/mc', { id: 'hyperscaler-base', n: 2_000_000, dist: ['demand.utilization=uniform:0.5,0.9'] });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatch(/would run past its time budget/);
    expect(r.body.issues[0]).toMatchObject({ path: 'n', code: 'compute_budget' });
  });
});

describe('the worker pool guards the process', () => {
  const pools: WorkerPool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.close();
  });

  it("a job past its worker's heap ends its worker (JobStopped 'memory'), and the pool goes on", async () => {
    const pool = new WorkerPool({ size: 1, heapMb: 64 });
    pools.push(pool);
    // far past 64 MB of heap once evaluated (and the scenario alone is tens of MB in the worker)
    const huge = shaped(60_000, 50);
    const stopped = await pool.run('run', { scenario: huge }, { timeoutMs: 60_000 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(stopped).toBeInstanceOf(JobStopped);
    expect((stopped as JobStopped).reason).toBe('memory');
    expect((stopped as JobStopped).message).toMatch(/ran out of the memory of its worker \(64 MB of heap\)/);
    const ok = await pool.run('run', { scenario: scenario(base('neocloud-base')) }, { timeoutMs: 60_000 });
    expect(ok.summary.npv).not.toBeNull();
  }, 120_000);

  it('through the API that is a 422 memory_budget, and the server answers the next request', async () => {
    // the workbook of the largest scenario MODEL.md allows does not fit a 64 MB heap
    const pool = new WorkerPool({ size: 1, heapMb: 64 });
    pools.push(pool);
    const t = await testApp({ pool, limits: { bodyBytes: 2_000_000, mcSamples: 10, mcMillis: 60_000 } });
    try {
      const r = await postJson(t.app, '/api/export/xlsx', { scenario: structuredClone(shaped(100, 50)) });
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(422);
      expect(r.body.issues[0]).toMatchObject({ code: 'memory_budget' });
      expect((await postJson(t.app, '/api/run', { id: 'neocloud-base' })).status).toBe(200);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('the memory watch stops the running job estimated the largest, first', async () => {
    let rss = 0;
    const pool = new WorkerPool({ size: 2, rssBytes: 2 ** 30, rss: () => rss });
    pools.push(pool);
    const s = scenario(base('hyperscaler-base'));
    const options = { n: 2_000_000, distributions: { 'demand.utilization': { dist: 'uniform' as const, min: 0.5, max: 0.9 } } };
    const order: string[] = [];
    const watch = (name: string, p: Promise<unknown>) =>
      p.then(
        () => order.push(`${name} finished`),
        (e: unknown) => order.push(`${name} ${e instanceof JobStopped ? e.reason : String(e)}`),
      );
    const small = watch('small', pool.run('mc', { scenario: s, options }, { timeoutMs: 60_000, bytes: 100 }));
    const large = watch('large', pool.run('mc', { scenario: s, options }, { timeoutMs: 60_000, bytes: 200 }));
    await new Promise((r) => setTimeout(r, 300));
    rss = 4 * 2 ** 30;
    await large;
    expect(order).toEqual(['large memory']);
    rss = 0;
    // the small one is left to run (stop it: it is long)
    await pool.close();
    await small;
    expect(order[1]).toBe('small closed');
  }, 60_000);
});
