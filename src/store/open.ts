/**
 * Choosing the backend: a PostgreSQL URL opens the team store, anything else a
 * SQLite file (default `./.payback/payback.db`).
 */
import { join } from 'node:path';
import { PostgresStore } from './postgres.ts';
import { SqliteStore } from './sqlite.ts';
import type { Clock, ObservationStore } from './types.ts';

/** The SQLite file used when nothing else is said, relative to the working directory. */
export const DEFAULT_DB = join('.payback', 'payback.db');

export interface OpenStoreOptions {
  /** A SQLite file path (or a `postgres://` URL). */
  db?: string | undefined;
  /** A `postgres://` or `postgresql://` URL; wins over `db`. */
  databaseUrl?: string | undefined;
  clock?: Clock | undefined;
  /** PostgreSQL only: keep the tables in this schema. */
  schema?: string | undefined;
}

export const isPostgresUrl = (s: string): boolean => /^postgres(ql)?:\/\//i.test(s);

/**
 * Open the store (creating and migrating it as needed).
 *
 * @example
 * const store = await openStore({ db: '/tmp/obs.db', clock: () => new Date('2026-05-01T00:00:00Z') });
 * await store.addObservations([{ signal: 'power-price', scope: 'us industrial', date: '2024-12-31', value: 83, unit: '$/MWh', source: 'EIA' }]);
 * await store.close();
 */
export async function openStore(opts: OpenStoreOptions = {}): Promise<ObservationStore> {
  const url = opts.databaseUrl ?? (opts.db !== undefined && isPostgresUrl(opts.db) ? opts.db : undefined);
  if (url !== undefined) {
    if (!isPostgresUrl(url)) throw new Error(`DATABASE_URL must be a postgres:// URL, got "${url.slice(0, 20)}…"`);
    return PostgresStore.open(url, { clock: opts.clock, schema: opts.schema });
  }
  return new SqliteStore(opts.db ?? DEFAULT_DB, { clock: opts.clock });
}

/**
 * Where the CLI's store is: `--db PATH` (or a URL), else `PAYBACK_DB`, else
 * `DATABASE_URL` when it is a PostgreSQL URL, else the default file. The
 * environment comes in as a value.
 */
export function storeOptionsFrom(flag: string | undefined, env: Record<string, string | undefined>): OpenStoreOptions {
  const db = flag ?? (env['PAYBACK_DB'] || undefined);
  if (db !== undefined) return isPostgresUrl(db) ? { databaseUrl: db } : { db };
  const url = env['DATABASE_URL'];
  if (url !== undefined && isPostgresUrl(url)) return { databaseUrl: url };
  return { db: DEFAULT_DB };
}
