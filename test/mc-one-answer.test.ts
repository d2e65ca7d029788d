/**
 * One Monte Carlo answer (MODEL.md §5): the same scenario, n and seed give
 * the same P(npv ≥ 0) from `payback mc --json`, `payback report --mc` and
 * `POST /api/mc` (the dashboard is checked against them in
 * test/web.browser.test.ts). A scenario without an `uncertainty:` block gets
 * the default of src/analysis/default-uncertainty.ts on every surface.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultUncertainty, effectiveUncertainty, withEffectiveUncertainty } from '../src/analysis/default-uncertainty.ts';
import { prepareMonteCarlo } from '../src/analysis/monte-carlo.ts';
import { runCli } from '../src/cli/run-cli.ts';
import { readScenarioFile } from '../src/io/files.ts';
import { pct } from '../src/report/format.ts';
import { BUILT_INS, ROOT } from './helpers.ts';
import { postJson, testApp, type TestServer } from './server-helpers.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const N = 4000;
const SEED = 42;

let t: TestServer;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

describe('one Monte Carlo answer', () => {
  it('the default uncertainty of every built-in lies inside each input\'s valid range and plans a run', () => {
    for (const id of BUILT_INS) {
      const r = readScenarioFile(id);
      if (!r.ok) throw new Error(id);
      const d = defaultUncertainty(r.scenario);
      expect(Object.keys(d).length, id).toBeGreaterThan(5);
      const plan = prepareMonteCarlo(withEffectiveUncertainty(r.scenario), { n: 16 });
      expect(plan.ok ? [] : plan.issues, id).toEqual([]);
      // a scenario's own block wins
      const own = withEffectiveUncertainty({ ...r.scenario, uncertainty: { 'finance.wacc': { dist: 'uniform' as const, min: 0.05, max: 0.2 } } });
      expect(Object.keys(own.uncertainty ?? {})).toEqual(['finance.wacc']);
      expect(effectiveUncertainty(r.scenario).origin).toBe(Object.keys(r.scenario.uncertainty ?? {}).length > 0 ? 'scenario' : 'default');
    }
  });

  it('the CLI --json, the report and /api/mc agree on P(npv ≥ 0) for the same n and seed: every built-in (its own block) and a scenario without one (the default)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-one-answer-'));
    // the neocloud without its uncertainty block: every surface samples the default uncertainty
    const text = readFileSync(join(ROOT, 'data', 'scenarios', 'neocloud-base.yaml'), 'utf8');
    const bareText = text.slice(0, text.indexOf('\n# What Monte Carlo samples')).replace('id: neocloud-base', 'id: neocloud-bare') + '\n';
    const bareFile = join(dir, 'neocloud-bare.yaml');
    writeFileSync(bareFile, bareText);
    const cases = [...BUILT_INS.map((id) => ({ arg: id as string, body: { id } as Record<string, unknown>, own: true })), { arg: bareFile, body: { yaml: bareText }, own: false }];
    for (const c of cases) {
      const r = await cli('mc', c.arg, '-n', String(N), '--seed', String(SEED), '--json');
      expect(r.code, r.err).toBe(0);
      const fromCli = (JSON.parse(r.out) as { probabilities: { npvAtLeastZero: number } }).probabilities.npvAtLeastZero;
      const api = await postJson(t.app, '/api/mc', { ...c.body, n: N, seed: SEED });
      expect(api.status, JSON.stringify(api.body)).toBe(200);
      expect(api.body.summary.probabilities.npvAtLeastZero).toBe(fromCli);
      // the whole summary, not only the probability
      expect(api.body.summary).toEqual(JSON.parse(r.out));
      const out = join(dir, 'r.html');
      const rep = await cli('report', c.arg, '--mc', String(N), '--seed', String(SEED), '--out', out);
      expect(rep.code, rep.err).toBe(0);
      const html = readFileSync(out, 'utf8');
      expect(html).toContain(`<td>P(npv ≥ 0)</td><td class="n">${pct(fromCli, 1)}</td>`);
      expect(html).toContain(c.own ? 'Distributions: the scenario&#39;s uncertainty block.' : 'The scenario has no uncertainty block, so its default uncertainty is sampled');
    }
  }, 300_000);

  it('payback mc <each built-in> runs with no flags (the default n and seed) and says where its distributions come from', async () => {
    for (const id of BUILT_INS) {
      const r = await cli('mc', id);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/^(The scenario has no uncertainty block, so its default uncertainty is sampled|Distributions: the scenario's uncertainty block)/);
    }
  }, 300_000);

  it('an uncertainty range outside an input\'s valid range is bad input: exit 2 with the line, on every command that reads the file; 400 from the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-one-answer-'));
    const text = readFileSync(join(ROOT, 'data', 'scenarios', 'neocloud-base.yaml'), 'utf8');
    const wide = text.replace(/^ {2}site\.power\.pricePerMWh: \{.*\}$/m, '  site.power.pricePerMWh: { dist: uniform, min: -20, max: 137 }');
    expect(wide).not.toBe(text);
    const file = join(dir, 'wide.yaml');
    writeFileSync(file, wide);
    const line = wide.split('\n').findIndex((l) => l.includes('min: -20')) + 1;
    for (const args of [['mc', file, '-n', '100'], ['run', file], ['signals', 'calendar', file, '--as-of', '2026-11-30'], ['report', file, '--mc', '100', '--out', join(dir, 'r.html')]]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain(`wide.yaml:${line}:`);
      expect(r.err).toContain('min -20 is outside the valid range [0, 1000] of site.power.pricePerMWh');
    }
    // a --dist outside the range, on a built-in: the same
    const dist = await cli('mc', 'neocloud-base', '-n', '100', '--dist', 'site.power.pricePerMWh=uniform:-20,137');
    expect(dist.code).toBe(2);
    expect(dist.err).toMatch(/valid range/);
    const api = await postJson(t.app, '/api/mc', { yaml: wide, n: 100 });
    expect([400, 422]).toContain(api.status);
    expect(JSON.stringify(api.body.issues)).toContain('outside the valid range');
  });
});
