/**
 * Monte Carlo over machines: PostgreSQL as the queue (pg-boss), real
 * `payback worker` processes and a real `payback mc --queue`, against the
 * private cluster of `scripts/ensure-postgres.sh` (or DATABASE_URL). The
 * queue's tables live in a schema of this run's own (PAYBACK_QUEUE_SCHEMA),
 * dropped at the end.
 *
 * - a run through two workers gives the same bytes (--json and --samples) as --workers 1;
 * - SIGKILL to a worker holding chunks: its chunks come back after --chunk-timeout, the
 *   run ends with the same bytes;
 * - a bad queue URL: exit 2 with one clear line, no stack trace;
 * - Ctrl-C of the submitter: exit 130, its chunks and rows gone;
 * - every row of a run is removed when it ends.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../src/queue/pg-queue.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'payback.js');
const script = join(ROOT, 'scripts', 'ensure-postgres.sh');
const got = spawnSync('bash', [script, 'start'], { encoding: 'utf8', timeout: 600_000 });
const url = got.status === 0 ? (got.stdout.trim().split('\n').pop() ?? '') : '';
const skipReason = got.status === 3 ? `no PostgreSQL server can be had on this machine: ${got.stderr.trim().split('\n').pop() ?? ''}` : undefined;
if (skipReason !== undefined) console.warn(`\n!! SKIPPING the PostgreSQL queue suite: ${skipReason}\n`);

const dir = mkdtempSync(join(tmpdir(), 'payback-queue-'));
const SCHEMA = `payback_queue_test_${process.pid}`;
/** a schema no worker watches: for the runs that must not be taken */
const LONELY = `${SCHEMA}_lonely`;
/** a schema for the chunk whose result is lost */
const LOST = `${SCHEMA}_lost`;

interface Proc {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: Buffer;
  err: string;
}

const childEnv = (schema: string): NodeJS.ProcessEnv => {
  const env: Record<string, string | undefined> = { ...process.env, PAYBACK_QUEUE_SCHEMA: schema };
  for (const k of ['DATABASE_URL', 'PAYBACK_DB', 'PAYBACK_DEBUG']) delete env[k];
  return env as NodeJS.ProcessEnv;
};

/** The CLI to its end. */
function payback(args: string[], schema = SCHEMA): Promise<Proc> & { proc: ChildProcess } {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv(schema), stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  proc.stdout.on('data', (d: Buffer) => out.push(d));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Proc>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, out: Buffer.concat(out), err }));
  }) as Promise<Proc> & { proc: ChildProcess };
  done.proc = proc;
  return done;
}

/** A `payback worker` in the background: its stderr so far, and a way to wait for a line. */
interface WorkerProc {
  proc: ChildProcess;
  err: () => string;
  waitFor: (re: RegExp, ms?: number) => Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
function startWorker(slots: number, schema = SCHEMA): WorkerProc {
  const proc = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--workers', String(slots)], { cwd: dir, env: childEnv(schema), stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const waiting: { re: RegExp; resolve: () => void }[] = [];
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...waiting]) {
      if (w.re.test(err)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    err: () => err,
    exit,
    waitFor: (re, ms = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(err)) return resolve();
        const timer = setTimeout(() => reject(new Error(`the worker never said ${re}:\n${err}`)), ms);
        waiting.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
  };
}

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** What is left of the runs in a schema: runs, results, and jobs on this version's queue. */
async function leftovers(schema: string): Promise<{ runs: number; results: number; jobs: number }> {
  const [row] = await sql<{ runs: string; results: string; jobs: string }>(
    `SELECT (SELECT count(*) FROM "${schema}".mc_runs) AS runs, (SELECT count(*) FROM "${schema}".mc_results) AS results, (SELECT count(*) FROM "${schema}".job WHERE name = $1) AS jobs`,
    [QUEUE_NAME],
  );
  return { runs: Number(row?.runs), results: Number(row?.results), jobs: Number(row?.jobs) };
}

/** The reference: the same run on one thread. */
async function reference(args: string[], samples: string): Promise<{ json: string; samples: Buffer }> {
  const r = await payback(['mc', ...args, '--json', '--workers', '1', '--samples', samples]);
  expect(r.code, r.err).toBe(0);
  return { json: r.out.toString('utf8'), samples: readFileSync(samples) };
}

