import { capitalTerminal } from '../../report/capital-terminal.ts';
import { fullYearsTable, summaryTable, yearlyTable } from '../../report/terminal.ts';
import type { RunOptions } from '../commands/run.ts';
import { type CliIO, json, printWarnings } from '../context.ts';
import { evaluateOrFail, evaluatePortfolioOrFail, loadSubjectOrFail } from '../scenarios.ts';

export async function runAction(io: CliIO, file: string, opts: RunOptions): Promise<void> {
  const loaded = loadSubjectOrFail(file);
  if (loaded.kind === 'portfolio') {
    const result = evaluatePortfolioOrFail(loaded.subject);
    if (opts.json) {
      // MODEL.md §8: { portfolio, years (calendar), vintages, summary, revenueGap }, then the segments and warnings
      const { portfolioJson } = await import('../../report/portfolio-export.ts');
      io.out(portfolioJson(result).trimEnd());
      return;
    }
    const t = await import('../../report/portfolio-tables.ts');
    printWarnings(io, loaded.warnings);
    io.out(t.portfolioSummaryTable(result));
    io.out(opts.years ? t.portfolioFullYearsTable(result) : t.portfolioYearsTable(result));
    io.out(t.vintagesTable(result));
    if (result.vintages.some((v) => v.tranches !== undefined)) io.out(t.portfolioCapitalTerminal(result));
    printWarnings(io, result.warnings);
    return;
  }
  const result = evaluateOrFail(loaded.subject);
  if (opts.json) {
    io.out(json(result));
    return;
  }
  printWarnings(io, loaded.warnings);
  io.out(summaryTable(result));
  io.out(opts.years ? fullYearsTable(result) : yearlyTable(result));
  if (result.tranches !== undefined) io.out(capitalTerminal(result));
  printWarnings(io, result.warnings);
}
