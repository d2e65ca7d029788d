/**
 * A Monte Carlo worker thread: it builds the run's plan from the scenario and
 * options it was started with (the same plan as the main thread's), then
 * does the tasks it is sent, one at a time: evaluate a chunk (its samples
 * written straight into the run's columns in shared memory), or a part of the summary — a metric's
 * statistics and ranks, a group of drivers' statistics and rank correlations
 * — over columns in shared memory, answering in shared memory too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type BufferAlloc,
  type DriverPart,
  type ImportanceSets,
  type MetricPart,
  type MetricRanks,
  type McColumns,
  type MonteCarloOptions,
  placeChunk,
  prepareMonteCarlo,
  runChunk,
  summarizeDrivers,
  summarizeMetric,
} from '../analysis/monte-carlo.ts';
import type { Scenario } from '../model/schema.ts';

/** What the main thread sends: a task, by its index in the current batch. */
export type WorkerRequest =
  | { type: 'chunk'; index: number; into: McColumns }
  | { type: 'metric'; index: number; column: Float64Array }
  | { type: 'drivers'; index: number; drivers: number[]; columns: Float64Array[]; metrics: MetricRanks[]; sets: ImportanceSets };

/** What a worker sends back: a task's result, with the index of its request. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'chunk'; index: number; size: number; correlated: boolean }
  | { type: 'metric'; index: number; part: MetricPart }
  | { type: 'drivers'; index: number; parts: DriverPart[] }
  | { type: 'failed'; message: string };

/** Memory the other threads can read. */
const sharedBuffer: BufferAlloc = (bytes) => new SharedArrayBuffer(bytes);

const port = parentPort;
if (port === null) throw new Error('mc-worker.ts runs in a worker thread');
const { scenario, options } = workerData as { scenario: Scenario; options: MonteCarloOptions };
const prepared = prepareMonteCarlo(scenario, options);
if (!prepared.ok) {
  port.postMessage({ type: 'failed', message: prepared.issues.map((i) => `${i.path}: ${i.message}`).join('\n') } satisfies WorkerReply);
} else {
  const plan = prepared.plan;
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'chunk') {
      const r = runChunk(plan, msg.index, true);
      placeChunk(msg.into, r);
      port.postMessage({ type: 'chunk', index: msg.index, size: r.size, correlated: r.correlated } satisfies WorkerReply);
    } else if (msg.type === 'metric') {
      port.postMessage({ type: 'metric', index: msg.index, part: summarizeMetric(plan, msg.column, sharedBuffer) } satisfies WorkerReply);
    } else if (msg.type === 'drivers') {
      const parts = summarizeDrivers(plan, msg.drivers, msg.columns, msg.metrics, msg.sets, sharedBuffer);
      port.postMessage({ type: 'drivers', index: msg.index, parts } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}
