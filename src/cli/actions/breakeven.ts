import { breakeven } from '../../analysis/breakeven.ts';
import { breakevenTable } from '../../report/analysis-tables.ts';
import { orInputError } from '../analysis-options.ts';
import type { BreakevenOptions } from '../commands/breakeven.ts';
import { type CliIO, json, printWarnings } from '../context.ts';
import { loadSubjectOrFail } from '../scenarios.ts';

export function breakevenAction(io: CliIO, file: string, opts: BreakevenOptions): void {
  const { subject: scenario, warnings } = loadSubjectOrFail(file);
  const report = orInputError(() => breakeven(scenario, { target: opts.target, drivers: opts.driver }));
  if (opts.json) {
    io.out(json(report));
    return;
  }
  printWarnings(io, [...warnings, ...report.warnings]);
  io.out(breakevenTable(report));
}
