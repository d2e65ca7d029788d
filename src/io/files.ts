/**
 * The node side of loading: where the shipped data lives, reading the catalog
 * and scenario files, and writing files so that nothing is left half-written.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMeanSuffix, formatIssues } from '../model/issues.ts';
import { loadCheckedScenarioText } from '../analysis/scenario-checks.ts';
import { MAX_FILE_BYTES } from '../model/bounds.ts';
import { knownValue, parseCatalogText, type ParsedText, type ResolveResult } from '../model/load.ts';
import { EnvironmentError, environmentFailure } from './environment.ts';
import { inArchetypeOrder, OPERATORS } from '../model/operators.ts';
import type { Catalog } from '../model/schema.ts';

const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** The file name `-`: standard input where a file is read, standard output where one is written. */
export const STDIO = '-';
/** How issues name standard input. */
export const STDIN_NAME = '<stdin>';

let stdinCache: string | undefined;

/**
 * Standard input as text, read to its end once: every `-` of one command
 * reads the same text. Blocks until the writer closes it, as `cat` does.
 */
export function stdinText(): string {
  if (stdinCache !== undefined) return stdinCache;
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      // a non-blocking descriptor with nothing yet: wait a little, then read again
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  stdinCache = Buffer.concat(chunks).toString('utf8');
  return stdinCache;
}

/** The repository's `data/` directory. */
export function dataDir(): string {
  return fileURLToPath(new URL('../../data/', import.meta.url));
}

/**
 * The shipped YAML as the build parsed it (`dist/shipped-data.json`, written by
 * scripts/shipped-data.mjs): by path under data/, each file's value with the
 * hash of the text it came from, and the checked catalog. A fresh process
 * spends tens of ms in the YAML reader and zod the first time; this is a read
 * and a `JSON.parse`. Used only for a text with the same hash, so an edited
 * file is parsed as it is now; none beside the source (a checkout running src/).
 */
interface ShippedData {
  texts?: Record<string, { sha1: string; value: unknown }>;
  catalog?: { sha1: string; catalog: Catalog };
}
let shippedData: ShippedData | undefined;

function shipped(): ShippedData {
  if (shippedData === undefined) {
    try {
      const data: unknown = JSON.parse(readFileSync(fileURLToPath(new URL('../shipped-data.json', import.meta.url)), 'utf8'));
      shippedData = typeof data === 'object' && data !== null ? (data as ShippedData) : {};
    } catch {
      shippedData = {};
    }
  }
  return shippedData;
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** The key of a file under data/ in the shipped data (`scenarios/neocloud-base.yaml`); undefined elsewhere. */
function shippedKey(path: string): string | undefined {
  const rel = relative(dataDir(), resolve(path));
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
}

/** A shipped file's text as the build parsed it, when the build parsed this very text (else undefined: parse it). */
export function shippedParse(path: string, text: string): ParsedText | undefined {
  const key = shippedKey(path);
  const entry = key === undefined ? undefined : shipped().texts?.[key];
  if (entry === undefined || entry.sha1 !== sha1(text)) return undefined;
  return knownValue(text, structuredClone(entry.value), { file: displayName(path) });
}

/** The shipped accelerator catalog. Throws only if that file is broken: a bug in the package, not bad input. */
export function loadCatalog(): Catalog {
  const path = join(dataDir(), 'catalog', 'accelerators.yaml');
  const text = readFileSync(path, 'utf8');
  const cached = shipped().catalog;
  if (cached !== undefined && cached.sha1 === sha1(text)) return structuredClone(cached.catalog);
  const r = parseCatalogText(text, { file: displayName(path) });
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

/**
 * The base case of each archetype (`<operator>-base`), in archetype order: what
 * `compare` and `report` show when given no scenario. Variants such as
 * `neocloud-levered` are built-ins too, listed but not shown by default.
 */
export function archetypeBaseCases(): string[] {
  return builtinsInArchetypeOrder().filter((id) => OPERATORS.some((o) => id === `${o}-base`));
}

function builtinPath(id: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) return undefined;
  for (const ext of SCENARIO_EXTENSIONS) {
    const p = join(dataDir(), 'scenarios', `${id}${ext}`);
    if (isFile(p)) return p;
  }
  return undefined;
}

export const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** A path as issues show it: relative to the working directory when that is shorter. */
export function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && rel.length < path.length ? rel : path;
}

