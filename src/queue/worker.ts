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
import { openQueue } from './pg-queue.ts';
import { runWorkerOn } from './worker-loop.ts';

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
  /** takes a chunk's bytes in memory instead of the database (true: taken); the submitter's own slots use it for its run */
  keep?: (run: string, chunk: number, bytes: Uint8Array) => boolean;
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

/**
 * Start a worker on the queue at `url`, on a connection of its own. Throws an
 * `EnvironmentError` (exit 2) when the queue cannot be opened.
 *
 * @example
 * const w = await startQueueWorker({ url: 'postgres://payback@db.internal/payback' }, { slots: 4 });
 * process.on('SIGTERM', () => void w.stop());
 * await w.done;
 */
export async function startQueueWorker(where: { url: string; schema?: string }, opts: QueueWorkerOptions = {}): Promise<QueueWorker> {
  const slots = opts.slots ?? 1;
  if (!Number.isSafeInteger(slots) || slots < 1) throw new RangeError(`slots must be a whole number ≥ 1, got ${slots}`);
  const conn = await openQueue(where.url, { ...(where.schema !== undefined && { schema: where.schema }), connections: slots + 2 });
  return runWorkerOn(conn, true, opts);
}
