/**
 * Run the CLI on an argument list and return the exit code instead of exiting:
 * 0 ok, 2 bad input or usage (every issue, no stack trace), 1 a failure of
 * the environment (its own message: a full disk, a store that is down) or an
 * internal error. No command at all (`payback`, `payback signals`) prints the
 * help on stdout and is a usage error, 2, like a missing argument.
 */
import { type Command, CommanderError } from 'commander';
import { environmentFailure } from '../io/environment.ts';
import { formatIssue } from '../model/issues.ts';
import { type CliIO, Exit, InputError } from './context.ts';
import { makeProgram } from './program.ts';

/** The command the arguments name when they stop before one of its subcommands; undefined otherwise. */
function missingSubcommand(program: Command, args: readonly string[]): Command | undefined {
  let cmd = program;
  for (const a of args) {
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub === undefined) return undefined;
    cmd = sub;
  }
  return cmd.commands.length > 0 ? cmd : undefined;
}

export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  const program = makeProgram(io);
  const bare = missingSubcommand(program, args);
  if (bare !== undefined) {
    bare.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    if (e instanceof InputError) {
      const n = e.issues.filter((i) => i.severity !== 'warning').length;
      io.err(`payback: ${n} problem${n === 1 ? '' : 's'} in the input:`);
      for (const i of e.issues) io.err(`  ${formatIssue(i)}`);
      return 2;
    }
    if (e instanceof CommanderError) {
      // help and version are a success; a usage error is bad input
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    // the machine's failures (a full disk, a store that is down…) have their own words, never "please report"
    const env = environmentFailure(e);
    if (env !== undefined) {
      if (env.exitCode === 2) {
        io.err('payback: 1 problem in the input:');
        io.err(`  ${formatIssue({ path: env.path ?? '', message: env.message, code: env.kind })}`);
      } else io.err(`payback: ${env.message}`);
      if (process.env['PAYBACK_DEBUG'] && e instanceof Error) io.err(e.stack ?? '');
      return env.exitCode;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(`payback: internal error: ${err.message}`);
    if (process.env['PAYBACK_DEBUG']) io.err(err.stack ?? '');
    else io.err('(set PAYBACK_DEBUG=1 for the stack trace, and please report it)');
    return 1;
  }
}
