/**
 * The package as a user gets it: `npm pack` (its `prepack` builds dist/ and
 * the dashboard), then the tarball installed into a blank project, offline.
 * The test of the package and the start-up benchmark share it.
 *
 * Offline: the blank project gets a lock file made from this repository's
 * (the same versions of the package's dependencies, each with its integrity),
 * so `npm ci --offline` takes every tarball from the npm cache that
 * `npm ci` filled, and the package itself from the local tarball. Install
 * scripts are skipped; the one dependency with a native part,
 * better-sqlite3, gets the binary this repository built for the same
 * version and the same Node (what its install script would build again).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  dependencies?: Record<string, string>;
  bin?: Record<string, string> | string;
  [k: string]: unknown;
}

export interface Installed {
  /** the blank project, with the package in node_modules/inference-payback */
  project: string;
  /** the tarball `npm pack` wrote */
  tarball: string;
  /** the files in the tarball, without the leading `package/` */
  files: string[];
  /** the installed package's `payback` (node_modules/.bin/payback) */
  bin: string;
}

const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

/** `npm pack` into `dir` (with its prepack build unless `ignoreScripts`); the tarball's path. */
export function pack(dir: string, opts: { ignoreScripts?: boolean } = {}): string {
  const out = npm(['pack', '--json', '--pack-destination', dir, ...(opts.ignoreScripts ? ['--ignore-scripts'] : [])], ROOT);
  const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
  return join(dir, (info[0] as { filename: string }).filename);
}

/** The lock file of a blank project that depends on the tarball and, optionally, on extra packages of this repository's lock. */
function blankLock(tarballName: string, manifest: { name: string; version: string; dependencies: Record<string, string>; bin: Record<string, string> }, integrity: string, extra: string[]): object {
  const repo = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, LockEntry> = {
    '': { name: 'blank', dependencies: { [manifest.name]: `file:${tarballName}`, ...Object.fromEntries(extra.map((e) => [e, repo.packages[`node_modules/${e}`]?.version ?? '*'])) } },
    [`node_modules/${manifest.name}`]: { version: manifest.version, resolved: `file:${tarballName}`, integrity, license: 'Apache-2.0', dependencies: manifest.dependencies, bin: manifest.bin },
  };
  // the production tree of the repository (what installing the package pulls in), plus the extras and theirs
  const wanted = new Set(extra.map((e) => `node_modules/${e}`));
  for (const [path, entry] of Object.entries(repo.packages)) {
    if (path === '') continue;
    if (entry.dev !== true && entry.devOptional !== true) wanted.add(path);
  }
  // and what those need, to the last dependency (the extras may be dev dependencies of this repository)
  const queue = [...wanted];
  while (queue.length > 0) {
    const entry = repo.packages[queue.pop() as string];
    for (const dep of Object.keys({ ...entry?.dependencies, ...(entry?.['optionalDependencies'] as Record<string, string> | undefined) })) {
      const path = `node_modules/${dep}`;
      if (repo.packages[path] !== undefined && !wanted.has(path)) {
        wanted.add(path);
        queue.push(path);
      }
    }
  }
  for (const path of wanted) {
    const { dev: _d, devOptional: _o, ...entry } = repo.packages[path] as LockEntry;
    packages[path] = entry;
  }
  return { name: 'blank', lockfileVersion: 3, requires: true, packages };
}

/**
 * Pack the package (building it, unless `tarball` is given) and install it
 * into a new blank project under the system's temporary directory.
 * `extra`: packages of this repository's lock to install beside it (e.g. `@types/node`).
 */
export function packAndInstall(opts: { tarball?: string; extra?: string[]; ignoreScripts?: boolean } = {}): Installed {
  const project = mkdtempSync(join(tmpdir(), 'payback-pkg-'));
  const tarball = opts.tarball ?? pack(project, { ignoreScripts: opts.ignoreScripts === true });
  const name = tarball.split('/').pop() as string;
  if (opts.tarball !== undefined) cpSync(tarball, join(project, name));
  const files = execFileSync('tar', ['tzf', join(project, name)], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '')
    .map((f) => f.replace(/^package\//, ''));
  const manifest = JSON.parse(execFileSync('tar', ['xzOf', join(project, name), 'package/package.json'], { encoding: 'utf8' })) as {
    name: string;
    version: string;
    dependencies: Record<string, string>;
    bin: Record<string, string>;
  };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(project, name))).digest('base64')}`;
  const extra = opts.extra ?? [];
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'blank', private: true, type: 'module', dependencies: (blankLock(name, manifest, integrity, extra) as { packages: Record<string, LockEntry> }).packages['']?.dependencies }, null, 2)}\n`);
  writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify(blankLock(name, manifest, integrity, extra), null, 2)}\n`);
  npm(['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
  // better-sqlite3's install script would compile the same binary again (node-gyp, minutes); take this repository's
  const native = join(ROOT, 'node_modules', 'better-sqlite3', 'build');
  const target = join(project, 'node_modules', 'better-sqlite3');
  if (existsSync(native) && existsSync(target)) cpSync(native, join(target, 'build'), { recursive: true });
  const bin = join(project, 'node_modules', '.bin', 'payback');
  if (!existsSync(bin)) throw new Error(`npm ci did not link the payback command (node_modules/.bin: ${readdirSync(join(project, 'node_modules', '.bin')).join(', ')})`);
  mkdirSync(join(project, 'out'), { recursive: true });
  return { project, tarball: join(project, name), files, bin };
}