describe.skipIf(skipReason !== undefined)('Monte Carlo through a PostgreSQL queue, two payback worker processes', () => {
  const workers: WorkerProc[] = [];
  beforeAll(() => {
    if (got.status !== 0) throw new Error(`scripts/ensure-postgres.sh failed (exit ${got.status}):\n${got.stderr}`);
    // one worker evaluates on two threads (the compiled chunk-thread when dist/ is fresh), the other in its own thread
    workers.push(startWorker(2), startWorker(1));
  });
  afterAll(async () => {
    for (const w of workers) w.proc.kill('SIGKILL');
    if (url !== '') await sql(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE; DROP SCHEMA IF EXISTS "${LONELY}" CASCADE; DROP SCHEMA IF EXISTS "${LOST}" CASCADE`).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a --queue run gives the same bytes as --workers 1: the --json summary and the --samples file; nothing is left in the database', async () => {
    const args = ['neocloud-base', '-n', '120000', '--seed', '7', '--lhs'];
    const ref = await reference(args, join(dir, 'ref.parquet'));
    await Promise.all(workers.map((w) => w.waitFor(/taking Monte Carlo chunks/)));
    const r = await payback(['mc', ...args, '--json', '--queue', url, '--samples', join(dir, 'queue.parquet')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.toString('utf8')).toBe(ref.json);
    expect(readFileSync(join(dir, 'queue.parquet')).equals(ref.samples)).toBe(true);
    expect(r.err).toMatch(/30 chunks on the queue postgres:\/\/.* \(schema payback_queue_test_\d+\)/);
    expect(r.err).toMatch(/queue: 30 chunks, 0 handed out again, workers none here/);
    // both workers took part (30 chunks, two processes polling)
    for (const w of workers) expect(w.err()).toMatch(/run [0-9a-f]{8}: neocloud-base, 120,000 samples, seed 7, 30 chunks/);
    expect(await leftovers(SCHEMA)).toEqual({ runs: 0, results: 0, jobs: 0 });
    // this process evaluating chunks too (its own come back in memory, the others' through the database): the same bytes
    const mixed = await payback(['mc', ...args, '--json', '--queue', url, '--workers', '2']);
    expect(mixed.code, mixed.err).toBe(0);
    expect(mixed.out.toString('utf8')).toBe(ref.json);
    expect(mixed.err).toMatch(/on the queue and 2 workers here/);
    expect(mixed.err).toMatch(/queue: 30 chunks, 0 handed out again, workers 2 here/);
    expect(await leftovers(SCHEMA)).toEqual({ runs: 0, results: 0, jobs: 0 });
  }, 180_000);

  it('SIGKILL to a worker holding chunks: they come back after --chunk-timeout and the run gives the same bytes', async () => {
    const args = ['hyperscaler-base', '-n', '150000', '--seed', '11'];
    const ref = await reference(args, join(dir, 'ref-kill.csv'));
    const victim = workers[0] as WorkerProc;
    const submit = payback(['mc', ...args, '--json', '--queue', url, '--chunk-timeout', '2', '--samples', join(dir, 'kill.csv')]);
    // the worker says so when it takes the first chunk of the run, before it evaluates it: kill it then
    await victim.waitFor(/run [0-9a-f]{8}: hyperscaler-base, 150,000 samples, seed 11/);
    victim.proc.kill('SIGKILL');
    expect((await victim.exit).signal).toBe('SIGKILL');
    const r = await submit;
    expect(r.code, r.err).toBe(0);
    expect(r.out.toString('utf8')).toBe(ref.json);
    expect(readFileSync(join(dir, 'kill.csv')).equals(ref.samples)).toBe(true);
    const again = Number(/queue: \d+ chunks, (\d+) handed out again/.exec(r.err)?.[1]);
    expect(again, r.err).toBeGreaterThanOrEqual(1);
    expect(await leftovers(SCHEMA)).toEqual({ runs: 0, results: 0, jobs: 0 });
    // a worker joins later and the queue goes on
    workers.push(startWorker(1));
    const later = await payback(['mc', 'neocloud-base', '-n', '20000', '--json', '--queue', url]);
    expect(later.code, later.err).toBe(0);
  }, 180_000);

  it('a chunk marked done whose result is lost (the results table is unlogged: a server crash empties it) goes on the queue again', async () => {
    const args = ['neocloud-base', '-n', '20000', '--seed', '3'];
    const ref = await reference(args, join(dir, 'ref-lost.csv'));
    const submit = payback(['mc', ...args, '--json', '--queue', url], LOST);
    const { default: PgBoss } = await import('pg-boss');
    const boss = new PgBoss({ connectionString: url, schema: LOST, supervise: false, schedule: false, migrate: false });
    boss.on('error', () => {});
    // the run is on the queue: take one chunk and mark it done with no result, as if the server had crashed after
    let lost: string | undefined;
    for (let i = 0; i < 600 && lost === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if ((await leftovers(LOST).catch(() => ({ jobs: 0 }))).jobs !== 5) continue;
      await boss.start();
      const [job] = await boss.fetch(QUEUE_NAME);
      if (job !== undefined) {
        await boss.complete(QUEUE_NAME, job.id);
        lost = job.id;
      }
    }
    await boss.stop({ graceful: false });
    expect(lost).toBeDefined();
    const worker = startWorker(1, LOST);
    try {
      const r = await submit;
      expect(r.code, r.err).toBe(0);
      expect(r.out.toString('utf8')).toBe(ref.json);
      expect(r.err).toMatch(/queue: 5 chunks, 1 handed out again/);
      expect(await leftovers(LOST)).toEqual({ runs: 0, results: 0, jobs: 0 });
    } finally {
      worker.proc.kill('SIGTERM');
      await worker.exit;
    }
  }, 120_000);

  it('a submitter killed mid-run: once it is a minute silent, a worker drops its run, and its jobs as it meets them', async () => {
    const submit = payback(['mc', 'neocloud-base', '-n', '30000', '--json', '--queue', url], LONELY);
    let seen = false;
    for (let i = 0; i < 600 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await leftovers(LONELY)
        .then((l) => l.jobs === 8 && l.runs === 1)
        .catch(() => false);
    }
    expect(seen).toBe(true);
    submit.proc.kill('SIGKILL');
    await submit;
    await sql(`UPDATE "${LONELY}".mc_runs SET seen_at = now() - interval '61 seconds'`);
    const worker = startWorker(1, LONELY);
    try {
      await worker.waitFor(/run [0-9a-f]{8}: abandoned by its submitter; its chunks are dropped/);
      for (let i = 0; i < 300; i++) {
        if ((await leftovers(LONELY)).jobs === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await leftovers(LONELY)).toEqual({ runs: 0, results: 0, jobs: 0 });
    } finally {
      worker.proc.kill('SIGTERM');
      await worker.exit;
    }
  }, 120_000);

  it('four connections opening a new queue schema at once all get it (setup one at a time: no deadlock between installs)', async () => {
    const { openQueue } = await import('../src/queue/pg-queue.ts');
    const fresh = `${SCHEMA}_together`;
    try {
      const opened = await Promise.allSettled([0, 1, 2, 3].map(() => openQueue(url, { schema: fresh, connections: 2 })));
      for (const o of opened) if (o.status === 'fulfilled') await o.value.close();
      expect(opened.map((o) => (o.status === 'fulfilled' ? 'ok' : String(o.reason)))).toEqual(['ok', 'ok', 'ok', 'ok']);
    } finally {
      await sql(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`).catch(() => {});
    }
  }, 120_000);

  it('a bad queue URL: exit 2, one clear line naming --queue, no stack trace (mc and worker)', async () => {
    const refused = await payback(['mc', 'neocloud-base', '-n', '1000', '--queue', 'postgres://postgres@127.0.0.1:1/nothing']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/--queue: cannot open the queue postgres:\/\/postgres@127\.0\.0\.1:1\/nothing .*ECONNREFUSED/);
    const notPg = await payback(['worker', '--queue', 'http://example.com/db']);
    expect(notPg.code).toBe(2);
    expect(notPg.err).toContain('--queue: "http://example.com/db" is not a PostgreSQL URL');
    const noDb = await payback(['worker', '--queue', url.replace(/\/[^/]*$/, '/no_such_database')]);
    expect(noDb.code).toBe(2);
    expect(noDb.err).toContain('database "no_such_database" does not exist');
    for (const r of [refused, notPg, noDb]) expect(r.err).not.toMatch(/internal error|node:internal|\n\s+at .*:\d+:\d+/);
    const timeoutAlone = await payback(['mc', 'neocloud-base', '--chunk-timeout', '5']);
    expect(timeoutAlone.code).toBe(2);
    expect(timeoutAlone.err).toContain('--chunk-timeout goes with --queue');
  }, 120_000);

  it('Ctrl-C of the submitter: exit 130, its chunks taken off the queue and its rows removed', async () => {
    // a schema no worker watches: the run waits on the queue
    const submit = payback(['mc', 'hyperscaler-base', '-n', '100000', '--json', '--queue', url], LONELY);
    let seen = false;
    for (let i = 0; i < 600 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await leftovers(LONELY)
        .then((l) => l.jobs === 25 && l.runs === 1)
        .catch(() => false);
    }
    expect(seen).toBe(true);
    submit.proc.kill('SIGINT');
    const r = await submit;
    expect(r.code === 130 || r.signal === 'SIGINT', r.err).toBe(true);
    expect(r.err).toContain('interrupted after 0 of 100,000 samples');
    expect(r.out.length).toBe(0);
    expect(await leftovers(LONELY)).toEqual({ runs: 0, results: 0, jobs: 0 });
  }, 120_000);
});
