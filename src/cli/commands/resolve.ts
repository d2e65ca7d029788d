import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export function resolveCommand(program: Command, io: CliIO): void {
  program
    .command('resolve')
    .description('print the resolved scenario: catalog values merged under its own, every default filled')
    .argument('<scenario>', 'a scenario file or built-in id')
    .option('--json', 'print JSON instead of YAML')
    .action(async (file: string, opts: { json?: boolean }) => (await import('../actions/resolve.ts')).resolveAction(io, file, opts));
}
