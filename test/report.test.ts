/** The HTML report, its charts and its inputs table, without a browser (the browser test opens the file). */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { defaultUncertainty } from '../src/analysis/default-uncertainty.ts';
import { reportAnalyses, reportMonteCarlo } from '../src/report/contents.ts';
import { evaluate } from '../src/model/engine.ts';
import type { ResolvedScenario } from '../src/model/load.ts';
import type { ModelResult } from '../src/model/result.ts';
import { canonicalJson, scenarioHash } from '../src/io/scenario-hash.ts';
import {
  advantagesOption,
  cashFlowOption,
  type ChartOption,
  compareBarsOption,
  funnelOption,
  histogramOption,
  internalSweepOption,
  paybackStackOption,
  perMWOption,
  tornadoOption,
  unitEconomicsOption,
} from '../src/report/charts.ts';
import { esc, renderReport, type ScenarioAnalyses } from '../src/report/html.ts';
import { inputRows } from '../src/report/inputs.ts';
import { renderSvg } from '../src/report/svg.ts';
import { loadSignalDefinitions } from '../src/io/signal-files.ts';
import { VERSION } from '../src/version.ts';
import { base, BUILT_INS, catalog, ROOT, scenario, withPatch } from './helpers.ts';

const silent = { out: () => {}, err: () => {}, isTTY: false };

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const scenarios: ResolvedScenario[] = BUILT_INS.map((id) => scenario(base(id)));
const results: ModelResult[] = scenarios.map(evaluate);
const byId = (id: string): ModelResult => results.find((r) => r.scenario.id === id) as ModelResult;

/** Every value axis of a cartesian chart has a name; the chart has a title. */
function expectReadable(o: ChartOption): void {
  const title = Array.isArray(o.title) ? o.title[0] : o.title;
  expect(typeof title?.text).toBe('string');
  expect((title?.text as string).length).toBeGreaterThan(5);
  for (const axis of [o.xAxis, o.yAxis].flatMap((a) => (Array.isArray(a) ? a : a === undefined ? [] : [a]))) {
    const a = axis as { type?: string; name?: string };
    if (a.type === 'value') expect(a.name, `value axis of "${title?.text}"`).toMatch(/\S/);
  }
  expect(o.animation).toBe(false);
}

describe('chart options', () => {
  it('read the engine result, never recompute it', () => {
    const cmp = compareBarsOption(results);
    const series = cmp.series as { data: (number | null)[] }[];
    expect(series[0]!.data).toEqual(results.map((r) => r.summary.revenuePerMW));
    expect(series[1]!.data).toEqual(results.map((r) => r.summary.grossProfitPerMW));
    const r = byId('hyperscaler-base');
    const per = perMWOption(r).series as { data: (number | null)[] }[];
    expect(per[0]!.data).toEqual(r.years.filter((y) => y.t >= 1).map((y) => y.revenuePerMW));
    expect(per[1]!.data).toEqual(r.years.filter((y) => y.t >= 1).map((y) => y.grossProfitPerMW));
    const unit = unitEconomicsOption(r).series as { data: (number | null)[] }[];
    expect(unit[0]!.data).toEqual(r.years.filter((y) => y.t >= 1).map((y) => y.costPerMTok));
    const cash = cashFlowOption(r).series as { data: unknown[] }[];
    expect(cash[1]!.data).toEqual(r.years.map((y) => [y.t, y.cumulativeFcf]));
    const funnel = funnelOption(r).series as { data: { value: number | null }[] }[];
    expect(funnel[0]!.data.map((d) => d.value)).toEqual([
      r.summary.totalTokens,
      r.summary.hiddenReasoningTokens,
      r.summary.monetizableTokens,
      r.summary.profitableTokens,
      r.summary.strategicTokens,
    ]);
  });

  it('every chart has a title and named value axes, and renders to SVG', () => {
    const hs = scenarios[0]!;
    const an = reportAnalyses(scenarios[2]!, hs, silent);
    const options: ChartOption[] = [
      compareBarsOption(results),
      ...results.flatMap((r) => [funnelOption(r), perMWOption(r), unitEconomicsOption(r), cashFlowOption(r)]),
      tornadoOption(an.tornado!),
      paybackStackOption(an.paybackStack!),
      advantagesOption(an.advantages!),
      internalSweepOption(reportAnalyses(hs, hs, silent).internal!),
      histogramOption({ title: 'NPV distribution', xName: 'npv ($)', bins: [{ lo: -1, hi: 0, count: 3 }, { lo: 0, hi: 1, count: 5 }], format: String, threshold: { value: 0, label: 'P = 62 %' } }),
    ];
    for (const o of options) {
      expectReadable(o);
      const svg = renderSvg(o);
      expect(svg.startsWith('<svg role="img" aria-label="')).toBe(true);
      expect(svg).toContain('</svg>');
      expect(svg).not.toMatch(/NaN|undefined/);
    }
  });
});

