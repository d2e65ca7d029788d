/**
 * A Monte Carlo run spread over machines through the PostgreSQL queue: the
 * run is checked and planned here, its payload stored once, one job per
 * chunk put on the queue; any number of `payback worker`s (and, with
 * `workers`, this process too) evaluate the chunks; their columns come back
 * as bytes, are put together here in sample order and summarized by the same
 * code as a run on one thread (`summarizeMonteCarlo`), so the result is the
 * same to the bit as `--workers 1`. Every row of the run is removed when it
 * ends, however it ends; Ctrl-C (the signal) takes its chunks off the queue.
 */
import { randomUUID } from 'node:crypto';
import { AnalysisInputError } from '../analysis/paths.ts';
import { type ChunkResult, type McResult, type MonteCarloOptions, prepareMonteCarlo, summarizeMonteCarlo } from '../analysis/monte-carlo.ts';
import type { Scenario } from '../model/schema.ts';
import { decodeChunk } from './chunk-codec.ts';
import { EnvironmentError, environmentFailure } from '../io/environment.ts';
import { openQueue, QUEUE_NAME, type QueueConnection } from './pg-queue.ts';
import { encodeRunPayload } from './run-payload.ts';
import type { ChunkJob, QueueWorker, QueueWorkerEvent } from './worker.ts';
import { runWorkerOn } from './worker-loop.ts';

/** Seconds a worker may hold a chunk before it is taken for dead and the chunk goes to another (default). */
export const DEFAULT_CHUNK_TIMEOUT_SECONDS = 30;
/** Times a chunk is handed out again after its worker died or timed out, before the run fails. */
export const CHUNK_RETRIES = 10;

export interface QueueRunOptions {
  /** the queue: postgres://user@host:port/database */
  url: string;
  /** the schema of the queue's tables (default `payback_queue`) */
  schema?: string;
  /** chunks this process evaluates too, while its run lasts (default 0: only submit and gather) */
  workers?: number;
  /** seconds a worker may hold a chunk before another gets it (default 30); a chunk must take less */
  chunkTimeoutSeconds?: number;
  /** stops the run when it fires: its chunks are taken off the queue */
  signal?: AbortSignal;
  onStart?: (run: { n: number; chunks: number; workers: number; location: string; run: string }) => void;
  /** samples gathered so far */
  onProgress?: (done: number, total: number) => void;
  /** nothing has come back for a while: are there workers? */
  onWaiting?: (message: string) => void;
  /** what this process's own slots do (with `workers`) */
  onWorkerEvent?: (e: QueueWorkerEvent) => void;
}

export type QueueOutcome =
  | { status: 'done'; result: McResult; workers: number; chunks: number; retried: number }
  | { status: 'interrupted'; done: number; total: number };

/** Queries over the job ids of a run go this many at a time. */
const ID_BATCH = 1_000;
const batches = <T,>(xs: readonly T[]): T[][] => Array.from({ length: Math.ceil(xs.length / ID_BATCH) }, (_, k) => xs.slice(k * ID_BATCH, (k + 1) * ID_BATCH));

/**
 * Run a Monte Carlo through the queue at `q.url`. Throws an
 * `AnalysisInputError` when the run is ill-posed (before connecting), an
 * `EnvironmentError` (exit 2) when the queue cannot be opened, and an Error
 * when a chunk fails on a worker or is given up after CHUNK_RETRIES.
 *
 * @example
 * const out = await runMonteCarloOnQueue(scenario, { n: 1_000_000, seed: 42 }, { url: 'postgres://payback@db.internal/payback', workers: 2 });
 * if (out.status === 'done') console.log(out.result.summary.probabilities);
 */
