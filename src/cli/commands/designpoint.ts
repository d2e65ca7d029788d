import type { Command } from 'commander';
import { DEFAULT_SAMPLES, DEFAULT_SEED, MAX_SAMPLES } from '../../analysis/monte-carlo.ts';
import { DEFAULT_TARGET, TARGET_FORMS } from '../../analysis/targets.ts';
import type { CliIO } from '../context.ts';
import { wholeNumber } from './mc.ts';

export interface DesignPointCliOptions {
  target: string;
  n: number;
  seed: number;
  json?: boolean;
}

export function designPointCommand(program: Command, io: CliIO): void {
  program
    .command('designpoint')
    .description('the design point (FORM): the most likely way the target is missed (or reached), β and Φ(−β) beside the Monte Carlo, each input’s importance')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('--target <target>', `the target: ${TARGET_FORMS.join(' | ')}`, DEFAULT_TARGET)
    .option('-n, --n <count>', 'Monte Carlo samples for the estimate beside the first-order one (0: none)', wholeNumber('-n', 0, MAX_SAMPLES), DEFAULT_SAMPLES)
    .option('--seed <seed>', 'the Monte Carlo seed', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), DEFAULT_SEED)
    .option('--json', 'print the design point as JSON')
    .addHelpText(
      'after',
      "\nThe uncertain inputs are the scenario's uncertainty block, else the default uncertainty (as payback report --mc). A target no values of the inputs can cross is refused (exit 2) with the closest point found.",
    )
    .action(async (file: string, opts: DesignPointCliOptions) => (await import('../actions/designpoint.ts')).designPointAction(io, file, opts));
}
