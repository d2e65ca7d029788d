import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export function validateCommand(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('check a scenario file; lists every problem at once (exit 2 when there is one)')
    .argument('<scenario>', 'a scenario file or built-in id')
    .action(async (file: string) => (await import('../actions/validate.ts')).validateAction(io, file));
}
