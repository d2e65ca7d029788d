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
import { VERSION } from '../version.ts';

export function makeProgram(io: CliIO): Command {
  const program = new Command('payback')
    .description('Can the inference demand on a block of AI capacity pay back the compute, power, leases, depreciation, financing and refresh behind it?')
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
    });
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
  for (const c of program.commands) c.exitOverride().showSuggestionAfterError(true).configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  return program;
}
