/**
 * The SQLite backend (better-sqlite3): one file, WAL journal (readers never
 * block the writer), a busy timeout so a second writer waits instead of
 * failing, and every write in one `BEGIN IMMEDIATE` transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, newerSchemaMessage, SCHEMA_VERSION } from './migrations.ts';
import { alreadyCorrected, type NormalizedRow, prepareRows, sha256, toObservation } from './rows.ts';
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

export interface SqliteStoreOptions {
  clock?: Clock | undefined;
  /** How long a writer waits for another one's lock, ms (default 30 s). */
  busyTimeoutMs?: number | undefined;
}

const PROGRESS_EVERY = 10_000;
const TWO_CORRECTIONS = 'two rows correct the same observation: a correction chain is linear';
const NOT_SUPERSEDED = `NOT EXISTS (SELECT 1 FROM observations c WHERE c.supersedes = o.id)`;

/** Apply the pending migrations under the write lock. */
function migrate(db: Database.Database, where: string, clock: Clock): void {
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const row = db.prepare(`SELECT max(version) AS v FROM schema_migrations`).get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > SCHEMA_VERSION) throw new Error(newerSchemaMessage(current, where));
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      m.sqlite({
        exec: (sql) => void db.exec(sql),
        all: (sql) => db.prepare(sql).all() as Record<string, unknown>[],
        run: (sql, ...params) => void db.prepare(sql).run(...params),
      });
      db.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`).run(m.version, m.name, clock().toISOString());
    }
  });
  run.immediate();
}

/**
 * Put the database in WAL mode. Two connections switching a new file at the
 * same moment can deadlock on the upgrade to the exclusive lock, and SQLite
 * then answers SQLITE_BUSY at once instead of calling the busy handler: wait a
 * little and try again, up to the busy timeout.
 */
function switchToWal(db: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw e;
      Atomics.wait(pause, 0, 0, Math.min(100, 5 * 2 ** Math.min(attempt, 5))); // a synchronous sleep: the constructor is synchronous
    }
  }
}

export class SqliteStore implements ObservationStore {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  private readonly db: Database.Database;
  private readonly clock: Clock;

  /** Open (and create, and migrate) the database file at `path`. */
  constructor(path: string, opts: SqliteStoreOptions = {}) {
    this.location = resolve(path);
    mkdirSync(dirname(this.location), { recursive: true });
    const timeout = opts.busyTimeoutMs ?? 30_000;
    this.db = new Database(this.location, { timeout });
    this.clock = opts.clock ?? (() => new Date());
    try {
      switchToWal(this.db, timeout);
      // WAL + NORMAL: a commit survives a killed process; only a power cut can lose the last ones
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      // the key index is random-access: a page cache that holds it keeps a big import off the disk
      this.db.pragma('cache_size = -65536');
      migrate(this.db, this.location, this.clock);
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  async schemaVersion(): Promise<number> {
    const row = this.db.prepare(`SELECT max(version) AS v FROM schema_migrations`).get() as { v: number | null };
    return row.v ?? 0;
  }

  async addObservations(rows: readonly ObservationInput[], opts: AddOptions = {}): Promise<AddResult> {
    const { unique } = prepareRows(rows);
    const recordedAt = this.clock().toISOString();
    const insert = this.db.prepare(
      `INSERT INTO observations (signal, scope, date, value, unit, source, url, note, recorded_at, supersedes, key, operator_class, accelerator, basis, facility_share)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const addSeries = this.db.prepare(`INSERT OR IGNORE INTO series (signal, scope) VALUES (?, ?)`);
    const byKey = this.db.prepare(`SELECT id FROM observations WHERE key = ?`);
    const target = this.db.prepare(
      `SELECT o.id, (SELECT c.id FROM observations c WHERE c.supersedes = o.id) AS by FROM observations o WHERE o.id = ?`,
    );
    const write = this.db.transaction((): AddResult => {
      const ids: number[] = [];
      const series = new Set<string>();
      const corrected = new Set<number>();
      for (let i = 0; i < unique.length; i++) {
        if (i > 0 && i % PROGRESS_EVERY === 0) opts.onProgress?.(i, unique.length);
        const r = unique[i] as NormalizedRow;
        // a known row is skipped here: the database refuses any insert whose key is taken (migration 4)
        if (byKey.get(r.key) !== undefined) continue;
        if (r.supersedes !== null) {
          const t = target.get(r.supersedes) as { id: number; by: number | null } | undefined;
          if (t === undefined) throw new StoreInputError(`observation ${i + 1}: supersedes ${r.supersedes}, which does not exist`);
          if (t.by !== null) throw new StoreInputError(alreadyCorrected(r.supersedes, t.by));
          if (corrected.has(r.supersedes)) throw new StoreInputError(TWO_CORRECTIONS);
          corrected.add(r.supersedes);
        }
        const info = insert.run(r.signal, r.scope, r.date, r.value, r.unit, r.source, r.url, r.note, recordedAt, r.supersedes, r.key, r.operator, r.accelerator, r.basis, r.facilityShare);
        ids.push(Number(info.lastInsertRowid));
        const s = `${r.signal}\u0000${r.scope}`;
        if (!series.has(s)) {
          series.add(s);
          addSeries.run(r.signal, r.scope);
        }
      }
      opts.onProgress?.(unique.length, unique.length);
      return { added: ids.length, duplicates: rows.length - ids.length, ids };
    });
    try {
      return write.immediate();
    } catch (e) {
      if (e instanceof Error && /UNIQUE constraint failed: observations\.supersedes/.test(e.message)) {
        throw new StoreInputError(TWO_CORRECTIONS);
      }
      throw e;
    }
  }

  async listObservations(q: ObservationQuery = {}): Promise<Observation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.signal !== undefined) {
      const list = typeof q.signal === 'string' ? [q.signal] : [...q.signal];
      where.push(`o.signal IN (${list.map(() => '?').join(', ')})`);
      params.push(...list);
    }
    if (q.ids !== undefined) {
      where.push(`o.id IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(q.ids));
    }
    if (q.scope !== undefined) {
      where.push(`o.scope = ?`);
      params.push(q.scope);
    }
    if (q.from !== undefined) {
      where.push(`o.date >= ?`);
      params.push(q.from);
    }
    if (q.to !== undefined) {
      where.push(`o.date <= ?`);
      params.push(q.to);
    }
    if (!q.history) where.push(NOT_SUPERSEDED);
    const sql = `SELECT o.*, (SELECT c.id FROM observations c WHERE c.supersedes = o.id) AS superseded_by
      FROM observations o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY o.signal, o.scope, o.date, o.id ${q.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(q.limit))}` : ''}`;
    return (this.db.prepare(sql).all(...params) as Record<string, unknown>[]).map(toObservation);
  }

  async getObservation(id: number): Promise<Observation | undefined> {
    const r = this.db
      .prepare(`SELECT o.*, (SELECT c.id FROM observations c WHERE c.supersedes = o.id) AS superseded_by FROM observations o WHERE o.id = ?`)
      .get(id) as Record<string, unknown> | undefined;
    return r === undefined ? undefined : toObservation(r);
  }

  async latestBySeries(q: { asOf?: string | undefined; signals?: readonly string[] | undefined } = {}): Promise<Observation[]> {
    const params: Record<string, string> = { asOf: q.asOf ?? '9999-12-31' };
    const names = (q.signals ?? []).map((s, i) => {
      params[`s${i}`] = s;
      return `@s${i}`;
    });
    const filter = q.signals === undefined ? '' : `WHERE s.signal IN (${names.join(', ') || 'NULL'})`;
    const sql = `SELECT o.*, NULL AS superseded_by FROM series s
      JOIN observations o ON o.id = (
        SELECT o.id FROM observations o
        WHERE o.signal = s.signal AND o.scope = s.scope AND o.date <= @asOf AND ${NOT_SUPERSEDED}
        ORDER BY o.date DESC, o.id DESC LIMIT 1)
      ${filter}
      ORDER BY o.signal, o.scope`;
    return (this.db.prepare(sql).all(params) as Record<string, unknown>[]).map(toObservation);
  }

  async countObservations(q: { history?: boolean | undefined } = {}): Promise<number> {
    const sql = q.history ? `SELECT count(*) AS n FROM observations` : `SELECT count(*) AS n FROM observations o WHERE ${NOT_SUPERSEDED}`;
    return (this.db.prepare(sql).get() as { n: number }).n;
  }

  async saveScenario(id: string, yaml: string): Promise<SavedScenario> {
    const hash = sha256(yaml);
    const savedAt = this.clock().toISOString();
    const save = this.db.transaction((): SavedScenario => {
      const last = this.db.prepare(`SELECT * FROM scenarios WHERE id = ? ORDER BY version DESC LIMIT 1`).get(id) as
        | Record<string, unknown>
        | undefined;
      if (last !== undefined && last['hash'] === hash) return toSaved(last);
      const version = last === undefined ? 1 : Number(last['version']) + 1;
      this.db.prepare(`INSERT INTO scenarios (id, version, yaml, hash, saved_at) VALUES (?, ?, ?, ?, ?)`).run(id, version, yaml, hash, savedAt);
      return { id, version, yaml, hash, savedAt };
    });
    return save.immediate();
  }

  /** Statements prepared once: the server reads a scenario on every request that names one by id. */
  private readonly statements = new Map<string, Database.Statement>();
  private prepared(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (st === undefined) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  async getScenario(id: string, version?: number): Promise<SavedScenario | undefined> {
    const r = (
      version === undefined
        ? this.prepared(`SELECT * FROM scenarios WHERE id = ? ORDER BY version DESC LIMIT 1`).get(id)
        : this.prepared(`SELECT * FROM scenarios WHERE id = ? AND version = ?`).get(id, version)
    ) as Record<string, unknown> | undefined;
    return r === undefined ? undefined : toSaved(r);
  }

  async scenarioVersions(id: string): Promise<SavedScenario[]> {
    return (this.db.prepare(`SELECT * FROM scenarios WHERE id = ? ORDER BY version`).all(id) as Record<string, unknown>[]).map(toSaved);
  }

  async listScenarios(): Promise<SavedScenario[]> {
    const sql = `SELECT s.* FROM scenarios s WHERE s.version = (SELECT MAX(v.version) FROM scenarios v WHERE v.id = s.id) ORDER BY s.id`;
    return (this.db.prepare(sql).all() as Record<string, unknown>[]).map(toSaved);
  }

  async logRun(entry: RunLogInput): Promise<RunLogEntry> {
    const ranAt = this.clock().toISOString();
    this.db
      .prepare(`INSERT INTO runs (scenario_id, scenario_hash, engine_version, ran_at, summary) VALUES (?, ?, ?, ?, ?)`)
      .run(entry.scenarioId, entry.scenarioHash, entry.engineVersion, ranAt, JSON.stringify(entry.summary));
    return { ...entry, ranAt };
  }

  async listRuns(scenarioId?: string): Promise<RunLogEntry[]> {
    const rows = (
      scenarioId === undefined
        ? this.db.prepare(`SELECT * FROM runs ORDER BY seq`).all()
        : this.db.prepare(`SELECT * FROM runs WHERE scenario_id = ? ORDER BY seq`).all(scenarioId)
    ) as Record<string, unknown>[];
    return rows.map((r) => ({
      scenarioId: String(r['scenario_id']),
      scenarioHash: String(r['scenario_hash']),
      engineVersion: String(r['engine_version']),
      ranAt: String(r['ran_at']),
      summary: JSON.parse(String(r['summary'])) as Record<string, unknown>,
    }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toSaved(r: Record<string, unknown>): SavedScenario {
  return { id: String(r['id']), version: Number(r['version']), yaml: String(r['yaml']), hash: String(r['hash']), savedAt: String(r['saved_at']) };
}
