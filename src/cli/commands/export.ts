import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export interface ExportOptions {
  xlsx?: string;
  csv?: string;
  json?: string;
}

export function exportCommand(program: Command, io: CliIO): void {
  program
    .command('export')
    .description('write one scenario (or portfolio) as a spreadsheet with live formulas (--xlsx), CSV (--csv) and/or the JSON result contract (--json)')
    .argument('<scenario>', 'a scenario or portfolio file (YAML or JSON), a built-in id such as neocloud-base or industry-revenue-gap, or - for standard input')
    .option('--xlsx <file>', 'an Excel/LibreOffice workbook: Inputs (named cells), Model (every yearly line as a formula), Summary; - for standard output')
    .option('--csv <dir|prefix>', 'write <prefix>-years.csv and <prefix>-segments.csv (a portfolio: -years, -vintages and -revenue-gap.csv; a directory: <dir>/<id>-…)')
    .option('--json <file>', 'the full result contract (MODEL.md §4); - for standard output')
    .action(async (file: string, opts: ExportOptions) => (await import('../actions/export.ts')).exportAction(io, file, opts));
}
