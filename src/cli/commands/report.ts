/**
 * `payback report`: the HTML report of some scenarios (default: the four
 * built-in archetypes), written atomically; prints the comparison and the path.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { REPORT_MC_SAMPLES, REPORT_MC_SEED } from '../../report/report-defaults.ts';
import type { CliIO } from '../context.ts';

export const DEFAULT_REPORT_OUT = join('out', 'report.html');
export const DEFAULT_REFERENCE = 'hyperscaler-base';

export interface ReportOptions {
  /** samples a scenario, or false with --no-mc */
  mc?: string | false;
  seed?: string;
  out?: string;
  reference?: string;
  signals?: boolean;
  asOf?: string;
  db?: string;
  json?: boolean;
}

export function reportCommand(program: Command, io: CliIO): void {
  program
    .command('report')
    .description('write a self-contained HTML report with charts (default: the four built-in archetypes)')
    .argument('[scenarios...]', 'scenario files or built-in ids')
    .option('--mc <n>', "Monte Carlo samples per scenario, over its uncertainty block (else the default uncertainty): the Verdict's P(npv ≥ 0) and P(irr ≥ wacc), and the histograms", String(REPORT_MC_SAMPLES))
    .option('--no-mc', 'leave the Monte Carlo out (the Verdict then gives no probability)')
    .option('--seed <n>', 'the Monte Carlo seed', String(REPORT_MC_SEED))
    .option('--reference <id>', 'the reference operator for structural advantages (file or built-in id)', DEFAULT_REFERENCE)
    .option('--signals', 'add the evidence of each scenario: the watch list ranked by value of information, and the nowcast from the store')
    .option('--as-of <date>', 'the day the watch list starts from (and with --signals, the evidence up to it), YYYY-MM-DD (default: today)')
    .option('--db <path>', 'with --signals: the store (a SQLite file or a postgres:// URL; default as `payback signals`)')
    .option('--out <file>', 'where to write the report; - for standard output (the comparison then goes to standard error)', DEFAULT_REPORT_OUT)
    .option('--json', 'print what was written as JSON: { out, bytes, scenarios: [{ id, name, operator, summary }] }')
    .action(async (files: string[], opts: ReportOptions) => (await import('../actions/report.ts')).reportAction(io, files, opts));
}
