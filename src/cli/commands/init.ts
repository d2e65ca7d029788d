import type { Command } from 'commander';
import { OPERATORS } from '../../model/operators.ts';
import type { CliIO } from '../context.ts';

/** The archetypes a scenario can start from. */
export const ARCHETYPES = OPERATORS.filter((o) => o !== 'custom');

export function initCommand(program: Command, io: CliIO): void {
  program
    .command('init')
    .description('print a commented scenario to start from (redirect it to a file and edit)')
    .argument('<archetype>', ARCHETYPES.join(' | '))
    .option('--id <id>', 'the id of the new scenario', '')
    .action(async (archetype: string, opts: { id: string }) => (await import('../actions/init.ts')).initAction(io, archetype, opts));
}
