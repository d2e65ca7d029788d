/** `payback worker --queue URL`: evaluate Monte Carlo chunks from the queue until SIGINT or SIGTERM. */
import { availableParallelism } from 'node:os';
import { queueSchema, queueUrlProblem } from '../../queue/pg-queue.ts';
import { startQueueWorker, type QueueWorkerEvent } from '../../queue/worker.ts';
import type { WorkerOptions } from '../commands/worker.ts';
import { type CliIO, InputError, json } from '../context.ts';

export async function workerAction(io: CliIO, opts: WorkerOptions): Promise<void> {
  const issues: { path: string; message: string }[] = [];
  const urlProblem = queueUrlProblem(opts.queue);
  if (urlProblem !== null) issues.push({ path: '--queue', message: urlProblem });
  const schema = queueSchema(process.env);
  if ('problem' in schema) issues.push({ path: 'PAYBACK_QUEUE_SCHEMA', message: schema.problem });
  if (issues.length > 0 || 'problem' in schema) throw new InputError(issues);
  const slots = opts.workers ?? availableParallelism();
  const say = (text: string): void => io.err(`payback worker: ${text}`);
  const onEvent = (e: QueueWorkerEvent): void => {
    if (e.type === 'run') say(`run ${e.run.slice(0, 8)}: ${e.label}, ${e.chunks.toLocaleString('en-US')} chunks`);
    else if (e.type === 'chunk') {
      if (opts.verbose) say(`run ${e.run.slice(0, 8)}: chunk ${e.index} in ${Math.round(e.ms)} ms`);
    } else if (e.type === 'dropped') say(`run ${e.run.slice(0, 8)}: ${e.reason === 'gone' ? 'stopped by its submitter' : 'abandoned by its submitter'}; its chunks are dropped`);
    else if (e.type === 'trouble') say(e.message);
    else say('the queue answers again');
  };
  const started = process.hrtime.bigint();
  const worker = await startQueueWorker({ url: opts.queue, schema: schema.schema }, { slots, onEvent });
  say(`taking Monte Carlo chunks from ${worker.location}, ${slots} at a time; Ctrl-C stops`);
  let stops = 0;
  const onSignal = (): void => {
    stops++;
    if (stops === 1) say('stopping once the chunks in hand are done (again: stop now)');
    void worker.stop({ now: stops > 1 });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await worker.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const s = worker.stats();
  say(`stopped: ${s.chunks.toLocaleString('en-US')} chunks (${s.samples.toLocaleString('en-US')} samples) of ${s.runs} run${s.runs === 1 ? '' : 's'} in ${seconds.toFixed(1)} s`);
  if (opts.json) io.out(json({ ...s, seconds: Number(seconds.toFixed(3)) }));
}
