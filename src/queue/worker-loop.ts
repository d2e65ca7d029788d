/**
 * The loop of a queue worker (`worker.ts`) on an open connection: each slot
 * takes a chunk, evaluates it, stores its bytes, marks it done, and again.
 * Kept apart from `worker.ts` so the public types do not name the driver's.
 */
import type PgBoss from 'pg-boss';
import { type ChunkEvaluator, ChunkError, inlineEvaluator, threadEvaluator } from './evaluators.ts';
import { ABANDONED_AFTER_SECONDS, QUEUE_NAME, type QueueConnection } from './pg-queue.ts';
import type { ChunkJob, QueueWorker, QueueWorkerEvent, QueueWorkerOptions, QueueWorkerStats } from './worker.ts';

interface RunInfo {
  hash: string;
  payload: Uint8Array;
  label: string;
  chunks: number;
}

const sleep = (ms: number, wake: { wake?: () => void }): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      delete wake.wake;
      resolve();
    }
    wake.wake = done;
  });

const message = (e: unknown): string => (e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e));

/** A worker on `conn` (closed with it when `own`). */
export function runWorkerOn(conn: QueueConnection, own: boolean, opts: QueueWorkerOptions = {}): QueueWorker {
  const slots = opts.slots ?? 1;
  if (!Number.isSafeInteger(slots) || slots < 1) throw new RangeError(`slots must be a whole number ≥ 1, got ${slots}`);
  const emit = (e: QueueWorkerEvent): void => opts.onEvent?.(e);
  const { pool, boss, schema } = conn;
  const pollMs = opts.pollMs ?? 250;
  const useThreads = opts.threads ?? slots > 1;
  const evaluators: ChunkEvaluator[] = Array.from({ length: slots }, () => (useThreads ? threadEvaluator() : inlineEvaluator()));
  const runs = new Map<string, RunInfo>();
  /** the runs this worker has said something of (forgotten by the thousand: a worker may live through many runs) */
  const seen = new Set<string>();
  const note = (key: string): boolean => {
    if (seen.has(key)) return false;
    if (seen.size >= 1_000) seen.clear();
    seen.add(key);
    return true;
  };
  const stats: QueueWorkerStats = { chunks: 0, samples: 0, runs: 0 };
  let stopping = false;
  let now = false;
  let troubled = false;
  const wakers: { wake?: () => void }[] = evaluators.map(() => ({}));

  function trouble(e: unknown): void {
    if (troubled) return;
    troubled = true;
    emit({ type: 'trouble', message: `the queue ${conn.location} failed (${message(e)}); trying again` });
  }
  conn.onError = trouble;
  const fine = (): void => {
    if (!troubled) return;
    troubled = false;
    emit({ type: 'recovered' });
  };

  /** The run of a chunk: its payload (once per run), or why there is none: its submitter stopped it, or went silent (then the run is dropped here). */
  async function runInfo(run: string): Promise<RunInfo | 'gone' | 'abandoned'> {
    const known = runs.get(run);
    const { rows } = await pool.query<{ hash: string; label: string; chunks: number; stale: boolean; payload: Buffer | null }>(
      `SELECT hash, label, chunks, seen_at < now() - make_interval(secs => $2) AS stale, CASE WHEN $3 THEN payload END AS payload FROM ${schema}.mc_runs WHERE id = $1`,
      [run, ABANDONED_AFTER_SECONDS, known === undefined],
    );
    const row = rows[0];
    if (row === undefined) {
      runs.delete(run);
      return 'gone';
    }
    if (row.stale) {
      await pool.query(`DELETE FROM ${schema}.mc_runs WHERE id = $1`, [run]);
      runs.delete(run);
      return 'abandoned';
    }
    if (known !== undefined) return known;
    const info: RunInfo = { hash: row.hash, payload: row.payload as Buffer, label: row.label, chunks: row.chunks };
    if (runs.size >= 16) runs.delete(runs.keys().next().value as string);
    runs.set(run, info);
    return info;
  }

  async function handle(job: PgBoss.Job<ChunkJob>, evaluator: ChunkEvaluator): Promise<void> {
    const { run, chunk } = job.data;
    const info = await runInfo(run);
    if (typeof info === 'string') {
      // its submitter is gone and will not clean up: the job goes with the run
      await boss.deleteJob(QUEUE_NAME, job.id);
      if (note(`dropped:${run}`)) emit({ type: 'dropped', run, reason: info });
      return;
    }
    if (note(run)) {
      stats.runs++;
      emit({ type: 'run', run, label: info.label, chunks: info.chunks });
    }
    const started = performance.now();
    let bytes: Uint8Array | null = null;
    let error: string | null = null;
    try {
      bytes = await evaluator.evaluate(info.hash, info.payload, chunk);
    } catch (e) {
      if (now) {
        // stopping now: hand the chunk back at once, for another worker
        await boss.fail(QUEUE_NAME, job.id, { message: 'the worker stopped' }).catch(() => {});
        return;
      }
      if (!(e instanceof ChunkError)) throw e;
      error = e.message;
    }
    // a chunk of the run this process submitted goes to it in memory (`keep`), not through the database
    const kept = bytes !== null && opts.keep?.(run, chunk, bytes) === true;
    if (!kept) {
      try {
        await pool.query(`INSERT INTO ${schema}.mc_results (run_id, chunk, data, error) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
          run,
          chunk,
          bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          error,
        ]);
      } catch (e) {
        // the run went away meanwhile (its submitter stopped): nothing to store
        if ((e as { code?: unknown }).code !== '23503') throw e;
      }
    }
    await boss.complete(QUEUE_NAME, job.id);
    stats.chunks++;
    if (bytes !== null) stats.samples += new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
    emit({ type: 'chunk', run, index: chunk, ms: performance.now() - started });
  }

  async function slot(k: number): Promise<void> {
    const evaluator = evaluators[k] as ChunkEvaluator;
    const waker = wakers[k] as { wake?: () => void };
    let idleSince = Date.now();
    while (!stopping) {
      try {
        const jobs = await boss.fetch<ChunkJob>(QUEUE_NAME, { batchSize: 1 });
        const job = jobs[0];
        if (job === undefined) {
          // pg-boss's fetch answers "nothing" when the database fails: ask the database now and then
          if (Date.now() - idleSince > 5_000) {
            idleSince = Date.now();
            await pool.query('SELECT 1');
            fine();
          }
          await sleep(pollMs, waker);
          continue;
        }
        idleSince = Date.now();
        await handle(job, evaluator);
        fine();
      } catch (e) {
        if (stopping && now) break;
        trouble(e);
        await sleep(1_000, waker);
      }
    }
  }

  const loops = evaluators.map((_, k) => slot(k));
  const done = Promise.all(loops).then(async () => {
    await Promise.all(evaluators.map((e) => e.close()));
    if (own) await conn.close();
  });
  return {
    location: conn.location,
    stats: () => ({ ...stats }),
    stop: async (o = {}) => {
      stopping = true;
      if (o.now === true && !now) {
        now = true;
        await Promise.all(evaluators.map((e) => e.close()));
      }
      for (const w of wakers) w.wake?.();
      await done;
    },
    done,
  };
}
