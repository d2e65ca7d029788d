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
import { type ImportResult, readObservations } from '../signals/import.ts';
import { dataDir, loadCatalog } from './files.ts';

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

/** Read and check an observations file (.csv, .json, .yaml); a missing file is an issue. */
export function readObservationsFile(path: string, definitions: readonly SignalDefinition[] = loadSignalDefinitions()): ImportResult {
  const file = shown(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const issue: Issue = { path: '', message: `cannot read the file: ${e instanceof Error ? e.message : String(e)}`, file, code: 'unreadable' };
    return { rows: [], issues: [issue] };
  }
  return readObservations(text, definitions, { file, accelerators: catalogAcceleratorIds() });
}
