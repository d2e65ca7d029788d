/**
 * PostgreSQL as the Monte Carlo queue. The queue itself — claiming a chunk
 * (`FOR UPDATE SKIP LOCKED`), its expiry when a worker dies, the retries — is
 * pg-boss's (10.x), in its schema (`payback_queue` unless
 * PAYBACK_QUEUE_SCHEMA says otherwise). Beside its tables, in the same
 * schema, two of ours: a run's payload, stored once (`mc_runs`), and each
 * chunk's result as bytes (`mc_results`, unlogged), removed with their run.
 *
 * One queue per engine version (`payback-mc-<VERSION>`): a worker of another
 * version, whose numbers could differ, never takes a chunk of this one.
 */
import type PgBoss from 'pg-boss';
import pg from 'pg';
import { EnvironmentError, environmentFailure } from '../io/environment.ts';
import { redactUrl } from '../store/postgres.ts';
import { VERSION } from '../version.ts';

/** The schema of the queue's tables unless PAYBACK_QUEUE_SCHEMA names another. */
export const DEFAULT_QUEUE_SCHEMA = 'payback_queue';
/** The pg-boss queue of this engine version's chunks. */
export const QUEUE_NAME = `payback-mc-${VERSION}`;
/** A run whose submitter has not been heard of for this long is abandoned: a worker drops it. */
export const ABANDONED_AFTER_SECONDS = 60;
/** How often pg-boss's maintenance (expiring the chunks of dead workers) runs, over all the processes of a queue. */
export const MAINTENANCE_SECONDS = 2;

export interface QueueConnection {
  readonly pool: pg.Pool;
  readonly boss: PgBoss;
  /** the schema, quoted for SQL */
  readonly schema: string;
  /** the URL without its password, and the schema: how messages name the queue */
  readonly location: string;
  /** told of pg-boss's failures in the background (its maintenance) */
  onError: ((e: Error) => void) | undefined;
  close(): Promise<void>;
}

/** The problem with a queue URL, or null when it is one (`postgres://` or `postgresql://`). */
export function queueUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL: give postgres://user@host:port/database`;
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return `"${redactUrl(url)}" is not a PostgreSQL URL: give postgres://user@host:port/database`;
  return null;
}

/** The queue's schema: PAYBACK_QUEUE_SCHEMA, else `payback_queue`; a problem when the name is not a plain identifier. */
export function queueSchema(env: Record<string, string | undefined>): { schema: string } | { problem: string } {
  const s = env['PAYBACK_QUEUE_SCHEMA'] ?? DEFAULT_QUEUE_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,49}$/.test(s)) return { problem: `PAYBACK_QUEUE_SCHEMA must be a lower-case name of letters, digits and _ (at most 50), got "${s}"` };
  return { schema: s };
}

/** What went wrong while opening the queue: always the input's (exit 2), named by --queue. */
function openFailure(e: unknown, location: string): EnvironmentError {
  const failure = environmentFailure(e, { store: `the queue ${location}` });
  const detail = e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
  const code = (e as { code?: unknown } | null)?.code;
  const why = failure?.kind === 'permission' || code === '3D000' || code === '28P01' || code === '28000' ? detail : `${detail}${typeof code === 'string' && !detail.includes(code) ? ` (${code})` : ''}`;
  return new EnvironmentError(
    {
      kind: failure?.kind ?? 'store-down',
      message: `cannot open the queue ${location}: ${why}. Check the URL (postgres://user@host:port/database) and that the server is up and reachable from here`,
      exitCode: 2,
      status: 503,
      path: '--queue',
      retryable: failure?.retryable ?? false,
    },
    { cause: e },
  );
}

/**
 * Connect to the queue: its tables (pg-boss's and ours) made when missing,
 * the chunks' queue created. Throws an `EnvironmentError` (exit 2, `--queue`)
 * when the URL is not one or the server cannot be reached or refuses us.
 *
 * @example
 * const q = await openQueue('postgres://payback@db.internal/payback', { schema: 'payback_queue', connections: 4 });
 * await q.close();
 */
