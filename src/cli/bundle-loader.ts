/**
 * Running the bundled CLI (dist/bundle/, CommonJS chunks) with a V8 code cache,
 * what bin/payback.js does. Compiling the CLI's JavaScript is a third of what a
 * short command costs beyond Node's own start; the code cache — V8's bytecode
 * of the functions a run compiled, kept from an earlier run — takes most of it
 * away. Node 20 has no code cache for ES modules (`module.enableCompileCache`
 * came in Node 22), so the bundle is CommonJS, each chunk compiled here as a
 * `vm.Script` with `cachedData`, the way Node wraps a CommonJS module.
 *
 * The cache is a hint, never a condition: a chunk whose cache is missing, made
 * from another file (size and modification time), by another Node, damaged
 * (its SHA-1) or refused by V8 is compiled from its source, and its cache
 * written again when the process exits; a cache that cannot be read or
 * written (no home directory, a read-only disk) is left alone. One file per
 * chunk, written whole under a temporary name and renamed, so a reader never
 * sees half of one; the caches of chunks that are gone are dropped then. The
 * directory: `PAYBACK_CODE_CACHE` (or `off`), else
 * `$XDG_CACHE_HOME/inference-payback/code-cache` (else `~/.cache/…`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';

/** The code cache's directory from the environment; undefined when it is off or there is nowhere to put it. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env['PAYBACK_CODE_CACHE'];
  if (set === 'off' || set === '0') return undefined;
  if (set !== undefined && set !== '') return resolve(set);
  let base = env['XDG_CACHE_HOME'];
  if (base === undefined || base === '') {
    try {
      const home = homedir();
      if (home === '') return undefined;
      base = join(home, '.cache');
    } catch {
      return undefined;
    }
  }
  return join(base, 'inference-payback', 'code-cache');
}

/** What a cache file says of the chunk it was made from, on its first line; the cache follows. */
interface CacheHeader {
  /** the chunk's path, size and modification time */
  file: string;
  size: number;
  mtimeMs: number;
  /** the Node that made it (V8 refuses another's, but it need not be asked) */
  node: string;
  arch: string;
  /** the SHA-1 of the cache bytes */
  sha1: string;
}

const sha1 = (data: string | Uint8Array): string => createHash('sha1').update(data).digest('hex');

/** The chunks this process has run, in order: what a command loaded (test/cli-startup.test.ts). */
export const loadedChunks: string[] = [];

/** A compiled chunk whose cache is to be written at exit (none was usable). */
interface Pending {
  script: Script;
  cacheFile: string;
  header: Omit<CacheHeader, 'sha1'>;
}

/** The header on the first line of a cache file; undefined when there is none that reads. */
function headerOf(bytes: Buffer): Partial<CacheHeader> | undefined {
  const nl = bytes.indexOf(10);
  if (nl < 0) return undefined;
  try {
    const header: unknown = JSON.parse(bytes.subarray(0, nl).toString('utf8'));
    return typeof header === 'object' && header !== null ? (header as Partial<CacheHeader>) : undefined;
  } catch {
    return undefined;
  }
}

/** The cache of a chunk, if it was made from this very file by this Node and is whole; undefined otherwise. */
function readCache(cacheFile: string, expect: Omit<CacheHeader, 'sha1'>): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const header = headerOf(bytes);
  if (header === undefined) return undefined;
  const data = bytes.subarray(bytes.indexOf(10) + 1);
  const same = header.file === expect.file && header.size === expect.size && header.mtimeMs === expect.mtimeMs && header.node === expect.node && header.arch === expect.arch;
  return same && header.sha1 === sha1(data) ? data : undefined;
}

function writeCache(p: Pending): void {
  try {
    const data = p.script.createCachedData();
    const header: CacheHeader = { ...p.header, sha1: sha1(data) };
    mkdirSync(dirname(p.cacheFile), { recursive: true, mode: 0o700 });
    const tmp = `${p.cacheFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), data]), { mode: 0o600 });
      renameSync(tmp, p.cacheFile);
    } catch {
      rmSync(tmp, { force: true });
    }
  } catch {
    // no cache this time: the next run compiles again
  }
}

/**
 * Drop the caches of chunks that are gone (an uninstalled package, a removed
 * temporary install, a checkout's old build) and temporary files a killed
 * writer left, so the directory does not grow with every install. Run only
 * after a cache was written, which is rare: it reads the first line of each file.
 */
function pruneCaches(cacheDir: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return;
  }
  const buf = Buffer.alloc(4096);
  for (const name of names) {
    const path = join(cacheDir, name);
    try {
      if (name.endsWith('.tmp')) {
        if (statSync(path).mtimeMs < Date.now() - 3_600_000) rmSync(path, { force: true });
        continue;
      }
      if (!/^[0-9a-f]{20}\.bin$/.test(name)) continue;
      const fd = openSync(path, 'r');
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, 0);
      } finally {
        closeSync(fd);
      }
      const file = headerOf(buf.subarray(0, n))?.file;
      if (typeof file !== 'string' || !existsSync(file)) rmSync(path, { force: true });
    } catch {
      // unreadable: left alone
    }
  }
}

/**
 * Run the CommonJS module `entry` — a chunk of the bundle — and the chunks it
 * requires (`./x.cjs`, beside it), each compiled with its code cache from
 * `cacheDir` (none when undefined). Packages and Node's modules are required
 * the ordinary way.
 *
 * @example
 * runBundle(fileURLToPath(new URL('../dist/bundle/payback.cjs', import.meta.url)), codeCacheDir());
 */
export function runBundle(entry: string, cacheDir: string | undefined): void {
  const loaded = new Map<string, { exports: unknown }>();
  const pending: Pending[] = [];
  const requireOutside = createRequire(entry);
  const load = (file: string): unknown => {
    const known = loaded.get(file);
    if (known !== undefined) return known.exports;
    const source = readFileSync(file, 'utf8');
    let cachedData: Buffer | undefined;
    let cacheFile: string | undefined;
    let header: Omit<CacheHeader, 'sha1'> | undefined;
    if (cacheDir !== undefined) {
      try {
        const st = statSync(file);
        header = { file, size: st.size, mtimeMs: st.mtimeMs, node: process.version, arch: process.arch };
        cacheFile = join(cacheDir, `${sha1(file).slice(0, 20)}.bin`);
        cachedData = readCache(cacheFile, header);
      } catch {
        cacheFile = undefined;
      }
    }
    // the wrapper of a CommonJS module, on one line so that line numbers stay the file's
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, ...(cachedData !== undefined && { cachedData }) });
    if (cacheFile !== undefined && header !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) pending.push({ script, cacheFile, header });
    const module = { exports: {} as unknown };
    loaded.set(file, module);
    loadedChunks.push(file);
    const dir = dirname(file);
    const requireHere = (id: string): unknown => (id.startsWith('./') || id.startsWith('../') ? load(resolve(dir, id)) : requireOutside(id));
    (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, requireHere, module, file, dir);
    return module.exports;
  };
  // the cache of what this run compiled, written once it has run (so it holds the functions it used)
  if (cacheDir !== undefined) {
    process.once('exit', () => {
      if (pending.length === 0) return;
      pending.forEach(writeCache);
      pruneCaches(cacheDir);
    });
  }
  load(resolve(entry));
}
