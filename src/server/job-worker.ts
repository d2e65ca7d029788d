/**
 * A worker thread of the job pool (`pool.ts`): runs one job at a time as the
 * messages come, and answers each with its result or its failure.
 */
import { parentPort } from 'node:worker_threads';
import { AnalysisInputError } from '../analysis/paths.ts';
import { runJob, type JobKind } from './jobs.ts';
import type { JobReply, JobRequest } from './pool.ts';

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
