/**
 * The node side of the signals: the shipped definitions (`data/signals.yaml`),
 * the seed observations and the context items, and reading an observations
 * file for import.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatIssues, type Issue } from '../model/issues.ts';
import { type ContextItem, parseContext } from '../signals/context.ts';
import { parseSignalDefinitions, type SignalDefinition } from '../signals/definitions.ts';
import { type ImportResult, readObservations, readObservationsCsv, readObservationsJson } from '../signals/import.ts';
import { dataDir, loadCatalog, STDIN_NAME, STDIO, stdinText } from './files.ts';

const shown = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel !== '' && rel.length < path.length ? rel : path;
};

let cached: SignalDefinition[] | undefined;

/** The shipped signal definitions. Throws only if that file is broken: a bug in the package, not bad input. */
export function loadSignalDefinitions(): SignalDefinition[] {
  if (cached !== undefined) return cached;
  const path = join(dataDir(), 'signals.yaml');
  const r = parseSignalDefinitions(readFileSync(path, 'utf8'), { file: shown(path) });
  if (!r.ok) throw new Error(`the shipped signal definitions are broken:\n${formatIssues(r.issues)}`);
  cached = r.definitions;
  return cached;
}

/** The shipped seed observations file (DATA.md §4). */
export const seedObservationsPath = (): string => join(dataDir(), 'observations', 'seed.csv');

/** The shipped context items (not linked to a signal). */
export function loadContext(): ContextItem[] {
  const path = join(dataDir(), 'observations', 'context.yaml');
  const r = parseContext(readFileSync(path, 'utf8'), { file: shown(path) });
  if (!r.ok) throw new Error(`the shipped context file is broken:\n${formatIssues(r.issues)}`);
  return r.items;
}

/** The accelerator ids an observation may name: the shipped catalog's. */
export const catalogAcceleratorIds = (): string[] => loadCatalog().accelerators.map((a) => a.id);

/** The observation formats: by a file's extension, or `--format` for standard input. */
export const OBSERVATION_FORMATS = ['csv', 'json', 'yaml'] as const;
export type ObservationFormat = (typeof OBSERVATION_FORMATS)[number];

/** The format of observations read from standard input without `--format`: JSON or YAML unless the first line is a CSV header. */
export function sniffObservationFormat(text: string): ObservationFormat {
  const first = text.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  if (/^\s*[[{]/.test(first)) return 'json';
  return first.includes(',') && !/:\s/.test(first) && !first.trimStart().startsWith('-') ? 'csv' : 'yaml';
}

/**
 * Read and check an observations file (.csv, .json, .yaml), or standard input
 * for `-` (its format from `format`, else sniffed); a missing file is an issue.
 */
export function readObservationsFile(path: string, definitions: readonly SignalDefinition[] = loadSignalDefinitions(), format?: ObservationFormat): ImportResult {
  const accelerators = catalogAcceleratorIds();
  if (path === STDIO) {
    let text: string;
    try {
      text = stdinText();
    } catch (e) {
      return { rows: [], issues: [{ path: '', message: `cannot read standard input: ${e instanceof Error ? e.message : String(e)}`, file: STDIN_NAME, code: 'unreadable' }] };
    }
    const f = format ?? sniffObservationFormat(text);
    return f === 'csv' ? readObservationsCsv(text, definitions, { file: STDIN_NAME, accelerators }) : readObservationsJson(text, definitions, { file: STDIN_NAME, accelerators });
  }
  const file = shown(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const issue: Issue = { path: '', message: `cannot read the file: ${e instanceof Error ? e.message : String(e)}`, file, code: 'unreadable' };
    return { rows: [], issues: [issue] };
  }
  if (format !== undefined) return format === 'csv' ? readObservationsCsv(text, definitions, { file, accelerators }) : readObservationsJson(text, definitions, { file, accelerators });
  return readObservations(text, definitions, { file, accelerators });
}
