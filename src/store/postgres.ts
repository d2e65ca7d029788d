/**
 * The PostgreSQL backend (pg Pool), for a team sharing one store. Same tables
 * and semantics as SQLite; imports go in batches of multi-row inserts inside
 * one transaction, so a killed client leaves nothing behind.
 */
import pg from 'pg';
import { MIGRATIONS, newerSchemaMessage, SCHEMA_VERSION } from './migrations.ts';
import { alreadyCorrected, prepareRows, sha256, toObservation } from './rows.ts';
import type {
  AddOptions,
  AddResult,
  Clock,
  Observation,
  ObservationInput,
  ObservationQuery,
  ObservationStore,
  RunLogEntry,
  RunLogInput,
  SavedScenario,
} from './types.ts';
import { StoreInputError } from './types.ts';

export interface PostgresStoreOptions {
  clock?: Clock | undefined;
  /** Keep the tables in this schema (created if missing) instead of the connection's default. */
  schema?: string | undefined;
  /** Pool size (default 4). */
  max?: number | undefined;
  /** How long connecting may take before it is an error, ms (default 10 s). */
  connectTimeoutMs?: number | undefined;
}

const BATCH = 5_000;
const NOT_SUPERSEDED = `NOT EXISTS (SELECT 1 FROM observations c WHERE c.supersedes = o.id)`;
const SUPERSEDED_BY = `(SELECT c.id FROM observations c WHERE c.supersedes = o.id) AS superseded_by`;
/** Byte order, as SQLite sorts, so both backends list rows in the same order. */
const C = 'COLLATE "C"';

