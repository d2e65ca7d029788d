import type { Command } from 'commander';
import { COMPARE_METRICS } from '../../report/metrics.ts';
import type { CliIO } from '../context.ts';

export interface CompareOptions {
  json?: boolean;
  csv?: boolean;
  metric?: string[];
  rank?: string;
}

/** The metric keys `--metric` and `--rank` accept, for help and error messages. */
export const validKeys = (): string => `${COMPARE_METRICS.map((m) => m.key).join(', ')} (or any other summary field, e.g. leaseCommitment)`;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function compareCommand(program: Command, io: CliIO): void {
  program
    .command('compare')
    .description('scenarios side by side (default: the four built-in archetypes)')
    .argument('[scenarios...]', 'scenario files or built-in ids')
    .option('--metric <keys>', `metrics to show, comma-separated or repeated (default all): ${validKeys()}`, collect)
    .option('--rank <key>', 'order the scenarios by this metric, best first (higher or lower is better as the metric says)')
    .option('--json', 'print the summaries as JSON')
    .option('--csv', 'print the comparison as CSV (one row per scenario)')
    .action(async (files: string[], opts: CompareOptions) => (await import('../actions/compare.ts')).compareAction(io, files, opts));
}
