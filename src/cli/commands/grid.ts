import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export interface GridOptions {
  x: string;
  y: string;
  metric: string;
  target?: string;
  json?: boolean;
  csv?: boolean;
}

export function gridCommand(program: Command, io: CliIO): void {
  program
    .command('grid')
    .description('a summary metric over two drivers, with the breakeven contour marked')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .requiredOption('--x <PATH=lo:hi:n>', 'the driver across, over n values from lo to hi')
    .requiredOption('--y <PATH=lo:hi:n>', 'the driver down, over n values from lo to hi')
    .option('--metric <metric>', 'the summary metric (npv, irr, paybackYears, grossProfitPerMW, …)', 'npv')
    .option('--target <target>', "the target whose contour is marked (default: the metric's own, e.g. npv>=0, irr>=wacc)")
    .option('--json', 'print the grid as JSON')
    .option('--csv', 'print the matrix as CSV (x values across, y values down)')
    .action(async (file: string, opts: GridOptions) => (await import('../actions/grid.ts')).gridAction(io, file, opts));
}
