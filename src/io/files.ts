/**
 * The node side of loading: where the shipped data lives, reading the catalog
 * and scenario files, and writing files so that nothing is left half-written.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMeanSuffix, formatIssues } from '../model/issues.ts';
import { loadCheckedScenarioText } from '../analysis/scenario-checks.ts';
import { MAX_FILE_BYTES } from '../model/bounds.ts';
import { parseCatalogText, type ResolveResult } from '../model/load.ts';
import { EnvironmentError, environmentFailure } from './environment.ts';
import { inArchetypeOrder } from '../model/operators.ts';
import type { Catalog } from '../model/schema.ts';

const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** The repository's `data/` directory. */
export function dataDir(): string {
  return fileURLToPath(new URL('../../data/', import.meta.url));
}

/** The shipped accelerator catalog. Throws only if that file is broken: a bug in the package, not bad input. */
export function loadCatalog(): Catalog {
  const path = join(dataDir(), 'catalog', 'accelerators.yaml');
  const r = parseCatalogText(readFileSync(path, 'utf8'), { file: displayName(path) });
  if (!r.ok) throw new Error(`the shipped accelerator catalog is broken:\n${formatIssues(r.issues)}`);
  return r.catalog;
}

/** The ids of the built-in scenarios (`data/scenarios/<id>.yaml`), sorted. */
export function builtinScenarioIds(): string[] {
  const dir = join(dataDir(), 'scenarios');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => SCENARIO_EXTENSIONS.includes(extname(f)))
    .map((f) => basename(f, extname(f)))
    .sort();
}

/** The built-in scenario ids in the order of the archetypes (hyperscaler, frontier lab, neocloud, private factory). */
export function builtinsInArchetypeOrder(): string[] {
  return inArchetypeOrder(builtinScenarioIds());
}

function builtinPath(id: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) return undefined;
  for (const ext of SCENARIO_EXTENSIONS) {
    const p = join(dataDir(), 'scenarios', `${id}${ext}`);
    if (isFile(p)) return p;
  }
  return undefined;
}

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** A path as issues show it: relative to the working directory when that is shorter. */
function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && rel.length < path.length ? rel : path;
}

/**
 * Read a scenario file by path, or a built-in by id (`neocloud-base`), and
 * resolve it. Problems, a missing file included, come back as issues.
 *
 * @example
 * const r = readScenarioFile('neocloud-base');
 * if (!r.ok) console.error(formatIssues(r.issues));
 */
/**
 * The text of a scenario file or built-in (its line comments cite the sources),
 * undefined when there is no such file or it cannot be read.
 */
export function readScenarioText(pathOrId: string): string | undefined {
  const path = isFile(pathOrId) ? pathOrId : builtinPath(pathOrId);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function readScenarioFile(pathOrId: string, catalog: Catalog = loadCatalog()): ResolveResult {
  const path = isFile(pathOrId) ? pathOrId : builtinPath(pathOrId);
  if (path === undefined) {
    const ids = builtinScenarioIds();
    return {
      ok: false,
      issues: [
        {
          path: '',
          message: `no such file or built-in scenario "${pathOrId}"${didYouMeanSuffix(pathOrId, ids)} (built-ins: ${ids.join(', ')})`,
          code: 'not_found',
        },
      ],
      warnings: [],
    };
  }
  const file = path === pathOrId ? pathOrId : displayName(path);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) {
      return { ok: false, issues: [{ path: '', message: `the file is ${mb(size)}: a scenario file may be at most ${mb(MAX_FILE_BYTES)} (MODEL.md §2)`, file, code: 'too_big' }], warnings: [] };
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, issues: [{ path: '', message: `cannot read the file: ${why}`, file, code: 'unreadable' }], warnings: [] };
  }
  return loadCheckedScenarioText(text, catalog, { file });
}

const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 3 : 1)} MB`;

/**
 * Write a file so that readers see the old content or the new, never half of
 * it: write a temporary file in the same directory, flush it, rename it over.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  // a device or a pipe (/dev/stdout) is written to, never renamed over
  if (isSpecial(path)) {
    try {
      writeAll(path, bytes, false);
    } catch (err) {
      throw asEnvironmentError(err, path);
    }
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeAll(tmp, bytes, true);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    // a full or read-only disk is told as such, naming the file asked for (not the temporary one)
    throw asEnvironmentError(err, path);
  }
}

function writeAll(path: string, bytes: Uint8Array, sync: boolean): void {
  const fd = openSync(path, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isSpecial(path: string): boolean {
  try {
    const s = statSync(path);
    return !s.isFile() && !s.isDirectory();
  } catch {
    return false;
  }
}

function asEnvironmentError(err: unknown, path: string): unknown {
  const failure = environmentFailure(err, { file: path });
  return failure === undefined ? err : new EnvironmentError(failure, { cause: err });
}
