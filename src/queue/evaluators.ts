/**
 * Where a queue worker evaluates its chunks: in its own thread (one slot, no
 * thread to start), or one worker thread per slot (`chunk-thread.ts`). Both
 * build plans with the same `PlanCache` and give the same bytes.
 */
import type { Worker } from 'node:worker_threads';
import { moduleBeside, startWorker } from '../io/worker-start.ts';
import type { ChunkReply, ChunkRequest } from './chunk-thread.ts';
import { PlanCache } from './run-payload.ts';

/** Evaluates one chunk at a time. */
export interface ChunkEvaluator {
  /** The bytes of chunk `index` of the run whose payload hashes to `hash`; rejects with a `ChunkError` when the chunk cannot be evaluated. */
  evaluate(hash: string, payload: Uint8Array, index: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The chunk could not be evaluated (the run does not plan, the thread stopped): said in the chunk's result, not retried. */
export class ChunkError extends Error {
  override readonly name = 'ChunkError';
}

/** In this thread: it is busy while a chunk runs (a chunk takes milliseconds to a second). */
export function inlineEvaluator(): ChunkEvaluator {
  const plans = new PlanCache();
  return {
    evaluate: (hash, payload, index) => {
      try {
        return Promise.resolve(plans.evaluate(hash, payload, index));
      } catch (e) {
        return Promise.reject(new ChunkError(e instanceof Error ? e.message : String(e)));
      }
    },
    close: () => Promise.resolve(),
  };
}

const THREAD_ENTRY = moduleBeside('chunk-thread', import.meta.url);

/** On a worker thread of its own, started on first use and again after it stops. */
export function threadEvaluator(): ChunkEvaluator {
  let thread: Worker | null = null;
  let next = 0;
  const pending = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error): void => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const start = (): Worker => {
    const w = startWorker(THREAD_ENTRY);
    w.on('message', (r: ChunkReply) => {
      const p = pending.get(r.id);
      if (p === undefined) return;
      pending.delete(r.id);
      if ('bytes' in r) p.resolve(r.bytes);
      else p.reject(new ChunkError(r.error));
    });
    w.on('error', (e) => {
      if (thread === w) thread = null;
      failAll(new ChunkError(`the evaluating thread failed: ${e.message}`));
    });
    w.on('exit', (code) => {
      if (thread === w) thread = null;
      failAll(new ChunkError(`the evaluating thread stopped (exit code ${code})`));
    });
    return w;
  };
  return {
    evaluate: (hash, payload, index) =>
      new Promise<Uint8Array>((resolve, reject) => {
        thread ??= start();
        const id = next++;
        pending.set(id, { resolve, reject });
        thread.postMessage({ id, hash, payload, index } satisfies ChunkRequest);
      }),
    close: async () => {
      const w = thread;
      thread = null;
      failAll(new Error('closed'));
      if (w !== null) await w.terminate();
    },
  };
}
