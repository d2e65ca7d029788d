import type { Command } from 'commander';
import { paybackStack } from '../../analysis/payback-stack.ts';
import { stackTable } from '../../report/stack-tables.ts';
import { type CliIO, json, loadScenarioOrFail, printWarnings } from '../context.ts';

export function stackCommand(program: Command, io: CliIO): void {
  program
    .command('stack')
    .description('the payback stack: the cash revenue per MW-year that earns the wacc, beside what each source brings')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('--json', 'print the stack as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const { scenario, warnings } = loadScenarioOrFail(file);
      const stack = paybackStack(scenario);
      if (opts.json) {
        io.out(json(stack));
        return;
      }
      printWarnings(io, warnings);
      io.out(stackTable(stack, scenario.name ?? scenario.id));
    });
}
