import { type Command, InvalidArgumentError } from 'commander';
import type { CliIO } from '../context.ts';

export interface StackOptions {
  json?: boolean;
  by: 'kind' | 'payer';
}

const grouping = (text: string): 'kind' | 'payer' => {
  if (text === 'kind' || text === 'payer') return text;
  throw new InvalidArgumentError(`expected kind or payer, got "${text}"`);
};

export function stackCommand(program: Command, io: CliIO): void {
  program
    .command('stack')
    .description('the payback stack: the cash revenue per MW-year that earns the wacc, beside what each source brings')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('--by <grouping>', 'the sources by segment kind (paid API, subscriptions, …) or by payer (enterprise, consumer, developer, platform, internal)', grouping, 'kind')
    .option('--json', 'print the stack as JSON')
    .action(async (file: string, opts: StackOptions) => (await import('../actions/stack.ts')).stackAction(io, file, opts));
}
