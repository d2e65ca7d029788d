/**
 * The command line: `makeProgram(io)` builds it, `main.ts` runs it. Tests drive it with their own io.
 * Every command's definition (`commands/`: name, options, help) is built here at
 * each start, so it stays light; its action (`actions/`) is imported when it runs.
 */
import { Command } from 'commander';
import type { CliIO } from './context.ts';
import { catalogCommand } from './commands/catalog.ts';
import { compareCommand } from './commands/compare.ts';
import { initCommand } from './commands/init.ts';
import { resolveCommand } from './commands/resolve.ts';
import { runCommand } from './commands/run.ts';
import { schemaCommand } from './commands/schema.ts';
import { validateCommand } from './commands/validate.ts';
import { migrateCommand } from './commands/migrate.ts';
import { advantagesCommand } from './commands/advantages.ts';
import { internalCommand } from './commands/internal.ts';
import { stackCommand } from './commands/stack.ts';
import { reportCommand } from './commands/report.ts';
import { exportCommand } from './commands/export.ts';
import { serveCommand } from './commands/serve.ts';
import { breakevenCommand } from './commands/breakeven.ts';
import { tornadoCommand } from './commands/tornado.ts';
import { gridCommand } from './commands/grid.ts';
import { signalsCommand } from './commands/signals.ts';
import { mcCommand } from './commands/mc.ts';
import { workerCommand } from './commands/worker.ts';
import { conditionsCommand } from './commands/conditions.ts';
import { designPointCommand } from './commands/designpoint.ts';
import { completionCommand } from './commands/completion.ts';
import { VERSION } from '../version.ts';

/** What every command shares, at the end of `payback --help`. */
export const PROGRAM_NOTES = `
Files: a scenario argument is a file (YAML or JSON), a built-in id (hyperscaler-base, …) or
  - for standard input; - as an output file (export --json -, --xlsx -, report --out -,
  mc --samples -) writes to standard output.
Output: tables for people; --json on every command for programs (stdout stays clean:
  warnings and progress go to stderr).
Exit codes: 0 ok; 2 bad input or usage (every problem listed), also when no command is
  given (this help is printed); 1 an internal error.
Environment:
  PAYBACK_DB      the store (a SQLite file or a postgres:// URL) when --db is not given
  DATABASE_URL    a PostgreSQL store when neither --db nor PAYBACK_DB is given
  PAYBACK_TOKEN   serve: the bearer token that writes need (required beyond loopback)
  PAYBACK_QUEUE_SCHEMA  mc --queue, worker: the schema of the queue's tables (default payback_queue)
  PAYBACK_DEBUG   set to 1 to print the stack trace of an internal error
Shell completion: source <(payback completion bash)   (or zsh; fish: payback completion fish | source)`;

export function makeProgram(io: CliIO): Command {
  const program = new Command('payback')
    .description('Can the inference demand on a block of AI capacity pay back the compute, power, leases, depreciation, financing and refresh behind it?')
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
    })
    .addHelpText('after', PROGRAM_NOTES);
  runCommand(program, io);
  compareCommand(program, io);
  validateCommand(program, io);
  migrateCommand(program, io);
  resolveCommand(program, io);
  catalogCommand(program, io);
  initCommand(program, io);
  schemaCommand(program, io);
  stackCommand(program, io);
  internalCommand(program, io);
  advantagesCommand(program, io);
  reportCommand(program, io);
  exportCommand(program, io);
  serveCommand(program, io);
  breakevenCommand(program, io);
  tornadoCommand(program, io);
  gridCommand(program, io);
  signalsCommand(program, io);
  mcCommand(program, io);
  workerCommand(program, io);
  conditionsCommand(program, io);
  designPointCommand(program, io);
  completionCommand(program, io);
  for (const c of program.commands) c.exitOverride().showSuggestionAfterError(true).configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  return program;
}