/**
 * The text of a scenario file or built-in (its line comments cite the sources),
 * standard input for `-`, undefined when there is no such file or it cannot be read.
 */
export function readScenarioText(pathOrId: string): string | undefined {
  if (pathOrId === STDIO) {
    try {
      return stdinText();
    } catch {
      return undefined;
    }
  }
  const path = isFile(pathOrId) ? pathOrId : builtinPath(pathOrId);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Read a scenario file by path, a built-in by id (`neocloud-base`) or
 * standard input (`-`), and resolve it. Problems, a missing file included,
 * come back as issues.
 *
 * @example
 * const r = readScenarioFile('neocloud-base');
 * if (!r.ok) console.error(formatIssues(r.issues));
 */
export function readScenarioFile(pathOrId: string, catalog: Catalog = loadCatalog()): ResolveResult {
  if (pathOrId === STDIO) {
    let text: string;
    try {
      text = stdinText();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { ok: false, issues: [{ path: '', message: `cannot read standard input: ${why}`, file: STDIN_NAME, code: 'unreadable' }], warnings: [] };
    }
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_FILE_BYTES) {
      return { ok: false, issues: [{ path: '', message: `standard input holds ${mb(size)}: a scenario file may be at most ${mb(MAX_FILE_BYTES)} (MODEL.md §2)`, file: STDIN_NAME, code: 'too_big' }], warnings: [] };
    }
    return loadCheckedScenarioText(text, catalog, { file: STDIN_NAME });
  }
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
  return loadCheckedScenarioText(text, catalog, { file, parsed: shippedParse(path, text) });
}

/** A size for people, in MB. */
export const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 3 : 1)} MB`;

/** A file being written in pieces, invisible under its name until `commit`. */
export interface AtomicFile {
  /** append bytes or UTF-8 text */
  write(data: string | Uint8Array): void;
  /** flush it to disk and rename it over the target: readers see the old file or the new, never half of it */
  commit(): void;
  /** drop it: the target is left as it was */
  abort(): void;
}

/**
 * Open `path` for writing in pieces: a temporary file in the same directory,
 * renamed over the target on `commit`, removed on `abort`. For output too big
 * to hold in memory as one string (every Monte Carlo sample).
 *
 * @example
 * const f = openAtomic('samples.csv');
 * try { f.write('a,b\n'); f.write('1,2\n'); f.commit(); } catch (e) { f.abort(); throw e; }
 */
export function openAtomic(path: string): AtomicFile {
  // a device or a pipe (/dev/stdout, a FIFO) is written to in place, never renamed over
  const special = isSpecial(path);
  const tmp = special ? path : join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (err) {
    throw asEnvironmentError(err, path);
  }
  let open = true;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  const drop = (): void => {
    close();
    if (!special) rmSync(tmp, { force: true });
  };
  return {
    write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      try {
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      } catch (err) {
        // a full or read-only disk is told as such, naming the file asked for (not the temporary one)
        throw asEnvironmentError(err, path);
      }
    },
    commit() {
      try {
        if (!special) fsyncSync(fd);
        close();
        if (!special) renameSync(tmp, path);
      } catch (err) {
        drop();
        throw asEnvironmentError(err, path);
      }
    },
    abort: drop,
  };
}

/**
 * Write a file so that readers see the old content or the new, never half of
 * it: write a temporary file in the same directory, flush it, rename it over.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const f = openAtomic(path);
  try {
    f.write(data);
  } catch (err) {
    f.abort();
    throw err;
  }
  f.commit();
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
