/**
 * A thread that evaluates Monte Carlo chunks of any run for a queue worker
 * (`src/queue/evaluators.ts`): each request names its run by payload hash and
 * carries the payload; the plan is built once per hash. The result goes back
 * as the chunk's bytes (`chunk-codec.ts`), transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { PlanCache } from './run-payload.ts';

export interface ChunkRequest {
  id: number;
  hash: string;
  payload: Uint8Array;
  index: number;
}
export type ChunkReply = { id: number; bytes: Uint8Array } | { id: number; error: string };

const port = parentPort;
if (port === null) throw new Error('chunk-thread.ts runs in a worker thread');
const plans = new PlanCache();
port.on('message', (req: ChunkRequest) => {
  try {
    const bytes = plans.evaluate(req.hash, req.payload, req.index);
    port.postMessage({ id: req.id, bytes } satisfies ChunkReply, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies ChunkReply);
  }
});