export async function openQueue(url: string, opts: { schema?: string; connections?: number; onError?: (e: Error) => void } = {}): Promise<QueueConnection> {
  const problem = queueUrlProblem(url);
  const schemaName = opts.schema ?? DEFAULT_QUEUE_SCHEMA;
  const location = `${redactUrl(url)} (schema ${schemaName})`;
  if (problem !== null) throw new EnvironmentError({ kind: 'store-down', message: problem, exitCode: 2, status: 400, path: '--queue', retryable: false });
  const pool = new pg.Pool({ connectionString: url, max: opts.connections ?? 4, connectionTimeoutMillis: 10_000, keepAlive: true, application_name: 'payback-queue' });
  // an idle client that dies (a server restart) must not end the process: the pool drops it and connects anew
  pool.on('error', () => {});
  const schema = `"${schemaName}"`;
  let boss: PgBoss | undefined;
  let onError = opts.onError;
  // pg-boss's install and createQueue, run by two processes at once (workers started together),
  // can deadlock each other (40P01): one process at a time sets the queue up, under a session lock
  // held on a connection of its own (ending it releases the lock, however setup ends)
  let setup: pg.Client | undefined;
  try {
    await pool.query('SELECT 1');
    setup = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'payback-queue-setup' });
    setup.on('error', () => {}); // a failure surfaces in the query that meets it
    await setup.connect();
    // a setup that hangs elsewhere holds the others a minute at most, then this open fails, named as the queue's
    await setup.query(`SET lock_timeout = '60s'`);
    await setup.query(`SELECT pg_advisory_lock(hashtext(current_database() || ':payback-queue-setup:' || $1))`, [schemaName]);
    const { default: PgBossClass } = await import('pg-boss');
    boss = new PgBossClass({
      db: { executeSql: (text: string, values: unknown[]) => executeSql(pool, text, values) },
      schema: schemaName,
      schedule: false,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
    });
    boss.on('error', (e: Error) => onError?.(e));
    await boss.start();
    await boss.createQueue(QUEUE_NAME, { name: QUEUE_NAME, policy: 'standard' });
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`SELECT pg_advisory_xact_lock(hashtext(current_database() || ':payback-queue:' || $1))`, [schemaName]);
      await c.query(`CREATE TABLE IF NOT EXISTS ${schema}.mc_runs (
        id uuid PRIMARY KEY,
        hash text NOT NULL,
        payload bytea NOT NULL,
        chunks integer NOT NULL,
        label text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        seen_at timestamptz NOT NULL DEFAULT now())`);
      // unlogged: a chunk's bytes live seconds, they need no WAL; a server that crashes loses them, and the submitter hands those chunks out again
      await c.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${schema}.mc_results (
        run_id uuid NOT NULL REFERENCES ${schema}.mc_runs (id) ON DELETE CASCADE,
        chunk integer NOT NULL,
        data bytea,
        error text,
        PRIMARY KEY (run_id, chunk))`);
      // doubles hardly compress: store them as they are, not through pglz
      await c.query(`ALTER TABLE ${schema}.mc_results ALTER COLUMN data SET STORAGE EXTERNAL`);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
    await setup.end();
    setup = undefined;
  } catch (e) {
    await setup?.end().catch(() => {});
    await boss?.stop({ graceful: false, close: false, wait: false }).catch(() => {});
    await pool.end().catch(() => {});
    throw openFailure(e, location);
  }
  const started = boss;
  let closed = false;
  return {
    pool,
    boss: started,
    schema,
    location,
    get onError() {
      return onError;
    },
    set onError(f) {
      onError = f;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await started.stop({ graceful: false, close: false, wait: true }).catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

/** Deadlocks (40P01) a statement of pg-boss's is retried after: its transaction was rolled back whole, so running it again is safe. */
const DEADLOCK_RETRIES = 3;

/**
 * pg-boss's queries on a client of the pool. Its maintenance is a script in
 * its own transaction (`BEGIN; …; COMMIT;`): when it fails half-way the
 * client is rolled back before it goes back to the pool, so the next query
 * does not meet an aborted transaction.
 */
async function executeSql(pool: pg.Pool, text: string, values: unknown[] | undefined): Promise<pg.QueryResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await executeOnce(pool, text, values);
    } catch (e) {
      if (attempt >= DEADLOCK_RETRIES || (e as { code?: unknown }).code !== '40P01') throw e;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * (attempt + 1)));
    }
  }
}

async function executeOnce(pool: pg.Pool, text: string, values: unknown[] | undefined): Promise<pg.QueryResult> {
  const c = await pool.connect();
  let broken: Error | undefined;
  const onError = (e: Error): void => {
    broken ??= e;
  };
  c.on('error', onError);
  try {
    return await c.query(text, values);
  } catch (e) {
    if (broken === undefined && /\bBEGIN\b/i.test(text)) await c.query('ROLLBACK').catch((r: unknown) => void (broken ??= r instanceof Error ? r : new Error(String(r))));
    throw e;
  } finally {
    c.off('error', onError);
    c.release(broken);
  }
}
