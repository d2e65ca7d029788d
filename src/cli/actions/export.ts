import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { loadCatalog, readScenarioText, STDIO, writeFileAtomic } from '../../io/files.ts';
import { resultJson, segmentsCsv, tranchesCsv, yearsCsv } from '../../report/export.ts';
import { inputRows } from '../../report/inputs.ts';
import type { Portfolio } from '../../model/portfolio-load.ts';
import type { ExportOptions } from '../commands/export.ts';
import { binaryToStdoutOrFail, type CliIO, InputError, printWarnings, writeStdout } from '../context.ts';
import { evaluateOrFail, evaluatePortfolioOrFail, loadSubjectOrFail } from '../scenarios.ts';

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** `--csv out/` (an existing directory, or a path ending in /) → `out/<id>`; `--csv out/run1` → `out/run1`. */
export function csvPrefix(arg: string, scenarioId: string): string {
  return arg.endsWith('/') || arg.endsWith(sep) || isDir(arg) ? join(arg, scenarioId) : arg;
}

function write(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, data);
}

export async function exportAction(io: CliIO, file: string, opts: ExportOptions): Promise<void> {
  if (opts.xlsx === undefined && opts.csv === undefined && opts.json === undefined) {
    throw new InputError([{ path: '', message: 'nothing to export: give --xlsx <file>, --csv <dir|prefix> and/or --json <file>' }]);
  }
  // `-` is standard output: one output at most can go there, and a workbook not to a terminal
  const toStdout = (['xlsx', 'json'] as const).filter((k) => opts[k] === STDIO);
  const issues = [];
  if (opts.csv === STDIO) issues.push({ path: '--csv', message: '--csv writes two files (years and segments), so it takes a directory or a prefix, not -; for standard output use --json - (or payback compare --csv)' });
  if (toStdout.length > 1) issues.push({ path: '', message: `only one output can go to standard output (-), got ${toStdout.map((k) => `--${k} -`).join(' and ')}` });
  if (issues.length > 0) throw new InputError(issues);
  if (opts.xlsx === STDIO) binaryToStdoutOrFail(io, '--xlsx', 'a workbook');
  const loaded = loadSubjectOrFail(file);
  printWarnings(io, loaded.warnings);
  if (loaded.kind === 'portfolio') {
    await exportPortfolio(io, loaded.subject, opts, toStdout.length > 0);
    return;
  }
  const scenario = loaded.subject;
  const result = evaluateOrFail(scenario);
  const written: string[] = [];
  if (opts.xlsx !== undefined) {
    // exceljs is loaded only by the command that needs it
    const { buildWorkbook } = await import('../../report/xlsx.ts');
    const catalog = loadCatalog();
    const catalogRow = catalog.accelerators.find((a) => a.id === scenario.fleet.accelerator);
    const sources = new Map(inputRows(scenario, { text: readScenarioText(file), catalogRow }).map((r) => [r.path, r.source]));
    const buf: unknown = await buildWorkbook(result, { catalog, sourceOf: (p) => sources.get(p) }).xlsx.writeBuffer();
    const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf as ArrayBuffer);
    if (opts.xlsx === STDIO) await writeStdout(io, bytes);
    else {
      write(opts.xlsx, bytes);
      written.push(opts.xlsx);
    }
  }
  if (opts.csv !== undefined) {
    const prefix = csvPrefix(opts.csv, scenario.id);
    write(`${prefix}-years.csv`, yearsCsv(result));
    write(`${prefix}-segments.csv`, segmentsCsv(result));
    written.push(`${prefix}-years.csv`, `${prefix}-segments.csv`);
    if (result.tranches !== undefined) {
      write(`${prefix}-tranches.csv`, tranchesCsv(result));
      written.push(`${prefix}-tranches.csv`);
    }
  }
  if (opts.json === STDIO) await writeStdout(io, resultJson(result));
  else if (opts.json !== undefined) {
    write(opts.json, resultJson(result));
    written.push(opts.json);
  }
  // with something on standard output, what was written is said on standard error
  for (const w of written) (toStdout.length > 0 ? io.err : io.out)(`wrote ${w}`);
  printWarnings(io, result.warnings);
}

/** A portfolio (MODEL.md §8): its workbook (consolidation, revenue gap and wall as live formulas, with charts), CSV of its years, vintages and gap, its JSON. */
async function exportPortfolio(io: CliIO, portfolio: Portfolio, opts: ExportOptions, toStdout: boolean): Promise<void> {
  const result = evaluatePortfolioOrFail(portfolio);
  const e = await import('../../report/portfolio-export.ts');
  const written: string[] = [];
  if (opts.xlsx !== undefined) {
    const { portfolioXlsx } = await import('../../report/portfolio-xlsx.ts');
    const bytes = await portfolioXlsx(result);
    if (opts.xlsx === STDIO) await writeStdout(io, bytes);
    else {
      write(opts.xlsx, bytes);
      written.push(opts.xlsx);
    }
  }
  if (opts.csv !== undefined) {
    const prefix = csvPrefix(opts.csv, portfolio.id);
    write(`${prefix}-years.csv`, e.portfolioYearsCsv(result));
    write(`${prefix}-vintages.csv`, e.vintagesCsv(result));
    write(`${prefix}-revenue-gap.csv`, e.revenueGapCsv(result));
    written.push(`${prefix}-years.csv`, `${prefix}-vintages.csv`, `${prefix}-revenue-gap.csv`);
    if (e.portfolioHasCapital(result)) {
      write(`${prefix}-tranches.csv`, e.vintageTranchesCsv(result));
      written.push(`${prefix}-tranches.csv`);
    }
  }
  if (opts.json === STDIO) await writeStdout(io, e.portfolioJson(result));
  else if (opts.json !== undefined) {
    write(opts.json, e.portfolioJson(result));
    written.push(opts.json);
  }
  for (const w of written) (toStdout ? io.err : io.out)(`wrote ${w}`);
  printWarnings(io, result.warnings);
}
