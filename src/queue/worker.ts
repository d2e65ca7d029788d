/**
 * A queue worker: takes Monte Carlo chunks off the PostgreSQL queue
 * (`pg-queue.ts`), one per slot at a time, whichever run they belong to,
 * evaluates them with the run's plan (`run-payload.ts`), and stores each
 * chunk's columns as bytes for the run's submitter to gather.
 *
 * Workers join and leave at any time, on any machine. One that dies with a
 * chunk in hand leaves it active; pg-boss expires it after the run's chunk
 * timeout and hands it to another. A chunk done twice (expired, then
 * finished late) is stored once: its bytes are the same either way.
 */
import type PgBoss from 'pg-boss';
import { type ChunkEvaluator, ChunkError, inlineEvaluator, threadEvaluator } from './evaluators.ts';
import { ABANDONED_AFTER_SECONDS, openQueue, QUEUE_NAME, type QueueConnection } from './pg-queue.ts';

/** What a chunk on the queue carries: its run and its index; the run's payload is in `mc_runs`. */
export interface ChunkJob {
  run: string;
  chunk: number;
}

export type QueueWorkerEvent =
  /** the first chunk of a run this worker takes */
  | { type: 'run'; run: string; label: string; chunks: number }
  | { type: 'chunk'; run: string; index: number; ms: number }
  /** a run whose submitter went away (Ctrl-C, or not heard of for ABANDONED_AFTER_SECONDS): its chunks are dropped */
  | { type: 'dropped'; run: string; reason: 'gone' | 'abandoned' }
  /** the database failed; the worker keeps trying */
  | { type: 'trouble'; message: string }
  | { type: 'recovered' };

export interface QueueWorkerOptions {
  /** chunks evaluated at once (default 1): one in this thread, more on worker threads, one each */
  slots?: number;
  /** evaluate on worker threads even with one slot (default: only with several) */
  threads?: boolean;
  onEvent?: (e: QueueWorkerEvent) => void;
  /** how long an idle slot waits before it asks the queue again, ms (default 250) */
  pollMs?: number;
}

export interface QueueWorkerStats {
  chunks: number;
  samples: number;
  runs: number;
}

export interface QueueWorker {
  /** the queue, as messages name it */
  readonly location: string;
  stats(): QueueWorkerStats;
  /**
   * Stop taking chunks. Gracefully the slots finish the chunks in hand;
   * `now` hands them back to the queue at once (another worker takes them).
   * Resolves when the worker is stopped (and its connection closed, when it is its own).
   */
  stop(opts?: { now?: boolean }): Promise<void>;
  /** resolves when the worker has stopped */
  readonly done: Promise<void>;
}

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

/**
 * Start a worker on the queue at `url` (its own connection), or on an open
 * connection (`conn`, which the caller closes). Throws an `EnvironmentError`
 * (exit 2) when the queue cannot be opened.
 *
 * @example
 * const w = await startQueueWorker({ url: 'postgres://payback@db.internal/payback' }, { slots: 4 });
 * process.on('SIGTERM', () => void w.stop());
 * await w.done;
 */
export async function startQueueWorker(where: { url: string; schema?: string } | { conn: QueueConnection }, opts: QueueWorkerOptions = {}): Promise<QueueWorker> {
  const slots = opts.slots ?? 1;
  if (!Number.isSafeInteger(slots) || slots < 1) throw new RangeError(`slots must be a whole number ≥ 1, got ${slots}`);
  const emit = (e: QueueWorkerEvent): void => opts.onEvent?.(e);
  const own = 'url' in where;
  const conn = own
    ? await openQueue(where.url, { ...(where.schema !== undefined && { schema: where.schema }), connections: slots + 2, onError: (e) => trouble(e) })
    : where.conn;
  const { pool, boss, schema } = conn;
  const pollMs = opts.pollMs ?? 250;
  const useThreads = opts.threads ?? slots > 1;
  const evaluators: ChunkEvaluator[] = Array.from({ length: slots }, () => (useThreads ? threadEvaluator() : inlineEvaluator()));
  const runs = new Map<string, RunInfo>();
  const seen = new Set<string>();
  const stats: QueueWorkerStats = { chunks: 0, samples: 0, runs: 0 };
  let stopping = false;
  let now = false;
  let troubled = false;
  const wakers: { wake?: () => void }[] = evaluators.map(() => ({}));

  function trouble(e: unknown): void {
    if (troubled) return;
    troubled = true;
    emit({ type: 'trouble', message: `the queue ${conn?.location ?? ''} failed (${message(e)}); trying again` });
  }
  const fine = (): void => {
    if (!troubled) return;
    troubled = false;
    emit({ type: 'recovered' });
  };

  /** The run of a chunk: its payload (once per run), or null when the run is gone or abandoned. */
  async function runInfo(run: string): Promise<RunInfo | null> {
    const known = runs.get(run);
    const { rows } = await pool.query<{ hash: string; label: string; chunks: number; stale: boolean; payload: Buffer | null }>(
      `SELECT hash, label, chunks, seen_at < now() - make_interval(secs => $2) AS stale, CASE WHEN $3 THEN payload END AS payload FROM ${schema}.mc_runs WHERE id = $1`,
      [run, ABANDONED_AFTER_SECONDS, known === undefined],
    );
    const row = rows[0];
    if (row === undefined) {
      runs.delete(run);
      return null;
    }
    if (row.stale) {
      await pool.query(`DELETE FROM ${schema}.mc_runs WHERE id = $1`, [run]);
      runs.delete(run);
      emit({ type: 'dropped', run, reason: 'abandoned' });
      return null;
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
    if (info === null) {
      await boss.complete(QUEUE_NAME, job.id);
      if (!seen.has(`gone:${run}`)) {
        seen.add(`gone:${run}`);
        emit({ type: 'dropped', run, reason: 'gone' });
      }
      return;
    }
    if (!seen.has(run)) {
      seen.add(run);
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