describe('inputs table', () => {
  const text = readFileSync(join(ROOT, 'data/scenarios/hyperscaler-base.yaml'), 'utf8');
  const hs = scenarios[0]!;
  const gb200 = catalog().accelerators.find((a) => a.id === 'gb200');
  const rows = inputRows(hs, { text, catalogRow: gb200 });
  const row = (path: string) => rows.find((r) => r.path === path);

  it('lists every input with its value, unit and source', () => {
    expect(row('site.pue')).toMatchObject({ value: '1.15', unit: 'ratio', origin: 'file' });
    expect(row('site.pue')!.source).toContain('Uptime/Google');
    expect(row('horizon.startYear')!.value).toBe('2026');
    expect(row('site.facility.capexPerMW')!.value).toBe('12,000,000');
    expect(row('demand.utilization')!.value).toBe('[0.6, 0.7, 0.75]');
    // a flow map's comment covers its keys
    expect(row('demand.segments[batch].pricing.discount')!.source).toContain('batch discount');
    expect(row('fleet.kWPerAccelerator')).toMatchObject({ origin: 'catalog' });
    expect(row('fleet.kWPerAccelerator')!.source).toContain('gb200');
    expect(row('fleet.rentChangePerYear')).toMatchObject({ origin: 'default', value: '0' });
    expect(row('demand.segments[cloud-api].pricing.perMTok')).toMatchObject({ value: '2', unit: '$ per M billed tokens' });
    expect(rows.every((r) => r.value !== '')).toBe(true);
    expect(new Set(rows.map((r) => r.path)).size).toBe(rows.length);
  });

  it('without the file text every input is still listed', () => {
    const plain = inputRows(hs);
    expect(plain.map((r) => r.path)).toEqual(rows.map((r) => r.path));
    expect(plain.every((r) => r.origin === 'scenario')).toBe(true);
  });
});

describe('scenario hash', () => {
  it('is the SHA-256 of the canonical JSON, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    const s = scenarios[0]!;
    const reversed = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reversed) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
    const shuffled = reversed(s);
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(s));
    expect(scenarioHash(s)).toMatch(/^[0-9a-f]{64}$/);
    expect(scenarioHash(shuffled)).toBe(scenarioHash(s));
    expect(scenarioHash(withPatch(s, (d) => void (d.site.pue = 1.2)))).not.toBe(scenarioHash(s));
  });
});

