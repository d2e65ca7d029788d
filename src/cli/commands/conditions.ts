import type { Command } from 'commander';
import { DEFAULT_SAMPLES, DEFAULT_SEED, MAX_SAMPLES } from '../../analysis/monte-carlo.ts';
import type { CliIO } from '../context.ts';
import { wholeNumber } from './mc.ts';

export interface ConditionsCliOptions {
  n: number;
  seed: number;
  json?: boolean;
}

export function conditionsCommand(program: Command, io: CliIO): void {
  program
    .command('conditions')
    .description(
      'what has to work at the same time: the eight conditions of the case (enterprise, consumer, internal, platform, utilization, cost per token, premium demand, capital), npv when one fails or alone holds, and how often they all hold',
    )
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('-n, --n <count>', 'Monte Carlo samples', wholeNumber('-n', 1, MAX_SAMPLES), DEFAULT_SAMPLES)
    .option('--seed <seed>', 'random seed: same seed and n, same figures', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), DEFAULT_SEED)
    .option('--json', 'print the conditions as JSON')
    .addHelpText(
      'after',
      "\nThe uncertain inputs are the scenario's uncertainty block, else the default uncertainty (as payback report --mc). A condition fails with each of its uncertain inputs at its 10th percentile on its bad side; it holds in a sample when each is at or beyond its median in its good direction.",
    )
    .action(async (file: string, opts: ConditionsCliOptions) => (await import('../actions/conditions.ts')).conditionsAction(io, file, opts));
}
