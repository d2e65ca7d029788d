import type { Command } from 'commander';
import { type DriverRange, DEFAULT_SWING, tornado } from '../../analysis/tornado.ts';
import { parseNumberText } from '../../analysis/targets.ts';
import type { Issue } from '../../model/issues.ts';
import type { SummaryField } from '../../model/result.ts';
import { tornadoTable } from '../../report/analysis-tables.ts';
import { collect, failOn, orInputError, parseRangeOption } from '../analysis-options.ts';
import { type CliIO, json, loadScenarioOrFail, printWarnings } from '../context.ts';

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
    .action((file: string, opts: { metric: string; swing: string; range: string[]; driver: string[]; json?: boolean }) => {
      const issues: Issue[] = [];
      const swing = parseNumberText(opts.swing);
      if (swing === undefined) issues.push({ path: '', message: `--swing: ${JSON.stringify(opts.swing)} is not a number; expected a fraction such as 0.2 (±20 %)`, code: 'bad_swing' });
      const ranges: DriverRange[] = [];
      for (const text of opts.range) {
        const r = parseRangeOption('--range', text, false);
        if ('message' in r) issues.push(r);
        else ranges.push({ path: r.path, lo: r.lo, hi: r.hi });
      }
      failOn(issues);
      const { scenario, warnings } = loadScenarioOrFail(file);
      const report = orInputError(() =>
        tornado(scenario, { metric: opts.metric as SummaryField, swing: swing as number, ranges, drivers: opts.driver }),
      );
      if (opts.json) {
        io.out(json(report));
        return;
      }
      printWarnings(io, warnings);
      io.out(tornadoTable(report));
    });
}
