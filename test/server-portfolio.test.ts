/**
 * Portfolios over HTTP (MODEL.md §8): the built-ins, a run, the analyses, the
 * workbook; a vintage that names a path on the server is a 400 at the
 * vintage; a saved scenario can be a template; the compute budget counts
 * vintages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, postJson, type TestServer, testApp, TEST_LIMITS } from './server-helpers.ts';
import { ROOT } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t.close());

const inline = (vintages: unknown[], extra: Record<string, unknown> = {}) => ({ kind: 'portfolio', id: 'api', startYear: 2026, years: 14, finance: { wacc: 0.08 }, vintages, ...extra });

describe('the portfolio routes', () => {
  it('lists the built-ins and gives their text', async () => {
    const r = await getJson(t.app, '/api/portfolios');
    expect(r.status).toBe(200);
    expect(r.body.portfolios.map((p: { id: string }) => p.id)).toEqual(['hyperscaler-buildout', 'industry-revenue-gap', 'neocloud-ramp']);
    expect(r.body.portfolios[0]).toMatchObject({ vintages: 7, startYear: 2024, years: 16 });
    const one = await getJson(t.app, '/api/portfolios/neocloud-ramp');
    expect(one.body.yaml).toContain('kind: portfolio');
    expect((await getJson(t.app, '/api/portfolios/nope')).status).toBe(404);
  });
  it('runs a built-in and an inline portfolio: the same result as the CLI', async () => {
    const r = await postJson(t.app, '/api/portfolio/run', { id: 'industry-revenue-gap' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).slice(0, 5)).toEqual(['portfolio', 'years', 'vintages', 'summary', 'revenueGap']);
    expect(r.body.revenueGap.find((g: { year: number }) => g.year === 2028).requiredEndUser).toBeCloseTo(932.08e9, -7);
    const i = await postJson(t.app, '/api/portfolio/run', { portfolio: inline([{ scenario: 'neocloud-base', buildYear: 2026 }, { scenario: 'neocloud-base', buildYear: 2027, scale: 2 }]) });
    expect(i.status).toBe(200);
    expect(i.body.vintages.map((v: { itMW: number }) => v.itMW)).toEqual([100, 200]);
  });
  it('levered vintages (MODEL.md §9): each its own tranches, the consolidated §9 lines, the breaches naming their vintage', async () => {
    const r = await postJson(t.app, '/api/portfolio/run', { yaml: readFileSync(join(ROOT, 'test', 'fixtures', 'portfolio-levered.yaml'), 'utf8') });
    expect(r.status).toBe(200);
    expect(r.body.vintages[1].tranches[0].years[0].year).toBe(2027);
    expect(r.body.vintages[0].debt.debtService).toHaveLength(13);
    expect(r.body.years[3]).toHaveProperty('refinancingNeed');
    expect(r.body.summary.covenantBreaches.map((b: { vintage: string }) => b.vintage)).toContain('2026');
  });
  it('a vintage that names a path on the server is a 400 at the vintage; an unknown id too', async () => {
    const r = await postJson(t.app, '/api/portfolio/run', { portfolio: inline([{ scenario: '../../etc/passwd', buildYear: 2026 }, { scenario: 'neocloud-bas', buildYear: 2027 }]) });
    expect(r.status).toBe(400);
    const paths = r.body.issues.map((i: { path: string; code: string }) => `${i.path} ${i.code}`);
    expect(paths).toContain('vintages[0].scenario path_not_allowed');
    expect(paths).toContain('vintages[1].scenario not_found');
    expect(r.body.issues[0].message).toMatch(/never a file on the server/);
    const y = await postJson(t.app, '/api/portfolio/run', { yaml: 'kind: portfolio\nid: p\nstartYear: 2026\nyears: 12\nfinance: { wacc: 0.08 }\nvintages:\n  - { scenario: ./site.yaml, buildYear: 2026 }\n' });
    expect(y.status).toBe(400);
    expect(y.body.issues[0]).toMatchObject({ path: 'vintages[0].scenario', line: 7, code: 'path_not_allowed' });
  });
  it('a saved scenario is a template', async () => {
    const text = readFileSync(join(ROOT, 'data', 'scenarios', 'neocloud-base.yaml'), 'utf8').replace('id: neocloud-base', 'id: my-site').replace('itMW: 100', 'itMW: 40');
    const saved = await postJson(t.app, '/api/scenarios', { yaml: text });
    expect(saved.status).toBe(201);
    const r = await postJson(t.app, '/api/portfolio/run', { portfolio: inline([{ scenario: 'my-site', buildYear: 2026 }]) });
    expect(r.status).toBe(200);
    expect(r.body.vintages[0].itMW).toBe(40);
  });
  it('the analyses take a portfolio', async () => {
    const b = await postJson(t.app, '/api/portfolio/breakeven', { id: 'industry-revenue-gap', drivers: ['demand.segments[paid].pricing.perMTok'] });
    expect(b.status).toBe(200);
    expect(b.body.rows[0].status).toBe('needs-change');
    const tor = await postJson(t.app, '/api/portfolio/tornado', { id: 'neocloud-ramp', drivers: ['finance.wacc'] });
    expect(tor.status).toBe(200);
    const g = await postJson(t.app, '/api/portfolio/grid', { id: 'industry-revenue-gap', x: { path: 'finance.wacc', lo: 0.05, hi: 0.15, n: 3 }, y: { path: 'demand.growthPerYear', lo: 0.4, hi: 0.8, n: 2 } });
    expect(g.status).toBe(200);
    expect(g.body.values).toHaveLength(2);
    const s = await postJson(t.app, '/api/portfolio/stack', { id: 'hyperscaler-buildout' });
    expect(s.status).toBe(200);
    expect(s.body.factor).toBeGreaterThan(0);
    const mc = await postJson(t.app, '/api/portfolio/mc', { id: 'industry-revenue-gap', n: 400, seed: 3 });
    expect(mc.status).toBe(200);
    expect(mc.body.summary.n).toBe(400);
    const bad = await postJson(t.app, '/api/portfolio/breakeven', { id: 'hyperscaler-buildout', drivers: ['vintages[2099].finance.wacc'] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].message).toMatch(/no vintage "2099"/);
  }, 60_000);
  it('the workbook', async () => {
    const r = await t.app.request('/api/portfolio/xlsx', { method: 'POST', headers: { 'content-type': 'application/json', host: 'localhost' }, body: JSON.stringify({ id: 'neocloud-ramp' }) });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toContain('neocloud-ramp.xlsx');
    expect(new Uint8Array(await r.arrayBuffer()).subarray(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
  });
});

describe('the compute budget counts vintages', () => {
  it('a Monte Carlo that one vintage could run but fifty cannot is refused before it starts', async () => {
    const small = await testApp({ limits: { ...TEST_LIMITS, mcSamples: 100_000, refuseMillis: 2_000 } });
    try {
      const one = await postJson(small.app, '/api/portfolio/mc', { portfolio: inline([{ scenario: 'frontier-lab-base', buildYear: 2026 }], { years: 10 }), n: 40_000 });
      expect(one.status).toBe(200);
      const fifty = await postJson(small.app, '/api/portfolio/mc', {
        portfolio: { kind: 'portfolio', id: 'big', startYear: 2026, years: 60, finance: { wacc: 0.08 }, program: { template: 'frontier-lab-base', from: 2026, to: 2075 } },
        n: 40_000,
      });
      expect(fifty.status).toBe(422);
      expect(fifty.body.issues[0]).toMatchObject({ path: 'n', code: 'compute_budget' });
      expect(fifty.body.issues[0].message).toMatch(/fewer vintages \(50\)/);
    } finally {
      await small.close();
    }
  }, 120_000);
});
