/**
 * The capital stack (MODEL.md §9) on every surface: `payback run` prints it,
 * `--json` and the API carry the tranches and the §9 lines, the CSV export
 * writes the tranches, the HTML report draws the maturity wall, DSCR and LTV
 * against the covenants and the backlog — each the engine's numbers, formatted
 * by the same code; bad input is a 400 with every issue, as the CLI's exit 2.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { evaluate } from '../src/model/engine.ts';
import { TRANCHE_YEAR_FIELDS } from '../src/model/result.ts';
import { maturityTable, trancheTable } from '../src/report/capital-charts.ts';
import { capitalSectionHtml } from '../src/report/capital.ts';
import { millions } from '../src/report/format.ts';
import { base, scenario } from './helpers.ts';
import { postJson, testApp, type TestServer } from './server-helpers.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const levered = evaluate(scenario(base('neocloud-levered')));

describe('the command line', () => {
  it('payback run prints the stack: the headline, the tranches, the maturity wall by year, the breaches, the contracts', async () => {
    const { code, out } = await cli('run', 'neocloud-levered');
    expect(code).toBe(0);
    expect(out).toContain(`Capital stack: 6 tranches; largest refinancing need ${millions(levered.summary.maxRefinancingNeed ?? null, 0)}`);
    for (const row of trancheTable(levered).rows) expect(out).toContain(row[0] as string);
    for (const row of maturityTable(levered).rows) expect(out).toMatch(new RegExp(`│ ${row[0]} .*│\\s+${(row[9] as string).replace(/[.×$]/g, '\\$&')} │`));
    expect(out).toMatch(/2035: DSCR 0\.71× below the covenant 1\.25×; equity cure \$535\.0M/);
    expect(out).toContain('Backlog at end');
  });

  it('payback run without a capital stack prints none of it', async () => {
    const { out } = await cli('run', 'neocloud-base');
    expect(out).not.toContain('Capital stack');
  });

  it('--json carries the tranches and the §9 lines; export writes a tranches CSV', async () => {
    const { out } = await cli('run', 'neocloud-levered', '--json');
    const j = JSON.parse(out) as typeof levered;
    expect(j.tranches?.map((x) => x.id)).toEqual(['ddtl-1', 'ddtl-2', 'oem', 'revolver', 'notes-2030', 'ddtl-gen1']);
    expect(j.summary.covenantBreaches).toEqual(levered.summary.covenantBreaches);
    const dir = mkdtempSync(join(tmpdir(), 'capital-csv-'));
    const r = await cli('export', 'neocloud-levered', '--csv', `${dir}/`);
    expect(r.code).toBe(0);
    const csv = readFileSync(join(dir, 'neocloud-levered-tranches.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(['tranche', 't', 'year', ...TRANCHE_YEAR_FIELDS].join(','));
    expect(csv).toHaveLength(1 + 6 * 13);
    expect(readFileSync(join(dir, 'neocloud-levered-years.csv'), 'utf8').split('\n')[0]).toMatch(/,balloonsDue,.*,marketLtv,.*,expectedCreditLoss$/);
  });
});

describe('the report', () => {
  it('the capital-stack section: three charts, the tranches, the maturity table, the breaches with their cures', () => {
    const html = capitalSectionHtml(levered, 's1-levered-capital');
    for (const label of ['Maturity wall — ', 'Debt service cover and market LTV — ', 'Contracted backlog and contracted share — ']) expect(html).toContain(`aria-label="${label}Neocloud — levered (capital stack)"`);
    expect(html).toContain('<table class="tranches">');
    expect(html).toContain('2035: DSCR 0.71× below the covenant 1.25×');
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('payback report draws it for a scenario with a capital stack (and only there)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capital-report-'));
    const out = join(dir, 'r.html');
    const r = await cli('report', 'neocloud-levered', 'neocloud-base', '--out', out);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.match(/Capital stack<\/h3>/g)).toHaveLength(1);
    expect(html).toContain('aria-label="Maturity wall — Neocloud — levered (capital stack)"');
  }, 120_000);
});

describe('the API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('POST /api/run gives the tranches and the §9 lines, as payback run --json', async () => {
    const r = await postJson(t.app, '/api/run', { id: 'neocloud-levered' });
    expect(r.status).toBe(200);
    expect(r.body.tranches).toEqual(JSON.parse(JSON.stringify(levered.tranches)));
    expect(r.body.summary.maxRefinancingNeed).toBe(levered.summary.maxRefinancingNeed);
    expect(r.body.years[5].balloonsDue).toBe(levered.years[5]?.balloonsDue);
  });

  it('a bad stack is a 400 with every issue and its line', async () => {
    const yaml = readFileSync(join(import.meta.dirname, '..', 'data/scenarios/neocloud-levered.yaml'), 'utf8')
      .replace('      share: 0.32                 # 11 % effective', '      share: 0.32\n      amount: 1000000\n      targetDscr: 0                 # 11 % effective')
      .replace('  baseRate: [0.036, 0.0325, 0.031, 0.03]', '');
    const r = await postJson(t.app, '/api/run', { yaml });
    expect(r.status).toBe(400);
    const issues = r.body.issues as { path: string; code: string; line?: number }[];
    const paths = issues.map((i) => `${i.path} ${i.code}`);
    expect(paths).toEqual(expect.arrayContaining(['finance.debt[ddtl-2].amount share_or_amount', 'finance.debt[ddtl-2].spread needs_base_rate', 'finance.debt[ddtl-2].targetDscr too_small']));
    expect(issues.every((i) => typeof i.line === 'number')).toBe(true);
  });
});
