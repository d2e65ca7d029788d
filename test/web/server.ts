/**
 * The browser tests' server: the real app (`createApp`) on a free loopback
 * port over a SQLite file, restartable on the same file; and the dashboard
 * build, redone when a source is newer than `web/dist`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/io/files.ts';
import { createApp, DEFAULT_LIMITS } from '../../src/server/app.ts';
import { listen } from '../../src/server/listen.ts';
import { WorkerPool } from '../../src/server/pool.ts';
import { openStore } from '../../src/store/open.ts';
import type { ObservationStore } from '../../src/store/types.ts';
import { ROOT } from '../helpers.ts';

export const WEB_DIST = join(ROOT, 'web', 'dist');

/** The newest modification time under these paths (files and folders, recursively). */
function newest(paths: readonly string[]): number {
  let max = 0;
  const visit = (p: string): void => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      if (p.endsWith('node_modules') || p.endsWith('dist')) return;
      for (const n of readdirSync(p)) visit(join(p, n));
    } else max = Math.max(max, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return max;
}

/** What the dashboard is built from. */
const WEB_INPUTS = ['web/src', 'web/index.html', 'web/vite.config.ts', 'src/model', 'src/analysis', 'src/signals', 'src/report', 'data'].map((p) => join(ROOT, p));

const LOCK = join(ROOT, 'web', '.build-lock');

/** Hold a lock directory while `fn` runs (several suites may build at once); a lock older than 10 minutes is stale. */
function withBuildLock<T>(fn: () => T): T {
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 600_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      if (Date.now() - start > 600_000) throw new Error(`waited 10 minutes for ${LOCK}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const fresh = (): boolean => {
  const index = join(WEB_DIST, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= newest(WEB_INPUTS);
};

/**
 * Build the dashboard (`npm run build:web`) when web/dist is missing or older
 * than its sources. It builds into a fresh folder and swaps it in, under a
 * lock, so a concurrent run never serves a half-written build. Returns whether it built.
 */
export function ensureDashboardBuilt(): boolean {
  if (fresh()) return false;
  return withBuildLock(() => {
    if (fresh()) return false;
    const tmp = `${WEB_DIST}.tmp-${process.pid}`;
    const old = `${WEB_DIST}.old-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    execFileSync('npm', ['run', '--silent', 'build:web', '--', '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 300_000,
    });
    if (existsSync(WEB_DIST)) renameSync(WEB_DIST, old);
    renameSync(tmp, WEB_DIST);
    rmSync(old, { recursive: true, force: true });
    return true;
  });
}

export interface RunningServer {
  url: string;
  port: number;
  store: ObservationStore;
  close: () => Promise<void>;
}

/** The app over the SQLite file `db`, listening on 127.0.0.1 (`port` 0: a free one). */
export async function startServer(db: string, port = 0, webDir: string = WEB_DIST): Promise<RunningServer> {
  const store = await openStore({ db });
  const pool = new WorkerPool({ size: 2 });
  const app = createApp({
    store,
    pool,
    catalog: loadCatalog(),
    clock: () => new Date(),
    requireToken: false,
    limits: DEFAULT_LIMITS,
    webDir,
  });
  const server = await listen(app, { host: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port,
    store,
    close: async () => {
      await server.close(1_000);
      await pool.close();
      await store.close();
    },
  };
}
