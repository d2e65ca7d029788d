import { capitalTerminal } from '../../report/capital-terminal.ts';
import { fullYearsTable, summaryTable, yearlyTable } from '../../report/terminal.ts';
import type { RunOptions } from '../commands/run.ts';
import { type CliIO, json, printWarnings } from '../context.ts';
import { evaluateOrFail, loadScenarioOrFail } from '../scenarios.ts';

export function runAction(io: CliIO, file: string, opts: RunOptions): void {
  const { scenario, warnings } = loadScenarioOrFail(file);
  const result = evaluateOrFail(scenario);
  if (opts.json) {
    io.out(json(result));
    return;
  }
  printWarnings(io, warnings);
  io.out(summaryTable(result));
  io.out(opts.years ? fullYearsTable(result) : yearlyTable(result));
  if (result.tranches !== undefined) io.out(capitalTerminal(result));
  printWarnings(io, result.warnings);
}
