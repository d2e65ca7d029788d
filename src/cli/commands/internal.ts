import type { Command } from 'commander';
import { INTERNAL_DEFAULT_STEPS } from '../../analysis/internal.ts';
import type { CliIO } from '../context.ts';

export function internalCommand(program: Command, io: CliIO): void {
  program
    .command('internal')
    .description('internal inference: clean and strategic revenue, GP per MW and NPV as the internal share of tokens rises from 0 to 80 %')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as hyperscaler-base')
    .option('--steps <n>', `points of the sweep from 0 to 80 % (default ${INTERNAL_DEFAULT_STEPS})`)
    .option('--json', 'print the sweep as JSON')
    .action(async (file: string, opts: { steps?: string; json?: boolean }) => (await import('../actions/internal.ts')).internalAction(io, file, opts));
}
