/** `payback signals …` driven through `runCli` with captured output, each test on a temporary store file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
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
    expect(a.out).toContain('seed: 34 new observations, 0 already in the store');
    expect(a.out).toContain('Context (not scored):');
    expect(a.out).toContain('CoreWeave 5-year CDS');
    const b = await cli('signals', 'seed', '--db', db);
    expect(b.out).toContain('seed: 0 new observations, 34 already in the store');
    expect(await count(db)).toBe(34);
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
    expect(await count(db)).toBe(34);
  });

  it('an observation with an unknown scope value is bad input (exit 2): the line and the field, nothing written', async () => {
    const db = freshDb();
    const file = join(dir, 'scope.csv');
    writeFileSync(
      file,
      'signal,scope,date,value,unit,source,operator,accelerator,basis\n' +
        'gpu-hour-price,b200 on-demand,2026-03-01,5.3,$/accelerator-hour,index,market,b200,\n' +
        'gpu-hour-price,x,2026-03-01,5.3,$/accelerator-hour,index,neocluod,gb300x,\n' +
        'capex-per-mw,campus,2026-05-01,38e6,$/MW,Epoch,hyperscaler,gb200,\n',
    );
    const r = await cli('signals', 'import', file, '--db', db);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([
      'payback: 3 problems in the input:',
      expect.stringMatching(/scope\.csv:3 operator: unknown operator class "neocluod" \(did you mean "neocloud"\?\)/),
      expect.stringMatching(/scope\.csv:3 accelerator: unknown accelerator "gb300x" \(did you mean "gb300"\?\) \(the catalog's: h100, /),
      expect.stringMatching(/scope\.csv:4 basis: capex-per-mw is money per MW: say whether it is it-only or all-in/),
    ]);
    expect(await count(db)).toBe(0);
    const add = await cli('signals', 'add', '--db', db, '--signal', 'capex-per-mw', '--scope', 'x', '--date', '2026-01-01', '--value', '3e7', '--unit', '$/MW', '--source', 's', '--operator', 'neo', '--basis', 'all-in', '--facility-share', '1.2');
    expect(add.code).toBe(2);
    expect(add.err).toContain('--operator: unknown operator class "neo"');
    expect(add.err).toContain("--facility-share: expected the facility's share of the all-in figure, in [0, 1), got \"1.2\"");
    const ok = await cli('signals', 'add', '--db', db, '--signal', 'capex-per-mw', '--scope', 'x', '--date', '2026-01-01', '--value', '3e7', '--unit', '$/MW', '--source', 's', '--operator', 'neocloud', '--accelerator', 'GB200', '--basis', 'all-in', '--facility-share', '0.3', '--json');
    expect(ok.code).toBe(0);
    const rows = JSON.parse((await cli('signals', 'list', '--db', db, '--json')).out) as { operator: string; accelerator: string; basis: string; facilityShare: number }[];
    expect(rows).toMatchObject([{ operator: 'neocloud', accelerator: 'gb200', basis: 'all-in', facilityShare: 0.3 }]);
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
    expect((await cli('signals', 'list', '--db', db, '--signal', 'utilization', '--scope', 'nope')).out).toMatch(/^no observations of utilization in scope "nope"/);
    expect((await cli('signals', 'list', '--db', db, '--signal', 'capex-per-mw')).out).toMatch(/│ hyperscaler · gb200 · all-in │/);
  });
});

describe('payback signals status / calendar / runs', () => {
  it('status neocloud-base on the seed: no breach from a facility-inclusive capex, depreciation life a breach, no investment-grade bond against its debt', async () => {
    const db = freshDb();
    await cli('signals', 'seed', '--db', db);
    const r = await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30');
    expect(r.code).toBe(0);
    const row = (signal: string): string => r.out.split('\n').find((l) => l.startsWith(`│ ${signal}`)) ?? '';
    const cells = (signal: string): string[] => row(signal).split('│').map((c) => c.trim()).filter((c) => c !== '');
    expect(r.out).toMatch(/^The base case misses npv ≥ 0 already \(npv −\$[\d.,]+M\)/m);
    expect(r.out).toMatch(/│ Signal +│ +Latest │ Date +│ Scope · source +│ +Expected │ +Needed │ Status +│/);
    for (const s of ['gpu-hour-price', 'utilization', 'gp-per-mw', 'depreciation-life', 'lease-rate', 'cost-of-debt', 'power-price', 'token-volume']) {
      expect(cells(s)[6], s).toMatch(/^(on track|WATCH|BREACH)$/);
    }
    for (const s of ['api-price', 'capex-per-mw', 'paid-share']) expect(cells(s)[6], s).toBe('n/a');
    expect(cells('capex-per-mw')[3]).toMatch(/^1 GW GB200 campus, all-in \(not comparable\)/);
    expect(cells('depreciation-life').slice(1, 7)).toEqual(['4 y', '2025-01-01', expect.stringContaining('nebius gpus'), '6 y (2026*)', '6 y', 'BREACH']);
    expect(cells('cost-of-debt')[3]).toMatch(/^coreweave /);
    expect(cells('gpu-hour-price')).toEqual(['gpu-hour-price · term-contracts', '$3.30', '2025-08-01', expect.stringContaining('gb200 3-yr rental (proxy) · InferenceX'), '$3.00 (2026*)', 'needs $3.13', 'on track', '1 obs']);
    expect(r.out.split('\n').filter((l) => l.startsWith('│') && l.includes('BREACH')).map((l) => l.split('│')[1]!.trim())).toEqual(['depreciation-life']);
    expect(r.out).toContain('capex-per-mw: no status — shown, not scored: no like-for-like observation');
    expect(r.out).toContain('paid-share: n/a, shown and not scored — not linked to this scenario: it sells accelerator-hours, not tokens');
    expect(cells('token-volume')[7]).toMatch(/\(3 obs, 5 mo\)$/);
    expect(r.out).toContain('Context (not scored):');

    const j = JSON.parse((await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30', '--json')).out) as {
      asOf: string;
      verdict: { meets: boolean };
      rows: { signal: string; status: string | null; match: string; tripwire: number | null; latest: { source: string; operator: string | null } }[];
      context: unknown[];
    };
    expect(j.asOf).toBe('2026-11-30');
    expect(j.verdict.meets).toBe(false);
    expect(j.rows).toHaveLength(12);
    const by = Object.fromEntries(j.rows.map((x) => [x.signal, x]));
    expect(by['gpu-hour-price']?.latest.source).toBe('InferenceX-app constants (Aug 2025 surveys)');
    expect(by['capex-per-mw']).toMatchObject({ status: null, match: 'none' });
    expect(by['depreciation-life']?.status).toMatch(/^(watch|breach)$/);
    expect(by['cost-of-debt']).toMatchObject({ match: 'direct', latest: { operator: 'neocloud' } });
    expect(j.context).toHaveLength(4);
  });

  it('the neocloud\'s own GPU-hour price below its breakeven: worse than expected, short of what it needs (the base misses already); a hyperscaler past its tripwire: breach', async () => {
    const db = freshDb();
    await cli('signals', 'seed', '--db', db);
    expect((await cli('signals', 'import', fixture('observations-gpu-breach.csv'), '--db', db)).code).toBe(0);
    const r = await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30', '--json');
    const gpu = (JSON.parse(r.out) as { rows: { signal: string; status: string; match: string; observed: number; tripwire: number | null; needed: number; segment: string }[] }).rows.find((x) => x.signal === 'gpu-hour-price')!;
    expect(gpu).toMatchObject({ status: 'watch', match: 'direct', observed: 2.8, segment: 'term-contracts', tripwire: null });
    expect(gpu.needed).toBeGreaterThan(2.8);
    const text = await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-11-30');
    expect(text.out).toMatch(/│ gpu-hour-price · term-contracts .* needs \$3\.13 │ WATCH/);
    // before the fixture's date, the seed's gb200 survey is read again (a proxy)
    const earlier = JSON.parse((await cli('signals', 'status', 'neocloud-base', '--db', db, '--as-of', '2026-05-31', '--json')).out) as { rows: { signal: string; status: string; match: string }[] };
    expect(earlier.rows.find((x) => x.signal === 'gpu-hour-price')).toMatchObject({ status: 'on track', match: 'proxy' });
    expect((await cli('signals', 'import', fixture('observations-power-breach.csv'), '--db', db)).code).toBe(0);
    const h = await cli('signals', 'status', 'hyperscaler-base', '--db', db, '--as-of', '2026-11-30');
    expect(h.out).toMatch(/^The base case meets npv ≥ 0/m);
    expect(h.out).toMatch(/│ power-price .*\$600\.00 .*│ BREACH/);
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

  it('calendar: the watch list ranked by value of information, reasons on the top rows, eight quarters; a base case that misses says so', async () => {
    const r = await cli('signals', 'calendar', 'neocloud-base', '--as-of', '2026-11-30');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Watch list for neocloud-base .*ranked by value of information/);
    expect(r.out).toMatch(/^The base case misses npv ≥ 0 already/m);
    // ranked on the built-in's own sourced uncertainty block
    expect(r.out).toMatch(/│ +\d+ │ gpu-hour-price · term-contracts │ +\$[\d,]+M │ \$2\.\d\d–\$3\.\d\d \(scenario\) +│/);
    expect(r.out).toMatch(/^ {2}1\. utilization: npv moves \$[\d,]+M across demand\.utilization ×0\.882–×1\.08 of its path \(p5–p95 of the scenario's uncertainty\); it would need 0\.78 for the factory to pay back$/m);
    expect(r.out).toMatch(/2026-Q4 │ 2027-Q1 .* 2028-Q3/);
    expect(r.out).toMatch(/│ \d+\. gpu-hour-price · term-contracts │ expected \(higher is good\) │ +\$3\.00 │ +\$2\.85 /);
    expect(r.out).toMatch(/│ +│ needed +│ +\$3\.13 │ +\$2\.98 /);
    const j = JSON.parse((await cli('signals', 'calendar', 'neocloud-base', '--as-of', '2026-11-30', '--json')).out) as {
      verdict: { meets: boolean };
      lines: { signal: string; watch: { rank: number; voi: number | null; reason: string }; cells: { tripwire: number | null; needed: number | null }[] }[];
    };
    expect(j.verdict.meets).toBe(false);
    expect(j.lines.map((l) => l.watch.rank)).toEqual(j.lines.map((_, i) => i + 1));
    const vois = j.lines.map((l) => l.watch.voi).filter((v): v is number => v !== null);
    expect(vois).toEqual([...vois].sort((a, b) => b - a));
    expect(j.lines[0]!.watch.reason).toMatch(/^npv moves/);
    const h = JSON.parse((await cli('signals', 'calendar', 'hyperscaler-base', '--as-of', '2027-02-15', '--json')).out) as { quarters: { label: string }[]; lines: { signal: string }[]; verdict: { meets: boolean } };
    expect(h.quarters[0]?.label).toBe('2027-Q1');
    expect(h.verdict.meets).toBe(true);
    expect(h.lines.map((l) => l.signal)).toContain('api-price');
  });

  it('calendar --db, as status takes it: each line with its latest like-for-like evidence; an empty store names `payback signals seed`', async () => {
    const db = freshDb();
    const empty = await cli('signals', 'calendar', 'neocloud-base', '--as-of', '2026-11-30', '--db', db);
    expect(empty.code, empty.err).toBe(0);
    expect(empty.out).toContain('Latest evidence up to 2026-11-30');
    expect(empty.out).toContain('try `payback signals seed`');
    await cli('signals', 'seed', '--db', db);
    const r = await cli('signals', 'calendar', 'neocloud-base', '--as-of', '2026-11-30', '--db', db);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/│ +\d+ │ utilization +│ +\$[\d,]+M │ .* │ [\d.]+ % 20\d\d-\d\d-\d\d \((on track|watch|breach)\) +│/);
    const j = JSON.parse((await cli('signals', 'calendar', 'neocloud-base', '--as-of', '2026-11-30', '--db', db, '--json')).out) as { lines: unknown[]; status: { rows: unknown[] } };
    expect(j.lines.length).toBeGreaterThan(3);
    expect(j.status.rows.length).toBeGreaterThan(3);
  });

  it('nowcast: npv then and now, the Shapley attribution in a table and in JSON summing to the change; before every observation, exit 2', async () => {
    const db = freshDb();
    const empty = await cli('signals', 'nowcast', 'neocloud-base', '--db', db, '--as-of', '2026-11-30');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('--as-of: the store holds no observations');
    await cli('signals', 'seed', '--db', db);
    const early = await cli('signals', 'nowcast', 'neocloud-base', '--db', db, '--as-of', '2019-12-31');
    expect(early.code).toBe(2);
    expect(early.err).toMatch(/--as-of: 2019-12-31 is before every observation in the store \(34 of them, all later\)/);
    const j = await cli('signals', 'nowcast', 'neocloud-base', '--db', db, '--as-of', '2026-11-30', '--json');
    expect(j.code).toBe(0);
    const n = JSON.parse(j.out) as { npvBase: number; npvNow: number; attribution: { signal: string; npv: number }[]; placements: { signal: string; match: string }[]; notPlaced: { signal: string }[] };
    const change = n.npvNow - n.npvBase;
    expect(Math.abs(n.attribution.reduce((a, x) => a + x.npv, 0) - change)).toBeLessThanOrEqual(1e-9 * Math.abs(change));
    expect(n.attribution.map((a) => a.signal).sort()).toEqual(['cost-of-debt', 'depreciation-life', 'utilization']);
    expect(n.placements.every((p) => p.match === 'direct')).toBe(true);
    expect(n.notPlaced.map((x) => x.signal)).toContain('capex-per-mw');
    const t = await cli('signals', 'nowcast', 'neocloud-base', '--db', db, '--as-of', '2026-11-30');
    expect(t.out).toMatch(/^Nowcast of neocloud-base .*like-for-like evidence only/);
    expect(t.out).toMatch(/^The evidence up to 2026-11-30 moves npv from −\$[\d.,]+M to \+?\$[\d.,]+M/m);
    expect(t.out).toMatch(/│ +│ npv, base case +│ +│ +│ +−\$[\d.,]+M │/);
    expect(t.out).toMatch(/│ utilization +│ demand\.utilization +│ 75\.5 % → 85\.8 % \(mean, shape kept\) \[clipped high\] │ +\+\$[\d.,]+M │/);
    expect(t.out).toContain('gpu-hour-price: not placed — a proxy (market evidence, not neocloud)');
    const proxies = JSON.parse((await cli('signals', 'nowcast', 'neocloud-base', '--db', db, '--as-of', '2026-11-30', '--with-proxies', '--json')).out) as { placements: { match: string }[] };
    expect(proxies.placements.some((p) => p.match === 'proxy')).toBe(true);
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

  it('definitions lists the twelve signals', async () => {
    const r = await cli('signals', 'definitions', '--json');
    expect((JSON.parse(r.out) as unknown[]).length).toBe(12);
  });
});
