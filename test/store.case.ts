/**
 * The one test suite of the observation store (STYLE.md habit 9), run against
 * every backend: `test/store.sqlite.test.ts` and `test/store.postgres.test.ts`
 * call `storeSuite` with a factory of fresh, empty store locations.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../src/store/migrations.ts';
import type { Clock, ObservationInput, ObservationStore } from '../src/store/types.ts';
import { StoreInputError } from '../src/store/types.ts';
import { generated, generatedCsv } from './fixtures/generated-observations.ts';

/** A row as version 1 of the code wrote it (no key column yet). */
export interface V1Row {
  signal: string;
  scope: string;
  date: string;
  value: number;
  unit: string;
  source: string;
  url: string | null;
  note: string | null;
  recorded_at: string;
  supersedes: number | null;
}

/** One fresh, empty store location. */
export interface StoreTarget {
  open(clock?: Clock): Promise<ObservationStore>;
  /** How a child process reaches the same store: arguments and environment, as the CLI takes them. */
  cli: { args: string[]; env: Record<string, string> };
  /** Raw SQL on the database, past the store (to prove what the database itself refuses). */
  raw(sql: string): Promise<void>;
  /** Make the database that version 1 of the code left behind, holding these rows. */
  createV1(rows: readonly V1Row[]): Promise<void>;
}

export interface StoreFactory {
  name: string;
  target(): Promise<StoreTarget>;
}

const ROOT = join(import.meta.dirname, '..');

/** A clock that says what it is told. */
function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  const c = (() => now) as Clock & { set(iso: string): void };
  c.set = (s: string) => {
    now = new Date(s);
  };
  return c;
}

const obs = (over: Partial<ObservationInput> = {}): ObservationInput => ({
  signal: 'gpu-hour-price',
  scope: 'h100 1-yr contract',
  date: '2025-10-01',
  value: 1.7,
  unit: '$/accelerator-hour',
  source: 'SemiAnalysis H100 rental index',
  ...over,
});

