/**
 * A Monte Carlo worker thread: it builds the run's plan from the scenario and
 * options it was started with (the same plan as the main thread's), then
 * evaluates the chunks it is sent, one at a time, and sends each result back
 * with its columns transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ChunkResult, type MonteCarloOptions, prepareMonteCarlo, runChunk } from '../analysis/monte-carlo.ts';
import type { Scenario } from '../model/schema.ts';

/** What the main thread sends: a chunk to run, by index. */
export interface ChunkRequest {
  type: 'chunk';
  index: number;
}

/** What a worker sends back. */
export type WorkerReply = { type: 'ready' } | { type: 'result'; result: ChunkResult } | { type: 'failed'; message: string };

const port = parentPort;
if (port === null) throw new Error('mc-worker.ts runs in a worker thread');
const { scenario, options } = workerData as { scenario: Scenario; options: MonteCarloOptions };
const prepared = prepareMonteCarlo(scenario, options);
if (!prepared.ok) {
  port.postMessage({ type: 'failed', message: prepared.issues.map((i) => `${i.path}: ${i.message}`).join('\n') } satisfies WorkerReply);
} else {
  const plan = prepared.plan;
  port.on('message', (msg: ChunkRequest) => {
    if (msg.type !== 'chunk') return;
    const r = runChunk(plan, msg.index);
    const transfer = [...r.inputs, ...r.metrics, r.irrRoots, r.equityIrrRoots, r.irrAtLeastWacc, r.paybackWithinLife].map((a) => a.buffer as ArrayBuffer);
    port.postMessage({ type: 'result', result: r } satisfies WorkerReply, transfer);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}
