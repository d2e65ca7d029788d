/**
 * Portfolios on the command line (MODEL.md §8, issue 13): every command that
 * takes a scenario takes a portfolio; `payback run PORTFOLIO --json` prints
 * `{ portfolio, years, vintages, summary, revenueGap }` on the calendar; bad
 * portfolios exit 2 with every problem, no stack trace.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { YEAR_FIELDS } from '../src/model/result.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const dir = mkdtempSync(join(tmpdir(), 'payback-portfolio-cli-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('payback run PORTFOLIO', () => {
  it('--json: { portfolio, years (calendar, §3 line names), vintages [{id, buildYear, itMW, summary, years}], summary, revenueGap [{year, requiredRevenue, revenue, gap}] }', async () => {
    const { code, out } = await cli('run', 'hyperscaler-buildout', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as Record<string, any>;
    expect(Object.keys(r).slice(0, 5)).toEqual(['portfolio', 'years', 'vintages', 'summary', 'revenueGap']);
    expect(r.portfolio.kind).toBe('portfolio');
    expect(r.years[0].year).toBe(2023);
    expect(r.years.at(-1).year).toBe(2039);
    for (const f of YEAR_FIELDS) expect(r.years[5]).toHaveProperty(f);
    expect(r.vintages[0]).toMatchObject({ id: '2024', buildYear: 2024, itMW: 1373 });
    expect(r.vintages[0].years[1].year).toBe(2024);
    expect(r.vintages[0].summary).toHaveProperty('npv');
    expect(r.revenueGap[0]).toMatchObject({ year: 2024 });
    for (const k of ['requiredRevenue', 'revenue', 'gap']) expect(typeof r.revenueGap[0][k]).toBe('number');
  });
  it('prints the summary, the calendar with the gap, and the vintages', async () => {
    const { code, out, err } = await cli('run', 'industry-revenue-gap');
    expect(code).toBe(0);
    expect(out).toContain('AI industry — the revenue gap of the buildout');
    expect(out).toMatch(/│ 2028 +│ +27,000 MW │/);
    expect(out).toContain('Required');
    expect(out).toMatch(/│ Vintage │/);
    expect(err).toMatch(/vintage 2024 idles in 2025–2028/);
  });
});

describe('every command takes a portfolio', () => {
  it('compare puts a portfolio beside scenarios', async () => {
    const { code, out } = await cli('compare', 'hyperscaler-base', 'hyperscaler-buildout', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(out) as { id: string; operator: string }[];
    expect(rows.map((x) => [x.id, x.operator])).toEqual([
      ['hyperscaler-base', 'hyperscaler'],
      ['hyperscaler-buildout', 'portfolio'],
    ]);
  });
  it('breakeven, tornado, grid, stack, advantages', async () => {
    const b = await cli('breakeven', 'industry-revenue-gap', '--driver', 'demand.segments[paid].pricing.perMTok', '--json');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out).rows[0].status).toBe('needs-change');
    const t = await cli('tornado', 'neocloud-ramp', '--driver', 'finance.wacc', '--driver', 'vintages[2027].fleet.capexPerAccelerator', '--json');
    expect(t.code).toBe(0);
    expect(JSON.parse(t.out).rows.map((r: { path: string }) => r.path).sort()).toEqual(['finance.wacc', 'vintages[2027].fleet.capexPerAccelerator']);
    const g = await cli('grid', 'industry-revenue-gap', '--x', 'demand.growthPerYear=0.4:0.8:3', '--y', 'finance.wacc=0.05:0.15:3', '--json');
    expect(g.code).toBe(0);
    expect(JSON.parse(g.out).values).toHaveLength(3);
    const s = await cli('stack', 'hyperscaler-buildout', '--json');
    expect(s.code).toBe(0);
    expect(JSON.parse(s.out).factor).toBeGreaterThan(0);
    const a = await cli('advantages', 'hyperscaler-buildout', '--vs', 'neocloud-base', '--json');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out).notes[0]).toMatch(/portfolio of 7 vintages/);
  });
  it('mc draws common shocks', async () => {
    const { code, out } = await cli('mc', 'industry-revenue-gap', '-n', '500', '--json');
    expect(code).toBe(0);
    const s = JSON.parse(out);
    expect(s.n).toBe(500);
    expect(s.drivers.map((d: { path: string }) => d.path)).toContain('demand.growthPerYear');
  }, 60_000);
  it('export writes the workbook, the CSV and the JSON', async () => {
    const out = join(dir, 'out');
    const { code } = await cli('export', 'neocloud-ramp', '--csv', `${out}/`, '--json', join(out, 'n.json'), '--xlsx', join(out, 'n.xlsx'));
    expect(code).toBe(0);
    expect(readFileSync(join(out, 'neocloud-ramp-revenue-gap.csv'), 'utf8').split('\n')[0]).toBe('year,cashCost,capitalCharge,depreciation,requiredRevenue,requiredEndUser,revenue,gap,depreciationShare');
    expect(readFileSync(join(out, 'neocloud-ramp-vintages.csv'), 'utf8').split('\n')[1]).toMatch(/^2025,2025,neocloud-base,0,2024,/);
    expect(JSON.parse(readFileSync(join(out, 'n.json'), 'utf8')).portfolio.id).toBe('neocloud-ramp');
    expect(readFileSync(join(out, 'n.xlsx')).subarray(0, 2).toString()).toBe('PK');
  });
});

describe('a portfolio of levered vintages (MODEL.md §9): each its own tranches, the calendar adds them up', () => {
  const levered = join(import.meta.dirname, 'fixtures', 'portfolio-levered.yaml');
  it('run prints the consolidated capital stack and each vintage\'s breaches; --json carries the vintages\' tranches and the §9 lines', async () => {
    const { code, out } = await cli('run', levered);
    expect(code).toBe(0);
    expect(out).toMatch(/Capital stack \(consolidated\): 2 of 2 vintages with a capital stack \(12 tranches, each vintage its own\)/);
    expect(out).toMatch(/│ Year │ Interest │ Principal due │ Balloons │/);
    expect(out).toMatch(/\d{4}, vintage 2026: DSCR [\d.]+× below its covenant 1\.25×; equity cure/);
    const json = await cli('run', levered, '--json');
    const r = JSON.parse(json.out) as Record<string, any>;
    expect(r.vintages.map((v: { tranches: { id: string }[] }) => v.tranches.map((t) => t.id))).toEqual([0, 1].map(() => ['ddtl-1', 'ddtl-2', 'oem', 'revolver', 'notes-2030', 'ddtl-gen1']));
    expect(r.vintages[1].tranches[0].years[0].year).toBe(2027);
    expect(r.years[5]).toHaveProperty('balloonsDue');
    expect(r.summary.covenantBreaches[0]).toHaveProperty('vintage');
    expect(r.vintages[0].summary).toHaveProperty('maxRefinancingNeed');
  });
  it('export writes the §9 lines in the years and vintages CSV, and each vintage\'s tranches', async () => {
    const out = join(dir, 'levered');
    const { code } = await cli('export', levered, '--csv', `${out}/`);
    expect(code).toBe(0);
    expect(readFileSync(join(out, 'levered-pair-years.csv'), 'utf8').split('\n')[0]).toContain(',principalDue,balloonsDue,refinanced,');
    expect(readFileSync(join(out, 'levered-pair-vintages.csv'), 'utf8').split('\n')[0]).toContain(',debt.debtService,');
    expect(readFileSync(join(out, 'levered-pair-tranches.csv'), 'utf8').split('\n')[1]).toMatch(/^2026,ddtl-1,0,2025,/);
  });
});

describe('bad portfolios exit 2 with every problem', () => {
  const head = 'kind: portfolio\nid: p\nstartYear: 2026\nyears: 12\nfinance: { wacc: 0.08 }\n';
  it('an unknown scenario id', async () => {
    const { code, err } = await cli('run', file('unknown.yaml', `${head}vintages:\n  - { scenario: neocloud-bas, buildYear: 2026 }\n`));
    expect(code).toBe(2);
    expect(err).toMatch(/unknown\.yaml:7:\d+ vintages\[0\]\.scenario: no built-in scenario "neocloud-bas" \(did you mean "neocloud-base"\?\)/);
    expect(err).not.toMatch(/at .*\.ts:\d+/);
  });
  it('a build year outside the portfolio\'s years', async () => {
    const { code, err } = await cli('run', file('outside.yaml', `${head}vintages:\n  - { scenario: frontier-lab-base, buildYear: 2020 }\n`));
    expect(code).toBe(2);
    expect(err).toMatch(/vintages\[0\]\.buildYear: vintage 2020: build year 2020 is outside the portfolio's years 2026–2037/);
  });
  it('a vintage whose horizon runs past the portfolio\'s end, named', async () => {
    const { code, err } = await cli('run', file('past.yaml', `${head}vintages:\n  - { id: texas-2, scenario: hyperscaler-base, buildYear: 2030 }\n`));
    expect(code).toBe(2);
    expect(err).toMatch(/vintages\[texas-2\]: vintage texas-2 \(hyperscaler-base, 10 years from 2030\) runs to 2039, past the portfolio's last year 2037: it needs years: 14/);
  });
  it('more than 200 vintages', async () => {
    const { code, err } = await cli('run', file('many.yaml', `kind: portfolio\nid: p\nstartYear: 2026\nyears: 60\nfinance: { wacc: 0.08 }\nprogram: { template: frontier-lab-base, from: 2026, to: 2080, itMW: 10 }\nvintages:\n${Array.from({ length: 150 }, (_, i) => `  - { scenario: frontier-lab-base, buildYear: ${2026 + (i % 40)}, itMW: 1 }`).join('\n')}\n`));
    expect(code).toBe(2);
    expect(err).toMatch(/a portfolio has at most 200 vintages \(MODEL\.md §8\), this one 205/);
  });
  it('a template by a path, relative to the portfolio\'s file', async () => {
    file('site.yaml', readFileSync(join(import.meta.dirname, '..', 'data', 'scenarios', 'neocloud-base.yaml'), 'utf8'));
    const ok = await cli('run', file('paths.yaml', `${head.replace('years: 12', 'years: 14')}vintages:\n  - { scenario: ./site.yaml, buildYear: 2027, scale: 1.5 }\n`), '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).vintages[0].itMW).toBe(150);
    const missing = await cli('run', file('nofile.yaml', `${head}vintages:\n  - { scenario: ./nope.yaml, buildYear: 2027 }\n`));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/vintages\[0\]\.scenario: no such scenario file "\.\/nope\.yaml"/);
  });
});

describe('payback report with a portfolio', () => {
  it('adds a portfolio section: key figures, the four charts of the buildout, the gap by year, the vintages, the analyses', async () => {
    const out = join(dir, 'report.html');
    const { code } = await cli('report', 'neocloud-base', 'industry-revenue-gap', '--out', out);
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    const section = html.slice(html.indexOf('<section class="page portfolio"'), html.indexOf('</section>', html.indexOf('<section class="page portfolio"')));
    expect(section).toContain('AI industry — the revenue gap of the buildout');
    for (const id of ['mw', 'gap', 'wall', 'util']) expect(section).toMatch(new RegExp(`<figure class="chart" id="p1-industry-revenue-gap-${id}"><svg`));
    expect(section).toContain('Installed MW by vintage');
    expect(section).toContain('Utilization by vintage under the shared market');
    expect(section).toMatch(/<table class="gap">/);
    expect(section).toMatch(/<table class="vintages">/);
    expect(section).toMatch(/What has to be true/);
    expect(section).toMatch(/Payback stack/);
    expect(section).toContain('https://www.sequoiacap.com/article/ais-600b-question/');
    expect(html).toMatch(/<a href="#p1-industry-revenue-gap">Portfolio: AI industry/);
    // the Verdict opens with the scenario, then the portfolio: its answer, odds and the things that have to be true
    const verdict = html.slice(html.indexOf('<section class="page" id="verdict">'), html.indexOf('</section>', html.indexOf('<section class="page" id="verdict">')));
    expect(verdict).toContain('data-subject="neocloud-base" data-kind="scenario"');
    expect(verdict).toContain('data-subject="industry-revenue-gap" data-kind="portfolio"');
    expect(verdict).toMatch(/For each scenario and portfolio/);
  }, 120_000);
  it('a portfolio of levered vintages gets the capital stack of its vintages: the maturity wall by vintage, the consolidated lines, the breaches', async () => {
    const out = join(dir, 'report-levered.html');
    const { code } = await cli('report', join(import.meta.dirname, 'fixtures', 'portfolio-levered.yaml'), '--mc', '200', '--out', out);
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    const section = html.slice(html.indexOf('<section class="page portfolio"'));
    expect(section).toContain('The capital stack of the vintages');
    expect(section).toMatch(/<figure class="chart" id="p1-levered-pair-maturity"><svg/);
    expect(section).toMatch(/<table class="maturity">/);
    expect(section).toMatch(/<ul class="breaches"><li>\d{4}, vintage 20\d\d: DSCR/);
    expect(section).toMatch(/<table class="contracts">/);
  }, 120_000);
});
