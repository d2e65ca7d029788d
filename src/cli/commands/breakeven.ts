import type { Command } from 'commander';
import { breakeven } from '../../analysis/breakeven.ts';
import { DEFAULT_TARGET, TARGET_FORMS } from '../../analysis/targets.ts';
import { breakevenTable } from '../../report/analysis-tables.ts';
import { collect, orInputError } from '../analysis-options.ts';
import { type CliIO, json, loadScenarioOrFail, printWarnings } from '../context.ts';

export function breakevenCommand(program: Command, io: CliIO): void {
  program
    .command('breakeven')
    .description('what has to be true: for each driver, the value that just meets the target with all else at base')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('--target <target>', `the target: ${TARGET_FORMS.join(' | ')}`, DEFAULT_TARGET)
    .option('--driver <path>', 'an input path to solve for (repeatable; default: the drivers of MODEL.md §5)', collect, [] as string[])
    .option('--json', 'print the table as JSON')
    .action((file: string, opts: { target: string; driver: string[]; json?: boolean }) => {
      const { scenario, warnings } = loadScenarioOrFail(file);
      const report = orInputError(() => breakeven(scenario, { target: opts.target, drivers: opts.driver }));
      if (opts.json) {
        io.out(json(report));
        return;
      }
      printWarnings(io, warnings);
      io.out(breakevenTable(report));
    });
}
