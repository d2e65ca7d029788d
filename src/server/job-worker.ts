/**
 * A worker thread of the job pool (`pool.ts`): runs one job at a time as the
 * messages come, and answers each with its result or its failure.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { AnalysisInputError } from '../analysis/paths.ts';
import { runJob, type JobKind } from './jobs.ts';
import type { JobReply, JobRequest } from './pool.ts';

/** How much lower than the main thread a worker runs (nice): a busy machine gives its cores to the thread that answers first. */
const WORKER_NICE = 10;

// On Linux a thread is a task with its own id and its own priority: lower this one's, so that heavy
// jobs never starve the main thread (/api/health, the quick routes). Elsewhere, or when not allowed, nothing changes.
try {
  const tid = Number(/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
  if (Number.isSafeInteger(tid) && tid > 0) setPriority(tid, WORKER_NICE);
} catch {
  // not Linux, or no /proc: the workers run at the main thread's priority
}

parentPort?.on('message', (m: JobRequest) => {
  void (async () => {
    let reply: JobReply;
    try {
      const value = await runJob(m.kind as JobKind, m.input as never);
      reply = { id: m.id, ok: true, value };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply = { id: m.id, ok: false, name: err.name, message: err.message, ...(e instanceof AnalysisInputError && { issues: e.issues }) };
    }
    // A workbook's bytes move instead of being copied.
    const transfer = reply.ok && reply.value instanceof Uint8Array ? [reply.value.buffer as ArrayBuffer] : [];
    parentPort?.postMessage(reply, transfer);
  })();
});

// loaded: the pool may send jobs (their time budgets start now)
parentPort?.postMessage({ ready: true });