describe('renderReport', () => {
  const watch = { definitions: loadSignalDefinitions(), asOf: '2026-06-30' };
  const analyses: ScenarioAnalyses[] = scenarios.map((s) => reportAnalyses(s, scenarios[0], silent, watch));
  const html = renderReport({
    results,
    analyses,
    meta: { version: VERSION, reference: 'hyperscaler-base', scenarios: scenarios.map((s) => ({ source: s.id, hash: scenarioHash(s), canonicalJson: canonicalJson(s) })) },
  });

  it('is one self-contained page: no script, no external resource', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/@import|@font-face/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<img\b|<iframe\b|<object\b|<embed\b/i);
    // url(...) only for the SVGs' own clip paths
    for (const m of html.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).toMatch(/^#/);
    // the only hrefs are in-page anchors and the scenarios' cited sources (links, not loads)
    for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^(#|https?:\/\/)/);
    expect(html).toContain("default-src 'none'");
  });

  it('has every section, each scenario block and the provenance', () => {
    for (const h of ['1 Verdict', '2 Operator comparison', '4 Assumptions']) expect(html).toContain(`<h2>${h}</h2>`);
    // the Verdict opens the report
    expect(html.indexOf('<h2>1 Verdict</h2>')).toBeLessThan(html.indexOf('<h2>2 Operator comparison</h2>'));
    scenarios.forEach((s, i) => {
      expect(html).toContain(`<article class="verdict`);
      expect(html).toContain(`data-subject="${s.id}" data-kind="scenario"`);
      expect(html).toContain(`<h2>3.${i + 1} ${esc(s.name ?? s.id)}`);
      for (const t of [
        'Token funnel',
        'Revenue, gross profit and EBITDA per MW',
        'Cost vs revenue per million tokens served',
        'Cash flows and cumulative payback',
        'What has to be true',
        'Tornado',
        'Payback stack',
        'Internal inference',
        'Structural advantages against hyperscaler-base',
      ]) {
        expect(html).toContain(`${esc(t)}</h3>`);
      }
      expect(html).toContain(scenarioHash(s));
    });
    expect(html).not.toContain('not computed');
    expect(html).toContain(`engine version ${VERSION}`);
    // the compare table shows the same cells as `payback compare`
    expect(html).toContain('+$2,109M');
    expect(html).toContain('−$2.91M');
  });

  it('has one SVG per chart', () => {
    const svgs = html.match(/<svg /g) ?? [];
    const expected =
      1 +
      analyses.reduce((n, a) => n + 4 + (a.tornado ? 1 : 0) + (a.paybackStack ? 1 : 0) + (a.paybackStackByPayer ? 1 : 0) + (a.internal?.available ? 1 : 0) + (a.advantages ? 1 : 0), 0);
    expect(svgs.length).toBe(expected);
    expect(svgs.length).toBeGreaterThanOrEqual(1 + 4 * 4 + 4 + 4 + 4 + 3 + 3);
  });

  it('escapes every text it shows', () => {
    const evil = scenario(
      withPatch(base('neocloud-base'), (d) => {
        d['name'] = '<script>alert("x")</script> & co';
        d['description'] = '"quoted" <b>bold</b>';
        d['sources'] = [{ label: '<img src=x onerror=alert(1)>', url: 'javascript:alert(1)' }];
        (d['demand'] as { segments: { label?: string }[] }).segments[0]!.label = '</td><script>';
      }),
    );
    const r = evaluate(evil);
    const out = renderReport({ results: [r], analyses: [{}], meta: { version: VERSION, scenarios: [{ source: 'evil.yaml', hash: scenarioHash(evil) }] } });
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/<img/i);
    expect(out).not.toContain('href="javascript:');
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(out).toContain('not computed');
  });

  it('with Monte Carlo: the NPV and IRR histograms with P(npv ≥ 0) and P(irr ≥ wacc)', () => {
    const s = scenarios[2]!;
    const run = reportMonteCarlo(s, 400, 3);
    const r = evaluate(s);
    const out = renderReport({ results: [r], analyses: [{}], mc: [run], meta: { version: VERSION, scenarios: [{ source: s.id, hash: scenarioHash(s) }] } });
    expect(out).toContain('Monte Carlo</h3>');
    expect(out).toContain(`aria-label="Monte Carlo NPV — ${s.id}"`);
    expect(out).toContain(`aria-label="Monte Carlo IRR — ${s.id}"`);
    const p = run.summary.probabilities;
    expect(out).toContain(`P(npv ≥ 0) = ${(p.npvAtLeastZero * 100).toFixed(1)} %`);
    expect(out).toContain(`P(irr ≥ wacc) = ${((p.irrAtLeastWacc ?? 0) * 100).toFixed(1)} %`);
    // a built-in samples its own sourced block; a scenario without one, the default every surface uses
    expect(out).toContain("Distributions: the scenario&#39;s uncertainty block.");
    expect(run.summary.n).toBe(400);
    const { uncertainty: _u, ...bare } = s;
    const plain = reportMonteCarlo(bare as typeof s, 400, 3);
    expect(plain.origin).toMatch(/^The scenario has no uncertainty block, so its default uncertainty is sampled/);
    // the default distributions stay inside each driver's valid range and read well
    for (const spec of Object.values(defaultUncertainty(s))) {
      for (const x of [spec.min, spec.mode, spec.max]) if (x !== undefined) expect(String(x).length).toBeLessThan(12);
    }
  });

  it('rejects misaligned inputs', () => {
    expect(() => renderReport({ results, analyses: [], meta: { version: VERSION, scenarios: [] } })).toThrow(RangeError);
  });
});

