/**
 * Monte Carlo through the PostgreSQL queue (`payback mc --queue`), on this
 * machine, against the same run on worker threads (`--workers 2`):
 * hyperscaler-base, its default uncertainty, 400,000 samples (98 chunks).
 *  - the queue with 2 local workers: this process submits, evaluates on two
 *    threads of its own through the queue, gathers and summarizes;
 *  - the queue with 2 `payback worker` processes (warm, one thread each) and
 *    a submitter that only submits, gathers and summarizes.
 * Wall time of whole runs (the median of three), the summary included; the
 * PostgreSQL server is the private cluster of scripts/ensure-postgres.sh,
 * on the same cores. Skipped, with the reason, when no server can be had.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { withEffectiveUncertainty } from '../src/analysis/default-uncertainty.ts';
import type { MonteCarloOptions } from '../src/analysis/monte-carlo.ts';
import { readScenarioFile } from '../src/io/files.ts';
import { runMonteCarloParallel } from '../src/io/mc-workers.ts';
import { runMonteCarloOnQueue } from '../src/queue/submit.ts';
import type { BenchRow } from './measure.ts';

const ROOT = join(import.meta.dirname, '..');
const N = 400_000;
const RUNS = 3;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const seconds = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
};

export async function queueBench(): Promise<BenchRow[]> {
  const got = spawnSync('bash', [join(ROOT, 'scripts', 'ensure-postgres.sh'), 'start'], { encoding: 'utf8', timeout: 600_000 });
  if (got.status !== 0) {
    console.warn(`queue bench skipped: no PostgreSQL server (${got.stderr.trim().split('\n').pop() ?? `exit ${got.status}`})`);
    return [];
  }
  const url = got.stdout.trim().split('\n').pop() as string;
  const schema = `payback_queue_bench_${process.pid}`;
  const r = readScenarioFile('hyperscaler-base');
  if (!r.ok) throw new Error('hyperscaler-base does not load');
  const s = withEffectiveUncertainty(r.scenario);
  const options: MonteCarloOptions = { n: N, seed: 42 };
  const T = s.horizon.years;
  const done = (o: { status: string }): void => {
    if (o.status !== 'done') throw new Error('a benchmark run did not finish');
  };
  const children: ChildProcess[] = [];
  try {
    const threads: number[] = [];
    const local: number[] = [];
    const remote: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      threads.push(await seconds(async () => done(await runMonteCarloParallel(s, options, { workers: 2 }))));
      local.push(await seconds(async () => done(await runMonteCarloOnQueue(s, options, { url, schema, workers: 2 }))));
    }
    for (let k = 0; k < 2; k++) {
      children.push(spawn(process.execPath, [join(ROOT, 'bin', 'payback.js'), 'worker', '--queue', url, '--workers', '1'], { env: { ...process.env, PAYBACK_QUEUE_SCHEMA: schema }, stdio: 'ignore' }));
    }
    // warm: the workers' start-up and first plan are not the queue's throughput
    done(await runMonteCarloOnQueue(s, { ...options, n: 100_000 }, { url, schema }));
    for (let k = 0; k < RUNS; k++) remote.push(await seconds(async () => done(await runMonteCarloOnQueue(s, options, { url, schema }))));
    const t = median(threads);
    const row = (name: string, xs: number[], what: string): BenchRow => {
      const m = median(xs);
      return {
        name,
        perSecond: N / m,
        unit: 'samples/s',
        detail: `${Math.round((N / m) * T).toLocaleString('en-US')} scenario-years/s; ${m.toFixed(2)} s per whole ${N.toLocaleString('en-US')}-sample run (median of ${RUNS}: ${xs.map((x) => x.toFixed(2)).join(', ')} s), ${what}; --workers 2 on threads: ${t.toFixed(2)} s (${Math.round(N / t).toLocaleString('en-US')} samples/s), so ${(t / m).toFixed(2)}× that`,
      };
    };
    return [
      row(`mc --queue: hyperscaler-base (${T} years), 2 local workers (this process, through PostgreSQL)`, local, 'thread start-up, queue round trips and the summary included'),
      row(`mc --queue: hyperscaler-base (${T} years), 2 payback worker processes (warm)`, remote, 'submit, gather and the summary in the submitter'),
    ];
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.on('exit', resolve)))));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
  }
}
