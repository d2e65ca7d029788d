import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { loadCatalog, readScenarioText, writeFileAtomic } from '../../io/files.ts';
import { resultJson, segmentsCsv, yearsCsv } from '../../report/export.ts';
import { inputRows } from '../../report/inputs.ts';
import type { ExportOptions } from '../commands/export.ts';
import { type CliIO, InputError, printWarnings } from '../context.ts';
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
  const { scenario, warnings } = loadScenarioOrFail(file);
  printWarnings(io, warnings);
  const result = evaluateOrFail(scenario);
  const written: string[] = [];
  if (opts.xlsx !== undefined) {
    // exceljs is loaded only by the command that needs it
    const { writeXlsx } = await import('../../report/xlsx.ts');
    const catalog = loadCatalog();
    const catalogRow = catalog.accelerators.find((a) => a.id === scenario.fleet.accelerator);
    const sources = new Map(inputRows(scenario, { text: readScenarioText(file), catalogRow }).map((r) => [r.path, r.source]));
    mkdirSync(dirname(opts.xlsx), { recursive: true });
    await writeXlsx(result, opts.xlsx, { catalog, sourceOf: (p) => sources.get(p) });
    written.push(opts.xlsx);
  }
  if (opts.csv !== undefined) {
    const prefix = csvPrefix(opts.csv, scenario.id);
    write(`${prefix}-years.csv`, yearsCsv(result));
    write(`${prefix}-segments.csv`, segmentsCsv(result));
    written.push(`${prefix}-years.csv`, `${prefix}-segments.csv`);
  }
  if (opts.json !== undefined) {
    write(opts.json, resultJson(result));
    written.push(opts.json);
  }
  for (const w of written) io.out(`wrote ${w}`);
  printWarnings(io, result.warnings);
}
