import { paybackStack, type StackGrouping } from '../../analysis/payback-stack.ts';
import { stackTable } from '../../report/stack-tables.ts';
import { type CliIO, json, printWarnings } from '../context.ts';
import { loadSubjectOrFail } from '../scenarios.ts';

export function stackAction(io: CliIO, file: string, opts: { json?: boolean; by?: StackGrouping }): void {
  const { subject: scenario, warnings } = loadSubjectOrFail(file);
  const stack = paybackStack(scenario, { by: opts.by ?? 'kind' });
  if (opts.json) {
    io.out(json(stack));
    return;
  }
  printWarnings(io, warnings);
  io.out(stackTable(stack, scenario.name ?? scenario.id));
}
