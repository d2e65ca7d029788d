/**
 * The compiled package (dist/) for the tests that need it: built once when it
 * is missing or older than the source (`npm test` builds it first anyway).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');

const mtime = (p: string): number => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

function newest(dir: string): number {
  let t = -1;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : mtime(p));
  }
  return t;
}

/** True when dist/ is at least as new as src/ (the same rule as bin/payback.js). */
export const isBuilt = (): boolean => mtime(join(ROOT, 'dist', '.built')) >= newest(join(ROOT, 'src'));

/**
 * Build dist/ unless it is up to date (and with `web`, the dashboard unless
 * web/dist has one). `npm test` builds both before the tests run, so this
 * builds only in a run of single test files after an edit.
 */
export function ensureBuilt(opts: { web?: boolean } = {}): void {
  const web = opts.web === true && !existsSync(join(ROOT, 'web', 'dist', 'index.html'));
  if (!isBuilt() || web) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), ...(opts.web === true ? [] : ['--lib'])], { cwd: ROOT, stdio: 'pipe' });
}