export async function runMonteCarloOnQueue(scenario: Scenario, options: MonteCarloOptions, q: QueueRunOptions): Promise<QueueOutcome> {
  const prepared = prepareMonteCarlo(scenario, options);
  if (!prepared.ok) throw new AnalysisInputError(prepared.issues);
  const plan = prepared.plan;
  const local = q.workers ?? 0;
  const timeout = q.chunkTimeoutSeconds ?? DEFAULT_CHUNK_TIMEOUT_SECONDS;
  if (!Number.isSafeInteger(local) || local < 0) throw new RangeError(`workers must be a whole number ≥ 0, got ${local}`);
  if (!Number.isSafeInteger(timeout) || timeout < 1 || timeout > 86_399) throw new RangeError(`the chunk timeout must be a whole number of seconds in [1, 86399], got ${timeout}`);
  const conn = await openQueue(q.url, { ...(q.schema !== undefined && { schema: q.schema }), connections: 3 + local });
  const run: Run = { id: randomUUID(), conn, chunks: plan.chunks, jobIds: plan.chunks.map(() => randomUUID()), timeout, inbox: [], resubmitted: 0, aborted: q.signal?.aborted === true };
  const { pool, boss, schema } = conn;
  let worker: QueueWorker | null = null;
  const onAbort = (): void => {
    run.aborted = true;
    run.wake?.();
  };
  q.signal?.addEventListener('abort', onAbort);
  try {
    if (run.aborted) return { status: 'interrupted', done: 0, total: plan.n };
    const { bytes, hash } = encodeRunPayload(scenario, options);
    const label = `${scenario.id}, ${plan.n.toLocaleString('en-US')} samples, seed ${plan.seed}`;
    await pool.query(`INSERT INTO ${schema}.mc_runs (id, hash, payload, chunks, label) VALUES ($1, $2, $3, $4, $5)`, [
      run.id,
      hash,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      plan.chunks.length,
      label,
    ]);
    await submit(run, plan.chunks.map((_, k) => k));
    q.onStart?.({ n: plan.n, chunks: plan.chunks.length, workers: local, location: conn.location, run: run.id });
    if (local > 0) {
      worker = runWorkerOn(conn, false, {
        slots: local,
        threads: local > 1,
        // this process's own chunks come straight here, not through the database
        keep: (id, chunk, b) => {
          if (id !== run.id) return false;
          run.inbox.push({ chunk, data: b, error: null });
          run.wake?.();
          return true;
        },
        ...(q.onWorkerEvent !== undefined && { onEvent: q.onWorkerEvent }),
      });
    }
    const { results, done } = await gather(run, q);
    if (results === null) return { status: 'interrupted', done, total: plan.n };
    const retried = await retriedChunks(run);
    return { status: 'done', result: summarizeMonteCarlo(plan, results, options.keepSamples === true), workers: local, chunks: plan.chunks.length, retried };
  } catch (e) {
    // the database failed under the run: said as the environment's failure, naming the queue
    const failure = environmentFailure(e, { store: `the queue ${conn.location}` });
    throw failure !== undefined ? new EnvironmentError({ ...failure, message: failure.message.replaceAll('the store the queue', 'the queue') }, { cause: e }) : e;
  } finally {
    q.signal?.removeEventListener('abort', onAbort);
    await worker?.stop({ now: run.aborted }).catch(() => {});
    // the run's rows, however it ended: its jobs, then the run (its results go with it)
    try {
      for (const ids of batches(run.jobIds)) await boss.deleteJob(QUEUE_NAME, ids);
      await pool.query(`DELETE FROM ${schema}.mc_runs WHERE id = $1`, [run.id]);
    } catch {
      // the database is gone: the workers drop the run once it is abandoned
    }
    await conn.close();
  }
}

/** A run on the queue, as its submitter follows it. */
interface Run {
  id: string;
  conn: QueueConnection;
  chunks: readonly { start: number; size: number }[];
  /** the job of each chunk (a chunk handed out anew gets a new job) */
  jobIds: string[];
  timeout: number;
  /** results of this process's own slots, in memory */
  inbox: { chunk: number; data: Uint8Array | null; error: string | null }[];
  /** chunks whose result was lost and that went on the queue again */
  resubmitted: number;
  aborted: boolean;
  wake?: () => void;
}

/** Put chunks on the queue, a job each (a fresh one when a chunk is handed out anew). */
async function submit(run: Run, chunks: readonly number[]): Promise<void> {
  const { boss } = run.conn;
  const old = chunks.map((k) => run.jobIds[k] as string);
  for (const k of chunks) run.jobIds[k] = randomUUID();
  if (chunks.length < run.chunks.length) for (const ids of batches(old)) await boss.deleteJob(QUEUE_NAME, ids);
  for (const ks of batches(chunks)) {
    await boss.insert(
      ks.map((chunk) => ({ id: run.jobIds[chunk] as string, name: QUEUE_NAME, data: { run: run.id, chunk } satisfies ChunkJob, expireInSeconds: run.timeout, retryLimit: CHUNK_RETRIES, retryDelay: 0 })),
    );
  }
}

