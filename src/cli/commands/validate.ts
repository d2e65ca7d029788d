import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export function validateCommand(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('check a scenario file; lists every problem at once (exit 2 when there is one)')
    .argument('<scenario>', 'a scenario file, a built-in id, or - for standard input')
    .option('--json', 'print the verdict as JSON on stdout: { ok, file, scenario, issues, warnings } (exit 2 when not ok)')
    .action(async (file: string, opts: { json?: boolean }) => (await import('../actions/validate.ts')).validateAction(io, file, opts));
}
