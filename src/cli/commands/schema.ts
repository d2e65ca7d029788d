import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export function schemaCommand(program: Command, io: CliIO): void {
  program
    .command('schema')
    .description('the JSON Schema of scenario files (editors use it to complete and check them)')
    .option('--json', 'JSON (what it always prints; accepted like every command\'s --json)')
    .option('--portfolio', 'the JSON Schema of portfolio files (MODEL.md §8) instead')
    .action(async (opts: { portfolio?: boolean }) => (await import('../actions/schema.ts')).schemaAction(io, opts));
}
