/** `payback mc --queue URL`: the run through the PostgreSQL queue, reported as a run on threads is. */
import type { MonteCarloOptions } from '../../analysis/monte-carlo.ts';
import type { ParallelOptions, ParallelOutcome } from '../../io/mc-workers.ts';
import type { Scenario } from '../../model/schema.ts';
import { queueSchema } from '../../queue/pg-queue.ts';
import { runMonteCarloOnQueue } from '../../queue/submit.ts';
import type { McOptions } from '../commands/mc.ts';
import { type CliIO, InputError } from '../context.ts';

/** The outcome, and what to add to the line of timings (chunks, retries). */
export async function mcOnQueue(
  io: CliIO,
  opts: McOptions & { queue: string },
  scenario: Scenario,
  options: MonteCarloOptions,
  p: Pick<ParallelOptions, 'signal' | 'onStart' | 'onProgress'>,
): Promise<{ outcome: ParallelOutcome; note: string }> {
  const schema = queueSchema(process.env);
  if ('problem' in schema) throw new InputError([{ path: 'PAYBACK_QUEUE_SCHEMA', message: schema.problem }]);
  const out = await runMonteCarloOnQueue(scenario, options, {
    url: opts.queue,
    schema: schema.schema,
    workers: opts.workers ?? 0,
    ...(opts.chunkTimeout !== undefined && { chunkTimeoutSeconds: opts.chunkTimeout }),
    ...(p.signal !== undefined && { signal: p.signal }),
    onStart: (run) => {
      io.err(`payback mc: ${run.chunks.toLocaleString('en-US')} chunks on the queue ${run.location} (run ${run.run.slice(0, 8)})`);
      p.onStart?.({ n: run.n, chunks: run.chunks, workers: run.workers });
    },
    ...(p.onProgress !== undefined && { onProgress: p.onProgress }),
    onWaiting: (message) => io.err(`payback mc: ${message}`),
  });
  if (out.status === 'interrupted') return { outcome: out, note: '' };
  const local = out.workers === 0 ? 'none here' : `${out.workers} here`;
  return {
    outcome: { status: 'done', result: out.result, workers: out.workers },
    note: `queue: ${out.chunks.toLocaleString('en-US')} chunks, ${out.retried} handed out again, workers ${local}`,
  };
}
