/** The shared store suite on SQLite: a fresh temporary file per test, never ./.payback/. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DB, openStore, storeOptionsFrom } from '../src/store/open.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { storeSuite, type StoreTarget, type V1Row } from './store.case.ts';

/** The schema version 1 of the code created, frozen here as it shipped (the migration test must not follow later edits). */
const V1_SQL = `
  CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
  CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    signal TEXT NOT NULL,
    scope TEXT NOT NULL,
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    note TEXT,
    recorded_at TEXT NOT NULL,
    supersedes INTEGER REFERENCES observations(id)
  );
  CREATE INDEX observations_signal_date ON observations(signal, date);
  CREATE TRIGGER observations_no_update BEFORE UPDATE ON observations
    BEGIN SELECT RAISE(ABORT, 'observations are append-only: write a correction that supersedes the row'); END;
  CREATE TRIGGER observations_no_delete BEFORE DELETE ON observations
    BEGIN SELECT RAISE(ABORT, 'observations are append-only: write a correction that supersedes the row'); END;
  INSERT INTO schema_migrations VALUES (1, 'observations, append-only', '2025-01-01T00:00:00.000Z');
`;

const dir = mkdtempSync(join(tmpdir(), 'payback-store-'));
let n = 0;

function sqliteTarget(): StoreTarget {
  const path = join(dir, `store-${++n}.db`);
  return {
    open: (clock) => openStore({ db: path, clock }),
    cli: { args: ['--db', path], env: {} },
    raw: async (sql) => {
      const db = new Database(path);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    createV1: async (rows: readonly V1Row[]) => {
      const db = new Database(path);
      db.exec(V1_SQL);
      const ins = db.prepare(`INSERT INTO observations (signal, scope, date, value, unit, source, url, note, recorded_at, supersedes)
        VALUES (@signal, @scope, @date, @value, @unit, @source, @url, @note, @recorded_at, @supersedes)`);
      for (const r of rows) ins.run(r);
      db.close();
    },
  };
}

storeSuite({ name: 'sqlite', target: async () => sqliteTarget() });

describe('SQLite specifics', () => {
  it('uses WAL and a busy timeout', async () => {
    const t = sqliteTarget();
    const s = await t.open();
    expect(s).toBeInstanceOf(SqliteStore);
    await s.close();
    const db = new Database(s.location);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('chooses the store from --db, PAYBACK_DB, a postgres DATABASE_URL, else the default file', () => {
    expect(storeOptionsFrom('/tmp/x.db', { PAYBACK_DB: '/tmp/y.db' })).toEqual({ db: '/tmp/x.db' });
    expect(storeOptionsFrom(undefined, { PAYBACK_DB: '/tmp/y.db', DATABASE_URL: 'postgres://h/db' })).toEqual({ db: '/tmp/y.db' });
    expect(storeOptionsFrom(undefined, { DATABASE_URL: 'postgres://h/db' })).toEqual({ databaseUrl: 'postgres://h/db' });
    expect(storeOptionsFrom('postgresql://h/db', {})).toEqual({ databaseUrl: 'postgresql://h/db' });
    expect(storeOptionsFrom(undefined, { DATABASE_URL: 'mysql://h/db' })).toEqual({ db: DEFAULT_DB });
    expect(storeOptionsFrom(undefined, {})).toEqual({ db: join('.payback', 'payback.db') });
  });
});
