import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

/** The reference when `--vs` is not given. */
export const DEFAULT_REFERENCE = 'hyperscaler-base';

export function advantagesCommand(program: Command, io: CliIO): void {
  program
    .command('advantages')
    .description('structural advantages: the Shapley attribution of the NPV-per-MW difference to power, silicon, distribution, pricing and balance sheet')
    .argument('<scenario>', 'the operator: a scenario file (YAML or JSON) or a built-in id')
    .option('--vs <reference>', `the reference scenario file or built-in id (default ${DEFAULT_REFERENCE})`)
    .option('--json', 'print the attribution as JSON')
    .action(async (file: string, opts: { vs?: string; json?: boolean }) => (await import('../actions/advantages.ts')).advantagesAction(io, file, opts));
}
