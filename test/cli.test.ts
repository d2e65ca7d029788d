/** The command line, driven through `runCli` with captured output, and once as a real process. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { loadScenarioText } from '../src/model/load.ts';
import { loadCatalog } from '../src/io/files.ts';
import { YEAR_FIELDS } from '../src/model/result.ts';

const root = join(import.meta.dirname, '..');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('payback compare', () => {
  it('prints the four archetypes matching DATA.md §3 to its printed digits', async () => {
    const { code, out } = await cli('compare');
    expect(code).toBe(0);
    const row = (label: string): string[] =>
      (out.split('\n').find((l) => l.includes(`│ ${label} `)) ?? '')
        .split('│')
        .map((c) => c.trim())
        .filter((c) => c !== '')
        .slice(1);
    expect(out.split('\n')[1]).toMatch(/hyperscaler-base.*frontier-lab-base.*neocloud-base.*private-ai-factory-base/);
    expect(row('Revenue / MW-yr')).toEqual(['$14.26M', '$21.27M', '$11.07M', '$9.52M']);
    expect(row('Gross profit / MW-yr')).toEqual(['$7.41M', '$8.31M', '$2.44M', '−$2.91M']);
    expect(row('Gross margin')).toEqual(['51.9 %', '39.1 %', '22.1 %', '−30.5 %']);
    expect(row('NPV')).toEqual(['+$2,109M', '+$2,310M', '−$207M', '−$693M']);
    expect(row('IRR')).toEqual(['18.7 %', 'none', '10.3 %', '−11.7 %']);
    expect(row('Equity IRR')).toEqual(['18.7 %', 'none', '14.2 %', '−30.7 %']);
    // a rented fleet has no capex to pay back: it says so, and its commitments stand beside peak funding
    expect(row('Commitments (PV)')).toEqual(['$0', '$4,242M', '$1,403M', '$350M']);
    expect(row('Payback')).toEqual(['3.41 y', 'no capex (rented): see commitments', '4.13 y', 'never']);
    expect(row('Strategic NPV')).toEqual(['+$4,240M', '+$2,310M', '−$207M', '+$1,400M']);
  });

  it('--json carries raw numbers and --csv one row per scenario', async () => {
    const j = await cli('compare', '--json', 'neocloud-base', 'hyperscaler-base');
    const rows = JSON.parse(j.out) as { id: string; summary: { npv: number } }[];
    expect(rows.map((r) => r.id)).toEqual(['neocloud-base', 'hyperscaler-base']);
    expect(rows[0]!.summary.npv).toBeCloseTo(-207e6, -6);
    const c = await cli('compare', '--csv');
    const lines = c.out.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^id,operator,revenuePerMW,grossProfitPerMW,/);
  });
});

describe('payback run', () => {
  it('prints the summary and the yearly table', async () => {
    const { code, out } = await cli('run', 'neocloud-base');
    expect(code).toBe(0);
    expect(out).toContain('Neocloud — base case');
    expect(out).toContain('2025 (build)');
    expect(out).toContain('Cum. FCF');
  });
  it('--json prints the full result contract with no NaN', async () => {
    const { code, out } = await cli('run', 'hyperscaler-base', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as { years: Record<string, unknown>[]; segments: unknown[]; summary: Record<string, unknown>; scenario: { id: string }; warnings: unknown[] };
    expect(r.scenario.id).toBe('hyperscaler-base');
    expect(r.years).toHaveLength(11);
    for (const f of YEAR_FIELDS) expect(r.years[1]).toHaveProperty(f);
    expect(out).not.toMatch(/NaN|Infinity/);
  });
  it('--years prints every yearly line', async () => {
    const { out } = await cli('run', 'private-ai-factory-base', '--years');
    for (const f of ['writeOff', 'debtRepaidAtHorizon', 'commitmentRemaining', 'realizedPricePerMTok']) expect(out).toContain(f);
  });
});

describe('bad input', () => {
  it('lists every problem at once with path and line:col, exit 2, no stack trace', async () => {
    const { code, out, err } = await cli('run', 'test/fixtures/broken.yaml');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).not.toMatch(/\bat .*\.ts:\d+/);
    expect(err).toMatchInlineSnapshot(`
      "payback: 5 problems in the input:
        test/fixtures/broken.yaml:6:3 site.itMW: expected a number in (0, 1e6], got "a lot"
        test/fixtures/broken.yaml:9:5 site.facility.mode: fleet.mode is rent, so site.facility.mode must be none (rented capacity comes with its facility), got "lease"
        test/fixtures/broken.yaml:14:3 fleet.accelerator: unknown accelerator "gb20" (did you mean "gb200"?); the catalog has h100, h200, b200, b300, gb200, gb300, mi300x, mi355x
        test/fixtures/broken.yaml:18:3 demand.utilisation: unknown key "utilisation" (did you mean "utilization"?)
        test/fixtures/broken.yaml:26:25 demand.segments[free].tokenShare[1]: shares of all segments sum to 1.10 in 2027–2028 (years 2–3), expected 1 (±1e-6)"
    `);
  });
  it('a missing file or unknown id names the built-ins', async () => {
    const { code, err } = await cli('run', 'neocloud-bse');
    expect(code).toBe(2);
    expect(err).toContain('did you mean "neocloud-base"');
  });
  it('an unknown command or option is a usage error (exit 2)', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('run', 'neocloud-base', '--jsn')).code).toBe(2);
  });
  it('the real binary exits 2 with the issue list and no stack trace', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/payback.js'), 'validate', 'test/fixtures/broken.yaml'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('broken.yaml:6:3 site.itMW');
    expect(r.stderr).not.toMatch(/node:internal|\.ts:\d+:\d+\)/);
  });
});

describe('MODEL.md v2 at the door', () => {
  const write = (text: string): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'payback-v2-')), 'scenario.yaml');
    writeFileSync(file, text);
    return file;
  };
  const good = (finance: string, extra = ''): string =>
    `id: t\noperator: custom\nhorizon: { startYear: 2026, years: 3 }\nsite: { itMW: 1, pue: 1.2, power: { pricePerMWh: 100 }, facility: { mode: lease, leasePerKWMonth: 100, termYears: 3 } }\nfleet: { mode: own, accelerator: gb200, usefulLifeYears: 2 }\ndemand:\n  utilization: 0.5\n  segments: [ { id: paid, kind: paid-api, tokenShare: 1, pricing: { perMTok: 1 } } ]\nfinance: ${finance}\n${extra}`;

  it('rates written in percent and terms past 50 years: exit 2, every problem, a fraction suggested', async () => {
    const { code, err } = await cli('validate', write(good('{ wacc: 12, taxRate: 21, debt: { share: 0.5, rate: 11, termYears: 80 } }')));
    expect(code).toBe(2);
    expect(err).toContain('finance.wacc: expected a number in (-1, 1], got 12 (did you mean 0.12?');
    expect(err).toContain('finance.taxRate: expected a number in [0, 1), got 21 (did you mean 0.21?');
    expect(err).toContain('finance.debt.rate: expected a number in (-1, 1], got 11 (did you mean 0.11?');
    expect(err).toContain('finance.debt.termYears: expected an integer from 1 to 50, got 80');
  });
  it('a huge lease term is refused before anything runs', async () => {
    const { code, err } = await cli('run', write(good('{ wacc: 0.1 }').replace('termYears: 3', 'termYears: 200000000')));
    expect(code).toBe(2);
    expect(err).toContain('site.facility.termYears: expected an integer from 1 to 50, got 200000000');
  });
  it('validate checks the uncertainty block too: unknown paths and ranges outside an input\'s valid range', async () => {
    const unc = 'uncertainty:\n  finance.wac: { dist: uniform, min: 0.05, max: 0.1 }\n  demand.utilization: { dist: uniform, min: 0.5, max: 1.4 }\n';
    const { code, err } = await cli('validate', write(good('{ wacc: 0.1 }', unc)));
    expect(code).toBe(2);
    expect(err).toMatch(/scenario\.yaml:11:3 uncertainty\["finance\.wac"\]: .*did you mean "wacc"/);
    expect(err).toMatch(/scenario\.yaml:12:\d+ uncertainty\["demand\.utilization"\]/);
  });
  it('a file over 2 MB is refused', async () => {
    const { code, err } = await cli('validate', write(`# ${'x'.repeat(2.1 * 1024 * 1024)}\n`));
    expect(code).toBe(2);
    expect(err).toContain('a scenario file may be at most 2.0 MB');
  });
  it('values that overflow the arithmetic are bad input (exit 2) naming the line and the year, and nothing is written', async () => {
    const file = write(good('{ wacc: 0.1 }').replace('accelerator: gb200', 'accelerator: gb200, kWPerAccelerator: 1.0e-300').replace('itMW: 1,', 'itMW: 1000000,'));
    const dir = mkdtempSync(join(tmpdir(), 'payback-nf-'));
    const { code, err } = await cli('export', file, '--xlsx', join(dir, 'm.xlsx'), '--json', join(dir, 'r.json'));
    expect(code).toBe(2);
    expect(err).toMatch(/accelerators: year 2026: accelerators has no finite value/);
    expect(readdirSync(dir)).toEqual([]);
    expect((await cli('run', file)).code).toBe(2);
  });
  it('a v1 file is refused with its v2 form; migrate rewrites it and the result validates', async () => {
    const v1 = 'test/fixtures/v1-neocloud.yaml';
    const refused = await cli('run', v1);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('v1-neocloud.yaml:38:3 fleet.nextGeneration: fleet.nextGeneration is MODEL.md v1');
    expect(refused.err).toContain('payback migrate FILE');
    const m = await cli('migrate', v1);
    expect(m.code).toBe(0);
    expect(m.err).toContain('fleet.nextGeneration → fleet.technology');
    const file = write(`${m.out}\n`);
    expect((await cli('validate', file)).code).toBe(0);
    expect((await cli('migrate', file, '--write')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(`${m.out}\n`);
  });
});

describe('validate, resolve, init, schema, catalog', () => {
  it('validate says ok for a good file', async () => {
    const { code, out } = await cli('validate', 'data/scenarios/neocloud-base.yaml');
    expect(code).toBe(0);
    expect(out).toMatch(/^ok: /);
  });
  it('resolve prints a scenario that resolves to itself', async () => {
    for (const id of ['hyperscaler-base', 'frontier-lab-base']) {
      const { code, out } = await cli('resolve', id);
      expect(code).toBe(0);
      const again = loadScenarioText(out, loadCatalog());
      expect(again.ok).toBe(true);
      if (again.ok) expect(again.scenario).toEqual(parse(out));
    }
  });
  it('init prints a commented scenario for every archetype that is valid as it stands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-init-'));
    for (const a of ['hyperscaler', 'frontier-lab', 'neocloud', 'private-ai-factory']) {
      const { code, out } = await cli('init', a);
      expect(code).toBe(0);
      expect(out).toMatch(/^# yaml-language-server: \$schema=/);
      expect(out).toContain(`id: my-${a}`);
      const file = join(dir, `${a}.yaml`);
      writeFileSync(file, out);
      expect((await cli('validate', file)).code).toBe(0);
    }
    expect((await cli('init', 'neoclod')).err).toContain('did you mean "neocloud"');
  });
  it('validate counts in words: "1 segment", not "1 segments"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-validate-'));
    const text = readFileSync(join(import.meta.dirname, '..', 'data', 'scenarios', 'neocloud-base.yaml'), 'utf8');
    const one = parse(text) as { demand: { segments: { tokenShare: number }[] }; uncertainty?: Record<string, unknown> };
    one.demand.segments = one.demand.segments.slice(0, 1);
    one.demand.segments[0]!.tokenShare = 1;
    delete one.uncertainty;
    const file = join(dir, 'one.json');
    writeFileSync(file, JSON.stringify(one));
    const { code, out } = await cli('validate', file);
    expect(code).toBe(0);
    expect(out).toMatch(/, 12 years, 1 segment\)$/);
  });
  it('init leaves the archetype\'s description and sources with it, and copies no catalog value that would go stale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-init-'));
    for (const a of ['hyperscaler', 'frontier-lab', 'neocloud', 'private-ai-factory']) {
      const { out } = await cli('init', a);
      expect(out, a).not.toMatch(/^description:/m);
      expect(out, a).not.toMatch(/^sources:/m);
      expect(out, a).not.toMatch(/= catalog|catalog [\d,.]+/);
      const parsed = parse(out) as Record<string, unknown>;
      expect(parsed['description'], a).toBeUndefined();
      expect(parsed['sources'], a).toBeUndefined();
    }
    // the neocloud's capex equals the catalog's gb200: the line is left out, so another accelerator brings its own
    const { out } = await cli('init', 'neocloud');
    expect(out).toMatch(/^ {2}# capexPerAccelerator: the catalog's value for gb200/m);
    const file = join(dir, 'b200.yaml');
    writeFileSync(file, out.replace('accelerator: gb200', 'accelerator: b200'));
    const resolved = JSON.parse((await cli('resolve', file, '--json')).out) as { fleet: { capexPerAccelerator: number } };
    const b200 = (JSON.parse((await cli('catalog', '--json')).out) as { accelerators: { id: string; capexPerAccelerator: number }[] }).accelerators.find((x) => x.id === 'b200')!;
    expect(resolved.fleet.capexPerAccelerator).toBe(b200.capexPerAccelerator);
    // a value that differs from the catalog stays, saying it overrides it (no copy of the catalog's number)
    expect((await cli('init', 'hyperscaler')).out).toMatch(/capexPerAccelerator: 50000 +# overrides the catalog's gb200: less a volume discount \(L\)/);
  });
  it('schema prints the JSON Schema', async () => {
    const s = JSON.parse((await cli('schema')).out) as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(s.properties)).toContain('demand');
    expect(s.additionalProperties).toBe(false);
  });
  it('catalog lists every accelerator with its source', async () => {
    const { out } = await cli('catalog');
    for (const id of ['h100', 'gb200', 'mi355x']) expect(out).toContain(id);
    expect(out).toContain('Sources:');
  });
});