/** The URL as it may be shown: without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export class PostgresStore implements ObservationStore {
  readonly kind = 'postgres' as const;
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly clock: Clock;

  private constructor(pool: pg.Pool, location: string, clock: Clock) {
    this.pool = pool;
    this.location = location;
    this.clock = clock;
  }

  /** Connect, and apply the pending migrations (under an advisory lock). */
  static async open(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const config: pg.PoolConfig = {
      connectionString: url,
      max: opts.max ?? 4,
      // a server that does not answer (down, unreachable) is an error after this long, not a wait forever
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      keepAlive: true,
    };
    if (opts.schema !== undefined) config.options = `-c search_path=${quoteIdent(opts.schema)}`;
    const pool = new pg.Pool(config);
    // an idle client that dies (a server restart) must not crash the process; the pool drops it and connects anew
    pool.on('error', () => {});
    const store = new PostgresStore(pool, redactUrl(url) + (opts.schema ? ` (schema ${opts.schema})` : ''), opts.clock ?? (() => new Date()));
    try {
      await store.migrate(opts.schema);
    } catch (e) {
      await pool.end();
      throw e;
    }
    return store;
  }

  /**
   * Run `fn` in a transaction on a client of its own. While it is checked out
   * the client has an 'error' listener: a server that stops mid-transaction
   * makes the client emit 'error', which with no listener would end the
   * process. The transaction's query fails too, so the listener only notes it;
   * a client that failed so is dropped from the pool, not reused.
   */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (e: Error): void => {
      broken ??= e;
    };
    c.on('error', onError);
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      if (broken === undefined) await c.query('ROLLBACK').catch((r: unknown) => void (broken ??= r instanceof Error ? r : new Error(String(r))));
      throw e;
    } finally {
      c.off('error', onError);
      c.release(broken);
    }
  }

  private async migrate(schema: string | undefined): Promise<void> {
    await this.tx(async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtext(current_database() || ':' || $1))`, [`payback-migrate:${schema ?? ''}`]);
      if (schema !== undefined) await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const { rows } = await c.query<{ v: number | null }>(`SELECT max(version) AS v FROM schema_migrations`);
      const current = rows[0]?.v ?? 0;
      if (current > SCHEMA_VERSION) throw new Error(newerSchemaMessage(current, this.location));
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        await m.postgres({ query: (sql, params) => c.query(sql, params) });
        await c.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, this.clock().toISOString()]);
      }
    });
  }

  async schemaVersion(): Promise<number> {
    const { rows } = await this.pool.query<{ v: number | null }>(`SELECT max(version) AS v FROM schema_migrations`);
    return rows[0]?.v ?? 0;
  }

  async addObservations(rows: readonly ObservationInput[], opts: AddOptions = {}): Promise<AddResult> {
    const { unique } = prepareRows(rows);
    const recordedAt = this.clock().toISOString();
    try {
      return await this.tx(async (c) => {
        // known rows are skipped before the insert, so a re-import burns no ids
        const skip = new Set<string>();
        for (let start = 0; start < unique.length; start += BATCH) {
          const keys = unique.slice(start, start + BATCH).map((r) => r.key);
          const known = await c.query<{ key: string }>(`SELECT key FROM observations WHERE key = ANY($1::text[])`, [keys]);
          for (const r of known.rows) skip.add(r.key);
        }
        // corrections: the rows they correct must exist and not be corrected yet
        const corrections = unique.filter((r) => r.supersedes !== null && !skip.has(r.key));
        if (corrections.length > 0) {
          const targets = await c.query<{ id: string; by: string | null }>(
            `SELECT o.id, (SELECT c.id FROM observations c WHERE c.supersedes = o.id) AS by FROM observations o WHERE o.id = ANY($1::bigint[])`,
            [corrections.map((r) => r.supersedes)],
          );
          const byId = new Map(targets.rows.map((t) => [Number(t.id), t.by]));
          for (const [i, r] of unique.entries()) {
            if (r.supersedes === null || skip.has(r.key)) continue;
            if (!byId.has(r.supersedes)) throw new StoreInputError(`observation ${i + 1}: supersedes ${r.supersedes}, which does not exist`);
            const by = byId.get(r.supersedes);
            if (by !== null && by !== undefined) throw new StoreInputError(alreadyCorrected(r.supersedes, by));
          }
        }
        const todo = unique.filter((r) => !skip.has(r.key));
        const idByKey = new Map<string, number>();
        for (let start = 0; start < todo.length; start += BATCH) {
          const b = todo.slice(start, start + BATCH);
          const res = await c.query<{ id: string; key: string }>(
            `INSERT INTO observations (signal, scope, date, value, unit, source, url, note, recorded_at, supersedes, key, operator_class, accelerator, basis, facility_share)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[],
               $12::text[], $13::text[], $14::text[], $15::float8[])
             ON CONFLICT (key) DO NOTHING RETURNING id, key`,
            [
              b.map((r) => r.signal),
              b.map((r) => r.scope),
              b.map((r) => r.date),
              b.map((r) => r.value),
              b.map((r) => r.unit),
              b.map((r) => r.source),
              b.map((r) => r.url),
              b.map((r) => r.note),
              b.map(() => recordedAt),
              b.map((r) => r.supersedes),
              b.map((r) => r.key),
              b.map((r) => r.operator),
              b.map((r) => r.accelerator),
              b.map((r) => r.basis),
              b.map((r) => r.facilityShare),
            ],
          );
          for (const r of res.rows) idByKey.set(r.key, Number(r.id));
          opts.onProgress?.(Math.min(start + BATCH, todo.length), todo.length);
        }
        const fresh = todo.filter((r) => idByKey.has(r.key));
        if (fresh.length > 0) {
          const pairs = [...new Set(fresh.map((r) => `${r.signal}\u0000${r.scope}`))].map((s) => s.split('\u0000'));
          await c.query(`INSERT INTO series (signal, scope) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, [
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
          ]);
        }
        if (todo.length === 0) opts.onProgress?.(0, 0);
        const ids = fresh.map((r) => idByKey.get(r.key) as number);
        return { added: ids.length, duplicates: rows.length - ids.length, ids };
      });
    } catch (e) {
      if (e instanceof Error && (e as { constraint?: string }).constraint === 'observations_supersedes') {
        throw new StoreInputError('two rows correct the same observation: a correction chain is linear');
      }
      throw e;
    }
  }

  async listObservations(q: ObservationQuery = {}): Promise<Observation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.signal !== undefined) where.push(`o.signal = ANY(${p(typeof q.signal === 'string' ? [q.signal] : [...q.signal])}::text[])`);
    if (q.ids !== undefined) where.push(`o.id = ANY(${p([...q.ids])}::bigint[])`);
    if (q.scope !== undefined) where.push(`o.scope = ${p(q.scope)}`);
    if (q.from !== undefined) where.push(`o.date >= ${p(q.from)}`);
    if (q.to !== undefined) where.push(`o.date <= ${p(q.to)}`);
    if (!q.history) where.push(NOT_SUPERSEDED);
    const sql = `SELECT o.*, ${SUPERSEDED_BY} FROM observations o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY o.signal ${C}, o.scope ${C}, o.date ${C}, o.id ${q.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(q.limit))}` : ''}`;
    const { rows } = await this.pool.query(sql, params);
    return rows.map(toObservation);
  }

  async getObservation(id: number): Promise<Observation | undefined> {
    const { rows } = await this.pool.query(`SELECT o.*, ${SUPERSEDED_BY} FROM observations o WHERE o.id = $1`, [id]);
    return rows[0] === undefined ? undefined : toObservation(rows[0]);
  }

  async latestBySeries(q: { asOf?: string | undefined; signals?: readonly string[] | undefined } = {}): Promise<Observation[]> {
    const params: unknown[] = [q.asOf ?? '9999-12-31'];
    let filter = '';
    if (q.signals !== undefined) {
      params.push([...q.signals]);
      filter = `WHERE s.signal = ANY($2::text[])`;
    }
    const { rows } = await this.pool.query(
      `SELECT o.*, NULL AS superseded_by FROM series s
       CROSS JOIN LATERAL (
         SELECT o.* FROM observations o
         WHERE o.signal = s.signal AND o.scope = s.scope AND o.date <= $1 AND ${NOT_SUPERSEDED}
         ORDER BY o.date DESC, o.id DESC LIMIT 1) o
       ${filter}
       ORDER BY o.signal ${C}, o.scope ${C}`,
      params,
    );
    return rows.map(toObservation);
  }

  async countObservations(q: { history?: boolean | undefined } = {}): Promise<number> {
    const sql = q.history ? `SELECT count(*) AS n FROM observations` : `SELECT count(*) AS n FROM observations o WHERE ${NOT_SUPERSEDED}`;
    const { rows } = await this.pool.query<{ n: string }>(sql);
    return Number(rows[0]?.n ?? 0);
  }

  async saveScenario(id: string, yaml: string): Promise<SavedScenario> {
    const hash = sha256(yaml);
    const savedAt = this.clock().toISOString();
    return this.tx(async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`payback-scenario:${id}`]);
      const { rows } = await c.query(`SELECT * FROM scenarios WHERE id = $1 ORDER BY version DESC LIMIT 1`, [id]);
      const last = rows[0];
      if (last !== undefined && last['hash'] === hash) return toSaved(last);
      const version = last === undefined ? 1 : Number(last['version']) + 1;
      await c.query(`INSERT INTO scenarios (id, version, yaml, hash, saved_at) VALUES ($1, $2, $3, $4, $5)`, [id, version, yaml, hash, savedAt]);
      return { id, version, yaml, hash, savedAt };
    });
  }

  async getScenario(id: string, version?: number): Promise<SavedScenario | undefined> {
    const { rows } =
      version === undefined
        ? await this.pool.query(`SELECT * FROM scenarios WHERE id = $1 ORDER BY version DESC LIMIT 1`, [id])
        : await this.pool.query(`SELECT * FROM scenarios WHERE id = $1 AND version = $2`, [id, version]);
    return rows[0] === undefined ? undefined : toSaved(rows[0]);
  }

  async scenarioVersions(id: string): Promise<SavedScenario[]> {
    const { rows } = await this.pool.query(`SELECT * FROM scenarios WHERE id = $1 ORDER BY version`, [id]);
    return rows.map(toSaved);
  }

  async listScenarios(): Promise<SavedScenario[]> {
    const { rows } = await this.pool.query(
      `SELECT s.* FROM scenarios s WHERE s.version = (SELECT MAX(v.version) FROM scenarios v WHERE v.id = s.id) ORDER BY s.id`,
    );
    return rows.map(toSaved);
  }

  async logRun(entry: RunLogInput): Promise<RunLogEntry> {
    const ranAt = this.clock().toISOString();
    await this.pool.query(`INSERT INTO runs (scenario_id, scenario_hash, engine_version, ran_at, summary) VALUES ($1, $2, $3, $4, $5)`, [
      entry.scenarioId,
      entry.scenarioHash,
      entry.engineVersion,
      ranAt,
      JSON.stringify(entry.summary),
    ]);
    return { ...entry, ranAt };
  }

  async listRuns(scenarioId?: string): Promise<RunLogEntry[]> {
    const { rows } =
      scenarioId === undefined
        ? await this.pool.query(`SELECT * FROM runs ORDER BY seq`)
        : await this.pool.query(`SELECT * FROM runs WHERE scenario_id = $1 ORDER BY seq`, [scenarioId]);
    return rows.map((r) => ({
      scenarioId: String(r['scenario_id']),
      scenarioHash: String(r['scenario_hash']),
      engineVersion: String(r['engine_version']),
      ranAt: String(r['ran_at']),
      summary: r['summary'] as Record<string, unknown>,
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function toSaved(r: Record<string, unknown>): SavedScenario {
  return { id: String(r['id']), version: Number(r['version']), yaml: String(r['yaml']), hash: String(r['hash']), savedAt: String(r['saved_at']) };
}
