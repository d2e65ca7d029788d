import type { Command } from 'commander';
import type { CliIO } from '../context.ts';
import { wholeNumber } from './mc.ts';

export interface WorkerOptions {
  queue: string;
  workers?: number;
  json?: boolean;
  verbose?: boolean;
}

export function workerCommand(program: Command, io: CliIO): void {
  program
    .command('worker')
    .description('take Monte Carlo chunks from a PostgreSQL queue that `payback mc --queue` fills, on this machine, until Ctrl-C')
    .requiredOption('--queue <url>', 'the queue: a PostgreSQL database, postgres://user@host:port/database (the password may come from PGPASSWORD or ~/.pgpass)')
    .option('--workers <count>', 'chunks evaluated at once, each on a thread of its own (default: the cores)', wholeNumber('--workers', 1, 256))
    .option('--verbose', 'a line on stderr for every chunk done')
    .option('--json', 'when stopped, print { chunks, samples, runs, seconds } as JSON')
    .addHelpText(
      'after',
      `
Any number of workers, on any machines that reach the database, may join or leave at any time;
each takes the next chunk of whichever run is on the queue. A chunk whose worker dies goes to
another after the run's --chunk-timeout. Workers and submitters must run the same version of
payback (each version has a queue of its own). PAYBACK_QUEUE_SCHEMA names the schema of the
queue's tables (default payback_queue), to keep separate pools on one database.

Examples:
  payback worker --queue postgres://payback@db.internal/payback              # on each machine
  payback mc my-portfolio.yaml -n 2000000 --queue postgres://payback@db.internal/payback

Ctrl-C (or SIGTERM) finishes the chunks in hand and stops; a second one stops at once
(the chunks in hand go back to the queue).`,
    )
    .action(async (opts: WorkerOptions) => (await import('../actions/worker.ts')).workerAction(io, opts));
}
