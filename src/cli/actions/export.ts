import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { loadCatalog, readScenarioText, STDIO, writeFileAtomic } from '../../io/files.ts';
import { resultJson, segmentsCsv, tranchesCsv, yearsCsv } from '../../report/export.ts';
import { inputRows } from '../../report/inputs.ts';
import type { ExportOptions } from '../commands/export.ts';
import { binaryToStdoutOrFail, type CliIO, InputError, printWarnings, writeStdout } from '../context.ts';
import { evaluateOrFail, loadScenarioOrFail } from '../scenarios.ts';

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
  const { scenario, warnings } = loadScenarioOrFail(file);
  printWarnings(io, warnings);
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
