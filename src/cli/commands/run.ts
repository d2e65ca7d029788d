import type { Command } from 'commander';
import { evaluate } from '../../model/engine.ts';
import { fullYearsTable, summaryTable, yearlyTable } from '../../report/terminal.ts';
import { type CliIO, json, loadScenarioOrFail, printWarnings } from '../context.ts';

export function runCommand(program: Command, io: CliIO): void {
  program
    .command('run')
    .description('evaluate one scenario: the summary and the yearly path')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('--json', 'print the full result contract (MODEL.md §4) as JSON')
    .option('--years', 'print every yearly line of the model, lines as rows')
    .action((file: string, opts: { json?: boolean; years?: boolean }) => {
      const { scenario, warnings } = loadScenarioOrFail(file);
      const result = evaluate(scenario);
      if (opts.json) {
        io.out(json(result));
        return;
      }
      printWarnings(io, warnings);
      io.out(summaryTable(result));
      io.out(opts.years ? fullYearsTable(result) : yearlyTable(result));
      printWarnings(io, result.warnings);
    });
}
