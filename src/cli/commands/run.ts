import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export interface RunOptions {
  json?: boolean;
  years?: boolean;
}

export function runCommand(program: Command, io: CliIO): void {
  program
    .command('run')
    .description('evaluate one scenario (or a portfolio of them, MODEL.md §8): the summary and the yearly path')
    .argument('<scenario>', 'a scenario or portfolio file (YAML or JSON) or a built-in id such as neocloud-base or hyperscaler-buildout')
    .option('--json', 'print the full result contract (MODEL.md §4) as JSON')
    .option('--years', 'print every yearly line of the model, lines as rows')
    .action(async (file: string, opts: RunOptions) => (await import('../actions/run.ts')).runAction(io, file, opts));
}
