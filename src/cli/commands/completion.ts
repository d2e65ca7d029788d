import { type Command, Argument } from 'commander';
import { SHELLS } from '../completion.ts';
import type { CliIO } from '../context.ts';

export function completionCommand(program: Command, io: CliIO): void {
  program
    .command('completion')
    .description('print the shell completion script: source <(payback completion bash), or see README')
    .addArgument(new Argument('<shell>', SHELLS.join(' | ')).choices(SHELLS))
    .option('--json', 'print { shell, script } as JSON')
    .action(async (shell: (typeof SHELLS)[number], opts: { json?: boolean }) => (await import('../actions/completion.ts')).completionAction(io, program, shell, opts));
}
