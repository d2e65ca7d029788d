/** The signals API through `app.request()`: definitions, observations (add, import, list), status and calendar. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedObservationsPath } from '../src/io/signal-files.ts';
import { getJson, postJson, testApp, type TestServer } from './server-helpers.ts';

const SEED = readFileSync(seedObservationsPath(), 'utf8');
const power = { signal: 'power-price', scope: 'us industrial', date: '2025-12-31', value: 83, unit: '$/MWh', source: 'EIA' };

let t: TestServer;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

async function postCsv(app: TestServer['app'], text: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await app.request('/api/observations/import', { method: 'POST', headers: { 'content-type': 'text/csv', ...headers }, body: text });
  return { status: res.status, body: await res.json() };
}

describe('signals', () => {
  it('GET /api/signals lists the twelve definitions of MODEL.md §6 and the context', async () => {
    const r = await getJson(t.app, '/api/signals');
    expect(r.status).toBe(200);
    expect(r.body.signals.map((s: { id: string }) => s.id)).toEqual([
      'api-price',
      'gpu-hour-price',
      'utilization',
      'capex-per-mw',
      'gp-per-mw',
      'depreciation-life',
      'lease-rate',
      'cost-of-debt',
      'refinancing-need',
      'power-price',
      'token-volume',
      'paid-share',
    ]);
    expect(Array.isArray(r.body.context)).toBe(true);
  });

  it('POST /api/observations adds one; the same again is stored once; GET lists it', async () => {
    const r = await postJson(t.app, '/api/observations', power);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ added: 1, duplicates: 0 });
    expect(r.body.observations[0]).toMatchObject({ ...power, id: r.body.ids[0], recordedAt: '2026-03-15T12:00:00.000Z', supersedes: null });
    const again = await postJson(t.app, '/api/observations', { ...power, value: '83' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ added: 0, duplicates: 1, ids: [] });
    const list = await getJson(t.app, '/api/observations?signal=power-price');
    expect(list.body.observations).toHaveLength(1);
  });

  it('a bad observation is a 400 with every field named', async () => {
    const r = await postJson(t.app, '/api/observations', { signal: 'power-prise', scope: 'x', date: '2025-02-30', value: 'lots', unit: '$/kWh', source: 'me', url: 'ftp://x' });
    expect(r.status).toBe(400);
    expect(r.body.issues.map((i: { path: string }) => i.path)).toEqual(['signal', 'date', 'value', 'url']);
    expect(r.body.issues[0].message).toContain('did you mean "power-price"');
    const wrongUnit = await postJson(t.app, '/api/observations', { ...power, unit: '$/kWh' });
    expect(wrongUnit.body.issues).toEqual([expect.objectContaining({ path: 'unit', code: 'bad_unit' })]);
    const shape = await postJson(t.app, '/api/observations', { signal: 'power-price', value: true, colour: 'red' });
    expect(shape.status).toBe(400);
    expect(shape.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['colour', 'value', 'scope']));
  });

  it('a correction of an observation that does not exist is refused', async () => {
    const r = await postJson(t.app, '/api/observations', { ...power, value: 84, supersedes: 999 });
    expect(r.status).toBe(400);
    expect(r.body.issues[0].message).toMatch(/999/);
  });

  it('POST /api/observations/import takes CSV, all or nothing, every bad line reported', async () => {
    const bad = 'signal,scope,date,value,unit,source\npower-price,a,2025-01-01,80,$/MWh,EIA\npower-price,b,2025-13-01,80,$/MWh,EIA\nlease-rate,c,2025-01-01,abc,$/kW-month,CBRE\n';
    const r = await postCsv(t.app, bad);
    expect(r.status).toBe(400);
    expect(r.body.issues.map((i: { line: number; path: string }) => [i.line, i.path])).toEqual([
      [3, 'date'],
      [4, 'value'],
    ]);
    // nothing of it was written, not even the good line
    expect((await getJson(t.app, '/api/observations?signal=power-price&scope=a')).body.observations).toEqual([]);

    const seed = await postCsv(t.app, SEED);
    expect(seed.status).toBe(201);
    expect(seed.body.added).toBeGreaterThan(10);
    const again = await postCsv(t.app, SEED);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ added: 0, duplicates: seed.body.added });
  });

  it('and JSON: a list or { observations }, issues with their line', async () => {
    const ok = await postJson(t.app, '/api/observations/import', [{ ...power, scope: 'json import', value: 90 }]);
    expect(ok.status).toBe(201);
    const wrapped = await postJson(t.app, '/api/observations/import', { observations: [{ ...power, scope: 'json import 2' }] });
    expect(wrapped.status).toBe(201);
    const text = JSON.stringify([{ ...power, scope: 'j3' }, { ...power, scope: 'j4', value: 'x' }], null, 2);
    const bad = await postJson(t.app, '/api/observations/import', text);
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'value', line: 14 })]);
    const notList = await postJson(t.app, '/api/observations/import', { rows: [] });
    expect(notList.status).toBe(400);
  });

  it('GET /api/observations filters by signal(s), scope, dates, history', async () => {
    const two = await getJson(t.app, '/api/observations?signal=power-price,lease-rate');
    const signals = new Set(two.body.observations.map((o: { signal: string }) => o.signal));
    expect([...signals].sort()).toEqual(['lease-rate', 'power-price']);
    const dated = await getJson(t.app, '/api/observations?signal=power-price&from=2025-06-01&to=2025-12-31');
    for (const o of dated.body.observations) expect(o.date >= '2025-06-01' && o.date <= '2025-12-31').toBe(true);
    expect((await getJson(t.app, '/api/observations?history=true&limit=2')).body.observations).toHaveLength(2);
    const bad = await getJson(t.app, '/api/observations?from=yesterday&history=maybe&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['from', 'history', 'limit']);
  });

  it('GET /api/signals/status rates the latest observations of a scenario', async () => {
    const r = await getJson(t.app, '/api/signals/status?scenario=neocloud-base&version=0&asOf=2026-03-01');
    expect(r.status).toBe(200);
    expect(r.body.scenarioId).toBe('neocloud-base');
    expect(r.body.asOf).toBe('2026-03-01');
    expect(r.body.rows.length).toBeGreaterThan(3);
    for (const row of r.body.rows) expect([null, 'on track', 'watch', 'breach']).toContain(row.status);
    const byClock = await getJson(t.app, '/api/signals/status?scenario=hyperscaler-base');
    expect(byClock.body.asOf).toBe('2026-03-15');
    const unknown = await getJson(t.app, '/api/signals/status?scenario=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.issues[0].path).toBe('scenario');
    const missing = await getJson(t.app, '/api/signals/status');
    expect(missing.status).toBe(400);
    expect(missing.body.issues[0].path).toBe('scenario');
    expect((await getJson(t.app, '/api/signals/status?scenario=neocloud-base&asOf=2026-3-1')).status).toBe(400);
  });

  it('a dashboard observation for "b200 on-demand" is never direct for a GB200 scenario; a scope value out of the lists is a 400', async () => {
    const b200 = { signal: 'gpu-hour-price', scope: 'b200 on-demand', date: '2026-10-01', value: 9.5, unit: '$/accelerator-hour', source: 'dashboard', operator: 'neocloud', accelerator: 'b200' };
    expect((await postJson(t.app, '/api/observations', b200)).status).toBe(201);
    const r = await getJson(t.app, '/api/signals/status?scenario=neocloud-base&version=0&asOf=2026-11-30');
    const gpu = r.body.rows.find((x: { signal: string }) => x.signal === 'gpu-hour-price');
    expect(gpu.match).toBe('proxy');
    expect(gpu.latest.scope).not.toBe('b200 on-demand');
    const bad = await postJson(t.app, '/api/observations', { ...b200, operator: 'neoclod', accelerator: 'b2000', basis: 'all-in' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(['operator', 'accelerator', 'basis']);
    expect(bad.body.issues[0].message).toContain('did you mean "neocloud"');
  });

  it('GET /api/signals/nowcast: npv then and now, the Shapley attribution summing to the change; before every observation, 400', async () => {
    const r = await getJson(t.app, '/api/signals/nowcast?scenario=neocloud-base&version=0&asOf=2026-11-30');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ scenarioId: 'neocloud-base', asOf: '2026-11-30', includeProxies: false });
    const sum = r.body.attribution.reduce((a: number, x: { npv: number }) => a + x.npv, 0);
    expect(Math.abs(sum - (r.body.npvNow - r.body.npvBase))).toBeLessThanOrEqual(1e-9 * Math.abs(r.body.npvNow - r.body.npvBase));
    expect(r.body.attribution.length).toBeGreaterThan(0);
    for (const p of r.body.placements) expect(p.match).toBe('direct');
    const proxies = await getJson(t.app, '/api/signals/nowcast?scenario=neocloud-base&version=0&asOf=2026-11-30&proxies=true');
    expect(proxies.body.placements.some((p: { match: string }) => p.match === 'proxy')).toBe(true);
    const early = await getJson(t.app, '/api/signals/nowcast?scenario=neocloud-base&asOf=1999-01-01');
    expect(early.status).toBe(400);
    expect(early.body.issues[0]).toMatchObject({ path: 'asOf', code: 'no_evidence' });
  });

  it('GET /api/signals/calendar lists the quarters ahead', async () => {
    const r = await getJson(t.app, '/api/signals/calendar?scenario=neocloud-base&version=0&asOf=2026-11-30');
    expect(r.status).toBe(200);
    expect(r.body.quarters).toHaveLength(8);
    expect(r.body.quarters[0].label).toBe('2026-Q4');
    expect(r.body.lines.length).toBeGreaterThan(3);
    const twelve = await getJson(t.app, '/api/signals/calendar?scenario=neocloud-base&asOf=2026-11-30&months=12');
    expect(twelve.body.quarters).toHaveLength(4);
    expect(r.body.verdict.meets).toBe(false);
    expect(r.body.lines.map((l: { watch: { rank: number } }) => l.watch.rank)).toEqual(r.body.lines.map((_: unknown, i: number) => i + 1));
    expect(r.body.lines[0].watch.reason).toMatch(/^npv moves/);
    expect((await getJson(t.app, '/api/signals/calendar?scenario=neocloud-base&months=1')).status).toBe(400);
  });
});

describe('writes need the token when the server requires one', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testApp({ requireToken: true, token: 'another-long-secret' });
  });
  afterAll(async () => {
    await s.close();
  });
  it('adding and importing observations without the token: 401, nothing stored', async () => {
    expect((await postJson(s.app, '/api/observations', power)).status).toBe(401);
    expect((await postCsv(s.app, SEED)).status).toBe(401);
    expect((await postJson(s.app, '/api/observations/import', [power], { authorization: 'Bearer wrong' })).status).toBe(401);
    expect(await s.store.countObservations()).toBe(0);
    expect((await postJson(s.app, '/api/observations', power, { authorization: 'Bearer another-long-secret' })).status).toBe(201);
    expect((await postCsv(s.app, SEED, { authorization: 'bearer another-long-secret' })).status).toBe(201);
    // reads need none
    expect((await getJson(s.app, '/api/observations')).status).toBe(200);
  });
});

describe('without a store', () => {
  it('observations and status answer 503; definitions and the calendar still work', async () => {
    const { createApp } = await import('../src/server/app.ts');
    const { catalog } = await import('./helpers.ts');
    const app = createApp({ catalog: catalog(), clock: () => new Date('2026-03-15T00:00:00Z'), requireToken: false, limits: { bodyBytes: 100_000, mcSamples: 10, mcMillis: 20_000 } });
    expect((await getJson(app, '/api/observations')).status).toBe(503);
    expect((await postJson(app, '/api/observations', power)).status).toBe(503);
    expect((await getJson(app, '/api/signals/status?scenario=neocloud-base')).status).toBe(503);
    expect((await getJson(app, '/api/signals/nowcast?scenario=neocloud-base')).status).toBe(503);
    expect((await getJson(app, '/api/signals')).status).toBe(200);
    expect((await getJson(app, '/api/signals/calendar?scenario=neocloud-base')).status).toBe(200);
  });
});
