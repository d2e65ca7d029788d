/** `payback signals …` driven through `runCli` with captured output, each test on a temporary store file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { openStore } from '../src/store/open.ts';

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'payback-signals-cli-'));
let n = 0;
const freshDb = (): string => join(dir, `s${++n}.db`);
const fixture = (f: string): string => join(ROOT, 'test', 'fixtures', f);

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const count = async (db: string): Promise<number> => {
  const s = await openStore({ db });
  try {
    return await s.countObservations({ history: true });
  } finally {
    await s.close();
  }
};

describe('payback signals seed / import / add / list', () => {
  it('seed loads DATA.md §4 once; a second seed adds nothing; the context is shown', async () => {
    const db = freshDb();
    const a = await cli('signals', 'seed', '--db', db);
    expect(a.code).toBe(0);
    expect(a.out).toContain('seed: 23 new observations, 0 already in the store');
    expect(a.out).toContain('Context (not scored):');
    expect(a.out).toContain('CoreWeave 5-year CDS');
    const b = await cli('signals', 'seed', '--db', db);
    expect(b.out).toContain('seed: 0 new observations, 23 already in the store');
    expect(await count(db)).toBe(23);
  });

  it('a malformed CSV is rejected whole (exit 2), every bad line listed, the store unchanged', async () => {
    const db = freshDb();
    await cli('signals', 'seed', '--db', db);
    const r = await cli('signals', 'import', fixture('observations-malformed.csv'), '--db', db);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([
      'payback: 5 problems in the input:',
      expect.stringMatching(/observations-malformed\.csv:3 date: expected a date YYYY-MM-DD, got "2024-13-31"$/),
      expect.stringMatching(/observations-malformed\.csv:4 signal: unknown signal "gpu-hour-prise" \(did you mean "gpu-hour-price"\?\)/),
      expect.stringMatching(/observations-malformed\.csv:5 value: expected a number, got "abc"$/),
      expect.stringMatching(/observations-malformed\.csv:6 unit: missing unit$/),
      expect.stringMatching(/observations-malformed\.csv:7 unit: expected "\$\/kW-month" for lease-rate, got "\$\/MWh"$/),
    ]);
    expect(await count(db)).toBe(23);
  });

  it('imports JSON; importing the same file again adds no row', async () => {
    const db = freshDb();
    const a = await cli('signals', 'import', fixture('observations.json'), '--db', db, '--json');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out)).toMatchObject({ added: 2, duplicates: 0 });
    const b = await cli('signals', 'import', fixture('observations.json'), '--db', db, '--json');
    expect(JSON.parse(b.out)).toMatchObject({ added: 0, duplicates: 2 });
    expect(await count(db)).toBe(2);
    const missing = await cli('signals', 'import', join(dir, 'nope.csv'), '--db', db);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read the file/);
  });

  it('add: one observation, checked like a file row; a correction supersedes, and list --history shows both', async () => {
    const db = freshDb();
    const base = ['--db', db, '--signal', 'gpu-hour-price', '--scope', 'h100 1-yr contract', '--date', '2026-03-01', '--unit', '$/accelerator-hour', '--source', 'SemiAnalysis'];
    const a = await cli('signals', 'add', ...base, '--value', '2.35', '--json');
    expect(a.code).toBe(0);
    const id = (JSON.parse(a.out) as { ids: number[] }).ids[0]!;
    const b = await cli('signals', 'add', ...base, '--value', '2.30', '--note', 'index revised', '--supersedes', String(id), '--json');
    expect(b.code).toBe(0);
    const current = JSON.parse((await cli('signals', 'list', '--db', db, '--json')).out) as { value: number }[];
    expect(current.map((r) => r.value)).toEqual([2.3]);
    const history = await cli('signals', 'list', '--db', db, '--history');
    expect(history.out).toMatch(/Corrects\s+│\s+Corrected by/);
    expect(history.out).toContain('2.35');
    const again = await cli('signals', 'add', ...base, '--value', '2.2', '--supersedes', String(id));
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already corrected by observation/);
    const bad = await cli('signals', 'add', '--db', db, '--signal', 'gpu-hour-prise', '--scope', 'x', '--date', '2026-02-30', '--value', 'abc', '--unit', '$/h', '--source', 's');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--signal: unknown signal "gpu-hour-prise" (did you mean "gpu-hour-price"?)');
    expect(bad.err).toContain('--date: expected a date YYYY-MM-DD, got "2026-02-30"');
    expect(bad.err).toContain('--value: expected a number, got "abc"');
    expect(await count(db)).toBe(2);
  });

  it('list filters by signal and scope', async () => {
    const db = freshDb();
    await cli('signals', 'seed', '--db', db);
    const r = JSON.parse((await cli('signals', 'list', '--db', db, '--signal', 'gpu-hour-price', '--scope', 'h100 1-yr contract', '--json')).out) as { value: number }[];
    expect(r.map((x) => x.value)).toEqual([1.7, 2.35]);
    expect((await cli('signals', 'list', '--db', db, '--signal', 'utilization')).out).toMatch(/^no observations of utilization/);
  });
});

describe('payback signals status / calendar / runs', () => {
  it('status neocloud-base on the seed: a status for every signal with observations, the tripwire where one exists', async () => {
    const db = freshDb();
    await cli('signals', 'seed', '--db', db);
    const r = await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30');
    expect(r.code).toBe(0);
    const row = (signal: string): string => r.out.split('\n').find((l) => l.startsWith(`│ ${signal}`)) ?? '';
    const cells = (signal: string): string[] => row(signal).split('│').map((c) => c.trim()).filter((c) => c !== '');
    for (const s of ['gpu-hour-price', 'capex-per-mw', 'depreciation-life', 'lease-rate', 'cost-of-debt', 'power-price', 'token-volume', 'paid-share']) {
      expect(cells(s)[6], s).toMatch(/^(on track|WATCH|BREACH)$/);
    }
    expect(cells('api-price')[6]).toBe('n/a');
    expect(cells('gpu-hour-price')).toEqual(['gpu-hour-price · term-contracts', '$3.30', '2025-08-01', expect.stringContaining('gb200 3-yr rental · InferenceX'), '$3.00 (2026*)', '$3.13', 'on track', '1 obs']);
    expect(cells('power-price').slice(4, 7)).toEqual(['$80.00 (2026)', '$41.12', 'BREACH']);
    expect(cells('depreciation-life').slice(5, 6)).toEqual(['6 y']);
    expect(cells('token-volume')[7]).toMatch(/\(3 obs, 5 mo\)$/);
    expect(r.out).toContain('No observations yet: utilization, gp-per-mw');
    expect(r.out).toContain('Context (not scored):');

    const j = JSON.parse((await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30', '--json')).out) as {
      asOf: string;
      rows: { signal: string; status: string | null; tripwire: number | null; latest: { source: string } }[];
      context: unknown[];
    };
    expect(j.asOf).toBe('2026-11-30');
    expect(j.rows).toHaveLength(9);
    expect(j.rows.find((x) => x.signal === 'gpu-hour-price')?.latest.source).toBe('InferenceX-app constants (Aug 2025 surveys)');
    expect(j.context).toHaveLength(4);
  });

  it('a GPU-hour price below the neocloud\'s breakeven shows breach', async () => {
    const db = freshDb();
    await cli('signals', 'seed', '--db', db);
    expect((await cli('signals', 'import', fixture('observations-gpu-breach.csv'), '--db', db)).code).toBe(0);
    const r = await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30', '--json');
    const gpu = (JSON.parse(r.out) as { rows: { signal: string; status: string; observed: number; tripwire: number; segment: string }[] }).rows.find((x) => x.signal === 'gpu-hour-price')!;
    expect(gpu).toMatchObject({ status: 'breach', observed: 2.8, segment: 'term-contracts' });
    expect(gpu.tripwire).toBeGreaterThan(2.8);
    const text = await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30');
    expect(text.out).toMatch(/│ gpu-hour-price · term-contracts .*BREACH/);
    // before the fixture's date, the seed's gb200 observation is read again
    const earlier = JSON.parse((await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-05-31', '--json')).out) as { rows: { signal: string; status: string }[] };
    expect(earlier.rows.find((x) => x.signal === 'gpu-hour-price')?.status).toBe('on track');
  });

  it('a bad --as-of is bad input; an empty store says how to seed it', async () => {
    const db = freshDb();
    const bad = await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '30/11/2026');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--as-of: expected a date YYYY-MM-DD, got "30/11/2026"');
    const empty = await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30');
    expect(empty.code).toBe(0);
    expect(empty.out).toContain('payback signals seed');
  });

  it('calendar: eight quarters from --as-of with the expected value and the tripwire of each signal', async () => {
    const r = await cli('signals', 'calendar', 'neocloud-base', '--as-of', '2026-11-30');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2026-Q4 │ 2027-Q1 .* 2028-Q3/);
    expect(r.out).toMatch(/│ gpu-hour-price · term-contracts │ expected \(higher is good\) │ +\$3\.00 │ +\$2\.85 /);
    expect(r.out).toMatch(/│ +│ tripwire +│ +\$3\.13 │ +\$2\.98 /);
    const j = JSON.parse((await cli('signals', 'calendar', 'hyperscaler-base', '--as-of', '2027-02-15', '--json')).out) as { quarters: { label: string }[]; lines: { signal: string }[] };
    expect(j.quarters[0]?.label).toBe('2027-Q1');
    expect(j.lines.map((l) => l.signal)).toContain('api-price');
  });

  it('status --record saves the scenario version and logs the run; runs lists the log', async () => {
    const db = freshDb();
    await cli('signals', 'seed', '--db', db);
    expect((await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30', '--record')).code).toBe(0);
    await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30', '--record');
    const runs = JSON.parse((await cli('signals', 'runs', 'neocloud-base', '--db', db, '--json')).out) as { scenarioHash: string; engineVersion: string; summary: { npv: number } }[];
    expect(runs).toHaveLength(2);
    expect(runs[0]!.summary.npv).toBeCloseTo(-207e6, -6);
    expect(runs[0]!.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    const s = await openStore({ db });
    expect((await s.scenarioVersions('neocloud-base')).map((v) => v.version)).toEqual([1]);
    await s.close();
    expect((await cli('signals', 'runs', '--db', db)).out).toMatch(/neocloud-base/);
  });

  it('definitions lists the eleven signals', async () => {
    const r = await cli('signals', 'definitions', '--json');
    expect((JSON.parse(r.out) as unknown[]).length).toBe(11);
  });
});
