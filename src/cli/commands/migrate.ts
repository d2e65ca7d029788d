import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export interface MigrateOptions {
  write?: boolean;
  json?: boolean;
}

export function migrateCommand(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .description('rewrite a MODEL.md v1 scenario file as v2 (technology per year, techPremiumPerYear), comments and sources kept; prints it, or --write replaces the file')
    .argument('<file>', 'a scenario file, or - for standard input')
    .option('--write', 'replace the file (atomically) instead of printing the v2 text')
    .option('--json', 'print { file, changed, notes, text } (with --write: { file, changed, notes, written }) as JSON')
    .action(async (file: string, opts: MigrateOptions) => (await import('../actions/migrate.ts')).migrateAction(io, file, opts));
}
