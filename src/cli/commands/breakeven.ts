import type { Command } from 'commander';
import { DEFAULT_TARGET, TARGET_FORMS } from '../../analysis/targets.ts';
import { collect } from '../analysis-options.ts';
import type { CliIO } from '../context.ts';

export interface BreakevenOptions {
  target: string;
  driver: string[];
  json?: boolean;
}

export function breakevenCommand(program: Command, io: CliIO): void {
  program
    .command('breakeven')
    .description('what has to be true: for each driver, the value that just meets the target with all else at base')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('--target <target>', `the target: ${TARGET_FORMS.join(' | ')}`, DEFAULT_TARGET)
    .option('--driver <path>', 'an input path to solve for (repeatable; default: the drivers of MODEL.md §5)', collect, [] as string[])
    .option('--json', 'print the table as JSON')
    .action(async (file: string, opts: BreakevenOptions) => (await import('../actions/breakeven.ts')).breakevenAction(io, file, opts));
}
