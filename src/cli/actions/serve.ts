/** `payback serve`: the JSON API and the dashboard until SIGINT or SIGTERM. */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvironmentError, environmentFailure } from '../../io/environment.ts';
import { loadCatalog } from '../../io/files.ts';
import { createApp, DEFAULT_LIMITS, poolFor } from '../../server/app.ts';
import { listen } from '../../server/listen.ts';
import { isLoopbackHost } from '../../server/security.ts';
import { defaultWebDir } from '../../server/static.ts';
import { openStore, storeOptionsFrom } from '../../store/open.ts';
import { redactUrl } from '../../store/postgres.ts';
import type { ServeOptions } from '../commands/serve.ts';
import { type CliIO, InputError } from '../context.ts';

/** Where the process's stop signals come from; tests pass their own. */
export interface ServeHooks {
  env?: Record<string, string | undefined>;
  /** resolves when the server should stop (default: SIGINT or SIGTERM) */
  stopSignal?: () => Promise<string>;
  /** called once the server listens */
  onListening?: (url: string) => void;
}

function parsePort(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new InputError([{ path: '--port', message: `expected a port number from 0 to 65535, got "${raw}"` }]);
  return n;
}

/** The names the server answers to: --allowed-host, PAYBACK_ALLOWED_HOSTS, and the name it listens on. */
function allowedHostsOf(host: string, flags: readonly string[] | undefined, env: Record<string, string | undefined>): string[] {
  const names = [...(flags ?? []), ...(env['PAYBACK_ALLOWED_HOSTS'] ?? '').split(',')].map((h) => h.trim()).filter((h) => h !== '');
  if (isIP(host) === 0 && host !== '') names.push(host);
  return names;
}

const signals = (): Promise<string> =>
  new Promise((resolve) => {
    const on = (s: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });

/**
 * Serve the API and the dashboard until SIGINT or SIGTERM. Refuses (bad input,
 * exit 2) to listen beyond loopback without PAYBACK_TOKEN: anyone who can reach
 * the port could write to the store.
 */
export async function serve(opts: ServeOptions, io: CliIO, hooks: ServeHooks = {}): Promise<void> {
  const env = hooks.env ?? process.env;
  const host = opts.host;
  const port = parsePort(opts.port);
  const token = env['PAYBACK_TOKEN'] === undefined || env['PAYBACK_TOKEN'] === '' ? undefined : env['PAYBACK_TOKEN'];
  const loopback = isLoopbackHost(host);
  if (!loopback && token === undefined) {
    throw new InputError([
      {
        path: '--host',
        message:
          `refusing to listen on ${host} without a token: anyone who can reach it could write to the store. ` +
          'Set PAYBACK_TOKEN (writes then need Authorization: Bearer <token>), or listen on 127.0.0.1',
      },
    ]);
  }
  if (token !== undefined && token.length < 16) {
    io.err('warning: PAYBACK_TOKEN is shorter than 16 characters; a long random one is safer (openssl rand -hex 32)');
  }

  const where = storeOptionsFrom(opts.db, env);
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(where);
  } catch (e) {
    const failure = environmentFailure(e, { store: where.databaseUrl !== undefined ? redactUrl(where.databaseUrl) : resolve(where.db ?? '') });
    if (failure !== undefined) throw new EnvironmentError(failure, { cause: e });
    throw e;
  }
  // the memory watch stops the largest job once the process holds 60 % of the machine's memory
  const limits = { ...DEFAULT_LIMITS, rssBytes: Math.floor(totalmem() * 0.6) };
  const pool = poolFor(limits);
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    const webDir = defaultWebDir();
    const app = createApp({
      store,
      catalog: loadCatalog(),
      clock: () => new Date(),
      token,
      requireToken: !loopback,
      limits,
      webDir,
      log: (line) => io.err(line),
      pool,
      allowedHosts: allowedHostsOf(host, opts.allowedHost, env),
    });
    server = await listen(app, { host, port });
    const dashboard = existsSync(join(webDir, 'index.html'));
    if (opts.json) {
      io.out(JSON.stringify({ url: server.url, store: { kind: store.kind, location: store.location }, writes: token === undefined ? 'loopback' : 'token', dashboard, openapi: `${server.url}api/openapi.json` }));
    } else {
      io.out(`payback serve: listening on ${server.url}`);
      io.out(`  store: ${store.kind} ${store.location}`);
      io.out(`  writes: ${token === undefined ? 'open to loopback (no PAYBACK_TOKEN)' : 'need Authorization: Bearer $PAYBACK_TOKEN'}`);
      if (!dashboard) io.out('  dashboard: not built yet (npm run build:web); the API works meanwhile');
      io.out(`  API description: ${server.url}api/openapi.json`);
    }
    hooks.onListening?.(server.url);
    // the first heavy request should not wait for a worker to load
    pool.warm();
  } catch (e) {
    await pool.close();
    await store.close();
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new InputError([{ path: code === 'EADDRINUSE' || code === 'EACCES' ? '--port' : '--host', message: `cannot listen on ${host}:${port}: ${(e as Error).message}` }]);
    }
    // a host name that does not resolve (`--host foo.localhost`) is the input's
    const failure = environmentFailure(e, { host });
    if (failure?.kind === 'host-unknown') throw new InputError([{ path: '--host', message: `cannot listen on ${host}: ${failure.message}`, code: failure.kind }]);
    throw e;
  }

  const signal = await (hooks.stopSignal ?? signals)();
  io.err(`payback serve: ${signal}, shutting down`);
  await pool.close();
  await server.close();
  await store.close();
}