/** Every chunk's result, in chunk order, as it comes back (null when stopped first), and the samples gathered. */
async function gather(run: Run, q: QueueRunOptions): Promise<{ results: ChunkResult[] | null; done: number }> {
  const { pool, schema } = run.conn;
  const K = run.chunks.length;
  const total = run.chunks.reduce((s, c) => s + c.size, 0);
  const results = new Array<ChunkResult | undefined>(K);
  let got = 0;
  let done = 0;
  let lastNews = Date.now();
  let lastBeat = Date.now();
  let lastCheck = Date.now();
  let waitingSaid = false;
  let pause = 20;
  const take = (rows: readonly { chunk: number; data: Uint8Array | null; error: string | null }[]): number => {
    let fresh = 0;
    for (const row of rows) {
      if (row.error !== null) throw new Error(`chunk ${row.chunk} of the run failed on a worker: ${row.error}`);
      if (results[row.chunk] !== undefined || row.data === null) continue;
      const r = decodeChunk(row.data);
      const want = run.chunks[row.chunk];
      if (want === undefined || r.index !== row.chunk || r.start !== want.start || r.size !== want.size) {
        throw new Error(`chunk ${row.chunk} came back as chunk ${r.index} [${r.start}, +${r.size}): not the chunk of this run`);
      }
      results[row.chunk] = r;
      got++;
      fresh++;
      done += r.size;
      q.onProgress?.(done, total);
    }
    return fresh;
  };
  // the results the workers stored, taken out of the database (bytea comes back as hex, which pg decodes natively;
  // pg's binary result mode would mangle it: its bytes pass through a string)
  const drain = async (): Promise<number> =>
    take((await pool.query<{ chunk: number; data: Buffer | null; error: string | null }>(`DELETE FROM ${schema}.mc_results WHERE run_id = $1 RETURNING chunk, data, error`, [run.id])).rows);
  while (got < K) {
    if (run.aborted) return { results: null, done };
    const fresh = take(run.inbox.splice(0)) + (await drain());
    if (got === K) break;
    const t = Date.now();
    if (fresh > 0) {
      lastNews = t;
      pause = 20;
    }
    // however fast the results come: the workers drop a run not heard of for a minute
    if (t - lastBeat > 5_000) {
      lastBeat = t;
      const beat = await pool.query(`UPDATE ${schema}.mc_runs SET seen_at = now() WHERE id = $1`, [run.id]);
      if (beat.rowCount === 0) throw new Error('the run was dropped from the queue: a worker took it for abandoned (this process was not heard of for a minute)');
    }
    if (t - lastCheck > 2_000) {
      lastCheck = t;
      await checkJobs(run, results, async () => {
        take(run.inbox.splice(0));
        await drain();
      });
    }
    if (!waitingSaid && t - lastNews > 10_000) {
      waitingSaid = true;
      q.onWaiting?.(`waiting for workers: ${got} of ${K} chunks back after ${Math.round((t - lastNews) / 1000)} s without news; start some with: payback worker --queue URL`);
    }
    if (fresh === 0 && run.inbox.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        run.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (fresh === 0) pause = Math.min(200, pause * 2);
  }
  return { results: results as ChunkResult[], done };
}

/**
 * The jobs of the chunks still missing: one given up (its workers died or
 * timed out CHUNK_RETRIES times over) fails the run; one done whose result
 * is not in the database (lost with a server that crashed: the table is
 * unlogged) goes on the queue again.
 */
async function checkJobs(run: Run, results: readonly (ChunkResult | undefined)[], collect: () => Promise<void>): Promise<void> {
  const { pool, schema } = run.conn;
  const missing = run.chunks.flatMap((_, k) => (results[k] === undefined ? [k] : []));
  const completed: number[] = [];
  for (const ks of batches(missing)) {
    const { rows } = await pool.query<{ chunk: string; state: string; output: { message?: string; value?: { message?: string } } | null; retry_count: number }>(
      `SELECT data->>'chunk' AS chunk, state, output, retry_count FROM ${schema}.job WHERE name = $1 AND id = ANY($2::uuid[]) AND state IN ('failed', 'completed')`,
      [QUEUE_NAME, ks.map((k) => run.jobIds[k])],
    );
    for (const f of rows) {
      if (f.state === 'completed') {
        completed.push(Number(f.chunk));
        continue;
      }
      const why = f.output?.message ?? f.output?.value?.message ?? 'no reason given';
      throw new Error(`chunk ${f.chunk} of the run was given up after ${f.retry_count + 1} attempts (${why}): its workers died or took longer than the chunk timeout (${run.timeout} s)`);
    }
  }
  if (completed.length === 0) return;
  // a result is stored before its job is marked done: what is still missing once the table is read again is lost
  await collect();
  const lost = completed.filter((k) => results[k] === undefined);
  if (lost.length === 0) return;
  run.resubmitted += lost.length;
  await submit(run, lost);
}

/** How many of the run's chunks were handed out more than once (a worker died, stopped or timed out). */
async function retriedChunks(run: Run): Promise<number> {
  let n = 0;
  for (const ids of batches(run.jobIds)) {
    const { rows } = await run.conn.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${run.conn.schema}.job WHERE name = $1 AND id = ANY($2::uuid[]) AND retry_count > 0`, [QUEUE_NAME, ids]);
    n += Number(rows[0]?.n ?? 0);
  }
  return n + run.resubmitted;
}
