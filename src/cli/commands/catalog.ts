import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export function catalogCommand(program: Command, io: CliIO): void {
  program
    .command('catalog')
    .description('the accelerator catalog, each row with its source')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => (await import('../actions/catalog.ts')).catalogAction(io, opts));
}