interface Proc {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Run a child process; `onLine` sees stdout line by line (and may kill it). */
function run(cmd: string, args: string[], env: Record<string, string>, onLine?: (line: string, kill: () => void) => void): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
    delete childEnv['PAYBACK_DB'];
    if (env['DATABASE_URL'] === undefined) delete childEnv['DATABASE_URL'];
    const p = spawn(cmd, args, { cwd: ROOT, env: childEnv as NodeJS.ProcessEnv });
    let out = '';
    let err = '';
    let buf = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        onLine?.(line, () => p.kill('SIGKILL'));
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

const cliArgs = (t: StoreTarget, ...args: string[]): string[] => [join(ROOT, 'bin', 'payback.js'), ...args, ...t.cli.args];

/**
 * Register the store suite for one backend.
 *
 * @example
 * storeSuite({ name: 'sqlite', target: async () => sqliteTarget() });
 */
export function storeSuite(factory: StoreFactory): void {
  const withStore = async <T>(fn: (s: ObservationStore, t: StoreTarget, clock: ReturnType<typeof fixedClock>) => Promise<T>): Promise<T> => {
    const t = await factory.target();
    const clock = fixedClock('2026-05-01T12:00:00.000Z');
    const s = await t.open(clock);
    try {
      return await fn(s, t, clock);
    } finally {
      await s.close();
    }
  };

  describe(`observation store: ${factory.name}`, () => {
    it('opens empty at the current schema version', () =>
      withStore(async (s) => {
        expect(await s.schemaVersion()).toBe(SCHEMA_VERSION);
        expect(await s.countObservations()).toBe(0);
        expect(await s.listObservations()).toEqual([]);
        expect(await s.latestBySeries()).toEqual([]);
      }));

    it('keeps every field, stamps recordedAt from the injected clock and lists in order', () =>
      withStore(async (s, _t, clock) => {
        const a = await s.addObservations([
          obs({ url: 'https://semianalysis.com/', note: 'confidence M' }),
          obs({ scope: 'gb200 3-yr rental', date: '2025-08-01', value: 3.3, source: 'InferenceX' }),
          obs({ signal: 'api-price', scope: 'gpt-5 blended', date: '2025-08-07', value: 1.72, unit: '$/M tokens', source: 'OpenAI' }),
        ]);
        expect(a.added).toBe(3);
        expect(a.duplicates).toBe(0);
        expect(a.ids).toHaveLength(3);
        expect(new Set(a.ids).size).toBe(3);
        clock.set('2026-06-01T00:00:00.000Z');
        await s.addObservations([obs({ date: '2026-03-01', value: 2.35 })]);
        const rows = await s.listObservations();
        expect(rows.map((r) => [r.signal, r.scope, r.date, r.value])).toEqual([
          ['api-price', 'gpt-5 blended', '2025-08-07', 1.72],
          ['gpu-hour-price', 'gb200 3-yr rental', '2025-08-01', 3.3],
          ['gpu-hour-price', 'h100 1-yr contract', '2025-10-01', 1.7],
          ['gpu-hour-price', 'h100 1-yr contract', '2026-03-01', 2.35],
        ]);
        const first = rows[2]!;
        expect(first).toMatchObject({
          id: a.ids[0],
          unit: '$/accelerator-hour',
          source: 'SemiAnalysis H100 rental index',
          url: 'https://semianalysis.com/',
          note: 'confidence M',
          recordedAt: '2026-05-01T12:00:00.000Z',
          supersedes: null,
          supersededBy: null,
        });
        expect(first.key).toMatch(/^[0-9a-f]{64}$/);
        expect(rows[1]!.url).toBeNull();
        expect(rows[3]!.recordedAt).toBe('2026-06-01T00:00:00.000Z');
        expect(await s.getObservation(a.ids[0]!)).toEqual(first);
        expect(await s.getObservation(999_999)).toBeUndefined();
        // a value as large as a month of tokens survives exactly
        await s.addObservations([obs({ signal: 'token-volume', scope: 'google', unit: 'tokens/month', value: 1.3e15 })]);
        expect((await s.listObservations({ signal: 'token-volume' }))[0]!.value).toBe(1.3e15);
      }));

    it('keeps the scope of an observation (operator class, accelerator, basis, facility share); the database refuses an unknown class', () =>
      withStore(async (s, t) => {
        const scoped = obs({ signal: 'capex-per-mw', scope: '1 GW GB200 campus', unit: '$/MW', value: 38e6, operator: 'hyperscaler', accelerator: 'GB200', basis: 'all-in', facilityShare: 0.3 });
        const a = await s.addObservations([scoped, obs(), obs({ operator: 'market', accelerator: 'h100' })]);
        expect(a.added).toBe(3);
        const rows = await s.listObservations();
        expect(rows.find((r) => r.signal === 'capex-per-mw')).toMatchObject({ operator: 'hyperscaler', accelerator: 'gb200', basis: 'all-in', facilityShare: 0.3 });
        // a row without a scope is unclassified: every field null
        const plain = rows.filter((r) => r.signal === 'gpu-hour-price' && r.operator === null);
        expect(plain).toHaveLength(1);
        expect(plain[0]).toMatchObject({ accelerator: null, basis: null, facilityShare: null });
        // the scope is part of the content: the same number from a classified row is a row of its own, and a repeat adds nothing
        expect((await s.addObservations([scoped])).added).toBe(0);
        expect((await s.latestBySeries({ signals: ['capex-per-mw'] }))[0]).toMatchObject({ operator: 'hyperscaler', basis: 'all-in' });
        await expect(s.addObservations([obs({ operator: 'bank' as never })])).rejects.toThrow(/operator must be one of hyperscaler, frontier-lab, neocloud, private-ai-factory, market/);
        await expect(s.addObservations([obs({ basis: 'all-in', facilityShare: 1.2 })])).rejects.toThrow(/facilityShare/);
        await expect(
          t.raw(`INSERT INTO observations (signal, scope, date, value, unit, source, recorded_at, key, operator_class) VALUES ('x', 'y', '2025-01-01', 1, 'u', 's', 'r', 'k-raw', 'bank')`),
        ).rejects.toThrow(/check/i);
      }));

    it('filters by signal, scope, dates and limit', () =>
      withStore(async (s) => {
        await s.addObservations([
          obs({ date: '2024-01-01' }),
          obs({ date: '2025-01-01' }),
          obs({ date: '2026-01-01' }),
          obs({ scope: 'other', date: '2025-06-01' }),
          obs({ signal: 'power-price', scope: 'eia', unit: '$/MWh', value: 83 }),
        ]);
        expect((await s.listObservations({ signal: 'gpu-hour-price' })).length).toBe(4);
        expect((await s.listObservations({ signal: ['gpu-hour-price', 'power-price'] })).length).toBe(5);
        expect((await s.listObservations({ scope: 'other' })).length).toBe(1);
        expect((await s.listObservations({ signal: 'gpu-hour-price', from: '2025-01-01', to: '2025-12-31' })).map((r) => r.date)).toEqual(['2025-01-01', '2025-06-01']);
        expect((await s.listObservations({ limit: 2 })).length).toBe(2);
        const all = await s.listObservations();
        const ids = [all[4]!.id, all[0]!.id];
        expect((await s.listObservations({ ids })).map((r) => r.id)).toEqual([all[0]!.id, all[4]!.id]);
        expect(await s.listObservations({ ids: [] })).toEqual([]);
      }));

    it('is idempotent: re-adding the same rows (even re-spaced, re-cased) adds nothing and burns no ids', () =>
      withStore(async (s) => {
        const rows = [obs(), obs({ value: 2.35, date: '2026-03-01' }), obs({ signal: 'power-price', scope: 'eia', unit: '$/MWh', value: 83 })];
        const first = await s.addObservations(rows);
        expect(first.added).toBe(3);
        const again = await s.addObservations(rows);
        expect(again).toEqual({ added: 0, duplicates: 3, ids: [] });
        const respaced = await s.addObservations([obs({ scope: '  H100   1-yr contract ', unit: '$/ACCELERATOR-HOUR', value: 1.70 })]);
        expect(respaced.added).toBe(0);
        // a repeat inside one batch counts once
        const batch = await s.addObservations([obs({ value: 9 }), obs({ value: 9 })]);
        expect(batch).toMatchObject({ added: 1, duplicates: 1 });
        expect(await s.countObservations()).toBe(4);
        const next = await s.addObservations([obs({ value: 10 })]);
        expect(next.ids[0]).toBe(Math.max(...first.ids, ...batch.ids) + 1);
      }));

    it('corrections: a new row supersedes the old one; current shows the latest of each chain, history shows all', () =>
      withStore(async (s) => {
        const [a] = (await s.addObservations([obs({ value: 1.7 })])).ids as [number];
        const [b] = (await s.addObservations([obs({ value: 1.75, supersedes: a, note: 'index revised' })])).ids as [number];
        const [c] = (await s.addObservations([obs({ value: 1.8, supersedes: b })])).ids as [number];
        const current = await s.listObservations();
        expect(current.map((r) => [r.id, r.value])).toEqual([[c, 1.8]]);
        const history = await s.listObservations({ history: true });
        expect(history.map((r) => [r.id, r.supersedes, r.supersededBy])).toEqual([
          [a, null, b],
          [b, a, c],
          [c, b, null],
        ]);
        expect(await s.countObservations()).toBe(1);
        expect(await s.countObservations({ history: true })).toBe(3);
        expect((await s.latestBySeries())[0]!.id).toBe(c);
        // a chain is linear: the corrected row cannot be corrected again
        await expect(s.addObservations([obs({ value: 1.9, supersedes: a })])).rejects.toThrow(StoreInputError);
        await expect(s.addObservations([obs({ value: 1.9, supersedes: a })])).rejects.toThrow(/already corrected by observation/);
        await expect(s.addObservations([obs({ value: 1.9, supersedes: 424242 })])).rejects.toThrow(/does not exist/);
        // re-importing the same correction is a duplicate, not an error
        expect((await s.addObservations([obs({ value: 1.8, supersedes: b })])).added).toBe(0);
      }));

    it('writes all or nothing: one bad row in a batch leaves the store as it was', () =>
      withStore(async (s) => {
        await s.addObservations([obs()]);
        const before = await s.listObservations({ history: true });
        await expect(s.addObservations([obs({ value: 5 }), obs({ value: 6 }), obs({ value: 7, supersedes: 99_999 })])).rejects.toThrow(/does not exist/);
        await expect(s.addObservations([obs({ value: 5 }), obs({ date: '2025-02-30' })])).rejects.toThrow(/YYYY-MM-DD/);
        await expect(s.addObservations([obs({ value: 5 }), obs({ value: Number.NaN })])).rejects.toThrow(/finite/);
        expect(await s.listObservations({ history: true })).toEqual(before);
      }));

    it('the database itself refuses to update or delete an observation', () =>
      withStore(async (s, t) => {
        await s.addObservations([obs()]);
        await expect(t.raw(`UPDATE observations SET value = 0`)).rejects.toThrow(/append-only/);
        await expect(t.raw(`DELETE FROM observations`)).rejects.toThrow(/append-only/);
        expect(await s.countObservations()).toBe(1);
      }));

    it('the database itself refuses an insert that would take the place of a stored row (REPLACE, upsert)', () =>
      withStore(async (s, t) => {
        const [a] = (await s.addObservations([obs()])).ids as [number];
        const [b] = (await s.addObservations([obs({ value: 1.75, supersedes: a })])).ids as [number];
        const before = await s.listObservations({ history: true });
        const cols = `(id, signal, scope, date, value, unit, source, recorded_at, supersedes, key)`;
        const row = (id: string, supersedes: string, key: string): string =>
          `(${id}, 'gpu-hour-price', 'h100 1-yr contract', '2025-10-01', 0, '$/accelerator-hour', 'attacker', '2026-01-01T00:00:00.000Z', ${supersedes}, ${key})`;
        const keyOf = `(SELECT key FROM observations WHERE id = ${a})`;
        const attempts =
          factory.name === 'sqlite'
            ? [
                // same id, same key, same corrected row: each would delete the stored row without the DELETE trigger
                `REPLACE INTO observations ${cols} VALUES ${row(String(a), 'NULL', "'fresh-key-1'")}`,
                `REPLACE INTO observations ${cols} VALUES ${row('NULL', 'NULL', keyOf)}`,
                `INSERT OR REPLACE INTO observations ${cols} VALUES ${row('NULL', String(a), "'fresh-key-2'")}`,
              ]
            : [
                `INSERT INTO observations ${cols} VALUES ${row(String(a), 'NULL', "'fresh-key-1'")} ON CONFLICT (id) DO UPDATE SET value = 0`,
                `INSERT INTO observations ${cols} VALUES ${row('DEFAULT', 'NULL', keyOf)} ON CONFLICT (key) DO UPDATE SET value = 0`,
              ];
        for (const sql of attempts) await expect(t.raw(sql), sql).rejects.toThrow(/append-only/);
        expect(await s.listObservations({ history: true })).toEqual(before);
        // the store's own writes still skip what it has and add what is new
        expect(await s.addObservations([obs(), obs({ value: 1.75, supersedes: a })])).toMatchObject({ added: 0, duplicates: 2 });
        expect((await s.addObservations([obs({ value: 1.8, supersedes: b })])).added).toBe(1);
      }));

    it('a store made before the REPLACE guard gets it when opened', async () => {
      if (factory.name !== 'sqlite') return; // PostgreSQL never needed it: it has no REPLACE
      const t = await factory.target();
      await (await t.open()).close();
      // as version 4 of the schema left it
      await t.raw(`DROP TRIGGER observations_no_replace; DELETE FROM schema_migrations WHERE version = 5`);
      const s = await t.open();
      try {
        expect(await s.schemaVersion()).toBe(SCHEMA_VERSION);
        const [a] = (await s.addObservations([obs()])).ids as [number];
        await expect(t.raw(`REPLACE INTO observations (id, signal, scope, date, value, unit, source, recorded_at, key)
          VALUES (${a}, 'x', 'y', '2025-01-01', 0, 'u', 's', '2026-01-01T00:00:00.000Z', 'k')`)).rejects.toThrow(/append-only/);
        expect((await s.getObservation(a))?.value).toBe(1.7);
      } finally {
        await s.close();
      }
    });

    it('latestBySeries: the latest current row of each series up to a date', () =>
      withStore(async (s) => {
        const ids = (
          await s.addObservations([
            obs({ date: '2025-10-01', value: 1.7 }),
            obs({ date: '2026-03-01', value: 2.35 }),
            obs({ date: '2026-03-01', value: 2.4, source: 'another source, same day' }),
            obs({ scope: 'gb200 3-yr rental', date: '2025-08-01', value: 3.3 }),
            obs({ signal: 'power-price', scope: 'eia', unit: '$/MWh', date: '2024-12-31', value: 83 }),
          ])
        ).ids;
        const latest = await s.latestBySeries();
        expect(latest.map((r) => [r.signal, r.scope, r.value])).toEqual([
          ['gpu-hour-price', 'gb200 3-yr rental', 3.3],
          ['gpu-hour-price', 'h100 1-yr contract', 2.4],
          ['power-price', 'eia', 83],
        ]);
        expect((await s.latestBySeries({ asOf: '2026-01-01', signals: ['gpu-hour-price'] })).map((r) => r.value)).toEqual([3.3, 1.7]);
        expect(await s.latestBySeries({ signals: [] })).toEqual([]);
        // a correction of the latest replaces it
        await s.addObservations([obs({ date: '2026-03-01', value: 2.41, source: 'another source, same day', supersedes: ids[2] })]);
        expect((await s.latestBySeries({ signals: ['gpu-hour-price'] })).map((r) => r.value)).toEqual([3.3, 2.41]);
      }));

    it('saved scenarios: a new version only when the text changes', () =>
      withStore(async (s, _t, clock) => {
        const v1 = await s.saveScenario('neocloud-base', 'id: neocloud-base\nsite: { itMW: 100 }\n');
        expect(v1).toMatchObject({ id: 'neocloud-base', version: 1, savedAt: '2026-05-01T12:00:00.000Z' });
        expect(v1.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(await s.saveScenario('neocloud-base', 'id: neocloud-base\nsite: { itMW: 100 }\n')).toEqual(v1);
        clock.set('2026-07-01T00:00:00.000Z');
        const v2 = await s.saveScenario('neocloud-base', 'id: neocloud-base\nsite: { itMW: 120 }\n');
        expect(v2).toMatchObject({ version: 2, savedAt: '2026-07-01T00:00:00.000Z' });
        expect(v2.hash).not.toBe(v1.hash);
        expect(await s.getScenario('neocloud-base')).toEqual(v2);
        expect(await s.getScenario('neocloud-base', 1)).toEqual(v1);
        expect(await s.getScenario('nope')).toBeUndefined();
        expect((await s.scenarioVersions('neocloud-base')).map((v) => v.version)).toEqual([1, 2]);
        expect(await s.listScenarios()).toEqual([v2]);
        const other = await s.saveScenario('a-first', 'id: a-first\n');
        expect(await s.listScenarios()).toEqual([other, v2]);
      }));

    it('run log: appended with the clock, read back in order, summary intact', () =>
      withStore(async (s, _t, clock) => {
        const summary = { npv: -110_123_456.789, irr: 0.106, paybackYears: null, capexPerMW: 28_888_888.888888888 };
        await s.logRun({ scenarioId: 'neocloud-base', scenarioHash: 'a'.repeat(64), engineVersion: '0.1.0', summary });
        clock.set('2026-08-01T00:00:00.000Z');
        await s.logRun({ scenarioId: 'neocloud-base', scenarioHash: 'b'.repeat(64), engineVersion: '0.2.0', summary: { ...summary, npv: 5 } });
        await s.logRun({ scenarioId: 'hyperscaler-base', scenarioHash: 'c'.repeat(64), engineVersion: '0.2.0', summary: {} });
        const runs = await s.listRuns('neocloud-base');
        expect(runs.map((r) => [r.ranAt, r.engineVersion])).toEqual([
          ['2026-05-01T12:00:00.000Z', '0.1.0'],
          ['2026-08-01T00:00:00.000Z', '0.2.0'],
        ]);
        expect(runs[0]!.summary).toEqual(summary);
        expect((await s.listRuns()).length).toBe(3);
      }));

    it('two stores on the same database adding at once lose nothing', () =>
      withStore(async (s, t) => {
        const other = await t.open();
        try {
          const [a, b] = await Promise.all([s.addObservations(generated(3000, 'left')), other.addObservations(generated(3000, 'right'))]);
          expect(a.added + b.added).toBe(6000);
          expect(await s.countObservations()).toBe(6000);
        } finally {
          await other.close();
        }
      }));

    it('migrates a version-1 database forward, keeping its rows', async () => {
      const t = await factory.target();
      const v1: V1Row[] = [
        { signal: 'power-price', scope: 'eia', date: '2024-12-31', value: 83, unit: '$/MWh', source: 'EIA', url: null, note: null, recorded_at: '2025-01-05T00:00:00.000Z', supersedes: null },
        { signal: 'power-price', scope: 'pjm', date: '2026-03-31', value: 136.53, unit: '$/MWh', source: 'report', url: null, note: 'L', recorded_at: '2026-04-02T00:00:00.000Z', supersedes: null },
        { signal: 'power-price', scope: 'pjm', date: '2026-03-31', value: 130, unit: '$/MWh', source: 'report', url: null, note: 'revised', recorded_at: '2026-04-09T00:00:00.000Z', supersedes: 2 },
        // version 1 had no idempotency key: the same row twice was possible
        { signal: 'power-price', scope: 'eia', date: '2024-12-31', value: 83, unit: '$/MWh', source: 'EIA', url: null, note: null, recorded_at: '2025-02-05T00:00:00.000Z', supersedes: null },
      ];
      await t.createV1(v1);
      const s = await t.open(fixedClock('2026-05-01T00:00:00.000Z'));
      try {
        expect(await s.schemaVersion()).toBe(SCHEMA_VERSION);
        const history = await s.listObservations({ history: true });
        expect(history.map((r) => [r.id, r.scope, r.value, r.recordedAt, r.supersedes, r.supersededBy])).toEqual([
          [1, 'eia', 83, '2025-01-05T00:00:00.000Z', null, null],
          [4, 'eia', 83, '2025-02-05T00:00:00.000Z', null, null],
          [2, 'pjm', 136.53, '2026-04-02T00:00:00.000Z', null, 3],
          [3, 'pjm', 130, '2026-04-09T00:00:00.000Z', 2, null],
        ]);
        expect(new Set(history.map((r) => r.key)).size).toBe(4);
        // the backfilled keys are the keys of today: re-importing the old rows adds nothing
        const again = await s.addObservations([
          { signal: 'power-price', scope: 'eia', date: '2024-12-31', value: 83, unit: '$/MWh', source: 'EIA' },
          { signal: 'power-price', scope: 'pjm', date: '2026-03-31', value: 130, unit: '$/MWh', source: 'report', note: 'revised', supersedes: 2 },
        ]);
        expect(again.added).toBe(0);
        expect((await s.latestBySeries()).map((r) => [r.scope, r.value])).toEqual([
          ['eia', 83],
          ['pjm', 130],
        ]);
        await expect(t.raw(`DELETE FROM observations`)).rejects.toThrow(/append-only/);
        // and the tables of later versions are there
        expect((await s.saveScenario('x', 'id: x\n')).version).toBe(1);
        const fresh = await s.addObservations([{ signal: 'power-price', scope: 'eia', date: '2025-12-31', value: 85, unit: '$/MWh', source: 'EIA' }]);
        expect(fresh.ids).toEqual([5]);
      } finally {
        await s.close();
      }
      // opening again applies nothing more
      const s2 = await t.open();
      expect(await s2.schemaVersion()).toBe(SCHEMA_VERSION);
      expect(await s2.countObservations({ history: true })).toBe(5);
      await s2.close();
    });

    it('refuses a database newer than the program', async () => {
      const t = await factory.target();
      await (await t.open()).close();
      await t.raw(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${SCHEMA_VERSION + 1}, 'from the future', '2030-01-01T00:00:00.000Z')`);
      await expect(t.open()).rejects.toThrow(/newer than this program knows/);
    });

    it('two processes importing different files at the same time lose nothing', async () => {
      const t = await factory.target();
      const s = await t.open();
      await s.addObservations([obs()]);
      await s.close();
      const dir = mkdtempSync(join(tmpdir(), 'payback-import-'));
      const files = ['a', 'b'].map((tag) => {
        const f = join(dir, `${tag}.csv`);
        writeFileSync(f, generatedCsv(20_000, `proc-${tag}`));
        return f;
      });
      const procs = await Promise.all(files.map((f) => run(process.execPath, cliArgs(t, 'signals', 'import', f, '--json'), t.cli.env)));
      for (const p of procs) {
        expect(p.code, p.err).toBe(0);
        expect(JSON.parse(p.out)).toMatchObject({ added: 20_000, duplicates: 0 });
      }
      const after = await t.open();
      try {
        expect(await after.countObservations({ history: true })).toBe(40_001);
        expect((await after.listObservations({ signal: 'power-price' })).filter((r) => r.source === 'generated proc-a').length).toBe(20_000);
        // and importing one of them again adds no row
        const again = await run(process.execPath, cliArgs(t, 'signals', 'import', files[0]!, '--json'), t.cli.env);
        expect(JSON.parse(again.out)).toMatchObject({ added: 0, duplicates: 20_000 });
        expect(await after.countObservations({ history: true })).toBe(40_001);
      } finally {
        await after.close();
      }
    }, 120_000);

    it('two processes opening a new store at once both migrate it safely and lose nothing', async () => {
      const t = await factory.target();
      const dir = mkdtempSync(join(tmpdir(), 'payback-import-'));
      const files = ['c', 'd'].map((tag) => {
        const f = join(dir, `${tag}.csv`);
        writeFileSync(f, generatedCsv(5_000, `fresh-${tag}`));
        return f;
      });
      const procs = await Promise.all(files.map((f) => run(process.execPath, cliArgs(t, 'signals', 'import', f, '--json'), t.cli.env)));
      for (const p of procs) {
        expect(p.code, p.err).toBe(0);
        expect(JSON.parse(p.out)).toMatchObject({ added: 5_000 });
      }
      const s = await t.open();
      try {
        expect(await s.schemaVersion()).toBe(SCHEMA_VERSION);
        expect(await s.countObservations()).toBe(10_000);
      } finally {
        await s.close();
      }
    }, 120_000);

    it('a process killed with SIGKILL inside a 100,000-row import leaves the store as it was', async () => {
      const t = await factory.target();
      const s = await t.open();
      await s.addObservations([obs(), obs({ value: 2.35, date: '2026-03-01' })]);
      const before = await s.listObservations({ history: true });
      let sawInside = false;
      let countWhilePaused = -1;
      const child = await run(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'test', 'fixtures', 'store-child.ts'), '--rows', '100000', '--tag', 'doomed', '--pause-at', '50000', ...t.cli.args],
        t.cli.env,
        (line, kill) => {
          if (!line.startsWith('INSIDE')) return;
          sawInside = true;
          // the rows written so far are invisible to others until a commit that never comes
          void s.countObservations({ history: true }).then(
            (n) => {
              countWhilePaused = n;
              kill();
            },
            () => kill(),
          );
        },
      );
      expect(sawInside, child.err).toBe(true);
      expect(child.signal).toBe('SIGKILL');
      expect(child.out).not.toContain('DONE');
      expect(countWhilePaused).toBe(2);
      await s.close();
      const after = await t.open();
      try {
        expect(await after.listObservations({ history: true })).toEqual(before);
        expect(await after.latestBySeries()).toHaveLength(1);
        // the store still takes writes, and the same import now goes through whole
        const done = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fixtures', 'store-child.ts'), '--rows', '100000', '--tag', 'doomed', ...t.cli.args], t.cli.env);
        expect(done.out).toContain('DONE 100000');
        expect(await after.countObservations({ history: true })).toBe(100_002);
      } finally {
        await after.close();
      }
    }, 120_000);
  });
}
