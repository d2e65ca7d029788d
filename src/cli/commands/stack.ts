import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export function stackCommand(program: Command, io: CliIO): void {
  program
    .command('stack')
    .description('the payback stack: the cash revenue per MW-year that earns the wacc, beside what each source brings')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('--json', 'print the stack as JSON')
    .action(async (file: string, opts: { json?: boolean }) => (await import('../actions/stack.ts')).stackAction(io, file, opts));
}
