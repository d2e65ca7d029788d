import type { Command } from 'commander';
import { OPERATORS } from '../../model/operators.ts';
import type { CliIO } from '../context.ts';

/** The archetypes a scenario can start from. */
export const ARCHETYPES = OPERATORS.filter((o) => o !== 'custom');

export interface InitOptions {
  id: string;
  out?: string;
  json?: boolean;
}

export function initCommand(program: Command, io: CliIO): void {
  program
    .command('init')
    .description('print a commented scenario to start from (redirect it to a file and edit)')
    .argument('<archetype>', ARCHETYPES.join(' | '))
    .option('--id <id>', 'the id of the new scenario', '')
    .option('--out <file>', 'write it to this file (never over an existing one) instead of standard output (-)')
    .option('--json', 'a JSON scenario (with its "$schema") instead of the commented YAML')
    .addHelpText(
      'after',
      '\nThe scenario names its JSON Schema for editors (a `# yaml-language-server: $schema=…` line, or "$schema" in JSON):\n' +
        'when the schema lies inside the working directory, a path relative to where the file goes (--out, else the\n' +
        'working directory), e.g. ./node_modules/inference-payback/schema/scenario.schema.json; else an absolute path.',
    )
    .action(async (archetype: string, opts: InitOptions) => (await import('../actions/init.ts')).initAction(io, archetype, opts));
}
