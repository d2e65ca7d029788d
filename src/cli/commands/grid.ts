import type { Command } from 'commander';
import { type GridAxis, grid } from '../../analysis/grid.ts';
import type { Issue } from '../../model/issues.ts';
import type { SummaryField } from '../../model/result.ts';
import { gridCsv, gridTable } from '../../report/analysis-tables.ts';
import { failOn, orInputError, parseRangeOption } from '../analysis-options.ts';
import { type CliIO, InputError, json, loadScenarioOrFail, printWarnings } from '../context.ts';

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
    .action((file: string, opts: { x: string; y: string; metric: string; target?: string; json?: boolean; csv?: boolean }) => {
      if (opts.json && opts.csv) throw new InputError('choose one of --json and --csv');
      const issues: Issue[] = [];
      const axis = (name: '--x' | '--y', text: string): GridAxis | undefined => {
        const r = parseRangeOption(name, text, true);
        if ('message' in r) {
          issues.push(r);
          return undefined;
        }
        return { path: r.path, lo: r.lo, hi: r.hi, n: r.n as number };
      };
      const x = axis('--x', opts.x);
      const y = axis('--y', opts.y);
      failOn(issues);
      const { scenario, warnings } = loadScenarioOrFail(file);
      const report = orInputError(() =>
        grid(scenario, { x: x as GridAxis, y: y as GridAxis, metric: opts.metric as SummaryField, ...(opts.target !== undefined && { target: opts.target }) }),
      );
      if (opts.json) {
        io.out(json(report));
        return;
      }
      if (opts.csv) {
        io.out(gridCsv(report).trimEnd());
        return;
      }
      printWarnings(io, warnings);
      io.out(gridTable(report));
    });
}
