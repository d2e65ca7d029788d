import type { Command } from 'commander';
import { DEFAULT_SWING } from '../../analysis/tornado.ts';
import { collect } from '../analysis-options.ts';
import type { CliIO } from '../context.ts';

export interface TornadoOptions {
  metric: string;
  swing: string;
  range: string[];
  driver: string[];
  json?: boolean;
}

export function tornadoCommand(program: Command, io: CliIO): void {
  program
    .command('tornado')
    .description('each driver at a low and a high value, a summary metric at each, sorted by swing')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('--metric <metric>', 'the summary metric (npv, irr, paybackYears, grossProfitPerMW, …)', 'npv')
    .option('--swing <fraction>', 'low and high are base ∓ swing · |base|', String(DEFAULT_SWING))
    .option('--range <PATH=lo:hi>', "a driver's low and high (repeatable; adds the driver if it is not a default one)", collect, [] as string[])
    .option('--driver <path>', 'an input path (repeatable; default: the drivers of MODEL.md §5)', collect, [] as string[])
    .option('--json', 'print the tornado as JSON')
    .action(async (file: string, opts: TornadoOptions) => (await import('../actions/tornado.ts')).tornadoAction(io, file, opts));
}