describe('payback report', () => {
  it('writes the file (directories created), prints the comparison and the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-report-'));
    const out = join(dir, 'a', 'b', 'r.html');
    const { code, out: stdout } = await cli('report', 'neocloud-base', 'private-ai-factory-base', '--out', out);
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(stdout).toMatch(/neocloud-base.*private-ai-factory-base/);
    expect(stdout).toContain('Gross profit / MW-yr');
    expect(stdout).toContain(out);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('3.2 Private AI factory');
    // the Verdict first, with P(npv ≥ 0) from the default Monte Carlo (20,000 samples, seed 42), as the CLI prints it
    expect(html.indexOf('<h2>1 Verdict</h2>')).toBeGreaterThan(0);
    expect(stdout).toMatch(/Verdict:\n  neocloud-base: Falls short of its 12\.0 % wacc; P\(npv ≥ 0\) \d+\.\d %, P\(irr ≥ wacc\) \d+\.\d % \(20,000 samples, seed 42\)/);
    const p = /neocloud-base: [^;]+; P\(npv ≥ 0\) (\d+\.\d %)/.exec(stdout)?.[1];
    expect(html).toContain(`<dd data-metric="pNpv">${p}</dd>`);
    // the reference is loaded for the attribution even when it is not reported
    expect(html).toContain('Structural advantages — neocloud-base vs hyperscaler-base');
  });

  it('bad input is every problem at once, exit 2, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-report-'));
    const out = join(dir, 'r.html');
    const r = await cli('report', 'no-such-scenario', '--mc', 'many', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--mc');
    expect(existsSync(out)).toBe(false);
    const r2 = await cli('report', 'no-such-scenario', '--out', out);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('no-such-scenario');
    expect(existsSync(out)).toBe(false);
  });
});

describe('payback report --signals: the watch list and the nowcast of each scenario', () => {
  it('the report shows the watch list ranked by value of information and the nowcast waterfall, the same numbers as `payback signals`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-report-signals-'));
    const db = join(dir, 's.db');
    expect((await cli('signals', 'seed', '--db', db)).code).toBe(0);
    const out = join(dir, 'r.html');
    const r = await cli('report', 'neocloud-base', '--signals', '--as-of', '2026-11-30', '--db', db, '--out', out);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Evidence: what to watch, and what it says now</h3>');
    // the watch list: the verdict, and the first line with its reason
    expect(html).toContain(esc('The base case misses npv ≥ 0 already'));
    const cal = JSON.parse((await cli('signals', 'calendar', 'neocloud-base', '--as-of', '2026-11-30', '--json')).out) as { lines: { watch: { reason: string } }[] };
    expect(html).toContain(esc(cal.lines[0]!.watch.reason));
    // the nowcast: the same sentence as the CLI's JSON, and its waterfall
    const n = JSON.parse((await cli('signals', 'nowcast', 'neocloud-base', '--as-of', '2026-11-30', '--db', db, '--json')).out) as { summary: string; attribution: { label: string }[] };
    expect(html).toContain(esc(n.summary));
    expect(html).toContain('aria-label="Nowcast — neocloud-base, evidence up to 2026-11-30"');
    for (const a of n.attribution) expect(html).toContain(esc(a.label));
    expect(html).toContain('<code>payback report neocloud-base --mc 20000 --seed 42 --signals --as-of 2026-11-30</code>');
    // an empty store: the watch list still, the nowcast says why not
    const empty = join(dir, 'empty.db');
    const e = await cli('report', 'neocloud-base', '--signals', '--as-of', '2026-11-30', '--db', empty, '--out', join(dir, 'e.html'));
    expect(e.code).toBe(0);
    expect(readFileSync(join(dir, 'e.html'), 'utf8')).toContain('No nowcast: the store holds no observations');
    // --db without --signals is bad input (--as-of alone sets the day the Verdict's watch list starts from)
    const bad = await cli('report', 'neocloud-base', '--db', db, '--out', join(dir, 'x.html'));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--db: goes with --signals');
  }, 60_000);
});
