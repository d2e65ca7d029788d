import type { Command } from 'commander';
import { stringify } from 'yaml';
import { type CliIO, json, loadScenarioOrFail, printWarnings } from '../context.ts';

export function resolveCommand(program: Command, io: CliIO): void {
  program
    .command('resolve')
    .description('print the resolved scenario: catalog values merged under its own, every default filled')
    .argument('<scenario>', 'a scenario file or built-in id')
    .option('--json', 'print JSON instead of YAML')
    .action((file: string, opts: { json?: boolean }) => {
      const { scenario, warnings } = loadScenarioOrFail(file);
      printWarnings(io, warnings);
      io.out(opts.json ? json(scenario) : stringify(scenario, { lineWidth: 0 }).trimEnd());
    });
}
