import type { Command } from 'commander';
import { formatIssue } from '../../model/issues.ts';
import { type CliIO, loadScenarioOrFail } from '../context.ts';

export function validateCommand(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('check a scenario file; lists every problem at once (exit 2 when there is one)')
    .argument('<scenario>', 'a scenario file or built-in id')
    .action((file: string) => {
      const { scenario, warnings } = loadScenarioOrFail(file);
      for (const w of warnings) io.err(formatIssue(w));
      io.out(`ok: ${file} is a valid scenario (${scenario.id}, ${scenario.horizon.years} years, ${scenario.demand.segments.length} segments)`);
    });
}
